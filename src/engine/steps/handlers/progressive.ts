// Step handlers for canary and blue-green: the new version runs as copies beside stable, a traffic
// router moves requests, a guard watches the copies' pods across every step, and rollback always
// returns traffic to stable before anything is removed (progressive-deploy.ts creates the copies,
// progressive-rollback.ts removes them). One handler set per run: it owns the run's copies, router
// and watchers (progressive-release.ts).
import { recordWeight } from '../../../record/steps.ts';
import type { StepOf } from '../../../strategies/types.ts';
import { formatDuration } from '../../../duration.ts';
import type { RunContext } from '../../run/context.ts';
import type { ModeHandlers } from '../executor.ts';
import type { StepOutcome } from '../outcome.ts';
import { analysisStep, metricsFor, runBackgroundAnalysis } from './analysis.ts';
import { restoreFullScale, setCanaryScale } from './canary-scale.ts';
import { applyRelease, changedWorkloads, noteRolledOut, waitForWorkloads } from './native.ts';
import { deployNew } from './progressive-deploy.ts';
import {
  buildRelease,
  deleteCopies,
  guarded,
  observeWeight,
  stopWatchers,
  type ProgressiveRelease as Release,
} from './progressive-release.ts';
import { rollbackProgressive, stableVersionOf } from './progressive-rollback.ts';

/**
 * A canary with no `analysis` step runs its metrics in the background from the moment the canary
 * takes traffic (before that, every query would be "no data"), also when a later run resumes.
 * With `startingStep` (Argo's), they start with that step (0 = the first) whatever the weight,
 * beside any analysis steps.
 */
function ensureBackground(ctx: RunContext, release: Release): void {
  if (release.background || !release.strategy.backgroundAnalysis || metricsFor(ctx).length === 0) return;
  const startingStep = ctx.config.analysis?.startingStep;
  if (startingStep === undefined) {
    if (ctx.state.canaryWeight <= 0 || ctx.plan.steps.some((s) => s.kind === 'analysis')) return;
  } else if (ctx.state.currentStep < startingStep + 1) return; // plan step 0 is deploy-new
  release.background = runBackgroundAnalysis(ctx);
}

/**
 * `background: false` at promotion: its verdict is already in (or a human overrode it), so no new
 * background run starts there.
 */
async function setWeight(
  ctx: RunContext,
  release: Release,
  weight: number,
  opts: { background: boolean } = { background: true },
): Promise<StepOutcome> {
  if (opts.background) ensureBackground(ctx, release);
  return guarded(ctx, release, async (signal) => {
    await release.router(signal).setWeight(weight);
    recordWeight(ctx.state, weight, ctx.now());
    if (opts.background) ensureBackground(ctx, release);
    ctx.log.info(
      `traffic: ${weight}% to ${ctx.state.newVersion}, ${100 - weight}% to ${stableVersionOf(ctx, release)}`,
    );
    return { kind: 'continue', detail: `${weight}% to the new version` };
  });
}

async function pause(ctx: RunContext, release: Release, step: StepOf<'pause'>): Promise<StepOutcome> {
  if (step.durationMs === undefined) {
    return {
      kind: 'pause',
      detail: `waiting for 'action: promote' (canary weight ${ctx.state.canaryWeight})`,
    };
  }
  if (step.durationMs === 0) return { kind: 'continue', detail: 'skipped' };
  ensureBackground(ctx, release);
  return guarded(ctx, release, async (signal) => {
    await ctx.sleep(step.durationMs!, signal);
    return { kind: 'continue' };
  });
}

async function setHeaderRoute(
  ctx: RunContext,
  release: Release,
  step: StepOf<'setHeaderRoute'>,
): Promise<StepOutcome> {
  return guarded(ctx, release, async (signal) => {
    await release.router(signal).setHeaderRoute(step.route, step.route.name);
    ctx.state.headerRoutes = [...new Set([...(ctx.state.headerRoutes ?? []), step.route.name])];
    return { kind: 'continue', detail: `header ${step.route.header} → new version` };
  });
}

async function removeHeaderRoute(
  ctx: RunContext,
  release: Release,
  step: StepOf<'removeHeaderRoute'>,
): Promise<StepOutcome> {
  await release.router(ctx.signal).setHeaderRoute(null, step.name);
  ctx.state.headerRoutes = (ctx.state.headerRoutes ?? []).filter((n) => n !== step.name);
  return { kind: 'continue' };
}

/**
 * Background metrics give their verdict before promotion: each takes at least one measurement
 * (no data never passes), while the guard still watches the pods. Undefined = passed.
 */
async function finishBackground(ctx: RunContext, release: Release): Promise<StepOutcome | undefined> {
  const background = release.background;
  if (!background) return undefined;
  // From here on the steps no longer race the background run (stopping it resolves its verdict).
  release.background = undefined;
  try {
    const outcome = await guarded(
      ctx,
      release,
      async () => (await background.finish()) ?? { kind: 'continue' },
    );
    return outcome.kind === 'continue' ? undefined : outcome;
  } finally {
    background.stop();
  }
}

