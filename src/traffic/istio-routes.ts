// Pure rendering for the `istio` router: the VirtualService http[] routes and DestinationRule
// subsets it writes, the patches that apply and restore them, and the weights read back from them.
import type { KubeObject } from '../kube/types.ts';
import {
  ANNOTATIONS,
  TrafficRouterError,
  checkWeight,
  specFieldPatch,
  specFieldRestorePatch,
  shareOf,
  stateAnnotations,
  type SpecFieldPatch,
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
import { canaryServiceName } from '../names.ts';
import type { HeaderRoute } from './types.ts';

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

/** The Services (in `namespace`) the VirtualService's http routes send traffic to, by host. */
export function virtualServiceServices(object: KubeObject, namespace: string): string[] {
  const vs: VirtualServiceObject = view(object);
  const hosts = (vs.spec?.http ?? []).flatMap((entry) => (entry.route ?? []).map((r) => r.destination?.host));
  const names = hosts.flatMap((host) => {
    if (typeof host !== 'string') return [];
    const [name, ns] = host.split('.');
    return name && (ns === undefined || ns === namespace) ? [name] : [];
  });
  return [...new Set(names)];
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
  for (const entry of view<VirtualServiceObject>(vs).spec?.http ?? []) {
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
