// Step handlers for canary and blue-green: the new version runs as copies beside stable, a traffic
// router moves requests, a guard watches the copies' pods across every step, and rollback always
// returns traffic to stable before anything is removed. One handler set per run: it owns the run's
// copies, router and watchers (progressive-release.ts).
import { LABELS, MANAGED_BY_VALUE } from '../../labels.ts';
import type { KubeObject } from '../../kube/types.ts';
import { refOf } from '../../kube/types.ts';
import { isWorkload } from '../../manifests/pods.ts';
import { recordWeight } from '../../record/steps.ts';
import { workloadKey } from '../../strategies/types.ts';
import type { RunContext } from '../context.ts';
import type { StepOf, StrategyHandlers } from '../executor.ts';
import type { StepOutcome } from '../outcome.ts';
import { restoreTemplate, revisionOf, versionOf } from '../workloads.ts';
import { applyInOrder } from '../apply-in-order.ts';
import { analysisStep, metricsFor, runBackgroundAnalysis } from './analysis.ts';
import { applyRelease, restoreConfigObjects, waitForWorkloads } from './native.ts';
import {
  buildRelease,
  guarded,
  observeWeight,
  stopWatchers,
  type ProgressiveRelease as Release,
} from './progressive-release.ts';

/** Stable pods must carry the version label before a router pins the stable Service to it. */
async function ensureStableVersionLabel(ctx: RunContext, release: Release): Promise<void> {
  const stable = release.target.stableWorkload;
  const { versionLabel } = ctx.config;
  if (stable.spec?.template?.metadata?.labels?.[versionLabel] || !stable.metadata.uid) return;
  ctx.record.notes.push(
    `the stable ${stable.kind} had no '${versionLabel}' label on its pods: added '${release.target.stableVersion}' (a one-off restart of stable) so traffic can be pinned to it`,
  );
  const patched = await ctx.cluster.patch(
    refOf(stable),
    { spec: { template: { metadata: { labels: { [versionLabel]: release.target.stableVersion } } } } },
    'strategic',
  );
  const { failure } = await waitForWorkloads(ctx, [patched]);
  if (failure) throw new Error(`stable did not come back after labelling: ${failure.message}`);
}

async function deployNew(ctx: RunContext, release: Release): Promise<StepOutcome> {
  const others = ctx.manifests.objects.filter((o) => !isWorkload(o.object));
  await applyInOrder(
    ctx.cluster,
    others.map((o) => o.object),
  );
  if (ctx.config.traffic !== 'replicas') await ensureStableVersionLabel(ctx, release);
  await release.router(ctx.signal).prepare();
  for (const copy of release.copies) await ctx.cluster.apply(copy);
  if (ctx.config.previewService && release.suffix === 'green') {
    await ctx.cluster.apply(previewService(ctx, release));
  }
  const sized = release.copies.filter((c) => (c.spec.replicas ?? 1) > 0);
  if (sized.length) {
    const outcome = await guarded(ctx, release, async (signal) => {
      const { failure } = await waitForWorkloads({ ...ctx, signal }, sized);
      return failure
        ? { kind: 'fail', reason: failure.message, evidence: failure.evidence }
        : { kind: 'continue' };
    });
    if (outcome.kind !== 'continue') return outcome;
  }
  return { kind: 'continue', detail: `${release.copies.map((c) => c.metadata.name).join(', ')} created` };
}

function previewService(ctx: RunContext, release: Release): KubeObject {
  const base = release.target.service;
  const selector = {
    ...(base?.spec?.selector ?? release.copies[0].spec.selector.matchLabels),
    [ctx.config.versionLabel]: ctx.state.newVersion,
  };
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: ctx.config.previewService!,
      namespace: ctx.namespace,
      labels: { [LABELS.managedBy]: MANAGED_BY_VALUE },
    },
    spec: { selector, ports: base?.spec?.ports ?? [{ port: 80, targetPort: 8080 }] },
  };
}

/**
 * A canary with no `analysis` step runs its metrics in the background from the moment the canary
 * takes traffic (before that, every query would be "no data"), also when a later run resumes.
 */
