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

describe('threshold bounds over a vector', () => {
  it('a min is judged on the lowest element: one element below it fails the vector', () => {
    assert.deepEqual(evaluateConditions({ threshold: { min: 0.9 } }, [0.99, 0.5, 0.95]), {
      phase: 'Failed',
      measured: '0.5',
      violation: '< min 0.9',
    });
    assert.equal(evaluateConditions({ threshold: { min: 0.9 } }, [0.9, 0.95]).phase, 'Successful');
  });

  it('a max is judged on the highest element, the bound itself passing', () => {
    assert.equal(evaluateConditions({ threshold: { max: 0.05 } }, [0.05, 0.01]).phase, 'Successful');
    assert.equal(evaluateConditions({ threshold: { max: 0.05 } }, [0.01, 0.0501]).phase, 'Failed');
  });

  it('both bounds: each is checked, the value quoted is the one that broke it', () => {
    const both = { threshold: { min: 1, max: 2 } };
    assert.deepEqual(evaluateConditions(both, [1.5, 2.5]), {
      phase: 'Failed',
      measured: '2.5',
      violation: '> max 2',
    });
    assert.deepEqual(evaluateConditions(both, [0.5, 1.5]), {
      phase: 'Failed',
      measured: '0.5',
      violation: '< min 1',
    });
    assert.deepEqual(evaluateConditions(both, [1, 2]), { phase: 'Successful', measured: '[1, 2]' });
    assert.deepEqual(evaluateConditions(both, [NaN, 1.25]), { phase: 'Successful', measured: '1.25' });
  });

  it('a list that is not all numbers cannot be judged by a threshold', () => {
    assert.deepEqual(evaluateConditions({ threshold: { max: 1 } }, [0.5, 'x']), {
      phase: 'Error',
      measured: '[0.5, "x"]',
      violation: 'is not a number, so threshold result <= 1 cannot judge it',
    });
    assert.deepEqual(evaluateConditions({ threshold: { min: 1 } }, [NaN, NaN]), {
      phase: 'Inconclusive',
      measured: '[NaN, NaN]',
      violation: 'has no value (NaN)',
    });
  });
});

describe('several conditions: Error, then Failed, then Inconclusive, then Successful', () => {
  // A threshold and a CEL condition judge the same result; each pair below disagrees.
  it('an Error wins over a Failed threshold', () => {
    const verdict = evaluateConditions({ threshold: { max: 1 }, successCondition: 'result < 1' }, [5, 6]);
    assert.equal(verdict.phase, 'Error');
    assert.match(verdict.violation ?? '', /^`result < 1` cannot be evaluated on \[5, 6\]/);
  });

  it('an Error wins over an Inconclusive threshold', () => {
    const verdict = evaluateConditions({ threshold: { max: 1 }, successCondition: 'result < 1' }, [NaN, NaN]);
    assert.equal(verdict.phase, 'Error');
  });

  it('a Failed threshold wins over an Inconclusive CEL verdict', () => {
    const metric = { threshold: { max: 1 }, successCondition: 'result < 1', failureCondition: 'result > 50' };
    assert.deepEqual(evaluateConditions(metric, 5), { phase: 'Failed', measured: '5', violation: '> max 1' });
  });

  it('a Failed CEL verdict wins over an Inconclusive threshold', () => {
    const verdict = evaluateConditions({ threshold: { max: 1 }, failureCondition: 'size(result) == 2' }, [
      NaN,
      NaN,
    ]);
    assert.equal(verdict.phase, 'Failed');
    assert.equal(verdict.violation, 'meets failureCondition `size(result) == 2`');
  });

  it('an Inconclusive threshold wins over a Successful CEL verdict', () => {
    const verdict = evaluateConditions({ threshold: { max: 1 }, successCondition: 'size(result) == 1' }, [
      NaN,
    ]);
    assert.deepEqual(verdict, { phase: 'Inconclusive', measured: '[NaN]', violation: 'has no value (NaN)' });
  });

  it('all Successful: the threshold’s reading of the value is quoted', () => {
    assert.deepEqual(
      evaluateConditions({ threshold: { max: 1 }, successCondition: 'size(result) == 1' }, [0.5]),
      {
        phase: 'Successful',
        measured: '0.5',
      },
    );
  });
});

describe('CEL edges', () => {
  it('both conditions set and neither met: Inconclusive, naming both', () => {
    assert.deepEqual(
      evaluateConditions({ successCondition: 'result < 1', failureCondition: 'result > 5' }, 3),
      {
        phase: 'Inconclusive',
        measured: '3',
        violation: 'meets neither successCondition `result < 1` nor failureCondition',
      },
    );
  });

  it('a failureCondition alone that is not met passes without a violation', () => {
    assert.deepEqual(evaluateConditions({ failureCondition: 'result > 10' }, 9), {
      phase: 'Successful',
      measured: '9',
    });
  });

  it('an undefined result is CEL null; an expression that yields no boolean is an error', () => {
    assert.equal(compileCondition('result == null').evaluate(undefined), true);
    assert.throws(
      () => compileCondition('result.x').evaluate({ x: 3 }),
      (err: unknown) =>
        err instanceof ConditionError && err.message === '`result.x` yielded 3, not true or false',
    );
  });

  it('compiles each text once', () => {
    assert.equal(compileCondition('result > 2'), compileCondition('result > 2'));
    assert.notEqual(compileCondition('result > 2'), compileCondition('result > 3'));
  });

  it('an error names the expression and the first line of the reason only', () => {
    const message = checkCondition('result <') ?? '';
    assert.ok(!message.includes('\n'), message);
    assert.match(
      checkCondition('"text"') ?? '',
      /^condition `"text"` must be true or false, but it yields string$/,
    );
  });
});

describe('formatValue and thresholdText', () => {
  it('renders numbers compactly, lists up to five, and long JSON cut at 120 characters', () => {
    assert.equal(formatValue(undefined), 'no data');
    assert.equal(formatValue(NaN), 'NaN');
    assert.equal(formatValue(Infinity), '+Inf');
    assert.equal(formatValue(42), '42');
    assert.equal(formatValue(123456.789), '123500');
    assert.equal(formatValue(10n), '10');
    assert.equal(formatValue([1, 2, 3, 4, 5]), '[1, 2, 3, 4, 5]');
    assert.equal(formatValue([1, 2, 3, 4, 5, 6, 7]), '[1, 2, 3, 4, 5, … 2 more]');
    assert.equal(formatValue({ status: 200 }), '{"status":200}');
    assert.equal(formatValue('ok'), '"ok"');
    const long = formatValue({ text: 'x'.repeat(200) });
    assert.equal(long.length, 120);
    assert.ok(long.endsWith('...') && long.startsWith('{"text":"xxx'));
    assert.equal(formatValue('y'.repeat(118)), `"${'y'.repeat(118)}"`, '120 characters are kept whole');
  });

  it('names the bounds a threshold sets', () => {
    assert.equal(conditionText({ threshold: {} }), 'result (no bounds)');
    assert.equal(conditionText({ threshold: { min: 0, max: 0 } }), '0 <= result <= 0');
    assert.equal(conditionText({ threshold: { min: 0 } }), 'result >= 0');
    assert.equal(conditionText({ threshold: { max: 0 } }), 'result <= 0');
    assert.equal(conditionText({ successCondition: 'a', failureCondition: 'b' }), 'a && !(b)');
  });
});
