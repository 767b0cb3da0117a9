import type { ProviderSettings } from '../analysis/providers/index.ts';
import type { AnalysisSpec } from '../analysis/spec.ts';
import type { IntOrPercent } from '../kube/types.ts';
import type { HelmChartConfig } from '../manifests/types.ts';
import type { StrategyName } from '../strategies/index.ts';
import type { CanaryStep } from '../strategies/types.ts';
import type { RouteNames, TrafficName } from '../traffic/index.ts';
import type { InputName } from './inputs.ts';

export const ACTIONS = ['deploy', 'promote', 'rollback', 'plan', 'status'] as const;
export type ActionName = (typeof ACTIONS)[number];
// The types the inputs are read into are declared by the modules that use them; config composes
// them (and names them for its own users).
export type { CanaryScale, CanaryStep } from '../strategies/types.ts';
export type { HeaderRoute } from '../traffic/types.ts';
export type { HelmChartConfig, IntOrPercent, StrategyName, TrafficName };

/**
 * The validated, typed settings of one run. Built only by `buildConfig` in src/config. The names
 * of router objects (`ingress`, `route`…) and the providers' run-wide settings (`prometheusUrl`)
 * are fields derived from the router and provider registries.
 */
export interface Config extends RouteNames, ProviderSettings {
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
  maxSurge?: IntOrPercent;
  maxUnavailable?: IntOrPercent;
  /** Canary/blue-green: the changed workloads released as copies (names); default every copyable one. */
  workloads?: string[];
  /** The Service of the progressive workload, when several select its pods. */
  service?: string;
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
