// Shared state and writes of one Deployment sync (status, RS scaling, revision annotation).
import type { KubeObject } from '../types.ts';
import { view, type DeploymentStatus, type DeploymentView, type ReplicaSetView } from '../views.ts';
import type { ControllerContext } from './context.ts';
import { maxSurge, replicasOf, REVISION, setReplicasAnnotations } from './deployment-util.ts';
import { clone, jsonEqual } from './util.ts';
import { noteAssigned } from '../timestamps.ts';

export const SOURCE = { component: 'deployment-controller' };

export interface Sync {
  ctx: ControllerContext;
  d: DeploymentView;
}

export function refresh(s: Sync, updated: KubeObject): void {
  s.d = view<DeploymentView>(updated);
}

export function writeDeploymentStatus(s: Sync, status: DeploymentStatus): void {
  if (jsonEqual(s.d.status ?? {}, status)) return;
  refresh(s, s.ctx.store.update({ ...s.d, status }, { subresource: 'status' }));
  noteAssigned(s.d.metadata.uid, status, s.ctx.clock.now());
}

/** Scale one RS, keeping its replica annotations current; records ScalingReplicaSet. */
export function scaleReplicaSet(s: Sync, rs: ReplicaSetView, newScale: number): ReplicaSetView {
  const old = Number(rs.spec?.replicas ?? 0);
  const copy = clone(rs);
  const annChanged = setReplicasAnnotations(copy, replicasOf(s.d), replicasOf(s.d) + maxSurge(s.d));
  if (old === newScale && !annChanged) return rs;
  copy.spec.replicas = newScale;
  const updated = view<ReplicaSetView>(s.ctx.store.update(copy));
  if (old !== newScale) {
    // Upstream scaleReplicaSet (sync.go): "Scaled <up|down> replica set X to N from M".
    const message = `Scaled ${newScale > old ? 'up' : 'down'} replica set ${rs.metadata.name} to ${newScale} from ${old}`;
    s.ctx.events.record({
      involved: s.d,
      type: 'Normal',
      reason: 'ScalingReplicaSet',
      message,
      source: SOURCE,
    });
  }
  return updated;
}

export function setDeploymentRevision(s: Sync, revision: string | undefined): void {
  if (!revision || s.d.metadata.annotations?.[REVISION] === revision) return;
  const copy = clone(s.d);
  copy.metadata.annotations = { ...(copy.metadata.annotations ?? {}), [REVISION]: revision };
  // Through /status, as upstream getNewReplicaSet does (UpdateStatus): no generation bump.
  refresh(s, s.ctx.store.update(copy, { subresource: 'status' }));
}
