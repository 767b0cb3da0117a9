// A read-only snapshot of what routing needs from the store, rebuilt only after the store changed.
import type { KubeObject, SimStore } from '../types.ts';
import { viewAll, type PodView, type ServiceView } from '../views.ts';
import { labelsMatch, podServes } from './pods.ts';
import type { BackendTarget } from './routing.ts';

export interface ClusterView {
  pods: PodView[];
  services: ServiceView[];
  ingresses: KubeObject[];
  httpRoutes: KubeObject[];
  virtualServices: KubeObject[];
  destinationRules: KubeObject[];
  trafficSplits: KubeObject[];
  service(namespace: string, name: string): ServiceView | undefined;
  /** Pods that would receive the target's traffic: selected by the Service, Ready, not terminating. */
  readyEndpoints(target: BackendTarget): PodView[];
}

/**
 * Lists a kind in the first of its versions the store serves (the store keeps one copy per
 * group/kind, whatever version it was written in); kinds the store does not know yield nothing.
 */
function listAcross(store: SimStore, group: string, versions: string[], kind: string): KubeObject[] {
  for (const version of versions) {
    const apiVersion = group ? `${group}/${version}` : version;
    try {
      if (store.resourceInfo(apiVersion, kind)) return store.list(apiVersion, kind).sort(byCreation);
    } catch {
      // Not served after all: try the next version.
    }
  }
  return [];
}

function byCreation(a: KubeObject, b: KubeObject): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  return String(a.metadata.name).localeCompare(String(b.metadata.name));
}

export function readCluster(store: SimStore): ClusterView {
  const pods = viewAll<PodView>(listAcross(store, '', ['v1'], 'Pod'));
  const services = viewAll<ServiceView>(listAcross(store, '', ['v1'], 'Service'));
  const podsByNamespace = new Map<string, PodView[]>();
  for (const pod of pods) {
    const ns = pod.metadata.namespace ?? 'default';
    if (!podsByNamespace.has(ns)) podsByNamespace.set(ns, []);
    podsByNamespace.get(ns)!.push(pod);
  }
  const serviceIndex = new Map(services.map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, s]));
  const endpointCache = new Map<string, PodView[]>();
  const service = (namespace: string, name: string) => serviceIndex.get(`${namespace}/${name}`);
  return {
    pods,
    services,
    ingresses: listAcross(store, 'networking.k8s.io', ['v1'], 'Ingress'),
    httpRoutes: listAcross(store, 'gateway.networking.k8s.io', ['v1', 'v1beta1'], 'HTTPRoute'),
    virtualServices: listAcross(
      store,
      'networking.istio.io',
      ['v1', 'v1beta1', 'v1alpha3'],
      'VirtualService',
    ),
    destinationRules: listAcross(
      store,
      'networking.istio.io',
      ['v1', 'v1beta1', 'v1alpha3'],
      'DestinationRule',
    ),
    trafficSplits: listAcross(
      store,
      'split.smi-spec.io',
      ['v1alpha4', 'v1alpha3', 'v1alpha2', 'v1alpha1'],
      'TrafficSplit',
    ),
    service,
    readyEndpoints(target) {
      const key = `${target.namespace}/${target.service}/${JSON.stringify(target.subsetLabels ?? {})}`;
      let endpoints = endpointCache.get(key);
      if (!endpoints) {
        const selector = service(target.namespace, target.service)?.spec?.selector as
          Record<string, string> | undefined;
        // A Service without a selector has no managed endpoints (its Endpoints are someone else's).
        const selects = !!selector && Object.keys(selector).length > 0;
        endpoints = (podsByNamespace.get(target.namespace) ?? []).filter(
          (pod) =>
            selects &&
            podServes(pod) &&
            labelsMatch(selector, pod.metadata.labels) &&
            (!target.subsetLabels || labelsMatch(target.subsetLabels, pod.metadata.labels)),
        );
        endpointCache.set(key, endpoints);
      }
      return endpoints;
    },
  };
}
