// A Cluster that learns every Secret value passing through it (read or applied) and redacts the
// known values from what the cluster says about pods: logs, status messages and events. Main
// wraps the real Cluster in it, so no other module has to remember to do either.
import type { Cluster, KubeObject } from '../kube/types.ts';
import { secretValuesOf, type Redactor } from './redactor.ts';

export function observeSecrets(inner: Cluster, redactor: Redactor): Cluster {
  /** Learns the values of a Secret; redacts the messages in anything else's status. */
  const seen = (obj: KubeObject): KubeObject => {
    if (obj?.kind === 'Secret') {
      redactor.add(secretValuesOf(obj));
      return obj;
    }
    // Events are only read; of anything else only the status, which is never written back.
    if (obj?.kind === 'Event') return redactor.redactMessages(obj);
    return obj?.status ? { ...obj, status: redactor.redactMessages(obj.status) } : obj;
  };
  const sent = (obj: KubeObject): KubeObject => {
    redactor.add(secretValuesOf(obj));
    return obj;
  };
  return {
    apply: async (obj, opts) => seen(await inner.apply(sent(obj), opts)),
    create: async (obj, opts) => seen(await inner.create(sent(obj), opts)),
    replace: async (obj) => seen(await inner.replace(sent(obj))),
    patch: async (ref, patch, type, opts) => seen(await inner.patch(ref, patch, type, opts)),
    get: async (ref) => {
      const obj = await inner.get(ref);
      return obj && seen(obj);
    },
    list: async (apiVersion, kind, namespace, opts) =>
      (await inner.list(apiVersion, kind, namespace, opts)).map(seen),
    delete: (ref, opts) => inner.delete(ref, opts),
    resourceOf: (apiVersion, kind) => inner.resourceOf(apiVersion, kind),
    watchUntil: (apiVersion, kind, namespace, opts, onEvent, wait) =>
      inner.watchUntil(
        apiVersion,
        kind,
        namespace,
        opts,
        (event, snapshot) => onEvent({ ...event, object: seen(event.object) }, snapshot),
        wait,
      ),
    podLog: async (namespace, pod, container, opts) =>
      redactor.redact(await inner.podLog(namespace, pod, container, opts)),
    groupVersions: (group) => inner.groupVersions(group),
  };
}
