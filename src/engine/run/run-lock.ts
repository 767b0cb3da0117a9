// A write action runs under the release's Lease. While it holds it, the run's cluster is fenced:
// the moment the Lease is lost every further write fails and the run's waits end, so a stalled
// runner that was taken over cannot move traffic under the new holder.
import { fencedCluster } from '../../kube/fence.ts';
import type { Cluster } from '../../kube/types.ts';
import { acquireLock, type Lock } from '../lease/lock.ts';
import type { ReleaseDeps } from './deps.ts';
import type { StoreMemo } from '../../state/secret-store-io.ts';

export interface RunLock {
  lock: Lock;
  /** The cluster for every write of this run: refuses writes once the lock is lost. */
  cluster: Cluster;
  /** Cancellation or loss of the lock. */
  signal: AbortSignal;
  /** Loss of the lock only. */
  lost: AbortSignal;
  /** What the run's state saves know the release's Secret store holds (nobody else writes it). */
  secretStore: StoreMemo;
}

export async function withRunLock<T>(
  deps: ReleaseDeps,
  name: string,
  fn: (run: RunLock) => Promise<T>,
): Promise<T> {
  const lock = await acquireLock(deps.cluster, {
    namespace: deps.config.namespace,
    name,
    holder: deps.holder,
    timeoutMs: deps.config.lockTimeoutMs,
    leaseDurationSeconds: Math.max(1, Math.round(deps.config.leaseDurationMs / 1000)),
    signal: deps.signal,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.monotonic ? { monotonic: deps.monotonic } : {}),
    onWait: (holder) => deps.log.info(`waiting for the release lock held by ${holder}`),
    onLost: (holder) =>
      deps.log.warn(`the release lock of ${name} was lost${holder ? ` to ${holder}` : ''}: stopping`),
  });
  if (lock.tookOverFrom)
    deps.log.warn(`took over the release lock of ${name} from ${lock.tookOverFrom}, whose lock had expired`);
  try {
    return await fn({
      lock,
      cluster: fencedCluster(deps.cluster, lock.lost),
      signal: AbortSignal.any([deps.signal, lock.lost]),
      lost: lock.lost,
      secretStore: {},
    });
  } finally {
    await lock.release().catch((err: Error) => deps.log.warn(`could not release the lock: ${err.message}`));
  }
}
