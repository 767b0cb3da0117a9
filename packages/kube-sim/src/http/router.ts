// Parsing resource URLs: /api/v1/..., /apis/<group>/<version>/..., with namespaces, names,
// subresources and the legacy /watch/ prefix.
import type { Registry, ResourceEntry } from '../registry.ts';

export interface ResourceRoute {
  entry: ResourceEntry;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** The path used the legacy `/watch/` prefix. */
  legacyWatch: boolean;
}

/** undefined = not a resource path (discovery or unknown); 'notfound' = a resource path nothing serves. */
export function parseResourcePath(
  pathname: string,
  registry: Registry,
): ResourceRoute | 'notfound' | undefined {
  const parts = pathname
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 2) {
    group = '';
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else return undefined;
  if (rest.length === 0) return undefined;
  let legacyWatch = false;
  if (rest[0] === 'watch') {
    legacyWatch = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const candidate = registry.byResource(group, version, rest[2]);
    if (candidate?.namespaced) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
  }
  const [resource, name, subresource, ...extra] = rest;
  const entry = registry.byResource(group, version, resource);
  if (!entry || extra.length > 0) return 'notfound';
  if (subresource && !entry.subresources.includes(subresource)) return 'notfound';
  if (!entry.namespaced && namespace !== undefined) return 'notfound';
  if (entry.namespaced && namespace === undefined && name !== undefined) return 'notfound';
  return { entry, namespace, name, subresource, legacyWatch };
}
