// Canary for StatefulSets (and DaemonSets riding along): no copies — the StatefulSet's own
// partition decides how many ordinals run the new template. A step's weight sets
// partition = replicas − ceil(replicas × weight / 100); promotion sets it to 0.
import { LABELS } from '../../../labels.ts';
import { type KubeObject, refOf, workloadKey } from '../../../kube/types.ts';
import type { RunContext } from '../../run/context.ts';
import type { ModeHandlers } from '../executor.ts';
import type { StepOutcome } from '../outcome.ts';
import { recordWeight } from '../../../record/steps.ts';
import { selectorString } from '../../../gates/new-pods.ts';
import { restoreTemplate } from '../../objects/workloads.ts';
import { asStatefulSet, isStatefulSet, type StatefulSetObject } from '../../../manifests/workload-views.ts';
import { analysisStep, metricsFor } from './analysis.ts';
import { noteRolledOut, restoreConfigObjects, waitForWorkloads } from './native.ts';

export function partitionFor(replicas: number, weight: number): number {
  return replicas - Math.ceil((replicas * weight) / 100);
}

function statefulSets(ctx: RunContext): StatefulSetObject[] {
  return ctx.plan.workloads.filter(isStatefulSet);
}

function withPartition(sts: StatefulSetObject, partition: number): StatefulSetObject {
  const copy = structuredClone(sts);
  copy.spec.updateStrategy = {
    type: 'RollingUpdate',
    rollingUpdate: { ...(copy.spec.updateStrategy?.rollingUpdate ?? {}), partition },
  };
  return copy;
}

async function setPartitions(ctx: RunContext, weight: number): Promise<StepOutcome> {
  const applied: KubeObject[] = [];
  for (const sts of statefulSets(ctx)) {
    const replicas = sts.spec?.replicas ?? 1;
    applied.push(await ctx.cluster.apply(withPartition(sts, partitionFor(replicas, weight))));
  }
  const { failure } = await waitForWorkloads(ctx, applied);
  if (failure) return { kind: 'fail', reason: failure.message, evidence: failure.evidence };
  recordWeight(ctx.state, weight, ctx.now());
  const detail = applied
    .map(
      (s) =>
        `${s.metadata.name} partition ${asStatefulSet(s)?.spec.updateStrategy?.rollingUpdate?.partition}`,
    )
    .join(', ');
  ctx.log.info(`${weight}% of ordinals on ${ctx.state.newVersion}: ${detail}`);
  return { kind: 'continue', detail };
}

/** Config objects first, then each StatefulSet takes the new template with no ordinal updated yet. */
async function deployNew(ctx: RunContext): Promise<StepOutcome> {
  const workloadKeys = new Set(ctx.plan.workloads.map(workloadKey));
  for (const { object } of ctx.manifests.objects)
    if (!workloadKeys.has(workloadKey(object))) await ctx.cluster.apply(object);
  for (const sts of statefulSets(ctx)) await ctx.cluster.apply(withPartition(sts, sts.spec?.replicas ?? 1));
  return { kind: 'continue', detail: 'new template staged behind the partition' };
}

/** Partition 0 for StatefulSets, then the other workloads roll natively. */
async function promote(ctx: RunContext): Promise<StepOutcome> {
  ctx.state.stableUpdated = true;
  const applied: KubeObject[] = [];
  for (const w of ctx.plan.workloads)
    applied.push(await ctx.cluster.apply(isStatefulSet(w) ? withPartition(w, 0) : w));
  const { failure, done } = await waitForWorkloads(ctx, applied);
  if (failure) return { kind: 'fail', reason: failure.message, evidence: failure.evidence };
  recordWeight(ctx.state, 100, ctx.now());
  noteRolledOut(ctx.record, done);
  ctx.state.servingVersion = ctx.state.newVersion;
  return { kind: 'continue', detail: `${ctx.state.newVersion} on every ordinal` };
}

/** Every workload back to its pre-release template, partition 0 so every ordinal returns. */
async function rollback(ctx: RunContext): Promise<void> {
  const rctx = { ...ctx, signal: AbortSignal.any([ctx.lost, AbortSignal.timeout(ctx.config.timeoutMs)]) };
  const restored: KubeObject[] = [];
  for (const w of ctx.plan.workloads) {
    const previous = ctx.stable.get(workloadKey(w));
    if (!previous) continue;
    const live = asStatefulSet(await ctx.cluster.get(refOf(previous)));
    if (w.kind === 'StatefulSet') {
      await ctx.cluster.patch(
        refOf(previous),
        { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } },
        'merge',
      );
    }
    restored.push(await restoreTemplate(ctx.cluster, previous));
    // A StatefulSet never replaces a pod that is not Running and Ready, even after its template is
    // reverted: the pods already started with the bad revision must be deleted by hand.
    const badRevision = live?.status?.updateRevision;
    if (w.kind === 'StatefulSet' && badRevision && badRevision !== live?.status?.currentRevision) {
      const selector = selectorString(asStatefulSet(previous)?.spec?.selector?.matchLabels, {
        [LABELS.revisionHash]: badRevision,
      });
      for (const pod of await ctx.cluster.list('v1', 'Pod', ctx.namespace, { labelSelector: selector })) {
        await ctx.cluster.delete(refOf(pod));
      }
    }
  }
  const { failure } = await waitForWorkloads(rctx, restored, false);
  if (failure) throw new Error(`rollback did not become ready: ${failure.message}`);
  await restoreConfigObjects(rctx);
  recordWeight(ctx.state, 0, ctx.now());
  ctx.state.servingVersion = ctx.state.stableVersion ?? ctx.record.previousVersion;
}

export const partitionedHandlers: ModeHandlers<'partition'> = {
  steps: {
    'deploy-new': deployNew,
    setWeight: (ctx, step) => setPartitions(ctx, step.weight),
    pause: async (ctx, step) => {
      const { durationMs } = step;
      if (durationMs === undefined)
        return { kind: 'pause', detail: `waiting for 'action: promote' (weight ${ctx.state.canaryWeight})` };
      if (durationMs > 0) await ctx.sleep(durationMs, ctx.signal);
      return { kind: 'continue' };
    },
    analysis: (ctx, step) => {
      return analysisStep(ctx, metricsFor(ctx, step.metricPhase, step.spec?.metrics));
    },
    promote,
  },
  rollback,
};
