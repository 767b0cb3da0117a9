import type { Cluster } from '../kube/types.ts';
import type { MetricCommon, MetricSpec, ProviderName, TemplateContext } from './types.ts';
import type { Redact } from '../secrets/cut.ts';

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
  /** Scrubs known secret values from what a measurement quotes, before it is shortened. */
  redact?: Redact;
}

/** One metric source. Throwing means a measurement Error (never a pass). */
export interface MetricProvider {
  readonly name: ProviderName;
  measure(metric: MetricSpec, ctx: ProviderContext, signal: AbortSignal): Promise<RawMeasurement>;
}

/**
 * One metric's YAML mapping, read field by field for a provider's spec reader. Every problem is
 * collected (not thrown) with the metric's label and the line of the field.
 */
export interface MetricFields {
  has(key: string): boolean;
  value(key: string): unknown;
  /** A non-empty string (numbers and booleans are taken as text). */
  string(key: string): string | undefined;
  /** A duration in milliseconds; zero is refused unless `allowZero`. */
  duration(key: string, opts?: { allowZero?: boolean }): number | undefined;
  /** A mapping of header name to a string (or number) value. */
  headers(key: string): Record<string, string> | undefined;
  /** Records a problem on `key`'s line (the metric's own line without a key). */
  fail(key: string | undefined, message: string): void;
}

/** The fields one provider adds to a metric (Argo keeps PrometheusMetric, WebMetric, JobMetric apart). */
export type ProviderFields = Partial<Omit<MetricSpec, keyof MetricCommon>>;

/** How a provider reads and validates its own part of a metric's spec. */
export interface MetricSpecReader {
  /** The keys this provider reads, beyond the ones every metric has. */
  readonly keys: readonly string[];
  /** Keys only this provider accepts, with the error a metric of another provider gets for them. */
  readonly exclusive?: Readonly<Record<string, string>>;
  /** Fields holding `{{…}}` placeholders, checked against the known ones up front. */
  readonly templated?: readonly (keyof ProviderFields)[];
  /** True when a measurement decides by itself (a Job completes or fails): no condition needed. */
  readonly judgesItself?: boolean;
  read(fields: MetricFields): ProviderFields;
}

/** A provider as registered (src/analysis/providers/index.ts): how it measures and reads its spec. */
export interface MetricProviderDefinition extends MetricProvider {
  /** Reads the provider's own fields of a metric (config validation dispatches here). */
  readonly spec: MetricSpecReader;
}
