import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeObject, SimClock, SimStore } from '../src/types.ts';
import { createStore } from '../src/store.ts';
import { startTraffic, type SimTraffic, type VersionCounts } from '../src/traffic.ts';
import { podServes } from '../src/traffic/pods.ts';

const clock: SimClock = { scale: 0.1, ms: (s) => s * 100, now: () => Date.now() };
const running: SimTraffic[] = [];
after(() => running.forEach((t) => t.stop()));

function traffic(store: SimStore, opts: Parameters<typeof startTraffic>[2] = {}): SimTraffic {
  const t = startTraffic(store, clock, opts);
  running.push(t);
  return t;
}

interface PodSpec {
  name: string;
  version: string;
  app?: string;
  ready?: boolean;
  env?: Record<string, string>;
}

/** Creates a pod and sets its status the way the kubelet would. */
function addPod(store: SimStore, spec: PodSpec): KubeObject {
  const created = store.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: spec.name,
      namespace: 'default',
      labels: { app: spec.app ?? 'web', version: spec.version },
    },
    spec: {
      containers: [
        {
          name: 'app',
          image: `web:${spec.version}`,
          env: Object.entries(spec.env ?? {}).map(([name, value]) => ({ name, value })),
        },
      ],
    },
  });
  const ready = spec.ready ?? true;
  return store.update(
    {
      ...created,
      status: {
        phase: 'Running',
        podIP: '10.0.0.1',
        conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      },
    },
    { subresource: 'status' },
  );
}

function addService(store: SimStore, name: string, selector: Record<string, string>): KubeObject {
  return store.create({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: { selector, ports: [{ port: 80, targetPort: 8080 }] },
  });
}

function addIngress(
  store: SimStore,
  name: string,
  service: string,
  annotations: Record<string, string> = {},
): KubeObject {
  return store.create({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: 'default', annotations },
    spec: {
      rules: [
        {
          host: 'web.example.com',
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: service, port: { number: 80 } } },
              },
            ],
          },
        },
      ],
    },
  });
}

function share(counts: Record<string, VersionCounts>, version: string): number {
  const total = Object.values(counts).reduce((sum, c) => sum + c.requests, 0);
  return total === 0 ? Number.NaN : (counts[version]?.requests ?? 0) / total;
}

/** Two stable (v1) pods, one canary (v2) pod and a Service per version. */
function twoVersions(store: SimStore, v2Env: Record<string, string> = {}): void {
  addPod(store, { name: 'web-v1-a', version: 'v1' });
  addPod(store, { name: 'web-v1-b', version: 'v1' });
  addPod(store, { name: 'web-v2-a', version: 'v2', env: v2Env });
  addService(store, 'web-stable', { app: 'web', version: 'v1' });
  addService(store, 'web-canary', { app: 'web', version: 'v2' });
}

