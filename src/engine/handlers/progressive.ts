// Step handlers for canary and blue-green: the new version runs as copies beside stable, a traffic
// router moves requests, a guard watches the copies' pods across every step, and rollback always
// returns traffic to stable before anything is removed.
import { LABELS, MANAGED_BY_VALUE } from '../../labels.ts';
import { findPodProblem } from '../../gates/pod-health.ts';
import { collectEvidence, evidenceLine } from '../../gates/wait-rollout.ts';
import { selectorString } from '../../gates/new-pods.ts';
import type { KubeObject } from '../../kube/types.ts';
import { refOf } from '../../kube/types.ts';
import type { PlanStep } from '../../strategies/types.ts';
import { workloadKey } from '../../strategies/types.ts';
import { createTrafficRouter } from '../../traffic/index.ts';
import type { TrafficRouter, TrafficTarget } from '../../traffic/types.ts';
import type { RunContext } from '../context.ts';
import type { StrategyHandlers } from '../executor.ts';
import type { StepOutcome } from '../outcome.ts';
import { recordWeight } from '../../record/steps.ts';
import { restoreTemplate, revisionOf } from '../workloads.ts';
import { analysisStep, metricsFor, runBackgroundAnalysis, type BackgroundAnalysis } from './analysis.ts';
import { copyName, desiredReplicas, newVersionCopy } from './copies.ts';
import { isAutoscaled } from '../autoscaler.ts';
import { applyRelease, restoreConfigObjects, waitForWorkloads } from './native.ts';

interface Release {
  suffix: 'canary' | 'green';
  target: TrafficTarget;
  /** A router whose waits end with `signal` (routers keep their state in the cluster, so they are cheap). */
  router(signal?: AbortSignal): TrafficRouter;
  copies: KubeObject[];
  guard?: { failed: Promise<StepOutcome>; stop(): void };
  background?: BackgroundAnalysis;
}

const releases = new WeakMap<RunContext, Release>();

function findByName(ctx: RunContext, kind: string, name?: string): KubeObject | undefined {
  return ctx.manifests.objects.find(
    (o) => o.object.kind === kind && (!name || o.object.metadata.name === name),
  )?.object;
}

/** The router, target and copies of this run (built once per run, from plain data). */
function releaseOf(ctx: RunContext): Release {
  const existing = releases.get(ctx);
  if (existing) return existing;
  const suffix = ctx.plan.strategy === 'blue-green' ? 'green' : 'canary';
  const primary = ctx.plan.workloads[0];
  const stableLive = ctx.stable.get(workloadKey(primary)) ?? primary;
  const { versionLabel } = ctx.config;
  const replicasRouter = ctx.config.traffic === 'replicas';
  const copies = ctx.plan.workloads
    .filter((w) => w.kind === 'Deployment')
    .map((w) =>
      newVersionCopy(
        w,
        suffix,
        versionLabel,
        ctx.state.newVersion,
        suffix === 'canary' && replicasRouter ? 0 : desiredReplicas(ctx.stable.get(workloadKey(w)) ?? w),
      ),
    );
  const target: TrafficTarget = {
    namespace: ctx.namespace,
    app: ctx.name,
    stableWorkload: stableLive,
    newWorkload: copies[0],
    service: findByName(ctx, 'Service'),
    ingress: findByName(ctx, 'Ingress', ctx.config.ingress),
    route: findByName(ctx, 'HTTPRoute', ctx.config.route),
    virtualService: findByName(ctx, 'VirtualService', ctx.config.virtualService),
    trafficSplit: findByName(ctx, 'TrafficSplit', ctx.config.trafficSplit),
    versionLabel,
    stableVersion: ctx.state.stableVersion ?? 'stable',
    newVersion: ctx.state.newVersion,
  };
  const release: Release = {
    suffix,
    target,
    router: (signal) =>
      createTrafficRouter(ctx.config.traffic, ctx.cluster, target, {
        ...(signal ? { signal } : {}),
        // An HPA owns stable's size: the replicas router adds canary pods instead of shrinking it.
        ...(isAutoscaled(ctx.manifests, primary) ? { keepStableFullSize: true } : {}),
      }),
    copies,
  };
  releases.set(ctx, release);
  return release;
}

