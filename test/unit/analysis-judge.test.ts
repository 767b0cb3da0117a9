// One raw measurement → a judged Measurement (src/analysis/judge.ts): which of a provider's
// verdict, a baseline comparison, no data and the conditions decides, and the message, value and
// summary line each produces.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorMeasurement, isNoData, judgeMeasurement, reportValue } from '../../src/analysis/judge.ts';
import type { AnyMetric, MetricSpec } from '../../src/analysis/spec.ts';
import type { BaselineComparison } from '../../src/analysis/types.ts';

const AT = new Date('2026-05-01T12:00:00Z');

function metric(fields: Partial<AnyMetric> & Record<string, unknown> = {}): MetricSpec {
  // Any provider's metric: judging reads the common fields and `compare`.
  return {
    name: 'error-rate',
    provider: 'prometheus',
    failureLimit: 0,
    inconclusiveLimit: 0,
    consecutiveErrorLimit: 4,
    dryRun: false,
    phase: 'pre-promotion',
    ...fields,
  } as MetricSpec;
}

const COMPARE: BaselineComparison = {
  against: 'baseline',
  direction: 'increase',
  allowedChange: 0.2,
  minSamples: 3,
  alpha: 0.05,
  noData: 'fail',
};

describe('isNoData', () => {
  it('null, undefined, NaN, an empty list or only NaN; anything else is data', () => {
    for (const value of [null, undefined, NaN, [], [NaN]]) assert.equal(isNoData(value), true, String(value));
    for (const value of [0, [0], [NaN, 1], '', 'NaN', { a: 1 }, ['x'], Infinity])
      assert.equal(isNoData(value), false, JSON.stringify(value));
  });
});

describe('reportValue', () => {
  it('numbers stay numbers, a one-element list is its element, the rest is compact text', () => {
    assert.equal(reportValue(0.25), 0.25);
    assert.equal(reportValue([0.25]), 0.25);
    assert.equal(reportValue([[1]]), 1, 'unwrapped all the way down');
    assert.equal(reportValue([NaN]), null);
    assert.equal(reportValue(Infinity), '+Inf');
    assert.equal(reportValue([1, 2]), '[1, 2]');
    assert.equal(reportValue({ ok: true }), '{"ok":true}');
    assert.equal(reportValue('Complete'), 'Complete');
  });

  it('cuts text longer than 200 characters to 200', () => {
    assert.equal(reportValue('a'.repeat(200)), 'a'.repeat(200));
    const cut = reportValue('b'.repeat(201)) as string;
    assert.equal(cut, `${'b'.repeat(197)}...`);
  });
});

