import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetricProvider, ProviderContext, RawMeasurement } from '../../src/analysis/provider.ts';
import { runAnalysis, type RunDeps } from '../../src/analysis/run.ts';
import type { Measurement } from '../../src/analysis/types.ts';
import type { AnyMetric, MetricSpec, ProviderName } from '../../src/analysis/spec.ts';

type Step = RawMeasurement | Error;

/** A provider that answers each metric from its own script, then repeats the last answer. */
function scripted(name: ProviderName, scripts: Record<string, Step[]>) {
  const calls: Record<string, number> = {};
  const provider: MetricProvider = {
    name,
    async measure(metric) {
      const script = scripts[metric.name] ?? [];
      const i = calls[metric.name] ?? 0;
      calls[metric.name] = i + 1;
      const step = script[Math.min(i, script.length - 1)];
      if (!step) throw new Error('no script');
      if (step instanceof Error) throw step;
      return step;
    },
  };
  return { provider, calls };
}

function metric(fields: Partial<AnyMetric> & Record<string, unknown> & { name: string }): MetricSpec {
  // Any provider's metric: these tests judge results, whatever measured them.
  return {
    provider: 'prometheus',
    failureLimit: 0,
    inconclusiveLimit: 0,
    consecutiveErrorLimit: 4,
    dryRun: false,
    phase: 'pre-promotion',
    threshold: { max: 0.05 },
    ...fields,
  } as MetricSpec;
}

/** Instant sleep that records what it was asked to wait, and a clock that advances by it. */
function harness(scripts: Record<string, Step[]>, background = false) {
  const { provider, calls } = scripted('prometheus', scripts);
  const sleeps: number[] = [];
  const seen: Measurement[] = [];
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const controller = new AbortController();
  const deps: RunDeps = {
    providers: { prometheus: provider, web: provider, job: provider },
    ctx: {
      template: { app: 'web', namespace: 'ns', canaryVersion: 'v2', stableVersion: 'v1' },
      namespace: 'ns',
      cluster: {} as ProviderContext['cluster'],
      settings: {},
    },
    signal: controller.signal,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
      await new Promise((r) => setImmediate(r));
    },
    now: () => new Date(clock),
    onMeasurement: (m) => seen.push(m),
  };
  return { deps, calls, sleeps, seen, controller, background };
}

const ok = (v: number): RawMeasurement => ({ result: [v], query: 'q' });

