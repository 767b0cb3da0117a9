export type MetricPhaseSelector = 'pre-promotion' | 'post-promotion';
/** The language of `successCondition` / `failureCondition`: CEL, or Argo Rollouts' expr. */
export type ConditionLanguage = 'cel' | 'argo';

/** What every metric has besides its provider and the provider's own fields. */
export interface MetricCommon {
  name: string;
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
  provider: string;
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
