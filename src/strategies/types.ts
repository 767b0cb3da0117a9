import type { AnalysisSpec } from '../analysis/spec.ts';
import type { IntOrPercent, KubeObject } from '../kube/types.ts';
import type { ManifestSet } from '../manifests/types.ts';
import type { HeaderRoute, RouterCapabilities } from '../traffic/types.ts';
import { formatDuration } from '../duration.ts';
import type { CopySuffix } from '../names.ts';

/**
 * The size of the canary copy apart from its traffic share (Argo's setCanaryScale): a count of
 * pods, a percentage of the stable size, or back to the router's own sizing.
 */
export type CanaryScale = { replicas: number } | { weight: number } | { matchTrafficWeight: true };

/** One canary step, as written in the `steps` input. */
export type CanaryStep =
  | { setWeight: number }
  | { setCanaryScale: CanaryScale }
  | { pause: { durationMs?: number } } // no duration: stop until `action: promote`
  | { analysis: Partial<AnalysisSpec> }
  | { setHeaderRoute: HeaderRoute }
  | { removeHeaderRoute: string };

/** The settings a strategy plans with (a Config has them all). */
export interface PlanSettings {
  steps: CanaryStep[];
  analysis?: AnalysisSpec;
  /** Blue-green: switch once verified; false pauses before the switch. */
  autoPromote: boolean;
  /** Blue-green with autoPromote false: promote after this long instead of waiting for `promote`. */
  autoPromoteAfterMs?: number;
  maxSurge?: IntOrPercent;
  maxUnavailable?: IntOrPercent;
}

/** One step of a release plan: plain data, interpreted by the executor (src/engine/steps/handlers/). */
export type PlanStep =
  /** Apply config objects and workloads in place (native rolling/recreate update). */
  | { kind: 'apply' }
  /** Wait for the workloads to roll out, failing fast on fatal pod states; runs background analysis. */
  | { kind: 'wait' }
  /** Create the canary / green copies and prepare the traffic router (no traffic yet). */
  | { kind: 'deploy-new' }
  | { kind: 'setWeight'; weight: number }
  /** The canary copy's size apart from its traffic share (routers that size copies themselves only). */
  | { kind: 'setCanaryScale'; scale: CanaryScale }
  /** No duration: stop the run (`result=paused`) until `action: promote`. */
  | { kind: 'pause'; durationMs?: number }
  /** Run the analysis: with `metricPhase`, only the metrics whose `phase` input it is (blue-green). */
  | { kind: 'analysis'; spec?: Partial<AnalysisSpec>; metricPhase?: 'pre-promotion' | 'post-promotion' }
  | { kind: 'setHeaderRoute'; route: HeaderRoute }
  | { kind: 'removeHeaderRoute'; name: string }
  /** Blue-green: send all traffic to the verified new version. */
  | { kind: 'switch' }
  /** The stable workloads take the new template; traffic returns to them; the copies go. */
  | { kind: 'promote' };

export type StepKind = PlanStep['kind'];
export type StepOf<K extends StepKind> = Extract<PlanStep, { kind: K }>;

/** The steps of an in-place plan (rolling, recreate): the user's workloads are updated. */
export type InPlaceStep = StepOf<'apply' | 'wait'>;
/** The steps of a partition plan (StatefulSet canary): weights move the update partition, no router. */
export type PartitionStep = StepOf<'deploy-new' | 'setWeight' | 'pause' | 'analysis' | 'promote'>;
/** The steps of a copies plan (canary, blue-green): a traffic router also matches headers and switches. */
export type CopiesStep =
  PartitionStep | StepOf<'setHeaderRoute' | 'removeHeaderRoute' | 'setCanaryScale' | 'switch'>;

/**
 * The steps each execution mode can run. `in-place` updates the user's workloads (rolling,
 * recreate), `copies` runs the new version as `<name>-canary`/`<name>-green` Deployments beside
 * stable, `partition` moves a StatefulSet's update partition (a canary with no Deployment to copy).
 * A plan of a mode holds only its steps, and the mode's handler table must handle every one.
 */
