// Adoption and release by selector, as upstream's ControllerRefManager
// (pkg/controller/controller_ref_manager.go, ClaimObject): a controller keeps the objects it owns
// that still match its selector, releases the ones that no longer match (removes its
// ownerReference) and adopts orphans that match (adds a controller ownerReference). Objects owned
// by another controller are left alone; nothing is adopted or released while the controller is
// being deleted, and an object being deleted is never adopted.
import type { KubeObject } from '../types.ts';
import { SimApiError } from '../types.ts';
import type { ControllerContext } from './context.ts';
import { controllerRef } from './util.ts';

export interface ClaimRule {
  /** The owner's selector matches this object (labels, plus any extra filter upstream applies). */
  matches(obj: KubeObject): boolean;
}

function controllerOf(obj: KubeObject) {
  return (obj.metadata.ownerReferences ?? []).find((r) => r.controller);
}

/**
 * Upstream RecheckDeletionTimestamp (controller_utils.go): adoption re-reads the owner and refuses
 * when it is gone, was replaced (another uid) or is being deleted.
 */
function canAdopt(ctx: ControllerContext, owner: KubeObject): boolean {
  const fresh = ctx.store.get(
    owner.apiVersion,
    owner.kind,
    owner.metadata.namespace,
    owner.metadata.name ?? '',
  );
  return Boolean(fresh && fresh.metadata.uid === owner.metadata.uid && !fresh.metadata.deletionTimestamp);
}

/** Patch-like write of the ownerReferences; a conflict or a vanished object is retried next pass. */
function writeOwners(
  ctx: ControllerContext,
  obj: KubeObject,
  refs: KubeObject['metadata']['ownerReferences'],
) {
  const next = { ...obj, metadata: { ...obj.metadata, ownerReferences: refs } };
  if (!refs?.length) delete next.metadata.ownerReferences;
  try {
    return ctx.store.update(next);
  } catch (err) {
    if (err instanceof SimApiError && (err.code === 409 || err.code === 404)) return undefined;
    throw err;
  }
}

/** The objects `owner` controls after adopting matching orphans and releasing non-matching ones. */
export function claim(
  ctx: ControllerContext,
  owner: KubeObject,
  candidates: KubeObject[],
  rule: ClaimRule,
): KubeObject[] {
  const uid = owner.metadata.uid;
  const ownerDeleting = Boolean(owner.metadata.deletionTimestamp);
  const claimed: KubeObject[] = [];
  let adoptable: boolean | undefined;
  for (const obj of candidates) {
    const ref = controllerOf(obj);
    if (ref && ref.uid !== uid) continue; // another controller's
    const matches = rule.matches(obj);
    if (ref) {
      if (matches || ownerDeleting) {
        claimed.push(obj);
        continue;
      }
      // Release: drop only our own reference (upstream patches it away by uid).
      writeOwners(
        ctx,
        obj,
        (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid),
      );
      continue;
    }
    if (!matches || ownerDeleting || obj.metadata.deletionTimestamp) continue;
    adoptable ??= canAdopt(ctx, owner);
    if (!adoptable) continue;
    const adopted = writeOwners(ctx, obj, [...(obj.metadata.ownerReferences ?? []), controllerRef(owner)]);
    if (adopted) claimed.push(adopted);
  }
  return claimed;
}
