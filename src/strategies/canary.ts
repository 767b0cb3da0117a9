import { InputError } from '../errors.ts';
import type { ManifestSet } from '../manifests/types.ts';
import {
  stepLabel,
  type CopiesStep,
  type PartitionStep,
  type Plan,
  type StepOf,
  type LiveFacts,
  type CanaryStep,
  type PlanSettings,
  type Strategy,
} from './types.ts';
import { workloadKey } from '../kube/types.ts';
import { everythingChanges, nothingToCopy, type ReleaseScope } from './scope.ts';

/** The plan steps the `steps` input can ask for. */
type ConfiguredStep = StepOf<
  'setWeight' | 'pause' | 'analysis' | 'setHeaderRoute' | 'removeHeaderRoute' | 'setCanaryScale'
>;

/** Canary: the new version runs beside stable as `<workload>-canary` and takes traffic in steps. */
export const canary: Strategy<'canary'> = {
  name: 'canary',
  summary: 'the new version beside stable as `<workload>-canary`, taking traffic in `steps`',
  inputs: { steps: true, workloads: true },
  movesTraffic: true,
  // Steps move the weight between 0 and 100.
  routerNeeds: { weightsBetween: true },
  copySuffix: 'canary',
  previewService: false,
  backgroundAnalysis: true,
  // The partition canary needs a changed StatefulSet that runs already; copies need a copyable one.
  cannotRun: (scope, manifests) =>
    runningStatefulSets(scope, manifests).length ? undefined : nothingToCopy(scope),
  plan(config: PlanSettings, manifests: ManifestSet, live: LiveFacts): Plan {
    const workloads = manifests.workloads.map((w) => w.object);
    const steps = config.steps.map(toPlanStep);
    const scope = live.scope ?? everythingChanges(manifests, true);
    if (scope.progressive.size > 0) {
      const copies: CopiesStep[] = [{ kind: 'deploy-new' }, ...steps, { kind: 'promote' }];
      return { strategy: 'canary', mode: 'copies', steps: copies, workloads };
    }
    // StatefulSets alone have no Deployment to copy: their own partition runs the canary.
    const partition: PartitionStep[] = [
      { kind: 'deploy-new' },
      ...partitionSteps(steps, manifests),
      { kind: 'promote' },
    ];
    return { strategy: 'canary', mode: 'partition', steps: partition, workloads };
  },
};

function runningStatefulSets(scope: ReleaseScope, manifests: ManifestSet) {
  return manifests.workloads.filter(
    (w) => w.object.kind === 'StatefulSet' && scope.running.has(workloadKey(w.object)),
  );
}

export function toPlanStep(step: CanaryStep): ConfiguredStep {
  if ('setWeight' in step) return { kind: 'setWeight', weight: step.setWeight };
  if ('pause' in step)
    return step.pause.durationMs === undefined
      ? { kind: 'pause' }
      : { kind: 'pause', durationMs: step.pause.durationMs };
  if ('analysis' in step) return { kind: 'analysis', spec: step.analysis };
  if ('setHeaderRoute' in step) return { kind: 'setHeaderRoute', route: step.setHeaderRoute };
  if ('setCanaryScale' in step) return { kind: 'setCanaryScale', scale: step.setCanaryScale };
  return { kind: 'removeHeaderRoute', name: step.removeHeaderRoute };
}

/**
 * The steps a partition canary can run. It has no traffic router (the partition decides which
 * pods are new), so header routes are refused here, before anything is written.
 */
function partitionSteps(steps: ConfiguredStep[], manifests: ManifestSet): PartitionStep[] {
  const runnable: PartitionStep[] = [];
  for (const step of steps) {
    if (step.kind === 'setCanaryScale') {
      const at = manifests.workloads.find((w) => w.object.kind === 'StatefulSet') ?? manifests.workloads[0];
      throw new InputError(
        `${stepLabel(step)}: a canary of StatefulSets has no copy to size; remove the setCanaryScale steps`,
        { input: 'steps', file: at?.file, line: at?.line },
      );
    }
    if (step.kind === 'setHeaderRoute' || step.kind === 'removeHeaderRoute') {
      const at = manifests.workloads.find((w) => w.object.kind === 'StatefulSet') ?? manifests.workloads[0];
      throw new InputError(
        `${stepLabel(step)}: a canary of StatefulSets moves their update partition and has no traffic router to match headers; remove the header-route steps, or release a Deployment (its canary runs as a copy behind the router)`,
        { input: 'steps', file: at?.file, line: at?.line },
      );
    }
    runnable.push(step);
  }
  return runnable;
}
