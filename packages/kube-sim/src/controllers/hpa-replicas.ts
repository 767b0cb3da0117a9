// The HPA's replica calculation for a CPU utilization target, as upstream's
// pkg/controller/podautoscaler/replica_calculator.go GetResourceReplicas and groupPods do it:
// unready pods and pods without metrics are left out of the first estimate, then counted
// conservatively (missing pods at 100% on a scale-down and 0% on a scale-up, unready pods at 0% on a
// scale-up), and a correction that would reverse the direction keeps the current count.
//
// Simplified: every pod requests the same CPU (utilization is a per-pod percentage), and metrics
// exist for every running pod (the metrics pipeline's first scrape is not modelled) unless its
// first container sets SIM_NO_METRICS=true.
import type { SimClock } from '../types.ts';
import { conditionInstant, instantOf } from '../timestamps.ts';
import { envOf } from './util.ts';
import type { PodView } from '../views.ts';

const TOLERANCE = 0.1;
/** Upstream defaults (--horizontal-pod-autoscaler-cpu-initialization-period, -initial-readiness-delay). */
const CPU_INITIALIZATION_S = 300;
const INITIAL_READINESS_DELAY_S = 30;
/** The window a CPU rate is measured over (metrics-server's resolution). */
const METRIC_WINDOW_S = 30;

export type PodGroup = 'ready' | 'unready' | 'missing' | 'ignored';

export interface PodSample {
  name: string;
  group: PodGroup;
  /** CPU use, percent of request (only for `ready`). */
  usage?: number;
}

function serving(pod: PodView): boolean {
  return (
    !pod.metadata.deletionTimestamp &&
    pod.status?.phase === 'Running' &&
    conditionInstant(pod, 'Ready', 'lastTransitionTime') !== undefined &&
    (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
  );
}

/** Upstream groupPods for the CPU resource. */
function groupOf(pod: PodView, clock: SimClock): PodGroup {
  if (pod.metadata.deletionTimestamp || pod.status?.phase === 'Failed') return 'ignored';
  if (pod.status?.phase === 'Pending' || !pod.status?.phase) return 'unready';
  if (envOf(pod.spec?.containers?.[0]).SIM_NO_METRICS === 'true') return 'missing';
  const ready = (pod.status?.conditions ?? []).find((c) => c.type === 'Ready');
  const started = instantOf(pod.metadata.uid, 'startTime', pod.status?.startTime);
  const readySince = conditionInstant(pod, 'Ready', 'lastTransitionTime');
  if (!ready || started === undefined || readySince === undefined) return 'unready';
  const now = clock.now();
  if (started + clock.ms(CPU_INITIALIZATION_S) > now) {
    // Still initialising: unready unless Ready for a whole metric window.
    return ready.status === 'False' || now < readySince + clock.ms(METRIC_WINDOW_S) ? 'unready' : 'ready';
  }
  // Later: unready only if it never became ready within the initial readiness delay.
  return ready.status === 'False' && started + clock.ms(INITIAL_READINESS_DELAY_S) > readySince
    ? 'unready'
    : 'ready';
}

/**
 * The pods behind a target and their CPU use: `load` (percent of one pod's request, summed) is
 * shared by the pods that serve (Ready, running, not terminating); the others use nothing.
 */
export function samplePods(pods: PodView[], load: number, clock: SimClock): PodSample[] {
  const servingCount = pods.filter(serving).length;
  return pods.map((pod) => {
    const group = groupOf(pod, clock);
    const usage = serving(pod) && servingCount ? load / servingCount : 0;
    return { name: pod.metadata.name ?? '', group, ...(group === 'ready' ? { usage } : {}) };
  });
}

export interface Proposal {
  replicas: number;
  /** Average utilization of the ready pods with metrics (what status.currentMetrics reports). */
  utilization: number;
}

const average = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Upstream GetResourceReplicas; undefined when no ready pod has a metric. */
export function resourceReplicas(
  current: number,
  target: number,
  samples: PodSample[],
): Proposal | undefined {
  const metrics = new Map(samples.filter((s) => s.group === 'ready').map((s) => [s.name, s.usage ?? 0]));
  if (!metrics.size) return undefined;
  const unready = samples.filter((s) => s.group === 'unready');
  const missing = samples.filter((s) => s.group === 'missing');
  const utilization = Math.round(average([...metrics.values()]));
  const ratio = average([...metrics.values()]) / target;
  const rebalanceUnready = unready.length > 0 && ratio > 1;
  if (!rebalanceUnready && missing.length === 0) {
    if (Math.abs(1 - ratio) <= TOLERANCE) return { replicas: current, utilization };
    return { replicas: Math.ceil(ratio * metrics.size), utilization };
  }
  // On a scale-down a pod without metrics counts at its whole request (or the target, if higher);
  // on a scale-up at nothing.
  if (ratio < 1) for (const s of missing) metrics.set(s.name, Math.max(100, target));
  else if (ratio > 1) for (const s of missing) metrics.set(s.name, 0);
  if (rebalanceUnready) for (const s of unready) metrics.set(s.name, 0);
  const newRatio = average([...metrics.values()]) / target;
  const flipped = (ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1);
  if (Math.abs(1 - newRatio) <= TOLERANCE || flipped) return { replicas: current, utilization };
  const replicas = Math.ceil(newRatio * metrics.size);
  if ((newRatio < 1 && replicas > current) || (newRatio > 1 && replicas < current))
    return { replicas: current, utilization };
  return { replicas, utilization };
}
