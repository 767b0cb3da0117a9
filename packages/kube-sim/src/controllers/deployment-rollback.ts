// The deprecated rollback annotation (`deprecated.deployment.rollback.to`, the apps/v1 round trip of
// extensions/v1beta1 rollbackTo), as upstream pkg/controller/deployment/rollback.go still honours
// it: the Deployment takes the template of the ReplicaSet at that revision (0 = the previous one)
// and the annotation is cleared. The upstream e2e "iterative rollouts should eventually progress"
// uses it.
import { view, type DeploymentView, type ReplicaSetView } from '../views.ts';
import { SOURCE, type Sync } from './deployment-sync.ts';
import {
  ANNOTATIONS_TO_SKIP,
  equalIgnoreHash,
  HASH_LABEL,
  parseRevision,
  REVISION,
} from './deployment-util.ts';
import { clone } from './util.ts';

export const ROLLBACK_TO = 'deprecated.deployment.rollback.to';

/** Upstream getRollbackTo: the requested revision, or undefined (absent, empty or not an int64). */
export function rollbackTo(d: DeploymentView): bigint | undefined {
  const text = d.metadata.annotations?.[ROLLBACK_TO];
  if (!text) return undefined;
  return parseRevision(text);
}

/** Upstream LastRevision: the second-highest revision among the ReplicaSets (0 when none). */
function lastRevision(rss: ReplicaSetView[]): bigint {
  let max = 0n;
  let second = 0n;
  for (const rs of rss) {
    const v = parseRevision(rs.metadata.annotations?.[REVISION]);
    if (v === undefined) continue;
    if (v >= max) {
      second = max;
      max = v;
    } else if (v > second) second = v;
  }
  return second;
}

function event(s: Sync, type: 'Normal' | 'Warning', reason: string, message: string): void {
  s.ctx.events.record({ involved: s.d, type, reason, message, source: SOURCE });
}

/** updateDeploymentAndClearRollbackTo, optionally with the rolled-back template and annotations. */
function clearRollbackTo(s: Sync, from?: ReplicaSetView): void {
  const d = clone(s.d);
  if (from) {
    d.spec.template = clone(from.spec.template);
    delete d.spec.template.metadata?.labels?.[HASH_LABEL];
    // SetDeploymentAnnotationsTo: the RS's annotations, keeping the Deployment's skipped ones.
    const kept = Object.entries(d.metadata.annotations ?? {}).filter(([k]) => ANNOTATIONS_TO_SKIP.has(k));
    const copied = Object.entries(from.metadata.annotations ?? {}).filter(
      ([k]) => !ANNOTATIONS_TO_SKIP.has(k),
    );
    d.metadata.annotations = Object.fromEntries([...kept, ...copied]);
  }
  delete d.metadata.annotations?.[ROLLBACK_TO];
  s.d = view<DeploymentView>(s.ctx.store.update(d));
}

/** Upstream rollback(); `all` already holds the new ReplicaSet when there is one. */
export function rollback(s: Sync, all: ReplicaSetView[], wanted: bigint): void {
  let revision = wanted;
  if (revision === 0n) revision = lastRevision(all);
  if (revision === 0n) {
    event(s, 'Warning', 'DeploymentRollbackRevisionNotFound', 'Unable to find last revision.');
    return clearRollbackTo(s);
  }
  const target = all.find((rs) => parseRevision(rs.metadata.annotations?.[REVISION]) === revision);
  if (!target) {
    event(s, 'Warning', 'DeploymentRollbackRevisionNotFound', 'Unable to find the revision to rollback to.');
    return clearRollbackTo(s);
  }
  if (equalIgnoreHash(s.d.spec.template, target.spec.template)) {
    event(
      s,
      'Warning',
      'DeploymentRollbackTemplateUnchanged',
      `The rollback revision contains the same template as current deployment "${s.d.metadata.name}"`,
    );
    return clearRollbackTo(s);
  }
  clearRollbackTo(s, target);
  event(
    s,
    'Normal',
    'DeploymentRollback',
    `Rolled back deployment "${s.d.metadata.name}" to revision ${revision}`,
  );
}
