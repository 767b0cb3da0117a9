// `nginx`: ingress-nginx canary. A second Ingress `<ingress>-canary`, cloned from the stable one
// for the same hosts and paths, sends `canary-weight`% (or the requests matching a header) to
// `<service>-canary`. The stable Service is pinned to the stable version so that its share never
// reaches canary pods.
import type { HeaderRoute } from '../config/types.ts';
import type { Cluster, KubeObject } from '../kube/types.ts';
import {
  ANNOTATIONS,
  TrafficRouterError,
  checkWeight,
  exactOrPattern,
  getLive,
  ownedMetadata,
  refIn,
  required,
  userAnnotations,
  stateRouter,
  type TrafficRouterOptions,
} from './common.ts';
import {
  SERVICE_PAIR_ACCESS,
  canaryServiceName,
  deleteCanaryService,
  ensureCanaryService,
  liveStableVersion,
  pinStableService,
  restoreStableService,
  stableService,
} from './services.ts';
import type { RouterDefinition, TrafficRouter, TrafficTarget } from './types.ts';

export const NGINX_PREFIX = 'nginx.ingress.kubernetes.io/';

export function canaryIngressName(ingress: string): string {
  return `${ingress}-canary`;
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
    [`${NGINX_PREFIX}canary-weight`]: String(weight),
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

function switchBackend(backend: any, service: string, canary: string): any | undefined {
  if (backend?.service?.name !== service) return undefined;
  return { ...backend, service: { ...backend.service, name: canary } };
}

/**
 * The canary Ingress: the stable Ingress's rules, TLS and class, keeping only the paths served by
 * `service`, now pointing at `<service>-canary`.
 */
export function canaryIngress(
  stable: KubeObject,
  p: { service: string; weight: number; headerRoutes: HeaderRoute[]; namespace: string },
): KubeObject {
  const canary = canaryServiceName(p.service);
  const name = stable.metadata.name ?? '';
  const rules = (stable.spec?.rules ?? []).flatMap((rule: any) => {
    const paths = (rule.http?.paths ?? []).flatMap((path: any) => {
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
  for (const [k, v] of Object.entries(userAnnotations(stable)))
    if (!k.startsWith(`${NGINX_PREFIX}canary`)) annotations[k] = v;
  Object.assign(annotations, canaryAnnotations(p.weight, p.headerRoutes), {
    [ANNOTATIONS.canaryOf]: name,
    [ANNOTATIONS.canaryWeight]: String(p.weight),
    [ANNOTATIONS.headerRoutes]: JSON.stringify(p.headerRoutes),
  });
  const spec: Record<string, unknown> = { rules };
  if (stable.spec?.ingressClassName) spec.ingressClassName = stable.spec.ingressClassName;
  if (defaultBackend) spec.defaultBackend = defaultBackend;
  if (stable.spec?.tls) spec.tls = stable.spec.tls;
  return {
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
  };
}

export function createNginxRouter(
  cluster: Cluster,
  target: TrafficTarget,
  opts: TrafficRouterOptions = {},
): TrafficRouter {
  const ingress = (): KubeObject =>
    required('nginx', target.ingress, 'an Ingress (input `ingress` or one in the manifests)');
  const canaryRef = () => {
    const ref = refIn(ingress(), target.namespace);
    return { ...ref, name: canaryIngressName(ref.name) };
  };
  const current = () => cluster.get(canaryRef());

  /** Brings every router object to the wanted state; safe to repeat and enough on its own in a new process. */
  async function sync(weight: number, headerRoutes: HeaderRoute[]): Promise<void> {
    const service = stableService('nginx', target).metadata.name ?? '';
    const desired = canaryIngress(await getLive(cluster, 'nginx', ingress(), target.namespace), {
      service,
      weight,
      headerRoutes,
      namespace: target.namespace,
    });
    await ensureCanaryService('nginx', cluster, target);
    await pinStableService('nginx', cluster, target, await liveStableVersion(cluster, target));
    await cluster.apply(desired);
  }

  return stateRouter(
    'nginx',
    current,
    (_current, weight, headerRoutes) => sync(weight, headerRoutes),
    async () => {
      if (target.ingress && (await current())) await sync(0, []);
      if (target.ingress) await cluster.delete(canaryRef());
      await deleteCanaryService('nginx', cluster, target);
      await restoreStableService('nginx', cluster, target, opts);
    },
  );
}

export const nginxRouter: RouterDefinition = {
  name: 'nginx',
  strategies: ['canary', 'blue-green'],
  capabilities: { headerRoutes: true, maxHeaderRoutes: 1, weightsBetween: true },
  target: {
    kind: 'Ingress',
    group: 'networking.k8s.io',
    input: 'ingress',
    configKey: 'ingress',
    required: true,
  },
  needsService: true,
  access: [
    ...SERVICE_PAIR_ACCESS,
    { group: 'networking.k8s.io', resource: 'ingresses', verbs: ['get', 'patch', 'delete'] },
  ],
  create: createNginxRouter,
};
