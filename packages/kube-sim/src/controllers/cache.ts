// A read cache in front of the store for the controllers: unfiltered lists are kept per kind
// until a store event for that kind arrives, so idle resync passes copy nothing. Callers must
// treat listed objects as read-only (they are shared); writes go straight to the store.
import type { KubeObject, SimStore } from '../types.ts';

export interface CachingStore extends SimStore {
  close(): void;
}

export function cachingStore(store: SimStore): CachingStore {
  const byKind = new Map<string, KubeObject[]>();
  const unsubscribe = store.subscribe((ev) => byKind.delete(ev.object.kind));
  return {
    resourceInfo: (apiVersion, kind) => store.resourceInfo(apiVersion, kind),
    get: (apiVersion, kind, namespace, name) => store.get(apiVersion, kind, namespace, name),
    list(apiVersion, kind, namespace, selector) {
      if (selector?.labelSelector || selector?.fieldSelector)
        return store.list(apiVersion, kind, namespace, selector);
      let all = byKind.get(kind);
      if (!all) {
        all = store.list(apiVersion, kind);
        byKind.set(kind, all);
      }
      return namespace ? all.filter((o) => o.metadata.namespace === namespace) : [...all];
    },
    create: (obj, opts) => store.create(obj, opts),
    update: (obj, opts) => store.update(obj, opts),
    delete: (apiVersion, kind, namespace, name, opts) =>
      store.delete(apiVersion, kind, namespace, name, opts),
    subscribe: (listener) => store.subscribe(listener),
    resourceVersion: () => store.resourceVersion(),
    close() {
      unsubscribe();
      byKind.clear();
    },
  };
}
