// Issue 5, end to end: analysis gates through the bundled action, the simulated cluster and a real
// Prometheus scraping the simulator's request metrics (one Prometheus for the whole file).
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { runAction, type ActionRun } from '../helpers/action.ts';
import { writeApp, type AppOptions } from '../helpers/manifests.ts';
import { startPrometheus, type RunningPrometheus } from '@kube-rollout/kube-sim/prometheus';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';

const IMAGE = 'registry.local:5000/acme/web';

/** Selects one version of the app in this namespace; `[w]` is the rate window. */
const sel = (version: string, extra = '') =>
  `namespace="{{namespace}}",app="{{app}}",version="${version}"${extra}`;
/** Error rate of the canary; `or vector(0)` so that "no 5xx yet" is 0, not no data. */
const ERROR_RATE = `(sum(rate(http_requests_total{${sel('{{canary.version}}', ',code=~"5.."')}}[10s])) or vector(0)) / sum(rate(http_requests_total{${sel('{{canary.version}}')}}[10s]))`;
/** Mean latency (seconds) of the canary over a short window. */
const latency = (window: string) =>
  `sum(rate(http_request_duration_seconds_sum{${sel('{{canary.version}}')}}[${window}])) / sum(rate(http_request_duration_seconds_count{${sel('{{canary.version}}')}}[${window}]))`;

/** A job metric whose container runs `sh -c 'exit <code>'`. */
function jobMetric(name: string, code: number, extra: Record<string, unknown> = {}) {
  return {
    name,
    provider: 'job',
    job: {
      spec: {
        template: {
          spec: {
            containers: [{ name: 'check', image: 'busybox:1.36', command: ['sh', '-c', `exit ${code}`] }],
          },
        },
      },
    },
    ...extra,
  };
}

/** A port that was listening a moment ago and is now closed (connection refused). */
async function freedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The log lines of one metric's measurements: `<metric>: <Phase> (...)`. */
function measurementLines(run: ActionRun, metric: string): string[] {
  return run.stdout
    .split('\n')
    .filter((l) => l.includes(`${metric}: `) && /: (Successful|Failed|Inconclusive|Error)\b/.test(l));
}

