// Reading, applying and restoring the release's objects.
import { type Cluster, type KubeObject, refOf, workloadKey } from '../../kube/types.ts';
import { RELEASE_ANNOTATION_KEYS } from '../../labels.ts';
import { withoutTemplateHash } from '../../manifests/pods.ts';
import { asWorkload, isWorkload, workloadOf, type PodTemplateSpec } from '../../manifests/workload-views.ts';
import { inParallel } from '../../kube/parallel.ts';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

/**
 * The live copies of `objects` by workloadKey (undefined: not there). Workloads of one kind and
 * namespace come from one LIST (the waits list every workload kind, so the Roles grant it), every
 * other object from a GET. `tolerant`: an object that cannot be read counts as not there.
 */
export async function readLive(
  cluster: Cluster,
  objects: readonly KubeObject[],
  { tolerant = false } = {},
): Promise<Map<string, KubeObject | undefined>> {
  const batches = listableBatches(objects);
  const found = await inParallel(batches, (batch) =>
    readBatch(cluster, batch).catch((err: unknown) => {
      if (tolerant) return batch.map(() => undefined);
      throw err;
    }),
  );
  const copies = found.flat();
  const live = new Map(batches.flat().map((o, i) => [workloadKey(o), copies[i]] as const));
  return new Map(objects.map((o) => [workloadKey(o), live.get(workloadKey(o))] as const));
}

/** The workloads of one kind and namespace together, every other object on its own. */
function listableBatches(objects: readonly KubeObject[]): KubeObject[][] {
  const batches: KubeObject[][] = [];
  // Only the workloads' batches are kept by kind, so only a workload joins one.
  const byKind = new Map<string, KubeObject[]>();
  for (const o of objects) {
    const key = `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}`;
    const batch = byKind.get(key);
    if (batch) batch.push(o);
    else {
      batches.push([o]);
      if (isWorkload(o)) byKind.set(key, batches.at(-1)!);
    }
  }
  return batches;
}

async function readBatch(cluster: Cluster, batch: KubeObject[]): Promise<(KubeObject | undefined)[]> {
  const first = batch[0]!;
  if (batch.length === 1) return [await cluster.get(refOf(first))];
  const listed = await cluster.list(first.apiVersion, first.kind, first.metadata.namespace);
  const byName = new Map(listed.map((o) => [o.metadata.name, o] as const));
  return batch.map((o) => byName.get(o.metadata.name));
}

/** The version a live workload runs: its pod template's version label, else its first image's tag. */
export function versionOf(workload: KubeObject | undefined, versionLabel: string): string | undefined {
  const template = asWorkload(workload)?.spec?.template;
  const label = template?.metadata?.labels?.[versionLabel];
  if (label) return label;
  const image = template?.spec?.containers?.[0]?.image;
  const tag = image?.split('@')[0].match(/:([^:/]+)$/)?.[1];
  return tag;
}

export function revisionOf(workload: KubeObject | undefined): number | undefined {
  const value = workload?.metadata.annotations?.[REVISION_ANNOTATION];
  return value ? Number(value) : undefined;
}

/**
 * `annotations` with each of `keys` as `from` has it: set where `from` has a value, removed where
 * it has none.
 */
export function withAnnotationsOf(
  annotations: Record<string, string> | undefined,
  from: Record<string, string> | undefined,
  keys: readonly string[],
): Record<string, string> {
  const out = { ...annotations };
  for (const key of keys) {
    const value = from?.[key];
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return out;
}

/** The object as a user would write it: no server-managed metadata or status. */
export function userShape(obj: KubeObject): KubeObject {
  const {
    uid: _u,
    resourceVersion: _r,
    generation: _g,
    creationTimestamp: _c,
    managedFields: _m,
    deletionTimestamp: _d,
    ...metadata
  } = obj.metadata;
  const { status: _s, ...rest } = obj;
  return { ...rest, metadata } as KubeObject;
}

/**
 * Puts a workload's pod template back to `previous`'s (or to `template`), the way `kubectl rollout
 * undo` does (a JSON patch of /spec/template), so the controller adopts the old ReplicaSet instead
 * of creating one; the release annotations (change-cause, version, …) become those of the
 * revision it returns to (`annotations`, default `previous`'s), so `kubectl rollout history` and
 * the next run name what serves.
 */
export async function restoreTemplate(
  cluster: Cluster,
  previous: KubeObject,
  template: PodTemplateSpec = workloadOf(previous).spec.template,
  annotations: Record<string, string> | undefined = previous.metadata.annotations,
): Promise<KubeObject> {
  const value = withoutTemplateHash(template);
  await cluster.patch(refOf(previous), [{ op: 'replace', path: '/spec/template', value }], 'json');
  const restored = Object.fromEntries(RELEASE_ANNOTATION_KEYS.map((k) => [k, annotations?.[k] ?? null]));
  return cluster.patch(refOf(previous), { metadata: { annotations: restored } }, 'merge');
}
