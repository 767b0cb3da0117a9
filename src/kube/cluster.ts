// The Cluster every other module uses. Requests go out through KubeTransport (auth and TLS from
// the kubeconfig, answers as plain JSON), kinds resolve through discovery, and every call retries
// 429/5xx/connection failures with backoff.
import type { KubeConfig } from '@kubernetes/client-node';
import type {
  Cluster,
  KubeObject,
  ListOptions,
  ObjectRef,
  PatchType,
  WaitOptions,
  WatchEvent,
} from './types.ts';
import { KubeApiError } from './types.ts';
import { retryNamingServer } from './connection.ts';
import { listAll, watchCollection, withKind } from './collection.ts';
import { KubeTransport, type RequestSpec } from './http.ts';
import { Discovery, collectionPath, objectPath, servedVersions } from './discovery.ts';
import { DEFAULT_MIN_DELAY_MS, DEFAULT_RETRIES, type RetryInfo } from './retry.ts';
import type { Redact } from '../cut.ts';

export interface ClusterOptions {
  /** Field manager for server-side apply and every write (default `kube-rollout`). */
  fieldManager?: string;
  /** Retries after the first attempt for retryable failures (default 4). */
  retries?: number;
  /** First backoff delay in ms, doubled per retry (default 250). Tests shrink it. */
  minRetryDelayMs?: number;
  /** Longest Retry-After honoured, in ms (default 60 000). */
  maxRetryAfterMs?: number;
  /** Called before each retry, e.g. to log `retrying GET ... after 429`. */
  onRetry?: (info: RetryInfo) => void;
  /** Scrubs known secret values from server answers an error quotes, before they are cut. */
  redact?: Redact;
}

export const DEFAULT_FIELD_MANAGER = 'kube-rollout';

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

export function createCluster(kc: KubeConfig, opts: ClusterOptions = {}): Cluster {
  return new HttpCluster(new KubeTransport(kc, opts.redact), opts);
}

class HttpCluster implements Cluster {
  private readonly fieldManager: string;
  private readonly discovery: Discovery;

  constructor(
    private readonly transport: KubeTransport,
    private readonly opts: ClusterOptions,
  ) {
    this.fieldManager = opts.fieldManager ?? DEFAULT_FIELD_MANAGER;
    this.discovery = new Discovery((path, accept) => this.call({ method: 'GET', path, accept }));
  }

  async apply(obj: KubeObject, o: { dryRun?: boolean; force?: boolean } = {}): Promise<KubeObject> {
    const { res, namespace } = await this.locate(obj);
    // The server refuses an apply that carries managedFields (e.g. an object read back from it).
    const { managedFields: _dropped, ...metadata } = obj.metadata;
    return this.call({
      method: 'PATCH',
      path: objectPath(res, namespace, obj.metadata.name ?? ''),
      query: {
        fieldManager: this.fieldManager,
        force: o.force ?? true,
        dryRun: o.dryRun ? 'All' : undefined,
      },
      body: { ...obj, metadata },
      contentType: 'application/apply-patch+yaml',
    });
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    const { res, namespace } = await this.locate(ref);
    try {
      return withKind(await this.call({ method: 'GET', path: objectPath(res, namespace, ref.name) }), res);
    } catch (err) {
      if (err instanceof KubeApiError && err.code === 404) return undefined;
      throw err;
    }
  }

  async list(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    o: ListOptions = {},
  ): Promise<KubeObject[]> {
    const res = await this.discovery.resolve(apiVersion, kind);
    return (await listAll((spec) => this.call(spec), { res, namespace, list: o })).items;
  }

  async create(obj: KubeObject, o: { dryRun?: boolean } = {}): Promise<KubeObject> {
    const { res, namespace } = await this.locate(obj);
    return this.call({
      method: 'POST',
      path: collectionPath(res, namespace),
      query: { fieldManager: this.fieldManager, dryRun: o.dryRun ? 'All' : undefined },
      body: obj,
    });
  }

  async replace(obj: KubeObject): Promise<KubeObject> {
    const { res, namespace } = await this.locate(obj);
    return this.call({
      method: 'PUT',
      path: objectPath(res, namespace, obj.metadata.name ?? ''),
      query: { fieldManager: this.fieldManager },
      body: obj,
    });
  }

