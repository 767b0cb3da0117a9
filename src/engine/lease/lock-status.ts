// What `status` says of a release's Lease. One read cannot tell whether the holder is alive:
// only watching its record change can, which write actions do (lock.ts). So status reports the
// holder's own times, and how old its last renewal looks on this runner's clock as a hint,
// labelled as such: the two clocks may differ by any amount.
import type { Cluster } from '../../kube/types.ts';
import type { LockInfo } from '../../record/types.ts';
import { wallClock } from '../../clock.ts';
import { DEFAULT_LEASE_SECONDS, durationOf, leaseRef, readLease } from './lock.ts';

/** Who holds a release's Lease, from one read (undefined when nobody does). */
export async function readLockInfo(
  cluster: Cluster,
  namespace: string,
  name: string,
  now: Date = wallClock(),
): Promise<LockInfo | undefined> {
  const spec = (await readLease(cluster, leaseRef(namespace, name)))?.spec;
  if (!spec?.holderIdentity) return undefined;
  const leaseDurationSeconds = durationOf(spec, DEFAULT_LEASE_SECONDS);
  const renewed = Date.parse(spec.renewTime ?? spec.acquireTime ?? '');
  if (Number.isNaN(renewed)) return { holder: spec.holderIdentity, leaseDurationSeconds, expired: false };
  const expiresAt = renewed + leaseDurationSeconds * 1000;
  return {
    holder: spec.holderIdentity,
    leaseDurationSeconds,
    renewedAt: new Date(renewed).toISOString(),
    expiresAt: new Date(expiresAt).toISOString(),
    renewedSecondsAgo: Math.round((now.getTime() - renewed) / 1000),
    expired: expiresAt < now.getTime(),
  };
}

/**
 * What `status` says of the lock. `unfinished` names a release left progressing or rolling back
 * (`progressing 1.2.0`): its run may have died, and the next write action takes it over.
 */
export function lockNote(lock: LockInfo | undefined, unfinished?: string): string | undefined {
  const takeOver = (lease: number) =>
    `the next deploy, promote or rollback takes the release over once it has seen the Lease unchanged for ${lease}s`;
  if (!lock)
    return unfinished && `the run that was ${unfinished} is gone: ${takeOver(DEFAULT_LEASE_SECONDS)}`;
  const renewal = lock.renewedAt
    ? `last renewed ${lock.renewedAt} by its holder's clock, ${lock.renewedSecondsAgo}s ago by this runner's clock (clocks may differ)`
    : 'never renewed';
  if (!lock.expired)
    return `run ${lock.holder} holds the release lock (${renewal}; lease ${lock.leaseDurationSeconds}s)`;
  return (
    `run ${lock.holder} ${unfinished ? `was ${unfinished} and ` : ''}holds the release lock but looks like it stopped renewing it ` +
    `(${renewal}; lease ${lock.leaseDurationSeconds}s): ${takeOver(lock.leaseDurationSeconds)}`
  );
}
