// Pieces every router shares: annotation keys, options, the router error, header-route
// bookkeeping and small helpers for reading live objects. Pure except `getLive`.
import type { Cluster, KubeObject, ObjectRef } from '../kube/types.ts';
import type { HeaderRoute, TrafficRouter } from './types.ts';
import { specOf } from '../manifests/workload-views.ts';

import { ANNOTATIONS, LABELS } from '../labels.ts';

export { ANNOTATIONS } from '../labels.ts';
export const ROLE_LABEL = LABELS.role;

export type { TrafficRouterOptions } from './types.ts';

export const DEFAULT_READY_TIMEOUT_MS = 10 * 60_000;
export const DEFAULT_DRAIN_TIMEOUT_MS = 2 * 60_000;

/** A router cannot do what was asked (bad weight, missing object, unsupported feature). */
export class TrafficRouterError extends Error {
  readonly router: string;
  constructor(router: string, message: string) {
    super(`traffic router "${router}": ${message}`);
    this.name = 'TrafficRouterError';
    this.router = router;
  }
}

export function checkWeight(router: string, weight: number): void {
  if (!Number.isInteger(weight) || weight < 0 || weight > 100) {
    throw new TrafficRouterError(router, `weight must be an integer from 0 to 100, got ${weight}`);
  }
}

export function annotation(obj: KubeObject | undefined, key: string): string | undefined {
  return obj?.metadata.annotations?.[key];
}

/**
 * A router target's `marked`: the user's object whose own shape the router kept in annotation
 * `key` (so it can put it back) is the object the input names.
 */
export function keptShapeIn(key: string): (object: KubeObject) => { named?: string } | undefined {
  return (object) => (annotation(object, key) !== undefined ? { named: object.metadata.name } : undefined);
}

export function jsonAnnotation<T>(obj: KubeObject | undefined, key: string): T | undefined {
  const text = annotation(obj, key);
  return text === undefined ? undefined : (JSON.parse(text) as T);
}

export function recordedHeaderRoutes(obj: KubeObject | undefined): HeaderRoute[] {
  return jsonAnnotation<HeaderRoute[]>(obj, ANNOTATIONS.headerRoutes) ?? [];
}

/**
 * The header routes after a `setHeaderRoute` call: a route replaces the one with the same name
 * (or is appended); null removes the named route, or all of them when no name is given.
 */
export function withHeaderRoute(
  routes: HeaderRoute[],
  route: HeaderRoute | null,
  name?: string,
): HeaderRoute[] {
  if (route) {
    const at = routes.findIndex((r) => r.name === route.name);
    return at < 0 ? [...routes, route] : routes.map((r, i) => (i === at ? route : r));
  }
  return name === undefined ? [] : routes.filter((r) => r.name !== name);
}

/** A regular expression (RE2/PCRE compatible) that matches values starting with `prefix`. */
export function prefixPattern(prefix: string): string {
  return `^${prefix.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}.*`;
}

/** A header route as an exact value or a regular expression, for data planes without prefix matches. */
export function exactOrPattern(route: HeaderRoute): { exact: string } | { pattern: string } {
  const m = route.match;
  if ('exact' in m) return { exact: m.exact };
  if ('prefix' in m) return { pattern: prefixPattern(m.prefix) };
  return { pattern: m.regex };
}

export function refIn(obj: KubeObject, namespace: string): ObjectRef {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name ?? '',
    namespace: obj.metadata.namespace ?? namespace,
  };
}

/** The object as the cluster has it now; a clear error when it does not exist. */
export async function getLive(
  cluster: Cluster,
  router: string,
  obj: KubeObject,
  namespace: string,
): Promise<KubeObject> {
  const ref = refIn(obj, namespace);
  const live = await cluster.get(ref);
  if (!live)
    throw new TrafficRouterError(router, `${ref.kind} "${ref.name}" not found in namespace ${ref.namespace}`);
  return live;
}

export function required<T>(router: string, value: T | undefined, what: string): T {
  if (value === undefined) throw new TrafficRouterError(router, `needs ${what}`);
  return value;
}

/** Metadata for an object a router owns outright (applied whole, deleted on reset). */
export function ownedMetadata(
  router: string,
  name: string,
  namespace: string,
  labels: Record<string, string> | undefined,
  annotations: Record<string, string>,
): KubeObject['metadata'] {
  return {
    name,
    namespace,
    labels: { ...(labels ?? {}), [ROLE_LABEL]: 'canary' },
    annotations: { ...annotations, [ANNOTATIONS.createdBy]: router },
  };
}

/** Annotations of a user object without ours and without client bookkeeping, for clones. */
export function userAnnotations(obj: KubeObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj.metadata.annotations ?? {})) {
    if (k.startsWith('kube-rollout.io/') || k === 'kubectl.kubernetes.io/last-applied-configuration')
      continue;
    out[k] = v;
  }
  return out;
}

/**
 * Annotations that record the router state on a user object, so any later run can re-render it.
 * The weight copy is for people reading the object; routers read the weight from the data plane fields.
 */
export function stateAnnotations(weight: number, headerRoutes: HeaderRoute[]): Record<string, string> {
  return {
    [ANNOTATIONS.canaryWeight]: String(weight),
    [ANNOTATIONS.headerRoutes]: JSON.stringify(headerRoutes),
  };
}

