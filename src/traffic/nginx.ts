// `nginx`: ingress-nginx canary. A second Ingress `<ingress>-canary`, cloned from the stable one
// for the same hosts and paths, sends `canary-weight`% (or the requests matching a header) to
// `<service>-canary`. The Service pair (composed by the registry) provides that Service and pins
// the stable one, so its share never reaches canary pods.
import type { Cluster, KubeObject } from '../kube/types.ts';
import {
  ANNOTATIONS,
  TrafficRouterError,
  annotation,
  checkWeight,
  exactOrPattern,
  getLive,
  ownedMetadata,
  refIn,
  required,
  servicesIn,
  userAnnotations,
  stateRouter,
} from './common.ts';
import { plain, view, type IngressBackend, type IngressObject } from './objects.ts';
import { stableService } from './services.ts';
import { canaryIngressName, canaryServiceName } from '../names.ts';
import type { HeaderRoute, RouterDefinition, TrafficRouter, TrafficTarget } from './types.ts';
import { backendServices } from '../manifests/validate.ts';

export const NGINX_PREFIX = 'nginx.ingress.kubernetes.io/';
export const CANARY_WEIGHT_ANNOTATION = `${NGINX_PREFIX}canary-weight`;

/** The share ingress-nginx sends to the canary Ingress: its `canary-weight` (0 without one). */
export function ingressWeight(canary: KubeObject | undefined): number {
  const text = annotation(canary, CANARY_WEIGHT_ANNOTATION);
  const weight = text === undefined ? 0 : Number(text);
  return Number.isFinite(weight) ? weight : 0;
}

/** ingress-nginx canary annotations for a weight and at most one header route. */
export function canaryAnnotations(weight: number, headerRoutes: HeaderRoute[]): Record<string, string> {
  checkWeight('nginx', weight);
  if (headerRoutes.length > 1) {
    throw new TrafficRouterError(
      'nginx',
      `ingress-nginx matches one header per canary Ingress; got ${headerRoutes.map((r) => r.name).join(', ')}`,
    );
  }
  const out: Record<string, string> = {
    [`${NGINX_PREFIX}canary`]: 'true',
    [CANARY_WEIGHT_ANNOTATION]: String(weight),
  };
  const route = headerRoutes[0];
  if (route) {
    out[`${NGINX_PREFIX}canary-by-header`] = route.header;
    const m = exactOrPattern(route);
    if ('exact' in m) out[`${NGINX_PREFIX}canary-by-header-value`] = m.exact;
    else out[`${NGINX_PREFIX}canary-by-header-pattern`] = m.pattern;
  }
  return out;
}

function switchBackend(
  backend: IngressBackend | undefined,
  service: string,
  canary: string,
): IngressBackend | undefined {
  if (!backend?.service || backend.service.name !== service) return undefined;
  return { ...backend, service: { ...backend.service, name: canary } };
}

/**
 * The canary Ingress: the stable Ingress's rules, TLS and class, keeping only the paths served by
 * `service`, now pointing at `<service>-canary`.
 */
