// Applying many objects: one apply-order group after another (Namespaces before what lives in
// them, config before the workloads that mount it), the objects within a group side by side.
// A release of hundreds of objects is bound by round trips, not by the API server.
import { inParallel } from '../../kube/parallel.ts';
import type { Cluster, KubeObject } from '../../kube/types.ts';
import { applyOrderRank } from '../../manifests/render.ts';

/** Consecutive objects of the same apply-order group. */
function groups(objects: readonly KubeObject[]): KubeObject[][] {
  const out: KubeObject[][] = [];
  for (const object of objects) {
    const last = out.at(-1);
    if (last && applyOrderRank(last[0].kind) === applyOrderRank(object.kind)) last.push(object);
    else out.push([object]);
  }
  return out;
}

/** Server-side applies `objects` (already in apply order), group by group. */
export async function applyInOrder(cluster: Cluster, objects: readonly KubeObject[]): Promise<KubeObject[]> {
  const applied: KubeObject[] = [];
  for (const group of groups(objects)) applied.push(...(await inParallel(group, (o) => cluster.apply(o))));
  return applied;
}
