/**
 * The `analysis` input (and the `metrics` override of an `analysis` step) → AnalysisSpec.
 * Every problem is reported with the YAML line it sits on; all problems are collected. This file
 * reads what every metric has; each provider reads its own fields (its `spec` in
 * src/analysis/providers/), found through the provider registry.
 */
import { parse as parseCel } from '@marcbachmann/cel-js';
import type { MetricSpecReader } from '../analysis/provider.ts';
import { PROVIDERS } from '../analysis/providers/index.ts';
import { TEMPLATE_PLACEHOLDERS } from '../analysis/template.ts';
import type { MetricCommon } from '../analysis/types.ts';
import { fieldOf, type AnalysisSpec, type MetricSpec } from '../analysis/spec.ts';
import { DURATION_HINT, tryParseDuration } from '../duration.ts';
import { tryParseBoolean } from './parse.ts';
import { InputError, InputErrors } from '../errors.ts';
import { metricFields, type MetricFieldReader } from './metric-fields.ts';
import { describeType, isPlainObject } from '../plain-values.ts';
import { parseYamlInput, type YamlSource } from './yaml-source.ts';

export { COMPARE_DEFAULTS } from '../analysis/compare-spec.ts';

export const METRIC_PHASES = ['pre-promotion', 'post-promotion'] as const;
/** Names usable as `{{name}}` in queries and URLs (see TemplateContext). */
export const TEMPLATE_NAMES = TEMPLATE_PLACEHOLDERS;

export const METRIC_DEFAULTS = {
  failureLimit: 0,
  inconclusiveLimit: 0,
  consecutiveErrorLimit: 4,
  dryRun: false,
  phase: 'pre-promotion',
} as const;

/** How a measurement is judged: one of these (or a provider that judges itself) is needed. */
const JUDGING_KEYS = ['threshold', 'successCondition', 'failureCondition', 'compare'];
/** Keys every metric may have, after `name` and `provider` and each provider's own keys. */
const COMMON_KEYS = [
  'threshold',
  'successCondition',
  'failureCondition',
  'interval',
  'count',
  'initialDelay',
  'failureLimit',
  'inconclusiveLimit',
  'consecutiveErrorLimit',
  'dryRun',
  'phase',
];
/** Every key a metric may have, whatever its provider (read when config is read: providers may be added). */
function metricKeys(): string[] {
  return [...new Set(['name', 'provider', ...PROVIDERS.all().flatMap((p) => p.spec.keys), ...COMMON_KEYS])];
}

/** Parses the `analysis` input text. */
export function parseAnalysis(text: string, input = 'analysis'): AnalysisSpec {
  const src = parseYamlInput(text, input);
  const errors: InputError[] = [];
  const spec = readAnalysis(src.value, src, errors, { requireMetrics: true });
  throwCollected(errors);
  return spec as AnalysisSpec;
}

/**
 * Validates an analysis mapping found inside another input's YAML (an `analysis` step). With
 * `requireMetrics` false, an empty mapping is valid and means "use the `analysis` input".
 */
