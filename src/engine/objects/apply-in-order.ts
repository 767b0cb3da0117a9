// Applying many objects: one apply-order group after another (Namespaces before what lives in
// them, config before the workloads that mount it), the objects within a group side by side.
// A release of hundreds of objects is bound by round trips, not by the API server.
import { inParallel } from '../../kube/parallel.ts';
import type { Cluster, KubeObject } from '../../kube/types.ts';
import { applyOrderRank } from '../../manifests/render.ts';
import { applyUnlessNoOp, type NoOpProofs } from './no-op-apply.ts';

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

export interface Applied {
  /** Each object as the API server has it now, in the order given. */
  objects: KubeObject[];
  /**
   * How many were not sent: their dry run and the read under the Lease showed the apply would
   * change nothing.
   */
  unchanged: number;
}

/**
 * Server-side applies `objects` (already in apply order), group by group. An object whose dry run
 * proved the apply changes nothing (`proofs`, see no-op-apply.ts) is not sent.
 */
export async function applyInOrder(
  cluster: Cluster,
  objects: readonly KubeObject[],
  proofs: NoOpProofs = new Map(),
): Promise<Applied> {
  const applied: Applied = { objects: [], unchanged: 0 };
  for (const group of groups(objects))
    for (const { object, sent } of await inParallel(group, (o) => applyUnlessNoOp(cluster, o, proofs))) {
      applied.objects.push(object);
      if (!sent) applied.unchanged++;
    }
  return applied;
}
