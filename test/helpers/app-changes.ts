// What a release changed in an app of many workloads, read from the simulated cluster: which
// workloads restarted since a snapshot, which canary/green copies exist, and which workloads each
// traffic entry (Service, Ingress, route) reaches. For issue 17's "restarts exactly 1, copies
// exactly 1, routes through the right Service" checks.
import { ANNOTATIONS, LABELS } from '../../src/labels.ts';
import type { KubeObject } from '../../src/kube/types.ts';
import { WORKLOAD_KINDS } from '../../src/manifests/types.ts';
import { releaseEntries, workloadOfPod, type InvariantOptions } from './invariant.ts';

export { workloadOfPod } from './invariant.ts';
import type { SimCluster } from '@kube-rollout/kube-sim';

const DEPLOYMENT_REVISION = 'deployment.kubernetes.io/revision';

/** Per workload (`Kind/name`), its identity and pod-template revision when the snapshot was taken. */
export type WorkloadSnapshot = Map<string, string>;

function workloadsIn(sim: SimCluster, namespace: string): KubeObject[] {
  return WORKLOAD_KINDS.flatMap((kind) => sim.store.list('apps/v1', kind, namespace));
}

/**
 * The workload's pod-template revision: a Deployment's revision annotation, else the highest
 * ControllerRevision it owns. Both grow on every template change (going back to an earlier template
 * included) and never on a scale, so an HPA adding pods is not a restart.
 */
function revisionOf(sim: SimCluster, namespace: string, workload: KubeObject): string {
  if (workload.kind === 'Deployment') return workload.metadata.annotations?.[DEPLOYMENT_REVISION] ?? '';
  const owned = sim.store
    .list('apps/v1', 'ControllerRevision', namespace)
    .filter((r) => (r.metadata.ownerReferences ?? []).some((o) => o.uid === workload.metadata.uid));
  return String(Math.max(0, ...owned.map((r) => Number(r.revision ?? 0))));
}

/** A copy the action made (`-canary`/`-green`, or marked as a copy), not the user's workload. */
function isCopy(workload: KubeObject): boolean {
  return (
    /-(canary|green)$/.test(workload.metadata.name ?? '') ||
    workload.metadata.annotations?.[ANNOTATIONS.copyOf] !== undefined ||
    workload.metadata.labels?.[LABELS.role] !== undefined
  );
}

/** The user's workloads in `namespace` and their revisions now (call once every rollout has settled). */
export function workloadSnapshot(sim: SimCluster, namespace: string): WorkloadSnapshot {
  return new Map(
    workloadsIn(sim, namespace)
      .filter((w) => !isCopy(w))
      .map((w) => [`${w.kind}/${w.metadata.name}`, `${w.metadata.uid} ${revisionOf(sim, namespace, w)}`]),
  );
}

/**
 * The workloads of `before` whose pod template rolled since (a new revision, or deleted and made
 * again), as sorted names. Workloads that did not exist then are not counted: see addedWorkloads.
 */
export function restartedWorkloads(sim: SimCluster, namespace: string, before: WorkloadSnapshot): string[] {
  const now = workloadSnapshot(sim, namespace);
  return [...before]
    .filter(([key, then]) => now.has(key) && now.get(key) !== then)
    .map(([key]) => key.split('/')[1])
    .sort();
}

/** The user's workloads that exist now but not in `before` (sorted names; copies left out). */
export function addedWorkloads(sim: SimCluster, namespace: string, before: WorkloadSnapshot): string[] {
  return [...workloadSnapshot(sim, namespace).keys()]
    .filter((key) => !before.has(key))
    .map((key) => key.split('/')[1])
    .sort();
}

/** The canary/green copies (Deployments, StatefulSets, DaemonSets) in `namespace`, sorted. */
export function copiesIn(sim: SimCluster, namespace: string): string[] {
  return workloadsIn(sim, namespace)
    .filter(isCopy)
    .map((w) => String(w.metadata.name))
    .sort();
}

/** The workload that controls `pod` (through its ReplicaSet for a Deployment), or undefined. */
/** How `requests` requests through `entry` spread over workloads and Services: `workload via service` → count. */
export function routesOf(
  sim: SimCluster,
  namespace: string,
  entry: string,
  requests = 50,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < requests; i++) {
    const answer = sim.traffic.sendRequest(entry);
    const pod = answer.pod
      ? sim.store.get('v1', 'Pod', answer.namespace || namespace, answer.pod)
      : undefined;
    const key = pod
      ? `${workloadOfPod(sim, pod) ?? answer.pod} via ${answer.service}`
      : `no pod (${answer.code})`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/**
 * The traffic entries of `namespace` (the action's own Services left out) through which some of
 * `requests` requests reach a pod of `workload`: which Services, Ingresses and routes drive it.
 */
export function entriesReaching(
  sim: SimCluster,
  namespace: string,
  workload: string,
  requests = 50,
): string[] {
  return releaseEntries(sim, namespace).filter((entry) =>
    [...routesOf(sim, namespace, entry, requests).keys()].some((key) => key.startsWith(`${workload} via `)),
  );
}

/**
 * The part of the release invariant that concerns `workloads` (the ones a release changed): the
 * entries that reach them, and only their pods (and their copies') answers counted as versions.
 */
export function changedScope(
  sim: SimCluster,
  namespace: string,
  workloads: string[],
): Required<Pick<InvariantOptions, 'entries' | 'podFilter'>> {
  const entries = [...new Set(workloads.flatMap((w) => entriesReaching(sim, namespace, w)))];
  const owned = new Set(workloads.flatMap((w) => [w, `${w}-canary`, `${w}-green`]));
  return { entries, podFilter: (pod) => owned.has(workloadOfPod(sim, pod) ?? '') };
}
