import type { CanaryStep, Config } from '../config/types.ts';
import type { ManifestSet } from '../manifests/types.ts';
import type { Plan, PlanStep, Strategy } from './types.ts';

/** Canary: the new version runs beside stable as `<workload>-canary` and takes traffic in steps. */
export const canary: Strategy = {
  name: 'canary',
  movesTraffic: true,
  copySuffix: 'canary',
  firstReleaseFallback: 'rolling',
  plan(config: Config, manifests: ManifestSet): Plan {
    // StatefulSets alone have no Deployment to copy: their own partition runs the canary.
    const copies = manifests.workloads.some((w) => w.object.kind === 'Deployment');
    return {
      strategy: 'canary',
      mode: copies ? 'copies' : 'partition',
      steps: [{ kind: 'deploy-new' }, ...config.steps.map(toPlanStep), { kind: 'promote' }],
      workloads: manifests.workloads.map((w) => w.object),
    };
  },
};

export function toPlanStep(step: CanaryStep): PlanStep {
  if ('setWeight' in step) return { kind: 'setWeight', weight: step.setWeight };
  if ('pause' in step)
    return step.pause.durationMs === undefined
      ? { kind: 'pause' }
      : { kind: 'pause', durationMs: step.pause.durationMs };
  if ('analysis' in step) return { kind: 'analysis', spec: step.analysis };
  if ('setHeaderRoute' in step) return { kind: 'setHeaderRoute', route: step.setHeaderRoute };
  return { kind: 'removeHeaderRoute', name: step.removeHeaderRoute };
}
