// Resolves apiVersion + kind to a REST resource (plural name, namespaced or not) through the
// server's discovery documents (`/api/v1`, `/apis/<group>/<version>`), cached per apiVersion.
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

export type FetchJson = (path: string) => Promise<any>;

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

  constructor(private readonly fetchJson: FetchJson) {}

  async resolve(apiVersion: string, kind: string): Promise<ResourceRef> {
    let found = await this.find(apiVersion, kind);
    if (!found) {
      // A CRD may have been installed since we looked: ask once more before giving up.
      this.cache.delete(apiVersion);
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
    let pending = this.cache.get(apiVersion);
    if (!pending) {
      pending = this.load(apiVersion);
      this.cache.set(apiVersion, pending);
      // Failures (other than "not served") must not stick in the cache.
      pending.catch(() => this.cache.delete(apiVersion));
    }
    const resources = await pending;
    return resources?.find((r) => r.kind === kind && !r.name.includes('/'));
  }

  private async load(apiVersion: string): Promise<ApiResource[] | undefined> {
    try {
      const list = await this.fetchJson(groupVersionPath(apiVersion));
      return Array.isArray(list?.resources) ? (list.resources as ApiResource[]) : [];
    } catch (err) {
      if (err instanceof KubeApiError && err.code === 404) return undefined;
      throw err;
    }
  }
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
    const core: { versions?: string[] } = await fetchJson('/api');
    return core.versions ?? [];
  }
  const list: { groups?: any[] } = await fetchJson('/apis');
  const found = list.groups?.find((g) => g?.name === group);
  if (!found) return [];
  const versions: string[] = (found.versions ?? []).map((v: any) => String(v.version));
  const preferred: string | undefined = found.preferredVersion?.version;
  return preferred && versions.includes(preferred)
    ? [preferred, ...versions.filter((v) => v !== preferred)]
    : versions;
}
