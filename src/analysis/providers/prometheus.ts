import { baselineQueries, DEFAULT_STEP_MS, DEFAULT_WINDOW_MS } from '../compare.ts';
import { readComparison } from '../compare-spec.ts';
import type {
  MetricFields,
  MetricOf,
  MetricProviderDefinition,
  MetricSpecReader,
  ProviderContext,
  RawMeasurement,
} from '../provider.ts';
import { renderTemplate } from '../template.ts';
import type { BaselineComparison } from '../types.ts';

/** A prometheus metric's own fields. */
export interface PrometheusFields {
  query: string;
  address?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  compare?: BaselineComparison;
}

export type PrometheusMetric = MetricOf<'prometheus', PrometheusFields>;
import { EMPTY_NUMERATOR_HINT, splitRatio } from './prometheus-ratio.ts';
import {
  DEFAULT_TIMEOUT_MS,
  describeFetchError,
  requestSignal,
  requestWithCredentials,
  snippet,
} from './http.ts';
import { keepText, type Redact } from '../../cut.ts';

/**
 * Prometheus HTTP API client (POST form to /api/v1/query and /api/v1/query_range, so long queries
 * never hit URL limits). Results, as the conditions see them:
 *   vector → list of numbers (one per series), scalar → number, string → string,
 *   matrix → list of every value of every series; an empty vector or matrix → null (no data).
 * Values arrive as strings so that NaN and ±Inf survive; they are parsed into JS numbers.
 */

export interface PromRequestOptions {
  headers?: Record<string, string>;
  timeoutMs?: number;
  signal: AbortSignal;
  fetch?: typeof fetch;
  /** Scrubs known secret values from a quoted answer before it is shortened. */
  redact?: Redact;
}

export interface PromData {
  resultType: 'vector' | 'matrix' | 'scalar' | 'string';
  result: unknown;
}

export class PrometheusError extends Error {
  readonly errorType?: string;
  readonly httpStatus?: number;
  constructor(message: string, errorType?: string, httpStatus?: number) {
    super(message);
    this.name = 'PrometheusError';
    this.errorType = errorType;
    this.httpStatus = httpStatus;
  }
}

export function parsePromValue(text: unknown): number {
  if (typeof text === 'number') return text;
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  const value = typeof text === 'string' && text.trim() !== '' ? Number(text) : NaN;
  if (Number.isNaN(value)) throw new PrometheusError(`unexpected sample value ${JSON.stringify(text)}`);
  return value;
}

/** Validates the `{status, data, errorType, error}` envelope; throws PrometheusError on errors. */
export function parseEnvelope(httpStatus: number, body: string, redact: Redact = keepText): PromData {
  let envelope: { status?: string; data?: PromData; errorType?: string; error?: string };
  try {
    envelope = JSON.parse(body);
  } catch {
    throw new PrometheusError(
      `Prometheus answered HTTP ${httpStatus} without a JSON body: ${snippet(body, undefined, redact) || '(empty)'}`,
      undefined,
      httpStatus,
    );
  }
  if (envelope.status !== 'success') {
    const type = envelope.errorType ?? 'error';
    throw new PrometheusError(
      `Prometheus ${type} (HTTP ${httpStatus}): ${envelope.error ?? snippet(body, undefined, redact)}`,
      envelope.errorType,
      httpStatus,
    );
  }
  if (!envelope.data || typeof envelope.data.resultType !== 'string') {
    throw new PrometheusError(
      `Prometheus answered HTTP ${httpStatus} without data: ${snippet(body, undefined, redact)}`,
      undefined,
      httpStatus,
    );
  }
  return envelope.data;
}

/** The result of an instant query as the conditions see it (see the module comment). */
export function resultValue(data: PromData): unknown {
  switch (data.resultType) {
    case 'vector': {
      const series = data.result as Array<{ value: [number, string] }>;
      return series.length === 0 ? null : series.map((s) => parsePromValue(s.value[1]));
    }
    case 'matrix': {
      const values = matrixSeries(data).flat();
      return values.length === 0 ? null : values;
    }
    case 'scalar':
      return parsePromValue((data.result as [number, string])[1]);
    case 'string':
      return (data.result as [number, string])[1];
    default:
      throw new PrometheusError(`unknown resultType ${JSON.stringify((data as PromData).resultType)}`);
  }
}

/** The values of each series of a matrix (a vector counts as one value per series). */
export function matrixSeries(data: PromData): number[][] {
  if (data.resultType === 'vector')
    return (data.result as Array<{ value: [number, string] }>).map((s) => [parsePromValue(s.value[1])]);
  if (data.resultType !== 'matrix')
    throw new PrometheusError(`expected a range result (matrix), got ${data.resultType}`);
  return (data.result as Array<{ values: Array<[number, string]> }>).map((s) =>
    s.values.map((v) => parsePromValue(v[1])),
  );
}

