import type { AnalysisSpec } from '../analysis/types.ts';
import type { Config, HeaderRoute, StrategyName } from '../config/types.ts';
import type { KubeObject } from '../kube/types.ts';
import type { ManifestSet } from '../manifests/types.ts';
import { formatDuration } from '../duration.ts';

/** One step of a release plan: plain data, interpreted by the executor (src/engine/steps/). */
export type PlanStep =
  /** Apply config objects and workloads in place (native rolling/recreate update). */
  | { kind: 'apply' }
  /** Wait for the workloads to roll out, failing fast on fatal pod states; runs background analysis. */
  | { kind: 'wait' }
  /** Create the canary / green copies and prepare the traffic router (no traffic yet). */
  | { kind: 'deploy-new' }
  | { kind: 'setWeight'; weight: number }
  /** No duration: stop the run (`result=paused`) until `action: promote`. */
  | { kind: 'pause'; durationMs?: number }
  | { kind: 'analysis'; spec?: Partial<AnalysisSpec>; phase?: 'pre-promotion' | 'post-promotion' }
  | { kind: 'setHeaderRoute'; route: HeaderRoute }
  | { kind: 'removeHeaderRoute'; name: string }
  /** Blue-green: send all traffic to the verified new version. */
  | { kind: 'switch' }
  /** The stable workloads take the new template; traffic returns to them; the copies go. */
  | { kind: 'promote' };

/**
 * How a plan runs the new version: `in-place` updates the user's workloads (rolling, recreate),
 * `copies` runs it as `<name>-canary`/`<name>-green` Deployments beside stable, `partition` moves
 * a StatefulSet's update partition (a canary with no Deployment to copy).
 */
export type ExecutionMode = 'in-place' | 'copies' | 'partition';

export interface Plan {
  strategy: StrategyName;
  mode: ExecutionMode;
  steps: PlanStep[];
  /** Workloads as they will be applied (strategy fields adjusted). */
  workloads: KubeObject[];
}

/** Live cluster facts a strategy may need to plan (e.g. replicas of the running version). */
export interface LiveFacts {
  workloads: Map<string, KubeObject | undefined>;
}

export interface Strategy {
  readonly name: StrategyName;
  /** Whether a traffic router moves requests between versions (the `traffic` input applies). */
  readonly movesTraffic: boolean;
  /** Suffix of the new version's copies, for strategies that run it beside stable. */
  readonly copySuffix?: 'canary' | 'green';
  /** The strategy a first release uses, when there is no stable version to run beside. */
  readonly firstReleaseFallback?: StrategyName;
  plan(config: Config, manifests: ManifestSet, live: LiveFacts): Plan;
}

export function stepLabel(step: PlanStep): string {
  switch (step.kind) {
    case 'apply':
      return 'apply';
    case 'wait':
      return 'wait for rollout';
    case 'deploy-new':
      return 'deploy new version';
    case 'setWeight':
      return `setWeight ${step.weight}`;
    case 'pause':
      return step.durationMs === undefined
        ? 'pause (until promote)'
        : `pause ${formatDuration(step.durationMs)}`;
    case 'analysis':
      return step.phase ? `analysis (${step.phase})` : 'analysis';
    case 'setHeaderRoute':
      return `setHeaderRoute ${step.route.name}`;
    case 'removeHeaderRoute':
      return `removeHeaderRoute ${step.name}`;
    case 'switch':
      return 'switch traffic';
    case 'promote':
      return 'promote';
  }
}

export function workloadKey(obj: KubeObject): string {
  return `${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}
