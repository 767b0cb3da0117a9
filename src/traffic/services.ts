// The Service bookkeeping behind the Service pair part (service-pair.ts) and the `service` router:
// the canary Service `<service>-canary` that selects only the new version, and the version pin on
// the user's Service (remembered in an annotation and restored on reset).
import type { ApiAccess, Cluster, KubeObject } from '../kube/types.ts';
import {
  ANNOTATIONS,
  DEFAULT_DRAIN_TIMEOUT_MS,
  TrafficRouterError,
  getLive,
  jsonAnnotation,
  refIn,
  ownedMetadata,
  required,
  type TrafficRouterOptions,
} from './common.ts';
import { view, type ServiceObject, type ServicePort } from './objects.ts';
import { asWorkload, replicasOf, type PodObject } from '../manifests/workload-views.ts';
import type { TrafficTarget } from './types.ts';
import { canaryServiceName } from '../names.ts';

type Selector = Record<string, string>;

/**
 * API access of the pin on the user's Service (the `service` router): its selector patched and
 * restored, the pods checked before it is restored, and the new copy scaled to 0.
 */
export const SERVICE_PIN_ACCESS: readonly ApiAccess[] = [
  { group: '', resource: 'services', verbs: ['get', 'patch'] },
  { group: '', resource: 'pods', verbs: ['list'] },
  { group: 'apps', resource: 'deployments', verbs: ['get', 'patch'] },
];

/** API access of the Service pair: the pin, and `<service>-canary` (applied, so created, and deleted). */
export const SERVICE_PAIR_ACCESS: readonly ApiAccess[] = [
  ...SERVICE_PIN_ACCESS,
  { group: '', resource: 'services', verbs: ['create', 'delete'] },
];

/** The user's selector: the remembered one while pinned, else the live one. */
export function originalSelector(service: KubeObject): Selector {
  const live: ServiceObject = view(service);
  return (
    jsonAnnotation<Selector>(service, ANNOTATIONS.originalSelector) ?? { ...(live.spec?.selector ?? {}) }
  );
}

export function pinnedSelector(original: Selector, versionLabel: string, version: string): Selector {
  return { ...original, [versionLabel]: version };
}

/** A ClusterIP copy of the stable Service that selects only pods of `newVersion`. */
export function canaryService(
  router: string,
  stable: KubeObject,
  versionLabel: string,
  newVersion: string,
  namespace: string,
): KubeObject {
  const name = stable.metadata.name ?? '';
  const spec = view<ServiceObject>(stable).spec;
  const ports = (spec?.ports ?? []).map((p: ServicePort) => {
    const { nodePort: _nodePort, ...rest } = p;
    return rest;
  });
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: ownedMetadata(
      router,
      canaryServiceName(name),
      stable.metadata.namespace ?? namespace,
      stable.metadata.labels,
      {
        [ANNOTATIONS.canaryOf]: name,
      },
    ),
    spec: {
      type: 'ClusterIP',
      selector: pinnedSelector(originalSelector(stable), versionLabel, newVersion),
      ports,
    },
  };
}

/**
 * Merge patch that pins the Service to one version. The first pin records the user's selector;
 * later pins keep that record, so a resumed run never mistakes a pinned selector for the original.
 */
export function selectorPinPatch(live: KubeObject, versionLabel: string, version: string): unknown {
  const original = originalSelector(live);
  return {
    metadata: { annotations: { [ANNOTATIONS.originalSelector]: JSON.stringify(original) } },
    spec: { selector: pinnedSelector(original, versionLabel, version) },
  };
}

/** Merge patch back to the remembered selector (keys we added become null); undefined when not pinned. */
export function selectorRestorePatch(live: KubeObject): unknown | undefined {
  const original = jsonAnnotation<Selector>(live, ANNOTATIONS.originalSelector);
  if (!original) return undefined;
  const selector: Record<string, string | null> = { ...original };
  const pinned = view<ServiceObject>(live).spec?.selector ?? {};
  for (const key of Object.keys(pinned)) if (!(key in original)) selector[key] = null;
  return { metadata: { annotations: { [ANNOTATIONS.originalSelector]: null } }, spec: { selector } };
}

/** Version the stable workload runs now (after promotion it is the new one), from its pod template. */
export async function liveStableVersion(cluster: Cluster, target: TrafficTarget): Promise<string> {
  const live = await cluster.get({
    apiVersion: target.stableWorkload.apiVersion,
    kind: target.stableWorkload.kind,
    name: target.stableWorkload.metadata.name ?? '',
    namespace: target.stableWorkload.metadata.namespace ?? target.namespace,
  });
  return asWorkload(live)?.spec?.template?.metadata?.labels?.[target.versionLabel] ?? target.stableVersion;
}

export function stableService(router: string, target: TrafficTarget): KubeObject {
  return required(router, target.service, "the app's Service (none found in the manifests)");
}

export async function ensureCanaryService(
  router: string,
  cluster: Cluster,
  target: TrafficTarget,
): Promise<void> {
  const live = await getLive(cluster, router, stableService(router, target), target.namespace);
  await cluster.apply(canaryService(router, live, target.versionLabel, target.newVersion, target.namespace));
}