describe('analysis gates (dist/index.js, simulated cluster, real Prometheus)', { concurrency: true }, () => {
  let sim: SimCluster;
  let prometheus: RunningPrometheus;
  let ns = 0;
  const base = (namespace: string) => ({
    kubeconfig: sim.kubeconfig,
    namespace,
    'version-label': 'version',
    comment: 'false',
    'scale-down-delay': '1s',
  });

  /** A fresh namespace with v1 released (a first release is applied directly). */
  async function withV1(app: AppOptions = {}): Promise<{ namespace: string }> {
    const namespace = `analysis-${++ns}`;
    sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    const first = await runAction({
      ...base(namespace),
      manifests: writeApp({ replicas: 10, ...app }),
      images: `${IMAGE}:v1`,
    });
    assert.equal(first.outputs.result, 'promoted', first.stdout);
    return { namespace };
  }

  /** Releases v2 (with the given pod knobs) as a replicas canary gated by `metrics`. */
  async function canary(
    namespace: string,
    metrics: object[],
    opts: { env?: Record<string, string>; steps?: object[]; prometheusUrl?: string } = {},
  ) {
    const steps = opts.steps ?? [{ setWeight: 50 }, { pause: '5s' }, { analysis: {} }];
    const inputs = {
      ...base(namespace),
      strategy: 'canary',
      traffic: 'replicas',
      manifests: writeApp({ replicas: 10, env: opts.env ?? {} }),
      images: `${IMAGE}:v2`,
      steps: stringify(steps),
      analysis: stringify({ metrics }),
      'prometheus-url': opts.prometheusUrl ?? prometheus.url,
    };
    return { inputs, run: await runAction(inputs) };
  }

  before(async () => {
    sim = await startSimCluster();
    prometheus = await startPrometheus({ targets: [new URL(sim.metricsUrl).host], scrapeIntervalMs: 1000 });
  });
  after(async () => {
    await prometheus?.stop();
    await sim?.stop();
  });

  const errorRate = {
    name: 'error-rate',
    provider: 'prometheus',
    query: ERROR_RATE,
    threshold: { max: 0.05 },
  };
  const errorRateMetric = { ...errorRate, interval: '2s', count: 2 };

  it('a canary answering 20% errors is rolled back, quoting metric, measured value and threshold', async () => {
    const { namespace } = await withV1();
    const { run } = await canary(namespace, [errorRateMetric], { env: { SIM_ERROR_RATE: '0.2' } });
    assert.equal(run.outputs.result, 'rolled-back', run.stdout);
    assert.equal(run.code, 1);
    const reason = run.outputs['rollback-reason'];
    assert.match(reason, /error-rate/);
    assert.match(reason, /0\.05/, `threshold quoted: ${reason}`);
    const measured = Number(reason.match(/measured (0\.\d+) > max 0\.05/)?.[1]);
    assert.ok(measured > 0.05 && measured < 0.5, `the measured error rate (about 0.2) is quoted: ${reason}`);
    console.log(`# 20% errors → ${reason}`);
    assert.equal(sim.store.get('apps/v1', 'Deployment', namespace, 'web-canary'), undefined);
    assert.equal(sim.traffic.sendRequest(`service/${namespace}/web`).version, 'v1');
  });

  it('the same canary with 0% errors is promoted', async () => {
    const { namespace } = await withV1();
    const { run } = await canary(namespace, [errorRateMetric]);
    assert.equal(run.outputs.result, 'promoted', run.stdout);
    const lines = measurementLines(run, 'error-rate');
    assert.equal(lines.length, 2, lines.join('\n'));
    assert.ok(
      lines.every((l) => /Successful \(0\)/.test(l)),
      lines.join('\n'),
    );
    assert.equal(
      sim.store.get('apps/v1', 'Deployment', namespace, 'web')!.spec.template.metadata.labels.version,
      'v2',
    );
  });

  it('background analysis across canary steps (no analysis step) stops a 20%-error canary during its pause', async () => {
    const { namespace } = await withV1();
    const metric = { ...errorRate, interval: '1s', initialDelay: '4s' };
    const { run } = await canary(namespace, [metric], {
      env: { SIM_ERROR_RATE: '0.2' },
      steps: [{ setWeight: 50 }, { pause: '60s' }, { setWeight: 100 }],
    });
    assert.equal(run.outputs.result, 'rolled-back', run.stdout);
    assert.match(run.outputs['rollback-reason'], /error-rate \(prometheus\) measured 0\.\d+ > max 0\.05/);
    assert.equal(run.outputs['canary-weight'] ?? '0', '0');
    assert.equal(sim.traffic.sendRequest(`service/${namespace}/web`).version, 'v1');
  });

  it('background metrics that had not measured when the steps end are measured before promotion', async () => {
    const { namespace } = await withV1();
    // initialDelay outlasts the steps: the first measurement is taken at promotion, and it fails.
    const metric = { ...errorRate, interval: '1s', initialDelay: '5s' };
    const { run } = await canary(namespace, [metric], {
      env: { SIM_ERROR_RATE: '0.2' },
      steps: [{ setWeight: 50 }, { pause: '1s' }],
    });
    assert.equal(run.outputs.result, 'rolled-back', run.stdout);
    assert.match(run.outputs['rollback-reason'], /error-rate \(prometheus\) measured 0\.\d+ > max 0\.05/);
    assert.equal(
      sim.store.get('apps/v1', 'Deployment', namespace, 'web')!.spec.template.metadata.labels.version,
      'v1',
    );
  });

  it('an inconclusive background verdict pauses before promotion; action: promote then promotes', async () => {
    const { namespace } = await withV1();
    const metric = {
      name: 'missing',
      provider: 'prometheus',
      query: 'sum(rate(metric_that_does_not_exist_total[10s]))',
      threshold: { max: 1 },
      interval: '1s',
      initialDelay: '3s',
    };
    const { inputs, run } = await canary(namespace, [metric], { steps: [{ setWeight: 50 }] });
    assert.equal(run.outputs.result, 'paused', run.stdout);
    assert.equal(
      sim.store.get('apps/v1', 'Deployment', namespace, 'web')!.spec.template.metadata.labels.version,
      'v1',
      'not promoted yet',
    );
    const next = await runAction({ ...inputs, action: 'promote', name: 'web', manifests: '' });
    assert.equal(next.outputs.result, 'promoted', next.stdout);
    // The promotion itself ran on resume: stable carries v2 and the canary copy is gone.
    assert.equal(
      sim.store.get('apps/v1', 'Deployment', namespace, 'web')!.spec.template.metadata.labels.version,
      'v2',
    );
    assert.equal(sim.store.get('apps/v1', 'Deployment', namespace, 'web-canary'), undefined);
    assert.equal(sim.traffic.sendRequest(`service/${namespace}/web`).version, 'v2');
  });

  it('background analysis during a rolling update rolls a 20%-error release back', async () => {
    const { namespace } = await withV1();
    const run = await runAction({
      ...base(namespace),
      strategy: 'rolling',
      manifests: writeApp({ replicas: 10, env: { SIM_ERROR_RATE: '0.2' } }),
      images: `${IMAGE}:v2`,
      analysis: stringify({ metrics: [{ ...errorRateMetric, interval: '1s', initialDelay: '6s' }] }),
      'prometheus-url': prometheus.url,
    });
    assert.equal(run.outputs.result, 'rolled-back', run.stdout);
    console.log(`# rolling, 20% errors → ${run.outputs['rollback-reason']}`);
    assert.match(run.outputs['rollback-reason'], /error-rate \(prometheus\) measured 0\.\d+ > max 0\.05/);
    assert.equal(
      sim.store.get('apps/v1', 'Deployment', namespace, 'web')!.spec.template.spec.containers[0].image,
      `${IMAGE}:v1`,
    );
  });

  for (const [code, result] of [
    [0, 'promoted'],
    [1, 'rolled-back'],
  ] as const) {
    it(`a job check running sh -c 'exit ${code}' (failureLimit 1, 2 measurements) → ${result}`, async () => {
      const { namespace } = await withV1();
      const metric = jobMetric('smoke', code, { interval: '2s', count: 2, failureLimit: 1 });
      const { run } = await canary(namespace, [metric], { steps: [{ setWeight: 50 }, { analysis: {} }] });
      assert.equal(run.outputs.result, result, run.stdout);
      const lines = measurementLines(run, 'smoke');
      assert.equal(lines.length, 2, `two measurements: ${lines.join('\n')}`);
      assert.ok(
        lines.every((l) => l.includes(code === 0 ? 'Successful' : 'Failed')),
        lines.join('\n'),
      );
      if (code !== 0) {
        console.log(`# job exit 1 → ${run.outputs['rollback-reason']}`);
        assert.match(run.outputs['rollback-reason'], /smoke \(job\)/);
        assert.match(run.outputs['rollback-reason'], /exited 1/);
        assert.match(run.outputs['rollback-reason'], /failureLimit 1/);
      }
      // Every check's Job is deleted after its measurement.
      assert.deepEqual(
        sim.store.list('batch/v1', 'Job', namespace).map((j) => j.metadata.name),
        [],
      );
    });
  }

  it('Prometheus unreachable: Error after consecutiveErrorLimit, rolled back, never passes', async () => {
    const { namespace } = await withV1();
    const port = await freedPort();
    const metric = { ...errorRateMetric, interval: '1s', count: 1 };
    const { run } = await canary(namespace, [metric], {
      steps: [{ setWeight: 50 }, { analysis: {} }],
      prometheusUrl: `http://127.0.0.1:${port}`,
    });
    assert.equal(run.outputs.result, 'rolled-back', run.stdout);
    const reason = run.outputs['rollback-reason'];
    console.log(`# unreachable → ${reason}`);
    assert.match(reason, /error-rate/);
    assert.match(reason, /5 consecutive errors \(consecutiveErrorLimit 4\)/);
    assert.match(reason, /unreachable/);
    const lines = measurementLines(run, 'error-rate');
    assert.equal(lines.length, 5, lines.join('\n'));
    assert.ok(
      lines.every((l) => l.includes(': Error')),
      lines.join('\n'),
    );
  });

  describe('compare: baseline (Mann-Whitney U on range queries)', { concurrency: true }, () => {
    const compareMetric = {
      name: 'latency',
      provider: 'prometheus',
      query: latency('3s'),
      compare: { against: 'baseline', direction: 'increase', window: '12s', step: '1s', minSamples: 8 },
    };
    const steps = [{ setWeight: 50 }, { pause: '12s' }, { analysis: {} }];

    it('a canary three times slower than stable fails, quoting medians and p-value', async () => {
      const { namespace } = await withV1();
      const { run } = await canary(namespace, [compareMetric], { env: { SIM_LATENCY_MS: '60' }, steps });
      assert.equal(run.outputs.result, 'rolled-back', run.stdout);
      const reason = run.outputs['rollback-reason'];
      console.log(`# 60 ms vs 20 ms → ${reason}`);
      const m = reason.match(
        /canary median ([\d.e-]+) vs stable median ([\d.e-]+) \(\+[\d.]+%, U=[\d.]+, p=([\d.e-]+)/,
      );
      assert.ok(m, `medians and p-value quoted: ${reason}`);
      const [canaryMedian, stableMedian, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
      assert.ok(
        canaryMedian / stableMedian > 2.5 && canaryMedian / stableMedian < 3.5,
        `ratio ${canaryMedian / stableMedian}`,
      );
      assert.ok(p < 0.05, `p ${p}`);
      assert.match(
        run.summary,
        /canary median [\d.e-]+ vs stable [\d.e-]+ \\?\(p=[\d.e-]+/,
        `the step summary reports the comparison:\n${run.summary}`,
      );
    });

    it('with equal latency it passes, and the summary reports medians and p-value', async () => {
      const { namespace } = await withV1();
      const { run } = await canary(namespace, [compareMetric], { steps });
      assert.equal(run.outputs.result, 'promoted', run.stdout);
      const line = measurementLines(run, 'latency').join('\n');
      console.log(`# 20 ms vs 20 ms → ${line}`);
      const text = `${run.summary}\n${run.stdout}`;
      const m = text.match(
        /canary median ([\d.e-]+) vs stable median ([\d.e-]+) \([+-][\d.]+%, U=[\d.]+, p=([\d.e-]+)/,
      );
      assert.ok(m, `medians and p-value reported:\n${run.summary}`);
      const ratio = Number(m[1]) / Number(m[2]);
      assert.ok(ratio > 0.8 && ratio < 1.25, `ratio ${ratio}`);
      assert.match(
        run.summary,
        /canary median [\d.e-]+ vs stable [\d.e-]+ \\?\(p=[\d.e-]+/,
        `the step summary reports the comparison:\n${run.summary}`,
      );
    });
  });

  describe('an inconclusive metric (no data) pauses for a human decision', { concurrency: true }, () => {
    const missing = {
      name: 'missing',
      provider: 'prometheus',
      query: 'sum(rate(metric_that_does_not_exist_total{namespace="{{namespace}}"}[10s]))',
      threshold: { max: 1 },
    };
    for (const [action, result] of [
      ['promote', 'promoted'],
      ['rollback', 'rolled-back'],
    ] as const) {
      it(`paused, then action: ${action} → ${result}`, async () => {
        const { namespace } = await withV1();
        const { inputs, run } = await canary(namespace, [missing], {
          steps: [{ setWeight: 50 }, { analysis: {} }],
        });
        assert.equal(run.outputs.result, 'paused', run.stdout);
        assert.equal(run.code, 0);
        assert.match(measurementLines(run, 'missing').join('\n'), /Inconclusive/);
        const next = await runAction({ ...inputs, action, name: 'web', manifests: '' });
        assert.equal(next.outputs.result, result, next.stdout);
        assert.equal(measurementLines(next, 'missing').length, 0, 'the decided gate is not measured again');
        const version = action === 'promote' ? 'v2' : 'v1';
        assert.equal(
          sim.store.get('apps/v1', 'Deployment', namespace, 'web')!.spec.template.metadata.labels.version,
          version,
        );
        assert.equal(sim.store.get('apps/v1', 'Deployment', namespace, 'web-canary'), undefined);
        assert.equal(sim.traffic.sendRequest(`service/${namespace}/web`).version, version);
      });
    }
  });

  describe(
    'blue-green post-promotion failure switches back with no failed request',
    { concurrency: true },
    () => {
      const cases: Array<[string, object, Record<string, string>]> = [
        ['a job check exiting 1', jobMetric('smoke', 1, { phase: 'post-promotion' }), {}],
        [
          'a Prometheus latency threshold',
          {
            name: 'latency',
            provider: 'prometheus',
            query: latency('5s'),
            threshold: { max: 0.04 },
            initialDelay: '4s',
            phase: 'post-promotion',
          },
          { SIM_LATENCY_MS: '60' },
        ],
      ];
      for (const [label, metric, env] of cases) {
        it(label, async () => {
          const { namespace } = await withV1();
          const entry = `service/${namespace}/web`;
          const since = Date.now();
          const run = await runAction({
            ...base(namespace),
            strategy: 'blue-green',
            manifests: writeApp({ replicas: 10, env }),
            images: `${IMAGE}:v2`,
            analysis: stringify({ metrics: [metric] }),
            'prometheus-url': prometheus.url,
          });
          assert.equal(run.outputs.result, 'rolled-back', run.stdout);
          console.log(`# blue-green, ${label} → ${run.outputs['rollback-reason']}`);
          const counts = sim.traffic.counts({ since, entry });
          assert.ok(
            (counts.v2?.requests ?? 0) > 0,
            `green served production traffic after the switch: ${JSON.stringify(counts)}`,
          );
          const errors = Object.values(counts).reduce((n, c) => n + c.errors, 0);
          assert.equal(errors, 0, JSON.stringify(counts));
          for (let i = 0; i < 300; i++) assert.equal(sim.traffic.sendRequest(entry).version, 'v1');
          assert.equal(sim.store.get('apps/v1', 'Deployment', namespace, 'web-green'), undefined);
          assert.equal(
            sim.store.get('apps/v1', 'Deployment', namespace, 'web')!.spec.template.metadata.labels.version,
            'v1',
          );
        });
      }
    },
  );
});
