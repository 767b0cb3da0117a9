import { sleep as defaultSleep } from '../duration.ts';
import { errorMeasurement, judgeMeasurement, type Judgement } from './judge.ts';
import type { MetricProvider, ProviderContext } from './provider.ts';
import type { AnalysisResult, Measurement, MeasurementPhase, MetricSpec, ProviderName } from './types.ts';

/**
 * Runs a set of metrics with Argo Rollouts' semantics, concurrently, one loop per metric:
 *
 * - `initialDelayMs` before the first measurement; no interval → one measurement; `count` unset with
 *   an interval → one measurement inline, unbounded in the background (until the caller aborts).
 * - Failed when failed measurements > `failureLimit`; Inconclusive when inconclusive >
 *   `inconclusiveLimit`; Error when consecutive errors > `consecutiveErrorLimit`. An errored
 *   measurement (provider threw, or a condition could not be evaluated) does not use up `count`:
 *   it is retried after min(interval, 10 s).
 * - A metric whose measurements stayed within the limits but never had one Successful measurement
 *   (e.g. only tolerated "no data") ends Inconclusive: no data never passes.
 * - dryRun metrics are measured and recorded but never decide.
 * - Overall: the first deciding metric to end Failed or Error decides at once and stops the others;
 *   otherwise Inconclusive if any deciding metric is, else Successful. In the background a deciding
 *   Inconclusive also stops the run (it would otherwise run forever).
 * - Cancelling `deps.signal`: inline, runAnalysis rejects with the signal's reason; in the
 *   background it is how the caller ends the run, and it resolves with the verdict so far (a
 *   deciding metric that had not measured yet makes it Inconclusive). To end a background run
 *   gracefully instead (e.g. once a rolling update is done), fire `opts.drain`.
 */

export const ERROR_RETRY_MS = 10_000;

export interface RunDeps {
  providers: Record<ProviderName, MetricProvider>;
  ctx: ProviderContext;
  signal: AbortSignal;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  now?: () => Date;
  onMeasurement?: (m: Measurement) => void;
}

export interface RunOptions {
  /** Background analysis: `count` unset means "until stopped". */
  background?: boolean;
  /**
   * Background only: the graceful end. Once it fires, a metric without a `count` stops after its
   * first measurement (or at once if it has one), without waiting for its next interval; metrics
   * with a `count` still take all of them. The run then resolves with the full verdict.
   */
  drain?: AbortSignal;
}

type MetricEnd = MeasurementPhase | 'Stopped';

interface MetricState {
  metric: MetricSpec;
  end?: MetricEnd;
  judgements: Judgement[];
  taken: number;
  successful: number;
  failed: number;
  inconclusive: number;
  consecutiveErrors: number;
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
  const who = `${metric.name} (${metric.provider})`;
  const of = (n: number) => `in ${n} of ${plural(state.taken, 'measurement')}`;
  switch (state.end) {
    case 'Error': {
      const last = state.judgements[state.judgements.length - 1];
      return `${who}: ${plural(state.consecutiveErrors, 'consecutive error')} (consecutiveErrorLimit ${metric.consecutiveErrorLimit}): ${last?.summary ?? 'unknown error'}`;
    }
    case 'Failed':
      return `${who} ${evidence(state.judgements.filter((j) => j.measurement.phase === 'Failed'))} ${of(state.failed)} (failureLimit ${metric.failureLimit})`;
    case 'Inconclusive': {
      if (state.taken === 0) return `${who}: no measurement was taken`;
      const inconclusive = state.judgements.filter((j) => j.measurement.phase === 'Inconclusive');
      if (inconclusive.length === 0) return `${who}: no measurement succeeded`;
      return `${who} ${evidence(inconclusive)} ${of(state.inconclusive)} (inconclusiveLimit ${metric.inconclusiveLimit})`;
    }
    case 'Stopped':
      return `${who}: stopped before its first measurement`;
    default: {
      const last = state.judgements.filter((j) => j.measurement.phase === 'Successful').at(-1);
      const condition = last?.measurement.condition ? ` (${last.measurement.condition})` : '';
      return `${who} ${last ? `${last.summary}${condition}` : 'passed'} ${of(state.successful)}`;
    }
  }
}