async function post(
  baseUrl: string,
  path: string,
  params: Record<string, string>,
  opts: PromRequestOptions,
): Promise<PromData> {
  // A `user:password@` in the Prometheus URL travels as a Basic Authorization header.
  const { url, headers } = requestWithCredentials(
    new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`),
    opts.headers,
  );
  const doFetch = opts.fetch ?? fetch;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const form = new URLSearchParams({ ...params, timeout: `${Math.max(1, Math.ceil(timeoutMs / 1000))}s` });
  let response: Response;
  let body: string;
  try {
    response = await doFetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        ...headers,
      },
      body: form.toString(),
      signal: requestSignal(opts.signal, timeoutMs),
    });
    body = await response.text();
  } catch (err) {
    if (opts.signal.aborted) throw err;
    throw new PrometheusError(`Prometheus ${url.origin} unreachable: ${describeFetchError(err, timeoutMs)}`);
  }
  return parseEnvelope(response.status, body, opts.redact);
}

export async function instantQuery(
  baseUrl: string,
  query: string,
  opts: PromRequestOptions,
): Promise<PromData> {
  return post(baseUrl, 'api/v1/query', { query }, opts);
}

export async function rangeQuery(
  baseUrl: string,
  query: string,
  range: { start: Date; end: Date; stepMs: number },
  opts: PromRequestOptions,
): Promise<PromData> {
  return post(
    baseUrl,
    'api/v1/query_range',
    {
      query,
      start: String(range.start.getTime() / 1000),
      end: String(range.end.getTime() / 1000),
      step: `${range.stepMs / 1000}s`,
    },
    opts,
  );
}

function addressOf(metric: PrometheusMetric, ctx: ProviderContext): string {
  const address = metric.address ?? ctx.settings.prometheusUrl;
  if (!address)
    throw new Error(
      `metric ${metric.name}: no Prometheus address (set \`address\` on the metric or the prometheus-url input)`,
    );
  return address;
}

/** `query` (templated), `address` (else the prometheus-url input), `headers`, `timeout`, `compare`. */
export const prometheusSpec: MetricSpecReader<PrometheusFields> = {
  keys: ['query', 'address', 'headers', 'timeout', 'compare'],
  exclusive: { compare: '`compare: baseline` needs provider prometheus (it compares range queries)' },
  templated: ['query'],
  filled: ['address', 'query'],
  urls: ['address'],
  read(fields: MetricFields) {
    const query = fields.string('query');
    if (!query) fields.fail(undefined, '`query` is required for provider prometheus');
    const compare = fields.has('compare')
      ? readComparison(fields.value('compare'), (m) => fields.fail('compare', m))
      : undefined;
    return {
      query,
      address: fields.string('address'),
      headers: fields.headers('headers'),
      timeoutMs: fields.duration('timeout'),
      compare,
    };
  },
};

export const prometheusProvider: MetricProviderDefinition<
  'prometheus',
  PrometheusFields,
  'prometheusUrl',
  'prometheus-url'
> = {
  name: 'prometheus',
  spec: prometheusSpec,
  settings: [
    {
      input: 'prometheus-url',
      configKey: 'prometheusUrl',
      description: 'Default address for `provider: prometheus` metrics.',
      metricField: 'address',
    },
  ],
  async measure(metric, ctx, signal): Promise<RawMeasurement> {
    const address = addressOf(metric, ctx);
    if (!metric.query) throw new Error(`metric ${metric.name}: no query`);
    const opts: PromRequestOptions = {
      signal,
      ...(metric.headers ? { headers: metric.headers } : {}),
      ...(metric.timeoutMs ? { timeoutMs: metric.timeoutMs } : {}),
      ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
      ...(ctx.redact ? { redact: ctx.redact } : {}),
    };
    if (metric.compare)
      return withQuery(measureBaseline(address, metric.query, metric.compare, ctx, opts), metric.query);
    const query = renderTemplate(metric.query, ctx.template);
    return withQuery(measureInstant(address, query, opts), query);
  },
};

/** One instant query; an empty ratio says whether its numerator is what is missing. */
async function measureInstant(
  address: string,
  query: string,
  opts: PromRequestOptions,
): Promise<RawMeasurement> {
  const result = resultValue(await instantQuery(address, query, opts));
  const ratio = result === null ? splitRatio(query) : undefined;
  if (!ratio) return { result, query };
  // Only an explanation: if the denominator cannot be asked alone, the measurement stays plain no data.
  const denominator = await instantQuery(address, ratio.denominator, opts).then(resultValue, () => null);
  return denominator === null ? { result, query } : { result, query, message: EMPTY_NUMERATOR_HINT };
}

/** Errors carry the query, so the Error measurement shows what was asked. */
async function withQuery(pending: Promise<RawMeasurement>, query: string): Promise<RawMeasurement> {
  try {
    return await pending;
  } catch (err) {
    if (err instanceof Error && !('query' in err)) Object.assign(err, { query });
    throw err;
  }
}

/** Two range queries, canary and stable (the rule is in compare.ts); samples pooled across series. */
async function measureBaseline(
  address: string,
  query: string,
  compare: BaselineComparison,
  ctx: ProviderContext,
  opts: PromRequestOptions,
): Promise<RawMeasurement> {
  const queries = baselineQueries(query, ctx.template);
  const end = new Date();
  const range = {
    start: new Date(end.getTime() - (compare.windowMs ?? DEFAULT_WINDOW_MS)),
    end,
    stepMs: compare.stepMs ?? DEFAULT_STEP_MS,
  };
  const [canary, stable] = await Promise.all([
    rangeQuery(address, queries.canary, range, opts),
    rangeQuery(address, queries.stable, range, opts),
  ]);
  return {
    result: { canary: matrixSeries(canary).flat(), stable: matrixSeries(stable).flat() },
    query: `canary: ${queries.canary}; stable: ${queries.stable}`,
  };
}
