import type { ApiAccess, Cluster } from '../kube/types.ts';
import type { MetricCommon, TemplateContext } from './types.ts';
import type { Redact } from '../cut.ts';

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
  /**
   * The run-wide settings the providers declare (`prometheus-url`…), by their Config field: a
   * provider reads its own, every metric of it falls back on them.
   */
  settings: Readonly<Record<string, string | undefined>>;
  cluster: Cluster;
  namespace: string;
  fetch?: typeof fetch;
  /** Scrubs known secret values from what a measurement quotes, before it is shortened. */
  redact?: Redact;
}

/** A metric of provider `Name` with its provider's own fields. */
export type MetricOf<Name extends string, Fields extends object> = MetricCommon & { provider: Name } & Fields;

/** One metric source. Throwing means a measurement Error (never a pass). */
export interface MetricProvider<Name extends string = string, Fields extends object = object> {
  readonly name: Name;
  measure(metric: MetricOf<Name, Fields>, ctx: ProviderContext, signal: AbortSignal): Promise<RawMeasurement>;
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

/** How a provider reads and validates its own part of a metric's spec. */
export interface MetricSpecReader<Fields extends object = object> {
  /** The keys this provider reads, beyond the ones every metric has. */
  readonly keys: readonly string[];
  /** Keys only this provider accepts, with the error a metric of another provider gets for them. */
  readonly exclusive?: Readonly<Record<string, string>>;
  /**
   * Fields holding `{{…}}` placeholders, checked against the known ones up front. (Names, not
   * `keyof Fields`: a registry holds readers of every provider's fields.)
   */
  readonly templated?: readonly string[];
  /**
   * Fields filled in with the release's values when measured: the pre-flight checks that every
   * placeholder in them has a value in this release.
   */
  readonly filled?: readonly string[];
  /**
   * Fields holding a URL: the pre-flight checks they are http(s) once filled in, and credentials in
   * them are masked and kept out of the state ConfigMap (src/analysis/credential-fields.ts).
   */
  readonly urls?: readonly string[];
  /** True when a measurement decides by itself (a Job completes or fails): no condition needed. */
  readonly judgesItself?: boolean;
  read(fields: MetricFields): Partial<Fields>;
}

/**
 * A run-wide setting of a provider: an action input (`prometheus-url`) its metrics fall back on.
 * Config reads and checks it, the release state keeps it, action.yml documents it.
 */
export interface ProviderSetting<Key extends string = string, Input extends string = string> {
  input: Input;
  /** Its Config field (and the stored settings' key), e.g. `prometheusUrl`. */
  configKey: Key;
  /** action.yml's description of the input. */
  description: string;
  /** The metric field that stands in for it: every metric of the provider needs one or the other. */
  metricField?: string;
}

/**
 * A provider as registered (src/analysis/providers/index.ts): how it measures, reads its spec,
 * which run-wide settings it reads and which API access its measurements need.
 */
export interface MetricProviderDefinition<
  Name extends string = string,
  Fields extends object = object,
  Key extends string = string,
  Input extends string = string,
> extends MetricProvider<Name, Fields> {
  /** Reads the provider's own fields of a metric (config validation dispatches here). */
  readonly spec: MetricSpecReader<Fields>;
  readonly settings?: readonly ProviderSetting<Key, Input>[];
  /** API access its measurements need (the pre-flight asks for it, the README's Roles list it). */
  readonly access?: readonly ApiAccess[];
}
