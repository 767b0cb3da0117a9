// `replicas`: traffic follows the pod ratio. The user's Service selects stable and canary pods
// alike (the canary keeps the app labels), so the canary share is its share of ready pods.
import type { Cluster, KubeObject, ObjectRef } from '../kube/types.ts';
import { asDeployment, replicasOf, type DeploymentObject } from '../manifests/workload-views.ts';
import {
  ANNOTATIONS,
  DEFAULT_READY_TIMEOUT_MS,
  TrafficRouterError,
  annotation,
  checkWeight,
  refIn,
  shareOf,
  verifyWeight,
  type TrafficRouterOptions,
} from './common.ts';
import type { RouterDefinition, TrafficRouter, TrafficTarget } from './types.ts';

/** Canary pods for `weight`% of `total`: at least one as soon as the weight is above 0. */
export function canaryReplicas(total: number, weight: number): number {
  if (weight <= 0) return 0;
  return Math.min(total, Math.max(1, Math.round((total * weight) / 100)));
}

/** Stable pods that keep the total at `total` (or all of them with keepStableFullSize). */
export function stableReplicas(total: number, weight: number, keepStableFullSize = false): number {
  return keepStableFullSize ? total : Math.max(0, total - canaryReplicas(total, weight));
}

/**
 * Argo Rollouts' basic canary (utils/replicaset/canary.go): the canary and stable counts whose
 * share is closest to `weight`, out of `total` pods or, when `surge` allows, `total + 1`; a tie
 * goes to the first option (the rounded-up canary at `total`). A weight strictly between 0 and 100
 * never rounds the canary to 0 unless a single pod cannot surge. 3 pods at 10% with surge: 1 canary
 * beside 3 stable (25%); without surge: 1 beside 2.
 */
export function basicCanaryCounts(
  total: number,
  weight: number,
  surge: number,
): { canary: number; stable: number } {
  if (total <= 0) return { canary: 0, stable: 0 };
  const exact = (total * weight) / 100;
  const up = Math.ceil(exact);
  const down = Math.floor(exact);
  const tied = (pods: number) => (pods * weight) % 100 === 50;
  const zeroAllowed = weight === 0 || weight === 100 || (total === 1 && surge === 0);
  const options: { canary: number; pods: number }[] = [];
  if (up < total || zeroAllowed) options.push({ canary: up, pods: total });
  if (!tied(total) && (down !== 0 || zeroAllowed)) options.push({ canary: down, pods: total });
  if (surge > 0) {
    options.push({ canary: up, pods: total + 1 });
    if (!tied(total + 1) && (down !== 0 || zeroAllowed)) options.push({ canary: down, pods: total + 1 });
  }
  const delta = (o: { canary: number; pods: number }) => Math.abs((o.canary * 100) / o.pods - weight);
  const best = options.reduce(
    (a, b) => (delta(b) < delta(a) ? b : a),
    options[0] ?? { canary: 0, pods: total },
  );
  return { canary: best.canary, stable: best.pods - best.canary };
}

/** Extra pods a maxSurge allows for `total` (a percentage rounds up, as Kubernetes' does). */
export function surgePods(maxSurge: number | string, total: number): number {
  if (typeof maxSurge === 'number') return maxSurge;
  return Math.ceil((total * Number(maxSurge.replace('%', ''))) / 100);
}

/**
 * The sizes for `weight`: with a maxSurge, Argo's basic-canary arithmetic; without, the canary's
 * rounded share of `total` (at least one pod above 0%) and stable the rest.
 */
export function wantedSizes(
  total: number,
  weight: number,
  opts: Pick<TrafficRouterOptions, 'keepStableFullSize' | 'maxSurge'>,
): { canary: number; stable: number } {
  const sizes =
    opts.maxSurge === undefined
      ? { canary: canaryReplicas(total, weight), stable: stableReplicas(total, weight) }
      : basicCanaryCounts(total, weight, surgePods(opts.maxSurge, total));
  return opts.keepStableFullSize ? { ...sizes, stable: total } : sizes;
}

