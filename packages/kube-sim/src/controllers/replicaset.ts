// ReplicaSet controller: keep spec.replicas active pods, report status, FailedCreate on "quota".
import type { KubeObject } from '../types.ts';
import { viewAll, type PodView, type ReplicaSetStatus, type ReplicaSetView } from '../views.ts';
import {
  deletePodGracefully,
  FAIL_CREATE_ANNOTATION,
  guarded,
  newPodFromTemplate,
  type ControllerContext,
} from './context.ts';
import { claim } from './claim.ts';
import { conditionInstant } from '../timestamps.ts';
import {
  isoNow,
  isPodActive,
  isPodAvailable,
  isPodReady,
  owned,
  removeCondition,
  selectorMatches,
  setCondition,
  timeMs,
  writeStatus,
} from './util.ts';

const SOURCE = { component: 'replicaset-controller' };

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

const DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

/** Upstream GetDeletionCostFromPodAnnotations: an int32, else 0 (the API server validates it). */
function deletionCost(pod: KubeObject): number {
  const text = pod.metadata.annotations?.[DELETION_COST];
  if (text === undefined || !/^[+-]?\d+$/.test(text.trim())) return 0;
  const n = Number(text.trim());
  return n >= -(2 ** 31) && n < 2 ** 31 ? n : 0;
}

/**
 * Upstream ActivePodsWithRanks.Less (pkg/controller/controller_utils.go): the pods listed first
 * are the ones to delete first. Not modelled: rank 5 (pods doubled up on a node) and the
 * logarithmic time buckets of LogarithmicScaleDown; times compare directly.
 */
export function deletionOrder(a: PodView, b: PodView): number {
  const assigned = (p: PodView) => (p.spec?.nodeName ? 1 : 0);
  if (assigned(a) !== assigned(b)) return assigned(a) - assigned(b);
  const phase = (p: PodView) => PHASE_RANK[p.status?.phase ?? 'Pending'] ?? 0;
  if (phase(a) !== phase(b)) return phase(a) - phase(b);
  const ready = (p: KubeObject) => (isPodReady(p) ? 1 : 0);
  if (ready(a) !== ready(b)) return ready(a) - ready(b);
  // 4. A lower pod-deletion-cost goes first.
  if (deletionCost(a) !== deletionCost(b)) return deletionCost(a) - deletionCost(b);
  if (ready(a) && ready(b)) {
    const readySince = (p: KubeObject) => conditionInstant(p, 'Ready', 'lastTransitionTime') ?? 0;
    const ta = readySince(a);
    const tb = readySince(b);
    if (ta !== tb) return tb - ta; // ready for less time goes first
  }
  const restarts = (p: PodView) =>
    Math.max(0, ...(p.status?.containerStatuses ?? []).map((c) => Number(c.restartCount ?? 0)));
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  return (timeMs(b.metadata.creationTimestamp) ?? 0) - (timeMs(a.metadata.creationTimestamp) ?? 0);
}

export function podsOfReplicaSet(ctx: ControllerContext, rs: KubeObject): PodView[] {
  return viewAll<PodView>(owned(ctx.store, 'v1', 'Pod', rs));
}

/** Upstream manageReplicas: the active pods of the namespace, claimed by selector (ClaimPods). */
function claimActivePods(ctx: ControllerContext, rs: ReplicaSetView): PodView[] {
  const active = ctx.store.list('v1', 'Pod', rs.metadata.namespace).filter(isPodActive);
  return viewAll<PodView>(
    claim(ctx, rs, active, { matches: (p) => selectorMatches(rs.spec.selector, p.metadata.labels) }),
  );
}

export function syncReplicaSet(ctx: ControllerContext, rs: ReplicaSetView): void {
  const { store, clock } = ctx;
  if (rs.metadata.deletionTimestamp) return;
  const desired = Number(rs.spec?.replicas ?? 1);
  let active = claimActivePods(ctx, rs);
  let failure: string | undefined;

  if (active.length < desired) {
    const template = rs.spec?.template ?? {};
    for (let i = active.length; i < desired; i++) {
      const pod = newPodFromTemplate(template, rs, {});
      if (template.metadata?.annotations?.[FAIL_CREATE_ANNOTATION] === 'true') {
        failure = `pods "${pod.metadata.name}" is forbidden: exceeded quota: sim-quota, requested: pods=1, used: pods=${active.length}, limited: pods=${active.length}`;
        ctx.events.record({
          involved: rs,
          type: 'Warning',
          reason: 'FailedCreate',
          message: `Error creating: ${failure}`,
          source: SOURCE,
        });
        break;
      }
      const created = store.create(pod);
      ctx.events.record({
        involved: rs,
        type: 'Normal',
        reason: 'SuccessfulCreate',
        message: `Created pod: ${created.metadata.name}`,
        source: SOURCE,
      });
    }
  } else if (active.length > desired) {
    const victims = [...active].sort(deletionOrder).slice(0, active.length - desired);
    for (const pod of victims) {
      deletePodGracefully(ctx, pod);
      ctx.events.record({
        involved: rs,
        type: 'Normal',
        reason: 'SuccessfulDelete',
        message: `Deleted pod: ${pod.metadata.name}`,
        source: SOURCE,
      });
    }
  }

  // Status from the pods as they are after this sync.
  active = podsOfReplicaSet(ctx, rs).filter(isPodActive);
  const minReady = Number(rs.spec?.minReadySeconds ?? 0);
  const templateLabels: Record<string, string> = rs.spec?.template?.metadata?.labels ?? {};
  const fullyLabeled = active.filter((p) =>
    Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v),
  ).length;
  let conditions = rs.status?.conditions ?? [];
  if (failure) {
    conditions = setCondition(conditions, {
      type: 'ReplicaFailure',
      status: 'True',
      lastTransitionTime: isoNow(clock),
      reason: 'FailedCreate',
      message: failure,
    });
  } else if (active.length >= desired) {
    conditions = removeCondition(conditions, 'ReplicaFailure');
  }
  const status: ReplicaSetStatus = {
    replicas: active.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: active.filter(isPodReady).length,
    availableReplicas: active.filter((p) => isPodAvailable(p, minReady, clock)).length,
    observedGeneration: rs.metadata.generation ?? 1,
  };
  if (conditions.length) status.conditions = conditions;
  // Upstream omits zero counts (omitempty) except replicas.
  for (const k of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'] as const)
    if (!status[k]) delete status[k];
  writeStatus(store, rs, status);
}

export function syncReplicaSets(ctx: ControllerContext): void {
  for (const rs of viewAll<ReplicaSetView>(ctx.store.list('apps/v1', 'ReplicaSet'))) {
    if (!rs.spec?.selector || !selectorMatches(rs.spec.selector, rs.spec.template?.metadata?.labels))
      continue;
    guarded(ctx, rs, () => syncReplicaSet(ctx, rs));
  }
}