  async patch(
    ref: ObjectRef,
    patch: unknown,
    type: PatchType,
    o: { dryRun?: boolean; subresource?: 'status' | 'scale' } = {},
  ): Promise<KubeObject> {
    const { res, namespace } = await this.locate(ref);
    return this.call({
      method: 'PATCH',
      path: objectPath(res, namespace, ref.name, o.subresource),
      query: { fieldManager: this.fieldManager, dryRun: o.dryRun ? 'All' : undefined },
      body: patch,
      contentType: PATCH_CONTENT_TYPES[type],
    });
  }

  async delete(
    ref: ObjectRef,
    o: { propagationPolicy?: 'Foreground' | 'Background' | 'Orphan' } = {},
  ): Promise<boolean> {
    const { res, namespace } = await this.locate(ref);
    try {
      await this.call({
        method: 'DELETE',
        path: objectPath(res, namespace, ref.name),
        query: { propagationPolicy: o.propagationPolicy },
        body: o.propagationPolicy
          ? { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: o.propagationPolicy }
          : undefined,
      });
      return true;
    } catch (err) {
      if (err instanceof KubeApiError && err.code === 404) return false;
      throw err;
    }
  }

  async watchUntil<T>(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    o: ListOptions,
    onEvent: (event: WatchEvent, snapshot: Map<string, KubeObject>) => T | undefined,
    wait: WaitOptions,
  ): Promise<T> {
    const res = await this.discovery.resolve(apiVersion, kind);
    const retry = {
      retries: this.opts.retries ?? DEFAULT_RETRIES,
      minDelayMs: this.opts.minRetryDelayMs ?? DEFAULT_MIN_DELAY_MS,
      onRetry: this.opts.onRetry,
    };
    return watchCollection(
      this.transport,
      (spec) => this.call(spec),
      { res, namespace, list: o },
      onEvent,
      wait,
      retry,
    );
  }

  async podLog(
    namespace: string,
    pod: string,
    container: string,
    o: { tailLines?: number; previous?: boolean } = {},
  ): Promise<string> {
    const spec: RequestSpec = {
      method: 'GET',
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log`,
      query: { container, tailLines: o.tailLines, previous: o.previous ? 'true' : undefined },
      accept: '*/*',
    };
    try {
      return (await this.retry(spec, () => this.transport.text(spec))).body;
    } catch (err) {
      // 400: the container has not started (or has no previous instance); 404: the pod is gone.
      if (err instanceof KubeApiError && (err.code === 400 || err.code === 404)) return '';
      throw err;
    }
  }

  groupVersions(group: string): Promise<string[]> {
    return servedVersions(group, (path) => this.call({ method: 'GET', path }));
  }

  async resourceOf(apiVersion: string, kind: string) {
    const res = await this.discovery.resolve(apiVersion, kind);
    return { group: res.group, resource: res.plural, namespaced: res.namespaced };
  }

  private async locate(ref: {
    apiVersion: string;
    kind: string;
    namespace?: string;
    metadata?: { namespace?: string };
  }) {
    if (!ref.apiVersion || !ref.kind) throw new Error('object has no apiVersion or kind');
    const res = await this.discovery.resolve(ref.apiVersion, ref.kind);
    const given = ref.metadata ? ref.metadata.namespace : ref.namespace;
    const namespace = res.namespaced ? given || this.transport.defaultNamespace() : undefined;
    return { res, namespace };
  }

  private call<T = KubeObject>(spec: RequestSpec): Promise<T> {
    return this.retry(spec, () => this.transport.json<T>(spec));
  }

  private retry<T>(spec: RequestSpec, fn: () => Promise<T>): Promise<T> {
    const { retries = DEFAULT_RETRIES, minRetryDelayMs: minDelayMs, maxRetryAfterMs, onRetry } = this.opts;
    const operation = this.transport.describe(spec);
    const opts = { retries, minDelayMs, maxRetryAfterMs, onRetry, signal: spec.signal, operation };
    return retryNamingServer(fn, opts, this.transport.describeServer());
  }
}
