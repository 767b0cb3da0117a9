import type { Measurement } from '../analysis/types.ts';
import type { KubeObject } from '../kube/types.ts';
import type { ActionName, Config, StrategyName, TrafficName } from '../config/types.ts';

/**
 * How a run ended (the `result` output). `progressing` and `rolling-back` are only reported by
 * `action: status`, for a release whose run is still going (or died).
 */
export type ReleaseResult =
  'promoted' | 'paused' | 'rolled-back' | 'failed' | 'planned' | 'unchanged' | 'progressing' | 'rolling-back';
/** `interrupted`: the run doing the step died; the run that took over starts the step again. */
export type StepVerdict =
  'running' | 'passed' | 'failed' | 'paused' | 'skipped' | 'inconclusive' | 'interrupted';

export interface StepRecord {
  /** 0-based position in the plan. */
  index: number;
  /** e.g. `setWeight`, `pause`, `analysis`, `apply`, `wait`, `promote`, `rollback`. */
  kind: string;
  /** Short human label: `setWeight 50`, `pause 2m`, `rolling update`. */
  label: string;
  weight?: number;
  startedAt: string;
  finishedAt?: string;
  verdict: StepVerdict;
  /** One line of detail for the step table. */
  detail?: string;
}

/** What a failing pod showed: the evidence quoted in reports and in `rollback-reason`. */
export interface PodEvidence {
  workload: string;
  pod: string;
  container?: string;
  reason: string;
  message?: string;
  exitCode?: number;
  restartCount?: number;
  logTail?: string[];
  /** ISO time the fatal status was first seen. */
  seenAt?: string;
}

export interface LockInfo {
  holder: string;
  /** ISO time the Lease expires unless renewed. */
  expiresAt: string;
  /** True when the holder stopped renewing (its run died): the next run takes the release over. */
  expired: boolean;
}

export interface WeightPoint {
  at: string;
  weight: number;
}

/**
 * Everything that happened in a release, across runs: the single input of every reporter.
 * Stored inside the release state so a later `promote` job reports the whole story.
 */
export interface RolloutRecord {
  app: string;
  namespace: string;
  environment?: string;
  action: ActionName;
  strategy: StrategyName;
  traffic?: TrafficName;
  result?: ReleaseResult;
  /** Version that served production traffic before this release. */
  previousVersion?: string;
  /** Version being released. */
  newVersion: string;
  /** Version now receiving production traffic. */
  servingVersion?: string;
  /** A paused or unfinished release of another version that this run replaced. */
  supersededVersion?: string;
  /** `action: status` of an unfinished release: who holds its lock and until when. */
  lock?: LockInfo;
  revision?: number;
  canaryWeight: number;
  startedAt: string;
  finishedAt?: string;
  runUrl?: string;
  commit?: string;
  steps: StepRecord[];
  measurements: Measurement[];
  evidence: PodEvidence[];
  weights: WeightPoint[];
  rollbackReason?: string;
  /** Free-form notices worth showing (e.g. "analysis step has no metrics: passed"). */
  notes: string[];
  /** The GitHub deployment of this release (`deployment-status: true`), so a promote run finishes it. */
  deploymentId?: number;
}

export type ReleaseSettings = Pick<
  Config,
  | 'steps'
  | 'analysis'
  | 'autoPromote'
  | 'autoPromoteAfterMs'
  | 'maxSurge'
  | 'scaleDownDelayMs'
  | 'previewService'
  | 'versionLabel'
  | 'ingress'
  | 'route'
  | 'virtualService'
  | 'trafficSplit'
  | 'prometheusUrl'
>;

/**
 * Where a release stands. `rolling-back` is written before a rollback starts, so a run that takes
 * over from one that died mid-rollback finishes the rollback instead of redoing the release.
 */
export type ReleasePhase = 'progressing' | 'paused' | 'rolling-back' | 'promoted' | 'rolled-back' | 'failed';

/** The JSON kept in ConfigMap `kube-rollout-<name>`: enough for any later run to continue. */
export interface ReleaseState {
  schema: 1;
  name: string;
  phase: ReleasePhase;
  strategy: StrategyName;
  traffic?: TrafficName;
  stableVersion?: string;
  newVersion: string;
  /** The version the cluster serves now (stable until promotion, new after it). */
  servingVersion?: string;
  /** The Lease holder that wrote this state last (the run that owns the release). */
  holder?: string;
  /** Index of the next plan step to run. */
  currentStep: number;
  canaryWeight: number;
  /** Manifests of the release as rendered (the new version), so promote needs no checkout. */
  rendered: KubeObject[];
  /** Stable objects as they were before the release touched them (restored on rollback). */
  stableSnapshot: KubeObject[];
  /**
   * The inputs that shape the plan, as the deploy run had them: a later promote/rollback job
   * continues the same plan even if it passes fewer (or other) inputs.
   */
  settings?: ReleaseSettings;
  /** Set once promotion has started changing the stable workloads (rollback must restore them). */
  stableUpdated?: boolean;
  /** A setCanaryScale step left the canary copy at another size than its own (restored before promotion). */
  canaryScaled?: boolean;
  /** Header routes currently set, by name. */
  headerRoutes?: string[];
  updatedAt: string;
  runUrl?: string;
  record: RolloutRecord;
}
