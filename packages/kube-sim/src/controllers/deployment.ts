// Deployment controller (upstream pkg/controller/deployment): new/old ReplicaSets, RollingUpdate and
// Recreate, pause, scaling events, revision history, status and conditions.
import { view, viewAll, type DeploymentStatus, type DeploymentView, type ReplicaSetView } from '../views.ts';
import { SimApiError } from '../types.ts';
import { guarded, type ControllerContext } from './context.ts';
import { computeHash } from './hash.ts';
import {
  DESIRED_REPLICAS,
  HASH_LABEL,
  REVISION,
  deploymentComplete,
  deploymentCondition,
  equalIgnoreHash,
  findNewReplicaSet,
  maxRevision,
  maxUnavailable,
  newCondition,
  newRSNewReplicas,
  replicasOf,
  setDeploymentCondition,
  setNewReplicaSetAnnotations,
  specReplicas,
  statusSum,
  hasProgressDeadline,
} from './deployment-util.ts';
import { rollingStatus } from './deployment-status.ts';
import { cleanup, scale } from './deployment-scale.ts';
import {
  scaleReplicaSet,
  setDeploymentRevision,
  SOURCE,
  writeDeploymentStatus,
  type Sync,
} from './deployment-sync.ts';
import { claim } from './claim.ts';
import { rollback, rollbackTo } from './deployment-rollback.ts';
import { byCreation, clone, controllerRef, isoNow, owned, isPodTerminal, selectorMatches } from './util.ts';

/** Upstream getAllReplicaSetsAndSyncRevision / getNewReplicaSet. */
function newAndOld(
  s: Sync,
  rsList: ReplicaSetView[],
  create: boolean,
): { newRS?: ReplicaSetView; oldRSs: ReplicaSetView[] } {
  const { ctx } = s;
  const existing = findNewReplicaSet(s.d, rsList);
  const oldRSs = rsList.filter((rs) => rs !== existing);
  const newRevision = maxRevision(oldRSs) + 1n;
  if (existing) {
    let rs = existing;
    const copy = clone(existing);
    const changed = setNewReplicaSetAnnotations(s.d, copy, newRevision, true);
    const minReadyChanged = (copy.spec.minReadySeconds ?? 0) !== (s.d.spec?.minReadySeconds ?? 0);
    if (minReadyChanged) copy.spec.minReadySeconds = s.d.spec?.minReadySeconds ?? 0;
    if (changed || minReadyChanged) rs = view<ReplicaSetView>(ctx.store.update(copy));
    setDeploymentRevision(s, rs.metadata.annotations?.[REVISION]);
    if (!deploymentCondition(s.d.status, 'Progressing') && hasProgressDeadline(s.d)) {
      const status = clone(s.d.status ?? {});
      setDeploymentCondition(
        status,
        newCondition(
          'Progressing',
          'True',
          'FoundNewReplicaSet',
          `Found new replica set "${rs.metadata.name}"`,
          isoNow(ctx.clock),
        ),
      );
      writeDeploymentStatus(s, status);
    }
    return { newRS: rs, oldRSs };
  }
  if (!create) return { oldRSs };

  const collisionCount = s.d.status?.collisionCount;
  const hash = computeHash(s.d.spec.template, collisionCount);
  const template = clone(s.d.spec.template);
  template.metadata ??= {};
  template.metadata.labels = { ...(template.metadata.labels ?? {}), [HASH_LABEL]: hash };
  const selector = clone(s.d.spec.selector ?? {});
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [HASH_LABEL]: hash };
  const name = `${s.d.metadata.name}-${hash}`;
  const rs: ReplicaSetView = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: s.d.metadata.namespace,
      labels: { ...template.metadata.labels },
      annotations: {},
      ownerReferences: [controllerRef(s.d)],
    },
    spec: { replicas: 0, minReadySeconds: s.d.spec?.minReadySeconds ?? 0, selector, template },
  };
  rs.spec.replicas = newRSNewReplicas(s.d, oldRSs, undefined);
  setNewReplicaSetAnnotations(s.d, rs, newRevision, false);
  let created: ReplicaSetView;
  try {
    created = view<ReplicaSetView>(ctx.store.create(rs));
  } catch (err) {
    if (!(err instanceof SimApiError) || err.code !== 409) throw err;
    const found = ctx.store.get('apps/v1', 'ReplicaSet', s.d.metadata.namespace, name);
    const clash = found && view<ReplicaSetView>(found);
    if (
      clash &&
      clash.metadata.ownerReferences?.some((r) => r.uid === s.d.metadata.uid) &&
      equalIgnoreHash(clash.spec?.template, s.d.spec.template)
    ) {
      return { newRS: clash, oldRSs };
    }
    // Hash collision: bump collisionCount so the next attempt gets another name.
    writeDeploymentStatus(s, { ...(s.d.status ?? {}), collisionCount: Number(collisionCount ?? 0) + 1 });
    return { oldRSs };
  }
  if ((created.spec.replicas ?? 0) > 0) {
    ctx.events.record({
      involved: s.d,
      type: 'Normal',
      reason: 'ScalingReplicaSet',
      message: `Scaled up replica set ${name} to ${created.spec.replicas}`,
      source: SOURCE,
    });
  }
  if (hasProgressDeadline(s.d)) {
    const status = clone(s.d.status ?? {});
    setDeploymentCondition(
      status,
      newCondition(
        'Progressing',
        'True',
        'NewReplicaSetCreated',
        `Created new replica set "${name}"`,
        isoNow(ctx.clock),
      ),
    );
    writeDeploymentStatus(s, status);
  }
  setDeploymentRevision(s, created.metadata.annotations?.[REVISION]);
  return { newRS: created, oldRSs };
}