describe('judgeMeasurement', () => {
  it('the conditions decide a plain value; the measurement says what was measured against what', () => {
    const j = judgeMeasurement(
      metric({ threshold: { max: 0.05 }, dryRun: true }),
      { result: 0.01, query: 'q' },
      AT,
    );
    assert.deepEqual(j, {
      measurement: {
        metric: 'error-rate',
        provider: 'prometheus',
        at: '2026-05-01T12:00:00.000Z',
        query: 'q',
        dryRun: true,
        condition: 'result <= 0.05',
        phase: 'Successful',
        value: 0.01,
      },
      measured: '0.01',
      summary: 'measured 0.01',
    });
  });

  it('a passing value keeps the provider’s own message', () => {
    const j = judgeMeasurement(metric({ threshold: { max: 1 } }), { result: 0.5, message: 'from cache' }, AT);
    assert.equal(j.measurement.message, 'from cache');
    assert.equal('query' in j.measurement, false);
    assert.equal('dryRun' in j.measurement, false);
  });

  it('a condition that cannot be evaluated explains itself, in the message and the summary', () => {
    const j = judgeMeasurement(metric({ successCondition: 'result < 1' }), { result: [1, 2] }, AT);
    assert.equal(j.measurement.phase, 'Error');
    assert.match(j.measurement.message ?? '', /^`result < 1` cannot be evaluated on \[1, 2\]/);
    assert.equal(j.summary, j.measurement.message);
    assert.equal(j.violation, j.measurement.message);
  });

  it('a provider verdict decides by itself, whatever the conditions say', () => {
    const failed = judgeMeasurement(
      metric({ provider: 'job', threshold: { max: 0 } }),
      { result: 'Failed', verdict: 'Failed' },
      AT,
    );
    assert.equal(failed.measurement.phase, 'Failed');
    assert.equal(failed.measurement.condition, 'result <= 0');
    assert.equal(failed.summary, 'failed ("Failed")');
    assert.equal('message' in failed.measurement, false);
    const passed = judgeMeasurement(
      metric({ provider: 'job' }),
      { result: 'Complete', verdict: 'Successful' },
      AT,
    );
    assert.equal(passed.measurement.phase, 'Successful');
    assert.equal(passed.measurement.value, 'Complete');
    assert.equal(passed.summary, 'succeeded ("Complete")');
    assert.equal('condition' in passed.measurement, false);
  });

  it('no data pauses (Inconclusive), naming what came back and passing the provider’s hint on', () => {
    const empty = judgeMeasurement(metric({ threshold: { max: 1 } }), { result: [] }, AT);
    assert.deepEqual(
      { phase: empty.measurement.phase, value: empty.measurement.value, message: empty.measurement.message },
      { phase: 'Inconclusive', value: null, message: 'no data' },
    );
    assert.equal(empty.measured, 'no data (empty result)');
    assert.equal(empty.summary, 'returned no data (empty result)');
    const nan = judgeMeasurement(
      metric({ threshold: { max: 1 } }),
      { result: [NaN], message: 'wrap the query in `or vector(0)`' },
      AT,
    );
    assert.equal(nan.measured, 'no data ([NaN])');
    assert.equal(nan.measurement.message, 'no data: wrap the query in `or vector(0)`');
    assert.equal(nan.summary, 'returned no data ([NaN]): wrap the query in `or vector(0)`');
    assert.equal(judgeMeasurement(metric(), { result: undefined }, AT).measured, 'no data (empty result)');
  });

  it('no data fails a comparison with `noData: fail`, and pauses one with `inconclusive`', () => {
    assert.equal(
      judgeMeasurement(metric({ compare: COMPARE }), { result: null }, AT).measurement.phase,
      'Failed',
    );
    const inconclusive = { ...COMPARE, noData: 'inconclusive' as const };
    assert.equal(
      judgeMeasurement(metric({ compare: inconclusive }), { result: null }, AT).measurement.phase,
      'Inconclusive',
    );
  });

  it('baseline samples are compared, and the comparison is attached', () => {
    const j = judgeMeasurement(
      metric({ compare: COMPARE }),
      { result: { canary: [10, 11, 12, 10, 11], stable: [10, 11, 12, 10, 11] }, query: 'q' },
      AT,
    );
    assert.equal(j.measurement.phase, 'Successful');
    assert.equal(j.measurement.value, 11);
    assert.equal(
      j.measurement.condition,
      'canary median within +20% of stable median or p >= 0.05 (Mann-Whitney U)',
    );
    assert.ok(j.measurement.comparison, 'the comparison details are kept');
    assert.equal(j.summary, `measured ${j.measured}`);
    assert.equal(j.violation, undefined);
  });

  it('a failed comparison states the violation in its summary', () => {
    const j = judgeMeasurement(
      metric({ compare: COMPARE }),
      { result: { canary: [30, 31, 32, 30, 31, 33], stable: [10, 11, 12, 10, 11, 12] } },
      AT,
    );
    assert.equal(j.measurement.phase, 'Failed');
    assert.ok(j.violation);
    assert.equal(j.summary, `measured ${j.measured} ${j.violation}`);
  });
});

describe('errorMeasurement', () => {
  it('an error the provider threw, with the query it attached', () => {
    const err = Object.assign(new Error('connection refused'), { query: 'rate(x[1m])' });
    assert.deepEqual(errorMeasurement(metric({ threshold: { max: 1 }, dryRun: true }), err, AT), {
      measurement: {
        metric: 'error-rate',
        provider: 'prometheus',
        at: '2026-05-01T12:00:00.000Z',
        phase: 'Error',
        value: null,
        condition: 'result <= 1',
        query: 'rate(x[1m])',
        message: 'connection refused',
        dryRun: true,
      },
      measured: 'error',
      violation: 'connection refused',
      summary: 'connection refused',
    });
  });

  it('a query given wins; a thrown non-Error is its text; a comparison names its own condition', () => {
    const given = errorMeasurement(
      metric(),
      Object.assign(new Error('x'), { query: 'attached' }),
      AT,
      'given',
    );
    assert.equal(given.measurement.query, 'given');
    const text = errorMeasurement(metric(), 'plain failure', AT);
    assert.equal(text.measurement.message, 'plain failure');
    assert.equal('query' in text.measurement, false);
    assert.equal('condition' in text.measurement, false);
    const badQuery = errorMeasurement(metric(), Object.assign(new Error('x'), { query: 42 }), AT);
    assert.equal('query' in badQuery.measurement, false);
    const compared = errorMeasurement(
      metric({ compare: COMPARE, threshold: { max: 1 } }),
      new Error('x'),
      AT,
    );
    assert.match(compared.measurement.condition ?? '', /Mann-Whitney U/);
  });
});
