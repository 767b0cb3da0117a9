import { sleep as defaultSleep } from '../duration.ts';
import { errorMeasurement, judgeMeasurement, type Judgement } from './judge.ts';
import type { MetricProvider, ProviderContext } from './provider.ts';
import { assessMetric, describeOutcome, tally, type MetricEnd, type MetricState } from './assess.ts';
import type { AnalysisResult, Measurement, MeasurementPhase } from './types.ts';
import type { MetricSpec } from './spec.ts';

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
  /** By name (providers/index.ts `providerTable`; tests hand in fakes). */
  providers: Readonly<Record<string, MetricProvider>>;
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

export async function runAnalysis(
  spec: { metrics: MetricSpec[]; intervalMs?: number },
  deps: RunDeps,
  opts: RunOptions = {},
): Promise<AnalysisResult> {
  const run = new AnalysisRun(spec.intervalMs, deps, opts);
  const states: MetricState[] = spec.metrics.map((metric) => ({ metric, judgements: [] }));
  const onCallerAbort = () => run.stop.abort(deps.signal.reason);
  if (deps.signal.aborted) run.stop.abort(deps.signal.reason);
  else deps.signal.addEventListener('abort', onCallerAbort, { once: true });
  try {
    await Promise.all(states.map((state) => run.runMetric(state)));
  } finally {
    deps.signal.removeEventListener('abort', onCallerAbort);
  }
  const decided = run.decidedBy;
  if (decided)
    return {
      phase: decided.end as MeasurementPhase,
      measurements: run.measurements,
      reason: describeOutcome(decided),
    };
  if (deps.signal.aborted && !run.background) throw deps.signal.reason ?? new Error('analysis aborted');
  return { ...verdict(states), measurements: run.measurements };
}

/** The overall verdict once no metric decided early; dry-run metrics only add notes. */
function verdict(states: readonly MetricState[]): { phase: MeasurementPhase; reason: string } {
  const deciding = states.filter((s) => !s.metric.dryRun);
  const dryRunNotes = states
    .filter((s) => s.metric.dryRun && s.end !== 'Successful' && s.end !== 'Stopped')
    .map((s) => `dry-run ${describeOutcome(s)}`);
  const withNotes = (line: string) => (dryRunNotes.length ? `${line}; ${dryRunNotes.join('; ')}` : line);
  if (deciding.length === 0)
    return { phase: 'Successful', reason: withNotes('no deciding metrics (dry-run only)') };
  const open = deciding.find((s) => s.end !== 'Successful');
  if (open) return { phase: 'Inconclusive', reason: withNotes(describeOutcome(open)) };
  return { phase: 'Successful', reason: withNotes(deciding.map(describeOutcome).join('; ')) };
}

/** One run's shared state: the measurements, the stop signal and the metric that decided. */
class AnalysisRun {
  readonly stop = new AbortController();
  readonly measurements: Measurement[] = [];
  readonly background: boolean;
  decidedBy: MetricState | undefined;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly now: () => Date;

  constructor(
    private readonly defaultIntervalMs: number | undefined,
    private readonly deps: RunDeps,
    private readonly opts: RunOptions,
  ) {
    this.background = opts.background ?? false;
    this.sleep = deps.sleep ?? defaultSleep;
    this.now = deps.now ?? (() => new Date());
  }

  /** Measures one metric until it ends (see assessMetric), is drained, or the run stops. */
  async runMetric(state: MetricState): Promise<void> {
    const { metric } = state;
    const interval = metric.intervalMs ?? this.defaultIntervalMs;
    const count = metric.count ?? (interval !== undefined && this.background ? Infinity : 1);
    const unbounded = count === Infinity;
    const provider = this.deps.providers[metric.provider];
    if (!provider) {
      this.record(
        state,
        errorMeasurement(metric, new Error(`no provider named ${metric.provider}`), this.now()),
      );
      return this.finish(state, 'Error');
    }
    if (metric.initialDelayMs) await this.pause(metric.initialDelayMs);
    while (tally(state.judgements).taken < count && !this.stop.signal.aborted) {
      const judgement = await this.measure(provider, metric);
      if (!judgement) break;
      this.record(state, judgement);
      const end = assessMetric(metric, state.judgements, 'running');
      if (end) return this.finish(state, end);
      if (judgement.measurement.phase === 'Error') {
        // An errored measurement does not use up `count`: retry it soon.
        await this.pause(Math.min(interval ?? ERROR_RETRY_MS, ERROR_RETRY_MS));
        continue;
      }
      if (unbounded && this.draining()) break;
      if (tally(state.judgements).taken < count) await this.pause(interval ?? 0, { wakeOnDrain: unbounded });
      if (unbounded && this.draining()) break;
    }
    const stopped = tally(state.judgements).taken < count && this.stop.signal.aborted && !this.draining();
    this.finish(state, assessMetric(metric, state.judgements, stopped ? 'stopped' : 'complete')!);
  }

  /** One judged measurement; undefined when the run stopped while it was being taken. */
  private async measure(provider: MetricProvider, metric: MetricSpec): Promise<Judgement | undefined> {
    try {
      const raw = await provider.measure(metric, this.deps.ctx, this.stop.signal);
      return this.stop.signal.aborted
        ? undefined
        : judgeMeasurement(metric, raw, this.now(), this.deps.ctx.redact);
    } catch (err) {
      return this.stop.signal.aborted ? undefined : errorMeasurement(metric, err, this.now());
    }
  }

  private draining(): boolean {
    return this.background && this.opts.drain?.aborted === true;
  }

  private async pause(ms: number, { wakeOnDrain = false } = {}): Promise<void> {
    const drain = this.opts.drain;
    try {
      await this.sleep(
        ms,
        wakeOnDrain && drain ? AbortSignal.any([this.stop.signal, drain]) : this.stop.signal,
      );
    } catch {
      // Sleeps reject on abort; the loop checks the signal itself.
    }
  }

  private record(state: MetricState, judgement: Judgement): void {
    state.judgements.push(judgement);
    this.measurements.push(judgement.measurement);
    try {
      this.deps.onMeasurement?.(judgement.measurement);
    } catch {
      // A failing observer must not change the verdict.
    }
  }

  /** A deciding metric that ends Failed or Error (or Inconclusive in the background) stops the run. */
  private finish(state: MetricState, end: MetricEnd): void {
    state.end = end;
    if (state.metric.dryRun || this.decidedBy) return;
    if (end === 'Failed' || end === 'Error' || (this.background && end === 'Inconclusive')) {
      this.decidedBy = state;
      this.stop.abort(new Error(`analysis decided by ${state.metric.name}`));
    }
  }
}
