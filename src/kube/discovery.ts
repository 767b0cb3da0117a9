// Resolves apiVersion + kind to a REST resource (plural name, namespaced or not) through the
// server's discovery documents, cached per apiVersion. The first lookup asks for aggregated
// discovery (`/api` and `/apis` as APIGroupDiscoveryList, served since Kubernetes 1.26 and GA in
// 1.30): two requests in parallel describe every group, where asking group by group costs one
// round trip per group on the way to the first write. Servers without it are asked per
// group-version (`/api/v1`, `/apis/<group>/<version>`), as is a group-version the aggregated
// documents did not list (a CRD installed since).
import { KubeApiError } from './types.ts';

export interface ResourceRef {
  apiVersion: string;
  group: string;
  version: string;
  kind: string;
  /** Plural name used in URLs, e.g. `deployments`. */
  plural: string;
  namespaced: boolean;
}

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

/** One GET of a discovery document, parsed from JSON. */
export type FetchJson = (path: string, accept?: string) => Promise<unknown>;

// The discovery documents, with only the fields read here (all optional: read defensively).
interface GroupDiscoveryList {
  kind?: string;
  items?: Array<{
    metadata?: { name?: string };
    versions?: Array<{
      version?: string;
      resources?: Array<{ resource?: string; responseKind?: { kind?: string }; scope?: string }>;
    }>;
  }>;
}
interface ResourceList {
  resources?: unknown;
}
interface GroupList {
  versions?: string[];
  groups?: Array<{
    name?: string;
    versions?: Array<{ version?: string }>;
    preferredVersion?: { version?: string };
  }>;
}

/** A discovery document as the shape it is read through (the fields are checked where read). */
async function fetchDoc<T>(fetchJson: FetchJson, path: string, accept?: string): Promise<T> {
  return (await fetchJson(path, accept)) as T;
}

export const AGGREGATED_DISCOVERY = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function groupVersionPath(apiVersion: string): string {
  const { group, version } = splitApiVersion(apiVersion);
  return group ? `/apis/${group}/${version}` : `/api/${version}`;
}

export class Discovery {
  private readonly cache = new Map<string, Promise<ApiResource[] | undefined>>();
  /** Every group-version the aggregated documents list, or undefined where the server has none. */
  private aggregated?: Promise<Map<string, ApiResource[]> | undefined>;

  constructor(private readonly fetchJson: FetchJson) {}

  async resolve(apiVersion: string, kind: string): Promise<ResourceRef> {
    let found = await this.find(apiVersion, kind);
    if (!found) {
      // A CRD may have been installed since we looked: ask its group-version before giving up.
      this.remember(apiVersion, this.load(apiVersion));
      found = await this.find(apiVersion, kind);
    }
    if (!found) {
      throw new KubeApiError(
        404,
        `the server does not serve kind "${kind}" in apiVersion "${apiVersion}"`,
        'NotFound',
      );
    }
    return {
      apiVersion,
      ...splitApiVersion(apiVersion),
      kind,
      plural: found.name,
      namespaced: found.namespaced,
    };
  }

  private async find(apiVersion: string, kind: string): Promise<ApiResource | undefined> {
    const pending = this.cache.get(apiVersion) ?? this.remember(apiVersion, this.fromAggregated(apiVersion));
    const resources = await pending;
    return resources?.find((r) => r.kind === kind && !r.name.includes('/'));
  }

  /** Caches a lookup; failures (other than "not served") must not stick in the cache. */
  private remember(
    apiVersion: string,
    pending: Promise<ApiResource[] | undefined>,
  ): Promise<ApiResource[] | undefined> {
    this.cache.set(apiVersion, pending);
    pending.catch(() => {
      if (this.cache.get(apiVersion) === pending) this.cache.delete(apiVersion);
    });
    return pending;
  }

  private async fromAggregated(apiVersion: string): Promise<ApiResource[] | undefined> {
    this.aggregated ??= this.loadAggregated();
    const all = await this.aggregated;
    return all?.get(apiVersion) ?? this.load(apiVersion);
  }

  /** Both aggregated documents, or undefined when the server answers in the older form. */
  private async loadAggregated(): Promise<Map<string, ApiResource[]> | undefined> {
    try {
      const docs = await Promise.all(
        ['/api', '/apis'].map((p) => fetchDoc<GroupDiscoveryList>(this.fetchJson, p, AGGREGATED_DISCOVERY)),
      );
      if (!docs.every((d) => d?.kind === 'APIGroupDiscoveryList')) return undefined;
      return new Map(docs.flatMap((d) => groupVersionsOf(d)));
    } catch (err) {
      // Not worth failing for: each group-version is asked on its own instead (and may fail there).
      if (err instanceof KubeApiError) return undefined;
      this.aggregated = undefined;
      throw err;
    }
  }

  private async load(apiVersion: string): Promise<ApiResource[] | undefined> {
    try {
      const list = await fetchDoc<ResourceList>(this.fetchJson, groupVersionPath(apiVersion));
      return Array.isArray(list?.resources) ? (list.resources as ApiResource[]) : [];
    } catch (err) {
      if (err instanceof KubeApiError && err.code === 404) return undefined;
      throw err;
    }
  }
}

/** apiVersion → resources of an APIGroupDiscoveryList, in the shape of the per-version documents. */
function groupVersionsOf(doc: GroupDiscoveryList): [string, ApiResource[]][] {
  return (doc.items ?? []).flatMap((group) =>
    (group?.versions ?? []).map((v): [string, ApiResource[]] => [
      group.metadata?.name ? `${group.metadata.name}/${v.version}` : String(v.version),
      (v.resources ?? []).map((r) => ({
        name: String(r.resource),
        kind: String(r.responseKind?.kind),
        namespaced: r.scope === 'Namespaced',
      })),
    ]),
  );
}

export function collectionPath(res: ResourceRef, namespace: string | undefined): string {
  const base = groupVersionPath(res.apiVersion);
  const ns = res.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${res.plural}`;
}

export function objectPath(
  res: ResourceRef,
  namespace: string | undefined,
  name: string,
  subresource?: string,
): string {
  if (!name) throw new Error(`${res.kind} has no metadata.name`);
  const path = `${collectionPath(res, namespace)}/${encodeURIComponent(name)}`;
  return subresource ? `${path}/${subresource}` : path;
}

/** The versions the server serves of an API group (`''` is the core group), preferred first. */
export async function servedVersions(group: string, fetchJson: FetchJson): Promise<string[]> {
  if (group === '') {
    const core = await fetchDoc<GroupList>(fetchJson, '/api');
    return core.versions ?? [];
  }
  const list = await fetchDoc<GroupList>(fetchJson, '/apis');
  const found = list.groups?.find((g) => g?.name === group);
  if (!found) return [];
  const versions: string[] = (found.versions ?? []).map((v) => String(v.version));
  const preferred: string | undefined = found.preferredVersion?.version;
  return preferred && versions.includes(preferred)
    ? [preferred, ...versions.filter((v) => v !== preferred)]
    : versions;
}
