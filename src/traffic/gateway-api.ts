// `gateway-api`: HTTPRoute backendRef weights between the stable Service and `<service>-canary`,
// and header routes as extra rules in front. The user's rules are remembered in an annotation on
// the HTTPRoute and given back on reset. The Service pair (composed by the registry) provides
// `<service>-canary` and pins the stable Service.
import type { Cluster, KubeObject } from '../kube/types.ts';
import {
  ANNOTATIONS,
  keptShapeIn,
  checkWeight,
  exactOrPattern,
  getLive,
  restoreSpecField,
  specFieldPatch,
  specFieldRestorePatch,
  refIn,
  required,
  servicesIn,
  shareOf,
  stateAnnotations,
  stateRouter,
  type SpecFieldPatch,
} from './common.ts';
import {
  view,
  type BackendRef,
  type HTTPHeaderMatch,
  type HTTPRouteMatch,
  type HTTPRouteObject,
  type HTTPRouteRule,
} from './objects.ts';
import { stableService } from './services.ts';
import { canaryServiceName } from '../names.ts';
import type { HeaderRoute, RouterDefinition, TrafficRouter, TrafficTarget } from './types.ts';
import { backendServices } from '../manifests/validate.ts';

export interface RouteLayout {
  service: string;
  /** Namespace of the HTTPRoute (backendRefs without a namespace mean this one). */
  routeNamespace: string;
  serviceNamespace: string;
}

export function isServiceRef(ref: BackendRef | undefined, layout: RouteLayout): boolean {
  return (
    ref !== undefined &&
    ref.name === layout.service &&
    (ref.kind ?? 'Service') === 'Service' &&
    (ref.group ?? '') === '' &&
    (ref.namespace ?? layout.routeNamespace) === layout.serviceNamespace
  );
}

export function headerMatch(route: HeaderRoute): HTTPHeaderMatch {
  const m = exactOrPattern(route);
  return 'exact' in m
    ? { type: 'Exact', name: route.header, value: m.exact }
    : { type: 'RegularExpression', name: route.header, value: m.pattern };
}

/**
 * Splits each reference to the service into stable and canary parts. Weights are relative, so the
 * other backends of the rule are scaled by 100 to keep their share exact.
 */
export function weightedBackendRefs(refs: BackendRef[], layout: RouteLayout, weight: number): BackendRef[] {
  return refs.flatMap((ref) => {
    const base = ref.weight ?? 1;
    if (!isServiceRef(ref, layout)) return [{ ...ref, weight: base * 100 }];
    return [
      { ...ref, weight: base * (100 - weight) },
      { ...ref, name: canaryServiceName(layout.service), weight: base * weight },
    ];
  });
}

const DEFAULT_MATCH: HTTPRouteMatch = { path: { type: 'PathPrefix', value: '/' } };

/** A copy of `rule` that matches only requests carrying the header and sends them to the canary. */
function headerRule(rule: HTTPRouteRule, route: HeaderRoute, layout: RouteLayout): HTTPRouteRule {
  const { name: _name, ...rest } = rule;
  const matches = (rule.matches?.length ? rule.matches : [DEFAULT_MATCH]).map((m) => ({
    ...m,
    headers: [...(m.headers ?? []), headerMatch(route)],
  }));
  const backendRefs = (rule.backendRefs ?? [])
    .filter((ref) => isServiceRef(ref, layout))
    .map(({ weight: _w, ...ref }) => ({ ...ref, name: canaryServiceName(layout.service) }));
  return { ...rest, matches, backendRefs };
}

/** The HTTPRoute rules for a weight and header routes, from the user's own rules. */
export function routeRules(
  original: HTTPRouteRule[],
  layout: RouteLayout,
  weight: number,
  headerRoutes: HeaderRoute[],
): HTTPRouteRule[] {
  checkWeight('gateway-api', weight);
  const serving = original.filter((rule) =>
    (rule.backendRefs ?? []).some((ref) => isServiceRef(ref, layout)),
  );
  const headerRules = headerRoutes.flatMap((route) => serving.map((rule) => headerRule(rule, route, layout)));
  const weighted = original.map((rule) =>
    serving.includes(rule)
      ? { ...rule, backendRefs: weightedBackendRefs(rule.backendRefs ?? [], layout, weight) }
      : rule,
  );
  return [...headerRules, ...weighted];
}

