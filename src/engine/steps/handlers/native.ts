// Step handlers for the native strategies (rolling, recreate): apply in place, wait with fail-fast,
// and on failure put every workload back to the template it had before the release.
import { waitForRollout, type RolloutOutcome } from '../../../gates/wait-rollout.ts';
import { refOf, type KubeObject, workloadKey } from '../../../kube/types.ts';
import { isWorkload } from '../../../manifests/pods.ts';
import { asDeployment, specOf, statusOf } from '../../../manifests/workload-views.ts';
import { applyInOrder } from '../../objects/apply-in-order.ts';
import type { RunContext } from '../../run/context.ts';
import type { ReleaseHistory } from '../../../record/types.ts';
import type { ModeHandlers } from '../executor.ts';
import type { StepOutcome } from '../outcome.ts';
import { restoreTemplate, revisionOf, userShape } from '../../objects/workloads.ts';
import { runBackgroundAnalysis } from './analysis.ts';
import { changedAmong } from '../../../strategies/scope.ts';

const DEFAULT_PROGRESS_DEADLINE_MS = 600_000;

/**
 * A Deployment that turns from a rolling update into Recreate loses the `rollingUpdate` the API
 * server defaulted into it first: it is refused beside Recreate, and a server-side apply cannot
 * remove a field it does not own. A merge patch (whose null deletes) makes the switch.
 */
async function switchToRecreate(ctx: RunContext): Promise<void> {
  for (const workload of ctx.plan.workloads) {
    const wanted = asDeployment(workload)?.spec?.strategy?.type;
    const running = asDeployment(ctx.stable.get(workloadKey(workload)))?.spec?.strategy;
    if (wanted !== 'Recreate' || !running || running.type === 'Recreate') continue;
    ctx.log.info(`${workload.kind}/${workload.metadata.name}: switching the update strategy to Recreate`);
    await ctx.cluster.patch(
      refOf(workload),
      { spec: { strategy: { type: 'Recreate', rollingUpdate: null } } },
      'merge',
    );
  }
}

/** Non-workload objects first (config, services, routes), then the workloads. */
export async function applyRelease(ctx: RunContext): Promise<StepOutcome> {
  const workloadKeys = new Set(ctx.manifests.workloads.map((w) => workloadKey(w.object)));
  const others = ctx.manifests.objects.filter((o) => !workloadKeys.has(workloadKey(o.object)));
  const config = await applyInOrder(
    ctx.cluster,
    others.map((o) => o.object),
    ctx.noOpProofs,
  );
  await switchToRecreate(ctx);
  const workloads = await applyInOrder(ctx.cluster, ctx.plan.workloads, ctx.noOpProofs);
  const count = others.length + ctx.plan.workloads.length;
  const unchanged = config.unchanged + workloads.unchanged;
  const already = unchanged ? `; ${unchanged} already as given, not sent` : '';
  ctx.log.info(`applied ${count} objects (${ctx.plan.workloads.length} workloads${already})`);
  return { kind: 'continue', detail: `applied ${count} objects` };
}

export type WaitContext = Pick<RunContext, 'cluster' | 'signal' | 'log' | 'config'>;

export function progressDeadlineMs(ctx: WaitContext, workload: KubeObject): number {
  if (ctx.config.progressDeadlineMs) return ctx.config.progressDeadlineMs;
  const seconds = asDeployment(workload)?.spec?.progressDeadlineSeconds;
  return typeof seconds === 'number' ? seconds * 1000 : DEFAULT_PROGRESS_DEADLINE_MS;
}

/**
 * Waits for every workload at once. The first failure stops the others and is the one returned;
 * `undefined` means every workload rolled out.
 */
export async function waitForWorkloads(
  ctx: WaitContext,
  workloads: KubeObject[],
  failFast = true,
): Promise<{
  failure?: Extract<RolloutOutcome, { ok: false }>;
  done: Extract<RolloutOutcome, { ok: true }>[];
}> {
  const stop = new AbortController();
  const signal = AbortSignal.any([ctx.signal, stop.signal]);
  let failure: Extract<RolloutOutcome, { ok: false }> | undefined;
  const done: Extract<RolloutOutcome, { ok: true }>[] = [];
  await Promise.all(
    workloads.map(async (w) => {
      try {
        const outcome = await waitForRollout(ctx.cluster, w, {
          deadlineMs: progressDeadlineMs(ctx, w),
          signal,
          failFast,
          onProgress: (message) => ctx.log.info(message),
        });
        if (outcome.ok) done.push(outcome);
        else if (!failure) {
          failure = outcome;
          stop.abort(new Error('another workload failed'));
        }
      } catch (err) {
        if (!stop.signal.aborted || ctx.signal.aborted) throw err;
      }
    }),
  );
  return { failure, done };
}

