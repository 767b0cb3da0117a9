// Pod status as a kubelet reports it: phase (upstream getPhase), conditions, container statuses.
import type { Condition, PodStatus, PodView } from '../views.ts';
import { podQosClass } from '../defaults.ts';
import { noteTime, rfc3339 } from '../timestamps.ts';
import { containerStatus, isReady, type ContainerRuntime } from './container.ts';

export interface PodRuntime {
  uid: string;
  nodeName: string;
  hostIP: string;
  podIP: string;
  startTime: number;
  init: ContainerRuntime[];
  containers: ContainerRuntime[];
  /** Index of the init container that runs now (= init.length once all are done). */
  initIndex: number;
  /** Set when an init container failed for good (restartPolicy Never). */
  initFailed: boolean;
  terminatingSince?: number;
  mountError?: string;
}

/** Upstream kubelet getPhase. */
export function podPhase(rt: PodRuntime, restartPolicy: string): string {
  if (rt.initFailed) return 'Failed';
  if (rt.initIndex < rt.init.length) return 'Pending';
  let waiting = 0;
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of rt.containers) {
    if (c.state === 'running') running++;
    else if (c.state === 'terminated') {
      stopped++;
      if (c.terminated?.exitCode === 0) succeeded++;
    } else if (c.lastTerminated) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (restartPolicy === 'Always') return 'Running';
    if (restartPolicy === 'OnFailure') return stopped === succeeded ? 'Succeeded' : 'Running';
    return stopped === succeeded ? 'Succeeded' : 'Failed';
  }
  return 'Pending';
}

function condition(
  pod: PodView,
  type: string,
  status: string,
  now: number,
  reason?: string,
  message?: string,
): Condition {
  const old = (pod.status?.conditions ?? []).find((c) => c.type === type);
  const kept = old && old.status === status && old.lastTransitionTime;
  if (!kept) noteTime(pod.metadata.uid, type, 'lastTransitionTime', now);
  const c: Condition = {
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime: kept ? old.lastTransitionTime : rfc3339(now),
  };
  if (reason) c.reason = reason;
  if (message) c.message = message;
  return c;
}

export function composePodStatus(pod: PodView, rt: PodRuntime, now: number): PodStatus {
  const restartPolicy = pod.spec?.restartPolicy ?? 'Always';
  const phase = podPhase(rt, restartPolicy);
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const initDone = rt.initIndex >= rt.init.length;
  const pendingInit = rt.init.slice(rt.initIndex).map((c) => c.name);
  // A terminating pod keeps its readiness until its containers stop (the kubelet keeps probing):
  // the EndpointSlice shows it serving and terminating meanwhile.
  const unready = rt.containers.filter((c) => !isReady(c, now)).map((c) => c.name);

  const conditions = [
    condition(pod, 'PodReadyToStartContainers', 'True', now),
    initDone
      ? condition(pod, 'Initialized', 'True', now, terminal ? 'PodCompleted' : undefined)
      : condition(
          pod,
          'Initialized',
          'False',
          now,
          'ContainersNotInitialized',
          `containers with incomplete status: [${pendingInit.join(' ')}]`,
        ),
  ];
  for (const type of ['Ready', 'ContainersReady']) {
    if (terminal) conditions.push(condition(pod, type, 'False', now, 'PodCompleted'));
    else if (unready.length) {
      conditions.push(
        condition(
          pod,
          type,
          'False',
          now,
          'ContainersNotReady',
          `containers with unready status: [${unready.join(' ')}]`,
        ),
      );
    } else conditions.push(condition(pod, type, 'True', now));
  }
  conditions.push(condition(pod, 'PodScheduled', 'True', now));

  const status: PodStatus = {
    conditions,
    hostIP: rt.hostIP,
    hostIPs: [{ ip: rt.hostIP }],
    phase,
    podIP: rt.podIP,
    podIPs: [{ ip: rt.podIP }],
    qosClass: pod.status?.qosClass ?? podQosClass(pod.spec),
    startTime: rfc3339(rt.startTime),
  };
  if (rt.init.length) status.initContainerStatuses = rt.init.map((c) => containerStatus(c, now));
  status.containerStatuses = rt.containers.map((c) => {
    const s = containerStatus(c, now);
    if (!initDone && c.state === 'waiting') s.state = { waiting: { reason: 'PodInitializing' } };
    if (initDone && rt.mountError && c.state === 'waiting')
      s.state = { waiting: { reason: 'ContainerCreating' } };
    return s;
  });
  return status;
}

/** Status of a pod the scheduler could not place. */
export function unschedulableStatus(pod: PodView, message: string, now: number): PodStatus {
  return {
    conditions: [condition(pod, 'PodScheduled', 'False', now, 'Unschedulable', message)],
    phase: 'Pending',
    qosClass: pod.status?.qosClass ?? podQosClass(pod.spec),
  };
}
