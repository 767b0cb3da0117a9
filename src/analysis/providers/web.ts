import { JSONPath } from 'jsonpath-plus';
import type {
  MetricFields,
  MetricOf,
  MetricProviderDefinition,
  MetricSpecReader,
  RawMeasurement,
} from '../provider.ts';
import { renderTemplate } from '../template.ts';

/** A web metric's own fields. */
export interface WebFields {
  url: string;
  method?: string;
  body?: string;
  jsonPath?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export type WebMetric = MetricOf<'web', WebFields>;
import {
  DEFAULT_TIMEOUT_MS,
  describeFetchError,
  requestSignal,
  requestWithCredentials,
  snippet,
} from './http.ts';
import { maskUrlCredentials } from '../../secrets/url-credentials.ts';

/**
 * Web checks. The `url` and `body` are templated. What the conditions see as `result`:
 *  - with `jsonPath`: the value at that path of the JSON body (no match → no data). A non-2xx
 *    status is a measurement Error, as in Argo: the body of an error page is not a metric.
 *  - without `jsonPath`: `{status, body}` (body parsed as JSON when it is JSON, else text), so
 *    `result.status == 200` or `result.body.healthy` work. With no condition at all the status
 *    decides: 2xx Successful, anything else Failed.
 */

export interface WebResult {
  status: number;
  body: unknown;
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function hasConditions(metric: WebMetric): boolean {
  return Boolean(metric.threshold || metric.successCondition || metric.failureCondition);
}

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'HEAD', 'PATCH'];

/** `url` (templated), `method`, `body`, `headers`, `jsonPath`, `timeout`. */
export const webSpec: MetricSpecReader<WebFields> = {
  keys: ['url', 'method', 'body', 'jsonPath', 'headers', 'timeout'],
  templated: ['url'],
  filled: ['url', 'body'],
  urls: ['url'],
  read(fields: MetricFields) {
    const url = fields.string('url');
    if (!url) fields.fail(undefined, '`url` is required for provider web');
    let method = fields.string('method');
    if (method !== undefined && !HTTP_METHODS.includes(method.toUpperCase())) {
      fields.fail('method', `unknown method '${method}' (valid: ${HTTP_METHODS.join(', ')})`);
      method = undefined;
    }
    return {
      url,
      method: method?.toUpperCase(),
      body: fields.string('body'),
      jsonPath: fields.string('jsonPath'),
      headers: fields.headers('headers'),
      timeoutMs: fields.duration('timeout'),
    };
  },
};

export const webProvider: MetricProviderDefinition<'web', WebFields, never, never> = {
  name: 'web',
  spec: webSpec,
  async measure(metric, ctx, signal): Promise<RawMeasurement> {
    if (!metric.url) throw new Error(`metric ${metric.name}: no url`);
    const url = renderTemplate(metric.url, ctx.template);
    const body = metric.body !== undefined ? renderTemplate(metric.body, ctx.template) : undefined;
    const method = (metric.method ?? (body !== undefined ? 'POST' : 'GET')).toUpperCase();
    const timeoutMs = metric.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const doFetch = ctx.fetch ?? fetch;
    // Reports show the URL without its `user:password@`; the request is made with them.
    const shown = maskUrlCredentials(url);
    const quote = (text: string, max?: number) => snippet(text, max, ctx.redact);
    let status: number;
    let text: string;
    try {
      const request = requestWithCredentials(url, metric.headers);
      const response = await doFetch(request.url, {
        method,
        headers: request.headers,
        ...(body !== undefined ? { body } : {}),
        signal: requestSignal(signal, timeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (err) {
      if (signal.aborted) throw err;
      throw Object.assign(new Error(`${method} ${shown} failed: ${describeFetchError(err, timeoutMs)}`), {
        query: shown,
      });
    }
    const ok = status >= 200 && status < 300;
    const query = `${method} ${shown}`;

    if (metric.jsonPath) {
      if (!ok) throw Object.assign(new Error(`${query} answered HTTP ${status}: ${quote(text)}`), { query });
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw Object.assign(new Error(`${query} did not answer JSON: ${quote(text)}`), { query });
      }
      const value: unknown = JSONPath({ path: metric.jsonPath, json: json as object, wrap: false });
      return { result: value === undefined ? null : value, query };
    }

    const result: WebResult = { status, body: parseBody(text) };
    if (hasConditions(metric)) return { result, query };
    return {
      result,
      query,
      verdict: ok ? 'Successful' : 'Failed',
      message: ok
        ? `${query} answered HTTP ${status}`
        : `${query} answered HTTP ${status}: ${quote(text, 120)}`,
    };
  },
};