describe('traffic model', () => {
  it('moves all traffic of a Service to v2 once its selector flips', async () => {
    const store = createStore();
    addPod(store, { name: 'web-v1-a', version: 'v1' });
    addPod(store, { name: 'web-v2-a', version: 'v2' });
    const service = addService(store, 'web', { app: 'web', version: 'v1' });
    const t = traffic(store, { rps: 200, tickMs: 50, sampleMs: 100 });
    await sleep(600);
    const before = t.counts({ entry: 'service/default/web' });
    assert.ok(before.v1?.requests > 50, `v1 got traffic before the flip: ${JSON.stringify(before)}`);
    assert.equal(before.v2, undefined);

    store.update({
      ...service,
      metadata: { ...service.metadata, resourceVersion: undefined },
      spec: { ...service.spec, selector: { app: 'web', version: 'v2' } },
    });
    const flippedAt = clock.now();
    // Figure, not an assertion: how long until the first request lands on v2.
    while (!t.counts({ entry: 'service/default/web', since: flippedAt }).v2 && clock.now() - flippedAt < 2000)
      await sleep(5);
    console.log(`selector flip: first v2 request ${clock.now() - flippedAt} ms after the flip`);
    await sleep(Math.max(0, flippedAt + 1200 - clock.now()));

    const afterSecond = t.counts({ entry: 'service/default/web', since: flippedAt + 1000 });
    assert.ok(afterSecond.v2?.requests > 10, `v2 got traffic: ${JSON.stringify(afterSecond)}`);
    assert.equal(
      share(afterSecond, 'v2'),
      1,
      `all traffic on v2 one second after the flip: ${JSON.stringify(afterSecond)}`,
    );
  });

  it('sends 10% through an ingress-nginx canary with canary-weight 10', async () => {
    const store = createStore();
    twoVersions(store);
    addIngress(store, 'web', 'web-stable');
    addIngress(store, 'web-canary', 'web-canary', {
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-weight': '10',
    });
    const t = traffic(store, { rps: 500, tickMs: 50 });
    const entries = t.entries();
    assert.ok(entries.includes('ingress/default/web/web.example.com/'), entries.join(', '));
    assert.ok(
      !entries.some((e) => e.startsWith('ingress/default/web-canary')),
      'a canary Ingress is no entry point of its own',
    );
    assert.ok(
      entries.includes('service/default/web-canary'),
      'a routed-to Service is still its own entry point',
    );

    // Deterministic count through sendRequest.
    const start = clock.now();
    const results = Array.from({ length: 5000 }, () => t.sendRequest('ingress/default/web'));
    const canaryShare = results.filter((r) => r.version === 'v2').length / results.length;
    assert.ok(Math.abs(canaryShare - 0.1) <= 0.03, `canary share ${canaryShare}`);
    assert.ok(results.every((r) => (r.version === 'v2') === (r.canary === 'web-canary')));

    // Generated load converges to the same share.
    await sleep(2500);
    const generated = t.counts({ entry: 'ingress/default/web', since: clock.now() - 2400 });
    const total = (generated.v1?.requests ?? 0) + (generated.v2?.requests ?? 0);
    assert.ok(total > 500, `enough generated requests: ${total}`);
    assert.ok(
      Math.abs(share(generated, 'v2') - 0.1) <= 0.03,
      `generated canary share ${share(generated, 'v2')}`,
    );
    assert.ok(t.counts({ since: start }).v2.requests > 0);

    const text = t.metricsText();
    assert.match(
      text,
      /^nginx_ingress_controller_requests\{namespace="default",ingress="web",service="web-canary",status="200",canary="web-canary"\} \d+$/m,
    );
    assert.match(
      text,
      /^nginx_ingress_controller_requests\{namespace="default",ingress="web",service="web-stable",status="200",canary=""\} \d+$/m,
    );
  });

  it('routes marked traffic by header: canary-by-header always', async () => {
    const store = createStore();
    twoVersions(store);
    addIngress(store, 'web', 'web-stable');
    addIngress(store, 'web-canary', 'web-canary', {
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-by-header': 'X-Canary',
      'nginx.ingress.kubernetes.io/canary-weight': '0',
    });
    const t = traffic(store, {
      rps: 400,
      tickMs: 50,
      markedTraffic: { share: 0.3, headers: { 'X-Canary': 'always' } },
    });
    assert.equal(t.sendRequest('ingress/default/web', { headers: { 'x-canary': 'always' } }).version, 'v2');
    assert.equal(t.sendRequest('ingress/default/web', { headers: { 'x-canary': 'never' } }).version, 'v1');
    const since = clock.now();
    await sleep(2000);
    const counts = t.counts({ entry: 'ingress/default/web', since });
    assert.ok(Math.abs(share(counts, 'v2') - 0.3) <= 0.06, `marked share ${share(counts, 'v2')}`);
  });

  it('answers 503 with version "none" when no endpoint is ready', () => {
    const store = createStore();
    addPod(store, { name: 'web-v1-a', version: 'v1', ready: false });
    addService(store, 'web', { app: 'web' });
    const t = traffic(store, { rps: 0 });
    const result = t.sendRequest('service/default/web');
    assert.equal(result.code, 503);
    assert.equal(result.version, 'none');
    assert.equal(result.pod, '');
    assert.deepEqual(t.counts({ entry: 'service/default/web' }).none, {
      requests: 1,
      errors: 1,
      codes: { 503: 1 },
    });
    assert.match(
      t.metricsText(),
      /^http_requests_total\{namespace="default",app="web",version="none",pod="",code="503"\} 1$/m,
    );

    // Once the pod turns Ready it serves.
    const pod = store.get('v1', 'Pod', 'default', 'web-v1-a')!;
    store.update(
      { ...pod, status: { ...pod.status, conditions: [{ type: 'Ready', status: 'True' }] } },
      { subresource: 'status' },
    );
    assert.equal(t.sendRequest('service/default/web').code, 200);
  });

  it('does not send traffic to terminating pods', () => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', deletionTimestamp: '2026-01-01T00:00:00Z' },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    };
    assert.equal(podServes(pod), false);
    assert.equal(podServes({ ...pod, metadata: { name: 'p' } }), true);
  });

  it('answers about SIM_ERROR_RATE of requests with 500 and honours SIM_LATENCY_MS', () => {
    const store = createStore();
    addPod(store, { name: 'web-v2-a', version: 'v2', env: { SIM_ERROR_RATE: '0.2', SIM_LATENCY_MS: '200' } });
    addPod(store, { name: 'web-v2-b', version: 'v2', env: { SIM_ERROR_RATE: '0.2', SIM_LATENCY_MS: '200' } });
    addService(store, 'web', { app: 'web' });
    const t = traffic(store, { rps: 0 });
    const results = Array.from({ length: 4000 }, () => t.sendRequest('service/default/web'));
    const errorShare = results.filter((r) => r.code === 500).length / results.length;
    assert.ok(Math.abs(errorShare - 0.2) <= 0.03, `error share ${errorShare}`);
    const counts = t.counts({ app: 'web' }).v2;
    assert.equal(counts.requests, 4000);
    assert.equal(counts.errors, results.filter((r) => r.code === 500).length);
    const latencies = results.map((r) => r.latencyMs).sort((a, b) => a - b);
    const median = latencies[latencies.length / 2];
    assert.ok(median > 170 && median < 230, `median latency ${median}`);
  });

  it('records pods and traffic in the timeline', async () => {
    const store = createStore();
    twoVersions(store);
    addPod(store, { name: 'web-v2-b', version: 'v2', ready: false });
    const t = traffic(store, { rps: 100, tickMs: 50, sampleMs: 100 });
    await sleep(500);
    const samples = t.timeline();
    assert.ok(samples.length >= 3, `samples: ${samples.length}`);
    const last = samples[samples.length - 1];
    const v2 = last.pods.find((p) => p.app === 'web' && p.version === 'v2');
    assert.deepEqual(v2, {
      namespace: 'default',
      app: 'web',
      version: 'v2',
      total: 2,
      ready: 1,
      phase: { Running: 2 },
    });
    const served = samples.flatMap((s) => s.traffic).filter((x) => x.entry === 'service/default/web-canary');
    assert.ok(served.length > 0 && served.every((x) => x.version === 'v2' && x.errors === 0));
  });
});

