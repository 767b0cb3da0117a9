// An apply that changes nothing is not sent. A deploy dry-runs every object before the Lease, then
// reads every object again once it holds the Lease. When the dry run answered the object exactly as
// that read found it (resourceVersion, managedFields and all), nothing wrote it in between and
// applying it would change nothing, not even field ownership: the read stands for the apply. From
// that read to the apply the run writes only its own state. An app of many workloads where one
// changes then writes one workload, not all of them.
import { type Cluster, type KubeObject, workloadKey } from '../../kube/types.ts';
import { sameJson } from '../../compare.ts';

/** An object's dry run whose answer equalled the object as read under the Lease. */
export interface NoOpProof {
  /** The object the dry run sent. */
  sent: KubeObject;
  /** The API server's answer: the object as it runs, unchanged since the dry run. */
  result: KubeObject;
}

/** By workloadKey; only objects whose dry run changed nothing of the copy read after it. */
export type NoOpProofs = ReadonlyMap<string, NoOpProof>;

/**
 * The dry runs that changed nothing of `read` (the objects read under the Lease, after the dry
 * runs: a copy that differs from the answer means a change, or a write since, and either way the
 * object is applied).
 */
export function noOpProofs(
  dryRun: readonly { sent: KubeObject; result?: KubeObject }[],
  read: ReadonlyMap<string, KubeObject>,
): NoOpProofs {
  const proofs = new Map<string, NoOpProof>();
  for (const { sent, result } of dryRun) {
    const key = workloadKey(sent);
    const before = read.get(key);
    if (result && before && sameJson(before, result)) proofs.set(key, { sent, result });
  }
  return proofs;
}

/** The proof shows that applying `object` would change nothing: it is the object dry-run. */
export function appliesAsNoOp(object: KubeObject, proof: NoOpProof | undefined): proof is NoOpProof {
  return proof !== undefined && (object === proof.sent || sameJson(object, proof.sent));
}

/** Server-side applies `object`, unless its proof shows the apply would change nothing. */
export async function applyUnlessNoOp(
  cluster: Cluster,
  object: KubeObject,
  proofs: NoOpProofs,
): Promise<{ object: KubeObject; sent: boolean }> {
  const proof = proofs.get(workloadKey(object));
  if (appliesAsNoOp(object, proof)) return { object: proof.result, sent: false };
  return { object: await cluster.apply(object), sent: true };
}
