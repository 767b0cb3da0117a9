// ControllerRevisions for StatefulSets and DaemonSets (upstream pkg/controller/history).
import type { KubeObject } from '../types.ts';
import type { ControllerContext } from './context.ts';
import {
  revisionDataField,
  revisionDataOf,
  type PodTemplate,
  type RevisionData,
  type RevisionOwnerView,
} from '../views.ts';
import { computeHash } from './hash.ts';
import { clone, controllerRef, jsonEqual, owned } from './util.ts';

export const REVISION_HASH_LABEL = 'controller-revision-hash';
const CR_HASH_LABEL = 'controller.kubernetes.io/hash';

/** What a revision stores: the template, marked to replace (upstream getPatch). */
export function revisionData(owner: RevisionOwnerView): RevisionData {
  const template: PodTemplate & { $patch?: string } = clone(owner.spec?.template ?? {});
  template.$patch = 'replace';
  return { spec: { template } };
}

/** The pod template a revision describes. */
export function templateOf(revision: KubeObject): PodTemplate & { $patch?: string } {
  const t = clone(revisionDataOf(revision)?.spec?.template ?? {});
  delete t.$patch;
  return t;
}

export function hashOf(revision: KubeObject): string {
  return revision.metadata.labels?.[CR_HASH_LABEL] ?? '';
}

export interface Revisions {
  all: KubeObject[];
  update: KubeObject;
}

/**
 * Find or create the revision for the owner's current template. An equal older revision is
 * reused and renumbered to the newest (a rollback), as upstream does.
 */
export function syncRevisions(ctx: ControllerContext, owner: RevisionOwnerView): Revisions {
  const { store } = ctx;
  let all = owned(store, 'apps/v1', 'ControllerRevision', owner).sort(
    (a, b) => Number(a.revision) - Number(b.revision),
  );
  const data = revisionData(owner);
  const max = all.reduce((m, r) => Math.max(m, Number(r.revision ?? 0)), 0);
  let update = all.find((r) => jsonEqual(r.data, data));
  if (update) {
    if (Number(update.revision) !== max) {
      update = store.update({ ...update, revision: max + 1 });
    }
  } else {
    const collisionCount = owner.status?.collisionCount ?? 0;
    const hash = computeHash(data, collisionCount || undefined);
    update = store.create({
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name: `${owner.metadata.name}-${hash}`,
        namespace: owner.metadata.namespace,
        labels: { ...(owner.spec?.template?.metadata?.labels ?? {}), [CR_HASH_LABEL]: hash },
        ownerReferences: [controllerRef(owner)],
      },
      data: revisionDataField(data),
      revision: max + 1,
    });
  }
  all = owned(store, 'apps/v1', 'ControllerRevision', owner).sort(
    (a, b) => Number(a.revision) - Number(b.revision),
  );
  return { all, update: update! };
}

/** Delete the oldest revisions beyond revisionHistoryLimit that no pod or status refers to. */
export function truncateHistory(
  ctx: ControllerContext,
  owner: RevisionOwnerView,
  revisions: KubeObject[],
  live: Set<string | undefined>,
): void {
  const limit = Number(owner.spec?.revisionHistoryLimit ?? 10);
  const unused = revisions.filter((r) => !live.has(r.metadata.name ?? ''));
  for (const r of unused.slice(0, Math.max(0, unused.length - limit))) {
    ctx.store.delete('apps/v1', 'ControllerRevision', r.metadata.namespace, r.metadata.name ?? '');
  }
}