/** The canary's share of the pods: of stable plus canary, or of the total while stable keeps its size. */
export function replicaShare(
  sizes: { stable: number; canary: number },
  total: number,
  keepStableFullSize = false,
): number {
  return keepStableFullSize
    ? shareOf(sizes.canary, Math.max(0, total - sizes.canary))
    : shareOf(sizes.canary, sizes.stable);
}

/** The Deployment has seen its latest spec and runs `replicas` ready pods of its current template. */
export function isDeploymentReady(deployment: KubeObject, replicas: number): boolean {
  const status = asDeployment(deployment)?.status ?? {};
  return (
    (status.observedGeneration ?? 0) >= (deployment.metadata.generation ?? 0) &&
    (status.updatedReplicas ?? 0) >= replicas &&
    (status.readyReplicas ?? 0) >= replicas
  );
}

/**
 * One scaling move from the current sizes to the wanted ones. The side that grows goes first and
 * must be ready before the other side shrinks, so serving capacity never drops below the total.
 */
export function scalingOrder(
  current: { stable: number; canary: number },
  wanted: { stable: number; canary: number },
): ('canary' | 'stable')[] {
  return wanted.canary >= current.canary ? ['canary', 'stable'] : ['stable', 'canary'];
}

/** What one replicas router works on: the cluster, the release and the two Deployments. */
interface ReplicasContext {
  cluster: Cluster;
  target: TrafficTarget;
  opts: TrafficRouterOptions;
  stableRef: ObjectRef;
  canaryRef: ObjectRef;
}

async function live(ctx: ReplicasContext, ref: ObjectRef): Promise<DeploymentObject | undefined> {
  return asDeployment(await ctx.cluster.get(ref));
}

/** R: the stable size the user asked for, remembered on the stable Deployment before we shrink it. */
function totalReplicas(ctx: ReplicasContext, stable: KubeObject | undefined): number {
  const recorded = annotation(stable, ANNOTATIONS.stableReplicas);
  if (recorded !== undefined) return Number(recorded);
  return replicasOf(stable) ?? replicasOf(ctx.target.stableWorkload) ?? 1;
}

function stableNotFound(ref: ObjectRef): TrafficRouterError {
  return new TrafficRouterError('replicas', `Deployment "${ref.name}" not found in ${ref.namespace}`);
}

async function waitReady(ctx: ReplicasContext, ref: ObjectRef, replicas: number): Promise<void> {
  await ctx.cluster.watchUntil(
    ref.apiVersion,
    ref.kind,
    ref.namespace,
    { fieldSelector: `metadata.name=${ref.name}` },
    (event) =>
      event.object.metadata.name === ref.name && isDeploymentReady(event.object, replicas) ? true : undefined,
    {
      timeoutMs: ctx.opts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
      signal: ctx.opts.signal,
      description: `deployment "${ref.name}" to have ${replicas} ready replicas`,
    },
  );
}

async function scale(
  ctx: ReplicasContext,
  ref: ObjectRef,
  replicas: number,
  current: number | undefined,
): Promise<void> {
  if (current !== replicas) await ctx.cluster.patch(ref, { spec: { replicas } }, 'merge');
  if (replicas > 0) await waitReady(ctx, ref, replicas);
}

/** Both Deployments, live; stable must exist, and the canary too once it is to get pods. */
async function liveDeployments(
  ctx: ReplicasContext,
  weight: number,
): Promise<{ stable: DeploymentObject; canary: DeploymentObject | undefined }> {
  const { stableRef, canaryRef } = ctx;
  const [stable, canary] = await Promise.all([live(ctx, stableRef), live(ctx, canaryRef)]);
  if (!stable) throw stableNotFound(stableRef);
  if (!canary && weight > 0)
    throw new TrafficRouterError(
      'replicas',
      `canary Deployment "${canaryRef.name}" not found in ${canaryRef.namespace}`,
    );
  return { stable, canary };
}

