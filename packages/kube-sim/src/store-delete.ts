// Deletion for the store: preconditions, graceful Pod deletion, finalizers, namespace and CRD
// cascades, and ownerReference garbage collection (Background, Foreground, Orphan).
import type { KubeObject } from './types.ts';
import { view, type CrdView, type PodView } from './views.ts';
import type { ResourceEntry } from './registry.ts';
import { conflict } from './status.ts';
import { clone } from './util.ts';

export interface DeleteOptions {
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  /**
   * Graceful Pod deletion as the API server does it for clients: a scheduled, non-terminated Pod is
   * only marked (deletionTimestamp = now + grace, deletionGracePeriodSeconds) and the kubelet
   * removes it. Grace defaults to the Pod's terminationGracePeriodSeconds; 0 deletes at once.
   */
  graceful?: boolean;
  gracePeriodSeconds?: number;
  dryRun?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** What deletion needs from the store. */
export interface StoreCore {
  entryFor(apiVersion: string, kind: string): ResourceEntry;
  find(entry: ResourceEntry, namespace: string | undefined, name: string): KubeObject | undefined;
  all(): Iterable<{ entry: ResourceEntry; obj: KubeObject }>;
  /** Remove from storage and emit DELETED (with a new resourceVersion). */
  removeNow(entry: ResourceEntry, obj: KubeObject): KubeObject;
  /** Set deletionTimestamp (finalizers pending) and emit MODIFIED. */
  markDeleting(entry: ResourceEntry, current: KubeObject): KubeObject;
  update(obj: KubeObject): KubeObject;
  view(obj: KubeObject, entry: ResourceEntry): KubeObject;
}

export function createDeleter(core: StoreCore) {
  function dependentsOf(owner: KubeObject): { entry: ResourceEntry; obj: KubeObject }[] {
    const uid = owner.metadata.uid;
    return [...core.all()].filter(({ obj }) =>
      (obj.metadata.ownerReferences ?? []).some((r) => r.uid === uid),
    );
  }

  /** Delete `obj` now and handle its dependents per policy. */
  function finishDelete(
    entry: ResourceEntry,
    obj: KubeObject,
    policy: 'Foreground' | 'Background' | 'Orphan',
  ): KubeObject {
    if (entry.group === '' && entry.kind === 'Namespace') {
      for (const { entry: e, obj: o } of core.all()) {
        if (e.namespaced && o.metadata.namespace === obj.metadata.name) core.removeNow(e, o);
      }
    }
    if (entry.kind === 'CustomResourceDefinition' && entry.group === 'apiextensions.k8s.io') {
      const crd = view<CrdView>(obj);
      const group = crd.spec?.group;
      const kind = crd.spec?.names?.kind;
      for (const { entry: e, obj: o } of core.all()) {
        if (e.fromCrd && e.group === group && e.kind === kind) core.removeNow(e, o);
      }
    }
    const deps = dependentsOf(obj);
    if (policy === 'Orphan') {
      for (const d of deps) {
        const refs = (d.obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== obj.metadata.uid);
        const next = clone(d.obj);
        if (refs.length) next.metadata.ownerReferences = refs;
        else delete next.metadata.ownerReferences;
        core.update(next);
      }
      return core.removeNow(entry, obj);
    }
    if (policy === 'Foreground') {
      for (const d of deps) deleteObject(d.entry, d.obj, { propagationPolicy: 'Foreground' });
      return core.removeNow(entry, obj);
    }
    const gone = core.removeNow(entry, obj);
    for (const d of deps) {
      // A dependent with another live owner stays (the garbage collector only removes orphans).
      const others = (d.obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== obj.metadata.uid);
      if (others.some((r) => ownerExists(r.uid))) continue;
      // The garbage collector deletes like a client: running Pods terminate gracefully.
      const marked = gracefulMark(d.entry, d.obj);
      if (marked) {
        if (marked !== d.obj) core.update(marked);
      } else deleteObject(d.entry, d.obj, { propagationPolicy: 'Background' });
    }
    return gone;
  }

  function ownerExists(uid: string): boolean {
    for (const { obj } of core.all()) if (obj.metadata.uid === uid) return true;
    return false;
  }

  function deleteObject(entry: ResourceEntry, obj: KubeObject, opts: DeleteOptions): KubeObject {
    const policy = opts.propagationPolicy ?? 'Background';
    const current = core.find(entry, obj.metadata.namespace, obj.metadata.name ?? '');
    if (!current) return obj;
    const finalizers = (current.metadata.finalizers as string[] | undefined) ?? [];
    if (finalizers.length) {
      if (current.metadata.deletionTimestamp) return current;
      return core.markDeleting(entry, current);
    }
    return finishDelete(entry, current, policy);
  }

  function del(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
    opts: DeleteOptions = {},
  ): KubeObject | undefined {
    const entry = core.entryFor(apiVersion, kind);
    const ns = entry.namespaced ? namespace || 'default' : undefined;
    const existing = core.find(entry, ns, name);
    if (!existing) return undefined;
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== existing.metadata.uid) {
      throw conflict(
        entry,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${existing.metadata.uid}`,
      );
    }
    if (pre?.resourceVersion && pre.resourceVersion !== existing.metadata.resourceVersion) {
      throw conflict(
        entry,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${existing.metadata.resourceVersion}`,
      );
    }
    if (opts.graceful) {
      const marked = gracefulMark(entry, existing, opts.gracePeriodSeconds);
      if (marked) return opts.dryRun ? core.view(marked, entry) : core.update(marked);
    }
    if (opts.dryRun) return core.view(existing, entry);
    return core.view(deleteObject(entry, existing, opts), entry);
  }

  /**
   * A scheduled, still-running Pod is deleted gracefully: marked with deletionTimestamp (now +
   * grace) and deletionGracePeriodSeconds for the kubelet to finish. undefined = delete now.
   */
  function gracefulMark(
    entry: ResourceEntry,
    existing: KubeObject,
    gracePeriodSeconds?: number,
  ): KubeObject | undefined {
    if (entry.group !== '' || entry.kind !== 'Pod') return undefined;
    const pod = view<PodView>(existing);
    const grace = gracePeriodSeconds ?? Number(pod.spec?.terminationGracePeriodSeconds ?? 30);
    const phase = pod.status?.phase;
    const running = pod.spec?.nodeName && phase !== 'Succeeded' && phase !== 'Failed';
    if (!running || grace <= 0) return undefined;
    if (existing.metadata.deletionTimestamp) return existing;
    const marked = clone(existing);
    marked.metadata.deletionTimestamp = new Date(Date.now() + grace * 1000)
      .toISOString()
      .replace(/\.\d+Z$/, 'Z');
    marked.metadata.deletionGracePeriodSeconds = grace;
    return marked;
  }

  return { del, finishDelete };
}
