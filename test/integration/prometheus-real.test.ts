// The analysis layer against a real Prometheus (Debian package) scraping the simulated traffic:
// a canary answering 20 % errors fails a 5 % threshold with the measured value quoted, a healthy
// stable passes, and `compare: baseline` catches a canary three times slower than stable.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProviderContext } from '../../src/analysis/provider.ts';
import { providerTable } from '../../src/analysis/providers/index.ts';

const providers = providerTable();
import { runAnalysis } from '../../src/analysis/run.ts';
import type { TemplateContext } from '../../src/analysis/types.ts';
import type { PrometheusMetric } from '../../src/analysis/providers/prometheus.ts';
import { serveMetrics, startPrometheus, type RunningPrometheus } from '@kube-rollout/kube-sim/prometheus';
import {
  createStore,
  startTraffic,
  type SimClock,
  type SimStore,
  type SimTraffic,
} from '@kube-rollout/kube-sim';

const clock: SimClock = { scale: 0.1, ms: (s) => s * 100, now: () => Date.now() };

function addPod(store: SimStore, name: string, version: string, env: Record<string, string>): void {
  const pod = store.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop', labels: { app: 'web', version } },
    spec: {
      containers: [
        {
          name: 'app',
          image: `web:${version}`,
          env: Object.entries(env).map(([n, value]) => ({ name: n, value })),
        },
      ],
    },
  });
  store.update(
    { ...pod, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } },
    { subresource: 'status' },
  );
}

function metric(fields: Partial<PrometheusMetric> & { name: string }): PrometheusMetric {
  return {
    provider: 'prometheus',
    failureLimit: 0,
    inconclusiveLimit: 0,
    consecutiveErrorLimit: 4,
    dryRun: false,
    phase: 'pre-promotion',
    ...fields,
  } as PrometheusMetric;
}

// Zero-error versions have no 5xx series at all: `or vector(0)` makes that a 0, not "no data".
const errorRate =
  '(sum(rate(http_requests_total{app="{{app}}",version="{{canary.version}}",code=~"5.."}[10s])) or vector(0))' +
  ' / sum(rate(http_requests_total{app="{{app}}",version="{{canary.version}}"}[10s]))';

describe('analysis against a real Prometheus', () => {
  let traffic: SimTraffic;
  let metrics: Awaited<ReturnType<typeof serveMetrics>> | undefined;
  let prometheus: RunningPrometheus | undefined;

  before(async () => {
    const store = createStore();
    store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    addPod(store, 'web-v1-a', 'v1', { SIM_LATENCY_MS: '20' });
    addPod(store, 'web-v2-a', 'v2', { SIM_ERROR_RATE: '0.2', SIM_LATENCY_MS: '60' });
    addPod(store, 'web-v3-a', 'v3', { SIM_LATENCY_MS: '20' });
    store.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
    });
    traffic = startTraffic(store, clock, { rps: 300 });
    const served = await serveMetrics(() => traffic.metricsText());
    metrics = served;
    prometheus = await startPrometheus({ targets: [served.target], scrapeIntervalMs: 1000 });
    await prometheus.waitForSamples('http_requests_total{app="web"}');
    await sleep(12_000); // enough scrapes for rate() windows and a range of samples
  });

  after(async () => {
    await prometheus?.stop();
    traffic?.stop();
    await metrics?.close();
  });

  const run = (metrics: PrometheusMetric[], canaryVersion: string, stableVersion = 'v1') => {
    const template: TemplateContext = { app: 'web', namespace: 'shop', canaryVersion, stableVersion };
    const ctx: ProviderContext = {
      template,
      namespace: 'shop',
      settings: { prometheusUrl: prometheus!.url },
      cluster: {} as ProviderContext['cluster'],
    };
    return runAnalysis({ metrics }, { providers, ctx, signal: new AbortController().signal });
  };

  it('a canary answering 20 % errors fails a 5 % threshold, quoting the value', async (t) => {
    const r = await run([metric({ name: 'error-rate', query: errorRate, threshold: { max: 0.05 } })], 'v2');
    t.diagnostic(r.reason ?? '');
    assert.equal(r.phase, 'Failed', r.reason);
    assert.match(
      r.reason ?? '',
      /^error-rate \(prometheus\) measured 0\.\d+ > max 0\.05 in 1 of 1 measurement \(failureLimit 0\)$/,
    );
    const value = r.measurements[0]!.value as number;
    assert.ok(value > 0.12 && value < 0.28, `measured ${value}`);
    assert.match(r.measurements[0]!.query ?? '', /version="v2"/);
  });

  it('the same gate passes a version without errors', async (t) => {
    const r = await run([metric({ name: 'error-rate', query: errorRate, threshold: { max: 0.05 } })], 'v3');
    t.diagnostic(r.reason ?? '');
    assert.equal(r.phase, 'Successful', r.reason);
    assert.equal(r.measurements[0]!.value, 0);
  });

  const latency =
    'histogram_quantile(0.5, sum(rate(http_request_duration_seconds_bucket{app="web",version="{{canary.version}}"}[5s])) by (le))';
  const compareMetric = metric({
    name: 'latency',
    query: latency,
    compare: {
      against: 'baseline',
      direction: 'increase',
      allowedChange: 0.2,
      minSamples: 5,
      alpha: 0.05,
      noData: 'inconclusive',
      windowMs: 10_000,
      stepMs: 1000,
    },
  });

  it('compare: baseline fails a canary three times slower, with medians and p-value', async (t) => {
    const r = await run([compareMetric], 'v2');
    t.diagnostic(r.reason ?? '');
    assert.equal(r.phase, 'Failed', r.reason);
    const c = r.measurements[0]!.comparison!;
    assert.ok(c.canaryMedian > 2 * c.stableMedian, JSON.stringify(c));
    assert.ok(c.pValue < 0.05, JSON.stringify(c));
    assert.match(
      r.reason ?? '',
      /^latency \(prometheus\) measured canary median [\d.]+ vs stable median [\d.]+ \(\+\d+%, U=[\d.]+, p=/,
    );
  });

  it('compare: baseline passes equal latency', async (t) => {
    const r = await run([compareMetric], 'v3');
    t.diagnostic(r.reason ?? '');
    assert.equal(r.phase, 'Successful', r.reason);
    assert.ok(r.measurements[0]!.comparison!.canarySamples >= 5);
  });
});