/** Upstream sync(): scale (proportionally when needed), cleanup when paused, status. */
function syncScaleOnly(s: Sync, rsList: ReplicaSetView[]): void {
  const { newRS, oldRSs } = newAndOld(s, rsList, false);
  const all = scale(s, newRS, oldRSs);
  const newUid = newRS?.metadata.uid;
  if (s.d.spec?.paused)
    cleanup(
      s,
      all.filter((rs) => rs.metadata.uid !== newUid),
    );
  const nrs = all.find((x) => newUid !== undefined && x.metadata.uid === newUid);
  writeDeploymentStatus(s, calculateStatus(s, all, nrs));
}

function calculateStatus(
  s: Sync,
  all: ReplicaSetView[],
  newRS: ReplicaSetView | undefined,
): DeploymentStatus {
  const available = statusSum(all, 'availableReplicas');
  const total = specReplicas(all);
  const status: DeploymentStatus = {
    observedGeneration: s.d.metadata.generation ?? 1,
    replicas: statusSum(all, 'replicas'),
    updatedReplicas: newRS ? Number(newRS.status?.replicas ?? 0) : 0,
    readyReplicas: statusSum(all, 'readyReplicas'),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
    conditions: clone(s.d.status?.conditions ?? []),
  };
  if (s.d.status?.collisionCount !== undefined) status.collisionCount = s.d.status.collisionCount;
  const now = isoNow(s.ctx.clock);
  if (available >= replicasOf(s.d) - maxUnavailable(s.d)) {
    setDeploymentCondition(
      status,
      newCondition(
        'Available',
        'True',
        'MinimumReplicasAvailable',
        'Deployment has minimum availability.',
        now,
      ),
    );
  } else {
    setDeploymentCondition(
      status,
      newCondition(
        'Available',
        'False',
        'MinimumReplicasUnavailable',
        'Deployment does not have minimum availability.',
        now,
      ),
    );
  }
  // Go omits zero values of these fields (omitempty).
  for (const k of [
    'replicas',
    'updatedReplicas',
    'readyReplicas',
    'availableReplicas',
    'unavailableReplicas',
  ] as const) {
    if (!status[k]) delete status[k];
  }
  return status;
}

function syncRolloutStatus(s: Sync, all: ReplicaSetView[], newRS: ReplicaSetView | undefined): void {
  const status = rollingStatus(s.d, calculateStatus(s, all, newRS), newRS, all, s.ctx.clock);
  writeDeploymentStatus(s, status);
}

function rolloutRolling(s: Sync, rsList: ReplicaSetView[]): void {
  const { newRS, oldRSs } = newAndOld(s, rsList, true);
  if (!newRS) return; // collision; retried next pass
  const all = [...oldRSs, newRS];
  // Scale up first.
  const desired = replicasOf(s.d);
  const cur = Number(newRS.spec?.replicas ?? 0);
  if (cur !== desired) {
    const target = cur > desired ? desired : newRSNewReplicas(s.d, all, newRS);
    if (target !== cur) {
      all[all.length - 1] = scaleReplicaSet(s, newRS, target);
      return syncRolloutStatus(s, all, all[all.length - 1]);
    }
  }
  if (reconcileOld(s, all, oldRSs, newRS)) return syncRolloutStatus(s, all, newRS);
  if (deploymentComplete(s.d, s.d.status ?? {})) cleanup(s, oldRSs);
  syncRolloutStatus(s, all, newRS);
}

/** Scale old RSs down within the availability budget; unhealthy replicas go first. */
function reconcileOld(
  s: Sync,
  all: ReplicaSetView[],
  oldRSs: ReplicaSetView[],
  newRS: ReplicaSetView,
): boolean {
  if (specReplicas(oldRSs) === 0) return false;
  const minAvailable = replicasOf(s.d) - maxUnavailable(s.d);
  const newUnavailable = Number(newRS.spec?.replicas ?? 0) - Number(newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = specReplicas(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  const replace = (rs: ReplicaSetView, updated: ReplicaSetView) => {
    all[all.indexOf(rs)] = updated;
    oldRSs[oldRSs.indexOf(rs)] = updated;
  };
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= maxScaledDown) break;
    const spec = Number(rs.spec?.replicas ?? 0);
    const avail = Number(rs.status?.availableReplicas ?? 0);
    if (spec === 0 || spec <= avail) continue;
    const n = Math.min(maxScaledDown - total, spec - avail);
    replace(rs, scaleReplicaSet(s, rs, spec - n));
    total += n;
  }
  // Then healthy replicas, keeping minAvailable.
  const availableNow = statusSum(all, 'availableReplicas');
  if (availableNow > minAvailable) {
    const budget = availableNow - minAvailable;
    let done = 0;
    for (const rs of [...oldRSs].sort(byCreation)) {
      if (done >= budget) break;
      const spec = Number(rs.spec?.replicas ?? 0);
      if (spec === 0) continue;
      const n = Math.min(spec, budget - done);
      replace(rs, scaleReplicaSet(s, rs, spec - n));
      done += n;
    }
    total += done;
  }
  return total > 0;
}