/** Merge patch that sets the rules and records the user's rules (first time) and the router state. */
export function routePatch(
  live: KubeObject,
  layout: RouteLayout,
  weight: number,
  headerRoutes: HeaderRoute[],
): SpecFieldPatch {
  return specFieldPatch<HTTPRouteRule[]>(
    live,
    'rules',
    ANNOTATIONS.originalRules,
    (original) => routeRules(original ?? [], layout, weight, headerRoutes),
    stateAnnotations(weight, headerRoutes),
  );
}

/** Merge patch back to the user's rules; undefined when the route was never changed. */
export function routeRestorePatch(live: KubeObject): SpecFieldPatch | undefined {
  return specFieldRestorePatch(live, 'rules', ANNOTATIONS.originalRules);
}

/**
 * The canary share the route's data plane carries: the canary Service's backendRef weight over
 * its own and the stable Service's, in the first weighted rule (header rules hold only the canary).
 */
export function routeWeight(route: KubeObject, layout: RouteLayout): number {
  const canaryLayout = { ...layout, service: canaryServiceName(layout.service) };
  for (const rule of view<HTTPRouteObject>(route).spec?.rules ?? []) {
    const refs = rule.backendRefs ?? [];
    const stable = refs.filter((ref) => isServiceRef(ref, layout));
    if (!stable.length) continue;
    const sum = (list: BackendRef[]) => list.reduce((n, ref) => n + (ref.weight ?? 1), 0);
    return shareOf(sum(refs.filter((ref) => isServiceRef(ref, canaryLayout))), sum(stable));
  }
  return 0;
}

export function createGatewayApiRouter(cluster: Cluster, target: TrafficTarget): TrafficRouter {
  const route = (): KubeObject =>
    required('gateway-api', target.routeObject, 'an HTTPRoute (input `route` or one in the manifests)');
  const layout = (): RouteLayout => {
    const service = stableService('gateway-api', target);
    return {
      service: service.metadata.name ?? '',
      routeNamespace: route().metadata.namespace ?? target.namespace,
      serviceNamespace: service.metadata.namespace ?? target.namespace,
    };
  };
  const live = () => getLive(cluster, 'gateway-api', route(), target.namespace);

  async function sync(current: KubeObject, weight: number, headerRoutes: HeaderRoute[]): Promise<void> {
    const patch = routePatch(current, layout(), weight, headerRoutes);
    await cluster.patch(refIn(current, target.namespace), patch, 'merge');
  }

  return stateRouter('gateway-api', {
    read: live,
    weightOf: (current) => routeWeight(current, layout()),
    describe: () => `HTTPRoute "${route().metadata.name}"`,
    sync,
    // The user's rules send everything to the stable Service, which the pair still pins here.
    reset: () =>
      restoreSpecField(cluster, refIn(route(), target.namespace), 'rules', ANNOTATIONS.originalRules),
  });
}

export const gatewayApiRouter: RouterDefinition<'gateway-api', 'route', 'route'> = {
  name: 'gateway-api',
  summary: 'Gateway API HTTPRoute backendRef weights',
  capabilities: {
    headerRoutes: true,
    maxHeaderRoutes: Infinity,
    weightsBetween: true,
    sizesCopies: false,
    pinsStableByVersionLabel: true,
  },
  target: {
    kind: 'HTTPRoute',
    title: 'HTTPRoute',
    group: 'gateway.networking.k8s.io',
    resource: 'httproutes',
    input: 'route',
    configKey: 'route',
    required: true,
    routedServices: (object, namespace) => servicesIn(backendServices(object), object, namespace),
    marked: keptShapeIn(ANNOTATIONS.originalRules),
  },
  needsService: true,
  servicePair: true,
  access: [{ group: 'gateway.networking.k8s.io', resource: 'httproutes', verbs: ['get', 'patch'] }],
  create: createGatewayApiRouter,
};
