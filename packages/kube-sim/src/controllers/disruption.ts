// PodDisruptionBudgets (policy/v1): the disruption controller's status (expectedPods from the
// owning controllers' replicas, currentHealthy = ready pods, desiredHealthy from minAvailable or
// maxUnavailable, disruptionsAllowed) and the Eviction API's decision, which honours it.
import type { KubeObject, SimStore } from '../types.ts';
import { SimApiError } from '../types.ts';
import type { ControllerContext } from './context.ts';
import { view, viewAll, type PdbView, type PodView, type ScaleTargetView } from '../views.ts';
import { guarded } from './context.ts';
import {
  isoNow,
  isPodReady,
  isTerminating,
  scaledValue,
  selectorMatches,
  setCondition,
  writeStatus,
} from './util.ts';

export interface BudgetCounts {
  expectedPods: number;
  currentHealthy: number;
  desiredHealthy: number;
  disruptionsAllowed: number;
}

function selectedPods(store: SimStore, pdb: PdbView): PodView[] {
  const sel = pdb.spec?.selector;
  // policy/v1: an empty selector selects every pod of the namespace; a missing one selects none.
  if (!sel) return [];
  return viewAll<PodView>(store.list('v1', 'Pod', pdb.metadata.namespace)).filter(
    (p) => !isTerminating(p) && selectorMatches(sel, p.metadata.labels ?? {}),
  );
}

/** Sum of the replicas of the controllers owning the pods (a bare pod counts as one). */
function expectedCount(store: SimStore, pods: KubeObject[]): number {
  const owners = new Map<string, number>();
  let bare = 0;
  for (const pod of pods) {
    const ref = (pod.metadata.ownerReferences ?? []).find((r) => r.controller);
    if (!ref) {
      bare++;
      continue;
    }
    const owner = store.get(ref.apiVersion, ref.kind, pod.metadata.namespace, ref.name);
    const replicas = owner && view<ScaleTargetView>(owner).spec?.replicas;
    owners.set(ref.uid, typeof replicas === 'number' ? replicas : 1);
  }
  return bare + [...owners.values()].reduce((a, b) => a + b, 0);
}

export function budgetCounts(store: SimStore, pdb: PdbView): BudgetCounts {
  const pods = selectedPods(store, pdb);
  const expectedPods = expectedCount(store, pods);
  const currentHealthy = pods.filter(isPodReady).length;
  const spec = pdb.spec ?? {};
  let desiredHealthy: number;
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    desiredHealthy = Math.max(0, expectedPods - scaledValue(spec.maxUnavailable, expectedPods, true));
  } else desiredHealthy = scaledValue(spec.minAvailable ?? 1, expectedPods, true);
  return {
    expectedPods,
    currentHealthy,
    desiredHealthy,
    disruptionsAllowed: Math.max(0, currentHealthy - desiredHealthy),
  };
}

export function syncDisruptionBudgets(ctx: ControllerContext): void {
  for (const pdb of viewAll<PdbView>(ctx.store.list('policy/v1', 'PodDisruptionBudget'))) {
    guarded(ctx, pdb, () => {
      const counts = budgetCounts(ctx.store, pdb);
      const allowed = counts.disruptionsAllowed > 0;
      const status = {
        ...(pdb.status ?? {}),
        observedGeneration: pdb.metadata.generation,
        ...counts,
        conditions: setCondition(pdb.status?.conditions, {
          type: 'DisruptionAllowed',
          status: allowed ? 'True' : 'False',
          reason: allowed ? 'SufficientPods' : 'InsufficientPods',
          message: '',
          observedGeneration: pdb.metadata.generation,
          lastTransitionTime: isoNow(ctx.clock),
        }),
      };
      writeStatus(ctx.store, pdb, status);
    });
  }
}

function budgetViolated(cause: string): SimApiError {
  return new SimApiError(
    429,
    'TooManyRequests',
    "Cannot evict pod as it would violate the pod's disruption budget.",
    {
      causes: [{ reason: 'DisruptionBudget', message: cause }],
    },
  );
}

/**
 * Decide an eviction of `pod`: throws 429 TooManyRequests (the real message and a DisruptionBudget
 * cause) when it would take the budget below desiredHealthy. Returns the budget that allowed it.
 */
export function admitEviction(store: SimStore, pod: KubeObject): KubeObject | undefined {
  const budgets = viewAll<PdbView>(
    store.list('policy/v1', 'PodDisruptionBudget', pod.metadata.namespace),
  ).filter((b) => b.spec?.selector && selectorMatches(b.spec.selector, pod.metadata.labels ?? {}));
  if (budgets.length === 0) return undefined;
  if (budgets.length > 1) {
    throw new SimApiError(
      500,
      'InternalError',
      'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
    );
  }
  const pdb = budgets[0];
  const counts = budgetCounts(store, pdb);
  if (isPodReady(pod)) {
    // Evicting a ready pod takes one healthy pod away.
    if (counts.disruptionsAllowed <= 0) {
      throw budgetViolated(
        `The disruption budget ${pdb.metadata.name} needs ${counts.desiredHealthy} healthy pods and has ${counts.currentHealthy} currently`,
      );
    }
  } else if (
    pdb.spec?.unhealthyPodEvictionPolicy !== 'AlwaysAllow' &&
    counts.currentHealthy < counts.desiredHealthy
  ) {
    // IfHealthyBudget (the default): unhealthy pods may go only while the app is not disrupted.
    throw budgetViolated(`The disruption budget ${pdb.metadata.name} does not allow evicting pods currently`);
  }
  return pdb;
}
