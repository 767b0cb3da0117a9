// The setCanaryScale step: the canary copy's size apart from its traffic share, for routers that
// leave the copy's size to the release (every router but `replicas`, which sizes it from the
// weight). `matchTrafficWeight` returns the copy to its own size (full, as at deploy-new), and the
// copy is always back at full size before promotion sends it all the traffic.
import type { CanaryScale } from '../../../config/types.ts';
import { refOf } from '../../../kube/types.ts';
import type { DeploymentObject } from '../../../manifests/workload-views.ts';
import { canaryScaleText } from '../../../strategies/types.ts';
import type { RunContext } from '../../run/context.ts';
import type { StepOutcome } from '../outcome.ts';
import { waitForWorkloads } from './native.ts';
import { guarded, type ProgressiveRelease as Release } from './progressive-release.ts';

/** Pods for `scale` of a copy whose full size is `full` (a weight rounds up, as Argo's does). */
export function scaledReplicas(scale: CanaryScale, full: number): number {
  if ('replicas' in scale) return scale.replicas;
  if ('weight' in scale) return Math.ceil((full * scale.weight) / 100);
  return full;
}

async function resize(ctx: RunContext, copies: DeploymentObject[], scale: CanaryScale, signal: AbortSignal) {
  const sized: DeploymentObject[] = [];
  for (const copy of copies) {
    // The copy as built at deploy-new carries its full size.
    const replicas = scaledReplicas(scale, copy.spec.replicas ?? 1);
    const patched = await ctx.cluster.patch(refOf(copy), { spec: { replicas } }, 'merge');
    if (replicas > 0) sized.push(patched as DeploymentObject);
  }
  return waitForWorkloads({ ...ctx, signal }, sized);
}

export async function setCanaryScale(
  ctx: RunContext,
  release: Release,
  scale: CanaryScale,
): Promise<StepOutcome> {
  return guarded(ctx, release, async (signal) => {
    const { failure } = await resize(ctx, release.copies, scale, signal);
    if (failure) return { kind: 'fail', reason: failure.message, evidence: failure.evidence };
    ctx.state.canaryScaled = !('matchTrafficWeight' in scale);
    return { kind: 'continue', detail: `canary at ${canaryScaleText(scale)}` };
  });
}

/** Before promotion: a copy a setCanaryScale step left smaller goes back to full size first. */
export async function restoreFullScale(ctx: RunContext, release: Release): Promise<StepOutcome> {
  if (!ctx.state.canaryScaled) return { kind: 'continue' };
  return setCanaryScale(ctx, release, { matchTrafficWeight: true });
}
