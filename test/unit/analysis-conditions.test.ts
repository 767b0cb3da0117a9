import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkCondition,
  compileCondition,
  conditionText,
  ConditionError,
  evaluateConditions,
  formatValue,
} from '../../src/analysis/conditions.ts';
import { isNoData, judgeMeasurement } from '../../src/analysis/judge.ts';
import type { AnyMetric, MetricSpec } from '../../src/analysis/spec.ts';

function metric(fields: Partial<AnyMetric> & Record<string, unknown>): MetricSpec {
  // Any provider's metric: these tests judge results, whatever measured them.
  return {
    name: 'm',
    provider: 'prometheus',
    failureLimit: 0,
    inconclusiveLimit: 0,
    consecutiveErrorLimit: 4,
    dryRun: false,
    phase: 'pre-promotion',
    ...fields,
  } as MetricSpec;
}

describe('threshold', () => {
  it('judges scalars against inclusive bounds', () => {
    assert.equal(evaluateConditions({ threshold: { max: 0.05 } }, 0.05).phase, 'Successful');
    const high = evaluateConditions({ threshold: { max: 0.05 } }, 0.2);
    assert.deepEqual(high, { phase: 'Failed', measured: '0.2', violation: '> max 0.05' });
    assert.deepEqual(evaluateConditions({ threshold: { min: 0.99 } }, 0.9), {
      phase: 'Failed',
      measured: '0.9',
      violation: '< min 0.99',
    });
    assert.equal(evaluateConditions({ threshold: { min: 1, max: 2 } }, 1.5).phase, 'Successful');
  });

  it('treats a single-element vector as its scalar and judges every element of a longer one', () => {
    assert.equal(evaluateConditions({ threshold: { max: 0.05 } }, [0.01]).phase, 'Successful');
    assert.deepEqual(evaluateConditions({ threshold: { max: 0.05 } }, [0.01, 0.3, 0.02]), {
      phase: 'Failed',
      measured: '0.3',
      violation: '> max 0.05',
    });
    // NaN series are skipped; only NaN is not a pass.
    assert.equal(evaluateConditions({ threshold: { max: 0.05 } }, [NaN, 0.01]).phase, 'Successful');
    assert.equal(evaluateConditions({ threshold: { max: 0.05 } }, [NaN]).phase, 'Inconclusive');
  });

  it('cannot judge text: Error', () => {
    assert.equal(evaluateConditions({ threshold: { max: 1 } }, 'ok').phase, 'Error');
  });

  it('+Inf breaks a max', () => {
    assert.deepEqual(evaluateConditions({ threshold: { max: 1 } }, [Infinity]), {
      phase: 'Failed',
      measured: '+Inf',
      violation: '> max 1',
    });
  });
});

