// The deploy-new step of canary and blue-green: the user's other objects, the router's set-up and
// the new version's copies beside stable (plus blue-green's preview Service), watched until ready.
import { LABELS, MANAGED_BY_VALUE } from '../../../labels.ts';
import type { KubeObject } from '../../../kube/types.ts';
import { refOf } from '../../../kube/types.ts';
import { isWorkload } from '../../../manifests/pods.ts';
import { asWorkload } from '../../../manifests/workload-views.ts';
import type { ServiceObject } from '../../../traffic/objects.ts';
import type { RunContext } from '../../run/context.ts';
import type { StepOutcome } from '../outcome.ts';
import { applyInOrder } from '../../objects/apply-in-order.ts';
import { newWorkloads, waitForWorkloads } from './native.ts';
import { guarded, type ProgressiveRelease as Release, type ReleaseLane } from './progressive-release.ts';

/** Stable pods must carry the version label before a router pins the stable Service to it. */
async function ensureStableVersionLabel(ctx: RunContext, lane: ReleaseLane): Promise<void> {
  const { stableWorkload: stable, stableVersion } = lane.target;
  const { versionLabel } = ctx.config;
  if (asWorkload(stable)?.spec?.template?.metadata?.labels?.[versionLabel] || !stable.metadata.uid) return;
  ctx.record.notes.push(
    `the stable ${stable.kind} ${stable.metadata.name} had no '${versionLabel}' label on its pods: added '${stableVersion}' (a one-off restart of stable) so traffic can be pinned to it`,
  );
  const patched = await ctx.cluster.patch(
    refOf(stable),
    { spec: { template: { metadata: { labels: { [versionLabel]: stableVersion } } } } },
    'strategic',
  );
  const { failure } = await waitForWorkloads(ctx, [patched]);
  if (failure) throw new Error(`stable did not come back after labelling: ${failure.message}`);
}

export async function deployNew(ctx: RunContext, release: Release): Promise<StepOutcome> {
  const others = ctx.manifests.objects.filter((o) => !isWorkload(o.object));
  await applyInOrder(
    ctx.cluster,
    others.map((o) => o.object),
    ctx.noOpProofs,
  );
  if (release.capabilities.pinsStableByVersionLabel)
    for (const lane of release.lanes) await ensureStableVersionLabel(ctx, lane);
  await release.router(ctx.signal).prepare();
  const fresh = newWorkloads(ctx);
  await applyInOrder(ctx.cluster, fresh);
  for (const copy of release.copies) await ctx.cluster.apply(copy);
  if (ctx.config.previewService && release.strategy.previewService) {
    await ctx.cluster.apply(previewService(ctx, release));
  }
  const sized = [...fresh, ...release.copies.filter((c) => (c.spec.replicas ?? 1) > 0)];
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
  const base: ServiceObject | undefined = release.lanes[0]?.target.service;
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
