// Pure judgement of pod and workload health: which statuses mean "this release will not become
// ready", so the wait can stop on the first one instead of sitting out the progress deadline.
import type { ConditionedObject, ContainerStatus, PodObject } from '../manifests/workload-views.ts';

/** Container waiting reasons that never resolve without a new template (or a missing object appearing). */
const FATAL_WAITING_REASONS = new Set([
  'CrashLoopBackOff',
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

export interface PodProblem {
  pod: string;
  container?: string;
  reason: string;
  message?: string;
  exitCode?: number;
  restartCount?: number;
}

/** The first fatal problem of a pod, or undefined when it is healthy or still starting. */
export function findPodProblem(pod: PodObject): PodProblem | undefined {
  const name = pod.metadata.name ?? '';
  const status = pod.status ?? {};
  const scheduled = (status.conditions ?? []).find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    return { pod: name, reason: 'Unschedulable', message: scheduled.message };
  }
  const statuses = [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])];
  for (const cs of statuses) {
    const problem = containerProblem(cs);
    if (problem) return { pod: name, container: cs.name, ...problem };
  }
  if (status.phase === 'Failed') {
    return { pod: name, reason: status.reason ?? 'Failed', message: status.message };
  }
  return undefined;
}

function containerProblem(cs: ContainerStatus): Omit<PodProblem, 'pod' | 'container'> | undefined {
  const waiting = cs.state?.waiting;
  const last = cs.lastState?.terminated;
  const restartCount: number | undefined = cs.restartCount;
  // An OOM kill is followed by CrashLoopBackOff; report the kill, which is the cause.
  if (last?.reason === 'OOMKilled' && (waiting?.reason === 'CrashLoopBackOff' || (restartCount ?? 0) >= 2)) {
    return {
      reason: 'OOMKilled',
      message: waiting?.message ?? last.message,
      exitCode: last.exitCode ?? 137,
      restartCount,
    };
  }
  if (waiting?.reason && FATAL_WAITING_REASONS.has(waiting.reason)) {
    return { reason: waiting.reason, message: waiting.message, exitCode: last?.exitCode, restartCount };
  }
  return undefined;
}

export interface WorkloadProblem {
  reason: string;
  message: string;
}

/** Conditions on a Deployment (or its ReplicaSet) that end the rollout. */
export function findWorkloadProblem(workload: ConditionedObject): WorkloadProblem | undefined {
  for (const c of workload.status?.conditions ?? []) {
    if (c.type === 'Progressing' && c.status === 'False' && c.reason === 'ProgressDeadlineExceeded') {
      return {
        reason: 'ProgressDeadlineExceeded',
        message: c.message ?? `${workload.kind} exceeded its progress deadline`,
      };
    }
    if (c.type === 'ReplicaFailure' && c.status === 'True') {
      return { reason: c.reason ?? 'ReplicaFailure', message: c.message ?? 'replica creation failed' };
    }
  }
  return undefined;
}

export function isPodReady(pod: PodObject): boolean {
  if (pod.metadata.deletionTimestamp) return false;
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}
