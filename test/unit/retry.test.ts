import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { createCluster } from '../../src/kube/cluster.ts';
import { KubeApiError } from '../../src/kube/types.ts';
import { valueAt } from '../../src/plain-values.ts';
import {
  isRetryable,
  parseRetryAfter,
  retryAfterMsOf,
  withRetry,
  type RetryInfo,
} from '../../src/kube/retry.ts';

describe('retry classification', () => {
  test('429 and 5xx are retryable, other 4xx are not', () => {
    for (const code of [429, 500, 502, 503, 504])
      assert.equal(isRetryable(new KubeApiError(code, 'x')), true, String(code));
    for (const code of [400, 401, 403, 404, 409, 410, 422])
      assert.equal(isRetryable(new KubeApiError(code, 'x')), false, String(code));
  });

  test("server-side apply's schema rejection (a 500) is an answer, not retried", () => {
    const message =
      'failed to create typed patch object (shop/web; apps/v1, Kind=Deployment): .spec.replicas: expected numeric (int or float), got string';
    assert.equal(isRetryable(new KubeApiError(500, message, undefined, { message, code: 500 })), false);
    assert.equal(isRetryable(new KubeApiError(500, 'etcdserver: request timed out')), true);
  });

  test('connection errors are retryable, other errors are not', () => {
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE']) {
      assert.equal(isRetryable(Object.assign(new Error('boom'), { code })), true, code);
    }
    assert.equal(isRetryable(new Error('socket hang up')), true);
    assert.equal(
      isRetryable(
        new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) }),
      ),
      true,
    );
    assert.equal(isRetryable(new Error('unexpected token in JSON')), false);
    assert.equal(isRetryable(Object.assign(new Error('nope'), { code: 'ENOENT' })), false);
    assert.equal(isRetryable(undefined), false);
  });

  test('Retry-After in seconds or as a date, and from a Status body', () => {
    assert.equal(parseRetryAfter('2'), 2000);
    assert.equal(parseRetryAfter(' 0 '), 0);
    assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 7_000), 3000);
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter(undefined), undefined);
    const err = new KubeApiError(429, 'slow down', 'TooManyRequests', { details: { retryAfterSeconds: 3 } });
    assert.equal(retryAfterMsOf(err), 3000);
  });

  test('withRetry stops at once on a non-retryable error and gives up after `retries`', async () => {
    let calls = 0;
    await assert.rejects(
      withRetry(
        async () => {
          calls++;
          throw new KubeApiError(422, 'invalid');
        },
        { retries: 3, minDelayMs: 1 },
      ),
      (err: unknown) => err instanceof KubeApiError && err.code === 422,
    );
    assert.equal(calls, 1);
    calls = 0;
    await assert.rejects(
      withRetry(
        async () => {
          calls++;
          throw new KubeApiError(503, 'unavailable');
        },
        { retries: 2, minDelayMs: 1 },
      ),
      (err: unknown) => err instanceof KubeApiError && err.code === 503,
    );
    assert.equal(calls, 3);
  });
});

/** Discovery as a server without aggregated discovery answers it: ConfigMaps only. */
const DISCOVERY: Record<string, object> = {
  '/api': { kind: 'APIVersions', versions: ['v1'] },
  '/apis': { kind: 'APIGroupList', apiVersion: 'v1', groups: [] },
  '/api/v1': {
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: [{ name: 'configmaps', kind: 'ConfigMap', namespaced: true, verbs: ['get'] }],
  },
};

/** A tiny API server: discovery for ConfigMaps plus a scripted answer per request to one object. */
function startScriptedServer() {
  const script: ((req: http.IncomingMessage, res: http.ServerResponse) => void)[] = [];
  const hits: string[] = [];
  const auth: (string | undefined)[] = [];
  const server = http.createServer((req, res) => {
    const discovery = DISCOVERY[req.url ?? ''];
    if (discovery) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(discovery));
      return;
    }
    hits.push(`${req.method} ${req.url}`);
    auth.push(req.headers.authorization);
    const step = script.shift() ?? ((_q, r) => status(r, 500, 'InternalError', 'script exhausted'));
    req.resume();
    req.on('end', () => step(req, res));
  });
  return { server, script, hits, auth };
}

