// Rollback of canary and blue-green: traffic returns to stable first (and stable gets its own
// template back if promotion had begun), then the copies, routes and preview Service go.
import { type KubeObject, refOf, workloadKey } from '../../../kube/types.ts';
import { workloadOf } from '../../../manifests/workload-views.ts';
import { recordWeight } from '../../../record/steps.ts';
import type { RunContext } from '../../run/context.ts';
import { restoreTemplate, versionOf } from '../../objects/workloads.ts';
import { newWorkloads, restoreConfigObjects, waitForWorkloads } from './native.ts';
import { routerDefinition } from '../../../traffic/index.ts';
import type { TrafficRouter } from '../../../traffic/types.ts';
import { observeWeight, stopWatchers, type ProgressiveRelease as Release } from './progressive-release.ts';

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
    if (
      ctx.state.stableVersion &&
      routerDefinition(ctx.config.traffic).capabilities.pinsStableByVersionLabel
    ) {
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

/**
 * Traffic to stable first (restoring stable's template if promotion had begun), then everything
 * the release created goes, newest first. Each removal is idempotent and each is tried even when
 * one before it failed; what could not be removed is kept in the state (`leftovers`) for the next
 * rollback or deploy, which runs this again.
 */
export async function rollbackProgressive(ctx: RunContext, release: Release): Promise<void> {
  stopWatchers(release);
  const rctx = { ...ctx, signal: AbortSignal.any([ctx.lost, AbortSignal.timeout(ctx.config.timeoutMs)]) };
  await restoreStableTemplates(ctx, rctx.signal);
  const router = release.router(rctx.signal);
  const reset = await trafficToStable(ctx, release, router, rctx.signal);
  // Only once no request can reach them: the copies, the router's objects, the preview Service.
  const cleanup = new Cleanup(ctx);
  for (const copy of [...release.copies].reverse())
    await cleanup.run(`Deployment ${copy.metadata.name}`, () =>
      ctx.cluster.delete(refOf(copy), { propagationPolicy: 'Background' }),
    );
  for (const w of newWorkloads(ctx))
    await cleanup.run(`${w.kind} ${w.metadata.name} (new in this release)`, () =>
      ctx.cluster.delete(refOf(w), { propagationPolicy: 'Background' }),
    );
  if (!reset) await cleanup.run(`the ${ctx.config.traffic} router's objects`, () => router.reset());
  if (ctx.config.previewService && release.strategy.previewService)
    await cleanup.run(`Service ${ctx.config.previewService}`, () =>
      ctx.cluster.delete({
        apiVersion: 'v1',
        kind: 'Service',
        name: ctx.config.previewService!,
        namespace: ctx.namespace,
      }),
    );
  await cleanup.run('the user objects the release changed', () => restoreConfigObjects(rctx));
  cleanup.finish();
  ctx.state.servingVersion = ctx.state.stableVersion ?? ctx.record.previousVersion;
}

/**
 * Weight 0 on every lane (the replicas router scales stable back up and waits for it). When the
 * router cannot set it (its object never took the new version, or was changed by hand), the
 * router is reset instead, which gives the user's objects back their own shape: true then.
 */
async function trafficToStable(
  ctx: RunContext,
  release: Release,
  router: TrafficRouter,
  signal: AbortSignal,
): Promise<boolean> {
  const carried = await observeWeight(ctx, release, signal);
  try {
    await router.setWeight(0);
  } catch (err) {
    ctx.log.warn(`could not set the weight to 0 (${(err as Error).message}): resetting the router instead`);
    await router.reset();
    recordStable(ctx, release, carried);
    return true;
  }
  recordStable(ctx, release, carried);
  return false;
}

function recordStable(ctx: RunContext, release: Release, carried: number | undefined): void {
  recordWeight(ctx.state, 0, ctx.now());
  ctx.log.info(
    `traffic back on ${stableVersionOf(ctx, release)}${carried ? ` (the new version had ${carried}%)` : ''}`,
  );
}

/** Removals that each run even when one before failed; the ones that failed become `leftovers`. */
class Cleanup {
  private readonly failed: string[] = [];
  constructor(private readonly ctx: RunContext) {}

  async run(what: string, remove: () => Promise<unknown>): Promise<void> {
    try {
      await remove();
    } catch (err) {
      this.ctx.log.warn(`could not remove ${what}: ${(err as Error).message}`);
      this.failed.push(`${what}: ${(err as Error).message}`);
    }
  }

  /** Records what is left (nothing: the field goes); throws when something is. */
  finish(): void {
    if (this.failed.length === 0) {
      delete this.ctx.state.leftovers;
      return;
    }
    this.ctx.state.leftovers = this.failed;
    throw new Error(
      `left behind after the rollback (the next rollback or deploy removes them): ${this.failed.join('; ')}`,
    );
  }
}
