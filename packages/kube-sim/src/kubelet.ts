// The simulated kubelet (and scheduler): binds pods to nodes, runs their containers as described
// by SIM_* env vars and images, reports kubelet-shaped status, and finishes graceful deletion.
import { noteInstant } from './timestamps.ts';
import type { KubeObject, SimClock, SimStore } from './types.ts';
import {
  view,
  viewAll,
  type Container,
  type KeyRef,
  type NodeView,
  type PodSpec,
  type PodStatus,
  type PodView,
} from './views.ts';
import type { EventRecorder } from './controllers/events.ts';
import { jsonEqual } from './controllers/util.ts';
import {
  isReady,
  newRuntime,
  stepContainer,
  type ContainerRuntime,
  type StepContext,
} from './kubelet/container.ts';
import { composePodStatus, unschedulableStatus, type PodRuntime } from './kubelet/pod-status.ts';
import { schedulePod } from './kubelet/scheduler.ts';

export interface Kubelet {
  /** One pass over every pod; safe to call at any time. */
  sync(): void;
}

/** Seconds between scheduling and the first container start attempt (sandbox + pull). */
const CREATE_SECONDS = 0.5;

/** Why a container cannot be configured: a missing, non-optional ConfigMap/Secret (or key). */
export function containerConfigError(
  store: SimStore,
  namespace: string,
  container: Container | undefined,
): string | undefined {
  const get = (kind: 'ConfigMap' | 'Secret', name: string) => store.get('v1', kind, namespace, name);
  const keyRef = (ref: KeyRef | undefined, kind: 'ConfigMap' | 'Secret') => {
    if (!ref || ref.optional) return undefined;
    const obj = get(kind, ref.name);
    if (!obj) return `${kind.toLowerCase()} "${ref.name}" not found`;
    const binaryData = obj.binaryData as Record<string, string> | undefined;
    const has = ref.key in (obj.data ?? {}) || ref.key in (binaryData ?? {});
    return has ? undefined : `couldn't find key ${ref.key} in ${kind} ${namespace}/${ref.name}`;
  };
  for (const e of container?.env ?? []) {
    const err =
      keyRef(e?.valueFrom?.configMapKeyRef, 'ConfigMap') ?? keyRef(e?.valueFrom?.secretKeyRef, 'Secret');
    if (err) return err;
  }
  for (const f of container?.envFrom ?? []) {
    if (f?.configMapRef && !f.configMapRef.optional && !get('ConfigMap', f.configMapRef.name))
      return `configmap "${f.configMapRef.name}" not found`;
    if (f?.secretRef && !f.secretRef.optional && !get('Secret', f.secretRef.name))
      return `secret "${f.secretRef.name}" not found`;
  }
  return undefined;
}

/** Mount failure for a missing configMap/secret volume (the pod stays ContainerCreating). */
export function volumeMountError(
  store: SimStore,
  namespace: string,
  spec: PodSpec | undefined,
): string | undefined {
  for (const v of spec?.volumes ?? []) {
    if (v?.configMap && !v.configMap.optional && !store.get('v1', 'ConfigMap', namespace, v.configMap.name)) {
      return `MountVolume.SetUp failed for volume "${v.name}" : configmap "${v.configMap.name}" not found`;
    }
    if (v?.secret && !v.secret.optional && !store.get('v1', 'Secret', namespace, v.secret.secretName)) {
      return `MountVolume.SetUp failed for volume "${v.name}" : secret "${v.secret.secretName}" not found`;
    }
  }
  return undefined;
}