export function canaryIngress(
  stableObject: KubeObject,
  p: { service: string; weight: number; headerRoutes: HeaderRoute[]; namespace: string },
): KubeObject {
  const stable: IngressObject = view(stableObject);
  const canary = canaryServiceName(p.service);
  const name = stable.metadata.name ?? '';
  const rules = (stable.spec?.rules ?? []).flatMap((rule) => {
    const paths = (rule.http?.paths ?? []).flatMap((path) => {
      const backend = switchBackend(path.backend, p.service, canary);
      return backend ? [{ ...path, backend }] : [];
    });
    return paths.length ? [{ ...rule, http: { ...rule.http, paths } }] : [];
  });
  const defaultBackend = switchBackend(stable.spec?.defaultBackend, p.service, canary);
  if (!rules.length && !defaultBackend) {
    throw new TrafficRouterError(
      'nginx',
      `Ingress "${name}" has no backend pointing at Service "${p.service}"`,
    );
  }
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(userAnnotations(stableObject)))
    if (!k.startsWith(`${NGINX_PREFIX}canary`)) annotations[k] = v;
  Object.assign(annotations, canaryAnnotations(p.weight, p.headerRoutes), {
    [ANNOTATIONS.canaryOf]: name,
    [ANNOTATIONS.canaryWeight]: String(p.weight),
    [ANNOTATIONS.headerRoutes]: JSON.stringify(p.headerRoutes),
  });
  const spec: NonNullable<IngressObject['spec']> = { rules };
  if (stable.spec?.ingressClassName) spec.ingressClassName = stable.spec.ingressClassName;
  if (defaultBackend) spec.defaultBackend = defaultBackend;
  if (stable.spec?.tls) spec.tls = stable.spec.tls;
  return plain<NonNullable<IngressObject['spec']>>({
    apiVersion: stable.apiVersion,
    kind: 'Ingress',
    metadata: ownedMetadata(
      'nginx',
      canaryIngressName(name),
      stable.metadata.namespace ?? p.namespace,
      stable.metadata.labels,
      annotations,
    ),
    spec,
  });
}

export function createNginxRouter(cluster: Cluster, target: TrafficTarget): TrafficRouter {
  const ingress = (): KubeObject =>
    required('nginx', target.routeObject, 'an Ingress (input `ingress` or one in the manifests)');
  const canaryRef = () => {
    const ref = refIn(ingress(), target.namespace);
    return { ...ref, name: canaryIngressName(ref.name) };
  };
  const current = () => cluster.get(canaryRef());

  /** Writes the canary Ingress for a state; safe to repeat and enough on its own in a new process. */
  async function sync(weight: number, headerRoutes: HeaderRoute[]): Promise<void> {
    const service = stableService('nginx', target).metadata.name ?? '';
    const desired = canaryIngress(await getLive(cluster, 'nginx', ingress(), target.namespace), {
      service,
      weight,
      headerRoutes,
      namespace: target.namespace,
    });
    await cluster.apply(desired);
  }

  return stateRouter('nginx', {
    read: current,
    weightOf: ingressWeight,
    describe: () => `Ingress "${canaryRef().name}"`,
    sync: (_current, weight, headerRoutes) => sync(weight, headerRoutes),
    reset: async () => {
      if (!target.routeObject) return;
      const live = await current();
      if (!live || annotation(live, ANNOTATIONS.createdBy) !== 'nginx') return;
      // No share on the canary before it goes, so no request sees it half removed.
      await sync(0, []);
      await cluster.delete(canaryRef());
    },
  });
}

export const nginxRouter: RouterDefinition<'nginx', 'ingress', 'ingress'> = {
  name: 'nginx',
  summary: 'an ingress-nginx canary Ingress `<ingress>-canary` with `canary-weight`',
  capabilities: {
    headerRoutes: true,
    maxHeaderRoutes: 1,
    weightsBetween: true,
    sizesCopies: false,
    pinsStableByVersionLabel: true,
  },
  target: {
    kind: 'Ingress',
    title: 'Ingress',
    group: 'networking.k8s.io',
    resource: 'ingresses',
    input: 'ingress',
    configKey: 'ingress',
    required: true,
    routedServices: (object, namespace) => servicesIn(backendServices(object), object, namespace),
    canaryCopy: true,
    // The canary Ingress it made names the user's Ingress it copies.
    marked: (o) =>
      annotation(o, ANNOTATIONS.createdBy) === 'nginx'
        ? { named: annotation(o, ANNOTATIONS.canaryOf) ?? o.metadata.name }
        : undefined,
  },
  needsService: true,
  servicePair: true,
  // The canary Ingress `<ingress>-canary` is applied (created), updated and deleted.
  access: [
    { group: 'networking.k8s.io', resource: 'ingresses', verbs: ['get', 'create', 'patch', 'delete'] },
  ],
  create: createNginxRouter,
};
