// Helpers for the in-process controller and kubelet tests.
import { createStore } from '../src/store.ts';
import type { KubeObject, SimClock, SimStore } from '../src/types.ts';
import {
  view,
  type Condition,
  type ConditionedView,
  type Container,
  type DeploymentView,
} from '../src/views.ts';
import { startControllers, type RunningControllers } from '../src/controllers/index.ts';

export function simClock(scale = 0.1): SimClock {
  return { scale, ms: (s) => s * 1000 * scale, now: () => Date.now() };
}

export interface TestCluster {
  store: SimStore;
  clock: SimClock;
  controllers: RunningControllers;
  stop(): void;
}

export function testCluster(
  opts: { scale?: number; nodes?: { name: string; cpu: string; memory: string }[] } = {},
): TestCluster {
  const store = createStore();
  const clock = simClock(opts.scale ?? 0.05);
  const controllers = startControllers(store, clock, { nodes: opts.nodes });
  return { store, clock, controllers, stop: () => controllers.stop() };
}

/** The Status (or object) an API answer carries, as the request tests read it. */
export interface ApiBody {
  reason: string;
  message: string;
  details: { causes: { field: string; message: string; reason: string }[] } & Record<string, unknown>;
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * The value at a dotted path of a JSON value (`spec.ingress.0.ports`), undefined where the path
 * ends early: how tests assert on fields of kinds the simulator has no view for.
 */
export function fieldAt(value: unknown, path: string): unknown {
  let cur = value;
  for (const key of path.split('.'))
    cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[key] : undefined;
  return cur;
}

/** Poll `fn` until it returns a truthy value; the error names what we waited for. */
export async function waitFor<T>(
  what: string,
  fn: () => T | undefined | false | null,
  timeoutMs = 20000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

export function container(
  name: string,
  image: string,
  env: Record<string, string> = {},
  extra: Record<string, unknown> = {},
): Container {
  return { name, image, env: Object.entries(env).map(([k, v]) => ({ name: k, value: v })), ...extra };
}

export function deployment(
  name: string,
  opts: {
    replicas?: number;
    image?: string;
    env?: Record<string, string>;
    spec?: Record<string, unknown>;
    annotations?: Record<string, string>;
    containerExtra?: Record<string, unknown>;
  } = {},
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', ...(opts.annotations ? { annotations: opts.annotations } : {}) },
    spec: {
      replicas: opts.replicas ?? 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            container('app', opts.image ?? 'nginx:1.25', opts.env ?? {}, opts.containerExtra ?? {}),
          ],
        },
      },
      ...(opts.spec ?? {}),
    },
  };
}

/** A bare ReplicaSet (no owner) whose labels, selector and pod labels are `labels`. */
export function replicaSet(
  name: string,
  replicas: number,
  labels: Record<string, string> = { app: name },
  image = 'nginx:1.25',
  containerName = 'app',
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default', labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [container(containerName, image)] } },
    },
  };
}

/** Replace the first container's image (and env) of a Deployment-like object. */
export function setImage(
  store: SimStore,
  kind: string,
  name: string,
  image: string,
  env?: Record<string, string>,
): KubeObject {
  const obj = view<DeploymentView>(store.get('apps/v1', kind, 'default', name)!);
  const c = obj.spec.template.spec!.containers![0];
  c.image = image;
  if (env) c.env = Object.entries(env).map(([k, v]) => ({ name: k, value: v }));
  return store.update(obj);
}

export function podsOf(store: SimStore, labels: Record<string, string>): KubeObject[] {
  return store
    .list('v1', 'Pod', 'default')
    .filter((p) => Object.entries(labels).every(([k, v]) => p.metadata.labels?.[k] === v));
}

export function condition(obj: KubeObject | undefined, type: string): Condition | undefined {
  return ((obj && view<ConditionedView>(obj))?.status?.conditions ?? []).find((c) => c.type === type);
}