function ensureBackground(ctx: RunContext, release: Release): void {
  if (release.background || release.suffix !== 'canary' || ctx.state.canaryWeight <= 0) return;
  if (ctx.plan.steps.some((s) => s.kind === 'analysis') || metricsFor(ctx).length === 0) return;
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
    recordWeight(ctx.record, weight, ctx.now());
    ctx.state.canaryWeight = weight;
    if (opts.background) ensureBackground(ctx, release);
    ctx.log.info(
      `traffic: ${weight}% to ${ctx.state.newVersion}, ${100 - weight}% to ${release.target.stableVersion}`,
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

/** Stable takes the new template while traffic stays on the verified new pods; then the copies go. */
async function promote(ctx: RunContext, release: Release): Promise<StepOutcome> {
  const verdict = await finishBackground(ctx, release);
  // An inconclusive verdict pauses before promotion: `action: promote` then runs this step again.
  if (verdict) return verdict.kind === 'pause' ? { ...verdict, again: true } : verdict;
  if (ctx.state.canaryWeight !== 100) {
    const moved = await setWeight(ctx, release, 100, { background: false });
    if (moved.kind !== 'continue') return moved;
  }
  release.guard?.stop();
  ctx.state.stableUpdated = true;
  await applyRelease(ctx);
  const { failure, done } = await waitForWorkloads(ctx, ctx.plan.workloads);
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
  ctx.record.servingVersion = ctx.state.newVersion;
  if (ctx.config.scaleDownDelayMs > 0) await ctx.sleep(ctx.config.scaleDownDelayMs, ctx.signal);
  await deleteCopies(ctx, release);
  const revision = done.map((d) => revisionOf(d.workload)).find((r) => r !== undefined);
  if (revision !== undefined) ctx.record.revision = revision;
  return { kind: 'continue', detail: `${ctx.state.newVersion} is stable` };
}

async function deleteCopies(ctx: RunContext, release: Release): Promise<void> {
  for (const copy of release.copies)
    await ctx.cluster.delete(refOf(copy), { propagationPolicy: 'Background' });
}

/**
 * Stable workloads that already run the new template (promotion had begun, also in a run that
 * died before it could say so) get their own template back, keeping the version label that
 * pins traffic to them.
 */
async function restoreStableTemplates(ctx: RunContext, signal: AbortSignal): Promise<void> {
  const restored: KubeObject[] = [];
  const { versionLabel } = ctx.config;
  for (const w of ctx.plan.workloads) {
    const previous = ctx.stable.get(workloadKey(w));
    const live = previous && (await ctx.cluster.get(refOf(previous)));
    if (!previous || !live || versionOf(live, versionLabel) === versionOf(previous, versionLabel)) continue;
    if (!ctx.state.stableUpdated && versionOf(live, versionLabel) !== ctx.state.newVersion) continue;
    const template = structuredClone(previous.spec.template);
    if (ctx.state.stableVersion && ctx.config.traffic !== 'replicas') {
      template.metadata = template.metadata ?? {};
      template.metadata.labels = {
        ...(template.metadata.labels ?? {}),
        [versionLabel]: ctx.state.stableVersion,
      };
    }
    restored.push(await restoreTemplate(ctx.cluster, { ...previous, spec: { ...previous.spec, template } }));
  }
  if (restored.length) await waitForWorkloads({ ...ctx, signal }, restored, false);
}

/** Traffic to stable first (restoring stable's template if promotion had begun), then the copies go. */
async function rollbackProgressive(ctx: RunContext, release: Release): Promise<void> {
  stopWatchers(release);
  const rctx = { ...ctx, signal: AbortSignal.any([ctx.lost, AbortSignal.timeout(ctx.config.timeoutMs)]) };
  await restoreStableTemplates(ctx, rctx.signal);
  // Weight 0 first (the replicas router scales stable back up and waits for it), then the copies
  // go, then the user's objects get their own shape back once no new-version pod can match them.
  const router = release.router(rctx.signal);
  const carried = await observeWeight(ctx, release, rctx.signal);
  await router.setWeight(0);
  recordWeight(ctx.record, 0, ctx.now());
  ctx.state.canaryWeight = 0;
  ctx.log.info(
    `traffic back on ${release.target.stableVersion}${carried ? ` (the new version had ${carried}%)` : ''}`,
  );
  await deleteCopies(rctx, release);
  await router.reset();
  if (ctx.config.previewService && release.suffix === 'green') {
    await ctx.cluster.delete({
      apiVersion: 'v1',
      kind: 'Service',
      name: ctx.config.previewService,
      namespace: ctx.namespace,
    });
  }
  await restoreConfigObjects(rctx);
  ctx.record.servingVersion = ctx.state.stableVersion ?? ctx.record.previousVersion;
}

/** A fresh handler set for one run: it owns that run's copies, router and watchers. */
export function createProgressiveHandlers(): StrategyHandlers {
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
        const metrics = metricsFor(ctx, step.phase, step.spec?.metrics);
        return guarded(ctx, await resumed(ctx), (signal) => analysisStep({ ...ctx, signal }, metrics));
      },
      setHeaderRoute: async (ctx, step) => setHeaderRoute(ctx, await resumed(ctx), step),
      removeHeaderRoute: async (ctx, step) => removeHeaderRoute(ctx, await resumed(ctx), step),
      switch: async (ctx) => setWeight(ctx, await resumed(ctx), 100),
      promote: async (ctx) => promote(ctx, await resumed(ctx)),
    },
    rollback: (ctx) => rollbackProgressive(ctx, releaseOf(ctx)),
    dispose: () => stopWatchers(current),
  };
}
