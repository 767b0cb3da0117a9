// The simulated cluster's object store (what etcd + the API server's registry strategies do):
// identity, resourceVersion, generation, defaults, validation, managedFields for updates,
// finalizers, ownerReference garbage collection, namespace cascade, and an event log for watches.
import { randomUUID } from 'node:crypto';
import { SimApiError } from './types.ts';
import type { KubeObject, ResourceInfo, Selector, SimStore } from './types.ts';
import { Registry, splitApiVersion } from './registry.ts';
import type { ResourceEntry } from './registry.ts';
import { compileSelector } from './selectors.ts';
import { applyDefaults, initialStatus } from './defaults.ts';
import { validateObject } from './validation.ts';
import { checkDecodable } from './schema/index.ts';
import { alreadyExists, conflict, namespaceNotFound, notFound } from './status.ts';
import { clone, deepEqual } from './util.ts';
import { recordUpdate, nowTimestamp } from './patch/managed.ts';
import { EventLog } from './event-log.ts';
import {
  bumpsGeneration,
  crdStatus,
  fieldCtx,
  randomSuffix,
  sameContent,
  takeStatusMetadata,
} from './store-util.ts';
import { createDeleter } from './store-delete.ts';
import type { DeleteOptions } from './store-delete.ts';
import type { StoredEvent } from './event-log.ts';

export type { StoredEvent };
export type { DeleteOptions };

export interface WriteOptions {
  fieldManager?: string;
  dryRun?: boolean;
  /** 'scale' is a main-resource write recorded in managedFields as coming through /scale. */
  subresource?: 'status' | 'scale';
  /** The caller (server-side apply) has already computed metadata.managedFields. */
  managedFieldsComputed?: boolean;
  /**
   * Runs after validation and before the object is stored (dry run included): where upstream's
   * registry Store calls createValidation, which authorizes a create by server-side apply.
   */
  authorize?: () => void;
}

export interface SimStoreImpl extends SimStore {
  readonly registry: Registry;
  resourceInfo(apiVersion: string, kind: string): ResourceEntry | undefined;
  create(obj: KubeObject, opts?: WriteOptions): KubeObject;
  update(obj: KubeObject, opts?: WriteOptions): KubeObject;
  delete(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
    opts?: DeleteOptions,
  ): KubeObject | undefined;
  /** Events of one kind with resourceVersion > rv, or 'expired' when rv is older than its kept window. */
  eventsSince(rv: number, group: string, kind: string): StoredEvent[] | 'expired';
  /** Like subscribe, with rv/old (listeners must not mutate the event). */
  subscribeRaw(listener: (event: StoredEvent) => void): () => void;
  /** How many events per kind to keep for watch resumption (default 1000). */
  setEventWindow(size: number): void;
  /** The oldest resourceVersion a watch of this kind can resume from. */
  oldestResumableVersion(group: string, kind: string): number;
}

export interface StoreOptions {
  eventWindow?: number;
}

