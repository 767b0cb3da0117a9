import {
  comparisonConditionText,
  isBaselineSamples,
  judgeComparison,
  type BaselineSamples,
} from './compare.ts';
import { conditionText, evaluateConditions, formatValue, type ShowValue } from './conditions.ts';
import { keepText, redactThenCut, type Redact } from '../cut.ts';
import type { RawMeasurement } from './provider.ts';
import type { BaselineComparison, Measurement } from './types.ts';
import { comparisonOf, type MetricSpec } from './spec.ts';

/**
 * Turns one raw measurement into a Measurement with its phase. Pure.
 *
 * No-data rule: a result of null/undefined, NaN, an empty list or a list of only NaN is never
 * Successful. It is Inconclusive with the message `no data` — the run pauses for a human — except
 * for `compare: baseline` metrics with `noData: fail`, where it is Failed. (Argo lets a NaN make the
 * conditions false, which passes a `failureCondition`-only metric; we do not.)
 */

export interface Judgement {
  measurement: Measurement;
  /** The measured value as quoted in a reason line. */
  measured: string;
  /** What the value violated, e.g. `> max 0.05` (Failed / Inconclusive / Error only). */
  violation?: string;
  /** The whole phrase for a reason line after `metric (provider)`, e.g. `measured 0.2 > max 0.05`. */
  summary: string;
}

export function isNoData(result: unknown): boolean {
  if (result === null || result === undefined) return true;
  if (typeof result === 'number') return Number.isNaN(result);
  if (Array.isArray(result))
    return result.length === 0 || result.every((v) => typeof v === 'number' && Number.isNaN(v));
  return false;
}

/**
 * The value a report shows: numbers stay numbers (±Inf as text), everything else compact text,
 * redacted before it is shortened.
 */
export function reportValue(result: unknown, redact: Redact = keepText): number | string | null {
  if (isNoData(result)) return null;
  if (Array.isArray(result) && result.length === 1) return reportValue(result[0], redact);
  if (typeof result === 'number') return Number.isFinite(result) ? result : formatValue(result);
  if (typeof result === 'string') return redactThenCut(result, 200, redact);
  return formatValue(result, redact);
}

function base(metric: MetricSpec, raw: RawMeasurement, at: Date): Omit<Measurement, 'phase' | 'value'> {
  return {
    metric: metric.name,
    provider: metric.provider,
    at: at.toISOString(),
    ...(raw.query !== undefined ? { query: raw.query } : {}),
    ...(metric.dryRun ? { dryRun: true } : {}),
  };
}

/**
 * Judges one measurement: a baseline comparison, a provider's own verdict, no data, or the
 * conditions. The conditions see the value as measured; what the judgement quotes of it is
 * redacted with `redact` before it is shortened.
 */
export function judgeMeasurement(
  metric: MetricSpec,
  raw: RawMeasurement,
  at: Date,
  redact: Redact = keepText,
): Judgement {
  const common = base(metric, raw, at);
  const compare = comparisonOf(metric);
  if (compare && isBaselineSamples(raw.result)) return judgeBaseline(compare, raw.result, common);
  const condition = conditionText(metric);
  const withCondition = { ...common, ...(condition ? { condition } : {}) };
  const quoted: Quoted = { show: (value) => formatValue(value, redact), redact };
  if (raw.verdict) return providerVerdict(raw, raw.verdict, withCondition, quoted);
  // Argo's conditions see every result, empty or NaN ones too (`isNaN(result[0])`, `len(result)`):
  // one that cannot be evaluated on it is an Error, retried as Argo retries it.
  if (isNoData(raw.result) && metric.conditionLanguage !== 'argo')
    return noData(metric, raw, withCondition, quoted);
  return judgeConditions(metric, raw, withCondition, quoted);
}

/** How a judgement quotes the measured value. */
interface Quoted {
  show: ShowValue;
  redact: Redact;
}

type MeasurementBase = ReturnType<typeof base> & { condition?: string };

