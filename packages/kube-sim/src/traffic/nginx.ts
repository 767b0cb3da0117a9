// ingress-nginx: one location per host+path of a main Ingress, optionally shadowed by one canary
// Ingress for the same host+path.
import type { KubeObject } from '../types.ts';
import { view, type TypedObject } from '../views.ts';

/** The parts of an Ingress the nginx model reads. */
type BackendRef = { service?: { name?: string } };
type IngressView = TypedObject<{
  rules?: { host?: string; http?: { paths?: { path?: string; backend?: BackendRef }[] } }[];
  defaultBackend?: BackendRef;
}>;
import type { Entry } from './entry.ts';
import { isNginxCanary, nginxRoutesToCanary } from './routing.ts';

interface Location {
  ingress: KubeObject;
  host: string;
  path: string;
  service: string;
}

function locations(ingress: KubeObject): Location[] {
  const spec = view<IngressView>(ingress).spec;
  const rules = spec?.rules ?? [];
  const found: Location[] = [];
  for (const rule of rules) {
    for (const path of rule.http?.paths ?? []) {
      const service = path.backend?.service?.name;
      if (service)
        found.push({ ingress, host: rule.host ?? '', path: path.path ?? '/', service: String(service) });
    }
  }
  const fallback = spec?.defaultBackend?.service?.name;
  if (found.length === 0 && fallback) found.push({ ingress, host: '', path: '/', service: String(fallback) });
  return found;
}

/** Ingresses arrive sorted by creation, so the oldest canary for a location wins. */
export function ingressEntries(ingresses: KubeObject[]): Entry[] {
  const canaries = ingresses.filter(isNginxCanary).flatMap(locations);
  const entries: Entry[] = [];
  for (const ingress of ingresses.filter((i) => !isNginxCanary(i))) {
    const namespace = ingress.metadata.namespace ?? 'default';
    const name = String(ingress.metadata.name);
    for (const main of locations(ingress)) {
      const canary = canaries.find(
        (c) =>
          c.ingress.metadata.namespace === ingress.metadata.namespace &&
          c.host === main.host &&
          c.path === main.path,
      );
      const canaryAnnotations = canary?.ingress.metadata.annotations ?? {};
      entries.push({
        id: `ingress/${namespace}/${name}/${main.host || '*'}${main.path}`,
        kind: 'ingress',
        namespace,
        name,
        path: main.path,
        route(req, rand) {
          if (canary && nginxRoutesToCanary(canaryAnnotations, req, rand)) {
            return {
              kind: 'backend',
              target: { namespace, service: canary.service },
              ingress: { name, canary: String(canary.ingress.metadata.name) },
            };
          }
          return {
            kind: 'backend',
            target: { namespace, service: main.service },
            ingress: { name, canary: '' },
          };
        },
      });
    }
  }
  return entries;
}
