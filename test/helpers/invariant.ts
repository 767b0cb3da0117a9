// The release invariant (issue 9), checked against a running simulated cluster: what the traffic
// model serves, what is left in the namespace, what the release state says and who holds the
// Lease must all agree. Returns readable sentences, one per violation; empty means consistent.
//
// Entry points are every traffic entry of the release's namespace (Service, Ingress location,
// HTTPRoute, VirtualService, TrafficSplit), except the action's own canary/preview Services: give
// each release its own namespace, or pass `entries`.
import { ANNOTATIONS, LABELS, MANAGED_BY_VALUE } from '../../src/labels.ts';
import type { KubeObject } from '../../src/kube/types.ts';
import {
  view,
  type HTTPRouteObject,
  type TrafficSplitObject,
  type VirtualServiceObject,
} from '../../src/traffic/objects.ts';
import { podServes, type SimCluster } from '@kube-rollout/kube-sim';

export interface InvariantOptions {
  /** Release name: ConfigMap and Lease `kube-rollout-<name>`. */
  name: string;
  namespace?: string;
  /** Lease holders that belong to runs still alive (a run in progress). */
  liveHolders?: string[];
  /** Requests sent through each entry point (default 100). */
  requests?: number;
  /** Entry ids (or prefixes) to use instead of every entry of the namespace. */
  entries?: string[];
  /**
   * The pod label that carries the release's version (the action's `version-label`). Without it,
   * the simulator's own reading applies (`version`, else `app.kubernetes.io/version`), which is
   * wrong for apps whose pods carry a `version` label of their own (bookinfo's reviews-v1/v2/v3).
   */
  versionLabel?: string;
  /**
   * Only answers from pods it accepts count as versions served. For a release that changed some
   * workloads of an app: a Service in front of a changed and an unchanged workload (bookinfo's
   * reviews) rightly answers with both versions.
   */
  podFilter?: (pod: KubeObject) => boolean;
}

/** The fields of the stored ReleaseState the checker reads (servingVersion is optional). */
export interface StoredState {
  phase: string;
  /** The workloads the release changes (workload keys `Kind/namespace/name`), in newer states. */
  scope?: { changed: string[] };
  stableVersion?: string;
  newVersion: string;
  servingVersion?: string;
  canaryWeight: number;
}

const FINISHED_PHASES = new Set(['promoted', 'rolled-back']);

/** Our bookkeeping annotations: none may stay on any object once a release has finished. */
const BOOKKEEPING_ANNOTATIONS = [
  ANNOTATIONS.originalSelector,
  ANNOTATIONS.originalRules,
  ANNOTATIONS.originalHttp,
  ANNOTATIONS.originalSubsets,
  ANNOTATIONS.originalBackends,
  ANNOTATIONS.canaryWeight,
  ANNOTATIONS.headerRoutes,
  ANNOTATIONS.stableReplicas,
  ANNOTATIONS.createdBy,
  ANNOTATIONS.canaryOf,
  ANNOTATIONS.copyOf,
];

/** Kinds the checker inspects for leftovers: [apiVersion, kind]. */
const INSPECTED_KINDS: [string, string][] = [
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'StatefulSet'],
  ['v1', 'Service'],
  ['networking.k8s.io/v1', 'Ingress'],
  ['gateway.networking.k8s.io/v1', 'HTTPRoute'],
  ['networking.istio.io/v1', 'VirtualService'],
  ['networking.istio.io/v1', 'DestinationRule'],
  ['split.smi-spec.io/v1alpha3', 'TrafficSplit'],
];

export function checkReleaseInvariant(sim: SimCluster, opts: InvariantOptions): string[] {
  const namespace = opts.namespace ?? 'default';
  const violations: string[] = [];
  const loaded = readState(sim, namespace, opts.name, violations);
  const state = loaded ?? undefined;
  const finished = loaded !== null && (!state || FINISHED_PHASES.has(state.phase));
  // Only the workloads a release changes carry its versions; the others keep the ones they run.
  const scoped =
    opts.podFilter || !state?.scope ? opts : { ...opts, podFilter: changedPods(sim, state.scope.changed) };
  const served = checkTraffic(sim, namespace, scoped, state, finished, violations);
  // A first release that failed had no earlier version to return to: nothing can serve, and the
  // state must say failed (not rolled-back) with no version served.
  if (state && !state.stableVersion && state.phase === 'failed' && served.size === 0)
    violations.splice(0, violations.length, ...violations.filter((v) => !/requests got no pod/.test(v)));
  if (finished) violations.push(...leftovers(sim, namespace));
  if (state) checkStateAgainstCluster(state, served, violations);
  checkLease(sim, namespace, opts, violations);
  return violations;
}

