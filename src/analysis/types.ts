/** The `analysis` input, validated. Durations are milliseconds. */
export interface AnalysisSpec {
  /** Default interval for metrics that set none. */
  intervalMs?: number;
  /**
   * Canary: the step (0 = the first of `steps`) at which the metrics start in the background, beside
   * any analysis steps (Argo's `startingStep`). Unset: they start once the canary takes traffic,
   * and only when no step is an analysis step.
   */
  startingStep?: number;
  metrics: MetricSpec[];
}

export type ProviderName = 'prometheus' | 'web' | 'job';
export type MetricPhaseSelector = 'pre-promotion' | 'post-promotion';
/** The language of `successCondition` / `failureCondition`: CEL, or Argo Rollouts' expr. */
export type ConditionLanguage = 'cel' | 'argo';

/** What every metric has, whatever its provider. */
export interface MetricCommon {
  name: string;
  provider: ProviderName;
  threshold?: { min?: number; max?: number };
  successCondition?: string;
  failureCondition?: string;
  /** Default CEL; `argo` for metrics read from Argo AnalysisTemplates (src/argo/). */
  conditionLanguage?: ConditionLanguage;
  intervalMs?: number;
  count?: number;
  initialDelayMs?: number;
  failureLimit: number;
  inconclusiveLimit: number;
  consecutiveErrorLimit: number;
  dryRun: boolean;
  /** Blue-green: when the metric runs. */
  phase: MetricPhaseSelector;
  /** Where the spec came from, for errors. */
  line?: number;
}

/** provider: prometheus (read by src/analysis/providers/prometheus.ts). */
export interface PrometheusMetric {
  query: string;
  address?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  compare?: BaselineComparison;
}

/** provider: web (read by src/analysis/providers/web.ts). */
export interface WebMetric {
  url: string;
  method?: string;
  body?: string;
  jsonPath?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** provider: job (read by src/analysis/providers/job.ts). */
export interface JobMetric {
  /** A batch/v1 Job spec (the `spec` of a Job). */
  job: Record<string, unknown>;
  timeoutMs?: number;
}

/**
 * A validated metric: the common part plus its provider's fields. The provider parts are optional
 * here so code that handles any metric reads them without narrowing; each provider's reader
 * guarantees its required ones.
 */
export type MetricSpec = MetricCommon & Partial<PrometheusMetric> & Partial<WebMetric> & Partial<JobMetric>;

export interface BaselineComparison {
  against: 'baseline';
  direction: 'increase' | 'decrease' | 'either';
  /** Allowed relative change of the canary median against stable, e.g. 0.2 = 20 %. */
  allowedChange: number;
  minSamples: number;
  /** Significance level for the Mann–Whitney U test. */
  alpha: number;
  /** Range query window and step. */
  windowMs?: number;
  stepMs?: number;
  noData: 'fail' | 'inconclusive';
}

/** Argo Rollouts measurement phases. */
export type MeasurementPhase = 'Successful' | 'Failed' | 'Inconclusive' | 'Error';

export interface Measurement {
  metric: string;
  provider: ProviderName;
  /** ISO timestamp. */
  at: string;
  phase: MeasurementPhase;
  /** The value the conditions judged (number, vector summary, text); null for no data. */
  value: number | string | null;
  /** Human-readable condition, e.g. `result <= 0.05`. */
  condition?: string;
  /** Resolved query or URL after templating. */
  query?: string;
  message?: string;
  dryRun?: boolean;
  /** For compare: baseline. */
  comparison?: {
    canaryMedian: number;
    stableMedian: number;
    u: number;
    pValue: number;
    effectSize: number;
    canarySamples: number;
    stableSamples: number;
  };
}

/** Overall outcome of running a set of metrics. */
export interface AnalysisResult {
  phase: MeasurementPhase;
  measurements: Measurement[];
  /** One line: which metric decided and on what evidence. */
  reason?: string;
}

/** Values for `{{...}}` templating in queries and URLs. */
export interface TemplateContext {
  app: string;
  namespace: string;
  service?: string;
  ingress?: string;
  canaryVersion: string;
  stableVersion: string;
  interval?: string;
}