describe('CEL conditions', () => {
  it('successCondition alone: true passes, false fails', () => {
    assert.equal(evaluateConditions({ successCondition: 'result[0] < 0.05' }, [0.01]).phase, 'Successful');
    const failed = evaluateConditions({ successCondition: 'result[0] < 0.05' }, [0.2]);
    assert.equal(failed.phase, 'Failed');
    assert.equal(failed.violation, 'fails successCondition `result[0] < 0.05`');
  });

  it('failureCondition alone: true fails, false passes', () => {
    assert.equal(evaluateConditions({ failureCondition: 'result > 10' }, 11).phase, 'Failed');
    assert.equal(evaluateConditions({ failureCondition: 'result > 10' }, 9).phase, 'Successful');
  });

  it('both: failure wins, neither matching is Inconclusive', () => {
    const both = { successCondition: 'result < 1', failureCondition: 'result > 5' };
    assert.equal(evaluateConditions(both, 0.5).phase, 'Successful');
    assert.equal(evaluateConditions(both, 6).phase, 'Failed');
    assert.equal(evaluateConditions(both, 3).phase, 'Inconclusive');
  });

  it('works over lists, maps and strings, with int literals against doubles', () => {
    assert.equal(compileCondition('result.all(x, x < 1)').evaluate([0.1, 0.5]), true);
    assert.equal(compileCondition('size(result) == 2 && result[1] > 0.4').evaluate([0.1, 0.5]), true);
    assert.equal(
      compileCondition('result.status == 200 && result.body.healthy').evaluate({
        status: 200,
        body: { healthy: true },
      }),
      true,
    );
    assert.equal(compileCondition('result == "ok"').evaluate('ok'), true);
    assert.equal(compileCondition('result <= 1').evaluate(1), true);
  });

  it('reports compile errors clearly, with the expression', () => {
    assert.equal(checkCondition('result[0] < 0.05'), undefined);
    assert.match(checkCondition('result <') ?? '', /^invalid condition `result <`: /);
    assert.match(checkCondition('results > 1') ?? '', /Unknown variable: results/);
    assert.match(checkCondition('result + 1') ?? '', /must be true or false, but it yields int/);
    assert.throws(() => compileCondition('1 + "a"'), ConditionError);
  });

  it('an expression that cannot be evaluated on the result is an Error, not a verdict', () => {
    const verdict = evaluateConditions({ successCondition: 'result < 1' }, [0.5, 0.6]);
    assert.equal(verdict.phase, 'Error');
    assert.match(verdict.violation ?? '', /cannot be evaluated on \[0\.5, 0\.6\]/);
  });

  it('combines with a threshold: any failure fails', () => {
    assert.equal(
      evaluateConditions({ threshold: { max: 1 }, successCondition: 'result > 0.5' }, 0.7).phase,
      'Successful',
    );
    assert.equal(
      evaluateConditions({ threshold: { max: 1 }, successCondition: 'result > 0.5' }, 0.2).phase,
      'Failed',
    );
    assert.equal(
      evaluateConditions({ threshold: { max: 1 }, successCondition: 'result > 0.5' }, 2).phase,
      'Failed',
    );
  });

  it('no condition at all is Inconclusive', () => {
    assert.equal(evaluateConditions({}, 1).phase, 'Inconclusive');
  });
});

describe('texts', () => {
  it('renders conditions and values for reports', () => {
    assert.equal(conditionText({ threshold: { max: 0.05 } }), 'result <= 0.05');
    assert.equal(conditionText({ threshold: { min: 0.9 } }), 'result >= 0.9');
    assert.equal(
      conditionText({ threshold: { min: 1, max: 2 }, successCondition: 'result != 1.5' }),
      '1 <= result <= 2 && result != 1.5',
    );
    assert.equal(conditionText({ failureCondition: 'result > 3' }), '!(result > 3)');
    assert.equal(conditionText({}), undefined);
    assert.equal(formatValue(0.123456789), '0.1235');
    assert.equal(formatValue([1, 2]), '[1, 2]');
    assert.equal(formatValue(-Infinity), '-Inf');
    assert.equal(formatValue(null), 'no data');
  });
});

describe('judgeMeasurement and no data', () => {
  const at = new Date('2026-01-01T00:00:00Z');

  it('no data is never Successful', () => {
    for (const result of [null, undefined, NaN, [], [NaN, NaN]])
      assert.equal(isNoData(result), true, String(result));
    for (const result of [null, [], NaN]) {
      // Even a failureCondition-only metric, which a NaN would pass in Argo.
      const j = judgeMeasurement(metric({ failureCondition: 'result[0] > 0.05' }), { result }, at);
      assert.equal(j.measurement.phase, 'Inconclusive');
      assert.equal(j.measurement.value, null);
      assert.equal(j.measurement.message, 'no data');
    }
  });

  it('a judged measurement carries value, condition, query and message', () => {
    const j = judgeMeasurement(
      metric({ name: 'error-rate', threshold: { max: 0.05 } }),
      { result: [0.2], query: 'q' },
      at,
    );
    assert.deepEqual(j.measurement, {
      metric: 'error-rate',
      provider: 'prometheus',
      at: '2026-01-01T00:00:00.000Z',
      query: 'q',
      condition: 'result <= 0.05',
      phase: 'Failed',
      value: 0.2,
      message: '0.2 > max 0.05',
    });
    assert.equal(j.summary, 'measured 0.2 > max 0.05');
  });

  it('a provider verdict decides by itself', () => {
    const j = judgeMeasurement(
      metric({ provider: 'job' }),
      { result: 'Failed', verdict: 'Failed', message: 'Job x failed' },
      at,
    );
    assert.equal(j.measurement.phase, 'Failed');
    assert.equal(j.summary, 'Job x failed');
  });
});