export async function waitStep(ctx: RunContext): Promise<StepOutcome> {
  const analysis = runBackgroundAnalysis(ctx);
  const stopWaiting = new AbortController();
  try {
    const waited = waitForWorkloads(
      { ...ctx, signal: AbortSignal.any([ctx.signal, stopWaiting.signal]) },
      changedWorkloads(ctx),
    );
    waited.catch(() => {});
    const early = await Promise.race([waited, analysis.failed]);
    if ('kind' in early) return early;
    const { failure, done } = early;
    if (failure) return { kind: 'fail', reason: failure.message, evidence: failure.evidence };
    const verdict = await analysis.finish();
    if (verdict) return verdict;
    noteRolledOut(ctx.record, done);
    return { kind: 'continue', detail: done.map((o) => o.message).join('; ') };
  } finally {
    analysis.stop();
    stopWaiting.abort();
  }
}

/** Every workload back to its pre-release template; objects the release created are removed. */
export async function rollbackNative(ctx: RunContext): Promise<void> {
  const signal = AbortSignal.any([ctx.lost, AbortSignal.timeout(ctx.config.timeoutMs)]);
  const restored: KubeObject[] = [];
  for (const workload of ctx.plan.workloads) {
    // Unchanged workloads kept their template: nothing to put back.
    if (!ctx.scope.changed.has(workloadKey(workload))) continue;
    const previous = ctx.stable.get(workloadKey(workload));
    if (previous) {
      ctx.log.info(
        `restoring ${workload.kind}/${workload.metadata.name} to revision ${revisionOf(previous) ?? '?'}`,
      );
      restored.push(await restoreTemplate(ctx.cluster, previous));
    }
  }
  await restoreConfigObjects(ctx);
  // Workloads this release added go with it, unless it was the app's first release.
  const firstRelease = !ctx.plan.workloads.some((w) => ctx.stable.get(workloadKey(w)));
  if (!firstRelease)
    for (const w of newWorkloads(ctx)) {
      ctx.log.info(`removing ${w.kind}/${w.metadata.name}: it is new in this release`);
      await ctx.cluster.delete(refOf(w), { propagationPolicy: 'Background' });
    }
  if (firstRelease && ctx.plan.workloads.length > 0)
    throw new Error(
      `there is no earlier version of ${ctx.plan.workloads.map((w) => `${w.kind}/${w.metadata.name}`).join(', ')} to return to (this was its first release): the new version is left in place for inspection`,
    );
  const { failure, done } = await waitForWorkloads({ ...ctx, signal }, restored, false);
  if (failure) throw new Error(`rollback did not become available: ${failure.message}`);
  noteRolledOut(ctx.record, done);
  ctx.state.servingVersion = ctx.record.previousVersion;
}

/** The revision and the ready pods of the workloads that rolled out, in the record. */
export function noteRolledOut(record: ReleaseHistory, done: readonly { workload: KubeObject }[]): void {
  const revision = done.map((d) => revisionOf(d.workload)).find((r) => r !== undefined);
  if (revision !== undefined) record.revision = revision;
  for (const { workload } of done) {
    const entry = record.workloads?.find((w) => w.workload === `${workload.kind}/${workload.metadata.name}`);
    const status = statusOf(workload);
    const desired = specOf(workload)?.replicas;
    if (entry && entry.change !== 'unchanged' && desired !== undefined)
      entry.ready = `${status?.readyReplicas ?? status?.numberReady ?? 0}/${desired}`;
  }
}

/**
 * The workloads whose pod template the release changes: the ones a wait is for (the others were
 * applied with their live template, so nothing of theirs rolls).
 */
export function changedWorkloads(ctx: Pick<RunContext, 'plan' | 'scope'>): KubeObject[] {
  return changedAmong(ctx.plan.workloads, ctx.scope.changed);
}

/** Workloads new in this release: no stable version to run beside, applied as they are. */
export function newWorkloads(ctx: Pick<RunContext, 'plan' | 'scope'>): KubeObject[] {
  return ctx.plan.workloads.filter((w) => {
    const key = workloadKey(w);
    return ctx.scope.changed.has(key) && !ctx.scope.running.has(key);
  });
}

/** Non-workload objects back to their pre-release shape (those that existed before). */
export async function restoreConfigObjects(ctx: RunContext): Promise<void> {
  await restoreSnapshotObjects(ctx, ctx.state.stableSnapshot);
}

/** Every non-workload object of a stable snapshot re-applied in the shape it had. */
export async function restoreSnapshotObjects(
  ctx: Pick<RunContext, 'cluster' | 'log'>,
  snapshot: KubeObject[],
): Promise<void> {
  for (const raw of snapshot) {
    if (isWorkload(raw)) continue;
    await ctx.cluster
      .apply(userShape(raw))
      .catch((err) => ctx.log.warn(`could not restore ${raw.kind}/${raw.metadata.name}: ${err.message}`));
  }
}

export const nativeHandlers: ModeHandlers<'in-place'> = {
  steps: { apply: applyRelease, wait: waitStep },
  rollback: (ctx) => rollbackNative(ctx),
};
