/**
 * Views of the Argo Rollouts fields the translation reads (JSON names from pkg/apis/rollouts/v1alpha1
 * types.go and analysis_types.go). The objects are the user's YAML, checked only for unknown field
 * names (strict.ts), so each leaf is `unknown` and its reader checks the type it needs; a mapping or
 * list the readers walk has the shape Argo gives it.
 */

export interface RolloutSpec {
  strategy?: { canary?: CanaryStrategy; blueGreen?: BlueGreenStrategy };
  [field: string]: unknown;
}

export interface CanaryStrategy {
  maxSurge?: unknown;
  maxUnavailable?: unknown;
  scaleDownDelaySeconds?: unknown;
  dynamicStableScale?: unknown;
  canaryService?: unknown;
  stableService?: unknown;
  steps?: unknown;
  analysis?: AnalysisRef;
  trafficRouting?: TrafficRouting;
}

export interface TrafficRouting {
  maxTrafficWeight?: unknown;
  nginx?: { annotationPrefix?: unknown; stableIngress?: unknown; stableIngresses?: unknown[] };
  istio?: {
    virtualService?: IstioVirtualService;
    virtualServices?: IstioVirtualService[];
    destinationRule?: unknown;
  };
  smi?: { trafficSplitName?: unknown };
}

export interface IstioVirtualService {
  name?: unknown;
  routes?: unknown;
  tlsRoutes?: unknown;
  tcpRoutes?: unknown;
}

/** One canary step: a single kind (`setWeight`, `pause`, …) and its value. */
export interface CanaryStepFields {
  setHeaderRoute?: {
    name?: unknown;
    match?: Array<{ headerName?: unknown; headerValue?: Record<string, unknown> }>;
  };
  [kind: string]: unknown;
}

export interface BlueGreenStrategy {
  activeService?: unknown;
  previewService?: unknown;
  autoPromotionEnabled?: unknown;
  autoPromotionSeconds?: unknown;
  scaleDownDelaySeconds?: unknown;
  prePromotionAnalysis?: unknown;
  postPromotionAnalysis?: unknown;
}

/** canary.analysis, an analysis step, pre- or post-promotion analysis. */
export interface AnalysisRef {
  startingStep?: unknown;
  args?: unknown;
  dryRun?: unknown;
  templateName?: unknown;
  templates?: Array<{ templateName?: unknown; clusterScope?: unknown } | null>;
}

/** An argument, given by the Rollout or declared (with a default) by a template. */
export interface AnalysisArg {
  name?: unknown;
  value?: unknown;
  valueFrom?: { podTemplateHashValue?: unknown; fieldRef?: { fieldPath?: unknown } } | null;
}

/** A template's metric, read after `{{args.…}}` are filled in. */
export interface TemplateMetricFields {
  name?: unknown;
  provider?: Record<string, unknown>;
  [field: string]: unknown;
}

/** The fields of one metric provider (prometheus, web or job) that are read. */
export interface ProviderFields {
  insecure?: unknown;
  metadata?: unknown;
  spec?: unknown;
  headers?: unknown;
  query?: unknown;
  address?: unknown;
  timeout?: unknown;
  url?: unknown;
  method?: unknown;
  body?: unknown;
  jsonBody?: unknown;
  jsonPath?: unknown;
  timeoutSeconds?: unknown;
}
