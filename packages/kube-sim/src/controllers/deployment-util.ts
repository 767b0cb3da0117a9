// Deployment arithmetic and annotation rules (upstream pkg/controller/deployment/util), kept
// pure so tests can check them directly.
import type { KubeObject } from '../types.ts';
import {
  view,
  type Condition,
  type DeploymentStatus,
  type DeploymentView,
  type PodTemplate,
  type ReplicaSetView,
} from '../views.ts';
import { byCreation, clone, jsonEqual, scaledValue } from './util.ts';
import { markAssigned } from '../timestamps.ts';

export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const HASH_LABEL = 'pod-template-hash';

/** Upstream annotationsToSkip: never copied between a Deployment and its ReplicaSets. */
export const ANNOTATIONS_TO_SKIP = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  REVISION_HISTORY,
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  'deprecated.deployment.rollback.to',
]);

export function replicasOf(obj: KubeObject): number {
  return Number(view<DeploymentView>(obj).spec?.replicas ?? 1);
}

export function isRollingUpdate(d: DeploymentView): boolean {
  return (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/** maxSurge rounded up, maxUnavailable rounded down; both zero → unavailable 1. */
export function resolveFenceposts(d: DeploymentView): { surge: number; unavailable: number } {
  const desired = replicasOf(d);
  const ru = d.spec?.strategy?.rollingUpdate ?? {};
  const surge = scaledValue(ru.maxSurge ?? '25%', desired, true);
  let unavailable = scaledValue(ru.maxUnavailable ?? '25%', desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function maxSurge(d: DeploymentView): number {
  return isRollingUpdate(d) ? resolveFenceposts(d).surge : 0;
}

export function maxUnavailable(d: DeploymentView): number {
  const desired = replicasOf(d);
  if (!isRollingUpdate(d) || desired === 0) return 0;
  return Math.min(resolveFenceposts(d).unavailable, desired);
}

/**
 * Upstream Revision(): the annotation parsed as an int64 (BigInt here: the upstream e2e test
 * "RollingUpdateDeployment" adopts a ReplicaSet at revision 3546343826724305832, past 2^53);
 * undefined when it does not parse. No annotation is revision 0.
 */
export function parseRevision(text: string | undefined): bigint | undefined {
  if (text === undefined || text === '') return 0n;
  if (!/^[+-]?\d{1,19}$/.test(text)) return undefined;
  const n = BigInt(text);
  return n > 9223372036854775807n || n < -9223372036854775808n ? undefined : n;
}

export function revisionOf(rs: ReplicaSetView): bigint {
  return parseRevision(rs.metadata.annotations?.[REVISION]) ?? 0n;
}

/** Upstream MaxRevision: replica sets whose revision does not parse are skipped. */
export function maxRevision(rss: ReplicaSetView[]): bigint {
  let max = 0n;
  for (const rs of rss) {
    const v = parseRevision(rs.metadata.annotations?.[REVISION]);
    if (v !== undefined && v > max) max = v;
  }
  return max;
}

export function specReplicas(rss: ReplicaSetView[]): number {
  return rss.reduce((n, rs) => n + Number(rs.spec?.replicas ?? 0), 0);
}

export function statusSum(
  rss: ReplicaSetView[],
  field: 'replicas' | 'readyReplicas' | 'availableReplicas',
): number {
  return rss.reduce((n, rs) => n + Number(rs.status?.[field] ?? 0), 0);
}

export function templateWithoutHash(template: PodTemplate | undefined): PodTemplate {
  const t = clone(template ?? {});
  if (t.metadata?.labels) {
    delete t.metadata.labels[HASH_LABEL];
  }
  return t;
}

export function equalIgnoreHash(a: PodTemplate | undefined, b: PodTemplate | undefined): boolean {
  return jsonEqual(templateWithoutHash(a), templateWithoutHash(b));
}

/** The oldest ReplicaSet whose template equals the Deployment's (ignoring the hash label). */
export function findNewReplicaSet(d: DeploymentView, rss: ReplicaSetView[]): ReplicaSetView | undefined {
  return [...rss].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/** Copy the Deployment's own annotations onto the RS; returns whether anything changed. */
export function copyAnnotations(d: DeploymentView, rs: ReplicaSetView): boolean {
  let changed = false;
  const target = (rs.metadata.annotations ??= {});
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (ANNOTATIONS_TO_SKIP.has(k) || target[k] === v) continue;
    target[k] = v;
    changed = true;
  }
  return changed;
}

/**
 * Upstream SetNewReplicaSetAnnotations: copy annotations, raise the revision (recording the old
 * number in revision-history when an existing RS is adopted), and on creation set the replica
 * annotations.
 */
export function setNewReplicaSetAnnotations(
  d: DeploymentView,
  rs: ReplicaSetView,
  newRevision: bigint,
  exists: boolean,
): boolean {
  let changed = copyAnnotations(d, rs);
  const ann = (rs.metadata.annotations ??= {});
  const had = ann[REVISION];
  const old = parseRevision(had);
  if (old === undefined) return changed; // upstream leaves an unparsable revision alone
  if (old < newRevision) {
    ann[REVISION] = String(newRevision);
    changed = true;
    if (had !== undefined && had !== '') {
      ann[REVISION_HISTORY] = ann[REVISION_HISTORY] ? `${ann[REVISION_HISTORY]},${had}` : had;
    }
  }
  if (!exists) {
    changed = setReplicasAnnotations(rs, replicasOf(d), replicasOf(d) + maxSurge(d)) || changed;
  }
  return changed;
}

export function setReplicasAnnotations(rs: ReplicaSetView, desired: number, max: number): boolean {
  const ann = (rs.metadata.annotations ??= {});
  let changed = false;
  if (ann[DESIRED_REPLICAS] !== String(desired)) {
    ann[DESIRED_REPLICAS] = String(desired);
    changed = true;
  }
  if (ann[MAX_REPLICAS] !== String(max)) {
    ann[MAX_REPLICAS] = String(max);
    changed = true;
  }
  return changed;
}

/**
 * Upstream IsSaturated (pkg/controller/deployment/util/deployment_util.go): the new RS has the
 * Deployment's size, its desired-replicas annotation says so too, and exactly that many are
 * available.
 */
export function isSaturated(d: DeploymentView, rs: ReplicaSetView | undefined): boolean {
  if (!rs) return false;
  const annotated = rs.metadata.annotations?.[DESIRED_REPLICAS];
  if (annotated === undefined || !/^[+-]?\d+$/.test(annotated)) return false;
  const desired = replicasOf(d);
  return (
    Number(rs.spec?.replicas ?? 0) === desired &&
    Number(annotated) === desired &&
    Number(rs.status?.availableReplicas ?? 0) === desired
  );
}

/** How many replicas the new RS should have now (upstream NewRSNewReplicas). */
export function newRSNewReplicas(
  d: DeploymentView,
  allRSs: ReplicaSetView[],
  newRS: ReplicaSetView | undefined,
): number {
  const current = Number(newRS?.spec?.replicas ?? 0);
  if (!isRollingUpdate(d)) return replicasOf(d);
  const maxTotal = replicasOf(d) + maxSurge(d);
  const podCount = specReplicas(allRSs);
  if (podCount >= maxTotal) return current;
  const up = Math.min(maxTotal - podCount, replicasOf(d) - current);
  return current + Math.max(0, up);
}

export function deploymentComplete(d: DeploymentView, status: DeploymentStatus): boolean {
  const r = replicasOf(d);
  return (
    Number(status.updatedReplicas ?? 0) === r &&
    Number(status.replicas ?? 0) === r &&
    Number(status.availableReplicas ?? 0) === r &&
    Number(status.observedGeneration ?? 0) >= Number(d.metadata.generation ?? 0)
  );
}

export function deploymentProgressing(d: DeploymentView, status: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const n = (v: unknown) => Number(v ?? 0);
  const oldOld = n(old.replicas) - n(old.updatedReplicas);
  const newOld = n(status.replicas) - n(status.updatedReplicas);
  return (
    n(status.updatedReplicas) > n(old.updatedReplicas) ||
    newOld < oldOld ||
    n(status.readyReplicas) > n(old.readyReplicas) ||
    n(status.availableReplicas) > n(old.availableReplicas)
  );
}

export function hasProgressDeadline(d: DeploymentView): boolean {
  const p = d.spec?.progressDeadlineSeconds;
  return p !== undefined && p !== null && p !== 2147483647;
}

/** Upstream SetDeploymentCondition: same status and reason → no change; else replace (appended last). */
export function setDeploymentCondition(status: DeploymentStatus, cond: Condition): void {
  const list: Condition[] = status.conditions ?? [];
  const cur = list.find((c) => c.type === cond.type);
  if (cur && cur.status === cond.status && cur.reason === cond.reason) return;
  const next = { ...cond };
  const keepTransition = cur && cur.status === cond.status;
  if (keepTransition) next.lastTransitionTime = cur.lastTransitionTime;
  status.conditions = [...list.filter((c) => c.type !== cond.type), next];
  markAssigned(
    status,
    cond.type,
    keepTransition ? ['lastUpdateTime'] : ['lastUpdateTime', 'lastTransitionTime'],
  );
}

export function deploymentCondition(
  status: DeploymentStatus | undefined,
  type: string,
): Condition | undefined {
  return (status?.conditions ?? []).find((c) => c.type === type);
}

export function newCondition(
  type: string,
  status: string,
  reason: string,
  message: string,
  now: string,
): Condition {
  return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
}
