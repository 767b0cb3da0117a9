import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { ProviderContext } from '../../src/analysis/provider.ts';
import { providerTable } from '../../src/analysis/providers/index.ts';

const providers = providerTable();
import { webProvider, type WebMetric } from '../../src/analysis/providers/web.ts';
import { runAnalysis } from '../../src/analysis/run.ts';
import { Redactor } from '../../src/secrets/redactor.ts';
import { credentialValues } from '../../src/analysis/credential-fields.ts';

let server: Server;
let base: string;
const seen: Array<{ method: string; url: string; body: string; auth?: string }> = [];

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        body,
        ...(req.headers.authorization ? { auth: req.headers.authorization } : {}),
      });
      if (req.url === '/hang') return; // never answers: the timeout must end it
      if (req.url === '/down') {
        res.writeHead(503, { 'content-type': 'text/plain' });
        return res.end('maintenance');
      }
      if (req.url === '/text') return res.end('all good');
      const echo = req.url?.match(/^\/echo\/(\d+)\/(\d+)$/);
      if (echo) {
        // The caller's Authorization header quoted back after `pad` characters, as a debug page would.
        res.writeHead(Number(echo[2]), { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ pad: 'x'.repeat(Number(echo[1])), auth: req.headers.authorization }));
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          app: req.url,
          checks: { errorRate: 0.2, healthy: true },
          items: [{ ok: true }, { ok: false }],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const ctx: ProviderContext = {
  template: { app: 'shop', namespace: 'prod', canaryVersion: 'v2', stableVersion: 'v1' },
  namespace: 'prod',
  cluster: {} as ProviderContext['cluster'],
  settings: {},
};
const signal = () => new AbortController().signal;
function metric(fields: Partial<WebMetric>): WebMetric {
  return {
    name: 'smoke',
    provider: 'web',
    failureLimit: 0,
    inconclusiveLimit: 0,
    consecutiveErrorLimit: 0,
    dryRun: false,
    phase: 'pre-promotion',
    ...fields,
  } as WebMetric;
}
const run = (m: WebMetric) =>
  runAnalysis({ metrics: [m] }, { providers, ctx, signal: signal(), sleep: async () => {} });

