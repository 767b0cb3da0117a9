// Entry points of synthetic traffic: every Ingress host/path, HTTPRoute, VirtualService,
// TrafficSplit and selector-backed Service, each with its routing decision.
import type { KubeObject } from '../types.ts';
import type { ServiceView } from '../views.ts';
import type { ClusterView } from './view.ts';
import { ingressEntries } from './nginx.ts';
import { routeHttpRoute, routeTrafficSplit, routeVirtualService, subsetLookupFrom } from './routing.ts';
import type { Entry, EntryKind } from './entry.ts';

export type { Entry, EntryDecision, EntryKind, IngressHop } from './entry.ts';

function ns(obj: KubeObject): string {
  return obj.metadata.namespace ?? 'default';
}

function serviceEntry(service: KubeObject): Entry {
  const namespace = ns(service);
  const name = String(service.metadata.name);
  return {
    id: `service/${namespace}/${name}`,
    kind: 'service',
    namespace,
    name,
    path: '/',
    route: () => ({ kind: 'backend', target: { namespace, service: name } }),
  };
}

function objectEntry(kind: EntryKind, obj: KubeObject, route: Entry['route']): Entry {
  const namespace = ns(obj);
  const name = String(obj.metadata.name);
  return { id: `${kind}/${namespace}/${name}`, kind, namespace, name, path: '/', route };
}

export function listEntries(view: ClusterView): Entry[] {
  const subsets = subsetLookupFrom(view.destinationRules);
  const selectsPods = (s: ServiceView) =>
    s.spec?.type !== 'ExternalName' && Object.keys(s.spec?.selector ?? {}).length > 0;
  return [
    ...ingressEntries(view.ingresses),
    ...view.httpRoutes.map((route) =>
      objectEntry('httproute', route, (req, rand) => routeHttpRoute(route, req, rand)),
    ),
    ...view.virtualServices.map((vs) =>
      objectEntry('virtualservice', vs, (req, rand) => routeVirtualService(vs, req, rand, subsets)),
    ),
    ...view.trafficSplits.map((split) =>
      objectEntry('trafficsplit', split, (_req, rand) => routeTrafficSplit(split, rand)),
    ),
    ...view.services.filter(selectsPods).map(serviceEntry),
  ];
}

/** Exact id, else the first entry under it (`ingress/ns/web` → its first host/path). */
export function findEntry(entries: Entry[], id: string): Entry | undefined {
  return entries.find((e) => e.id === id) ?? entries.find((e) => e.id.startsWith(`${id}/`));
}

export function entryMatches(entryId: string, filter: string): boolean {
  return entryId === filter || entryId.startsWith(`${filter}/`);
}
