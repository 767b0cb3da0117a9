// Releases next to a HorizontalPodAutoscaler, the way Argo Rollouts and Flagger treat one: the HPA
// owns the replica count. The action leaves `spec.replicas` out of what it applies to a workload an
// HPA targets (so server-side apply keeps the HPA's ownership and decision), sizes new-version
// copies from the live count, and says so in the record.
import { type Cluster, type KubeObject, workloadKey } from '../../kube/types.ts';
import { blockingBudgets, liveBudgets } from './disruption-budgets.ts';
import type { ManifestSet, SourcedObject } from '../../manifests/types.ts';
import {
  isAutoscaler,
  isScalable,
  replicasOf,
  view,
  type AutoscalerObject,
} from '../../manifests/workload-views.ts';

export const HPA_API_VERSION = 'autoscaling/v2';

export interface Autoscaled {
  manifests: ManifestSet;
  /** workloadKey → the HPA targeting it. */
  targets: Map<string, AutoscalerObject>;
  notes: string[];
}

function targetKey(hpa: AutoscalerObject): string | undefined {
  const ref = hpa.spec?.scaleTargetRef;
  if (!ref?.kind || !ref.name) return undefined;
  return workloadKey({
    apiVersion: ref.apiVersion ?? 'apps/v1',
    kind: ref.kind,
    metadata: { name: ref.name, namespace: hpa.metadata.namespace },
  });
}

/** HPAs in the manifests and in the namespace (the manifests' version wins for the same name). */
export async function findAutoscalers(
  cluster: Pick<Cluster, 'list'>,
  manifests: ManifestSet,
  namespace: string,
): Promise<AutoscalerObject[]> {
  const fromManifests = manifests.objects.map((o) => o.object).filter(isAutoscaler);
  // A cluster or a token that cannot list HPAs simply has none the action must respect.
  const live = await cluster.list(HPA_API_VERSION, 'HorizontalPodAutoscaler', namespace).catch(() => []);
  const names = new Set(fromManifests.map((h) => h.metadata.name));
  return [...fromManifests, ...live.filter((h) => !names.has(h.metadata.name)).map(view<AutoscalerObject>)];
}

/** The fields of a managedFields entry read here (the server sends them; entries may be partial). */
interface FieldManager {
  manager?: string;
  operation?: string;
  subresource?: string;
  fieldsV1?: { 'f:spec'?: { 'f:replicas'?: unknown } };
}

/** The managers that own `spec.replicas` of a live object. */
function replicasOwners(live: KubeObject | undefined): FieldManager[] {
  return ((live?.metadata.managedFields ?? []) as Array<FieldManager | null>).filter(
    (m): m is FieldManager => m?.fieldsV1?.['f:spec']?.['f:replicas'] !== undefined,
  );
}

/** Whether an applier (not the HPA's scale writes) is the only owner of `spec.replicas`. */
function replicasOwnedByApplierOnly(live: KubeObject | undefined): boolean {
  const owners = replicasOwners(live);
  return owners.length > 0 && owners.every((m) => m.operation === 'Apply');
}

function withoutReplicas(source: SourcedObject, keep: number | undefined): SourcedObject {
  const object = structuredClone(source.object);
  if (!isScalable(object)) return { ...source, object };
  if (keep === undefined) delete object.spec.replicas;
  else object.spec.replicas = keep;
  return { ...source, object };
}

/**
 * The manifests as the action applies them when HPAs target some workloads: without
 * `spec.replicas` for those. When an earlier apply still owns the field alone, omitting it would
 * remove it (and reset the count), so the live count is applied unchanged instead.
 */
export function releaseToAutoscalers(
  manifests: ManifestSet,
  hpas: AutoscalerObject[],
  live: Map<string, KubeObject | undefined>,
): Autoscaled {
  const targets = new Map<string, AutoscalerObject>();
  for (const hpa of hpas) {
    const key = targetKey(hpa);
    if (key) targets.set(key, hpa);
  }
  const notes: string[] = [];
  const replace = new Map<SourcedObject, SourcedObject>();
  for (const source of manifests.workloads) {
    const key = workloadKey(source.object);
    const hpa = targets.get(key);
    if (!hpa) continue;
    const current = live.get(key);
    const keep = replicasOwnedByApplierOnly(current) ? replicasOf(current) : undefined;
    replace.set(source, withoutReplicas(source, keep));
    const what = `${source.object.kind} ${source.object.metadata.name}`;
    const count = replicasOf(current);
    notes.push(
      `HorizontalPodAutoscaler ${hpa.metadata.name} scales ${what} (min ${hpa.spec?.minReplicas ?? 1}, max ${hpa.spec?.maxReplicas}): ` +
        (keep === undefined
          ? `spec.replicas was left to it${count !== undefined ? ` (live count ${count})` : ''}`
          : `spec.replicas was kept at the live count ${keep} (an earlier apply still owned it)`) +
        '; new-version copies are sized from the live count',
    );
  }
  if (replace.size === 0) return { manifests, targets, notes };
  const swap = (s: SourcedObject) => replace.get(s) ?? s;
  return {
    manifests: {
      ...manifests,
      objects: manifests.objects.map(swap),
      workloads: manifests.workloads.map(swap),
    },
    targets,
    notes,
  };
}

const autoscaledSets = new WeakMap<ManifestSet, Set<string>>();

/** The HPA controller resizes through /scale as kube-controller-manager: its mark in managedFields. */
function scaledByController(live: KubeObject | undefined): boolean {
  return replicasOwners(live).some(
    (m) => m.manager === 'kube-controller-manager' && m.subresource === 'scale',
  );
}

/**
 * Whether an HPA scales this workload: found for this run, declared in the manifests, or (for a
 * later job continuing the release) seen resizing the live workload.
 */
export function isAutoscaled(manifests: ManifestSet, workload: KubeObject, live?: KubeObject): boolean {
  const key = workloadKey(workload);
  if (autoscaledSets.get(manifests)?.has(key) || scaledByController(live)) return true;
  return manifests.objects.some((o) => isAutoscaler(o.object) && targetKey(o.object) === key);
}

/**
 * Before a deploy: the manifests to apply next to the namespace's HPAs, and notes for the record
 * (what was left to an HPA, PodDisruptionBudgets that allow no disruption). `live` is the caller's
 * read of the live workloads, awaited here so that the three reads run at once.
 */
export async function prepareForAutoscalers(
  cluster: Pick<Cluster, 'list'>,
  manifests: ManifestSet,
  namespace: string,
  live: Promise<Map<string, KubeObject | undefined>>,
): Promise<{ manifests: ManifestSet; notes: string[] }> {
  const [hpas, budgets, workloads] = await Promise.all([
    findAutoscalers(cluster, manifests, namespace),
    liveBudgets(cluster, namespace),
    live,
  ]);
  const result = releaseToAutoscalers(manifests, hpas, workloads);
  autoscaledSets.set(result.manifests, new Set(result.targets.keys()));
  return {
    manifests: result.manifests,
    notes: [...result.notes, ...blockingBudgets(result.manifests, budgets)],
  };
}

/**
 * Replicas for a new-version copy of a workload: the live count (an HPA's current decision, or
 * what the user last applied), else the manifests' count, else 1 as the API server defaults it.
 */
export function copyReplicas(workload: KubeObject | undefined): number {
  return replicasOf(workload) ?? 1;
}