export function readAnalysis(
  value: unknown,
  src: YamlSource,
  errors: InputError[],
  { requireMetrics }: { requireMetrics: boolean },
): Partial<AnalysisSpec> {
  const fail = (message: string, line?: number) =>
    errors.push(new InputError(message, { input: src.input, line }));
  if (value === null || value === undefined) {
    if (requireMetrics) fail('expected a mapping with `metrics`');
    return {};
  }
  if (!isPlainObject(value)) {
    fail(`expected a mapping with \`metrics\`, got ${describeType(value)}`, src.lineOf(value));
    return {};
  }
  const out: Partial<AnalysisSpec> = {};
  for (const key of Object.keys(value)) {
    if (key !== 'interval' && key !== 'metrics' && key !== 'startingStep') {
      fail(`unknown key '${key}' (valid: interval, startingStep, metrics)`, src.lineOf(value, key));
    }
  }
  const start = value.startingStep;
  if (start !== undefined && start !== null) {
    if (typeof start === 'number' && Number.isInteger(start) && start >= 0) out.startingStep = start;
    else
      fail(
        `startingStep must be a whole number ≥ 0 (0 = the first step), got ${describeType(start)}`,
        src.lineOf(value, 'startingStep'),
      );
  }
  if (value.interval !== undefined && value.interval !== null) {
    const ms = tryParseDuration(value.interval as string | number);
    if (ms === undefined || ms === 0)
      fail(
        `interval: invalid duration '${value.interval}' (${DURATION_HINT})`,
        src.lineOf(value, 'interval'),
      );
    else out.intervalMs = ms;
  }
  const metrics = value.metrics;
  if (metrics === undefined || metrics === null) {
    if (requireMetrics) fail('`metrics` is required: a list of metrics to check', src.lineOf(value));
    return out;
  }
  if (!Array.isArray(metrics) || metrics.length === 0) {
    fail('`metrics` must be a non-empty list', src.lineOf(value, 'metrics'));
    return out;
  }
  out.metrics = [];
  const seen = new Set<string>();
  metrics.forEach((raw, i) => {
    const metric = readMetric(raw, src.lineOf(metrics, i), src, errors);
    if (!metric) return;
    if (seen.has(metric.name)) fail(`metric name '${metric.name}' is used twice`, metric.line);
    seen.add(metric.name);
    out.metrics!.push(metric);
  });
  return out;
}

function readMetric(
  raw: unknown,
  line: number | undefined,
  src: YamlSource,
  errors: InputError[],
): MetricSpec | undefined {
  if (!isPlainObject(raw)) {
    errors.push(
      new InputError(`a metric must be a mapping, got ${describeType(raw)}`, { input: src.input, line }),
    );
    return undefined;
  }
  const label =
    typeof raw.name === 'string' && raw.name ? `metric '${raw.name}'` : `metric at line ${line ?? '?'}`;
  const before = errors.length;
  const fields = metricFields(raw, (key, message) =>
    errors.push(
      new InputError(`${label}: ${message}`, {
        input: src.input,
        line: (key && src.lineOf(raw, key)) || line,
      }),
    ),
  );
  const keys = metricKeys();
  for (const key of Object.keys(raw)) {
    if (!keys.includes(key)) fields.fail(key, `unknown key '${key}' (valid: ${keys.join(', ')})`);
  }
  const common = readCommon(fields, line);
  const spec = common && PROVIDERS.get(common.provider).spec;
  if (!common || !spec) return undefined;
  // The provider's reader guarantees its own fields once no problem was collected.
  const metric = { ...common, ...definedOnly(spec.read(fields)) } as MetricSpec;
  checkForeignKeys(fields, spec, common.provider);
  const judged = JUDGING_KEYS.some((key) => fields.has(key));
  if (!judged && !spec.judgesItself) {
    fields.fail(
      undefined,
      'needs `threshold`, `successCondition`, `failureCondition` or `compare` to judge the result',
    );
  }
  checkPlaceholders(metric, spec, fields);
  return errors.length === before ? metric : undefined;
}

/** What every metric has; undefined when the provider is missing or unknown (nothing more is read). */
function readCommon(
  fields: MetricFieldReader,
  line: number | undefined,
): (MetricCommon & { provider: string }) | undefined {
  const name = fields.string('name');
  if (!name) fields.fail(undefined, '`name` is required');
  else if (!/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name))
    fields.fail('name', `name '${name}' may hold only letters, digits, '-', '_' and '.'`);
  const given = fields.string('provider');
  const provider = given !== undefined ? PROVIDERS.find(given)?.name : undefined;
  const valid = PROVIDERS.names().join(', ');
  if (!given) fields.fail(undefined, `\`provider\` is required (valid: ${valid})`);
  else if (!provider) fields.fail('provider', `unknown provider '${given}' (valid: ${valid})`);
  if (!provider) return undefined;
  return {
    name: name ?? '',
    provider,
    failureLimit: fields.int('failureLimit', 0) ?? METRIC_DEFAULTS.failureLimit,
    inconclusiveLimit: fields.int('inconclusiveLimit', 0) ?? METRIC_DEFAULTS.inconclusiveLimit,
    consecutiveErrorLimit: fields.int('consecutiveErrorLimit', 0) ?? METRIC_DEFAULTS.consecutiveErrorLimit,
    dryRun: readBoolean(fields, 'dryRun') ?? METRIC_DEFAULTS.dryRun,
    phase: readPhase(fields) ?? METRIC_DEFAULTS.phase,
    line,
    ...definedOnly({
      intervalMs: fields.duration('interval'),
      initialDelayMs: fields.duration('initialDelay', { allowZero: true }),
      count: fields.int('count', 1),
      successCondition: readCel(fields, 'successCondition'),
      failureCondition: readCel(fields, 'failureCondition'),
      threshold: fields.has('threshold')
        ? readThreshold(fields.value('threshold'), (m) => fields.fail('threshold', m))
        : undefined,
    }),
  };
}

