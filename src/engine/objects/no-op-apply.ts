// An apply that changes nothing is not sent. A deploy dry-runs every object before the Lease; when
// the answer is the object exactly as it was read (resourceVersion, managedFields and all), applying
// it then changed nothing. At apply time the object is read again: if it still equals that answer
// (same resourceVersion: nothing wrote it since), applying it now would change nothing either, not
// even field ownership, so the read stands for the apply. An app of many workloads where one
// changes then writes one workload, not all of them.
import { type Cluster, type KubeObject, refOf, workloadKey } from '../../kube/types.ts';
import { sameJson } from '../../compare.ts';

/** An object's dry run whose answer equalled the object as read: a candidate for not applying. */
export interface NoOpProof {
  /** The object the dry run sent. */
  sent: KubeObject;
  /** The API server's answer, equal to the live object when the dry run was made. */
  result: KubeObject;
}

/** By workloadKey; only objects whose dry run changed nothing of the copy read beside it. */
export type NoOpProofs = ReadonlyMap<string, NoOpProof>;

/**
 * The dry runs that changed nothing of `read` (live copies of the objects, taken around the dry
 * run: a copy that differs from the answer means a change, or a write since, and either way the
 * object is applied).
 */
export function noOpProofs(
  dryRun: readonly { sent: KubeObject; result?: KubeObject }[],
  read: readonly KubeObject[],
): NoOpProofs {
  const live = new Map(read.map((o) => [workloadKey(o), o] as const));
  const proofs = new Map<string, NoOpProof>();
  for (const { sent, result } of dryRun) {
    const key = workloadKey(sent);
    const before = live.get(key);
    if (result && before && sameJson(before, result)) proofs.set(key, { sent, result });
  }
  return proofs;
}

/** `object` is the one the dry run sent (usually the very same object). */
function isSent(object: KubeObject, proof: NoOpProof): boolean {
  return object === proof.sent || sameJson(object, proof.sent);
}

/** `live` (read now) shows that applying `object` would change nothing. */
export function appliesAsNoOp(
  object: KubeObject,
  proof: NoOpProof | undefined,
  live: KubeObject | undefined,
): boolean {
  return proof !== undefined && live !== undefined && isSent(object, proof) && sameJson(live, proof.result);
}

/** Server-side applies `object`, unless its proof and a read now show the apply would change nothing. */
export async function applyUnlessNoOp(
  cluster: Cluster,
  object: KubeObject,
  proofs: NoOpProofs,
): Promise<{ object: KubeObject; sent: boolean }> {
  const proof = proofs.get(workloadKey(object));
  if (!proof || !isSent(object, proof)) return { object: await cluster.apply(object), sent: true };
  const live = await cluster.get(refOf(object));
  if (appliesAsNoOp(object, proof, live)) return { object: live!, sent: false };
  return { object: await cluster.apply(object), sent: true };
}
