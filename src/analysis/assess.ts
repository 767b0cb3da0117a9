/**
 * Argo Rollouts' rules for one metric, as pure functions of its measurements so far: when it has
 * ended and how, and the one line that says why.
 */
import type { Judgement } from './judge.ts';
import type { MeasurementPhase } from './types.ts';
import type { MetricSpec } from './spec.ts';

/** A metric that was stopped before its first measurement ends `Stopped` (it decides nothing). */
export type MetricEnd = MeasurementPhase | 'Stopped';

export interface MetricState {
  metric: MetricSpec;
  end?: MetricEnd;
  judgements: Judgement[];
}

export interface MetricTally {
  /** Measurements that count towards `count`: every one but the errored ones. */
  taken: number;
  successful: number;
  failed: number;
  inconclusive: number;
  /** Errors since the last measurement that was not one. */
  consecutiveErrors: number;
}

export function tally(judgements: readonly Judgement[]): MetricTally {
  const t: MetricTally = { taken: 0, successful: 0, failed: 0, inconclusive: 0, consecutiveErrors: 0 };
  for (const { measurement } of judgements) {
    if (measurement.phase === 'Error') {
      t.consecutiveErrors++;
      continue;
    }
    t.consecutiveErrors = 0;
    t.taken++;
    if (measurement.phase === 'Successful') t.successful++;
    else if (measurement.phase === 'Failed') t.failed++;
    else t.inconclusive++;
  }
  return t;
}

/**
 * Where the metric stands:
 * - `running`: more measurements may follow; only a crossed limit ends it (Error when consecutive
 *   errors > consecutiveErrorLimit, Failed when failed > failureLimit, Inconclusive when
 *   inconclusive > inconclusiveLimit).
 * - `complete`: all measurements were taken (or a background run drained): Successful if one
 *   succeeded, else Inconclusive — no data never passes.
 * - `stopped`: cut short from outside: as complete, but Stopped if nothing was measured.
 * Undefined means "still running".
 */
export function assessMetric(
  metric: MetricSpec,
  judgements: readonly Judgement[],
  progress: 'running' | 'complete' | 'stopped',
): MetricEnd | undefined {
  const t = tally(judgements);
  if (t.consecutiveErrors > metric.consecutiveErrorLimit) return 'Error';
  if (t.failed > metric.failureLimit) return 'Failed';
  if (t.inconclusive > metric.inconclusiveLimit) return 'Inconclusive';
  if (progress === 'running') return undefined;
  if (t.successful > 0) return 'Successful';
  return progress === 'stopped' && t.taken === 0 ? 'Stopped' : 'Inconclusive';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The evidence phrase for a set of judgements of one phase: shared violation, distinct values. */
function evidence(judgements: Judgement[]): string {
  const last = judgements[judgements.length - 1];
  if (!last) return 'no measurement';
  const violation = last.violation;
  if (violation && judgements.every((j) => j.violation === violation && j.summary.startsWith('measured '))) {
    const values = [...new Set(judgements.map((j) => j.measured))];
    const shown = values.length > 5 ? [...values.slice(0, 2), '…', ...values.slice(-2)] : values;
    return `measured ${shown.join(', ')} ${violation}`;
  }
  return last.summary;
}

/** One line quoting metric, provider, evidence and the limit that was crossed. */
export function describeOutcome(state: MetricState): string {
  const { metric } = state;
  const { taken, successful, failed, inconclusive, consecutiveErrors } = tally(state.judgements);
  const who = `${metric.name} (${metric.provider})`;
  const of = (n: number) => `in ${n} of ${plural(taken, 'measurement')}`;
  switch (state.end) {
    case 'Error': {
      const last = state.judgements[state.judgements.length - 1];
      return `${who}: ${plural(consecutiveErrors, 'consecutive error')} (consecutiveErrorLimit ${metric.consecutiveErrorLimit}): ${last?.summary ?? 'unknown error'}`;
    }
    case 'Failed':
      return `${who} ${evidence(state.judgements.filter((j) => j.measurement.phase === 'Failed'))} ${of(failed)} (failureLimit ${metric.failureLimit})`;
    case 'Inconclusive': {
      if (taken === 0) return `${who}: no measurement was taken`;
      const judged = state.judgements.filter((j) => j.measurement.phase === 'Inconclusive');
      if (judged.length === 0) return `${who}: no measurement succeeded`;
      return `${who} ${evidence(judged)} ${of(inconclusive)} (inconclusiveLimit ${metric.inconclusiveLimit})`;
    }
    case 'Stopped':
      return `${who}: stopped before its first measurement`;
    default: {
      const last = state.judgements.filter((j) => j.measurement.phase === 'Successful').at(-1);
      const condition = last?.measurement.condition ? ` (${last.measurement.condition})` : '';
      return `${who} ${last ? `${last.summary}${condition}` : 'passed'} ${of(successful)}`;
    }
  }
}
