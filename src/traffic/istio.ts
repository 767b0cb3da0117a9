// `istio`: VirtualService route weights. With a DestinationRule for the Service host the split
// uses subsets `stable` and `canary` (added to that DestinationRule); without one it uses two
// hosts, `<service>` and `<service>-canary` from the Service pair (composed by the registry, used
// only then). Header routes become http[] entries in front. The user's http routes and subsets are
// remembered and given back.
import type { HeaderRoute } from '../config/types.ts';
import type { Cluster, KubeObject } from '../kube/types.ts';
import {
  ANNOTATIONS,
  TrafficRouterError,
  checkWeight,
  getLive,
  restoreSpecField,
  specFieldPatch,
  specFieldRestorePatch,
  refIn,
  required,
  shareOf,
  stateAnnotations,
  stateRouter,
  type SpecFieldPatch,
  type TrafficRouterOptions,
} from './common.ts';
import {
  view,
  type IstioDestination,
  type IstioHttpRoute,
  type IstioRouteDestination,
  type IstioSubset,
  type StringMatch,
  type VirtualServiceObject,
} from './objects.ts';
import {
  canaryServiceName,
  liveStableVersion,
  originalSelector,
  stableService,
  waitUntilOnlyStablePods,
} from './services.ts';
import type { RouterDefinition, TrafficRouter, TrafficTarget } from './types.ts';

export const SUBSETS = { stable: 'stable', canary: 'canary' } as const;

export interface IstioLayout {
  service: string;
  namespace: string;
  /** true: split by DestinationRule subsets; false: by the two Service hosts. */
  subsets: boolean;
}

/** `web`, `web.ns`, `web.ns.svc`, `web.ns.svc.cluster.local` all name Service web in ns. */
export function isServiceHost(host: unknown, service: string, namespace: string): boolean {
  if (typeof host !== 'string') return false;
  return (
    host === service || host === `${service}.${namespace}` || host.startsWith(`${service}.${namespace}.svc`)
  );
}

function stableDestination(dest: IstioDestination, layout: IstioLayout): IstioDestination {
  return layout.subsets ? { ...dest, subset: SUBSETS.stable } : dest;
}

function canaryDestination(dest: IstioDestination, layout: IstioLayout): IstioDestination {
  if (layout.subsets) return { ...dest, subset: SUBSETS.canary };
  return { ...dest, host: canaryServiceName(layout.service) + dest.host.slice(layout.service.length) };
}

function isStable(r: IstioRouteDestination, layout: IstioLayout): boolean {
  return isServiceHost(r.destination?.host, layout.service, layout.namespace);
}

function servesService(entry: IstioHttpRoute, layout: IstioLayout): boolean {
  return (entry.route ?? []).some((r) => isStable(r, layout));
}

/** Splits each destination of the service; weights in one route sum to 100, so split the existing weight. */
export function weightedRoute(
  route: IstioRouteDestination[],
  layout: IstioLayout,
  weight: number,
): IstioRouteDestination[] {
  return route.flatMap((r) => {
    if (!isStable(r, layout)) return [r];
    const own = r.weight ?? 100;
    const canary = Math.round((own * weight) / 100);
    return [
      { ...r, destination: stableDestination(r.destination, layout), weight: own - canary },
      { ...r, destination: canaryDestination(r.destination, layout), weight: canary },
    ];
  });
}

export function headerCondition(route: HeaderRoute): Record<string, StringMatch> {
  // Istio matches header names in lower case.
  return { [route.header.toLowerCase()]: route.match };
}

function headerEntry(entry: IstioHttpRoute, route: HeaderRoute, layout: IstioLayout): IstioHttpRoute {
  const match = (entry.match?.length ? entry.match : [{}]).map((m) => ({
    ...m,
    headers: { ...(m.headers ?? {}), ...headerCondition(route) },
  }));
  const canaryRoute = (entry.route ?? [])
    .filter((r) => isStable(r, layout))
    .map(({ weight: _w, ...r }) => ({ ...r, destination: canaryDestination(r.destination, layout) }));
  return { ...entry, name: route.name, match, route: canaryRoute };
}

