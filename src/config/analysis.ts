/**
 * The `analysis` input (and the `metrics` override of an `analysis` step) → AnalysisSpec.
 * Every problem is reported with the YAML line it sits on; all problems are collected.
 */
import { parse as parseCel } from '@marcbachmann/cel-js';
import type { AnalysisSpec, BaselineComparison, MetricSpec, ProviderName } from '../analysis/types.ts';
import { InputError, InputErrors } from '../errors.ts';
import { DURATION_HINT, tryParseBoolean, tryParseDuration } from './parse.ts';
import { describeType, isPlainObject, parseYamlInput, type YamlSource } from './yaml-source.ts';

export const PROVIDERS: readonly ProviderName[] = ['prometheus', 'web', 'job'];
export const METRIC_PHASES = ['pre-promotion', 'post-promotion'] as const;
/** Names usable as `{{name}}` in queries and URLs (see TemplateContext). */
export const TEMPLATE_NAMES = [
  'app',
  'namespace',
  'service',
  'ingress',
  'canary.version',
  'stable.version',
  'interval',
];

export const METRIC_DEFAULTS = {
  failureLimit: 0,
  inconclusiveLimit: 0,
  consecutiveErrorLimit: 4,
  dryRun: false,
  phase: 'pre-promotion',
} as const;

export const COMPARE_DEFAULTS: BaselineComparison = {
  against: 'baseline',
  direction: 'increase',
  allowedChange: 0.2,
  minSamples: 10,
  alpha: 0.05,
  noData: 'inconclusive',
};

const METRIC_KEYS = [
  'name',
  'provider',
  'query',
  'address',
  'headers',
  'timeout',
  'url',
  'method',
  'body',
  'jsonPath',
  'job',
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
  'compare',
];
const COMPARE_KEYS = [
  'against',
  'direction',
  'allowedChange',
  'minSamples',
  'alpha',
  'window',
  'step',
  'noData',
];
const HTTP_METHODS = ['GET', 'POST', 'PUT', 'HEAD', 'PATCH'];

