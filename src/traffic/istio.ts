// `istio`: VirtualService route weights. With a DestinationRule for the Service host the split
// uses subsets `stable` and `canary` (added to that DestinationRule); without one it uses two
// hosts, `<service>` (pinned to the stable version) and `<service>-canary`. Header routes become
// http[] entries in front. The user's http routes and subsets are remembered and given back.
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
  stateAnnotations,
  stateRouter,
  type TrafficRouterOptions,
} from './common.ts';
import {
  SERVICE_PAIR_ACCESS,
  canaryServiceName,
  deleteCanaryService,
  ensureCanaryService,
  liveStableVersion,
  originalSelector,
  pinStableService,
  restoreStableService,
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

function stableDestination(dest: any, layout: IstioLayout): any {
  return layout.subsets ? { ...dest, subset: SUBSETS.stable } : dest;
}

function canaryDestination(dest: any, layout: IstioLayout): any {
  if (layout.subsets) return { ...dest, subset: SUBSETS.canary };
  return { ...dest, host: canaryServiceName(layout.service) + dest.host.slice(layout.service.length) };
}

function servesService(entry: any, layout: IstioLayout): boolean {
  return (entry.route ?? []).some((r: any) =>
    isServiceHost(r.destination?.host, layout.service, layout.namespace),
  );
}

/** Splits each destination of the service; weights in one route sum to 100, so split the existing weight. */
export function weightedRoute(route: any[], layout: IstioLayout, weight: number): any[] {
  return route.flatMap((r) => {
    if (!isServiceHost(r.destination?.host, layout.service, layout.namespace)) return [r];
    const own = r.weight ?? 100;
    const canary = Math.round((own * weight) / 100);
    return [
      { ...r, destination: stableDestination(r.destination, layout), weight: own - canary },
      { ...r, destination: canaryDestination(r.destination, layout), weight: canary },
    ];
  });
}

export function headerCondition(
  route: HeaderRoute,
): Record<string, { exact: string } | { prefix: string } | { regex: string }> {
  // Istio matches header names in lower case.
  return { [route.header.toLowerCase()]: route.match };
}

function headerEntry(entry: any, route: HeaderRoute, layout: IstioLayout): any {
  const match = (entry.match?.length ? entry.match : [{}]).map((m: any) => ({
    ...m,
    headers: { ...(m.headers ?? {}), ...headerCondition(route) },
  }));
  const canaryRoute = entry.route
    .filter((r: any) => isServiceHost(r.destination?.host, layout.service, layout.namespace))
    .map(({ weight: _w, ...r }: any) => ({ ...r, destination: canaryDestination(r.destination, layout) }));
  return { ...entry, name: route.name, match, route: canaryRoute };
}

/** VirtualService http[] for a weight and header routes, from the user's own entries. */
export function virtualServiceHttp(
  original: any[],
  layout: IstioLayout,
  weight: number,
  headerRoutes: HeaderRoute[],
): any[] {
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
    serving.includes(entry) ? { ...entry, route: weightedRoute(entry.route, layout, weight) } : entry,
  );
  return [...headerEntries, ...weighted];
}

/** The DestinationRule subsets with `stable` and `canary` pinned to the two versions. */
export function destinationRuleSubsets(
  original: any[] | null | undefined,
  versionLabel: string,
  stableVersion: string,
  newVersion: string,
): any[] {
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
): any {
  return specFieldPatch(
    live,
    'http',
    ANNOTATIONS.originalHttp,
    (original) => virtualServiceHttp(original ?? [], layout, weight, headerRoutes),
    stateAnnotations(weight, headerRoutes),
  );
}

export function virtualServiceRestorePatch(live: KubeObject): any | undefined {
  return specFieldRestorePatch(live, 'http', ANNOTATIONS.originalHttp);
}

/** Adds our subsets to the user's DestinationRule, remembering the user's own (none → null). */
export function destinationRulePatch(
  live: KubeObject,
  versionLabel: string,
  stableVersion: string,
  newVersion: string,
): any {
  return specFieldPatch(live, 'subsets', ANNOTATIONS.originalSubsets, (original) =>
    destinationRuleSubsets(original, versionLabel, stableVersion, newVersion),
  );
}

export function destinationRuleRestorePatch(live: KubeObject): any | undefined {
  return specFieldRestorePatch(live, 'subsets', ANNOTATIONS.originalSubsets);
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
  const serviceNamespace = () => service().metadata.namespace ?? target.namespace;

  /** The DestinationRule for the Service host, if the user has one (then subsets split the traffic). */
  async function destinationRule(): Promise<KubeObject | undefined> {
    const apiVersion = vs().apiVersion;
    const rules = await cluster.list(apiVersion, 'DestinationRule', serviceNamespace());
    return rules.find((dr) =>
      isServiceHost(dr.spec?.host, service().metadata.name ?? '', serviceNamespace()),
    );
  }

  async function sync(current: KubeObject, weight: number, headerRoutes: HeaderRoute[]): Promise<void> {
    const dr = await destinationRule();
    const layout: IstioLayout = {
      service: service().metadata.name ?? '',
      namespace: serviceNamespace(),
      subsets: dr !== undefined,
    };
    const patch = virtualServicePatch(current, layout, weight, headerRoutes);
    const stableVersion = await liveStableVersion(cluster, target);
    if (dr) {
      await cluster.patch(
        refIn(dr, target.namespace),
        destinationRulePatch(dr, target.versionLabel, stableVersion, target.newVersion),
        'merge',
      );
    } else {
      await ensureCanaryService('istio', cluster, target);
      await pinStableService('istio', cluster, target, stableVersion);
    }
    await cluster.patch(refIn(current, target.namespace), patch, 'merge');
  }

  const live = () => getLive(cluster, 'istio', vs(), target.namespace);

  return stateRouter('istio', live, sync, async () => {
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
    await deleteCanaryService('istio', cluster, target);
    await restoreStableService('istio', cluster, target, opts);
  });
}

export const istioRouter: RouterDefinition = {
  name: 'istio',
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
  access: [
    ...SERVICE_PAIR_ACCESS,
    { group: 'networking.istio.io', resource: 'virtualservices', verbs: ['get', 'patch'] },
    { group: 'networking.istio.io', resource: 'destinationrules', verbs: ['list', 'patch'] },
  ],
  create: createIstioRouter,
};