function judgeBaseline(
  compare: BaselineComparison,
  samples: BaselineSamples,
  common: MeasurementBase,
): Judgement {
  const verdict = judgeComparison(compare, samples);
  return {
    measurement: {
      ...common,
      phase: verdict.phase,
      value: verdict.value,
      condition: comparisonConditionText(compare),
      message: verdict.message,
      ...(verdict.comparison ? { comparison: verdict.comparison } : {}),
    },
    measured: verdict.measured,
    ...(verdict.violation ? { violation: verdict.violation } : {}),
    summary: `measured ${verdict.measured}${verdict.violation ? ` ${verdict.violation}` : ''}`,
  };
}

/** The provider decided by itself (a Job that completed or failed). */
function providerVerdict(
  raw: RawMeasurement,
  phase: 'Successful' | 'Failed',
  common: MeasurementBase,
  { show, redact }: Quoted,
): Judgement {
  const measured = show(raw.result);
  return {
    measurement: {
      ...common,
      phase,
      value: reportValue(raw.result, redact),
      ...(raw.message ? { message: raw.message } : {}),
    },
    measured,
    summary: raw.message ?? `${phase === 'Failed' ? 'failed' : 'succeeded'} (${measured})`,
  };
}

/** No data is Inconclusive (or Failed with `compare.noData: fail`): it never passes. */
function noData(
  metric: MetricSpec,
  raw: RawMeasurement,
  common: MeasurementBase,
  { show }: Quoted,
): Judgement {
  const phase = comparisonOf(metric)?.noData === 'fail' ? 'Failed' : 'Inconclusive';
  const measured =
    raw.result === null || raw.result === undefined || (Array.isArray(raw.result) && raw.result.length === 0)
      ? 'no data (empty result)'
      : `no data (${show(raw.result)})`;
  return {
    measurement: {
      ...common,
      phase,
      value: null,
      message: raw.message ? `no data: ${raw.message}` : 'no data',
    },
    measured,
    // The provider's explanation (e.g. how to make an empty error count read 0) reaches the pause reason.
    summary: raw.message ? `returned ${measured}: ${raw.message}` : `returned ${measured}`,
  };
}

function judgeConditions(
  metric: MetricSpec,
  raw: RawMeasurement,
  common: MeasurementBase,
  { show, redact }: Quoted,
): Judgement {
  const verdict = evaluateConditions(metric, raw.result, show);
  // A condition that could not be evaluated explains itself; a verdict quotes value and violation.
  const statement =
    verdict.phase === 'Error'
      ? verdict.violation
      : verdict.violation && `${verdict.measured} ${verdict.violation}`;
  const message = statement ?? raw.message;
  return {
    measurement: {
      ...common,
      phase: verdict.phase,
      value: reportValue(raw.result, redact),
      ...(message ? { message } : {}),
    },
    measured: verdict.measured,
    ...(verdict.violation ? { violation: verdict.violation } : {}),
    summary: statement && verdict.phase === 'Error' ? statement : `measured ${statement ?? verdict.measured}`,
  };
}

/** A measurement that could not be taken (the provider threw, or timed out). */
export function errorMeasurement(metric: MetricSpec, error: unknown, at: Date, query?: string): Judgement {
  const message = error instanceof Error ? error.message : String(error);
  // Providers may attach the resolved query to the error they throw.
  query ??=
    typeof (error as { query?: unknown })?.query === 'string'
      ? (error as { query: string }).query
      : undefined;
  const compare = comparisonOf(metric);
  const condition = compare ? comparisonConditionText(compare) : conditionText(metric);
  return {
    measurement: {
      metric: metric.name,
      provider: metric.provider,
      at: at.toISOString(),
      phase: 'Error',
      value: null,
      ...(condition ? { condition } : {}),
      ...(query !== undefined ? { query } : {}),
      message,
      ...(metric.dryRun ? { dryRun: true } : {}),
    },
    measured: 'error',
    violation: message,
    summary: message,
  };
}
