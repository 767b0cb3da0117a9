// DaemonSet controller: one pod per eligible node, RollingUpdate (maxUnavailable rounded up, or
// maxSurge), OnDelete, ControllerRevisions and the controller-revision-hash pod label.
import type { KubeObject } from '../types.ts';
import { view, viewAll, type DaemonSetStatus, type DaemonSetView, type PodView } from '../views.ts';
import { deletePodGracefully, guarded, newPodFromTemplate, type ControllerContext } from './context.ts';
import { hashOf, REVISION_HASH_LABEL, syncRevisions, truncateHistory } from './revisions.ts';
import {
  byCreation,
  isPodAvailable,
  isPodReady,
  isTerminating,
  owned,
  scaledValue,
  writeStatus,
} from './util.ts';

const SOURCE = { component: 'daemonset-controller' };

function eligibleNodes(ctx: ControllerContext, ds: DaemonSetView): KubeObject[] {
  const selector: Record<string, string> = ds.spec?.template?.spec?.nodeSelector ?? {};
  return ctx.store
    .list('v1', 'Node')
    .filter((n) => Object.entries(selector).every(([k, v]) => n.metadata.labels?.[k] === v))
    .sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}

export function syncDaemonSet(ctx: ControllerContext, ds: DaemonSetView): void {
  const { store, clock } = ctx;
  if (ds.metadata.deletionTimestamp) return;
  const { all: revisions, update } = syncRevisions(ctx, ds);
  const hash = hashOf(update);
  const minReady = Number(ds.spec?.minReadySeconds ?? 0);
  const nodes = eligibleNodes(ctx, ds);
  const nodeNames = new Set(nodes.map((n) => n.metadata.name ?? ''));
  const pods = viewAll<PodView>(owned(store, 'v1', 'Pod', ds));
  const isNew = (p: KubeObject) => p.metadata.labels?.[REVISION_HASH_LABEL] === hash;
  const available = (p: KubeObject) => isPodAvailable(p, minReady, clock);

  const deletePod = (pod: KubeObject) => {
    deletePodGracefully(ctx, pod);
    ctx.events.record({
      involved: ds,
      type: 'Normal',
      reason: 'SuccessfulDelete',
      message: `Deleted pod: ${pod.metadata.name}`,
      source: SOURCE,
    });
  };
  const createOn = (node: string) => {
    const pod = newPodFromTemplate(ds.spec.template, ds, {
      nodeName: node,
      labels: { [REVISION_HASH_LABEL]: hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) },
    });
    const created = store.create(pod);
    ctx.events.record({
      involved: ds,
      type: 'Normal',
      reason: 'SuccessfulCreate',
      message: `Created pod: ${created.metadata.name}`,
      source: SOURCE,
    });
  };

  // Running pods per node; failed pods and pods on ineligible nodes are removed.
  const perNode = new Map<string, PodView[]>();
  for (const pod of pods) {
    if (isTerminating(pod)) continue;
    const node = pod.spec?.nodeName ?? '';
    if (pod.status?.phase === 'Failed' || !nodeNames.has(node)) {
      deletePod(pod);
      continue;
    }
    perNode.set(node, [...(perNode.get(node) ?? []), pod].sort(byCreation));
  }
  for (const node of nodeNames) if (!perNode.get(node)?.length) createOn(node);

  const strategy = ds.spec?.updateStrategy?.type ?? 'RollingUpdate';
  if (strategy === 'RollingUpdate') {
    const desired = nodes.length;
    const ru = ds.spec?.updateStrategy?.rollingUpdate ?? {};
    const surge = scaledValue(ru.maxSurge ?? 0, desired, true);
    const maxUnavailable = surge > 0 ? 0 : Math.max(1, scaledValue(ru.maxUnavailable ?? 1, desired, true));
    if (surge > 0) {
      let surging = 0;
      for (const list of perNode.values()) if (list.some(isNew) && list.some((p) => !isNew(p))) surging++;
      for (const [node, list] of perNode) {
        const fresh = list.find(isNew);
        const old = list.filter((p) => !isNew(p));
        if (!old.length) continue;
        if (!fresh) {
          if (surging < surge || !old.some(available)) {
            createOn(node);
            surging++;
          }
        } else if (available(fresh)) {
          old.forEach(deletePod);
        }
      }
    } else {
      let unavailable = 0;
      const replace: KubeObject[] = [];
      const candidates: KubeObject[] = [];
      for (const node of nodeNames) {
        const list = perNode.get(node) ?? [];
        const fresh = list.find(isNew);
        const old = list.find((p) => !isNew(p));
        if ((!fresh && !old) || (fresh && old)) unavailable++;
        else if (fresh) {
          if (!available(fresh)) unavailable++;
        } else if (old && !available(old)) replace.push(old);
        else if (old && unavailable < maxUnavailable) candidates.push(old);
      }
      const room = Math.min(Math.max(0, maxUnavailable - unavailable), candidates.length);
      [...replace, ...candidates.slice(0, room)].forEach(deletePod);
    }
  }

  // Status per eligible node, from its oldest non-terminating pod.
  const fresh = viewAll<PodView>(owned(store, 'v1', 'Pod', ds)).filter((p) => !isTerminating(p));
  let current = 0;
  let updated = 0;
  let ready = 0;
  let avail = 0;
  let misscheduled = 0;
  for (const p of fresh) if (!nodeNames.has(p.spec?.nodeName ?? '')) misscheduled++;
  for (const node of nodeNames) {
    const list = fresh.filter((p) => p.spec?.nodeName === node).sort(byCreation);
    if (!list.length) continue;
    current++;
    if (list.some(isNew)) updated++;
    const pod = list.find(isNew) ?? list[0];
    if (isPodReady(pod)) ready++;
    if (isPodReady(pod) && available(pod)) avail++;
  }
  const status: DaemonSetStatus = {
    currentNumberScheduled: current,
    numberMisscheduled: misscheduled,
    desiredNumberScheduled: nodes.length,
    numberReady: ready,
    observedGeneration: ds.metadata.generation ?? 1,
    updatedNumberScheduled: updated,
    numberAvailable: avail,
    numberUnavailable: nodes.length - avail,
  };
  for (const k of ['updatedNumberScheduled', 'numberAvailable', 'numberUnavailable'] as const)
    if (!status[k]) delete status[k];
  writeStatus(store, ds, status);
  const live = new Set<string>([update.metadata.name ?? '']);
  for (const p of fresh) {
    const r = revisions.find((x) => hashOf(x) === p.metadata.labels?.[REVISION_HASH_LABEL]);
    if (r) live.add(r.metadata.name ?? '');
  }
  truncateHistory(ctx, ds, revisions, live);
}

export function syncDaemonSets(ctx: ControllerContext): void {
  for (const ds of ctx.store.list('apps/v1', 'DaemonSet'))
    guarded(ctx, ds, () => syncDaemonSet(ctx, view<DaemonSetView>(ds)));
}
