// The simulated cluster's object store (what etcd + the API server's registry strategies do):
// identity, resourceVersion, generation, defaults, validation, managedFields for updates,
// finalizers, ownerReference garbage collection, namespace cascade, and an event log for watches.
import { randomUUID } from 'node:crypto';
import { SimApiError } from './types.ts';
import type { KubeObject, ResourceInfo, Selector, SimStore, StoreEvent } from './types.ts';
import { Registry, splitApiVersion } from './registry.ts';
import type { ResourceEntry } from './registry.ts';
import { compileSelector } from './selectors.ts';
import { applyDefaults, initialStatus } from './defaults.ts';
import { validateObject } from './validation.ts';
import { alreadyExists, conflict, namespaceNotFound, notFound } from './status.ts';
import { clone, deepEqual, specPart } from './util.ts';
import { recordUpdate, nowTimestamp } from './patch/managed.ts';
import type { FieldCtx } from './patch/fields.ts';

/** A store event with what the watch layer needs: its resourceVersion and the previous object. */
export interface StoredEvent extends StoreEvent {
  rv: number;
  group: string;
  old?: KubeObject;
}

export interface WriteOptions {
  fieldManager?: string;
  dryRun?: boolean;
  /** 'scale' is a main-resource write recorded in managedFields as coming through /scale. */
  subresource?: 'status' | 'scale';
  /** The caller (server-side apply) has already computed metadata.managedFields. */
  managedFieldsComputed?: boolean;
}

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

export interface SimStoreImpl extends SimStore {
  readonly registry: Registry;
  resourceInfo(apiVersion: string, kind: string): ResourceEntry | undefined;
  create(obj: KubeObject, opts?: WriteOptions): KubeObject;
  update(obj: KubeObject, opts?: WriteOptions): KubeObject;
  delete(apiVersion: string, kind: string, namespace: string | undefined, name: string, opts?: DeleteOptions): KubeObject | undefined;
  /** Events with resourceVersion > rv, or 'expired' when rv is older than the kept window. */
  eventsSince(rv: number): StoredEvent[] | 'expired';
  /** Like subscribe, with rv/old (listeners must not mutate the event). */
  subscribeRaw(listener: (event: StoredEvent) => void): () => void;
  /** How many events to keep for watch resumption (default 1000). */
  setEventWindow(size: number): void;
  /** The oldest resourceVersion a watch can resume from. */
  oldestResumableVersion(): number;
}

export interface StoreOptions {
  eventWindow?: number;
}

const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function randomSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += GENERATE_ALPHABET[Math.floor(Math.random() * GENERATE_ALPHABET.length)];
  return s;
}

function fieldCtx(entry: ResourceEntry): FieldCtx {
  return { kind: entry.kind, custom: entry.custom, statusSubresource: entry.subresources.includes('status') };
}

/** Compare two versions of an object, ignoring what every write changes anyway. */
function sameContent(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const c = { ...o, metadata: { ...o.metadata } } as KubeObject;
    delete c.metadata.resourceVersion;
    c.metadata.managedFields = ((o.metadata.managedFields ?? []) as any[]).map((m) => ({ ...m, time: undefined }));
    return c;
  };
  return deepEqual(strip(a), strip(b));
}

