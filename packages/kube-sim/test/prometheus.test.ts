// A real Prometheus scrapes the traffic model's metrics; per-version error-rate queries must
// return the error rate the pods were configured with.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SimClock, SimStore } from '../src/types.ts';
import { createStore } from '../src/store.ts';
import { startTraffic, type SimTraffic } from '../src/traffic.ts';
import {
  serveMetrics,
  startPrometheus,
  type PromQueryData,
  type RunningPrometheus,
} from '../src/prometheus.ts';

const clock: SimClock = { scale: 0.1, ms: (s) => s * 100, now: () => Date.now() };
const ERROR_RATE = 0.3;

function addPod(store: SimStore, name: string, version: string, errorRate: number): void {
  const pod = store.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: 'web', version } },
    spec: {
      containers: [
        { name: 'app', image: `web:${version}`, env: [{ name: 'SIM_ERROR_RATE', value: String(errorRate) }] },
      ],
    },
  });
  store.update(
    { ...pod, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } },
    { subresource: 'status' },
  );
}

/** The single value of an instant-vector answer, or undefined for an empty vector. */
function value(data: PromQueryData): number | undefined {
  assert.equal(data.resultType, 'vector');
  if (data.result.length === 0) return undefined;
  assert.equal(data.result.length, 1);
  return Number(data.result[0].value![1]);
}

describe('Prometheus scraping the simulated traffic', () => {
  let traffic: SimTraffic;
  let metrics: Awaited<ReturnType<typeof serveMetrics>> | undefined;
  let prometheus: RunningPrometheus | undefined;

  before(async () => {
    const store = createStore();
    addPod(store, 'web-v1-a', 'v1', 0);
    addPod(store, 'web-v1-b', 'v1', 0);
    addPod(store, 'web-v2-a', 'v2', ERROR_RATE);
    addPod(store, 'web-v2-b', 'v2', ERROR_RATE);
    store.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
    });
    traffic = startTraffic(store, clock, { rps: 400 });
    const served = await serveMetrics(() => traffic.metricsText());
    metrics = served;
    prometheus = await startPrometheus({ targets: [served.target], scrapeIntervalMs: 1000 });
  });

  after(async () => {
    await prometheus?.stop();
    traffic?.stop();
    await metrics?.close();
  });

  it('answers the per-version error rate the pods were configured with', async () => {
    const prom = prometheus!;
    await prom.waitForSamples('http_requests_total{app="web"}');
    const errorRate = (version: string) =>
      `sum(rate(http_requests_total{app="web",version="${version}",code=~"5.."}[10s])) / sum(rate(http_requests_total{app="web",version="${version}"}[10s]))`;
    // Let several scrapes land so rate() has a window to work with.
    await sleep(8000);

    const v2 = value(await prom.query(errorRate('v2')));
    assert.ok(v2 !== undefined && Math.abs(v2 - ERROR_RATE) <= 0.05, `v2 error rate ${v2}`);

    // v1 never failed: no 5xx series at all, so the plain ratio is an empty vector and the
    // `or vector(0)` form (what a metric template would use) is 0.
    assert.equal(value(await prom.query(errorRate('v1'))), undefined);
    const v1 = value(
      await prom.query(
        `(sum(rate(http_requests_total{app="web",version="v1",code=~"5.."}[10s])) or vector(0)) / sum(rate(http_requests_total{app="web",version="v1"}[10s]))`,
      ),
    );
    assert.equal(v1, 0);

    // Latency histogram: p50 around the default 20 ms (bucket interpolation between 10 and 25 ms).
    const p50 = value(
      await prom.query(
        `histogram_quantile(0.5, sum(rate(http_request_duration_seconds_bucket{app="web"}[10s])) by (le))`,
      ),
    );
    assert.ok(p50 !== undefined && p50 > 0.01 && p50 < 0.025, `p50 ${p50}`);
  });

  it('reports a failing query as an error', async () => {
    await assert.rejects(prometheus!.query('sum(rate(http_requests_total[10s]'), /bad_data/);
  });
});