export function createKubelet(store: SimStore, clock: SimClock, events: EventRecorder): Kubelet {
  const runtimes = new Map<string, PodRuntime>();
  const usedIps = new Set<string>();
  const nextHost = new Map<string, number>();
  const lastSchedulingMessage = new Map<string, string>();

  function allocateIp(node: NodeView): string {
    const cidr: string = node.spec?.podCIDR ?? '10.244.0.0/24';
    const prefix = cidr.split('.').slice(0, 3).join('.');
    for (let i = 0; i < 253; i++) {
      const n = nextHost.get(prefix) ?? 2;
      nextHost.set(prefix, n >= 254 ? 2 : n + 1);
      const ip = `${prefix}.${n}`;
      if (!usedIps.has(ip)) {
        usedIps.add(ip);
        return ip;
      }
    }
    return `${prefix}.254`;
  }

  function podEvent(
    pod: KubeObject,
    node: string | undefined,
    fieldPath: string | undefined,
    e: { type: 'Normal' | 'Warning'; reason: string; message: string },
  ) {
    events.record({
      involved: pod,
      ...e,
      fieldPath,
      source: node ? { component: 'kubelet', host: node } : { component: 'default-scheduler' },
    });
  }

  function writePodStatus(pod: PodView, status: PodStatus): void {
    if (jsonEqual(pod.status ?? {}, status)) return;
    store.update({ ...pod, status }, { subresource: 'status' });
  }

  function schedule(pod: PodView, nodes: NodeView[], pods: PodView[]): void {
    const now = clock.now();
    const result = schedulePod(pod, nodes, pods);
    const key = pod.metadata.uid ?? '';
    if (result.node === undefined) {
      if (lastSchedulingMessage.get(key) !== result.message) {
        lastSchedulingMessage.set(key, result.message);
        podEvent(pod, undefined, undefined, {
          type: 'Warning',
          reason: 'FailedScheduling',
          message: result.message,
        });
      }
      writePodStatus(pod, unschedulableStatus(pod, result.message, now));
      return;
    }
    lastSchedulingMessage.delete(key);
    const bound = store.update({ ...pod, spec: { ...pod.spec, nodeName: result.node } });
    podEvent(bound, undefined, undefined, {
      type: 'Normal',
      reason: 'Scheduled',
      message: `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${result.node}`,
    });
    pods.push(view<PodView>(bound));
  }

  function runtimeFor(pod: PodView, nodes: NodeView[]): PodRuntime | undefined {
    const uid = pod.metadata.uid ?? '';
    let rt = runtimes.get(uid);
    if (rt) return rt;
    const node = nodes.find((n) => n.metadata.name === pod.spec.nodeName);
    if (!node) return undefined;
    const now = clock.now();
    const startAt = now + clock.ms(CREATE_SECONDS);
    rt = {
      uid,
      nodeName: pod.spec.nodeName ?? '', // set: the node was found by it
      hostIP: (node.status?.addresses ?? []).find((a) => a.type === 'InternalIP')?.address ?? '192.168.49.2',
      podIP: pod.status?.podIP || allocateIp(node),
      startTime: now,
      init: (pod.spec.initContainers ?? []).map((c) => newRuntime(c, true, startAt)),
      containers: (pod.spec.containers ?? []).map((c) => newRuntime(c, false, startAt)),
      initIndex: 0,
      initFailed: false,
    };
    usedIps.add(rt.podIP);
    runtimes.set(uid, rt);
    noteInstant(uid, 'startTime', now);
    return rt;
  }

  function drive(pod: PodView, rt: PodRuntime): void {
    const now = clock.now();
    const ns = pod.metadata.namespace ?? 'default';
    const policy = pod.spec?.restartPolicy ?? 'Always';
    const stepCtx = (c: ContainerRuntime, kind: 'containers' | 'initContainers'): StepContext => ({
      clock,
      now,
      podName: pod.metadata.name ?? '',
      namespace: ns,
      podUid: rt.uid,
      restartPolicy: policy,
      configError: () => containerConfigError(store, ns, c.spec),
      emit: (e) => podEvent(pod, rt.nodeName, `spec.${kind}{${c.name}}`, e),
    });
    if (rt.terminatingSince === undefined && !['Succeeded', 'Failed'].includes(pod.status?.phase ?? '')) {
      const mount = volumeMountError(store, ns, pod.spec);
      if (mount && mount !== rt.mountError)
        podEvent(pod, rt.nodeName, undefined, { type: 'Warning', reason: 'FailedMount', message: mount });
      rt.mountError = mount;
      if (!mount) {
        while (rt.initIndex < rt.init.length && !rt.initFailed) {
          const c = rt.init[rt.initIndex];
          stepContainer(c, stepCtx(c, 'initContainers'));
          if (isReady(c, now)) {
            rt.initIndex++;
            const done = Date.parse(c.terminated?.finishedAt ?? '') || now;
            const next = rt.initIndex < rt.init.length ? [rt.init[rt.initIndex]] : rt.containers;
            for (const n of next) n.nextAt = Math.max(n.nextAt, done);
          } else {
            if (c.state === 'terminated') rt.initFailed = true;
            break;
          }
        }
        if (rt.initIndex >= rt.init.length)
          for (const c of rt.containers) stepContainer(c, stepCtx(c, 'containers'));
      }
    }
    writePodStatus(pod, composePodStatus(pod, rt, now));
  }

  function terminate(pod: PodView, rt: PodRuntime | undefined): void {
    const now = clock.now();
    const remove = () => {
      store.delete('v1', 'Pod', pod.metadata.namespace, pod.metadata.name ?? '');
      if (rt) usedIps.delete(rt.podIP);
      runtimes.delete(pod.metadata.uid ?? '');
    };
    if (!rt || ['Succeeded', 'Failed'].includes(pod.status?.phase ?? '')) return remove();
    if (rt.terminatingSince === undefined) {
      rt.terminatingSince = now;
      for (const c of rt.containers) {
        if (c.state === 'running')
          podEvent(pod, rt.nodeName, `spec.containers{${c.name}}`, {
            type: 'Normal',
            reason: 'Killing',
            message: `Stopping container ${c.name}`,
          });
      }
    }
    const grace = Number(
      pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30,
    );
    const shutdown = Math.max(0, ...rt.containers.map((c) => c.b.shutdownSeconds));
    if (now >= rt.terminatingSince + clock.ms(Math.min(grace, shutdown))) return remove();
    writePodStatus(pod, composePodStatus(pod, rt, now));
  }

  return {
    sync() {
      const nodes = viewAll<NodeView>(store.list('v1', 'Node'));
      const pods = viewAll<PodView>(store.list('v1', 'Pod'));
      const seen = new Set<string>();
      for (const pod of pods) {
        const uid = pod.metadata.uid ?? '';
        seen.add(uid);
        try {
          if (pod.metadata.deletionTimestamp) {
            terminate(pod, runtimes.get(uid));
            continue;
          }
          if (!pod.spec?.nodeName) {
            schedule(pod, nodes, pods);
            continue;
          }
          const rt = runtimeFor(pod, nodes);
          if (rt) drive(pod, rt);
        } catch (err) {
          if (process.env.SIM_DEBUG) console.error('kubelet:', pod.metadata.name, err);
        }
      }
      for (const [uid, rt] of runtimes) {
        if (seen.has(uid)) continue;
        usedIps.delete(rt.podIP);
        runtimes.delete(uid);
        lastSchedulingMessage.delete(uid);
      }
    },
  };
}