async function moveTo(ctx: ReplicasContext, total: number, weight: number): Promise<void> {
  const { opts, stableRef, canaryRef } = ctx;
  const { stable, canary } = await liveDeployments(ctx, weight);
  const current = { stable: stable.spec?.replicas ?? 1, canary: canary?.spec?.replicas ?? 0 };
  const wanted = wantedSizes(total, weight, opts);
  for (const side of scalingOrder(current, wanted)) {
    if (side === 'canary' && !canary) continue;
    // Kept at full size, stable's count is not the router's to set (an HPA owns it): left alone.
    if (side === 'stable' && opts.keepStableFullSize) continue;
    await scale(ctx, side === 'canary' ? canaryRef : stableRef, wanted[side], current[side]);
  }
  const expected = replicaShare(
    { ...wanted, canary: canary ? wanted.canary : 0 },
    total,
    opts.keepStableFullSize,
  );
  verifyWeight(
    'replicas',
    expected,
    await readShare(ctx, total),
    `Deployments "${stableRef.name}" and "${canaryRef.name}"`,
  );
}

/** The share the pod counts give now (spec.replicas of both Deployments). */
async function readShare(ctx: ReplicasContext, total: number): Promise<number> {
  const [stable, canary] = await Promise.all([live(ctx, ctx.stableRef), live(ctx, ctx.canaryRef)]);
  const sizes = { stable: stable?.spec?.replicas ?? 0, canary: canary?.spec?.replicas ?? 0 };
  return replicaShare(sizes, total, ctx.opts.keepStableFullSize);
}

/** R, recorded on the stable Deployment before the first change so later runs know it. */
async function recordTotal(ctx: ReplicasContext): Promise<number> {
  const stable = await live(ctx, ctx.stableRef);
  if (!stable) throw stableNotFound(ctx.stableRef);
  const total = totalReplicas(ctx, stable);
  if (annotation(stable, ANNOTATIONS.stableReplicas) === undefined) {
    await ctx.cluster.patch(
      ctx.stableRef,
      { metadata: { annotations: { [ANNOTATIONS.stableReplicas]: String(total) } } },
      'merge',
    );
  }
  return total;
}

/** Everything back on stable at its recorded size, and the record dropped. */
async function resetReplicas(ctx: ReplicasContext): Promise<void> {
  const stable = await live(ctx, ctx.stableRef);
  if (!stable) return;
  await moveTo(ctx, totalReplicas(ctx, stable), 0);
  if (annotation(stable, ANNOTATIONS.stableReplicas) !== undefined) {
    await ctx.cluster.patch(
      ctx.stableRef,
      { metadata: { annotations: { [ANNOTATIONS.stableReplicas]: null } } },
      'merge',
    );
  }
}

export function createReplicasRouter(
  cluster: Cluster,
  target: TrafficTarget,
  opts: TrafficRouterOptions = {},
): TrafficRouter {
  const ctx: ReplicasContext = {
    cluster,
    target,
    opts,
    stableRef: refIn(target.stableWorkload, target.namespace),
    canaryRef: refIn(target.newWorkload, target.namespace),
  };
  return {
    name: 'replicas',
    async prepare() {
      await recordTotal(ctx);
    },
    async setWeight(percent) {
      checkWeight('replicas', percent);
      await moveTo(ctx, await recordTotal(ctx), percent);
    },
    getWeight: async () => readShare(ctx, totalReplicas(ctx, await live(ctx, ctx.stableRef))),
    async setHeaderRoute(route) {
      if (route)
        throw new TrafficRouterError(
          'replicas',
          'header routes need a traffic router that understands HTTP (nginx, gateway-api or istio)',
        );
    },
    reset: () => resetReplicas(ctx),
  };
}

export const replicasRouter: RouterDefinition<'replicas', never, never> = {
  name: 'replicas',
  summary: "the ratio of stable to canary pods behind the app's Service",
  capabilities: {
    headerRoutes: false,
    maxHeaderRoutes: 0,
    weightsBetween: true,
    sizesCopies: true,
    pinsStableByVersionLabel: false,
  },
  needsService: false,
  servicePair: false,
  access: [{ group: 'apps', resource: 'deployments', verbs: ['get', 'list', 'watch', 'patch'] }],
  create: createReplicasRouter,
};
