// Reading, applying and restoring the release's objects.
import { type Cluster, type KubeObject, refOf, workloadKey } from '../../kube/types.ts';
import { RELEASE_ANNOTATION_KEYS } from '../../labels.ts';
import { withoutTemplateHash } from '../../manifests/pods.ts';
import { asWorkload, workloadOf, type PodTemplateSpec } from '../../manifests/workload-views.ts';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

export async function readLive(
  cluster: Cluster,
  objects: KubeObject[],
): Promise<Map<string, KubeObject | undefined>> {
  const entries = await Promise.all(
    objects.map(async (o) => [workloadKey(o), await cluster.get(refOf(o))] as const),
  );
  return new Map(entries);
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
