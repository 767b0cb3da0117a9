import { Environment } from '@marcbachmann/cel-js';
import { compileExpr } from './expr/index.ts';
import type { ConditionLanguage, MetricCommon } from './types.ts';
import { keepText, redactThenCut, type Redact } from '../cut.ts';

/** How a measured value is quoted in a message: formatValue, with known secrets redacted. */
export type ShowValue = (value: unknown) => string;

/**
 * Conditions judge one measured `result`:
 *  - `threshold: {min, max}` (inclusive bounds) needs a number; a Prometheus vector is judged element
 *    by element (NaN elements skipped), so a single-element vector acts as its scalar.
 *  - `successCondition` / `failureCondition` are CEL expressions over `result` (a vector is a list:
 *    `result[0] < 0.05`), or Argo's expr language for metrics from Argo AnalysisTemplates
 *    (`conditionLanguage: argo`, see ./expr/). Argo's rules: both set → failure wins, then success, else Inconclusive;
 *    only success → false is Failed; only failure → false is Successful.
 *  - Several kinds together: any Error → Error, any Failed → Failed, any Inconclusive →
 *    Inconclusive, else Successful. Nothing set → Inconclusive (a human decides).
 */

export class ConditionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConditionError';
  }
}

export interface CompiledCondition {
  readonly source: string;
  /** Throws ConditionError (quoting the value with `show`) when it cannot be evaluated on this result. */
  evaluate(result: unknown, show?: ShowValue): boolean;
}

// One environment for every expression; `result` is dynamic (number, list, map or string).
const celEnv = new Environment().registerVariable('result', 'dyn');
const compiled = new Map<string, CompiledCondition>();

function firstLine(message: string): string {
  return message.split('\n')[0]?.trim() ?? message;
}

/** Compiles (once per distinct text) and checks a condition; throws ConditionError. */
export function compileCondition(expr: string, language: ConditionLanguage = 'cel'): CompiledCondition {
  const key = `${language}:${expr}`;
  const cached = compiled.get(key);
  if (cached) return cached;
  const condition = language === 'argo' ? compileArgo(expr) : compileCel(expr);
  compiled.set(key, condition);
  return condition;
}

function compileCel(expr: string): CompiledCondition {
  let program: (vars: Record<string, unknown>) => unknown;
  try {
    const parsed = celEnv.parse(expr);
    const check = parsed.check();
    if (!check.valid)
      throw new ConditionError(
        `invalid condition \`${expr}\`: ${firstLine(check.error?.message ?? 'type error')}`,
      );
    const type = String(check.type);
    if (type !== 'bool' && type !== 'dyn')
      throw new ConditionError(`condition \`${expr}\` must be true or false, but it yields ${type}`);
    program = parsed as unknown as (vars: Record<string, unknown>) => unknown;
  } catch (err) {
    if (err instanceof ConditionError) throw err;
    throw new ConditionError(`invalid condition \`${expr}\`: ${firstLine((err as Error).message)}`);
  }
  const condition: CompiledCondition = {
    source: expr,
    evaluate(result: unknown, show: ShowValue = formatValue): boolean {
      let value: unknown;
      try {
        value = program({ result: result === undefined ? null : result });
      } catch (err) {
        throw new ConditionError(
          `\`${expr}\` cannot be evaluated on ${show(result)}: ${firstLine((err as Error).message)}`,
        );
      }
      return booleanOf(expr, value, show);
    },
  };
  return condition;
}

function compileArgo(expr: string): CompiledCondition {
  let program: ReturnType<typeof compileExpr>;
  try {
    program = compileExpr(expr);
  } catch (err) {
    throw new ConditionError(`invalid condition \`${expr}\`: ${firstLine((err as Error).message)}`);
  }
  return {
    source: expr,
    evaluate(result: unknown, show: ShowValue = formatValue): boolean {
      let value: unknown;
      try {
        value = program.evaluate(result ?? null);
      } catch (err) {
        throw new ConditionError(
          `\`${expr}\` cannot be evaluated on ${show(result)}: ${firstLine((err as Error).message)}`,
        );
      }
      return booleanOf(expr, value, show);
    },
  };
}

function booleanOf(expr: string, value: unknown, show: ShowValue): boolean {
  if (typeof value !== 'boolean')
    throw new ConditionError(`\`${expr}\` yielded ${show(value)}, not true or false`);
  return value;
}

