// Objects the previous release applied that the manifests no longer list (a workload renamed or
// dropped, a Service removed). They are left running and reported; with `prune: true` they are
// deleted once the new release is promoted. Never a Namespace, a CRD or a volume: deleting those
// takes data or other apps with them.
import { type KubeObject, refOf, workloadKey } from '../../kube/types.ts';
import type { ManifestSet } from '../../manifests/types.ts';
import type { ReleaseHistory, ReleaseState } from '../../record/types.ts';
import type { RunContext } from '../run/context.ts';

const NEVER_PRUNED = new Set([
  'Namespace',
  'CustomResourceDefinition',
  'PersistentVolumeClaim',
  'PersistentVolume',
]);

const describe = (o: KubeObject) => `${o.kind}/${o.metadata.name}`;

/**
 * What earlier releases applied (the previous release's objects, and what was left running
 * before it) that these manifests no longer list, as bare references.
 */
export function noLongerListed(previous: ReleaseState | undefined, manifests: ManifestSet): KubeObject[] {
  const listed = new Set(manifests.objects.map((o) => workloadKey(o.object)));
  const seen = new Set<string>();
  return [...(previous?.rendered ?? []), ...(previous?.leftRunning ?? [])].flatMap((o) => {
    const key = workloadKey(o);
    if (listed.has(key) || seen.has(key)) return [];
    seen.add(key);
    const { apiVersion, kind, metadata } = o;
    return [{ apiVersion, kind, metadata: { name: metadata.name, namespace: metadata.namespace } }];
  });
}

/** Says in the record what is left running, and whether `prune` will delete it. */
export function noteUnlisted(record: ReleaseHistory, unlisted: readonly KubeObject[], prune: boolean): void {
  if (!unlisted.length) return;
  const kept = prune ? unlisted.filter((o) => NEVER_PRUNED.has(o.kind)) : unlisted;
  if (kept.length)
    record.notes.push(
      `no longer in the manifests, left running: ${kept.map(describe).join(', ')}${prune ? ' (prune never deletes Namespaces, CRDs or volumes)' : " (with 'prune: true' they are deleted once a release is promoted)"}`,
    );
}

/** After promotion: deletes the unlisted objects that may be pruned; notes each one. */
export async function pruneUnlisted(
  ctx: Pick<RunContext, 'cluster' | 'log' | 'record' | 'state'>,
  unlisted: readonly KubeObject[],
): Promise<void> {
  const deleted: string[] = [];
  const kept = unlisted.filter((u) => NEVER_PRUNED.has(u.kind));
  if (kept.length) ctx.state.leftRunning = kept;
  else delete ctx.state.leftRunning;
  for (const o of unlisted.filter((u) => !NEVER_PRUNED.has(u.kind))) {
    try {
      if (await ctx.cluster.delete(refOf(o), { propagationPolicy: 'Background' })) deleted.push(describe(o));
    } catch (err) {
      ctx.log.warn(`could not prune ${describe(o)}: ${(err as Error).message}`);
      ctx.record.notes.push(`could not prune ${describe(o)}: ${(err as Error).message}`);
    }
  }
  if (deleted.length) {
    ctx.log.info(`pruned (no longer in the manifests): ${deleted.join(', ')}`);
    ctx.record.notes.push(`pruned, no longer in the manifests: ${deleted.join(', ')}`);
  }
}
