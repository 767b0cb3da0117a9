// `istio`: VirtualService route weights. With a DestinationRule for the Service host the split
// uses subsets `stable` and `canary` (added to that DestinationRule); without one it uses two
// hosts, `<service>` and `<service>-canary` from the Service pair (composed by the registry, used
// only then). Header routes become http[] entries in front. The user's http routes and subsets are
// remembered and given back.
// The pure route and subset rendering lives in istio-routes.ts.
import type { Cluster, KubeObject } from '../kube/types.ts';
import {
  ANNOTATIONS,
  keptShapeIn,
  getLive,
  restoreSpecField,
  refIn,
  required,
  stateRouter,
  type TrafficRouterOptions,
} from './common.ts';
import {
  destinationRulePatch,
  isServiceHost,
  virtualServiceCarries,
  virtualServicePatch,
  virtualServiceRestorePatch,
  virtualServiceServices,
  virtualServiceWeight,
  type IstioLayout,
} from './istio-routes.ts';
import { liveStableVersion, originalSelector, stableService, waitUntilOnlyStablePods } from './services.ts';
import type { HeaderRoute, RouterDefinition, TrafficRouter, TrafficTarget } from './types.ts';
import { view, type DestinationRuleObject } from './objects.ts';

export {
  SUBSETS,
  destinationRulePatch,
  destinationRuleRestorePatch,
  destinationRuleSubsets,
  headerCondition,
  isServiceHost,
  virtualServiceCarries,
  virtualServiceHttp,
  virtualServicePatch,
  virtualServiceRestorePatch,
  virtualServiceWeight,
  weightedRoute,
  type IstioLayout,
} from './istio-routes.ts';

/** The DestinationRule for the Service host, if the user has one (then subsets split the traffic). */
async function findDestinationRule(
  cluster: Cluster,
  apiVersion: string,
  service: string,
  namespace: string,
): Promise<KubeObject | undefined> {
  const rules = await cluster.list(apiVersion, 'DestinationRule', namespace);
  return rules.find((dr) => isServiceHost(view<DestinationRuleObject>(dr).spec?.host, service, namespace));
}

/** What one istio router works on, each part looked up when asked for. */
interface IstioContext {
  cluster: Cluster;
  target: TrafficTarget;
  opts: TrafficRouterOptions;
  vs: () => KubeObject;
  service: () => KubeObject;
  serviceName: () => string;
  serviceNamespace: () => string;
  destinationRule: () => Promise<KubeObject | undefined>;
}

function istioContext(cluster: Cluster, target: TrafficTarget, opts: TrafficRouterOptions): IstioContext {
  const vs = (): KubeObject =>
    required(
      'istio',
      target.routeObject,
      'a VirtualService (input `virtual-service` or one in the manifests)',
    );
  const service = () => stableService('istio', target);
  const serviceName = () => service().metadata.name ?? '';
  const serviceNamespace = () => service().metadata.namespace ?? target.namespace;
  const destinationRule = () =>
    findDestinationRule(cluster, vs().apiVersion, serviceName(), serviceNamespace());
  return { cluster, target, opts, vs, service, serviceName, serviceNamespace, destinationRule };
}

async function syncIstio(
  ctx: IstioContext,
  current: KubeObject,
  weight: number,
  headerRoutes: HeaderRoute[],
): Promise<void> {
  const { cluster, target } = ctx;
  const dr = await ctx.destinationRule();
  const layout: IstioLayout = {
    service: ctx.serviceName(),
    namespace: ctx.serviceNamespace(),
    subsets: dr !== undefined,
  };
  const patch = virtualServicePatch(current, layout, weight, headerRoutes);
  if (dr) {
    const stableVersion = await liveStableVersion(cluster, target);
    await cluster.patch(
      refIn(dr, target.namespace),
      destinationRulePatch(dr, target.versionLabel, stableVersion, target.newVersion),
      'merge',
    );
  }
  await cluster.patch(refIn(current, target.namespace), patch, 'merge');
}

async function resetIstio(ctx: IstioContext): Promise<void> {
  const { cluster, target } = ctx;
  const current = await cluster.get(refIn(ctx.vs(), target.namespace));
  const dr = await ctx.destinationRule();
  if (current && dr && virtualServiceRestorePatch(current)) {
    // Subsets: the user's routes reach every pod of the Service, so stable traffic only, then
    // wait for the other version's pods to be gone before giving the routes back.
    await syncIstio(ctx, current, 0, []);
    const svc = await getLive(cluster, 'istio', ctx.service(), target.namespace);
    await waitUntilOnlyStablePods('istio', cluster, target, originalSelector(svc), ctx.opts);
  }
  await restoreSpecField(cluster, refIn(ctx.vs(), target.namespace), 'http', ANNOTATIONS.originalHttp);
  if (dr)
    await restoreSpecField(cluster, refIn(dr, target.namespace), 'subsets', ANNOTATIONS.originalSubsets);
}

export function createIstioRouter(
  cluster: Cluster,
  target: TrafficTarget,
  opts: TrafficRouterOptions = {},
): TrafficRouter {
  const ctx = istioContext(cluster, target, opts);
  const { vs, serviceName, serviceNamespace } = ctx;
  const router = stateRouter('istio', {
    read: () => getLive(cluster, 'istio', vs(), target.namespace),
    weightOf: (current) => virtualServiceWeight(current, serviceName(), serviceNamespace()),
    carries: (current, percent) => virtualServiceCarries(current, serviceName(), serviceNamespace(), percent),
    describe: () => `VirtualService "${vs().metadata.name}"`,
    sync: (current, weight, headerRoutes) => syncIstio(ctx, current, weight, headerRoutes),
    reset: () => resetIstio(ctx),
  });
  // With a DestinationRule, subsets split the traffic and the Service pair stays out of the way.
  return { ...router, usesServicePair: async () => (await ctx.destinationRule()) === undefined };
}

export const istioRouter: RouterDefinition<'istio', 'virtualService', 'virtual-service'> = {
  name: 'istio',
  summary: 'Istio VirtualService route weights (DestinationRule subsets when one exists for the Service)',
  capabilities: {
    headerRoutes: true,
    maxHeaderRoutes: Infinity,
    weightsBetween: true,
    sizesCopies: false,
    pinsStableByVersionLabel: true,
  },
  target: {
    kind: 'VirtualService',
    title: 'Istio VirtualService',
    group: 'networking.istio.io',
    resource: 'virtualservices',
    input: 'virtual-service',
    configKey: 'virtualService',
    required: true,
    routedServices: virtualServiceServices,
    marked: keptShapeIn(ANNOTATIONS.originalHttp),
  },
  needsService: true,
  servicePair: true,
  access: [
    { group: 'networking.istio.io', resource: 'virtualservices', verbs: ['get', 'patch'] },
    // The user's DestinationRule for the Service, when there is one: found, its subsets patched and
    // restored (read back first).
    { group: 'networking.istio.io', resource: 'destinationrules', verbs: ['get', 'list', 'patch'] },
  ],
  create: createIstioRouter,
};