/** VirtualService http[] for a weight and header routes, from the user's own entries. */
export function virtualServiceHttp(
  original: IstioHttpRoute[],
  layout: IstioLayout,
  weight: number,
  headerRoutes: HeaderRoute[],
): IstioHttpRoute[] {
  checkWeight('istio', weight);
  const serving = original.filter((entry) => servesService(entry, layout));
  if (!serving.length)
    throw new TrafficRouterError(
      'istio',
      `no http route of the VirtualService sends traffic to host "${layout.service}"`,
    );
  const headerEntries = headerRoutes.flatMap((route) =>
    serving.map((entry) => headerEntry(entry, route, layout)),
  );
  const weighted = original.map((entry) =>
    serving.includes(entry) ? { ...entry, route: weightedRoute(entry.route ?? [], layout, weight) } : entry,
  );
  return [...headerEntries, ...weighted];
}

/** The DestinationRule subsets with `stable` and `canary` pinned to the two versions. */
export function destinationRuleSubsets(
  original: IstioSubset[] | null | undefined,
  versionLabel: string,
  stableVersion: string,
  newVersion: string,
): IstioSubset[] {
  const others = (original ?? []).filter((s) => s.name !== SUBSETS.stable && s.name !== SUBSETS.canary);
  return [
    ...others,
    { name: SUBSETS.stable, labels: { [versionLabel]: stableVersion } },
    { name: SUBSETS.canary, labels: { [versionLabel]: newVersion } },
  ];
}

export function virtualServicePatch(
  live: KubeObject,
  layout: IstioLayout,
  weight: number,
  headerRoutes: HeaderRoute[],
): SpecFieldPatch {
  return specFieldPatch<IstioHttpRoute[]>(
    live,
    'http',
    ANNOTATIONS.originalHttp,
    (original) => virtualServiceHttp(original ?? [], layout, weight, headerRoutes),
    stateAnnotations(weight, headerRoutes),
  );
}

export function virtualServiceRestorePatch(live: KubeObject): SpecFieldPatch | undefined {
  return specFieldRestorePatch(live, 'http', ANNOTATIONS.originalHttp);
}

/** Adds our subsets to the user's DestinationRule, remembering the user's own (none → null). */
export function destinationRulePatch(
  live: KubeObject,
  versionLabel: string,
  stableVersion: string,
  newVersion: string,
): SpecFieldPatch {
  return specFieldPatch<IstioSubset[]>(live, 'subsets', ANNOTATIONS.originalSubsets, (original) =>
    destinationRuleSubsets(original, versionLabel, stableVersion, newVersion),
  );
}

export function destinationRuleRestorePatch(live: KubeObject): SpecFieldPatch | undefined {
  return specFieldRestorePatch(live, 'subsets', ANNOTATIONS.originalSubsets);
}

/** The canary and stable weights of the first http entry that splits the service (header entries hold only the canary). */
function splitWeights(vs: KubeObject, service: string, namespace: string) {
  const isCanary = (d: IstioDestination) =>
    (isServiceHost(d.host, service, namespace) && d.subset === SUBSETS.canary) ||
    isServiceHost(d.host, canaryServiceName(service), namespace);
  const isStableSide = (d: IstioDestination) =>
    isServiceHost(d.host, service, namespace) && d.subset !== SUBSETS.canary;
  for (const entry of view<VirtualServiceObject['spec']>(vs).spec?.http ?? []) {
    const route = entry.route ?? [];
    // Istio: a lone destination without a weight takes everything.
    const sum = (list: IstioRouteDestination[]) =>
      list.reduce((n, r) => n + (r.weight ?? (route.length === 1 ? 100 : 0)), 0);
    const stable = route.filter((r) => r.destination && isStableSide(r.destination));
    if (stable.length)
      return {
        canary: sum(route.filter((r) => r.destination && isCanary(r.destination))),
        stable: sum(stable),
      };
  }
  return undefined;
}