describe('web provider', () => {
  it('reads the value at a JSON path, with a templated url, method, headers and body', async () => {
    const raw = await webProvider.measure(
      metric({
        url: `${base}/{{app}}/{{canary.version}}`,
        method: 'put',
        headers: { authorization: 'Bearer x' },
        body: '{"v":"{{canary.version}}"}',
        jsonPath: '$.checks.errorRate',
      }),
      ctx,
      signal(),
    );
    assert.deepEqual(raw, { result: 0.2, query: `PUT ${base}/shop/v2` });
    assert.deepEqual(seen.at(-1), { method: 'PUT', url: '/shop/v2', body: '{"v":"v2"}', auth: 'Bearer x' });
  });

  it('judges the JSON value with a threshold or CEL', async () => {
    const failed = await run(
      metric({ url: `${base}/x`, jsonPath: '$.checks.errorRate', threshold: { max: 0.05 } }),
    );
    assert.equal(failed.phase, 'Failed');
    assert.equal(failed.reason, 'smoke (web) measured 0.2 > max 0.05 in 1 of 1 measurement (failureLimit 0)');
    assert.equal(
      (
        await run(
          metric({ url: `${base}/x`, jsonPath: '$.checks.healthy', successCondition: 'result == true' }),
        )
      ).phase,
      'Successful',
    );
    assert.equal(
      (
        await run(
          metric({ url: `${base}/x`, jsonPath: '$.items[*].ok', successCondition: 'result.all(x, x)' }),
        )
      ).phase,
      'Failed',
    );
  });

  it('a JSON path that matches nothing is no data', async () => {
    const r = await run(metric({ url: `${base}/x`, jsonPath: '$.missing', threshold: { max: 1 } }));
    assert.equal(r.phase, 'Inconclusive');
  });

  it('without conditions the status decides', async () => {
    assert.equal((await run(metric({ url: `${base}/ok` }))).phase, 'Successful');
    const down = await run(metric({ url: `${base}/down` }));
    assert.equal(down.phase, 'Failed');
    assert.equal(
      down.reason,
      `smoke (web) GET ${base}/down answered HTTP 503: maintenance in 1 of 1 measurement (failureLimit 0)`,
    );
  });

  it('without a JSON path, CEL sees {status, body}', async () => {
    assert.equal(
      (
        await run(
          metric({
            url: `${base}/down`,
            successCondition: 'result.status == 503 && result.body == "maintenance"',
          }),
        )
      ).phase,
      'Successful',
    );
    assert.equal(
      (await run(metric({ url: `${base}/ok`, successCondition: 'result.body.checks.healthy' }))).phase,
      'Successful',
    );
    assert.equal(
      (await run(metric({ url: `${base}/text`, successCondition: 'result.body.contains("good")' }))).phase,
      'Successful',
    );
  });

  it('a non-2xx answer with a JSON path, and a timeout, are measurement errors', async () => {
    const down = await run(metric({ url: `${base}/down`, jsonPath: '$.x', threshold: { max: 1 } }));
    assert.equal(down.phase, 'Error');
    assert.match(down.reason ?? '', /GET .*\/down answered HTTP 503: maintenance$/);
    const hang = await run(metric({ url: `${base}/hang`, timeoutMs: 200 }));
    assert.equal(hang.phase, 'Error');
    assert.match(hang.reason ?? '', /GET .*\/hang failed: timed out after 0\.2 s$/);
  });

  it('a token the answer quotes is redacted before the answer is cut, wherever the cut falls', async () => {
    const token = 'tk9Q-0123456789-abcdefghij-klmnopqrst';
    const headers = { authorization: `Bearer ${token}` };
    const redactor = new Redactor();
    redactor.add(credentialValues({ headers }));
    const redacting = { ...ctx, redact: (text: string) => redactor.redact(text) };
    const texts: string[] = [];
    for (let pad = 40; pad <= 200; pad += 3) {
      for (const [status, fields] of [
        [503, {}], // message: the answer cut to 120
        [503, { jsonPath: '$.pad', threshold: { max: 1 } }], // error: the answer cut to 200
        [200, { successCondition: 'result.status == 201' }], // measured {status, body}, cut to 120
        [200, { jsonPath: '$.auth', successCondition: 'result == "x"' }], // the value itself
      ] as const) {
        const result = await runAnalysis(
          { metrics: [metric({ url: `${base}/echo/${pad}/${status}`, headers, ...fields })] },
          { providers, ctx: redacting, signal: signal(), sleep: async () => {} },
        );
        texts.push(JSON.stringify(result));
      }
    }
    const leaks = texts.filter((t) => t.includes(token.slice(0, 4)));
    assert.deepEqual(leaks, [], 'no piece of the token in any message, value or reason');
    assert.ok(
      texts.some((t) => t.includes('\\"auth\\":\\"***')),
      'the answers were quoted, redacted',
    );
  });

  it('a URL with user:password@ is measured with them as Basic auth and shown without them', async () => {
    const url = `${base.replace('http://', 'http://reader:p%40ss-w0rd@')}/x`;
    const raw = await webProvider.measure(metric({ url, jsonPath: '$.checks.errorRate' }), ctx, signal());
    assert.equal(raw.result, 0.2);
    assert.equal(raw.query, `GET ${base.replace('http://', 'http://***@')}/x`);
    assert.deepEqual(seen.at(-1), {
      method: 'GET',
      url: '/x',
      body: '',
      auth: `Basic ${Buffer.from('reader:p@ss-w0rd').toString('base64')}`,
    });
    // A metric that sets its own Authorization keeps it.
    await webProvider.measure(
      metric({ url, headers: { Authorization: 'Bearer own' }, jsonPath: '$.checks.errorRate' }),
      ctx,
      signal(),
    );
    assert.equal(seen.at(-1)?.auth, 'Bearer own');
  });
});
