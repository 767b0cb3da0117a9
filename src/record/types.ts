import type { Measurement } from '../analysis/types.ts';
import type { AnalysisSpec } from '../analysis/spec.ts';
import type { ProviderSettings } from '../analysis/providers/index.ts';
import type { RouteNames } from '../traffic/index.ts';
import type { KubeObject } from '../kube/types.ts';
import type { ActionName, CanaryStep, IntOrPercent, StrategyName, TrafficName } from '../config/types.ts';
import type { StoredScope } from '../strategies/scope.ts';

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

/** What a release does to one workload of the manifests (the report and `changed-workloads`). */
export interface WorkloadChange {
  /** `Kind/name`. */
  workload: string;
  /** `new` and `changed` roll; `unchanged` is applied with its live pod template (no restart). */
  change: 'new' | 'changed' | 'unchanged';
  /** Per container whose image changes: `name: old → new` (`name: new` for a new workload). */
  images?: string[];
  /** How it rolls when it is not the strategy's way (e.g. in place instead of a canary copy), and why. */
  how?: string;
  /** Ready pods over desired, once it rolled out. */
  ready?: string;
}

/**
 * Who holds a release's Lease, from one read (`status`). The times are the holder's own clock;
 * whether the holder is alive only watching the Lease can tell, which write actions do.
 */
export interface LockInfo {
  holder: string;
  leaseDurationSeconds: number;
  /** The holder's last renewal, as its clock wrote it. */
  renewedAt?: string;
  /** renewedAt plus the lease duration (the holder's clock). */
  expiresAt?: string;
  /** How long ago renewedAt is on this runner's clock: a hint only, clocks may differ. */
  renewedSecondsAgo?: number;
  /** A hint: expiresAt is past on this runner's clock (no decision is taken on it). */
  expired: boolean;
}

export interface WeightPoint {
  at: string;
  weight: number;
}

/**
 * Everything that happened in a release, across runs: its steps, measurements, evidence, weight
 * timeline and notes. Stored inside the release state (`ReleaseState.record`), which owns the
 * release's position (strategy, versions, weight): reporters read both through `RolloutRecord`.
 */
export interface ReleaseHistory {
  app: string;
  namespace: string;
  environment?: string;
  action: ActionName;
  result?: ReleaseResult;
  /** Version that served production traffic before this release. */
  previousVersion?: string;
  /** A paused or unfinished release of another version that this run replaced. */
  supersededVersion?: string;
  /** `action: status` of an unfinished release: who holds its lock and until when. */
  lock?: LockInfo;
  revision?: number;
  startedAt: string;
  finishedAt?: string;
  commit?: string;
  steps: StepRecord[];
  measurements: Measurement[];
  evidence: PodEvidence[];
  weights: WeightPoint[];
  /** Why traffic went back to stable; `REQUESTED_ROLLBACK` when `action: rollback` asked for it. */
  rollbackReason?: string;
  /**
   * This run, as opposed to the release it acted on (which may be older: a promote or rollback
   * job continues a release another job started): its action, when it started, and the version
   * that served when it did (the `previous-version` output).
   */
  run?: {
    action: ActionName;
    startedAt: string;
    servedBefore?: string;
    url?: string;
    /** The workflow run (number, attempt) it was, so runs racing on one release can be ordered. */
    workflowRun?: WorkflowRun;
  };
  /** The workflow was cancelled while this release ran: it went back to stable for that reason. */
  cancelled?: boolean;
  /** Per workload of the manifests: whether its pod template changes, and how it went. */
  workloads?: WorkloadChange[];
  /** Free-form notices worth showing (e.g. "analysis step has no metrics: passed"). */
  notes: string[];
  /**
   * The GitHub objects this release reports to (its deployment, the PR comment), kept in the
   * release state so a later promote, rollback or status job follows them without repeating inputs.
   */
  github?: GitHubLinks;
  /**
   * @deprecated States written before `github` kept only the deployment's id here; it is read as
   * `github.deployment` in the environment the later job names (src/reporters/deployment-status.ts).
   */
  deploymentId?: number;
}

/** Where a release stands, as the release state owns it (and reporters see it). */
export interface ReleasePosition {
  strategy: StrategyName;
  /** The router, for strategies that move traffic. */
  traffic?: TrafficName;
  /** Version being released. */
  newVersion: string;
  /** Version now receiving production traffic. */
  servingVersion?: string;
  /** The new version's share of traffic (0–100). */
  canaryWeight: number;
  /** The run that started the release. */
  runUrl?: string;
}

