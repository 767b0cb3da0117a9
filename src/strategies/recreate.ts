import type { ManifestSet } from '../manifests/types.ts';
import { isDeployment, type DeploymentObject } from '../manifests/workload-views.ts';
import type { LiveFacts, Plan, PlanSettings, Strategy } from './types.ts';
import { workloadKey } from '../kube/types.ts';

/**
 * `type: Recreate` with `rollingUpdate` explicitly null: the API server defaulted `rollingUpdate`
 * into the live object while it was a rolling update, and refuses it beside Recreate
 * ("may not be specified when strategy type is 'Recreate'"); a null in the apply removes it.
 */
export function recreateStrategy(): NonNullable<DeploymentObject['spec']['strategy']> {
  return { type: 'Recreate', rollingUpdate: null as unknown as undefined };
}

/** Recreate: every old pod stops before the first new one starts (Deployments); others roll natively. */
export const recreate: Strategy<'recreate'> = {
  name: 'recreate',
  summary: 'every old pod of a Deployment stops before the first new one starts (other kinds roll natively)',
  inputs: { steps: false, workloads: false },
  movesTraffic: false,
  previewService: false,
  backgroundAnalysis: true,
  plan(_settings: PlanSettings, manifests: ManifestSet, live: LiveFacts): Plan {
    const workloads = manifests.workloads.map(({ object }) => {
      // A workload whose pod template does not change keeps its own update strategy: it rolls no pod.
      if (!isDeployment(object) || (live.scope && !live.scope.changed.has(workloadKey(object))))
        return object;
      const copy = structuredClone(object);
      copy.spec.strategy = recreateStrategy();
      return copy;
    });
    return {
      strategy: 'recreate',
      mode: 'in-place',
      steps: [{ kind: 'apply' }, { kind: 'wait' }],
      workloads,
    };
  },
};
