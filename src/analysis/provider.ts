import type { Cluster } from '../kube/types.ts';
import type { MetricSpec, ProviderName, TemplateContext } from './types.ts';

/** What one measurement returned, before conditions judge it. */
export interface RawMeasurement {
  /** Number, list of numbers (Prometheus vector), parsed JSON, or text. `null` = no data. */
  result: unknown;
  /** Resolved query / URL, for the report. */
  query?: string;
  /** A measurement that decided by itself (e.g. a Job that failed). */
  verdict?: 'Successful' | 'Failed';
  message?: string;
}

export interface ProviderContext {
  template: TemplateContext;
  prometheusUrl?: string;
  cluster: Cluster;
  namespace: string;
  fetch?: typeof fetch;
}

/** One metric source. Throwing means a measurement Error (never a pass). */
export interface MetricProvider {
  readonly name: ProviderName;
  measure(metric: MetricSpec, ctx: ProviderContext, signal: AbortSignal): Promise<RawMeasurement>;
}