describe('runAnalysis (Argo semantics)', () => {
  it('one measurement without an interval; passes with the evidence in the reason', async () => {
    const h = harness({ 'error-rate': [ok(0.01)] });
    const r = await runAnalysis({ metrics: [metric({ name: 'error-rate' })] }, h.deps);
    assert.equal(r.phase, 'Successful');
    assert.equal(r.measurements.length, 1);
    assert.equal(h.seen.length, 1);
    assert.equal(r.reason, 'error-rate (prometheus) measured 0.01 (result <= 0.05) in 1 of 1 measurement');
  });

  it('failureLimit: Failed when failed > limit; the reason quotes values, condition and limit', async () => {
    const h = harness({ 'error-rate': [ok(0.2), ok(0.01), ok(0.3)] });
    const r = await runAnalysis(
      { metrics: [metric({ name: 'error-rate', intervalMs: 30_000, count: 5, failureLimit: 1 })] },
      h.deps,
    );
    assert.equal(r.phase, 'Failed');
    assert.equal(r.measurements.length, 3);
    assert.deepEqual(
      r.measurements.map((m) => m.phase),
      ['Failed', 'Successful', 'Failed'],
    );
    assert.equal(
      r.reason,
      'error-rate (prometheus) measured 0.2, 0.3 > max 0.05 in 2 of 3 measurements (failureLimit 1)',
    );
    assert.deepEqual(h.sleeps, [30_000, 30_000]);
    assert.equal(r.measurements[1]!.at, '2026-01-01T00:00:30.000Z');
  });

  it('failures within the limit pass when count is reached', async () => {
    const h = harness({ m: [ok(0.2), ok(0.01), ok(0.01)] });
    const r = await runAnalysis(
      { metrics: [metric({ name: 'm', intervalMs: 1000, count: 3, failureLimit: 1 })] },
      h.deps,
    );
    assert.equal(r.phase, 'Successful');
    assert.equal(h.calls.m, 3);
  });

  it('the example reason line', async () => {
    const h = harness({ 'error-rate': [ok(0.2)] });
    const r = await runAnalysis(
      { metrics: [metric({ name: 'error-rate', intervalMs: 1000, count: 2, failureLimit: 1 })] },
      h.deps,
    );
    assert.equal(
      r.reason,
      'error-rate (prometheus) measured 0.2 > max 0.05 in 2 of 2 measurements (failureLimit 1)',
    );
  });

  it('inconclusiveLimit: Inconclusive when inconclusive > limit', async () => {
    const both = { successCondition: 'result[0] < 0.05', failureCondition: 'result[0] > 0.5' };
    const h = harness({ m: [ok(0.1), ok(0.01), ok(0.2)] });
    const r = await runAnalysis(
      {
        metrics: [
          metric({ name: 'm', threshold: undefined, ...both, intervalMs: 1, count: 5, inconclusiveLimit: 1 }),
        ],
      },
      h.deps,
    );
    assert.equal(r.phase, 'Inconclusive');
    assert.equal(h.calls.m, 3);
    assert.match(
      r.reason ?? '',
      /^m \(prometheus\) measured \[0\.1\], \[0\.2\] meets neither successCondition .* in 2 of 3 measurements \(inconclusiveLimit 1\)$/,
    );
  });

  it('consecutiveErrorLimit: the 5th consecutive error is Error; errors retry after min(interval, 10 s)', async () => {
    const refused = new Error('Prometheus http://127.0.0.1:9 unreachable: connect ECONNREFUSED 127.0.0.1:9');
    const h = harness({ 'error-rate': [refused] });
    const r = await runAnalysis(
      { metrics: [metric({ name: 'error-rate', intervalMs: 60_000, count: 3 })] },
      h.deps,
    );
    assert.equal(r.phase, 'Error');
    assert.equal(h.calls['error-rate'], 5);
    assert.deepEqual(h.sleeps, [10_000, 10_000, 10_000, 10_000]);
    assert.equal(
      r.reason,
      'error-rate (prometheus): 5 consecutive errors (consecutiveErrorLimit 4): Prometheus http://127.0.0.1:9 unreachable: connect ECONNREFUSED 127.0.0.1:9',
    );
    assert.ok(r.measurements.every((m) => m.phase === 'Error' && m.value === null));
  });

  it('errors in between successes reset the streak and do not use up count', async () => {
    const boom = new Error('boom');
    const h = harness({ m: [boom, boom, boom, boom, ok(0.01), boom, boom, boom, boom, ok(0.01)] });
    const r = await runAnalysis({ metrics: [metric({ name: 'm', intervalMs: 2000, count: 2 })] }, h.deps);
    assert.equal(r.phase, 'Successful');
    assert.equal(h.calls.m, 10);
    assert.equal(h.sleeps.filter((s) => s === 2000).length, 9, 'retries wait min(interval, 10 s) = 2 s');
  });

  it('initialDelay comes before the first measurement', async () => {
    const h = harness({ m: [ok(0.01)] });
    const r = await runAnalysis({ metrics: [metric({ name: 'm', initialDelayMs: 45_000 })] }, h.deps);
    assert.deepEqual(h.sleeps, [45_000]);
    assert.equal(r.measurements[0]!.at, '2026-01-01T00:00:45.000Z');
  });

  it('count with interval; count unset with an interval is one measurement inline', async () => {
    const h = harness({ a: [ok(0.01)], b: [ok(0.01)] });
    await runAnalysis(
      {
        metrics: [metric({ name: 'a', intervalMs: 5000, count: 4 }), metric({ name: 'b', intervalMs: 5000 })],
      },
      h.deps,
    );
    assert.equal(h.calls.a, 4);
    assert.equal(h.calls.b, 1);
  });

  it('the spec-level interval is the default', async () => {
    const h = harness({ a: [ok(0.01)] });
    await runAnalysis({ intervalMs: 7000, metrics: [metric({ name: 'a', count: 2 })] }, h.deps);
    assert.deepEqual(h.sleeps, [7000]);
  });

  it('dryRun metrics are measured and recorded but never decide', async () => {
    const h = harness({ shadow: [ok(0.9)], real: [ok(0.01)] });
    const r = await runAnalysis(
      { metrics: [metric({ name: 'shadow', dryRun: true }), metric({ name: 'real' })] },
      h.deps,
    );
    assert.equal(r.phase, 'Successful');
    const shadow = r.measurements.find((m) => m.metric === 'shadow');
    assert.equal(shadow?.phase, 'Failed');
    assert.equal(shadow?.dryRun, true);
    assert.match(r.reason ?? '', /dry-run shadow \(prometheus\) measured 0\.9 > max 0\.05/);

    const only = harness({ shadow: [new Error('down')] });
    const r2 = await runAnalysis({ metrics: [metric({ name: 'shadow', dryRun: true })] }, only.deps);
    assert.equal(r2.phase, 'Successful');
    assert.equal(r2.measurements.length, 5);
  });

  it('no data never passes, even within the inconclusive limit', async () => {
    const h = harness({ m: [{ result: [], query: 'q' }] });
    const r = await runAnalysis({ metrics: [metric({ name: 'm' })] }, h.deps);
    assert.equal(r.phase, 'Inconclusive');
    assert.equal(
      r.reason,
      'm (prometheus) returned no data (empty result) in 1 of 1 measurement (inconclusiveLimit 0)',
    );

    const tolerant = harness({ m: [{ result: null }] });
    const r2 = await runAnalysis(
      { metrics: [metric({ name: 'm', intervalMs: 1, count: 3, inconclusiveLimit: 5 })] },
      tolerant.deps,
    );
    assert.equal(r2.phase, 'Inconclusive');
    assert.equal(r2.measurements.length, 3);
  });

  it('a deciding failure stops the other metrics early', async () => {
    const h = harness({ fast: [ok(0.9)], slow: [ok(0.01)] });
    const r = await runAnalysis(
      { metrics: [metric({ name: 'fast' }), metric({ name: 'slow', intervalMs: 60_000, count: 100 })] },
      h.deps,
    );
    assert.equal(r.phase, 'Failed');
    assert.match(r.reason ?? '', /^fast \(prometheus\) measured 0\.9 > max 0\.05/);
    assert.ok((h.calls.slow ?? 0) < 5, `slow measured ${h.calls.slow} times`);
  });

  it('Failed beats Inconclusive', async () => {
    const h = harness({ a: [{ result: null }], b: [ok(0.01), ok(0.9)] });
    const r = await runAnalysis(
      { metrics: [metric({ name: 'a' }), metric({ name: 'b', intervalMs: 1, count: 2 })] },
      h.deps,
    );
    assert.equal(r.phase, 'Failed');
    assert.match(r.reason ?? '', /^b /);
  });

  it('background: count unset runs until the caller stops it, then reports what it saw', async () => {
    const h = harness({ m: [ok(0.01)] });
    const running = runAnalysis(
      { metrics: [metric({ name: 'm', intervalMs: 1000 })] },
      {
        ...h.deps,
        onMeasurement: (m) => {
          h.seen.push(m);
          if (h.seen.length === 6) h.controller.abort();
        },
      },
      { background: true },
    );
    const r = await running;
    assert.equal(r.phase, 'Successful');
    assert.equal(r.measurements.length, 6);
  });

  it('background drain: unbounded metrics end after their next measurement, counted ones finish', async () => {
    const h = harness({ open: [ok(0.01)], counted: [ok(0.01)], late: [ok(0.01)] });
    const drain = new AbortController();
    const r = await runAnalysis(
      {
        metrics: [
          metric({ name: 'open', intervalMs: 1000 }),
          metric({ name: 'counted', intervalMs: 1000, count: 4 }),
          metric({ name: 'late', intervalMs: 1000, initialDelayMs: 50_000 }),
        ],
      },
      {
        ...h.deps,
        onMeasurement: (m) => {
          h.seen.push(m);
          if (m.metric === 'open' && h.calls.open === 2) drain.abort();
        },
      },
      { background: true, drain: drain.signal },
    );
    assert.equal(r.phase, 'Successful', r.reason);
    assert.equal(h.calls.open, 2);
    assert.equal(h.calls.counted, 4);
    assert.equal(h.calls.late, 1, 'a metric that had not measured yet still takes its first measurement');
  });

  it('background: a deciding Inconclusive ends the run', async () => {
    const h = harness({ m: [ok(0.01), ok(0.01), { result: null }] });
    const r = await runAnalysis({ metrics: [metric({ name: 'm', intervalMs: 1000 })] }, h.deps, {
      background: true,
    });
    assert.equal(r.phase, 'Inconclusive');
    assert.equal(r.measurements.length, 3);
  });

  it('inline: aborting the caller signal rejects', async () => {
    const h = harness({ m: [ok(0.01)] });
    h.controller.abort(new Error('cancelled'));
    await assert.rejects(runAnalysis({ metrics: [metric({ name: 'm' })] }, h.deps), /cancelled/);
  });

  it('a condition that cannot be evaluated counts as an error', async () => {
    const h = harness({ m: [ok(0.01)] });
    const r = await runAnalysis(
      {
        metrics: [
          metric({
            name: 'm',
            threshold: undefined,
            successCondition: 'result < 1',
            consecutiveErrorLimit: 0,
          }),
        ],
      },
      h.deps,
    );
    assert.equal(r.phase, 'Error');
    assert.match(
      r.reason ?? '',
      /1 consecutive error \(consecutiveErrorLimit 0\): `result < 1` cannot be evaluated on \[0\.01\]/,
    );
  });
});