export async function runAnalysis(
  spec: { metrics: MetricSpec[]; intervalMs?: number },
  deps: RunDeps,
  opts: RunOptions = {},
): Promise<AnalysisResult> {
  const background = opts.background ?? false;
  const sleep = deps.sleep ?? defaultSleep;
  const now = deps.now ?? (() => new Date());
  const measurements: Measurement[] = [];
  const stop = new AbortController();
  const onCallerAbort = () => stop.abort(deps.signal.reason);
  if (deps.signal.aborted) stop.abort(deps.signal.reason);
  else deps.signal.addEventListener('abort', onCallerAbort, { once: true });
  let decidedBy: MetricState | undefined;

  const drain = opts.drain;
  const draining = () => background && drain?.aborted === true;
  const pause = async (ms: number, wakeOnDrain = false) => {
    try {
      await sleep(ms, wakeOnDrain && drain ? AbortSignal.any([stop.signal, drain]) : stop.signal);
    } catch {
      // Sleeps reject on abort; the loop checks the signal itself.
    }
  };

  const record = (state: MetricState, judgement: Judgement) => {
    state.judgements.push(judgement);
    measurements.push(judgement.measurement);
    try {
      deps.onMeasurement?.(judgement.measurement);
    } catch {
      // A failing observer must not change the verdict.
    }
  };

  const finish = (state: MetricState, end: MetricEnd) => {
    state.end = end;
    if (state.metric.dryRun || decidedBy) return;
    if (end === 'Failed' || end === 'Error' || (background && end === 'Inconclusive')) {
      decidedBy = state;
      stop.abort(new Error(`analysis decided by ${state.metric.name}`));
    }
  };

  const runMetric = async (state: MetricState) => {
    const { metric } = state;
    const interval = metric.intervalMs ?? spec.intervalMs;
    const count = metric.count ?? (interval !== undefined && background ? Infinity : 1);
    const provider = deps.providers[metric.provider];
    if (!provider) {
      record(state, errorMeasurement(metric, new Error(`no provider named ${metric.provider}`), now()));
      state.consecutiveErrors = 1;
      return finish(state, 'Error');
    }
    if (metric.initialDelayMs) await pause(metric.initialDelayMs);
    while (state.taken < count && !stop.signal.aborted) {
      let judgement: Judgement;
      try {
        const raw = await provider.measure(metric, deps.ctx, stop.signal);
        if (stop.signal.aborted) break;
        judgement = judgeMeasurement(metric, raw, now());
      } catch (err) {
        if (stop.signal.aborted) break;
        judgement = errorMeasurement(metric, err, now());
      }
      record(state, judgement);
      const phase = judgement.measurement.phase;
      if (phase === 'Error') {
        state.consecutiveErrors++;
        if (state.consecutiveErrors > metric.consecutiveErrorLimit) return finish(state, 'Error');
        await pause(Math.min(interval ?? ERROR_RETRY_MS, ERROR_RETRY_MS));
        continue;
      }
      state.consecutiveErrors = 0;
      state.taken++;
      if (phase === 'Successful') state.successful++;
      if (phase === 'Failed' && ++state.failed > metric.failureLimit) return finish(state, 'Failed');
      if (phase === 'Inconclusive' && ++state.inconclusive > metric.inconclusiveLimit)
        return finish(state, 'Inconclusive');
      const unbounded = count === Infinity;
      if (unbounded && draining()) break;
      if (state.taken < count) await pause(interval ?? 0, unbounded);
      if (unbounded && draining()) break;
    }
    if (state.taken < count && stop.signal.aborted && !draining()) {
      // Stopped from outside (or by another metric): judge what was measured so far.
      return finish(
        state,
        state.successful > 0 ? 'Successful' : state.taken > 0 ? 'Inconclusive' : 'Stopped',
      );
    }
    return finish(state, state.successful > 0 ? 'Successful' : 'Inconclusive');
  };

  const states: MetricState[] = spec.metrics.map((metric) => ({
    metric,
    judgements: [],
    taken: 0,
    successful: 0,
    failed: 0,
    inconclusive: 0,
    consecutiveErrors: 0,
  }));
  try {
    await Promise.all(states.map(runMetric));
  } finally {
    deps.signal.removeEventListener('abort', onCallerAbort);
  }

  if (decidedBy)
    return { phase: decidedBy.end as MeasurementPhase, measurements, reason: describeOutcome(decidedBy) };
  if (deps.signal.aborted && !background) throw deps.signal.reason ?? new Error('analysis aborted');

  const deciding = states.filter((s) => !s.metric.dryRun);
  const dryRunNotes = states
    .filter((s) => s.metric.dryRun && s.end !== 'Successful' && s.end !== 'Stopped')
    .map((s) => `dry-run ${describeOutcome(s)}`);
  const withNotes = (line: string) => (dryRunNotes.length ? `${line}; ${dryRunNotes.join('; ')}` : line);
  if (deciding.length === 0)
    return { phase: 'Successful', measurements, reason: withNotes('no deciding metrics (dry-run only)') };
  const open = deciding.find((s) => s.end !== 'Successful');
  if (open) return { phase: 'Inconclusive', measurements, reason: withNotes(describeOutcome(open)) };
  return { phase: 'Successful', measurements, reason: withNotes(deciding.map(describeOutcome).join('; ')) };
}