/**
 * `scale-down-delay`: the new version serves all traffic while the previous one stays ready at
 * full size behind 0%, so a failure in the window (the guard watches the new pods) sends traffic
 * back at once. Only where the router keeps stable's pods while it moves traffic: a router that
 * sizes the copies from the weight (`replicas`) scales stable down as it does, so it has no window. With no delay the runner waits for
 * nothing here (post-promotion checks, which run before this step, had the window to themselves).
 */
async function scaleDownWindow(ctx: RunContext, release: Release): Promise<StepOutcome> {
  const delay = ctx.config.scaleDownDelayMs;
  if (delay <= 0) return { kind: 'continue' };
  if (release.capabilities.sizesCopies) {
    ctx.record.notes.push(
      `scale-down-delay: traffic '${ctx.config.traffic}' moves traffic by scaling stable down, so no previous version stays ready to return to; promoted without waiting`,
    );
    return { kind: 'continue' };
  }
  ctx.log.info(
    `${ctx.state.newVersion} serves all traffic; ${stableVersionOf(ctx, release)} stays ready for ${formatDuration(delay)} (scale-down-delay)`,
  );
  return guarded(ctx, release, async (signal) => {
    await ctx.sleep(delay, signal);
    return { kind: 'continue' };
  });
}

/** Stable takes the new template while traffic stays on the verified new pods; then the copies go. */
async function promote(ctx: RunContext, release: Release): Promise<StepOutcome> {
  const verdict = await finishBackground(ctx, release);
  // An inconclusive verdict pauses before promotion: `action: promote` then runs this step again.
  if (verdict) return verdict.kind === 'pause' ? { ...verdict, again: true } : verdict;
  const sized = await restoreFullScale(ctx, release);
  if (sized.kind !== 'continue') return sized;
  if (ctx.state.canaryWeight !== 100) {
    const moved = await setWeight(ctx, release, 100, { background: false });
    if (moved.kind !== 'continue') return moved;
  }
  const window = await scaleDownWindow(ctx, release);
  if (window.kind !== 'continue') return window;
  release.guard?.stop();
  ctx.state.stableUpdated = true;
  await applyRelease(ctx);
  const { failure, done } = await waitForWorkloads(ctx, changedWorkloads(ctx));
  if (failure)
    return {
      kind: 'fail',
      reason: `stable did not take the new version: ${failure.message}`,
      evidence: failure.evidence,
    };
  await release.router(ctx.signal).reset();
  ctx.log.info(
    `traffic back on ${ctx.plan.workloads.map((w) => w.metadata.name).join(', ')} (now ${ctx.state.newVersion})`,
  );
  ctx.state.servingVersion = ctx.state.newVersion;
  await deleteCopies(ctx, release);
  noteRolledOut(ctx.record, done);
  return { kind: 'continue', detail: `${ctx.state.newVersion} is stable` };
}

/** A fresh handler set for one run: it owns that run's copies, router and watchers. */
export function createProgressiveHandlers(): ModeHandlers<'copies'> {
  let current: Release | undefined;
  let started = false;
  const releaseOf = (ctx: RunContext): Release => (current ??= buildRelease(ctx));
  /** The run's release; a run that starts past deploy-new resumes, so it reads the weight back first. */
  const resumed = async (ctx: RunContext): Promise<Release> => {
    const release = releaseOf(ctx);
    if (!started) {
      started = true;
      await observeWeight(ctx, release, ctx.signal);
    }
    if (ctx.config.analysis?.startingStep !== undefined) ensureBackground(ctx, release);
    return release;
  };
  return {
    steps: {
      'deploy-new': (ctx) => {
        started = true;
        return deployNew(ctx, releaseOf(ctx));
      },
      setWeight: async (ctx, step) => setWeight(ctx, await resumed(ctx), step.weight),
      pause: async (ctx, step) => pause(ctx, await resumed(ctx), step),
      analysis: async (ctx, step) => {
        const metrics = metricsFor(ctx, step.metricPhase, step.spec?.metrics);
        return guarded(ctx, await resumed(ctx), (signal) => analysisStep({ ...ctx, signal }, metrics));
      },
      setCanaryScale: async (ctx, step) => setCanaryScale(ctx, await resumed(ctx), step.scale),
      setHeaderRoute: async (ctx, step) => setHeaderRoute(ctx, await resumed(ctx), step),
      removeHeaderRoute: async (ctx, step) => removeHeaderRoute(ctx, await resumed(ctx), step),
      switch: async (ctx) => setWeight(ctx, await resumed(ctx), 100),
      promote: async (ctx) => promote(ctx, await resumed(ctx)),
    },
    rollback: (ctx) => rollbackProgressive(ctx, releaseOf(ctx)),
    dispose: () => stopWatchers(current),
  };
}
