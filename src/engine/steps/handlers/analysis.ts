// Runs the `analysis` checks for the executor: inline (blocking a step) or in the background
// (alongside a rolling update or across canary steps), and turns their verdict into a step outcome.
import { providerSettingValues } from '../../../analysis/providers/index.ts';
import { runAnalysis } from '../../../analysis/run.ts';
import type { AnalysisResult, TemplateContext } from '../../../analysis/types.ts';
import type { MetricSpec } from '../../../analysis/spec.ts';
import type { RunContext } from '../../run/context.ts';
import { releaseTemplate } from '../../../analysis/release-template.ts';
import type { StepOutcome } from '../outcome.ts';
import { startWatcher } from './watchers.ts';

export function templateContext(ctx: RunContext): TemplateContext {
  return releaseTemplate({ ...ctx.config, namespace: ctx.namespace }, ctx.manifests, {
    app: ctx.name,
    canaryVersion: ctx.state.newVersion,
    stableVersion: ctx.record.previousVersion,
    changed: ctx.scope.changed,
    progressive: ctx.scope.progressive,
  });
}

function verdictOf(result: AnalysisResult): StepOutcome | undefined {
  if (result.phase === 'Failed' || result.phase === 'Error') {
    return { kind: 'fail', reason: result.reason ?? `analysis ended ${result.phase}` };
  }
  if (result.phase === 'Inconclusive') {
    return {
      kind: 'pause',
      inconclusive: true,
      detail: result.reason ?? 'analysis was inconclusive: waiting for a human decision',
    };
  }
  return undefined;
}

export function metricsFor(
  ctx: RunContext,
  metricPhase?: MetricSpec['phase'],
  override?: MetricSpec[],
): MetricSpec[] {
  const metrics = override ?? ctx.config.analysis?.metrics ?? [];
  return metricPhase ? metrics.filter((m) => m.phase === metricPhase) : metrics;
}

async function analyse(
  ctx: RunContext,
  metrics: MetricSpec[],
  signal: AbortSignal,
  background: boolean,
  drain?: AbortSignal,
): Promise<AnalysisResult> {
  return runAnalysis(
    { metrics },
    {
      providers: ctx.providers,
      ctx: {
        template: templateContext(ctx),
        settings: providerSettingValues(ctx.config),
        cluster: ctx.cluster,
        namespace: ctx.namespace,
        redact: ctx.redact,
      },
      signal,
      now: () => ctx.now(),
      onMeasurement: (m) => {
        ctx.record.measurements.push(m);
        ctx.log.info(
          `${m.metric}: ${m.phase}${m.value !== null ? ` (${m.value})` : ''}${m.message ? ` — ${m.message}` : ''}`,
        );
      },
    },
    { background, ...(drain ? { drain } : {}) },
  );
}

/** An `analysis` step: blocks until the metrics decide. */
export async function analysisStep(ctx: RunContext, metrics: MetricSpec[]): Promise<StepOutcome> {
  if (metrics.length === 0) {
    ctx.record.notes.push('an analysis step has no metrics to run: it passed without measuring');
    ctx.log.warn('analysis step has no metrics: passed');
    return { kind: 'continue', detail: 'no metrics' };
  }
  const result = await analyse(ctx, metrics, ctx.signal, false);
  return (
    verdictOf(result) ?? { kind: 'continue', detail: `${result.measurements.length} measurements passed` }
  );
}

export interface BackgroundAnalysis {
  /** Resolves with a failing outcome as soon as a metric fails (never resolves otherwise). */
  failed: Promise<StepOutcome>;
  /** Waits for the remaining measurements and returns their verdict (undefined = passed). */
  finish(): Promise<StepOutcome | undefined>;
  stop(): void;
}

/** Metrics that run alongside a rolling update or across canary steps. */
export function runBackgroundAnalysis(
  ctx: RunContext,
  metricPhase?: MetricSpec['phase'],
): BackgroundAnalysis {
  const metrics = metricsFor(ctx, metricPhase);
  const stop = new AbortController();
  if (metrics.length === 0) {
    return { failed: new Promise(() => {}), finish: async () => undefined, stop: () => stop.abort() };
  }
  // Draining lets measurements already under way finish; stopping abandons them.
  const drain = new AbortController();
  let run!: Promise<AnalysisResult>;
  const watcher = startWatcher(ctx, 'background analysis', async (signal) => {
    run = analyse(ctx, metrics, AbortSignal.any([signal, stop.signal]), true, drain.signal);
    // A passing run gives no verdict here: `finish` reports it before promotion.
    return verdictOf(await run) ?? new Promise<StepOutcome>(() => {});
  });
  return {
    failed: watcher.failed,
    finish: async () => {
      drain.abort();
      return verdictOf(await run);
    },
    stop: () => {
      stop.abort();
      watcher.stop();
    },
  };
}
