import type { AnalysisSpec } from '../analysis/types.ts';
import { STRATEGIES, type StrategyName } from '../strategies/names.ts';
import type { TrafficName } from '../traffic/index.ts';
import type { HeaderRoute } from '../traffic/types.ts';
import type { InputName } from './inputs.ts';

export const ACTIONS = ['deploy', 'promote', 'rollback', 'plan', 'status'] as const;
export type ActionName = (typeof ACTIONS)[number];
// Strategy and router names are declared where they are defined; config takes them from there.
export { STRATEGIES };
export type { HeaderRoute, StrategyName, TrafficName };

/** A count of pods or a percentage of the desired replicas, as in maxSurge. */
export type IntOrPercent = number | `${number}%`;

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

/** A Helm chart rendered with `helm template` into the release's manifests. */
export interface HelmChartConfig {
  /** Chart directory (relative to the workspace) or any chart reference `helm template` accepts. */
  chart: string;
  /** Values files, passed as `-f` in order. */
  values: string[];
  /** `key=value` lines, passed as `--set` in order. */
  set: string[];
}

/** The validated, typed settings of one run. Built only by `buildConfig` in src/config. */
export interface Config {
  action: ActionName;
  strategy: StrategyName;
  manifests: string[];
  /** A chart rendered into the manifests (with or without `manifests`). */
  helm?: HelmChartConfig;
  images: string[];
  name?: string;
  namespace: string;
  version?: string;
  versionLabel: string;
  traffic: TrafficName;
  steps: CanaryStep[];
  analysis?: AnalysisSpec;
  prometheusUrl?: string;
  maxSurge?: IntOrPercent;
  maxUnavailable?: IntOrPercent;
  /** Canary/blue-green: the changed workloads released as copies (names); default every copyable one. */
  workloads?: string[];
  /** The Service of the progressive workload, when several select its pods. */
  service?: string;
  ingress?: string;
  route?: string;
  virtualService?: string;
  trafficSplit?: string;
  previewService?: string;
  autoPromote: boolean;
  /** Blue-green with autoPromote false: promote after this long instead of waiting for `promote`. */
  autoPromoteAfterMs?: number;
  scaleDownDelayMs: number;
  timeoutMs: number;
  progressDeadlineMs?: number;
  rollbackOnFailure: boolean;
  toRevision?: number;
  promoteFull: boolean;
  kubeconfig?: string;
  context?: string;
  lockTimeoutMs: number;
  /** How long the Lease outlives a run that stopped renewing it. */
  leaseDurationMs: number;
  githubToken?: string;
  comment: boolean;
  environment?: string;
  environmentUrl?: string;
  deploymentStatus: boolean;
  /** The GitHub deployment's `production_environment` and `transient_environment` flags. */
  productionEnvironment: boolean;
  transientEnvironment: boolean;
  versionedConfig: boolean;
  /** Delete, after promotion, what the previous release applied and the manifests no longer list. */
  prune: boolean;
  prNumber?: number;
  /** Base directory for relative manifest paths (GITHUB_WORKSPACE, else the current directory). */
  workspace: string;
  /** The manifest object whose strategy set the release's settings (an Argo Rollout), if any. */
  manifestOrigin?: ManifestSettings['origin'];
}

/**
 * Settings a manifest gives the release (an Argo Rollout's strategy: src/argo/), layered over the
 * inputs by buildConfig (manifest-settings.ts).
 */
export interface ManifestSettings {
  /** The object that gives them (`Rollout web`), where it is. */
  origin: { kind: string; name: string; namespace: string; file: string; line?: number };
  /** Values by the input they stand for, already in Config's types (steps parsed, durations in ms). */
  inputs: Partial<Record<InputName, unknown>>;
  /** The manifest field behind each value, for messages: `spec.strategy.canary.steps (app.yaml:14)`. */
  fields: Partial<Record<InputName, string>>;
  /** The manifest kind's defaults for fields it leaves unset: used unless the input is given. */
  defaults?: Partial<Record<InputName, unknown>>;
  /** Blue-green: with auto-promote false, promote after this long (Argo's autoPromotionSeconds). */
  autoPromoteAfterMs?: number;
}
