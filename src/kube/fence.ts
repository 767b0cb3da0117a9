// A Cluster that refuses every write once `fence` is aborted: a run that lost its release lock
// must not move traffic or touch workloads that now belong to another run. Reads go on, so the
// run can still report what it saw.
import type { Cluster } from './types.ts';

export function fencedCluster(cluster: Cluster, fence: AbortSignal): Cluster {
  const guard =
    <A extends unknown[], R>(write: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      if (fence.aborted) return Promise.reject(fence.reason);
      return write(...args);
    };
  return {
    get: (ref) => cluster.get(ref),
    list: (...args) => cluster.list(...args),
    watchUntil: (...args) => cluster.watchUntil(...args),
    podLog: (...args) => cluster.podLog(...args),
    groupVersions: (group) => cluster.groupVersions(group),
    resourceOf: (apiVersion, kind) => cluster.resourceOf(apiVersion, kind),
    apply: guard((obj, opts) => cluster.apply(obj, opts)),
    create: guard((obj, opts) => cluster.create(obj, opts)),
    replace: guard((obj) => cluster.replace(obj)),
    patch: guard((ref, patch, type, opts) => cluster.patch(ref, patch, type, opts)),
    delete: guard((ref, opts) => cluster.delete(ref, opts)),
  };
}