export function createStore(options: StoreOptions = {}): SimStoreImpl {
  const registry = new Registry();
  /** group/kind → namespace/name → stored object (in the version it was written with). */
  const objects = new Map<string, Map<string, KubeObject>>();
  let rv = 0;
  const history = new EventLog(options.eventWindow ?? 1000);
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
    if (!entry)
      throw new SimApiError(
        404,
        'NotFound',
        `the server could not find the requested resource (kind ${kind} in ${apiVersion})`,
        {},
      );
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
    checkDecodable(obj, entry);
    applyDefaults(obj);
    validateObject(obj, entry);
    opts.authorize?.();
    if (opts.fieldManager && !opts.managedFieldsComputed)
      recordUpdate(undefined, obj, opts.fieldManager, fieldCtx(entry));
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
      takeStatusMetadata(next, input);
      if (opts.managedFieldsComputed) next.metadata.managedFields = clone(input.metadata.managedFields);
    } else {
      next = clone(input);
      next.metadata = { ...next.metadata };
      if (hasStatusSub) {
        if (existing.status === undefined) delete next.status;
        else next.status = clone(existing.status);
      }
    }
    // managedFields as upstream: omitted or [] keeps the stored ones, [{}] resets them, anything
    // else different is taken as sent (and no Update entry is recorded for this write).
    let ownersBefore: KubeObject | undefined = existing;
    let explicitManaged = false;
    if (opts.subresource !== 'status' && !opts.managedFieldsComputed) {
      const sent = input.metadata?.managedFields as unknown[] | undefined;
      if (sent === undefined || sent.length === 0) {
        if (existing.metadata.managedFields)
          next.metadata.managedFields = clone(existing.metadata.managedFields);
        else delete next.metadata.managedFields;
      } else if (sent.length === 1 && deepEqual(sent[0], {})) {
        next.metadata.managedFields = [];
        ownersBefore = { ...existing, metadata: { ...existing.metadata, managedFields: [] } };
      } else if (!deepEqual(sent, existing.metadata.managedFields)) explicitManaged = true;
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
      checkDecodable(next, entry);
      applyDefaults(next);
      validateObject(next, entry, existing);
    }
    if (entry.generation) {
      const gen = existing.metadata.generation ?? 1;
      meta.generation = opts.subresource !== 'status' && bumpsGeneration(next, existing) ? gen + 1 : gen;
    } else delete meta.generation;
    if (opts.fieldManager && !opts.managedFieldsComputed && !explicitManaged) {
      recordUpdate(ownersBefore, next, opts.fieldManager, fieldCtx(entry), opts.subresource);
    }
    if (Array.isArray(meta.managedFields) && meta.managedFields.length === 0) delete meta.managedFields;
    // Removing the last finalizer of an object being deleted completes the deletion.
    const hadFinalizers = ((existing.metadata.finalizers as string[] | undefined) ?? []).length > 0;
    if (
      existing.metadata.deletionTimestamp &&
      hadFinalizers &&
      !((meta.finalizers as string[] | undefined) ?? []).length
    ) {
      if (opts.dryRun) return view(next, entry);
      b.set(nn(ns, name), next);
      return deleter.finishDelete(entry, next, 'Background');
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

  /** Set deletionTimestamp on an object held by finalizers. */
  function markDeleting(entry: ResourceEntry, current: KubeObject): KubeObject {
    const next = clone(current);
    next.metadata.deletionTimestamp = nowTimestamp();
    next.metadata.deletionGracePeriodSeconds = 0;
    rv++;
    next.metadata.resourceVersion = String(rv);
    bucket(entry.group, entry.kind).set(nn(next.metadata.namespace, next.metadata.name ?? ''), next);
    emit('MODIFIED', next, entry.group, current);
    return next;
  }

  function* allObjects(): Iterable<{ entry: ResourceEntry; obj: KubeObject }> {
    for (const [key, b] of objects) {
      const cut = key.lastIndexOf('/');
      const entry = registry.byGroupKind(key.slice(0, cut), key.slice(cut + 1));
      if (entry) for (const obj of [...b.values()]) yield { entry, obj };
    }
  }

  const deleter = createDeleter({
    entryFor,
    find: (entry, ns, name) => bucket(entry.group, entry.kind).get(nn(ns, name)),
    all: allObjects,
    removeNow,
    markDeleting,
    update: (obj) => update(obj),
    view,
  });

  function get(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
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
    // etcd key order: by namespace, then name, byte-wise.
    const key = (o: KubeObject) => nn(o.metadata.namespace, o.metadata.name ?? '');
    out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    return out;
  }

  const store: SimStoreImpl = {
    registry,
    resourceInfo: (apiVersion, kind) => registry.byKind(apiVersion, kind),
    get,
    list,
    create,
    update,
    delete: deleter.del,
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
    eventsSince: (since, group, kind) => history.since(since, group, kind),
    oldestResumableVersion: (group, kind) => history.oldest(group, kind),
    setEventWindow: (size) => history.resize(size),
  };

  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  return store;
}

export type { ResourceInfo };
export { splitApiVersion };
