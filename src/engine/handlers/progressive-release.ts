// What one canary or blue-green run works with: the new version's copies, the traffic target and
// router, and the watchers (pod guard, background analysis) it owns. Built once per run.
import { findPodProblem } from '../../gates/pod-health.ts';
import { collectEvidence, evidenceLine } from '../../gates/wait-rollout.ts';
import { selectorString } from '../../gates/new-pods.ts';
import type { KubeObject } from '../../kube/types.ts';
import { refOf } from '../../kube/types.ts';
import { isDeployment, type DeploymentObject } from '../../manifests/workload-views.ts';
import { strategyFor } from '../../strategies/index.ts';
import { workloadKey } from '../../strategies/types.ts';
import { createTrafficRouter } from '../../traffic/index.ts';
import type { TrafficRouter, TrafficTarget } from '../../traffic/types.ts';
import type { RunContext } from '../context.ts';
import type { StepOutcome } from '../outcome.ts';
import type { BackgroundAnalysis } from './analysis.ts';
import { copyName, desiredReplicas, newVersionCopy } from './copies.ts';
import { isAutoscaled } from '../autoscaler.ts';
import { startWatcher, type Watcher } from './watchers.ts';

export interface ProgressiveRelease {
  suffix: 'canary' | 'green';
  target: TrafficTarget;
  /** A router whose waits end with `signal` (routers keep their state in the cluster, so they are cheap). */
  router(signal?: AbortSignal): TrafficRouter;
  copies: DeploymentObject[];
  guard?: Watcher;
  background?: BackgroundAnalysis;
}

function findByName(ctx: RunContext, kind: string, name?: string): KubeObject | undefined {
  return ctx.manifests.objects.find(
    (o) => o.object.kind === kind && (!name || o.object.metadata.name === name),
  )?.object;
}

/** The router, target and copies of this run, from plain data. */
export function buildRelease(ctx: RunContext): ProgressiveRelease {
  const suffix = strategyFor(ctx.plan.strategy).copySuffix ?? 'canary';
  const primary = ctx.plan.workloads[0];
  const stableLive = ctx.stable.get(workloadKey(primary)) ?? primary;
  const { versionLabel } = ctx.config;
  const replicasRouter = ctx.config.traffic === 'replicas';
  const copies = ctx.plan.workloads
    .filter(isDeployment)
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
  return {
    suffix,
    target,
    router: (signal) =>
      createTrafficRouter(ctx.config.traffic, ctx.cluster, target, {
        ...(signal ? { signal } : {}),
        // An HPA owns stable's size: the replicas router adds canary pods instead of shrinking it.
        ...(isAutoscaled(ctx.manifests, primary, stableLive) ? { keepStableFullSize: true } : {}),
        ...(ctx.config.maxSurge !== undefined ? { maxSurge: ctx.config.maxSurge } : {}),
      }),
    copies,
  };
}

/**
 * The weight the data plane really carries, read back from the router's object rather than taken
 * from the stored state: a resumed run, or a rollback, starts from what the cluster does. When it
 * differs from the stored weight (someone changed the object, or a run died mid-write), the state
 * follows the cluster and the record says so. Undefined when it cannot be read (e.g. the router's
 * object was deleted); the caller then keeps the stored weight.
 */
export async function observeWeight(
  ctx: RunContext,
  release: ProgressiveRelease,
  signal?: AbortSignal,
): Promise<number | undefined> {
  let carried: number;
  try {
    carried = await release.router(signal).getWeight();
  } catch (err) {
    ctx.log.warn(
      `could not read the canary weight back: ${err instanceof Error ? err.message : String(err)}`,
    );
    return undefined;
  }
  if (carried !== ctx.state.canaryWeight) {
    ctx.record.notes.push(
      `the ${ctx.config.traffic} router's object carries ${carried}% to ${ctx.state.newVersion}, not the stored ${ctx.state.canaryWeight}%: continuing from ${carried}%`,
    );
    ctx.state.canaryWeight = carried;
  }
  return carried;
}

/** Watches the copies' pods across all steps; fails the step in progress on the first fatal status. */
export function guardOf(ctx: RunContext, release: ProgressiveRelease): Promise<StepOutcome> {
  release.guard ??= startWatcher(ctx, 'the pod guard of the new version', async (signal) => {
    const selector = selectorString(release.copies[0]?.spec.selector?.matchLabels);
    const problem = await ctx.cluster.watchUntil(
      'v1',
      'Pod',
      ctx.namespace,
      { labelSelector: selector },
      (e) => (e.type === 'DELETED' ? undefined : findPodProblem(e.object)),
      { timeoutMs: ctx.config.timeoutMs, signal, description: 'the new version to stay healthy' },
    );
    // With the crashed container's last log lines, as the rolling gate reports them.
    const found = await collectEvidence(
      ctx.cluster,
      copyName(ctx.plan.workloads[0], release.suffix),
      ctx.namespace,
      problem,
    );
    const evidence = { ...found, seenAt: ctx.now().toISOString() };
    return { kind: 'fail', reason: evidenceLine(evidence), evidence: [evidence] };
  });
  return release.guard.failed;
}

/**
 * Runs a step body while the guard and the background analysis watch; the first failure wins and
 * the body's own waits (e.g. a router waiting for pods that crash) are cut short.
 */
export async function guarded(
  ctx: RunContext,
  release: ProgressiveRelease,
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

/** Stops every watcher of the run. */
export function stopWatchers(release: ProgressiveRelease | undefined): void {
  release?.guard?.stop();
  release?.background?.stop();
}

/** Deletes the run's copies (their pods go in the background). */
export async function deleteCopies(
  ctx: Pick<RunContext, 'cluster'>,
  release: ProgressiveRelease,
): Promise<void> {
  for (const copy of release.copies)
    await ctx.cluster.delete(refOf(copy), { propagationPolicy: 'Background' });
}
