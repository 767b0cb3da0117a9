// What one canary or blue-green run works with: the new version's copies, the traffic target and
// router, and the watchers (pod guard, background analysis) it owns. Built once per run.
import { findPodProblem } from '../../../gates/pod-health.ts';
import { collectEvidence, evidenceLine } from '../../../gates/wait-rollout.ts';
import { selectorString } from '../../../gates/new-pods.ts';
import { type KubeObject, refOf, workloadKey } from '../../../kube/types.ts';
import { view, type DeploymentObject } from '../../../manifests/workload-views.ts';
import { strategyFor } from '../../../strategies/index.ts';
import type { Strategy } from '../../../strategies/types.ts';
import { createTrafficRouter, routerDefinition } from '../../../traffic/index.ts';
import { allLanes } from '../../../traffic/composite.ts';
import { findLanes, type Lane } from '../../../traffic/lanes.ts';
import type { SourcedObject } from '../../../manifests/types.ts';
import { versionOf } from '../../objects/workloads.ts';
import type { RouterCapabilities, TrafficRouter, TrafficTarget } from '../../../traffic/types.ts';
import type { RunContext } from '../../run/context.ts';
import type { StepOutcome } from '../outcome.ts';
import type { BackgroundAnalysis } from './analysis.ts';
import { desiredReplicas, newVersionCopy } from './copies.ts';
import { isAutoscaled } from '../../objects/autoscaler.ts';
import { startWatcher, type Watcher } from './watchers.ts';
import type { CopySuffix } from '../../../names.ts';

/** One workload released as a copy, with the Service and route object that carry its traffic. */
export interface ReleaseLane {
  /** The stable workload as it ran before the release (the user's own name). */
  stable: KubeObject;
  copy: DeploymentObject;
  target: TrafficTarget;
}

export interface ProgressiveRelease {
  /** The strategy releasing it: what its copies are called and what it runs beside them. */
  strategy: Strategy;
  /** What the router can do (the engine asks this, never the router's name). */
  capabilities: RouterCapabilities;
  suffix: CopySuffix;
  lanes: ReleaseLane[];
  /** A router over every lane, whose waits end with `signal` (routers keep their state in the cluster). */
  router(signal?: AbortSignal): TrafficRouter;
  copies: DeploymentObject[];
  guard?: Watcher;
  background?: BackgroundAnalysis;
}

/** The workloads released as copies, as the plan applies them (with their manifest source). */
function progressiveWorkloads(ctx: RunContext): SourcedObject[] {
  const planned = new Map(ctx.plan.workloads.map((w) => [workloadKey(w), w] as const));
  return ctx.manifests.workloads
    .filter((w) => ctx.scope.progressive.has(workloadKey(w.object)))
    .map((w) => ({ ...w, object: planned.get(workloadKey(w.object)) ?? w.object }));
}

/** The lanes of this release, from plain data: the same in every run of the release. */
function lanesOf(ctx: RunContext): Lane[] {
  const inManifests = new Set(ctx.manifests.objects.map((o) => workloadKey(o.object)));
  const runningServices = ctx.state.stableSnapshot.filter(
    (o) => o.kind === 'Service' && !inManifests.has(workloadKey(o)),
  );
  return findLanes({
    router: routerDefinition(ctx.config.traffic),
    config: { ...ctx.config, namespace: ctx.namespace },
    manifests: ctx.manifests,
    progressive: progressiveWorkloads(ctx),
    runningServices,
  }).lanes;
}

/** The router, targets and copies of this run, from plain data. */
export function buildRelease(ctx: RunContext): ProgressiveRelease {
  const strategy = strategyFor(ctx.plan.strategy);
  const suffix = strategy.copySuffix ?? 'canary';
  const { versionLabel } = ctx.config;
  const { capabilities } = routerDefinition(ctx.config.traffic);
  const lanes = lanesOf(ctx).map((lane): ReleaseLane => {
    const workload = lane.workload.object as DeploymentObject;
    const stable = ctx.stable.get(workloadKey(workload)) ?? workload;
    // A router that sizes copies from the weight starts them with no pods.
    const replicas = capabilities.sizesCopies ? 0 : desiredReplicas(stable);
    const copy = newVersionCopy(workload, suffix, versionLabel, ctx.state.newVersion, replicas, ctx.name);
    const target: TrafficTarget = {
      namespace: ctx.namespace,
      app: ctx.name,
      stableWorkload: stable,
      newWorkload: copy,
      ...(lane.service ? { service: lane.service } : {}),
      ...(lane.routeObject ? { routeObject: lane.routeObject } : {}),
      versionLabel,
      stableVersion: versionOf(stable, versionLabel) ?? ctx.state.stableVersion ?? 'stable',
      newVersion: ctx.state.newVersion,
    };
    return { stable, copy, target };
  });
  const routerOf = (lane: ReleaseLane, signal?: AbortSignal) =>
    createTrafficRouter(ctx.config.traffic, ctx.cluster, lane.target, {
      ...(signal ? { signal } : {}),
      // An HPA owns stable's size: the replicas router adds canary pods instead of shrinking it.
      ...(isAutoscaled(ctx.manifests, lane.target.stableWorkload, lane.stable)
        ? { keepStableFullSize: true }
        : {}),
      ...(ctx.config.maxSurge !== undefined ? { maxSurge: ctx.config.maxSurge } : {}),
    });
  return {
    strategy,
    capabilities,
    suffix,
    lanes,
    router: (signal) => allLanes(lanes.map((lane) => routerOf(lane, signal))),
    copies: lanes.map((l) => l.copy),
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

/**
 * Watches the new version's pods across all steps (the copies', and those of workloads that are
 * new in this release); fails the step in progress on the first fatal status.
 */
export function guardOf(ctx: RunContext, release: ProgressiveRelease): Promise<StepOutcome> {
  release.guard ??= startWatcher(ctx, 'the pod guard of the new version', async (signal) => {
    const selector = selectorString({ [ctx.config.versionLabel]: ctx.state.newVersion });
    const problem = await ctx.cluster.watchUntil(
      'v1',
      'Pod',
      ctx.namespace,
      { labelSelector: selector },
      (e) => (e.type === 'DELETED' ? undefined : findPodProblem(view(e.object))),
      { timeoutMs: ctx.config.timeoutMs, signal, description: 'the new version to stay healthy' },
    );
    // With the crashed container's last log lines, as the rolling gate reports them.
    const owner = release.copies.find((c) => problem.pod.startsWith(`${c.metadata.name}-`));
    const found = await collectEvidence(
      ctx.cluster,
      owner?.metadata.name ?? problem.pod.replace(/-[a-z0-9]+-[a-z0-9]+$/, ''),
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
