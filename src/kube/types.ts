/** Plain JSON Kubernetes object, exactly as the API server sends it (timestamps are strings). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: unknown;
  status?: unknown;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  [key: string]: unknown;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  managedFields?: unknown[];
  [key: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** Identifies one object. `namespace` is omitted for cluster-scoped kinds. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export function refOf(obj: KubeObject): ObjectRef {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name ?? '',
    ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
  };
}

/** `Kind/namespace/name`: one object's key in maps of a release's objects. */
export function workloadKey(obj: KubeObject): string {
  return `${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}

/** A count of pods or a percentage of the desired replicas, as in maxSurge. */
export type IntOrPercent = number | `${number}%`;

export function describeRef(ref: ObjectRef): string {
  return `${ref.kind}/${ref.name}${ref.namespace ? ` in ${ref.namespace}` : ''}`;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';
export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject;
}

export type PatchType = 'json' | 'merge' | 'strategic';

/** An RBAC verb the action uses. */
export type ApiVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

/** Access to one resource (`group` '' is the core group; `resource` may name a subresource: `pods/log`). */
export interface ApiAccess {
  group: string;
  resource: string;
  verbs: readonly ApiVerb[];
}

export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Text for the timeout error, e.g. `deployment "web" to become available`. */
  description?: string;
}

/**
 * Every API call the action makes goes through a Cluster: retries with backoff on 429/5xx and
 * connection errors only, watches that resume and re-list on 410. Tests hand in one pointed at
 * the simulated cluster.
 */
export interface Cluster {
  /** Server-side apply with field manager `kube-rollout` (force on by default). */
  apply(obj: KubeObject, opts?: { dryRun?: boolean; force?: boolean }): Promise<KubeObject>;
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
  list(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    opts?: ListOptions,
  ): Promise<KubeObject[]>;
  create(obj: KubeObject, opts?: { dryRun?: boolean }): Promise<KubeObject>;
  /** Update with optimistic concurrency: `obj.metadata.resourceVersion` must be current (409 otherwise). */
  replace(obj: KubeObject): Promise<KubeObject>;
  patch(
    ref: ObjectRef,
    patch: unknown,
    type: PatchType,
    opts?: { dryRun?: boolean; subresource?: 'status' | 'scale' },
  ): Promise<KubeObject>;
  /** Resolves true if the object was deleted, false if it was already gone. */
  delete(
    ref: ObjectRef,
    opts?: { propagationPolicy?: 'Foreground' | 'Background' | 'Orphan' },
  ): Promise<boolean>;
  /**
   * Watches until `onEvent` returns a value other than undefined, then resolves with it. Lists
   * first (ADDED for each object), resumes from the last resourceVersion when a stream ends, and
   * re-lists on 410 Gone. Rejects on timeout or abort.
   */
  watchUntil<T>(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    opts: ListOptions,
    onEvent: (event: WatchEvent, snapshot: Map<string, KubeObject>) => T | undefined,
    wait: WaitOptions,
  ): Promise<T>;
  /** Last `tailLines` lines of a container's log ('' when there is none). */
  podLog(
    namespace: string,
    pod: string,
    container: string,
    opts?: { tailLines?: number; previous?: boolean },
  ): Promise<string>;
  /** Served versions of an API group, preferred first (empty when the group is not served). */
  groupVersions(group: string): Promise<string[]>;
  /** The REST resource that serves a kind (404 KubeApiError when the server does not serve it). */
  resourceOf(
    apiVersion: string,
    kind: string,
  ): Promise<{ group: string; resource: string; namespaced: boolean }>;
}

/**
 * The API server could not be reached (refused, reset, timed out) even after the retries: names
 * the server, the kubeconfig context and cluster, and what was being done. The socket error is
 * the `cause`.
 */
export class KubeConnectionError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'KubeConnectionError';
  }
}

/**
 * The Status an API server answers an error with (a body, or a watch's ERROR event), as far as it
 * is read here. It comes off the wire: every field may be missing or of another type.
 */
export interface ApiStatus {
  kind?: unknown;
  code?: unknown;
  message?: unknown;
  reason?: unknown;
  details?: unknown;
}

/** An API error from the cluster, with the Status body when the server sent one. */
export class KubeApiError extends Error {
  readonly code: number;
  readonly reason?: string;
  readonly status?: ApiStatus;
  constructor(code: number, message: string, reason?: string, status?: ApiStatus) {
    super(message);
    this.name = 'KubeApiError';
    this.code = code;
    this.reason = reason;
    this.status = status;
  }
}

/** Whether `owner` is among `obj`'s owner references (by uid, as the garbage collector matches). */
export function ownedBy(obj: KubeObject, owner: KubeObject): boolean {
  return (obj.metadata.ownerReferences ?? []).some((o) => o.uid === owner.metadata.uid);
}