/** Deletes `<service>-canary` if a router created it (a user's own Service of that name stays). */
export async function deleteCanaryService(
  router: string,
  cluster: Cluster,
  target: TrafficTarget,
): Promise<void> {
  const service = stableService(router, target);
  const ref = {
    apiVersion: 'v1',
    kind: 'Service',
    name: canaryServiceName(service.metadata.name ?? ''),
    namespace: service.metadata.namespace ?? target.namespace,
  };
  const live = await cluster.get(ref);
  if (live?.metadata.annotations?.[ANNOTATIONS.createdBy] !== undefined) await cluster.delete(ref);
}

export async function pinStableService(
  router: string,
  cluster: Cluster,
  target: TrafficTarget,
  version: string,
): Promise<void> {
  const service = stableService(router, target);
  const live = await getLive(cluster, router, service, target.namespace);
  const patch = selectorPinPatch(live, target.versionLabel, version);
  await cluster.patch(refOfService(live, target), patch, 'merge');
}

/**
 * Gives the user's Service its own selector back. The user's selector also matches the new
 * version's pods, so first wait (bounded) until only pods of the stable workload's version match
 * it: restoring earlier would send traffic to a version that was rolled back.
 */
export async function restoreStableService(
  router: string,
  cluster: Cluster,
  target: TrafficTarget,
  opts: TrafficRouterOptions = {},
): Promise<void> {
  const service = stableService(router, target);
  const live = await cluster.get(refOfService(service, target));
  if (!live) return;
  const patch = selectorRestorePatch(live);
  if (!patch) return;
  await waitUntilOnlyStablePods(router, cluster, target, originalSelector(live), opts);
  await cluster.patch(refOfService(live, target), patch, 'merge');
}

/**
 * Waits (bounded by `drainTimeoutMs`) until every live pod matching `selector` runs the version of
 * the stable workload; throws a TrafficRouterError when pods of another version stay. When stable
 * does not run the new version (a rollback), the new workload is scaled to 0 first: reset means
 * back to stable, and its pods would otherwise match the user's selector.
 */
export async function waitUntilOnlyStablePods(
  router: string,
  cluster: Cluster,
  target: TrafficTarget,
  selector: Selector,
  opts: TrafficRouterOptions = {},
): Promise<void> {
  const version = await liveStableVersion(cluster, target);
  if (version !== target.newVersion) await scaleNewWorkloadToZero(cluster, target);
  await waitUntilOnlyVersion(router, cluster, target, selector, version, opts);
}

async function scaleNewWorkloadToZero(cluster: Cluster, target: TrafficTarget): Promise<void> {
  const ref = refIn(target.newWorkload, target.namespace);
  const live = await cluster.get(ref);
  if (live && (replicasOf(live) ?? 1) > 0) await cluster.patch(ref, { spec: { replicas: 0 } }, 'merge');
}

function refOfService(service: KubeObject, target: TrafficTarget) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    name: service.metadata.name ?? '',
    namespace: service.metadata.namespace ?? target.namespace,
  };
}

export function labelSelectorText(selector: Selector): string {
  return Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** Pods that would receive traffic of `selector` although they run another version. */
export function otherVersionPods(pods: KubeObject[], versionLabel: string, version: string): KubeObject[] {
  return pods.filter((pod) => {
    if (pod.metadata.deletionTimestamp) return false;
    const phase = view<PodObject>(pod).status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return false;
    const v = pod.metadata.labels?.[versionLabel];
    return v !== undefined && v !== version;
  });
}

async function waitUntilOnlyVersion(
  router: string,
  cluster: Cluster,
  target: TrafficTarget,
  selector: Selector,
  version: string,
  opts: TrafficRouterOptions,
): Promise<void> {
  const labelSelector = labelSelectorText(selector);
  const deadline = Date.now() + (opts.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS);
  for (;;) {
    const pods = await cluster.list('v1', 'Pod', target.namespace, { labelSelector });
    const others = otherVersionPods(pods, target.versionLabel, version);
    if (others.length === 0) return;
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      throw new TrafficRouterError(
        router,
        `pods of a version other than ${version} still match the selector of Service "${target.service?.metadata.name}" (${others.map((p) => p.metadata.name).join(', ')}); traffic stays on stable — remove the new workload, then reset again`,
      );
    }
    // The watch's snapshot is complete from its first event on (the list fills it before the
    // callbacks run), so it can be judged as a whole.
    await cluster
      .watchUntil(
        'v1',
        'Pod',
        target.namespace,
        { labelSelector },
        (_event, snapshot) =>
          otherVersionPods([...snapshot.values()], target.versionLabel, version).length === 0
            ? true
            : undefined,
        {
          timeoutMs: remaining,
          signal: opts.signal,
          description: `pods of version ${version} only behind Service "${target.service?.metadata.name}"`,
        },
      )
      .catch((err: unknown) => {
        if (Date.now() < deadline) throw err;
      });
  }
}
