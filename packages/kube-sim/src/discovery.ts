// Discovery documents: /version, /api, /apis, /apis/<group>, /api/v1 and /apis/<group>/<version>,
// in the plain form and the aggregated form (apidiscovery.k8s.io/v2) kubectl prefers.
import type { Registry, ResourceEntry } from './registry.ts';
import { apiVersionOf } from './registry.ts';

export const AGGREGATED_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4',
  gitCommit: '59526cd4867447956156ae3a602fcbac10a2c335',
  gitTreeState: 'clean',
  buildDate: '2025-04-22T16:03:53Z',
  goVersion: 'go1.23.6',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const SUBRESOURCE_VERBS: Record<string, string[]> = {
  status: ['get', 'patch', 'update'],
  scale: ['get', 'patch', 'update'],
  log: ['get'],
  finalize: ['update'],
  eviction: ['create'],
};

/** Whether the Accept header asks for aggregated discovery v2 (v2beta1 is not served). */
export function wantsAggregated(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const params = part.split(';').map((s) => s.trim());
    return (
      params.includes('g=apidiscovery.k8s.io') &&
      params.includes('v=v2') &&
      params.includes('as=APIGroupDiscoveryList')
    );
  });
}

function subresourceKind(
  entry: ResourceEntry,
  sub: string,
): { group: string; version: string; kind: string } {
  if (sub === 'scale') return { group: 'autoscaling', version: 'v1', kind: 'Scale' };
  if (sub === 'eviction') return { group: 'policy', version: 'v1', kind: 'Eviction' };
  return { group: '', version: '', kind: entry.kind };
}

export function apiResourceList(
  registry: Registry,
  group: string,
  version: string,
): Record<string, unknown> | undefined {
  const entries = registry.all().filter((e) => e.group === group && e.version === version);
  if (entries.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const e of entries) {
    // The main resource before its subresources: clients take the first row whose kind matches.
    resources.push({
      name: e.resource,
      singularName: e.singularName,
      namespaced: e.namespaced,
      kind: e.kind,
      verbs: e.verbs,
      ...(e.shortNames ? { shortNames: e.shortNames } : {}),
      ...(e.categories ? { categories: e.categories } : {}),
    });
    for (const sub of e.subresources) {
      const rk = subresourceKind(e, sub);
      resources.push({
        name: `${e.resource}/${sub}`,
        singularName: '',
        namespaced: e.namespaced,
        ...(rk.group ? { group: rk.group, version: rk.version } : {}),
        kind: rk.kind,
        verbs: SUBRESOURCE_VERBS[sub] ?? ['get'],
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(group, version), resources };
}

function groupDoc(name: string, versions: string[]): Record<string, unknown> {
  const gv = (v: string) => ({ groupVersion: apiVersionOf(name, v), version: v });
  return { name, versions: versions.map(gv), preferredVersion: gv(versions[0]) };
}

export function apiVersions(host: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: host }],
  };
}

export function apiGroupList(registry: Registry): Record<string, unknown> {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: registry
      .groups()
      .filter((g) => g.name !== '')
      .map((g) => groupDoc(g.name, g.versions)),
  };
}

export function apiGroup(registry: Registry, name: string): Record<string, unknown> | undefined {
  const g = registry.groups().find((x) => x.name === name && name !== '');
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(g.name, g.versions) } : undefined;
}

function aggregatedVersion(registry: Registry, group: string, version: string): Record<string, unknown> {
  const resources = registry
    .all()
    .filter((e) => e.group === group && e.version === version)
    .map((e) => ({
      resource: e.resource,
      responseKind: { group: '', version: '', kind: e.kind },
      scope: e.namespaced ? 'Namespaced' : 'Cluster',
      singularResource: e.singularName,
      verbs: e.verbs,
      ...(e.shortNames ? { shortNames: e.shortNames } : {}),
      ...(e.categories ? { categories: e.categories } : {}),
      ...(e.subresources.length
        ? {
            subresources: e.subresources.map((sub) => ({
              subresource: sub,
              responseKind: subresourceKind(e, sub),
              verbs: SUBRESOURCE_VERBS[sub] ?? ['get'],
            })),
          }
        : {}),
    }));
  return { version, resources, freshness: 'Current' };
}

/** APIGroupDiscoveryList for /api (core only) or /apis (every named group). */
export function aggregatedDiscovery(registry: Registry, core: boolean): Record<string, unknown> {
  const groups = registry.groups().filter((g) => (core ? g.name === '' : g.name !== ''));
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: groups.map((g) => ({
      metadata: { name: g.name, creationTimestamp: null },
      versions: g.versions.map((v) => aggregatedVersion(registry, g.name, v)),
    })),
  };
}
