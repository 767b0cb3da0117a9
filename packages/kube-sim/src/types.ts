// Contracts between the parts of the simulated cluster (store, HTTP server, controllers, kubelet,
// traffic). Objects are plain JSON exactly as the real API server would return them.
/**
 * Plain JSON Kubernetes object as the API server sends it. Declared here, not taken from the
 * product, so the simulator stays independent of the code it tests (the shapes agree structurally).
 */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
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
    ownerReferences?: {
      apiVersion: string;
      kind: string;
      name: string;
      uid: string;
      controller?: boolean;
      blockOwnerDeletion?: boolean;
    }[];
    managedFields?: unknown[];
    [key: string]: unknown;
  };
  spec?: any;
  status?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  [key: string]: unknown;
}

/** One line of the registry's table of kinds (registry.ts, app-kinds.ts), shorthand for a ResourceEntry. */
export interface Row {
  gv: string; // 'v1' or 'apps/v1'
  resource: string;
  kind: string;
  namespaced?: boolean; // default true
  sub?: string[];
  short?: string[];
  cat?: string[];
  generation?: boolean;
  verbs?: string[];
  custom?: boolean;
}

/** How a kind is served: one row of discovery. */
export interface ResourceInfo {
  group: string; // '' for core
  version: string;
  /** Plural resource name in URLs, e.g. `deployments`. */
  resource: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  subresources: string[]; // e.g. ['status', 'scale']
  shortNames?: string[];
}

export interface StoreEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
}

export interface Selector {
  labelSelector?: string;
  fieldSelector?: string;
}

/**
 * In-process object store shared by the HTTP server, the controllers, the kubelet and the traffic
 * model. Objects are addressed by apiVersion + kind (the server maps URL resources to kinds).
 * Every write assigns a new cluster-wide resourceVersion, sets uid/creationTimestamp on create,
 * bumps metadata.generation only when something outside metadata/status changed, and emits one
 * StoreEvent to subscribers synchronously after the write. Returned objects are deep copies.
 */
export interface SimStore {
  resourceInfo(apiVersion: string, kind: string): ResourceInfo | undefined;
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  list(apiVersion: string, kind: string, namespace?: string, selector?: Selector): KubeObject[];
  /** Throws SimApiError(409 AlreadyExists) on a duplicate name; honours metadata.generateName. */
  create(obj: KubeObject, opts?: { fieldManager?: string }): KubeObject;
  /**
   * Replaces the object. With `metadata.resourceVersion` set and stale → SimApiError 409 Conflict.
   * `subresource: 'status'` keeps the stored spec/metadata and takes only `status`; otherwise the
   * stored status is kept. `subresource: 'scale'` writes the object and records the /scale manager.
   */
  update(obj: KubeObject, opts?: { subresource?: 'status' | 'scale'; fieldManager?: string }): KubeObject;
  /**
   * Deletes (graceful deletion of Pods is the kubelet's business: store.delete removes at once).
   * Garbage-collects dependents by ownerReference per propagationPolicy (default Background).
   */
  delete(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
    opts?: { propagationPolicy?: 'Foreground' | 'Background' | 'Orphan' },
  ): KubeObject | undefined;
  /** Listener gets every event after it is applied. Returns an unsubscribe function. */
  subscribe(listener: (event: StoreEvent) => void): () => void;
  /** Current cluster-wide resourceVersion. */
  resourceVersion(): string;
}

/** Error shaped like a Kubernetes Status. */
export class SimApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details?: Record<string, unknown>;
  constructor(code: number, reason: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }
  toStatus(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      ...(this.reason ? { reason: this.reason } : {}),
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** Simulated time: durations from manifests (probes, back-off, deadlines) are multiplied by `scale`. */
export interface SimClock {
  scale: number;
  /** Real milliseconds for `seconds` of simulated time. */
  ms(seconds: number): number;
  now(): number;
}

/** One sample of the cluster's serving state, for invariant checks in tests. */
export interface TimelineSample {
  at: number; // epoch ms
  /** Per workload-ish app label: pods and ready pods by version. */
  pods: {
    namespace: string;
    app: string;
    version: string;
    total: number;
    ready: number;
    phase: Record<string, number>;
  }[];
  /** Requests in the sample window by entry point and version (and failures). */
  traffic: { entry: string; version: string; requests: number; errors: number }[];
}

export interface SimOptions {
  port?: number; // 0 = random
  timeScale?: number; // default 0.1
  /** Synthetic requests per second per entry point (default 50; 0 disables traffic). */
  rps?: number;
  /** Bearer token auth; with `rbac: true`, Role/RoleBinding are enforced for non-admin tokens. */
  tokens?: Record<string, { user: string; groups?: string[] }>;
  rbac?: boolean;
  /**
   * With `tokens`: a request without credentials is user `system:anonymous` (group
   * `system:unauthenticated`) instead of a 401, as with the API server's --anonymous-auth. kubectl
   * sends no token over plain http, so this is how kubectl meets RBAC here.
   */
  anonymousAuth?: boolean;
  /** Simulated nodes (default 3) with allocatable cpu/memory. */
  nodes?: { name: string; cpu: string; memory: string }[];
  /** Share of requests carrying marker headers/cookies, for header routes. */
  markedTraffic?: { share: number; headers?: Record<string, string>; cookies?: Record<string, string> };
}