/** Watches the copies' pods across all steps and fails the step in progress on the first fatal status. */
function guardOf(ctx: RunContext, release: Release): Promise<StepOutcome> {
  if (!release.guard) {
    const stop = new AbortController();
    const selector = selectorString(release.copies[0]?.spec.selector?.matchLabels);
    const failed = ctx.cluster
      .watchUntil(
        'v1',
        'Pod',
        ctx.namespace,
        { labelSelector: selector },
        (e) => (e.type === 'DELETED' ? undefined : findPodProblem(e.object)),
        {
          timeoutMs: ctx.config.timeoutMs,
          signal: AbortSignal.any([ctx.signal, stop.signal]),
          description: 'the new version to stay healthy',
        },
      )
      .then(
        async (p): Promise<StepOutcome> => {
          // With the crashed container's last log lines, as the rolling gate reports them.
          const found = await collectEvidence(
            ctx.cluster,
            copyName(ctx.plan.workloads[0], release.suffix),
            ctx.namespace,
            p,
          );
          const evidence = { ...found, seenAt: ctx.now().toISOString() };
          return { kind: 'fail', reason: evidenceLine(evidence), evidence: [evidence] };
        },
        () => new Promise<StepOutcome>(() => {}),
      );
    release.guard = { failed, stop: () => stop.abort() };
  }
  return release.guard.failed;
}

/**
 * Runs a step body while the guard and the background analysis watch; the first failure wins and
 * the body's own waits (e.g. a router waiting for pods that crash) are cut short.
 */
async function guarded(
  ctx: RunContext,
  release: Release,
  body: (signal: AbortSignal) => Promise<StepOutcome>,
): Promise<StepOutcome> {
  const settled = new AbortController();
  const signal = AbortSignal.any([ctx.signal, settled.signal]);
  const work = body(signal);
  work.catch(() => {});
  const races: Promise<StepOutcome>[] = [work, guardOf(ctx, release)];
  if (release.background) races.push(release.background.failed);
  try {
    return await Promise.race(races);
  } finally {
    settled.abort();
  }
}

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

