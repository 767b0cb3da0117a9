import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { ProviderContext } from '../../src/analysis/provider.ts';
import {
  instantQuery,
  prometheusProvider,
  rangeQuery,
  resultValue,
  type PrometheusMetric,
} from '../../src/analysis/providers/prometheus.ts';
import { providerTable } from '../../src/analysis/providers/index.ts';

const providers = providerTable();
import { runAnalysis } from '../../src/analysis/run.ts';

/** A tiny fake Prometheus: answers by query text, records what it was sent. */
const requests: Array<{ path: string; params: URLSearchParams; headers: IncomingMessage['headers'] }> = [];
const vector = (...values: string[]) => ({
  status: 'success',
  data: {
    resultType: 'vector',
    result: values.map((v, i) => ({ metric: { pod: `p${i}` }, value: [1700000000, v] })),
  },
});
const matrix = (...series: string[][]) => ({
  status: 'success',
  data: {
    resultType: 'matrix',
    result: series.map((values) => ({ metric: {}, values: values.map((v, i) => [1700000000 + i * 5, v]) })),
  },
});
const answers: Record<string, [number, unknown]> = {
  rate_ok: [200, vector('0.01')],
  rate_bad: [200, vector('0.2')],
  two_series: [200, vector('0.5', 'NaN')],
  nan: [200, vector('NaN')],
  inf: [200, vector('+Inf')],
  empty: [200, vector()],
  'errors_total / requests_total': [200, vector()],
  requests_total: [200, vector('12')],
  'errors_total / missing_total': [200, vector()],
  missing_total: [200, vector()],
  'scalar(1)': [200, { status: 'success', data: { resultType: 'scalar', result: [1700000000, '1.5'] } }],
  'bad query(': [
    400,
    { status: 'error', errorType: 'bad_data', error: '1:10: parse error: unclosed left parenthesis' },
  ],
  html: [502, '<html>Bad Gateway</html>'],
  'lat{version="v2"}': [200, matrix(['0.3', '0.31', 'NaN'], ['0.29'])],
  'lat{version="v1"}': [200, matrix(['0.1', '0.1', '0.11'])],
};

let server: Server;
let base: string;

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const params = new URLSearchParams(body);
      requests.push({ path: req.url ?? '', params, headers: req.headers });
      const [status, payload] = answers[params.get('query') ?? ''] ?? [
        422,
        { status: 'error', errorType: 'execution', error: 'no canned answer' },
      ];
      res.writeHead(status, {
        'content-type': typeof payload === 'string' ? 'text/html' : 'application/json',
      });
      res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const signal = () => new AbortController().signal;
const ctx = (prometheusUrl?: string): ProviderContext => ({
  template: { app: 'shop', namespace: 'prod', canaryVersion: 'v2', stableVersion: 'v1' },
  namespace: 'prod',
  cluster: {} as ProviderContext['cluster'],
  settings: prometheusUrl ? { prometheusUrl } : {},
});
function metric(fields: Partial<PrometheusMetric>): PrometheusMetric {
  return {
    name: 'error-rate',
    provider: 'prometheus',
    failureLimit: 0,
    inconclusiveLimit: 0,
    consecutiveErrorLimit: 4,
    dryRun: false,
    phase: 'pre-promotion',
    ...fields,
  } as PrometheusMetric;
}

describe('Prometheus client against a fake server', () => {
  it('POSTs the query form with a timeout and the configured headers', async () => {
    const data = await instantQuery(base, 'rate_ok', {
      signal: signal(),
      headers: { authorization: 'Bearer t' },
      timeoutMs: 5000,
    });
    assert.deepEqual(resultValue(data), [0.01]);
    const last = requests.at(-1)!;
    assert.equal(last.path, '/api/v1/query');
    assert.equal(last.params.get('timeout'), '5s');
    assert.equal(last.headers.authorization, 'Bearer t');
  });

  it('parses vectors (NaN, +Inf), scalars, empty results', async () => {
    const value = async (q: string) => resultValue(await instantQuery(base, q, { signal: signal() }));
    assert.deepEqual(await value('two_series'), [0.5, NaN]);
    assert.deepEqual(await value('nan'), [NaN]);
    assert.deepEqual(await value('inf'), [Infinity]);
    assert.equal(await value('empty'), null);
    assert.equal(await value('scalar(1)'), 1.5);
  });

  it('range queries send start, end and step and return the matrix', async () => {
    const data = await rangeQuery(
      base,
      'lat{version="v1"}',
      { start: new Date(1_000_000), end: new Date(1_300_000), stepMs: 5000 },
      { signal: signal() },
    );
    assert.equal(data.resultType, 'matrix');
    const last = requests.at(-1)!;
    assert.equal(last.path, '/api/v1/query_range');
    assert.equal(last.params.get('start'), '1000');
    assert.equal(last.params.get('end'), '1300');
    assert.equal(last.params.get('step'), '5s');
  });

  it('error envelopes and non-JSON answers throw with errorType and message', async () => {
    await assert.rejects(
      instantQuery(base, 'bad query(', { signal: signal() }),
      /Prometheus bad_data \(HTTP 400\): 1:10: parse error: unclosed left parenthesis/,
    );
    await assert.rejects(
      instantQuery(base, 'html', { signal: signal() }),
      /HTTP 502 without a JSON body: <html>Bad Gateway<\/html>/,
    );
  });
});

