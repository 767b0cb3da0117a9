// The completion rules of `kubectl rollout status`, as a pure function of the workload object.
import type { KubeObject } from '../kube/types.ts';
import {
  isDaemonSet,
  isDeployment,
  isStatefulSet,
  type DaemonSetObject,
  type DeploymentObject,
  type StatefulSetObject,
  type WorkloadObject,
} from '../manifests/workload-views.ts';

export interface RolloutStatus {
  done: boolean;
  /** The line kubectl would print. */
  message: string;
  /** Set when the rollout can no longer succeed (progress deadline). */
  error?: string;
}

export function rolloutStatus(obj: KubeObject): RolloutStatus {
  // kubectl refuses to wait on OnDelete; a release has nothing to wait for: pods change when deleted.
  if ((isStatefulSet(obj) || isDaemonSet(obj)) && obj.spec?.updateStrategy?.type === 'OnDelete') {
    return observed(obj)
      ? {
          done: true,
          message: `${obj.kind.toLowerCase()} "${obj.metadata.name}" uses OnDelete: pods take the new template when they are deleted`,
        }
      : { done: false, message: `Waiting for ${obj.kind.toLowerCase()} spec update to be observed...` };
  }
  if (isDeployment(obj)) return deploymentStatus(obj);
  if (isStatefulSet(obj)) return statefulSetStatus(obj);
  if (isDaemonSet(obj)) return daemonSetStatus(obj);
  return { done: true, message: `${obj.kind} "${obj.metadata.name}" has no rollout` };
}

/** Whether the controller has seen the workload's latest spec. */
export function observed(obj: WorkloadObject): boolean {
  return (obj.metadata.generation ?? 0) <= (obj.status?.observedGeneration ?? -1);
}

function deploymentStatus(d: DeploymentObject): RolloutStatus {
  const name = d.metadata.name;
  if (!observed(d)) return { done: false, message: 'Waiting for deployment spec update to be observed...' };
  const progressing = (d.status?.conditions ?? []).find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    const error = `deployment "${name}" exceeded its progress deadline`;
    return { done: false, message: error, error };
  }
  const replicas = d.spec?.replicas ?? 1;
  const updated = d.status?.updatedReplicas ?? 0;
  const total = d.status?.replicas ?? 0;
  const available = d.status?.availableReplicas ?? 0;
  const waiting = `Waiting for deployment "${name}" rollout to finish: `;
  if (updated < replicas)
    return {
      done: false,
      message: `${waiting}${updated} out of ${replicas} new replicas have been updated...`,
    };
  if (total > updated)
    return { done: false, message: `${waiting}${total - updated} old replicas are pending termination...` };
  if (available < updated)
    return { done: false, message: `${waiting}${available} of ${updated} updated replicas are available...` };
  return { done: true, message: `deployment "${name}" successfully rolled out` };
}

function statefulSetStatus(s: StatefulSetObject): RolloutStatus {
  if (!observed(s)) return { done: false, message: 'Waiting for statefulset spec update to be observed...' };
  const replicas = s.spec?.replicas ?? 1;
  const ready = s.status?.readyReplicas ?? 0;
  if (ready < replicas)
    return { done: false, message: `Waiting for ${replicas - ready} pods to be ready...` };
  const rolling = s.spec?.updateStrategy?.rollingUpdate;
  if (s.spec?.updateStrategy?.type === 'RollingUpdate' && rolling) {
    const partition = rolling.partition ?? 0;
    const updated = s.status?.updatedReplicas ?? 0;
    if (updated < replicas - partition) {
      return {
        done: false,
        message: `Waiting for partitioned roll out to finish: ${updated} out of ${replicas - partition} new pods have been updated...`,
      };
    }
    return { done: true, message: `partitioned roll out complete: ${updated} new pods have been updated...` };
  }
  if (s.status?.updateRevision !== s.status?.currentRevision) {
    return {
      done: false,
      message: `waiting for statefulset rolling update to complete ${s.status?.updatedReplicas ?? 0} pods at revision ${s.status?.updateRevision}...`,
    };
  }
  return {
    done: true,
    message: `statefulset rolling update complete ${replicas} pods at revision ${s.status?.currentRevision}...`,
  };
}

function daemonSetStatus(d: DaemonSetObject): RolloutStatus {
  const name = d.metadata.name;
  if (!observed(d)) return { done: false, message: 'Waiting for daemon set spec update to be observed...' };
  const desired = d.status?.desiredNumberScheduled ?? 0;
  const updated = d.status?.updatedNumberScheduled ?? 0;
  const available = d.status?.numberAvailable ?? 0;
  const waiting = `Waiting for daemon set "${name}" rollout to finish: `;
  if (updated < desired)
    return { done: false, message: `${waiting}${updated} out of ${desired} new pods have been updated...` };
  if (available < desired)
    return { done: false, message: `${waiting}${available} of ${desired} updated pods are available...` };
  return { done: true, message: `daemon set "${name}" successfully rolled out` };
}
