// Starts the simulated control plane: registers nodes, then runs the kubelet and every controller
// in one ordered pass, on store events (coalesced) and on a periodic tick for timed transitions.
import type { KubeObject, SimClock, SimStore } from '../types.ts';
import { createKubelet } from '../kubelet.ts';
import { DEFAULT_NODES, registerNodes, type NodeSpec } from '../kubelet/nodes.ts';
import { cachingStore } from './cache.ts';
import type { ControllerContext } from './context.ts';
import { view, type ScaleTargetView } from '../views.ts';
import { syncDaemonSets } from './daemonset.ts';
import { syncDeployments } from './deployment.ts';
import { syncEndpoints } from './endpoints.ts';
import { createEventRecorder } from './events.ts';
import { syncJobs } from './job.ts';
import { createHpaMemory, syncHorizontalPodAutoscalers } from './hpa.ts';
import { syncDisruptionBudgets } from './disruption.ts';
import { syncReplicaSets } from './replicaset.ts';
import { syncStatefulSets } from './statefulset.ts';

export interface ControllerOptions {
  nodes?: NodeSpec[];
  /** Real milliseconds between resync ticks (default 50). */
  tickMs?: number;
}

export interface RunningControllers {
  stop(): void;
  /** Run one full pass now (tests use it to avoid waiting for the tick). */
  sync(): void;
  /**
   * CPU utilization (percent of requests) of a workload, for its HorizontalPodAutoscaler. The load
   * behind it stays: scaling the workload out lowers the utilization proportionally.
   */
  setUtilization(namespace: string, name: string, percent: number): void;
}

const SCALABLE = [
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'StatefulSet'],
  ['apps/v1', 'ReplicaSet'],
];

/** Kinds whose changes can require work; Events, Endpoints and others are ignored. */
const WATCHED = new Set([
  'Pod',
  'ReplicaSet',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'Service',
  'ConfigMap',
  'Secret',
  'Node',
  'ControllerRevision',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
]);

export function startControllers(
  store: SimStore,
  clock: SimClock,
  opts: ControllerOptions = {},
): RunningControllers {
  const events = createEventRecorder(store, clock);
  const reported = new Set<string>();
  const cached = cachingStore(store);
  const ctx: ControllerContext = {
    store: cached,
    clock,
    events,
    onError(obj: KubeObject, err: unknown) {
      // Conflicts and races resolve on the next pass; log anything else once per object+message.
      const msg = err instanceof Error ? err.message : String(err);
      const key = `${obj.kind}/${obj.metadata.namespace}/${obj.metadata.name}: ${msg}`;
      if ((err as { code?: unknown } | null | undefined)?.code === 409 || reported.has(key)) return;
      reported.add(key);
      if (process.env.SIM_DEBUG) console.error('sim controller error:', key);
    },
  };
  registerNodes(store, clock, opts.nodes ?? DEFAULT_NODES);
  const kubelet = createKubelet(cached, clock, events);
  const hpaMemory = createHpaMemory();

  let stopped = false;
  let running = false;
  let pending: NodeJS.Immediate | undefined;

  const pass = () => {
    if (stopped || running) return;
    running = true;
    try {
      kubelet.sync();
      syncReplicaSets(ctx);
      syncDeployments(ctx);
      syncStatefulSets(ctx);
      syncDaemonSets(ctx);
      syncJobs(ctx);
      syncEndpoints(ctx);
      syncHorizontalPodAutoscalers(ctx, hpaMemory);
      syncDisruptionBudgets(ctx);
    } finally {
      running = false;
    }
  };
  const schedule = () => {
    if (stopped || pending) return;
    pending = setImmediate(() => {
      pending = undefined;
      pass();
    });
  };
  const unsubscribe = store.subscribe((ev) => {
    if (WATCHED.has(ev.object.kind)) schedule();
  });
  const timer = setInterval(pass, opts.tickMs ?? 50);
  timer.unref?.();
  schedule();

  return {
    stop() {
      stopped = true;
      unsubscribe();
      cached.close();
      clearInterval(timer);
      if (pending) clearImmediate(pending);
    },
    sync: pass,
    setUtilization(namespace, name, percent) {
      const target = SCALABLE.map(([v, k]) => store.get(v, k, namespace, name)).find(Boolean);
      hpaMemory.signals.set(
        namespace,
        name,
        percent,
        (target && view<ScaleTargetView>(target))?.spec?.replicas ?? 1,
      );
      schedule();
    },
  };
}
