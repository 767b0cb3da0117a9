// What every controller gets, plus the pod helpers they share (creation from a template, graceful
// deletion).
import type { KubeObject, SimClock, SimStore } from '../types.ts';
import type { EventRecorder } from './events.ts';
import { view, type PodTemplate, type PodView } from '../views.ts';
import { clone, controllerRef, isoNow, randomSuffix } from './util.ts';
import { rfc3339 } from '../timestamps.ts';

export interface ControllerContext {
  store: SimStore;
  clock: SimClock;
  events: EventRecorder;
  /** Called with errors from one object's sync; the next pass retries. */
  onError(obj: KubeObject, err: unknown): void;
}

/** Run one object's sync so that its failure does not stop the others. */
export function guarded(ctx: ControllerContext, obj: KubeObject, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    ctx.onError(obj, err);
  }
}

/** Annotation on a pod template that makes pod creation fail as if a ResourceQuota were exceeded. */
export const FAIL_CREATE_ANNOTATION = 'sim.kube-rollout.io/fail-create';

export function newPodFromTemplate(
  template: PodTemplate | undefined,
  owner: KubeObject,
  opts: { name?: string; generateName?: string; labels?: Record<string, string>; nodeName?: string },
): PodView {
  const meta = clone(template?.metadata ?? {});
  const spec = clone(template?.spec ?? {});
  if (opts.nodeName) spec.nodeName = opts.nodeName;
  const generateName = opts.generateName ?? `${owner.metadata.name}-`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: opts.name ?? `${generateName}${randomSuffix()}`,
      ...(opts.name ? {} : { generateName }),
      namespace: owner.metadata.namespace,
      labels: { ...(meta.labels ?? {}), ...(opts.labels ?? {}) },
      ...(meta.annotations ? { annotations: meta.annotations } : {}),
      ownerReferences: [controllerRef(owner)],
    },
    spec,
  };
}

/**
 * Controller-initiated pod deletion: the pod gets a deletionTimestamp and stays Terminating until
 * the kubelet removes it. Falls back to an immediate delete when the store refuses the mark.
 */
export function deletePodGracefully(ctx: ControllerContext, pod: KubeObject): void {
  if (pod.metadata.deletionTimestamp) return;
  const grace = Number(view<PodView>(pod).spec?.terminationGracePeriodSeconds ?? 30);
  const marked = {
    ...pod,
    metadata: {
      ...pod.metadata,
      deletionTimestamp: rfc3339(ctx.clock.now() + ctx.clock.ms(grace)),
      deletionGracePeriodSeconds: grace,
    },
  };
  let stored: KubeObject | undefined;
  try {
    stored = ctx.store.update(marked);
  } catch {
    stored = undefined;
  }
  if (!stored?.metadata.deletionTimestamp) {
    ctx.store.delete('v1', 'Pod', pod.metadata.namespace, pod.metadata.name ?? '');
  }
}

export { isoNow };