/** Polls the invariant until it holds or `timeoutMs` passes; the last violations (empty = held). */
export async function waitForReleaseInvariant(
  sim: SimCluster,
  opts: InvariantOptions,
  timeoutMs = 5000,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const violations = checkReleaseInvariant(sim, opts);
    if (violations.length === 0 || Date.now() >= deadline) return violations;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The workload (Deployment, StatefulSet, DaemonSet) a pod belongs to, through its ReplicaSet. */
export function workloadOfPod(sim: SimCluster, pod: KubeObject): string | undefined {
  const namespace = pod.metadata.namespace;
  const owner = (pod.metadata.ownerReferences ?? []).find((o: { controller?: boolean }) => o.controller);
  if (!owner) return undefined;
  if (owner.kind !== 'ReplicaSet') return owner.name;
  const rs = sim.store.get('apps/v1', 'ReplicaSet', namespace, owner.name);
  return (
    (rs?.metadata.ownerReferences ?? []).find((o: { controller?: boolean }) => o.controller)?.name ??
    owner.name
  );
}

/** Pods of the changed workloads (keys `Kind/namespace/name`) and of their copies. */
function changedPods(sim: SimCluster, changed: string[]): (pod: KubeObject) => boolean {
  const names = changed.map((key) => key.split('/').pop()!);
  const owned = new Set(names.flatMap((n) => [n, `${n}-canary`, `${n}-green`]));
  return (pod) => owned.has(workloadOfPod(sim, pod) ?? '');
}

/** The stored state; undefined when there is none, null when it cannot be read (a violation). */
export function readState(
  sim: SimCluster,
  namespace: string,
  name: string,
  violations: string[] = [],
): StoredState | undefined | null {
  const cm = sim.store.get('v1', 'ConfigMap', namespace, `kube-rollout-${name}`);
  const text = cm?.data?.['state.json'];
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as StoredState;
  } catch (err) {
    violations.push(`the state ConfigMap kube-rollout-${name} holds invalid JSON: ${(err as Error).message}`);
    return null;
  }
}

function entryObject(sim: SimCluster, entry: string): KubeObject | undefined {
  const [kind, namespace, name] = entry.split('/');
  const kinds: Record<string, [string, string]> = {
    service: ['v1', 'Service'],
    ingress: ['networking.k8s.io/v1', 'Ingress'],
    httproute: ['gateway.networking.k8s.io/v1', 'HTTPRoute'],
    virtualservice: ['networking.istio.io/v1', 'VirtualService'],
    trafficsplit: ['split.smi-spec.io/v1alpha3', 'TrafficSplit'],
  };
  const found = kinds[kind];
  return found ? sim.store.get(found[0], found[1], namespace, name) : undefined;
}

/** Every entry of the namespace but the action's own Services (canary, preview): clients do not use those. */
export function releaseEntries(sim: SimCluster, namespace: string): string[] {
  return sim.traffic.entries().filter((entry) => {
    const [kind, ns] = entry.split('/');
    if (ns !== namespace) return false;
    if (kind !== 'service') return true;
    const labels = entryObject(sim, entry)?.metadata.labels ?? {};
    return !labels[LABELS.role] && labels[LABELS.managedBy] !== MANAGED_BY_VALUE;
  });
}

/** Sends requests through every entry point; returns the versions that answered. */
function checkTraffic(
  sim: SimCluster,
  namespace: string,
  opts: InvariantOptions,
  state: StoredState | undefined,
  finished: boolean,
  violations: string[],
): Set<string> {
  const entries = opts.entries ?? releaseEntries(sim, namespace);
  if (entries.length === 0)
    violations.push(`no traffic entry point (Service) of ${opts.name} in ${namespace}`);
  const served = new Set<string>();
  const byEntry: string[] = [];
  for (const entry of entries) {
    const versions = sendThrough(sim, namespace, entry, opts, violations);
    for (const v of versions) served.add(v);
    byEntry.push(`${entry}: ${[...versions].join(', ') || 'nothing'}`);
  }
  if (finished && served.size > 1) {
    violations.push(
      `${opts.name} has finished (${state?.phase ?? 'no state'}) but ${served.size} versions answer: ${byEntry.join('; ')}`,
    );
  }
  if (!finished && state) {
    const allowed = new Set([state.stableVersion, state.newVersion].filter(Boolean));
    for (const v of served)
      if (!allowed.has(v))
        violations.push(
          `${opts.name} is ${state.phase} between ${state.stableVersion ?? '?'} and ${state.newVersion}, but version ${v} answers (${byEntry.join('; ')})`,
        );
  }
  return served;
}

function sendThrough(
  sim: SimCluster,
  namespace: string,
  entry: string,
  opts: InvariantOptions,
  violations: string[],
): Set<string> {
  const requests = opts.requests ?? 100;
  const versions = new Set<string>();
  const failures = new Map<string, number>();
  const unready = new Set<string>();
  for (let i = 0; i < requests; i++) {
    const answer = sim.traffic.sendRequest(entry);
    if (!answer.pod) {
      const why = `${answer.code} ${answer.reason ?? ''}`.trim();
      failures.set(why, (failures.get(why) ?? 0) + 1);
      continue;
    }
    const pod = sim.store.get('v1', 'Pod', answer.namespace || namespace, answer.pod);
    if (pod && opts.podFilter && !opts.podFilter(pod)) continue;
    if (!pod || !podServes(pod)) unready.add(answer.pod);
    versions.add(opts.versionLabel ? (pod?.metadata.labels?.[opts.versionLabel] ?? '') : answer.version);
  }
  for (const [why, count] of failures)
    violations.push(`${entry}: ${count} of ${requests} requests got no pod (${why})`);
  for (const pod of unready) violations.push(`${entry}: pod ${pod} answered but is not Ready`);
  return versions;
}