/** Parses the `analysis` input text. */
export function parseAnalysis(text: string, input = 'analysis'): AnalysisSpec {
  const src = parseYamlInput(text, input);
  const errors: InputError[] = [];
  const spec = readAnalysis(src.value, src, errors, true);
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
  requireMetrics: boolean,
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
    if (key !== 'interval' && key !== 'metrics') {
      fail(`unknown key '${key}' (valid: interval, metrics)`, src.lineOf(value, key));
    }
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
  const at = (key?: string) => (isPlainObject(raw) && key ? src.lineOf(raw, key) : undefined) ?? line;
  if (!isPlainObject(raw)) {
    errors.push(
      new InputError(`a metric must be a mapping, got ${describeType(raw)}`, { input: src.input, line }),
    );
    return undefined;
  }
  const label =
    typeof raw.name === 'string' && raw.name ? `metric '${raw.name}'` : `metric at line ${line ?? '?'}`;
  const before = errors.length;
  const fail = (key: string | undefined, message: string) =>
    errors.push(new InputError(`${label}: ${message}`, { input: src.input, line: at(key) }));

  for (const key of Object.keys(raw)) {
    if (!METRIC_KEYS.includes(key)) fail(key, `unknown key '${key}' (valid: ${METRIC_KEYS.join(', ')})`);
  }
  const has = (key: string) => raw[key] !== undefined && raw[key] !== null;
  const str = (key: string): string | undefined => {
    if (!has(key)) return undefined;
    const v = raw[key];
    if (typeof v === 'string' && v.trim() !== '') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    fail(key, `${key} must be a non-empty string, got ${describeType(v)}`);
    return undefined;
  };
  const dur = (key: string, allowZero = true): number | undefined => {
    if (!has(key)) return undefined;
    const ms = tryParseDuration(raw[key] as string | number);
    if (ms === undefined || (!allowZero && ms === 0))
      fail(key, `${key}: invalid duration '${raw[key]}' (${DURATION_HINT})`);
    return ms;
  };
  const int = (key: string, min: number): number | undefined => {
    if (!has(key)) return undefined;
    const v = raw[key];
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= min) return v;
    fail(key, `${key} must be a whole number ≥ ${min}, got ${describeType(v)}`);
    return undefined;
  };

  const name = str('name');
  if (!name) fail(undefined, '`name` is required');
  else if (!/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name))
    fail('name', `name '${name}' may hold only letters, digits, '-', '_' and '.'`);
  const given = str('provider');
  const provider = given && (PROVIDERS as readonly string[]).includes(given) ? given : undefined;
  if (!given) fail(undefined, `\`provider\` is required (valid: ${PROVIDERS.join(', ')})`);
  else if (!provider) fail('provider', `unknown provider '${given}' (valid: ${PROVIDERS.join(', ')})`);

  const metric: MetricSpec = {
    name: name ?? '',
    provider: (provider ?? 'prometheus') as ProviderName,
    failureLimit: int('failureLimit', 0) ?? METRIC_DEFAULTS.failureLimit,
    inconclusiveLimit: int('inconclusiveLimit', 0) ?? METRIC_DEFAULTS.inconclusiveLimit,
    consecutiveErrorLimit: int('consecutiveErrorLimit', 0) ?? METRIC_DEFAULTS.consecutiveErrorLimit,
    dryRun: METRIC_DEFAULTS.dryRun,
    phase: METRIC_DEFAULTS.phase,
    line,
  };
  const assign = <K extends keyof MetricSpec>(key: K, value: MetricSpec[K] | undefined) => {
    if (value !== undefined) metric[key] = value;
  };

  assign('query', str('query'));
  assign('address', str('address'));
  assign('url', str('url'));
  assign('body', str('body'));
  assign('jsonPath', str('jsonPath'));
  assign('timeoutMs', dur('timeout', false));
  assign('intervalMs', dur('interval', false));
  assign('initialDelayMs', dur('initialDelay'));
  assign('count', int('count', 1));
  const method = str('method');
  if (method !== undefined) {
    if (HTTP_METHODS.includes(method.toUpperCase())) metric.method = method.toUpperCase();
    else fail('method', `unknown method '${method}' (valid: ${HTTP_METHODS.join(', ')})`);
  }
  if (has('headers')) {
    const headers = raw.headers;
    if (
      isPlainObject(headers) &&
      Object.values(headers).every((v) => typeof v === 'string' || typeof v === 'number')
    ) {
      metric.headers = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)]));
    } else fail('headers', 'headers must be a mapping of header name to string value');
  }
  if (has('dryRun')) {
    const v = tryParseBoolean(raw.dryRun as string | boolean);
    if (v === undefined) fail('dryRun', `dryRun must be true or false, got ${describeType(raw.dryRun)}`);
    else metric.dryRun = v;
  }
  if (has('phase')) {
    const phase = str('phase');
    if (phase && (METRIC_PHASES as readonly string[]).includes(phase))
      metric.phase = phase as MetricSpec['phase'];
    else fail('phase', `unknown phase '${raw.phase}' (valid: ${METRIC_PHASES.join(', ')})`);
  }
  for (const key of ['successCondition', 'failureCondition'] as const) {
    const expr = str(key);
    if (expr === undefined) continue;
    try {
      parseCel(expr);
      metric[key] = expr;
    } catch (err) {
      fail(key, `${key} is not a valid CEL expression: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  if (has('threshold')) readThreshold(raw.threshold, metric, (m) => fail('threshold', m));
  if (has('job')) {
    const job = isPlainObject(raw.job) && isPlainObject(raw.job.spec) ? raw.job.spec : raw.job;
    if (isPlainObject(job) && isPlainObject(job.template)) metric.job = job;
    else fail('job', '`job` must be a Job spec with a pod `template` (or a mapping with `spec`)');
  }
  if (has('compare')) {
    const compare = readCompare(raw.compare, (m) => fail('compare', m));
    if (compare) metric.compare = compare;
  }

  // What each provider needs to measure anything.
  if (metric.provider === 'prometheus' && !metric.query && provider)
    fail(undefined, '`query` is required for provider prometheus');
  if (metric.provider === 'web' && !metric.url && provider)
    fail(undefined, '`url` is required for provider web');
  if (metric.provider === 'job' && !has('job'))
    fail(undefined, '`job` (a Job spec) is required for provider job');
  if (metric.compare && provider && metric.provider !== 'prometheus')
    fail('compare', '`compare: baseline` needs provider prometheus (it compares range queries)');
  const judged = ['threshold', 'successCondition', 'failureCondition', 'compare'].some(has);
  if (!judged && metric.provider !== 'job' && provider) {
    fail(
      undefined,
      'needs `threshold`, `successCondition`, `failureCondition` or `compare` to judge the result',
    );
  }
  for (const key of ['query', 'url'] as const) {
    const text = metric[key];
    for (const m of text?.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g) ?? []) {
      if (!TEMPLATE_NAMES.includes(m[1]))
        fail(
          key,
          `unknown template '{{${m[1]}}}' in ${key} (valid: ${TEMPLATE_NAMES.map((n) => `{{${n}}}`).join(' ')})`,
        );
    }
  }
  return errors.length === before ? metric : undefined;
}

function readThreshold(value: unknown, metric: MetricSpec, fail: (message: string) => void): void {
  if (!isPlainObject(value)) return fail('threshold must be a mapping like {max: 0.01} or {min: 0.99}');
  const out: { min?: number; max?: number } = {};
  for (const [key, v] of Object.entries(value)) {
    if (key !== 'min' && key !== 'max') return fail(`threshold: unknown key '${key}' (valid: min, max)`);
    if (typeof v !== 'number' || !Number.isFinite(v))
      return fail(`threshold.${key} must be a number, got ${describeType(v)}`);
    out[key] = v;
  }
  if (out.min === undefined && out.max === undefined) return fail('threshold needs min and/or max');
  if (out.min !== undefined && out.max !== undefined && out.min > out.max)
    return fail(`threshold.min (${out.min}) is above threshold.max (${out.max})`);
  metric.threshold = out;
}

function readCompare(value: unknown, fail: (message: string) => void): BaselineComparison | undefined {
  if (value === 'baseline') return { ...COMPARE_DEFAULTS };
  if (!isPlainObject(value)) {
    fail(`compare must be 'baseline' or a mapping with against: baseline, got ${describeType(value)}`);
    return undefined;
  }
  const raw = value;
  const out: BaselineComparison = { ...COMPARE_DEFAULTS };
  let ok = true;
  const bad = (message: string) => {
    ok = false;
    fail(`compare: ${message}`);
  };
  for (const key of Object.keys(raw))
    if (!COMPARE_KEYS.includes(key)) bad(`unknown key '${key}' (valid: ${COMPARE_KEYS.join(', ')})`);
  if (raw.against !== undefined && raw.against !== 'baseline')
    bad(`against must be 'baseline', got ${describeType(raw.against)}`);
  if (raw.direction !== undefined) {
    if (raw.direction === 'increase' || raw.direction === 'decrease' || raw.direction === 'either')
      out.direction = raw.direction;
    else bad(`unknown direction ${describeType(raw.direction)} (valid: increase, decrease, either)`);
  }
  if (raw.allowedChange !== undefined) {
    if (typeof raw.allowedChange === 'number' && raw.allowedChange >= 0)
      out.allowedChange = raw.allowedChange;
    else bad(`allowedChange must be a number ≥ 0 (0.2 = 20 %), got ${describeType(raw.allowedChange)}`);
  }
  if (raw.minSamples !== undefined) {
    if (typeof raw.minSamples === 'number' && Number.isInteger(raw.minSamples) && raw.minSamples >= 2)
      out.minSamples = raw.minSamples;
    else bad(`minSamples must be a whole number ≥ 2, got ${describeType(raw.minSamples)}`);
  }
  if (raw.alpha !== undefined) {
    if (typeof raw.alpha === 'number' && raw.alpha > 0 && raw.alpha < 1) out.alpha = raw.alpha;
    else bad(`alpha must be between 0 and 1, got ${describeType(raw.alpha)}`);
  }
  if (raw.noData !== undefined) {
    if (raw.noData === 'fail' || raw.noData === 'inconclusive') out.noData = raw.noData;
    else bad(`unknown noData ${describeType(raw.noData)} (valid: fail, inconclusive)`);
  }
  for (const [key, field] of [
    ['window', 'windowMs'],
    ['step', 'stepMs'],
  ] as const) {
    if (raw[key] === undefined) continue;
    const ms = tryParseDuration(raw[key] as string | number);
    if (ms === undefined || ms === 0) bad(`${key}: invalid duration '${raw[key]}' (${DURATION_HINT})`);
    else out[field] = ms;
  }
  return ok ? out : undefined;
}

/** Throws the collected errors: one as itself, several together. */
export function throwCollected(errors: InputError[]): void {
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new InputErrors(errors);
}
