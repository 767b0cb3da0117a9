import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { baselineQueries, judgeComparison } from '../../src/analysis/compare.ts';
import { judgeMeasurement } from '../../src/analysis/judge.ts';
import { renderTemplate, TemplateError, unknownPlaceholders } from '../../src/analysis/template.ts';
import type { BaselineComparison, TemplateContext } from '../../src/analysis/types.ts';
import type { MetricSpec } from '../../src/analysis/spec.ts';

const ctx: TemplateContext = {
  app: 'shop',
  namespace: 'prod',
  service: 'shop-svc',
  canaryVersion: 'v2',
  stableVersion: 'v1',
  interval: '1m',
};

describe('renderTemplate', () => {
  it('replaces every known placeholder', () => {
    assert.equal(
      renderTemplate(
        '{{app}}/{{namespace}}/{{service}}/{{ canary.version }}/{{stable.version}}[{{interval}}]',
        ctx,
      ),
      'shop/prod/shop-svc/v2/v1[1m]',
    );
    assert.equal(renderTemplate('{{ingress}}', { ...ctx, ingress: 'shop-ing' }), 'shop-ing');
  });

  it('names an unknown placeholder, or one without a value', () => {
    assert.throws(
      () => renderTemplate('x{{canary.image}}', ctx),
      (err: unknown) =>
        err instanceof TemplateError &&
        err.placeholder === 'canary.image' &&
        /unknown placeholder \{\{canary\.image\}\}/.test(err.message),
    );
    assert.throws(() => renderTemplate('{{ingress}}', ctx), /placeholder \{\{ingress\}\} has no value/);
    assert.deepEqual(unknownPlaceholders('{{app}} {{version}} {{foo.bar}}'), ['version', 'foo.bar']);
  });
});

const cmp: BaselineComparison = {
  against: 'baseline',
  direction: 'increase',
  allowedChange: 0.2,
  minSamples: 10,
  alpha: 0.05,
  noData: 'inconclusive',
};
const series = (base: number, n = 30) => Array.from({ length: n }, (_, i) => base * (1 + ((i % 7) - 3) / 30));

describe('compare: baseline', () => {
  it('renders the same query for each side, {{canary.version}} bound to each version', () => {
    assert.deepEqual(baselineQueries('p99{version="{{canary.version}}"}', ctx), {
      canary: 'p99{version="v2"}',
      stable: 'p99{version="v1"}',
    });
    assert.throws(() => baselineQueries('p99{app="{{app}}"}', ctx), /needs \{\{canary\.version\}\}/);
  });

  it('a canary three times slower fails with medians, U and p', () => {
    const v = judgeComparison(cmp, { canary: series(0.3), stable: series(0.1) });
    assert.equal(v.phase, 'Failed');
    assert.ok(v.comparison);
    assert.ok(Math.abs(v.comparison.canaryMedian - 0.3) < 1e-9);
    assert.ok(Math.abs(v.comparison.stableMedian - 0.1) < 1e-9);
    assert.ok(Math.abs(v.comparison.effectSize - 2) < 1e-9);
    assert.ok(v.comparison.pValue < 0.001);
    assert.equal(v.comparison.u, 900);
    assert.equal(v.comparison.canarySamples, 30);
    assert.match(v.measured, /^canary median 0\.3 vs stable median 0\.1 \(\+200%, U=900, p=/);
  });

  it('equal latency passes (p = 1), small but significant change within the band passes', () => {
    assert.equal(judgeComparison(cmp, { canary: series(0.1), stable: series(0.1) }).phase, 'Successful');
    assert.equal(judgeComparison(cmp, { canary: series(0.11), stable: series(0.1) }).phase, 'Successful');
  });

  it('direction: a faster canary is not an increase; `either` catches it', () => {
    assert.equal(judgeComparison(cmp, { canary: series(0.03), stable: series(0.1) }).phase, 'Successful');
    assert.equal(
      judgeComparison({ ...cmp, direction: 'either' }, { canary: series(0.03), stable: series(0.1) }).phase,
      'Failed',
    );
    assert.equal(
      judgeComparison({ ...cmp, direction: 'decrease' }, { canary: series(0.03), stable: series(0.1) }).phase,
      'Failed',
    );
  });

  it('a zero baseline against a non-zero canary is an infinite change, not a pass', () => {
    const v = judgeComparison(cmp, { canary: series(1), stable: new Array(30).fill(0) });
    assert.equal(v.phase, 'Failed');
    assert.equal(v.comparison?.effectSize, Infinity);
  });

  it('too few samples (NaN dropped) follows the noData rule', () => {
    const sparse = { canary: [...series(0.3, 5), NaN, NaN, NaN, NaN, NaN, NaN], stable: series(0.1) };
    assert.equal(judgeComparison(cmp, sparse).phase, 'Inconclusive');
    assert.equal(judgeComparison({ ...cmp, noData: 'fail' }, sparse).phase, 'Failed');
    assert.match(judgeComparison(cmp, sparse).message, /canary 5 samples, stable 30; minSamples 10/);
  });

  it('judgeMeasurement attaches the comparison to the Measurement', () => {
    const metric: MetricSpec = {
      name: 'latency',
      provider: 'prometheus',
      query: 'q',
      failureLimit: 0,
      inconclusiveLimit: 0,
      consecutiveErrorLimit: 4,
      dryRun: false,
      phase: 'pre-promotion',
      compare: cmp,
    };
    const j = judgeMeasurement(metric, { result: { canary: series(0.3), stable: series(0.1) } }, new Date(0));
    assert.equal(j.measurement.phase, 'Failed');
    assert.equal(j.measurement.value, 0.3);
    assert.ok(j.measurement.comparison);
    assert.match(j.measurement.condition ?? '', /within \+20% of stable median/);
    assert.match(j.summary, /exceeds the allowed increase 20% with p < alpha 0.05$/);
  });
});