async function deployNew(ctx: RunContext): Promise<StepOutcome> {
  const release = releaseOf(ctx);
  const others = ctx.manifests.objects.filter(
    (o) => !['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.object.kind),
  );
  for (const { object } of others) await ctx.cluster.apply(object);
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

async function setWeight(ctx: RunContext, weight: number): Promise<StepOutcome> {
  const release = releaseOf(ctx);
  ensureBackground(ctx, release);
  return guarded(ctx, release, async (signal) => {
    await release.router(signal).setWeight(weight);
    recordWeight(ctx.record, weight, ctx.now());
    ctx.state.canaryWeight = weight;
    ensureBackground(ctx, release);
    ctx.log.info(
      `traffic: ${weight}% to ${ctx.state.newVersion}, ${100 - weight}% to ${release.target.stableVersion}`,
    );
    return { kind: 'continue', detail: `${weight}% to the new version` };
  });
}

async function pause(ctx: RunContext, step: Extract<PlanStep, { kind: 'pause' }>): Promise<StepOutcome> {
  if (step.durationMs === undefined) {
    return {
      kind: 'pause',
      detail: `waiting for 'action: promote' (canary weight ${ctx.state.canaryWeight})`,
    };
  }
  if (step.durationMs === 0) return { kind: 'continue', detail: 'skipped' };
  ensureBackground(ctx, releaseOf(ctx));
  return guarded(ctx, releaseOf(ctx), async (signal) => {
    await ctx.sleep(step.durationMs!, signal);
    return { kind: 'continue' };
  });
}

async function analysis(
  ctx: RunContext,
  step: Extract<PlanStep, { kind: 'analysis' }>,
): Promise<StepOutcome> {
  const metrics = metricsFor(ctx, step.phase, step.spec?.metrics);
  return guarded(ctx, releaseOf(ctx), (signal) => analysisStep({ ...ctx, signal }, metrics));
}

async function switchTraffic(ctx: RunContext): Promise<StepOutcome> {
  return setWeight(ctx, 100);
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
async function promote(ctx: RunContext): Promise<StepOutcome> {
  const release = releaseOf(ctx);
  const verdict = await finishBackground(ctx, release);
  // An inconclusive verdict pauses before promotion: `action: promote` then runs this step again.
  if (verdict) return verdict.kind === 'pause' ? { ...verdict, again: true } : verdict;
  if (ctx.state.canaryWeight !== 100) {
    const moved = await setWeight(ctx, 100);
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
  if (ctx.config.scaleDownDelayMs > 0) await ctx.sleep(ctx.config.scaleDownDelayMs, ctx.signal);
  await deleteCopies(ctx, release);
  const revision = done.map((d) => revisionOf(d.workload)).find((r) => r !== undefined);
  if (revision !== undefined) ctx.record.revision = revision;
  ctx.record.servingVersion = ctx.state.newVersion;
  return { kind: 'continue', detail: `${ctx.state.newVersion} is stable` };
}

async function deleteCopies(ctx: RunContext, release: Release): Promise<void> {
  for (const copy of release.copies)
    await ctx.cluster.delete(refOf(copy), { propagationPolicy: 'Background' });
}

/** Traffic to stable first (restoring stable's template if promotion had begun), then the copies go. */
async function rollbackProgressive(ctx: RunContext): Promise<void> {
  const release = releaseOf(ctx);
  release.background?.stop();
  release.guard?.stop();
  const rctx = { ...ctx, signal: AbortSignal.timeout(ctx.config.timeoutMs) };
  if (ctx.state.stableUpdated) {
    const restored = [];
    for (const w of ctx.plan.workloads) {
      const previous = ctx.stable.get(workloadKey(w));
      if (previous) restored.push(await restoreTemplate(ctx.cluster, previous));
    }
    await waitForWorkloads(rctx, restored, false);
  }
  // Weight 0 first (the replicas router scales stable back up and waits for it), then the copies
  // go, then the user's objects get their own shape back once no new-version pod can match them.
  const router = release.router(rctx.signal);
  await router.setWeight(0);
  recordWeight(ctx.record, 0, ctx.now());
  ctx.state.canaryWeight = 0;
  ctx.log.info(`traffic back on ${release.target.stableVersion}`);
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

function dispose(ctx: RunContext): void {
  const release = releases.get(ctx);
  release?.guard?.stop();
  release?.background?.stop();
}

export const progressiveHandlers: StrategyHandlers = {
  steps: {
    'deploy-new': deployNew,
    setWeight: (ctx, step) => setWeight(ctx, (step as Extract<PlanStep, { kind: 'setWeight' }>).weight),
    pause: (ctx, step) => pause(ctx, step as Extract<PlanStep, { kind: 'pause' }>),
    analysis: (ctx, step) => analysis(ctx, step as Extract<PlanStep, { kind: 'analysis' }>),
    setHeaderRoute: (ctx, step) =>
      guarded(ctx, releaseOf(ctx), async (signal) => {
        const s = step as Extract<PlanStep, { kind: 'setHeaderRoute' }>;
        await releaseOf(ctx).router(signal).setHeaderRoute(s.route, s.route.name);
        ctx.state.headerRoutes = [...new Set([...(ctx.state.headerRoutes ?? []), s.route.name])];
        return { kind: 'continue', detail: `header ${s.route.header} → new version` };
      }),
    removeHeaderRoute: async (ctx, step) => {
      const s = step as Extract<PlanStep, { kind: 'removeHeaderRoute' }>;
      await releaseOf(ctx).router(ctx.signal).setHeaderRoute(null, s.name);
      ctx.state.headerRoutes = (ctx.state.headerRoutes ?? []).filter((n) => n !== s.name);
      return { kind: 'continue' };
    },
    switch: switchTraffic,
    promote,
  },
  rollback: (ctx) => rollbackProgressive(ctx),
  dispose,
};