function oldPodsRunning(s: Sync, oldRSs: ReplicaSetView[]): boolean {
  if (statusSum(oldRSs, 'replicas') > 0) return true;
  return oldRSs.some((rs) => owned(s.ctx.store, 'v1', 'Pod', rs).some((p) => !isPodTerminal(p)));
}

function rolloutRecreate(s: Sync, rsList: ReplicaSetView[]): void {
  let { newRS, oldRSs } = newAndOld(s, rsList, false);
  const all = () => [...oldRSs, ...(newRS ? [newRS] : [])];
  let scaledDown = false;
  oldRSs = oldRSs.map((rs) => {
    if (Number(rs.spec?.replicas ?? 0) === 0) return rs;
    scaledDown = true;
    return scaleReplicaSet(s, rs, 0);
  });
  if (scaledDown || oldPodsRunning(s, oldRSs)) return syncRolloutStatus(s, all(), newRS);
  if (!newRS) {
    ({ newRS, oldRSs } = newAndOld(s, [...oldRSs], true));
    if (!newRS) return;
  }
  if (Number(newRS.spec?.replicas ?? 0) !== replicasOf(s.d))
    newRS = scaleReplicaSet(s, newRS, replicasOf(s.d));
  if (deploymentComplete(s.d, s.d.status ?? {})) cleanup(s, oldRSs);
  syncRolloutStatus(s, all(), newRS);
}

/** Progressing Unknown DeploymentPaused / DeploymentResumed. */
function checkPaused(s: Sync): void {
  if (!hasProgressDeadline(s.d)) return;
  const cond = deploymentCondition(s.d.status, 'Progressing');
  if (cond?.reason === 'ProgressDeadlineExceeded') return;
  const pausedCond = cond?.reason === 'DeploymentPaused';
  const now = isoNow(s.ctx.clock);
  const status = clone(s.d.status ?? {});
  if (s.d.spec?.paused && !pausedCond) {
    setDeploymentCondition(
      status,
      newCondition('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused', now),
    );
  } else if (!s.d.spec?.paused && pausedCond) {
    setDeploymentCondition(
      status,
      newCondition('Progressing', 'Unknown', 'DeploymentResumed', 'Deployment is resumed', now),
    );
  } else return;
  writeDeploymentStatus(s, status);
}

function isScalingEvent(s: Sync, rsList: ReplicaSetView[]): boolean {
  const desired = String(replicasOf(s.d));
  return rsList.some((rs) => {
    if (Number(rs.spec?.replicas ?? 0) === 0) return false;
    const ann = rs.metadata.annotations?.[DESIRED_REPLICAS];
    return ann !== undefined && ann !== desired;
  });
}

export function syncDeployment(ctx: ControllerContext, d: DeploymentView): void {
  const s: Sync = { ctx, d };
  // Upstream getReplicaSetsForDeployment: every ReplicaSet of the namespace, claimed by selector.
  const rsList = viewAll<ReplicaSetView>(
    claim(ctx, d, ctx.store.list('apps/v1', 'ReplicaSet', d.metadata.namespace), {
      matches: (rs) => selectorMatches(d.spec?.selector, rs.metadata.labels),
    }),
  );
  if (d.metadata.deletionTimestamp) {
    const { newRS, oldRSs } = newAndOld(s, rsList, false);
    writeDeploymentStatus(s, calculateStatus(s, [...oldRSs, ...(newRS ? [newRS] : [])], newRS));
    return;
  }
  checkPaused(s);
  if (s.d.spec?.paused) return syncScaleOnly(s, rsList);
  // Upstream syncDeployment: a requested rollback goes before scaling events and rollouts.
  const wanted = rollbackTo(s.d);
  if (wanted !== undefined) {
    const { newRS, oldRSs } = newAndOld(s, rsList, true);
    return rollback(s, [...oldRSs, ...(newRS ? [newRS] : [])], wanted);
  }
  if (isScalingEvent(s, rsList)) return syncScaleOnly(s, rsList);
  if (s.d.spec?.strategy?.type === 'Recreate') return rolloutRecreate(s, rsList);
  rolloutRolling(s, rsList);
}

export function syncDeployments(ctx: ControllerContext): void {
  for (const d of ctx.store.list('apps/v1', 'Deployment'))
    guarded(ctx, d, () => syncDeployment(ctx, view<DeploymentView>(d)));
}