function checkStateAgainstCluster(state: StoredState, served: Set<string>, violations: string[]): void {
  const only = served.size === 1 ? [...served][0] : undefined;
  if (only === undefined) return;
  if (state.phase === 'promoted' && only !== state.newVersion)
    violations.push(`the state says promoted ${state.newVersion}, but the cluster serves ${only}`);
  if (state.phase === 'rolled-back' && state.stableVersion && only !== state.stableVersion)
    violations.push(`the state says rolled back to ${state.stableVersion}, but the cluster serves ${only}`);
  // While a release is under way the lead's engine keeps servingVersion at stable, even when a
  // step sends all traffic to the new version: compare it only once the release has ended.
  const underWay = ['progressing', 'paused', 'rolling-back'].includes(state.phase);
  if (!underWay && state.servingVersion !== undefined && state.servingVersion !== only)
    violations.push(`the state's servingVersion is ${state.servingVersion}, but the cluster serves ${only}`);
}

function listKind(sim: SimCluster, apiVersion: string, kind: string, namespace: string): KubeObject[] {
  return sim.store.resourceInfo(apiVersion, kind) ? sim.store.list(apiVersion, kind, namespace) : [];
}

/** Copies, owned router objects, bookkeeping annotations and canary backends left in the namespace. */
export function leftovers(sim: SimCluster, namespace: string): string[] {
  const found: string[] = [];
  for (const [apiVersion, kind] of INSPECTED_KINDS) {
    for (const obj of listKind(sim, apiVersion, kind, namespace)) {
      const what = `${kind} ${namespace}/${obj.metadata.name}`;
      const role = obj.metadata.labels?.[LABELS.role];
      if (role) found.push(`${what} (role ${role}) is left over`);
      else if (/-(canary|green)$/.test(obj.metadata.name ?? '') && /^(Deployment|StatefulSet)$/.test(kind))
        found.push(`${what} is a left-over copy`);
      const keys = Object.keys(obj.metadata.annotations ?? {}).filter((k) =>
        (BOOKKEEPING_ANNOTATIONS as string[]).includes(k),
      );
      if (keys.length && !role) found.push(`${what} still carries ${keys.join(', ')}`);
      if (obj.metadata.annotations?.['nginx.ingress.kubernetes.io/canary'] === 'true')
        found.push(`${what} is an nginx canary Ingress`);
      const backends = canaryBackends(kind, obj);
      if (backends.length) found.push(`${what} still routes to ${backends.join(', ')}`);
    }
  }
  return found;
}

function canaryBackends(kind: string, obj: KubeObject): string[] {
  const isCanary = (name: unknown) => typeof name === 'string' && /-canary(\.|$)/.test(name);
  if (kind === 'HTTPRoute')
    return (view<HTTPRouteObject>(obj).spec?.rules ?? [])
      .flatMap((r) => r.backendRefs ?? [])
      .filter((b) => isCanary(b.name))
      .map((b) => `backend ${b.name}`);
  if (kind === 'VirtualService')
    return (view<VirtualServiceObject>(obj).spec?.http ?? [])
      .flatMap((h) => h.route ?? [])
      .filter((r) => isCanary(r.destination?.host) || r.destination?.subset === 'canary')
      .map(
        (r) =>
          `destination ${r.destination.host}${r.destination.subset ? ` subset ${r.destination.subset}` : ''}`,
      );
  if (kind === 'TrafficSplit')
    return (view<TrafficSplitObject>(obj).spec?.backends ?? [])
      .filter((b) => isCanary(b.service))
      .map((b) => `backend ${b.service}`);
  return [];
}

function checkLease(sim: SimCluster, namespace: string, opts: InvariantOptions, violations: string[]): void {
  const lease = sim.store.get('coordination.k8s.io/v1', 'Lease', namespace, `kube-rollout-${opts.name}`);
  const holder = lease?.spec?.holderIdentity;
  if (!holder || (opts.liveHolders ?? []).includes(holder)) return;
  const renewed = Date.parse(lease.spec.renewTime ?? lease.spec.acquireTime ?? '');
  const expires = renewed + Number(lease.spec.leaseDurationSeconds ?? 0) * 1000;
  const when = Number.isNaN(expires)
    ? 'never renewed'
    : expires < Date.now()
      ? `expired ${new Date(expires).toISOString()}`
      : `expires ${new Date(expires).toISOString()}`;
  violations.push(
    `Lease kube-rollout-${opts.name} is still held by ${holder} (${when}), which is not a live run`,
  );
}