describe('prometheus provider', () => {
  it('renders the query template and measures', async () => {
    answers['rate{app="shop",version="v2"}'] = [200, vector('0.02')];
    const raw = await prometheusProvider.measure(
      metric({ query: 'rate{app="{{app}}",version="{{canary.version}}"}' }),
      ctx(base),
      signal(),
    );
    assert.deepEqual(raw, { result: [0.02], query: 'rate{app="shop",version="v2"}' });
  });

  it('compare: baseline runs one range query per side and pools the samples', async () => {
    const raw = await prometheusProvider.measure(
      metric({
        query: 'lat{version="{{canary.version}}"}',
        compare: {
          against: 'baseline',
          direction: 'increase',
          allowedChange: 0.2,
          minSamples: 3,
          alpha: 0.05,
          noData: 'inconclusive',
        },
      }),
      ctx(base),
      signal(),
    );
    assert.deepEqual(raw.result, { canary: [0.3, 0.31, NaN, 0.29], stable: [0.1, 0.1, 0.11] });
  });

  it('a threshold gate over the real HTTP path: Failed with the value quoted; empty → Inconclusive; NaN → Inconclusive', async () => {
    const run = (query: string) =>
      runAnalysis(
        { metrics: [metric({ query, threshold: { max: 0.05 } })] },
        { providers, ctx: ctx(base), signal: signal(), sleep: async () => {} },
      );
    const failed = await run('rate_bad');
    assert.equal(failed.phase, 'Failed');
    assert.equal(
      failed.reason,
      'error-rate (prometheus) measured 0.2 > max 0.05 in 1 of 1 measurement (failureLimit 0)',
    );
    assert.equal(failed.measurements[0]!.query, 'rate_bad');
    assert.equal((await run('rate_ok')).phase, 'Successful');
    assert.equal((await run('empty')).phase, 'Inconclusive');
    assert.equal((await run('nan')).phase, 'Inconclusive');
    const bad = await run('bad query(');
    assert.equal(bad.phase, 'Error');
    assert.match(
      bad.reason ?? '',
      /5 consecutive errors \(consecutiveErrorLimit 4\): Prometheus bad_data \(HTTP 400\)/,
    );
  });

  it('an empty ratio whose denominator has data says to write the numerator with `or vector(0)`', async () => {
    const run = (query: string) =>
      runAnalysis(
        { metrics: [metric({ query, threshold: { max: 0.05 } })] },
        { providers, ctx: ctx(base), signal: signal(), sleep: async () => {} },
      );
    const asked = requests.length;
    const empty = await run('errors_total / requests_total');
    assert.equal(empty.phase, 'Inconclusive', 'still no data: never a pass');
    assert.deepEqual(
      requests.slice(asked).map((r) => r.params.get('query')),
      ['errors_total / requests_total', 'requests_total'],
    );
    assert.match(
      empty.reason ?? '',
      /returned no data \(empty result\): numerator empty, denominator has data/,
    );
    assert.match(empty.reason ?? '', /`\(…\) or vector\(0\)`/);
    assert.match(empty.measurements[0]!.message ?? '', /^no data: numerator empty.*or vector\(0\)/);
    // Both sides empty (a wrong metric name, say): plain no data, no advice to paper over it.
    const both = await run('errors_total / missing_total');
    assert.equal(both.phase, 'Inconclusive');
    assert.doesNotMatch(both.reason ?? '', /vector\(0\)/);
    assert.equal(both.measurements[0]!.message, 'no data');
  });

  it('an unreachable Prometheus ends in Error after consecutiveErrorLimit, quoting the connection error', async () => {
    // A port that was free a moment ago: nothing listens, so the connection is refused. (Not port 9:
    // fetch refuses the "bad ports" of the Fetch standard before connecting.)
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const r = await runAnalysis(
      { metrics: [metric({ query: 'up', threshold: { max: 0.05 }, intervalMs: 30_000 })] },
      { providers, ctx: ctx(`http://127.0.0.1:${port}`), signal: signal(), sleep: async () => {} },
    );
    assert.equal(r.phase, 'Error');
    assert.equal(r.measurements.length, 5);
    assert.equal(r.measurements[0]!.query, 'up');
    assert.equal(
      r.reason,
      `error-rate (prometheus): 5 consecutive errors (consecutiveErrorLimit 4): Prometheus http://127.0.0.1:${port} unreachable: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });

  it('no address is an Error naming the fix', async () => {
    await assert.rejects(
      prometheusProvider.measure(metric({ query: 'up' }), ctx(), signal()),
      /set `address` on the metric or the prometheus-url input/,
    );
  });
});