describe('entry points from routing objects in the store', () => {
  function sharesThrough(t: SimTraffic, entry: string, n = 4000): Record<string, number> {
    const out: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      const version = t.sendRequest(entry).version;
      out[version] = (out[version] ?? 0) + 1 / n;
    }
    return out;
  }

  it('HTTPRoute weights, Istio subsets and SMI TrafficSplit split traffic as configured', () => {
    const store = createStore();
    twoVersions(store);
    addService(store, 'web', { app: 'web' });
    store.create({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        rules: [
          {
            backendRefs: [
              { name: 'web-stable', port: 80, weight: 75 },
              { name: 'web-canary', port: 80, weight: 25 },
            ],
          },
        ],
      },
    });
    store.create({
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'DestinationRule',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        host: 'web',
        subsets: [
          { name: 'stable', labels: { version: 'v1' } },
          { name: 'canary', labels: { version: 'v2' } },
        ],
      },
    });
    store.create({
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'VirtualService',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        hosts: ['web'],
        http: [
          {
            match: [{ headers: { 'x-canary': { exact: 'yes' } } }],
            route: [{ destination: { host: 'web', subset: 'canary' } }],
          },
          {
            route: [
              { destination: { host: 'web.default.svc.cluster.local', subset: 'stable' }, weight: 60 },
              { destination: { host: 'web', subset: 'canary' }, weight: 40 },
            ],
          },
        ],
      },
    });
    store.create({
      apiVersion: 'split.smi-spec.io/v1alpha2',
      kind: 'TrafficSplit',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        service: 'web',
        backends: [
          { service: 'web-stable', weight: 90 },
          { service: 'web-canary', weight: 10 },
        ],
      },
    });
    const t = traffic(store, { rps: 0 });
    assert.deepEqual(
      t
        .entries()
        .filter((e) => !e.startsWith('service/'))
        .sort(),
      ['httproute/default/web', 'trafficsplit/default/web', 'virtualservice/default/web'],
    );
    const near = (actual: number | undefined, expected: number) =>
      assert.ok(Math.abs((actual ?? 0) - expected) <= 0.03, `share ${actual} vs ${expected}`);
    near(sharesThrough(t, 'httproute/default/web').v2, 0.25);
    near(sharesThrough(t, 'virtualservice/default/web').v2, 0.4);
    near(sharesThrough(t, 'trafficsplit/default/web').v2, 0.1);
    // The Service the VirtualService routes through selects both versions: two v1 pods, one v2.
    near(sharesThrough(t, 'service/default/web').v2, 1 / 3);
    assert.equal(
      t.sendRequest('virtualservice/default/web', { headers: { 'X-Canary': 'yes' } }).version,
      'v2',
    );
  });
});