/**
 * What every reporter reads: the release's history with its position as the state has it
 * (`reportOf` in src/record/report.ts builds it; nothing writes into it).
 */
export interface RolloutRecord extends ReleaseHistory, ReleasePosition {}

/**
 * The GitHub workflow run a run of the action belongs to (GITHUB_REPOSITORY, GITHUB_WORKFLOW,
 * GITHUB_RUN_ID, GITHUB_RUN_NUMBER, GITHUB_RUN_ATTEMPT) and, when the event says it, when its
 * commit was made.
 */
export interface WorkflowRun {
  repository?: string;
  workflow?: string;
  id?: string;
  number?: number;
  attempt?: number;
  commitTime?: string;
}

/** The rollback reason of a rollback that `action: rollback` asked for (not a failed gate or a cancel). */
export const REQUESTED_ROLLBACK = 'rolled back by request (action: rollback)';

/** A GitHub deployment kube-rollout made for one version of a release. */
export interface DeploymentRef {
  id: number;
  /** The version it deployed. */
  version: string;
  /** Its environment: every status names it again (a status naming another would move it). */
  environment: string;
}

/** Deployment statuses are on for a release: where they go, as the deploy run's inputs said. */
export interface ReleaseDeployment {
  environment: string;
  environmentUrl?: string;
  productionEnvironment: boolean;
  transientEnvironment: boolean;
  /** GitHub's id, once it has created the deployment (for the release's `newVersion`). */
  id?: number;
}

/** See `RolloutRecord.github`. Written from what the reporters hand back (src/reporters/types.ts). */
export interface GitHubLinks {
  /** This release's deployment: set by a deploy run with `deployment-status: true`. */
  deployment?: ReleaseDeployment;
  /** The deployment of the version that served before this release: `success` again when traffic returns to it. */
  stableDeployment?: DeploymentRef;
  /** The deployment of an unfinished release this one superseded: `inactive` once this one starts. */
  supersededDeployment?: DeploymentRef;
  /** The sticky pull request comment, edited by id instead of being looked for on every edit. */
  comment?: { issueNumber: number; id: number };
}

/**
 * The inputs that shape a release's plan, kept in its state so a later promote or rollback job
 * continues the same plan whatever it passes. Its own interface (not a Pick of Config): the stored
 * format changes only when this does (test/unit/release-settings.test.ts pins it).
 */
export interface ReleaseSettings extends RouteNames, ProviderSettings {
  steps: CanaryStep[];
  analysis?: AnalysisSpec;
  autoPromote: boolean;
  autoPromoteAfterMs?: number;
  maxSurge?: IntOrPercent;
  scaleDownDelayMs: number;
  previewService?: string;
  versionLabel: string;
}

/**
 * Where a release stands. `rolling-back` is written before a rollback starts, so a run that takes
 * over from one that died mid-rollback finishes the rollback instead of redoing the release.
 */
export type ReleasePhase = 'progressing' | 'paused' | 'rolling-back' | 'promoted' | 'rolled-back' | 'failed';

/** The stored format this version writes; older ones are migrated when read (src/state/migrate.ts). */
export const STATE_SCHEMA = 2;

/**
 * The JSON kept in ConfigMap `kube-rollout-<name>`: enough for any later run to continue. The
 * state owns the release's position (phase, step, weight, versions, snapshot); `record` holds
 * its history.
 */
export interface ReleaseState extends ReleasePosition {
  schema: typeof STATE_SCHEMA;
  name: string;
  phase: ReleasePhase;
  stableVersion?: string;
  /** The Lease holder that wrote this state last (the run that owns the release). */
  holder?: string;
  /** The workflow run that started this release: no older run of its workflow may replace it. */
  startedBy?: WorkflowRun;
  /** Index of the next plan step to run. */
  currentStep: number;
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
  /**
   * Objects an earlier release applied that the manifests no longer list, left running (without
   * `prune`): kept here so a later release with `prune: true` still finds them.
   */
  leftRunning?: KubeObject[];
  /** What a rollback could not remove (the API refused or was down): the next rollback or deploy does. */
  leftovers?: string[];
  /** Which workloads the release changes and which run as copies (absent: every workload, in older states). */
  scope?: StoredScope;
  updatedAt: string;
  record: ReleaseHistory;
}