export function createStore(options: StoreOptions = {}): SimStoreImpl {
  const registry = new Registry();
  /** group/kind → namespace/name → stored object (in the version it was written with). */
  const objects = new Map<string, Map<string, KubeObject>>();
  let rv = 0;
  let window = options.eventWindow ?? 1000;
  let history: StoredEvent[] = [];
  let historyStart = 0;
  const listeners = new Set<(event: StoredEvent) => void>();
  const queue: StoredEvent[] = [];
  let dispatching = false;

  const gk = (group: string, kind: string) => `${group}/${kind}`;
  const nn = (ns: string | undefined, name: string) => `${ns ?? ''}/${name}`;
  const bucket = (group: string, kind: string) => {
    let b = objects.get(gk(group, kind));
    if (!b) objects.set(gk(group, kind), (b = new Map()));
    return b;
  };

  function entryFor(apiVersion: string, kind: string): ResourceEntry {
    const entry = registry.byKind(apiVersion, kind);
    if (!entry) throw new SimApiError(404, 'NotFound', `the server could not find the requested resource (kind ${kind} in ${apiVersion})`, {});
    return entry;
  }

  /** A copy in the requested version of its kind. */
  function view(obj: KubeObject, entry: ResourceEntry): KubeObject {
    const c = clone(obj);
    c.apiVersion = entry.group ? `${entry.group}/${entry.version}` : entry.version;
    return c;
  }

  function emit(type: StoredEvent['type'], object: KubeObject, group: string, old?: KubeObject): void {
    const ev: StoredEvent = { type, object: clone(object), rv, group, ...(old ? { old: clone(old) } : {}) };
    history.push(ev);
    if (history.length > window) {
      const dropped = history.splice(0, history.length - window);
      historyStart = dropped[dropped.length - 1].rv;
    }
    queue.push(ev);
    if (dispatching) return; // a listener wrote: deliver after the current event, in order
    dispatching = true;
    try {
      while (queue.length) {
        const next = queue.shift()!;
        for (const l of [...listeners]) {
          try {
            l(next);
          } catch (err) {
            console.error('sim store listener failed:', err);
          }
        }
      }
    } finally {
      dispatching = false;
    }
  }

  function namespaceOf(entry: ResourceEntry, obj: KubeObject): string | undefined {
    if (!entry.namespaced) return undefined;
    return obj.metadata.namespace || 'default';
  }

  function requireNamespace(ns: string | undefined): void {
    if (ns === undefined) return;
    if (!bucket('', 'Namespace').has(nn(undefined, ns))) throw namespaceNotFound(ns);
  }

  function crdSideEffects(obj: KubeObject, present: boolean): void {
    if (obj.kind === 'CustomResourceDefinition' && obj.apiVersion.startsWith('apiextensions.k8s.io/')) {
      registry.applyCrd(obj, present);
    }
  }

  function create(input: KubeObject, opts: WriteOptions = {}): KubeObject {
    const entry = entryFor(input.apiVersion, input.kind);
    const obj = clone(input);
    obj.metadata = obj.metadata ?? {};
    const meta = obj.metadata;
    if (!meta.name && meta.generateName) meta.name = meta.generateName + randomSuffix();
    const ns = namespaceOf(entry, obj);
    if (ns === undefined) delete meta.namespace;
    else meta.namespace = ns;
    if (entry.kind !== 'Namespace' || entry.group !== '') requireNamespace(ns);
    const b = bucket(entry.group, entry.kind);
    if (meta.name && b.has(nn(ns, meta.name))) throw alreadyExists(entry, meta.name);
    meta.uid = randomUUID();
    meta.creationTimestamp = nowTimestamp();
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (entry.generation) meta.generation = 1;
    else delete meta.generation;
    const status = initialStatus(obj, entry.subresources.includes('status'));
    if (status !== undefined) obj.status = status;
    if (obj.kind === 'CustomResourceDefinition') obj.status = crdStatus(obj);
    applyDefaults(obj);
    validateObject(obj, entry);
    if (opts.fieldManager && !opts.managedFieldsComputed) recordUpdate(undefined, obj, opts.fieldManager, fieldCtx(entry));
    if (opts.dryRun) return view(obj, entry);
    rv++;
    meta.resourceVersion = String(rv);
    b.set(nn(ns, meta.name!), obj);
    crdSideEffects(obj, true);
    emit('ADDED', obj, entry.group);
    return view(obj, entry);
  }

  function update(input: KubeObject, opts: WriteOptions = {}): KubeObject {
    const entry = entryFor(input.apiVersion, input.kind);
    const ns = namespaceOf(entry, input);
    const name = input.metadata?.name ?? '';
    const b = bucket(entry.group, entry.kind);
    const existing = b.get(nn(ns, name));
    if (!existing) throw notFound(entry, name);
    const sentRv = input.metadata.resourceVersion;
    if (sentRv && sentRv !== existing.metadata.resourceVersion) throw conflict(entry, name);
    const hasStatusSub = entry.subresources.includes('status');
    let next: KubeObject;
    if (opts.subresource === 'status') {
      next = clone(existing);
      next.status = clone(input.status);
      if (next.status === undefined) delete next.status;
      if (opts.managedFieldsComputed) next.metadata.managedFields = clone(input.metadata.managedFields);
    } else {
      next = clone(input);
      next.metadata = { ...next.metadata };
      if (hasStatusSub) {
        if (existing.status === undefined) delete next.status;
        else next.status = clone(existing.status);
      }
      if (next.metadata.managedFields === undefined && existing.metadata.managedFields) {
        next.metadata.managedFields = clone(existing.metadata.managedFields);
      }
    }
    const meta = next.metadata;
    meta.name = name;
    if (ns === undefined) delete meta.namespace;
    else meta.namespace = ns;
    meta.uid = existing.metadata.uid;
    meta.creationTimestamp = existing.metadata.creationTimestamp;
    // Once set, deletionTimestamp is immutable. In-process callers (controllers) may set it to mark
    // a Pod for graceful deletion; the HTTP layer strips it from client writes like the real server.
    if (existing.metadata.deletionTimestamp) {
      meta.deletionTimestamp = existing.metadata.deletionTimestamp;
      if (existing.metadata.deletionGracePeriodSeconds !== undefined) {
        meta.deletionGracePeriodSeconds = existing.metadata.deletionGracePeriodSeconds;
      }
    } else if (!meta.deletionTimestamp) delete meta.deletionGracePeriodSeconds;
    meta.resourceVersion = existing.metadata.resourceVersion;
    // Stored objects keep the version they were written with; a write in another version converts.
    next.apiVersion = existing.apiVersion;
    if (opts.subresource !== 'status') {
      applyDefaults(next);
      validateObject(next, entry, existing);
    }
    if (entry.generation) {
      const gen = existing.metadata.generation ?? 1;
      meta.generation = deepEqual(specPart(next), specPart(existing)) ? gen : gen + 1;
    } else delete meta.generation;
    if (opts.fieldManager && !opts.managedFieldsComputed) {
      recordUpdate(existing, next, opts.fieldManager, fieldCtx(entry), opts.subresource);
    }
    // Removing the last finalizer of an object being deleted completes the deletion.
    const hadFinalizers = ((existing.metadata.finalizers as string[] | undefined) ?? []).length > 0;
    if (existing.metadata.deletionTimestamp && hadFinalizers && !((meta.finalizers as string[] | undefined) ?? []).length) {
      if (opts.dryRun) return view(next, entry);
      b.set(nn(ns, name), next);
      return finishDelete(entry, next, 'Background');
    }
    if (sameContent(next, existing)) return view(existing, entry); // no-op: no new resourceVersion
    if (opts.dryRun) return view(next, entry);
    rv++;
    meta.resourceVersion = String(rv);
    b.set(nn(ns, name), next);
    crdSideEffects(next, true);
    emit('MODIFIED', next, entry.group, existing);
    return view(next, entry);
  }

  function dependentsOf(owner: KubeObject): { entry: ResourceEntry; obj: KubeObject }[] {
    const out: { entry: ResourceEntry; obj: KubeObject }[] = [];
    const uid = owner.metadata.uid;
    for (const [key, b] of objects) {
      const [group, kind] = [key.slice(0, key.lastIndexOf('/')), key.slice(key.lastIndexOf('/') + 1)];
      const entry = registry.byGroupKind(group, kind);
      if (!entry) continue;
      for (const obj of b.values()) {
        if ((obj.metadata.ownerReferences ?? []).some((r) => r.uid === uid)) out.push({ entry, obj });
      }
    }
    return out;
  }

  function removeNow(entry: ResourceEntry, obj: KubeObject): KubeObject {
    const b = bucket(entry.group, entry.kind);
    const key = nn(obj.metadata.namespace, obj.metadata.name ?? '');
    if (!b.has(key)) return obj;
    b.delete(key);
    rv++;
    const gone = clone(obj);
    gone.metadata.resourceVersion = String(rv);
    crdSideEffects(gone, false);
    emit('DELETED', gone, entry.group);
    return gone;
  }

  /** Delete `obj` now and handle its dependents per policy. */
  function finishDelete(entry: ResourceEntry, obj: KubeObject, policy: 'Foreground' | 'Background' | 'Orphan'): KubeObject {
    if (entry.group === '' && entry.kind === 'Namespace') {
      for (const [key, b] of objects) {
        if (key === '/Namespace') continue;
        const e = registry.byGroupKind(key.slice(0, key.lastIndexOf('/')), key.slice(key.lastIndexOf('/') + 1));
        for (const o of [...b.values()]) if (e && o.metadata.namespace === obj.metadata.name) removeNow(e, o);
      }
    }
    if (entry.kind === 'CustomResourceDefinition' && entry.group === 'apiextensions.k8s.io') {
      const group = obj.spec?.group;
      const kind = obj.spec?.names?.kind;
      const crEntry = registry.byGroupKind(group, kind);
      if (crEntry?.fromCrd) for (const o of [...bucket(group, kind).values()]) removeNow(crEntry, o);
    }
    const deps = dependentsOf(obj);
    if (policy === 'Orphan') {
      for (const d of deps) {
        const refs = (d.obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== obj.metadata.uid);
        const next = clone(d.obj);
        if (refs.length) next.metadata.ownerReferences = refs;
        else delete next.metadata.ownerReferences;
        update(next);
      }
      return removeNow(entry, obj);
    }
    if (policy === 'Foreground') {
      for (const d of deps) deleteObject(d.entry, d.obj, { propagationPolicy: 'Foreground' });
      return removeNow(entry, obj);
    }
    const gone = removeNow(entry, obj);
    for (const d of deps) {
      // A dependent with another live owner stays (the garbage collector only removes orphans).
      const others = (d.obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== obj.metadata.uid);
      if (others.some((r) => ownerExists(r.uid))) continue;
      deleteObject(d.entry, d.obj, { propagationPolicy: 'Background' });
    }
    return gone;
  }

  function ownerExists(uid: string): boolean {
    for (const b of objects.values()) for (const o of b.values()) if (o.metadata.uid === uid) return true;
    return false;
  }

  function deleteObject(entry: ResourceEntry, obj: KubeObject, opts: DeleteOptions): KubeObject {
    const policy = opts.propagationPolicy ?? 'Background';
    const current = bucket(entry.group, entry.kind).get(nn(obj.metadata.namespace, obj.metadata.name ?? ''));
    if (!current) return obj;
    const finalizers = (current.metadata.finalizers as string[] | undefined) ?? [];
    if (finalizers.length) {
      if (current.metadata.deletionTimestamp) return view(current, entry);
      const next = clone(current);
      next.metadata.deletionTimestamp = nowTimestamp();
      next.metadata.deletionGracePeriodSeconds = 0;
      rv++;
      next.metadata.resourceVersion = String(rv);
      bucket(entry.group, entry.kind).set(nn(next.metadata.namespace, next.metadata.name ?? ''), next);
      emit('MODIFIED', next, entry.group, current);
      return view(next, entry);
    }
    return finishDelete(entry, current, policy);
  }

  function del(apiVersion: string, kind: string, namespace: string | undefined, name: string, opts: DeleteOptions = {}): KubeObject | undefined {
    const entry = entryFor(apiVersion, kind);
    const ns = entry.namespaced ? namespace || 'default' : undefined;
    const existing = bucket(entry.group, entry.kind).get(nn(ns, name));
    if (!existing) return undefined;
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== existing.metadata.uid) {
      throw conflict(entry, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${existing.metadata.uid}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== existing.metadata.resourceVersion) {
      throw conflict(entry, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${existing.metadata.resourceVersion}`);
    }
    if (opts.graceful && entry.group === '' && entry.kind === 'Pod') {
      const grace = opts.gracePeriodSeconds ?? Number(existing.spec?.terminationGracePeriodSeconds ?? 30);
      const phase = existing.status?.phase;
      const running = existing.spec?.nodeName && phase !== 'Succeeded' && phase !== 'Failed';
      if (running && grace > 0) {
        if (existing.metadata.deletionTimestamp) return view(existing, entry);
        const marked = clone(existing);
        marked.metadata.deletionTimestamp = new Date(Date.now() + grace * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
        marked.metadata.deletionGracePeriodSeconds = grace;
        if (opts.dryRun) return view(marked, entry);
        return update(marked);
      }
    }
    if (opts.dryRun) return view(existing, entry);
    return view(deleteObject(entry, existing, opts), entry);
  }

  function get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const entry = registry.byKind(apiVersion, kind);
    if (!entry) return undefined;
    const ns = entry.namespaced ? namespace || 'default' : undefined;
    const obj = bucket(entry.group, entry.kind).get(nn(ns, name));
    return obj ? view(obj, entry) : undefined;
  }

  function list(apiVersion: string, kind: string, namespace?: string, selector?: Selector): KubeObject[] {
    const entry = registry.byKind(apiVersion, kind);
    if (!entry) return [];
    const match = compileSelector(selector);
    const out: KubeObject[] = [];
    for (const obj of bucket(entry.group, entry.kind).values()) {
      if (entry.namespaced && namespace && obj.metadata.namespace !== namespace) continue;
      if (match(obj)) out.push(view(obj, entry));
    }
    // etcd order: by namespace, then name.
    out.sort((a, b) => nn(a.metadata.namespace, a.metadata.name ?? '').localeCompare(nn(b.metadata.namespace, b.metadata.name ?? '')));
    return out;
  }

  const store: SimStoreImpl = {
    registry,
    resourceInfo: (apiVersion, kind) => registry.byKind(apiVersion, kind),
    get,
    list,
    create,
    update,
    delete: del,
    subscribe(listener) {
      const raw = (e: StoredEvent) => listener({ type: e.type, object: clone(e.object) });
      listeners.add(raw);
      return () => listeners.delete(raw);
    },
    subscribeRaw(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    resourceVersion: () => String(rv),
    eventsSince(since) {
      if (since < historyStart) return 'expired';
      return history.filter((e) => e.rv > since);
    },
    oldestResumableVersion: () => historyStart,
    setEventWindow(size) {
      window = Math.max(1, size);
      if (history.length > window) {
        const dropped = history.splice(0, history.length - window);
        historyStart = dropped[dropped.length - 1].rv;
      }
    },
  };

  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  return store;
}

function crdStatus(crd: KubeObject): Record<string, unknown> {
  const now = nowTimestamp();
  return {
    acceptedNames: crd.spec?.names ?? {},
    conditions: [
      { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: now },
      { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: now },
    ],
    storedVersions: (crd.spec?.versions ?? []).filter((v: any) => v.storage).map((v: any) => v.name),
  };
}

export type { ResourceInfo };
export { splitApiVersion };
