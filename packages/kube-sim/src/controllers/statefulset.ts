// StatefulSet controller: ordinal pods, OrderedReady / Parallel, RollingUpdate with partition
// (highest ordinal first, one at a time), OnDelete, ControllerRevisions.
import type { KubeObject } from '../types.ts';
import { view, viewAll, type PodView, type StatefulSetStatus, type StatefulSetView } from '../views.ts';
import { deletePodGracefully, guarded, newPodFromTemplate, type ControllerContext } from './context.ts';
import { REVISION_HASH_LABEL, syncRevisions, templateOf, truncateHistory } from './revisions.ts';
import { claim } from './claim.ts';
import { isPodAvailable, isPodReady, isTerminating, owned, selectorMatches, writeStatus } from './util.ts';

const SOURCE = { component: 'statefulset-controller' };
const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

function ordinalOf(set: KubeObject, pod: KubeObject): number {
  const prefix = `${set.metadata.name}-`;
  const name = pod.metadata.name ?? '';
  if (!name.startsWith(prefix)) return -1;
  const n = Number(name.slice(prefix.length));
  return Number.isInteger(n) && n >= 0 ? n : -1;
}

function runningAndReady(pod: PodView): boolean {
  return pod.status?.phase === 'Running' && isPodReady(pod);
}

export function syncStatefulSet(ctx: ControllerContext, set: StatefulSetView): void {
  const { store, clock } = ctx;
  if (set.metadata.deletionTimestamp) return;
  const { all: revisions, update } = syncRevisions(ctx, set);
  const current = revisions.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;
  const replicas = Number(set.spec?.replicas ?? 1);
  const strategy = set.spec?.updateStrategy?.type ?? 'RollingUpdate';
  const partition =
    strategy === 'RollingUpdate' ? Number(set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0) : 0;
  const monotonic = (set.spec?.podManagementPolicy ?? 'OrderedReady') !== 'Parallel';
  const minReady = Number(set.spec?.minReadySeconds ?? 0);

  // Upstream getPodsForStatefulSet: pods of the namespace claimed by selector and by name
  // (isMemberOf: `<set>-<ordinal>`).
  const pods = viewAll<PodView>(
    claim(ctx, set, store.list('v1', 'Pod', set.metadata.namespace), {
      matches: (p) => ordinalOf(set, p) >= 0 && selectorMatches(set.spec?.selector, p.metadata.labels),
    }),
  );
  const byOrdinal = new Map<number, PodView>();
  for (const p of pods) byOrdinal.set(ordinalOf(set, p), p);

  const createPod = (ordinal: number) => {
    const revision = strategy === 'RollingUpdate' && ordinal < partition ? current : update;
    const name = `${set.metadata.name}-${ordinal}`;
    const pod = newPodFromTemplate(templateOf(revision), set, {
      name,
      labels: {
        [REVISION_HASH_LABEL]: revision.metadata.name ?? '',
        [POD_NAME_LABEL]: name,
        [POD_INDEX_LABEL]: String(ordinal),
      },
    });
    pod.spec.hostname = name;
    if (set.spec?.serviceName) pod.spec.subdomain = set.spec.serviceName;
    store.create(pod);
    ctx.events.record({
      involved: set,
      type: 'Normal',
      reason: 'SuccessfulCreate',
      message: `create Pod ${name} in StatefulSet ${set.metadata.name} successful`,
      source: SOURCE,
    });
  };
  const deletePod = (pod: KubeObject) => {
    deletePodGracefully(ctx, pod);
    ctx.events.record({
      involved: set,
      type: 'Normal',
      reason: 'SuccessfulDelete',
      message: `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`,
      source: SOURCE,
    });
  };

  sync: {
    for (let i = 0; i < replicas; i++) {
      const pod = byOrdinal.get(i);
      if (pod && pod.status?.phase === 'Failed' && !isTerminating(pod)) {
        store.delete('v1', 'Pod', pod.metadata.namespace, pod.metadata.name ?? '');
        byOrdinal.delete(i);
      }
      const p = byOrdinal.get(i);
      if (!p) {
        createPod(i);
        if (monotonic) break sync;
        continue;
      }
      if (monotonic && (isTerminating(p) || !runningAndReady(p) || !isPodAvailable(p, minReady, clock)))
        break sync;
    }
    // Condemned ordinals go highest first, one at a time.
    const condemned = [...byOrdinal.entries()].filter(([i]) => i >= replicas).sort((a, b) => b[0] - a[0]);
    for (const [, pod] of condemned) {
      if (isTerminating(pod)) {
        if (monotonic) break sync;
        continue;
      }
      deletePod(pod);
      if (monotonic) break sync;
    }
    if (strategy !== 'RollingUpdate') break sync;
    for (let target = replicas - 1; target >= partition; target--) {
      const pod = byOrdinal.get(target);
      if (!pod) break sync;
      if (pod.metadata.labels?.[REVISION_HASH_LABEL] !== update.metadata.name && !isTerminating(pod)) {
        deletePod(pod);
        break sync;
      }
      if (isTerminating(pod) || !runningAndReady(pod)) break sync;
    }
  }

  const fresh = viewAll<PodView>(owned(store, 'v1', 'Pod', set));
  const live = fresh.filter((p) => !isTerminating(p));
  const status: StatefulSetStatus = {
    observedGeneration: set.metadata.generation ?? 1,
    replicas: fresh.length,
    readyReplicas: fresh.filter(runningAndReady).length,
    currentReplicas: live.filter((p) => p.metadata.labels?.[REVISION_HASH_LABEL] === current.metadata.name)
      .length,
    updatedReplicas: live.filter((p) => p.metadata.labels?.[REVISION_HASH_LABEL] === update.metadata.name)
      .length,
    currentRevision: current.metadata.name,
    updateRevision: update.metadata.name,
    collisionCount: set.status?.collisionCount ?? 0,
    availableReplicas: fresh.filter((p) => runningAndReady(p) && isPodAvailable(p, minReady, clock)).length,
  };
  if (
    strategy === 'RollingUpdate' &&
    status.updatedReplicas === status.replicas &&
    status.readyReplicas === status.replicas
  ) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = status.updateRevision;
  }
  for (const k of ['readyReplicas', 'currentReplicas', 'updatedReplicas'] as const)
    if (!status[k]) delete status[k];
  writeStatus(store, set, status);
  const liveRevisions = new Set<string | undefined>([status.currentRevision, status.updateRevision]);
  for (const p of fresh) liveRevisions.add(p.metadata.labels?.[REVISION_HASH_LABEL] ?? '');
  truncateHistory(ctx, set, revisions, liveRevisions);
}

export function syncStatefulSets(ctx: ControllerContext): void {
  for (const set of ctx.store.list('apps/v1', 'StatefulSet'))
    guarded(ctx, set, () => syncStatefulSet(ctx, view<StatefulSetView>(set)));
}