function readBoolean(fields: MetricFieldReader, key: string): boolean | undefined {
  if (!fields.has(key)) return undefined;
  const value = fields.value(key);
  const parsed = tryParseBoolean(value as string | boolean);
  if (parsed === undefined) fields.fail(key, `${key} must be true or false, got ${describeType(value)}`);
  return parsed;
}

function readPhase(fields: MetricFieldReader): MetricCommon['phase'] | undefined {
  if (!fields.has('phase')) return undefined;
  const phase = fields.string('phase');
  if (phase && (METRIC_PHASES as readonly string[]).includes(phase)) return phase as MetricCommon['phase'];
  fields.fail('phase', `unknown phase '${fields.value('phase')}' (valid: ${METRIC_PHASES.join(', ')})`);
  return undefined;
}

function readCel(fields: MetricFieldReader, key: string): string | undefined {
  const expr = fields.string(key);
  if (expr === undefined) return undefined;
  try {
    parseCel(expr);
    return expr;
  } catch (err) {
    fields.fail(key, `${key} is not a valid CEL expression: ${(err as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

/** A key only another provider reads, when that provider says why it is refused elsewhere. */
function checkForeignKeys(fields: MetricFieldReader, spec: MetricSpecReader, provider: string): void {
  for (const other of PROVIDERS.all()) {
    if (other.name === provider) continue;
    for (const [key, message] of Object.entries(other.spec.exclusive ?? {}))
      if (fields.has(key) && !spec.keys.includes(key)) fields.fail(key, message);
  }
}

/** Unknown `{{…}}` placeholders in the fields the provider templates. */
function checkPlaceholders(metric: MetricSpec, spec: MetricSpecReader, fields: MetricFieldReader): void {
  for (const key of spec.templated ?? []) {
    const text = fieldOf(metric, key);
    if (typeof text !== 'string') continue;
    for (const m of text.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
      if (!TEMPLATE_NAMES.includes(m[1]))
        fields.fail(
          key,
          `unknown template '{{${m[1]}}}' in ${key} (valid: ${TEMPLATE_NAMES.map((n) => `{{${n}}}`).join(' ')})`,
        );
    }
  }
}

function definedOnly<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function readThreshold(value: unknown, fail: (message: string) => void): MetricCommon['threshold'] {
  if (!isPlainObject(value)) return void fail('threshold must be a mapping like {max: 0.01} or {min: 0.99}');
  const out: { min?: number; max?: number } = {};
  for (const [key, v] of Object.entries(value)) {
    if (key !== 'min' && key !== 'max') return void fail(`threshold: unknown key '${key}' (valid: min, max)`);
    if (typeof v !== 'number' || !Number.isFinite(v))
      return void fail(`threshold.${key} must be a number, got ${describeType(v)}`);
    out[key] = v;
  }
  if (out.min === undefined && out.max === undefined) return void fail('threshold needs min and/or max');
  if (out.min !== undefined && out.max !== undefined && out.min > out.max)
    return void fail(`threshold.min (${out.min}) is above threshold.max (${out.max})`);
  return out;
}

/** Throws the collected errors: one as itself, several together. */
export function throwCollected(errors: InputError[]): void {
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new InputErrors(errors);
}