function status(
  res: http.ServerResponse,
  code: number,
  reason: string,
  message: string,
  headers: Record<string, string> = {},
) {
  res.writeHead(code, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code }));
}

const configMap = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name: 'web',
    namespace: 'default',
    resourceVersion: '7',
    creationTimestamp: '2026-11-21T22:00:00Z',
  },
  data: { a: 'b' },
};
const ok = (_req: http.IncomingMessage, res: http.ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(configMap));
};
const reset = (req: http.IncomingMessage) => req.socket.destroy();

describe('retries through the Cluster', () => {
  const fake = startScriptedServer();
  let kc: KubeConfig;

  before(async () => {
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    const { port } = fake.server.address() as AddressInfo;
    kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: 'u', token: 'secret-token' }],
      contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
      currentContext: 'ctx',
    });
  });
  after(async () => {
    fake.server.closeAllConnections();
    await new Promise((resolve) => fake.server.close(resolve));
  });

  const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'web', namespace: 'default' };

  test('429 (Retry-After honoured), 500, 503 and a reset connection are retried until 200', async () => {
    fake.hits.length = 0;
    fake.script.push(
      (_q, r) => status(r, 429, 'TooManyRequests', 'slow down', { 'retry-after': '1' }),
      (_q, r) => status(r, 500, 'InternalError', 'oops'),
      (_q, r) => status(r, 503, 'ServiceUnavailable', 'later'),
      reset,
      ok,
    );
    const retries: RetryInfo[] = [];
    const cluster = createCluster(kc, {
      retries: 5,
      minRetryDelayMs: 1,
      onRetry: (info) => retries.push(info),
    });
    const got = await cluster.get(ref);
    assert.deepEqual(got, configMap);
    assert.equal(typeof got?.metadata.creationTimestamp, 'string');
    assert.equal(fake.hits.length, 5);
    assert.deepEqual(
      retries.map((r) => r.attempt),
      [1, 2, 3, 4],
    );
    assert.equal(retries[0].delayMs, 1000, 'waits as long as Retry-After asks');
    assert.ok(retries[1].delayMs < 1000);
    assert.match(retries[0].operation ?? '', /^GET \/api\/v1\/namespaces\/default\/configmaps\/web$/);
    assert.equal(fake.script.length, 0);
  });

  test('404 on get is answered at once with undefined', async () => {
    fake.hits.length = 0;
    fake.script.push((_q, r) => status(r, 404, 'NotFound', 'configmaps "web" not found'));
    const cluster = createCluster(kc, { retries: 5, minRetryDelayMs: 1 });
    assert.equal(await cluster.get(ref), undefined);
    assert.equal(fake.hits.length, 1);
    assert.equal(fake.auth.at(-1), 'Bearer secret-token', 'the kubeconfig token is sent');
  });

  test('409 and 422 are not retried and surface as KubeApiError with the Status', async () => {
    const cluster = createCluster(kc, { retries: 5, minRetryDelayMs: 1 });
    fake.hits.length = 0;
    fake.script.push((_q, r) => status(r, 409, 'Conflict', 'the object has been modified'));
    await assert.rejects(cluster.replace(configMap), (err: unknown) => {
      assert.ok(err instanceof KubeApiError);
      assert.equal(err.code, 409);
      assert.equal(err.reason, 'Conflict');
      assert.equal(valueAt(err.status, ['message']), 'the object has been modified');
      return true;
    });
    assert.deepEqual(fake.hits, ['PUT /api/v1/namespaces/default/configmaps/web?fieldManager=kube-rollout']);
    fake.hits.length = 0;
    fake.script.push((_q, r) => status(r, 422, 'Invalid', 'bad'));
    await assert.rejects(
      cluster.create(configMap),
      (err: unknown) => err instanceof KubeApiError && err.code === 422,
    );
    assert.equal(fake.hits.length, 1);
  });

  test('gives up after the configured retries with the last error', async () => {
    fake.hits.length = 0;
    for (let i = 0; i < 3; i++) fake.script.push((_q, r) => status(r, 503, 'ServiceUnavailable', 'down'));
    const cluster = createCluster(kc, { retries: 2, minRetryDelayMs: 1 });
    await assert.rejects(cluster.get(ref), (err: unknown) => err instanceof KubeApiError && err.code === 503);
    assert.equal(fake.hits.length, 3);
  });
});
