export type * from './types.ts';
export type { MetricProvider, ProviderContext, RawMeasurement } from './provider.ts';
export {
  assessMetric,
  describeOutcome,
  tally,
  type MetricEnd,
  type MetricState,
  type MetricTally,
} from './assess.ts';
export { runAnalysis, ERROR_RETRY_MS, type RunDeps, type RunOptions } from './run.ts';
export { judgeMeasurement, errorMeasurement, isNoData, reportValue, type Judgement } from './judge.ts';
export {
  checkCondition,
  compileCondition,
  conditionText,
  evaluateConditions,
  formatValue,
  thresholdText,
  ConditionError,
  type CompiledCondition,
  type ConditionVerdict,
} from './conditions.ts';
export {
  renderTemplate,
  templatePlaceholders,
  unknownPlaceholders,
  TEMPLATE_PLACEHOLDERS,
  TemplateError,
} from './template.ts';
export {
  baselineQueries,
  judgeComparison,
  comparisonConditionText,
  DEFAULT_STEP_MS,
  DEFAULT_WINDOW_MS,
  type BaselineSamples,
} from './compare.ts';
export {
  mannWhitneyU,
  median,
  hodgesLehmann,
  relativeChange,
  type Alternative,
  type MannWhitneyResult,
} from './stats.ts';
export { PROVIDERS, providerTable } from './providers/index.ts';
export type * from './spec.ts';