interface ModeSteps {
  'in-place': InPlaceStep;
  copies: CopiesStep;
  partition: PartitionStep;
}

export type ExecutionMode = keyof ModeSteps;
export type ModeStepKind<M extends ExecutionMode> = ModeSteps[M]['kind'];
/** Written through the kinds so that a step of a generic mode is correlated with its handler. */
export type ModeStep<M extends ExecutionMode> = StepOf<ModeStepKind<M>>;

/**
 * A release plan, discriminated on its execution mode: `Plan` is any plan, `Plan<'copies'>` one
 * of that mode. The mapped form lets a function generic in the mode read `plan.mode` as that mode.
 */
export type Plan<M extends ExecutionMode = ExecutionMode> = {
  [P in M]: {
    /** The strategy that planned it (a registered name). */
    strategy: string;
    mode: P;
    steps: ModeStep<P>[];
    /** Workloads as they will be applied (strategy fields adjusted). */
    workloads: KubeObject[];
  };
}[M];

/** What the release changes, as the plan needs it. */
export interface ReleaseScope {
  /** Workload keys whose pod template changes (new ones included). */
  changed: ReadonlySet<string>;
  /** The changed workloads that run as copies, by key; empty for rolling and recreate. */
  progressive: ReadonlySet<string>;
  /** Changed workloads that roll in place in a canary or blue-green, with the reason. */
  inPlace: ReadonlyMap<string, string>;
  /** The changed workloads that run already (the others are new). */
  running: ReadonlySet<string>;
}

/** Live cluster facts a strategy may need to plan (e.g. replicas of the running version). */
export interface LiveFacts {
  workloads: Map<string, KubeObject | undefined>;
  /** What the release changes (default: every workload, each Deployment a copy). */
  scope?: ReleaseScope;
}

/** The strategy-specific inputs a strategy may take (config refuses them for the others). */
export interface StrategyInputs {
  /** `steps`: the canary steps. */
  readonly steps: boolean;
  /** `workloads`: which changed workloads run as copies. */
  readonly workloads: boolean;
}

/**
 * One strategy's definition, registered once (src/strategies/index.ts): config validation, the
 * routers it can use, the engine's handling of its copies and action.yml's text all read it.
 */
export interface Strategy<Name extends string = string> {
  readonly name: Name;
  /** One phrase for action.yml's `strategy` text: what a release does. */
  readonly summary: string;
  readonly inputs: StrategyInputs;
  /** Whether a traffic router moves requests between versions (the `traffic` input applies). */
  readonly movesTraffic: boolean;
  /**
   * What it needs from a router (the capabilities it must have, as the router declares them):
   * `routersFor` matches it against every registered router. Strategies that move no traffic
   * need none.
   */
  readonly routerNeeds?: Partial<RouterCapabilities>;
  /** Suffix of the new version's copies (`<workload>-canary`), for strategies that run it beside stable. */
  readonly copySuffix?: CopySuffix;
  /** Runs a preview Service (the `preview-service` input) selecting the new version before the switch. */
  readonly previewService: boolean;
  /**
   * Runs the `analysis` metrics in the background while it progresses (from the first weight, or
   * from `startingStep`), rather than only in the plan's own analysis steps.
   */
  readonly backgroundAnalysis: boolean;
  /**
   * Why this release cannot run with this strategy and is applied as a plain rolling update
   * instead (a first release, nothing to copy); undefined when it can.
   */
  cannotRun?(scope: ReleaseScope, manifests: ManifestSet): string | undefined;
  plan(settings: PlanSettings, manifests: ManifestSet, live: LiveFacts): Plan;
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
      return step.metricPhase ? `analysis (${step.metricPhase})` : 'analysis';
    case 'setCanaryScale':
      return `setCanaryScale ${canaryScaleText(step.scale)}`;
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

export function canaryScaleText(scale: CanaryScale): string {
  if ('replicas' in scale) return `${scale.replicas} pods`;
  if ('weight' in scale) return `${scale.weight}%`;
  return 'matching traffic';
}
