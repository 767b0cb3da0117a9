// The Progressing / ReplicaFailure half of the Deployment status (upstream syncRolloutStatus).
import type { SimClock } from '../types.ts';
import type { DeploymentStatus, DeploymentView, ReplicaSetView } from '../views.ts';
import {
  deploymentComplete,
  deploymentCondition,
  deploymentProgressing,
  hasProgressDeadline,
  newCondition,
  setDeploymentCondition,
} from './deployment-util.ts';
import { isoNow } from './util.ts';
import { conditionInstant, markAssigned } from '../timestamps.ts';

/** Whether the Progressing condition's lastUpdateTime is older than progressDeadlineSeconds. */
export function deploymentTimedOut(d: DeploymentView, status: DeploymentStatus, clock: SimClock): boolean {
  if (!hasProgressDeadline(d)) return false;
  const cond = deploymentCondition(status, 'Progressing');
  if (!cond) return false;
  if (cond.reason === 'NewReplicaSetAvailable') return false;
  if (cond.reason === 'ProgressDeadlineExceeded') return true;
  const from = conditionInstant({ ...d, status }, 'Progressing', 'lastUpdateTime');
  if (from === undefined) return false;
  return from + clock.ms(Number(d.spec.progressDeadlineSeconds)) < clock.now();
}

/** Given the counts in `status`, update its Progressing and ReplicaFailure conditions. */
export function rollingStatus(
  d: DeploymentView,
  status: DeploymentStatus,
  newRS: ReplicaSetView | undefined,
  all: ReplicaSetView[],
  clock: SimClock,
): DeploymentStatus {
  const now = isoNow(clock);
  if (!hasProgressDeadline(d))
    status.conditions = (status.conditions ?? []).filter((c) => c.type !== 'Progressing');
  const cur = deploymentCondition(status, 'Progressing');
  const complete =
    Number(status.replicas ?? 0) === Number(status.updatedReplicas ?? 0) &&
    cur?.reason === 'NewReplicaSetAvailable';
  if (hasProgressDeadline(d) && !complete) {
    const what = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
    if (deploymentComplete(d, status)) {
      setDeploymentCondition(
        status,
        newCondition(
          'Progressing',
          'True',
          'NewReplicaSetAvailable',
          `${what} has successfully progressed.`,
          now,
        ),
      );
    } else if (deploymentProgressing(d, status)) {
      // Progress moves lastUpdateTime even when the reason stays the same.
      const cond = newCondition('Progressing', 'True', 'ReplicaSetUpdated', `${what} is progressing.`, now);
      if (cur?.status === 'True') cond.lastTransitionTime = cur.lastTransitionTime;
      status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== 'Progressing'), cond];
      markAssigned(
        status,
        'Progressing',
        cur?.status === 'True' ? ['lastUpdateTime'] : ['lastUpdateTime', 'lastTransitionTime'],
      );
    } else if (deploymentTimedOut(d, status, clock)) {
      setDeploymentCondition(
        status,
        newCondition(
          'Progressing',
          'False',
          'ProgressDeadlineExceeded',
          `${what} has timed out progressing.`,
          now,
        ),
      );
    }
  }
  // Surface the first ReplicaSet failure (e.g. FailedCreate), new RS first.
  const ordered = newRS ? [newRS, ...all.filter((rs) => rs !== newRS)] : all;
  const failure = ordered
    .map((rs) =>
      (rs.status?.conditions ?? []).find((c) => c.type === 'ReplicaFailure' && c.status === 'True'),
    )
    .find(Boolean);
  if (failure) {
    setDeploymentCondition(status, {
      type: 'ReplicaFailure',
      status: 'True',
      lastUpdateTime: failure.lastTransitionTime ?? now,
      lastTransitionTime: failure.lastTransitionTime ?? now,
      reason: failure.reason,
      message: failure.message,
    });
  } else {
    status.conditions = (status.conditions ?? []).filter((c) => c.type !== 'ReplicaFailure');
  }
  if (!status.conditions?.length) delete status.conditions;
  return status;
}