describe('metrics exposition', () => {
  it('is valid text format 0.0.4 with cumulative histograms', () => {
    const store = createStore();
    twoVersions(store, { SIM_ERROR_RATE: '0.5' });
    addIngress(store, 'web', 'web-stable');
    const t = traffic(store, { rps: 0 });
    for (let i = 0; i < 200; i++) {
      t.sendRequest('service/default/web-canary');
      t.sendRequest('ingress/default/web');
    }
    const text = t.metricsText();
    assert.ok(text.endsWith('\n'));
    const types = new Map<string, string>();
    const samples: { name: string; labels: Record<string, string>; value: number }[] = [];
    for (const line of text.trimEnd().split('\n')) {
      const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
      if (type) {
        types.set(type[1], type[2]);
        continue;
      }
      if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .+$/.test(line)) continue;
      const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      assert.ok(sample, `unparseable line: ${line}`);
      const labels: Record<string, string> = {};
      const labelText = sample[2] ?? '';
      const labelRe = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/gy;
      let consumed = 0;
      for (let m = labelRe.exec(labelText); m; m = labelRe.exec(labelText)) {
        labels[m[1]] = m[2];
        consumed = labelRe.lastIndex;
      }
      assert.equal(consumed, labelText.length, `labels parse: ${line}`);
      const value = Number(sample[3].replace('+Inf', 'Infinity'));
      assert.ok(!Number.isNaN(value), line);
      samples.push({ name: sample[1], labels, value });
    }
    const family = (name: string) => name.replace(/_(bucket|sum|count)$/, '');
    for (const s of samples)
      assert.ok(types.has(s.name) || types.get(family(s.name)) === 'histogram', `${s.name} has a TYPE`);
    assert.equal(types.get('http_requests_total'), 'counter');
    assert.equal(types.get('http_request_duration_seconds'), 'histogram');
    assert.equal(types.get('nginx_ingress_controller_requests'), 'counter');

    const v2 = samples.filter((s) => s.name === 'http_requests_total' && s.labels.version === 'v2');
    assert.equal(
      v2.reduce((sum, s) => sum + s.value, 0),
      200,
    );
    assert.ok(
      v2.some((s) => s.labels.code === '500') &&
        v2.every((s) => s.labels.pod === 'web-v2-a' && s.labels.app === 'web'),
    );

    const buckets = samples.filter(
      (s) => s.name === 'http_request_duration_seconds_bucket' && s.labels.version === 'v2',
    );
    const values = buckets.map((b) => b.value);
    assert.deepEqual(
      values,
      [...values].sort((a, b) => a - b),
      'buckets are cumulative',
    );
    assert.equal(buckets.at(-1)?.labels.le, '+Inf');
    const count = samples.find(
      (s) => s.name === 'http_request_duration_seconds_count' && s.labels.version === 'v2',
    );
    assert.equal(count?.value, 200);
    assert.equal(buckets.at(-1)?.value, 200);
  });
});
