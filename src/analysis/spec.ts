// The `analysis` input's types, derived from the provider registry: a metric is the part every
// metric has (types.ts) with one provider's name and that provider's own fields.
import type { MetricOf, MetricProviderDefinition } from './provider.ts';
import type { PROVIDER_DEFINITIONS } from './providers/index.ts';
import type { BaselineComparison, MetricCommon } from './types.ts';

type Registered = (typeof PROVIDER_DEFINITIONS)[number];

/** A registered provider's name: what a metric's `provider:` says. */
export type ProviderName = Registered['name'];

// Distributed over the registered providers: one member each.
type PartOf<D> =
  D extends MetricProviderDefinition<infer Name, infer Fields> ? { provider: Name } & Fields : never;
type MetricOfDefinition<D> =
  D extends MetricProviderDefinition<infer Name, infer Fields> ? MetricOf<Name, Fields> : never;

/** A provider's name and its own fields (what `provider:` selects), one member per provider. */
export type ProviderPart = PartOf<Registered>;

/** A validated metric: a union discriminated on `provider`. */
export type MetricSpec = MetricOfDefinition<Registered>;

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

/** The common part of any metric (`MetricSpec` narrowed to what every provider shares). */
export type AnyMetric = MetricCommon & { provider: string };

/** The baseline comparison a metric asks for (`compare: baseline`), whatever its provider. */
export function comparisonOf(metric: MetricSpec): BaselineComparison | undefined {
  return 'compare' in metric ? metric.compare : undefined;
}

/** One of a metric's provider fields by name (`url`, `query`), for checks a provider declares. */
export function fieldOf(metric: MetricSpec, key: string): unknown {
  return (metric as unknown as Record<string, unknown>)[key];
}