/** For config validation: the error text, or undefined when the expression compiles. */
export function checkCondition(expr: string, language: ConditionLanguage = 'cel'): string | undefined {
  try {
    compileCondition(expr, language);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * Compact, readable rendering of a measured value for messages and reports. A value quoted as text
 * is redacted before it is shortened.
 */
export function formatValue(value: unknown, redact: Redact = keepText): string {
  if (value === null || value === undefined) return 'no data';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
  }
  if (typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) {
    const shown = value.slice(0, 5).map((v) => formatValue(v, redact));
    return `[${shown.join(', ')}${value.length > 5 ? `, … ${value.length - 5} more` : ''}]`;
  }
  return redactThenCut(JSON.stringify(value) ?? String(value), 120, redact);
}

export function thresholdText(threshold: { min?: number; max?: number }): string {
  const { min, max } = threshold;
  if (min !== undefined && max !== undefined) return `${min} <= result <= ${max}`;
  if (max !== undefined) return `result <= ${max}`;
  if (min !== undefined) return `result >= ${min}`;
  return 'result (no bounds)';
}

/** Human-readable text of everything a measurement must satisfy, e.g. `result <= 0.05`. */
export function conditionText(
  metric: Pick<MetricCommon, 'threshold' | 'successCondition' | 'failureCondition'>,
): string | undefined {
  const parts: string[] = [];
  if (metric.threshold) parts.push(thresholdText(metric.threshold));
  if (metric.successCondition) parts.push(metric.successCondition);
  if (metric.failureCondition) parts.push(`!(${metric.failureCondition})`);
  return parts.length ? parts.join(' && ') : undefined;
}

export interface ConditionVerdict {
  phase: 'Successful' | 'Failed' | 'Inconclusive' | 'Error';
  /** The value as quoted in messages (for a vector under a threshold: the offending element). */
  measured: string;
  /** What went wrong, to follow the measured value: `> max 0.05`, `fails successCondition ...`. */
  violation?: string;
}

function judgeThreshold(
  threshold: { min?: number; max?: number },
  result: unknown,
  show: ShowValue,
): ConditionVerdict {
  const values =
    typeof result === 'number'
      ? [result]
      : Array.isArray(result) && result.every((v) => typeof v === 'number')
        ? (result as number[])
        : undefined;
  if (!values)
    return {
      phase: 'Error',
      measured: show(result),
      violation: `is not a number, so threshold ${thresholdText(threshold)} cannot judge it`,
    };
  const judged = values.filter((v) => !Number.isNaN(v));
  if (judged.length === 0)
    return { phase: 'Inconclusive', measured: show(result), violation: 'has no value (NaN)' };
  const { min, max } = threshold;
  const highest = Math.max(...judged);
  const lowest = Math.min(...judged);
  if (max !== undefined && highest > max)
    return { phase: 'Failed', measured: show(highest), violation: `> max ${max}` };
  if (min !== undefined && lowest < min)
    return { phase: 'Failed', measured: show(lowest), violation: `< min ${min}` };
  return { phase: 'Successful', measured: show(judged.length === 1 ? judged[0] : judged) };
}

type JudgedFields = 'threshold' | 'successCondition' | 'failureCondition' | 'conditionLanguage';

function judgeExpressions(
  metric: Pick<MetricCommon, Exclude<JudgedFields, 'threshold'>>,
  result: unknown,
  show: ShowValue,
): ConditionVerdict {
  const measured = show(result);
  const compile = (expr: string) => compileCondition(expr, metric.conditionLanguage);
  try {
    if (metric.failureCondition && compile(metric.failureCondition).evaluate(result, show)) {
      return {
        phase: 'Failed',
        measured,
        violation: `meets failureCondition \`${metric.failureCondition}\``,
      };
    }
    if (metric.successCondition) {
      if (compile(metric.successCondition).evaluate(result, show)) return { phase: 'Successful', measured };
      if (metric.failureCondition) {
        return {
          phase: 'Inconclusive',
          measured,
          violation: `meets neither successCondition \`${metric.successCondition}\` nor failureCondition`,
        };
      }
      return {
        phase: 'Failed',
        measured,
        violation: `fails successCondition \`${metric.successCondition}\``,
      };
    }
    return { phase: 'Successful', measured };
  } catch (err) {
    return { phase: 'Error', measured, violation: (err as Error).message };
  }
}

/** Applies every condition the metric sets to `result` (which must not be "no data"). */
export function evaluateConditions(
  metric: Pick<MetricCommon, JudgedFields>,
  result: unknown,
  show: ShowValue = formatValue,
): ConditionVerdict {
  const verdicts: ConditionVerdict[] = [];
  if (metric.threshold) verdicts.push(judgeThreshold(metric.threshold, result, show));
  if (metric.successCondition || metric.failureCondition)
    verdicts.push(judgeExpressions(metric, result, show));
  if (verdicts.length === 0)
    return {
      phase: 'Inconclusive',
      measured: show(result),
      violation: 'has no condition to judge it (set threshold, successCondition or failureCondition)',
    };
  for (const phase of ['Error', 'Failed', 'Inconclusive'] as const) {
    const found = verdicts.find((v) => v.phase === phase);
    if (found) return found;
  }
  return verdicts[0]!;
}