/** A JSON merge patch of a user object: our annotations (null removes) and one spec field. */
export interface SpecFieldPatch {
  metadata: { annotations: Record<string, string | null> };
  spec: Record<string, unknown>;
}

/**
 * Merge patch that sets `spec[field]` to `render(original)` on a user object and remembers the
 * user's own value (null when absent) under `key` the first time, with optional router state.
 */
export function specFieldPatch<V>(
  live: KubeObject,
  field: string,
  key: string,
  render: (original: V | null) => unknown,
  state: Record<string, string> = {},
): SpecFieldPatch {
  const recorded = annotation(live, key);
  const original: V | null =
    recorded !== undefined ? (JSON.parse(recorded) as V | null) : ((specOf(live)?.[field] as V) ?? null);
  return {
    metadata: { annotations: { [key]: JSON.stringify(original), ...state } },
    spec: { [field]: render(original) },
  };
}

/** Merge patch that gives `spec[field]` back and forgets our annotations; undefined when never changed. */
export function specFieldRestorePatch(
  live: KubeObject,
  field: string,
  key: string,
): SpecFieldPatch | undefined {
  const recorded = annotation(live, key);
  if (recorded === undefined) return undefined;
  return {
    metadata: {
      annotations: { [key]: null, [ANNOTATIONS.canaryWeight]: null, [ANNOTATIONS.headerRoutes]: null },
    },
    spec: { [field]: JSON.parse(recorded) as unknown },
  };
}

/** Restores a user object changed with specFieldPatch, if it exists and was changed. */
export async function restoreSpecField(
  cluster: Cluster,
  ref: ObjectRef,
  field: string,
  key: string,
): Promise<void> {
  const live = await cluster.get(ref);
  const patch = live && specFieldRestorePatch(live, field, key);
  if (patch) await cluster.patch(ref, patch, 'merge');
}

/** A share in whole percent from the two sides' weights (0 when neither has any). */
export function shareOf(canary: number, stable: number): number {
  const total = canary + stable;
  return total > 0 ? Math.round((100 * canary) / total) : 0;
}

/**
 * Throws when the data plane object does not carry the weight just written: someone (a
 * controller, a webhook, a person) changed it, and the release must not go on believing its own
 * copy (Argo Rollouts' verifyWeight).
 */
export function verifyWeight(router: string, wanted: number, carried: number, where: string): void {
  if (carried !== wanted) throw weightChanged(router, wanted, carried, where);
}

function weightChanged(router: string, wanted: number, carried: number, where: string): Error {
  return new TrafficRouterError(
    router,
    `wrote weight ${wanted}% but ${where} carries ${carried}% when read back: something else changed it`,
  );
}

/** The parts of a router whose state (weight, header routes) lives on one object it re-renders. */
export interface StateRouterParts<T extends KubeObject | undefined> {
  /** Fetches that object (undefined before the first call for an object the router creates). */
  read: () => Promise<T>;
  /** The canary share the object carries for its data plane (0 when there is none). */
  weightOf: (current: T) => number;
  /** Whether it carries `percent` (default: weightOf equals it; istio rounds split weights). */
  carries?: (current: T, percent: number) => boolean;
  /** What the verification error names, e.g. `Ingress "web-canary"`. */
  describe: () => string;
  /** Renders and writes everything for a state; enough on its own in a new process. */
  sync: (current: T, weight: number, headerRoutes: HeaderRoute[]) => Promise<void>;
  reset: () => Promise<void>;
  headerRoutes?: boolean;
}

/**
 * A router whose state lives on one object it re-renders on every call (nginx, gateway-api,
 * istio, smi). The weight is always read from the data plane fields; only header routes, which
 * cannot be told from ours by their shape, come from our annotation.
 */
export function stateRouter<T extends KubeObject | undefined>(
  name: string,
  parts: StateRouterParts<T>,
): TrafficRouter {
  const { read, weightOf, sync } = parts;
  const carries = parts.carries ?? ((current: T, percent: number) => weightOf(current) === percent);
  return {
    name,
    async prepare() {
      // Keeps a state set by an earlier run: preparing again moves no traffic.
      const current = await read();
      await sync(current, weightOf(current), recordedHeaderRoutes(current));
    },
    async setWeight(percent) {
      checkWeight(name, percent);
      const current = await read();
      await sync(current, percent, recordedHeaderRoutes(current));
      const after = await read();
      if (!carries(after, percent)) throw weightChanged(name, percent, weightOf(after), parts.describe());
    },
    getWeight: async () => weightOf(await read()),
    async setHeaderRoute(route, routeName) {
      if (parts.headerRoutes === false) {
        if (route) throw new TrafficRouterError(name, 'header routes are not supported by this router');
        return;
      }
      const current = await read();
      await sync(
        current,
        weightOf(current),
        withHeaderRoute(recordedHeaderRoutes(current), route, routeName),
      );
    },
    reset: parts.reset,
  };
}

/** The names of `refs` (Services an object routes to) that live in `namespace`. */
export function servicesIn(
  refs: ReadonlyArray<{ name: string; namespace?: string }>,
  object: KubeObject,
  namespace: string,
): string[] {
  const own = object.metadata.namespace ?? namespace;
  return [...new Set(refs.filter((r) => (r.namespace ?? own) === namespace).map((r) => r.name))];
}
