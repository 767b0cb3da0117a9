// Scaling without a rollout (upstream scale(), incl. proportional scaling) and history cleanup.
import type { ReplicaSetView } from '../views.ts';
import { scaleReplicaSet, type Sync } from './deployment-sync.ts';
import {
  isRollingUpdate,
  isSaturated,
  MAX_REPLICAS,
  maxSurge,
  replicasOf,
  revisionOf,
  specReplicas,
} from './deployment-util.ts';
import { byCreation } from './util.ts';

/**
 * Upstream scale(): a single active RS takes the whole size; a saturated new RS empties the old
 * ones; otherwise RollingUpdate scales every active RS proportionally (max-replicas annotation),
 * the rounding leftover going to the largest.
 */
export function scale(
  s: Sync,
  newRS: ReplicaSetView | undefined,
  oldRSs: ReplicaSetView[],
): ReplicaSetView[] {
  const all = [...oldRSs, ...(newRS ? [newRS] : [])];
  const replace = (rs: ReplicaSetView, updated: ReplicaSetView) => {
    all[all.indexOf(rs)] = updated;
  };
  const active = all.filter((rs) => Number(rs.spec?.replicas ?? 0) > 0);
  const desired = replicasOf(s.d);
  let single: ReplicaSetView | undefined;
  if (active.length === 1) single = active[0];
  else if (active.length === 0 && all.length) single = newRS ?? [...all].sort(byCreation).at(-1);
  if (single || active.length <= 1) {
    if (single && Number(single.spec?.replicas ?? 0) !== desired)
      replace(single, scaleReplicaSet(s, single, desired));
    return all;
  }
  if (isSaturated(s.d, newRS)) {
    for (const rs of oldRSs) if (Number(rs.spec?.replicas ?? 0) > 0) replace(rs, scaleReplicaSet(s, rs, 0));
    return all;
  }
  if (!isRollingUpdate(s.d)) return all;
  const allowed = desired > 0 ? desired + maxSurge(s.d) : 0;
  const current = specReplicas(active);
  const toAdd = allowed - current;
  // Nothing to add still goes through scaleReplicaSet, as upstream's loop does: it rewrites the
  // desired-/max-replicas annotations, which is what ends the scaling event. Returning early here
  // left the Deployment in scale-only mode for good (issue 19, item 3).
  if (toAdd === 0) {
    for (const rs of active) replace(rs, scaleReplicaSet(s, rs, Number(rs.spec.replicas)));
    return all;
  }
  const ordered = [...active].sort((a, b) => {
    const diff = Number(b.spec.replicas) - Number(a.spec.replicas);
    if (diff !== 0) return diff;
    return toAdd > 0 ? byCreation(b, a) : byCreation(a, b);
  });
  // Upstream GetProportion: each RS moves towards replicas * allowed / its max-replicas annotation.
  const targets = new Map<ReplicaSetView, number>();
  let added = 0;
  for (const rs of ordered) {
    const size = Number(rs.spec.replicas);
    let proportion = 0;
    if (size > 0 && toAdd !== added) {
      const annotated = Number(rs.metadata.annotations?.[MAX_REPLICAS] ?? s.d.status?.replicas ?? 0);
      const fraction =
        desired === 0 ? -size : annotated > 0 ? Math.round((size * allowed) / annotated) - size : 0;
      const remaining = toAdd - added;
      proportion = toAdd > 0 ? Math.min(fraction, remaining) : Math.max(fraction, remaining);
    }
    targets.set(rs, size + proportion);
    added += proportion;
  }
  const first = ordered[0];
  targets.set(first, Math.max(0, (targets.get(first) ?? 0) + (toAdd - added)));
  for (const [rs, n] of targets) replace(rs, scaleReplicaSet(s, rs, Math.max(0, n)));
  return all;
}

/** Delete the oldest zero-sized old RSs beyond revisionHistoryLimit. */
export function cleanup(s: Sync, oldRSs: ReplicaSetView[]): void {
  const limit = s.d.spec?.revisionHistoryLimit;
  if (limit === undefined || limit === null) return;
  const alive = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  const diff = alive.length - Number(limit);
  if (diff <= 0) return;
  const byRevision = [...alive].sort(
    (a, b) =>
      Number(revisionOf(a) > revisionOf(b)) - Number(revisionOf(a) < revisionOf(b)) || byCreation(a, b),
  );
  for (const rs of byRevision.slice(0, diff)) {
    if (Number(rs.status?.replicas ?? 0) !== 0 || Number(rs.spec?.replicas ?? 0) !== 0) continue;
    if (Number(rs.metadata.generation ?? 0) > Number(rs.status?.observedGeneration ?? 0)) continue;
    s.ctx.store.delete('apps/v1', 'ReplicaSet', rs.metadata.namespace, rs.metadata.name ?? '');
  }
}
