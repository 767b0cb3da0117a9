import type { IntOrPercent, KubeObject } from '../kube/types.ts';
import type { ManifestSet } from '../manifests/types.ts';
import { isDaemonSet, isDeployment } from '../manifests/workload-views.ts';
import type { Plan, PlanSettings, Strategy } from './types.ts';

/** Native rolling update: apply in place, wait like `kubectl rollout status`. */
export const rolling: Strategy<'rolling'> = {
  name: 'rolling',
  summary: 'a native rolling update of the workloads in place, watched like `kubectl rollout status`',
  inputs: { steps: false, workloads: false },
  movesTraffic: false,
  previewService: false,
  // Metrics run alongside the update and after it.
  backgroundAnalysis: true,
  plan(config: PlanSettings, manifests: ManifestSet): Plan {
    const workloads = manifests.workloads.map((w) =>
      withRollingBounds(w.object, config.maxSurge, config.maxUnavailable),
    );
    return { strategy: 'rolling', mode: 'in-place', steps: [{ kind: 'apply' }, { kind: 'wait' }], workloads };
  },
};

/** The workload with `max-surge` / `max-unavailable` written into its update strategy. */
export function withRollingBounds(
  obj: KubeObject,
  maxSurge?: IntOrPercent,
  maxUnavailable?: IntOrPercent,
): KubeObject {
  if (maxSurge === undefined && maxUnavailable === undefined) return obj;
  const copy = structuredClone(obj);
  const bounds = {
    ...(maxSurge !== undefined ? { maxSurge } : {}),
    ...(maxUnavailable !== undefined ? { maxUnavailable } : {}),
  };
  if (isDeployment(copy)) {
    copy.spec.strategy = {
      type: 'RollingUpdate',
      rollingUpdate: { ...(copy.spec.strategy?.rollingUpdate ?? {}), ...bounds },
    };
  } else if (isDaemonSet(copy)) {
    const rollingUpdate = { ...(copy.spec.updateStrategy?.rollingUpdate ?? {}), ...bounds };
    // A DaemonSet surges or takes pods down, not both (the API server's
    // ValidateRollingUpdateDaemonSet): a surge given alone replaces the default maxUnavailable 1.
    const surges = maxSurge !== undefined && maxSurge !== 0 && maxSurge !== '0%';
    if (surges && rollingUpdate.maxUnavailable === undefined) rollingUpdate.maxUnavailable = 0;
    copy.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate };
  }
  return copy;
}
