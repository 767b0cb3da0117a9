// Argo Rollouts' condition language (src/analysis/expr/) and how conditions and measurements use it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCondition, evaluateConditions } from '../../src/analysis/conditions.ts';
import { compileExpr, ExprEvalError, ExprSyntaxError } from '../../src/analysis/expr/index.ts';
import { judgeMeasurement } from '../../src/analysis/judge.ts';
import type { AnyMetric, MetricSpec } from '../../src/analysis/spec.ts';

const value = (source: string, result: unknown) => compileExpr(source).evaluate(result);

describe('Argo expressions: values', () => {
  const cases: [source: string, result: unknown, expected: unknown][] = [
    ['result[0] >= 0.95', [0.97], true],
    ['result[0] >= 0.95', [0.9], false],
    ['result[0] >= 1', [1.0], true],
    ['result == 1', 1.0, true],
    ['result[-1] > 1', [0, 2], true],
    ['len(result) == 0', [], true],
    ['len(result) > 0 and result[0] < 0.05', [0.01], true],
    ['len(result) > 0 && result[0] < 0.05', [0.2], false],
    ['len(result)', 'abc', 3],
    ['isNaN(result)', Number.NaN, true],
    ['isNaN(result[0]) || result[0] >= 0.9', [Number.NaN], true],
    ['result[0] >= 0.9', [Number.NaN], false],
    ['isInf(result)', Number.POSITIVE_INFINITY, true],
    ['all(result, {# > 0.9})', [0.95, 0.99], true],
    ['all(result, {# > 0.9})', [0.95, 0.2], false],
    ['any(result, # < 0.5)', [0.95, 0.2], true],
    ['none(result, {# < 0})', [1, 2], true],
    ['one(result, {# == 2})', [1, 2, 3], true],
    ['count(result, {# > 1}) == 2', [1, 2, 3], true],
    ['filter(result, {# > 1})', [1, 2, 3], [2, 3]],
    ['map(result, {# * 2})', [1, 2], [2, 4]],
    ['max(result) < 0.5 and min(result) > 0.1', [0.2, 0.3], true],
    ['sum(result) / len(result)', [1, 3], 2],
    ['result[0] * 100 >= 95', [0.97], true],
    ['not (result[0] > 1)', [0.5], true],
    ['!(result[0] > 1)', [2], false],
    ['result == "true"', 'true', true],
    ['result.ok == true && result.latency < 200', { ok: true, latency: 120 }, true],
    ['result.missing == nil', { ok: true }, true],
    ['result.a?.b == nil', { a: null }, true],
    ['result.status ?? "none"', {}, 'none'],
    ['result in [1, 2]', 2, true],
    ['"ok" in result', { ok: 1 }, true],
    ['result matches "^ok"', 'okay', true],
    ['result contains "ka"', 'okay', true],
    ['result startsWith "ok" && result endsWith "ay"', 'okay', true],
    ['asFloat(result) > 1.5', '2.5', true],
    ['asInt(result) == 2', 2.7, true],
    ['isNil(result)', null, true],
    ['default(result, 0) == 0', null, true],
    ['default(result, 0) == 3', 3, true],
    ['result > 1 ? "high" : "low"', 2, 'high'],
    ['[1, 2] == result', [1, 2], true],
  ];
  for (const [source, result, expected] of cases) {
    it(`${source} on ${JSON.stringify(result)} → ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(value(source, result), expected);
    });
  }
});

describe('Argo expressions: errors', () => {
  it('refuses unknown names, unsupported operators, misplaced # and bad arities when compiled', () => {
    assert.throws(() => compileExpr('foo > 1'), /unknown name 'foo'/);
    assert.throws(() => compileExpr('result === 1'), /operator === is not supported/);
    assert.throws(() => compileExpr('# > 1'), /only valid inside a predicate/);
    assert.throws(() => compileExpr('len(result, 1) > 0'), /len\(\) takes 1 argument, got 2/);
    assert.throws(() => compileExpr('launch(result)'), /unknown function launch\(\)/);
    assert.throws(() => compileExpr('result >'), ExprSyntaxError);
    assert.throws(() => compileExpr('all(result, {# > 1)'), ExprSyntaxError);
    assert.throws(() => compileExpr(''), /empty/);
  });

  it('fails at evaluation as expr does: index out of range, mixed types, non-bool logic', () => {
    assert.throws(
      () => value('result[0] >= 0.95', []),
      (e) => e instanceof ExprEvalError && /index out of range/.test(e.message),
    );
    assert.throws(() => value('result > 1', 'text'), /invalid operation: string > int/);
    assert.throws(() => value('result and true', 1), /expected bool/);
    assert.throws(() => value('result matches "("', 'x'), /invalid pattern/);
  });
});

describe('Argo conditions in metrics (conditionLanguage: argo)', () => {
  const metric = (fields: Partial<AnyMetric> & Record<string, unknown>): MetricSpec =>
    ({
      name: 'success-rate',
      provider: 'prometheus',
      failureLimit: 0,
      inconclusiveLimit: 0,
      consecutiveErrorLimit: 4,
      dryRun: false,
      phase: 'pre-promotion',
      conditionLanguage: 'argo',
      ...fields,
    }) as MetricSpec;

  it("follows Argo's precedence: failure wins, then success, else Inconclusive", () => {
    const both = metric({ successCondition: 'result[0] >= 0.95', failureCondition: 'result[0] < 0.9' });
    assert.equal(evaluateConditions(both, [0.97]).phase, 'Successful');
    assert.equal(evaluateConditions(both, [0.5]).phase, 'Failed');
    assert.equal(evaluateConditions(both, [0.92]).phase, 'Inconclusive');
    assert.equal(
      evaluateConditions(metric({ successCondition: 'result[0] >= 0.95' }), [0.5]).phase,
      'Failed',
    );
    assert.equal(
      evaluateConditions(metric({ failureCondition: 'result[0] > 0.05' }), [0.01]).phase,
      'Successful',
    );
  });

  it('an expression that is not true or false is an Error', () => {
    assert.equal(evaluateConditions(metric({ successCondition: 'result[0]' }), [0.5]).phase, 'Error');
  });

  it('hands empty and NaN results to the expression, as Argo does (CEL metrics keep the no-data rule)', () => {
    const at = new Date(0);
    const empty = judgeMeasurement(metric({ successCondition: 'result[0] >= 0.95' }), { result: [] }, at);
    assert.equal(empty.measurement.phase, 'Error');
    assert.match(empty.measurement.message ?? '', /index out of range/);
    const guarded = judgeMeasurement(
      metric({ successCondition: 'len(result) == 0 || result[0] >= 0.95' }),
      { result: [] },
      at,
    );
    assert.equal(guarded.measurement.phase, 'Successful');
    const nan = judgeMeasurement(
      metric({ successCondition: 'isNaN(result[0])' }),
      { result: [Number.NaN] },
      at,
    );
    assert.equal(nan.measurement.phase, 'Successful');
    const cel = judgeMeasurement(
      metric({ conditionLanguage: 'cel', successCondition: 'result[0] >= 0.95' }),
      { result: [] },
      at,
    );
    assert.equal(cel.measurement.phase, 'Inconclusive');
  });

  it('checks an Argo expression with the Argo language and a CEL one with CEL', () => {
    assert.equal(checkCondition('len(result) > 0 and all(result, {# < 1})', 'argo'), undefined);
    assert.match(checkCondition('len(result) > 0', 'cel') ?? '', /invalid condition/);
    assert.match(checkCondition('result[0] >= ', 'argo') ?? '', /invalid condition/);
  });
});
