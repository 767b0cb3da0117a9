// Rollback of canary and blue-green: traffic returns to stable first (and stable gets its own
// template back if promotion had begun), then the copies, routes and preview Service go.
import type { KubeObject } from '../../kube/types.ts';
import { refOf } from '../../kube/types.ts';
import { workloadOf } from '../../manifests/workload-views.ts';
import { recordWeight } from '../../record/steps.ts';
import { workloadKey } from '../../strategies/types.ts';
import type { RunContext } from '../context.ts';
import { restoreTemplate, versionOf } from '../workloads.ts';
import { restoreConfigObjects, waitForWorkloads } from './native.ts';
import {
  deleteCopies,
  observeWeight,
  stopWatchers,
  type ProgressiveRelease as Release,
} from './progressive-release.ts';

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
    const template = structuredClone(workloadOf(previous).spec.template);
    if (ctx.state.stableVersion && ctx.config.traffic !== 'replicas') {
      template.metadata = template.metadata ?? {};
      template.metadata.labels = {
        ...(template.metadata.labels ?? {}),
        [versionLabel]: ctx.state.stableVersion,
      };
    }
    restored.push(await restoreTemplate(ctx.cluster, previous, template));
  }
  if (restored.length) await waitForWorkloads({ ...ctx, signal }, restored, false);
}

/** The version traffic returns to (of the first lane's stable workload). */
export function stableVersionOf(ctx: RunContext, release: Release): string {
  return release.lanes[0]?.target.stableVersion ?? ctx.state.stableVersion ?? 'stable';
}

/** Traffic to stable first (restoring stable's template if promotion had begun), then the copies go. */
export async function rollbackProgressive(ctx: RunContext, release: Release): Promise<void> {
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
    `traffic back on ${stableVersionOf(ctx, release)}${carried ? ` (the new version had ${carried}%)` : ''}`,
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