/** The canary share the VirtualService's routes carry. */
export function virtualServiceWeight(vs: KubeObject, service: string, namespace: string): number {
  const split = splitWeights(vs, service, namespace);
  return split ? shareOf(split.canary, split.stable) : 0;
}

/** Whether the routes carry `percent` as weightedRoute writes it (rounded within the entry's own weight). */
export function virtualServiceCarries(
  vs: KubeObject,
  service: string,
  namespace: string,
  percent: number,
): boolean {
  const split = splitWeights(vs, service, namespace);
  if (!split) return percent === 0;
  return split.canary === Math.round(((split.canary + split.stable) * percent) / 100);
}

/** The DestinationRule for the Service host, if the user has one (then subsets split the traffic). */
async function findDestinationRule(
  cluster: Cluster,
  apiVersion: string,
  service: string,
  namespace: string,
): Promise<KubeObject | undefined> {
  const rules = await cluster.list(apiVersion, 'DestinationRule', namespace);
  return rules.find((dr) => isServiceHost(dr.spec?.host, service, namespace));
}

export function createIstioRouter(
  cluster: Cluster,
  target: TrafficTarget,
  opts: TrafficRouterOptions = {},
): TrafficRouter {
  const vs = (): KubeObject =>
    required(
      'istio',
      target.virtualService,
      'a VirtualService (input `virtual-service` or one in the manifests)',
    );
  const service = () => stableService('istio', target);
  const serviceName = () => service().metadata.name ?? '';
  const serviceNamespace = () => service().metadata.namespace ?? target.namespace;

  const destinationRule = () =>
    findDestinationRule(cluster, vs().apiVersion, serviceName(), serviceNamespace());

  async function sync(current: KubeObject, weight: number, headerRoutes: HeaderRoute[]): Promise<void> {
    const dr = await destinationRule();
    const layout: IstioLayout = {
      service: serviceName(),
      namespace: serviceNamespace(),
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

  async function reset(): Promise<void> {
    const current = await cluster.get(refIn(vs(), target.namespace));
    const dr = await destinationRule();
    if (current && dr && virtualServiceRestorePatch(current)) {
      // Subsets: the user's routes reach every pod of the Service, so stable traffic only, then
      // wait for the other version's pods to be gone before giving the routes back.
      await sync(current, 0, []);
      const svc = await getLive(cluster, 'istio', service(), target.namespace);
      await waitUntilOnlyStablePods('istio', cluster, target, originalSelector(svc), opts);
    }
    await restoreSpecField(cluster, refIn(vs(), target.namespace), 'http', ANNOTATIONS.originalHttp);
    if (dr)
      await restoreSpecField(cluster, refIn(dr, target.namespace), 'subsets', ANNOTATIONS.originalSubsets);
  }

  const router = stateRouter('istio', {
    read: () => getLive(cluster, 'istio', vs(), target.namespace),
    weightOf: (current) => virtualServiceWeight(current, serviceName(), serviceNamespace()),
    carries: (current, percent) => virtualServiceCarries(current, serviceName(), serviceNamespace(), percent),
    describe: () => `VirtualService "${vs().metadata.name}"`,
    sync,
    reset,
  });
  // With a DestinationRule, subsets split the traffic and the Service pair stays out of the way.
  return { ...router, usesServicePair: async () => (await destinationRule()) === undefined };
}

export const istioRouter: RouterDefinition = {
  name: 'istio',
  summary: 'Istio VirtualService route weights (DestinationRule subsets when one exists for the Service)',
  strategies: ['canary', 'blue-green'],
  capabilities: { headerRoutes: true, maxHeaderRoutes: Infinity, weightsBetween: true },
  target: {
    kind: 'VirtualService',
    group: 'networking.istio.io',
    input: 'virtual-service',
    configKey: 'virtualService',
    required: true,
  },
  needsService: true,
  servicePair: true,
  access: [
    { group: 'networking.istio.io', resource: 'virtualservices', verbs: ['get', 'patch'] },
    { group: 'networking.istio.io', resource: 'destinationrules', verbs: ['list', 'patch'] },
  ],
  create: createIstioRouter,
};
