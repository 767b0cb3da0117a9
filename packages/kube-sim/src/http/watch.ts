// Watch streams: newline-delimited {type, object} events. Without resourceVersion (or with "0")
// the stream starts with ADDED for every current object; with one it resumes after that version,
// or sends an ERROR event carrying a 410 Expired Status when the version left the kept window.
// With a selector, objects moving into / out of it appear as ADDED / DELETED, like upstream.
// With allowWatchBookmarks=true, BOOKMARK events carry the latest resourceVersion, as the watch
// cache sends them (staging/src/k8s.io/apiserver/pkg/storage/cacher, cacheWatcher.nextBookmarkTime):
// every bookmarkFrequency (60 s) and 2 s before the watch's timeout; only when the version moved
// past what the stream has already carried.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimStoreImpl, StoredEvent } from '../store.ts';
import type { ResourceEntry } from '../registry.ts';
import type { KubeObject } from '../types.ts';
import { compileSelector } from '../selectors.ts';
import { gone } from '../status.ts';
import { renderTable } from './table.ts';

export interface WatchRequest {
  store: SimStoreImpl;
  entry: ResourceEntry;
  namespace?: string;
  query: URLSearchParams;
  /** Send each object as a meta.k8s.io Table (kubectl get --watch asks for that). */
  table?: boolean;
  /** End the stream after this many events (fault injection). */
  cutAfterEvents?: number;
  /** Seconds between bookmarks (default 60). */
  bookmarkSeconds?: number;
  /** Registers a function that ends the stream when the server stops. */
  track(close: () => void): () => void;
}

export function serveWatch(req: IncomingMessage, res: ServerResponse, w: WatchRequest): void {
  const { store, entry } = w;
  const selector = compileSelector({
    labelSelector: w.query.get('labelSelector') ?? undefined,
    fieldSelector: w.query.get('fieldSelector') ?? undefined,
  });
  const apiVersion = entry.group ? `${entry.group}/${entry.version}` : entry.version;
  const inScope = (obj: KubeObject) =>
    !entry.namespaced || !w.namespace || obj.metadata.namespace === w.namespace;
  let tables = 0;
  const view = (obj: KubeObject): unknown => {
    const full = { ...obj, apiVersion, kind: entry.kind };
    if (!w.table) return full;
    // Like upstream, only the first Table of a stream carries the column definitions.
    const t = renderTable(
      entry,
      {
        metadata: { resourceVersion: obj.metadata.resourceVersion },
        items: [full],
      },
      w.query.get('includeObject'),
    );
    if (tables++ > 0) t.columnDefinitions = [];
    return t;
  };

  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
  });
  res.flushHeaders();

  let sent = 0;
  let closed = false;
  let unsubscribe = () => {};
  let untrack = () => {};
  const timeoutTimer: { handle?: NodeJS.Timeout } = {};
  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    untrack();
    clearTimeout(timeoutTimer.handle);
    res.end();
  };
  // The version the client already holds: a bookmark is news only past it.
  let lastRv = Number(w.query.get('resourceVersion') ?? 0) || 0;
  const send = (type: string, object: unknown) => {
    if (closed) return;
    res.write(JSON.stringify({ type, object }) + '\n');
    lastRv = Math.max(lastRv, Number((object as KubeObject)?.metadata?.resourceVersion ?? 0));
    sent++;
    if (w.cutAfterEvents !== undefined && sent >= w.cutAfterEvents) close();
  };
  const onEvent = (ev: StoredEvent) => {
    if (ev.group !== entry.group || ev.object.kind !== entry.kind || !inScope(ev.object)) return;
    const now = selector(ev.object);
    if (ev.type === 'MODIFIED' && ev.old) {
      const before = selector(ev.old);
      if (now && before) send('MODIFIED', view(ev.object));
      else if (now) send('ADDED', view(ev.object));
      else if (before) send('DELETED', view(ev.object));
      return;
    }
    if (now) send(ev.type, view(ev.object));
  };

  const rvParam = w.query.get('resourceVersion') ?? '';
  if (rvParam === '' || rvParam === '0') {
    for (const obj of store.list(apiVersion, entry.kind, w.namespace))
      if (selector(obj)) send('ADDED', view(obj));
  } else {
    const since = Number(rvParam);
    const backlog = Number.isFinite(since) ? store.eventsSince(since, entry.group, entry.kind) : 'expired';
    if (backlog === 'expired') {
      send(
        'ERROR',
        gone(
          `too old resource version: ${rvParam} (${store.oldestResumableVersion(entry.group, entry.kind)})`,
        ).toStatus(),
      );
      close();
      return;
    }
    for (const ev of backlog) onEvent(ev);
  }
  if (w.cutAfterEvents === 0) close();
  if (closed) return;
  // Same tick as the backlog: no event can fall between the two.
  unsubscribe = store.subscribeRaw(onEvent);
  untrack = w.track(close);
  const timeout = Number(w.query.get('timeoutSeconds') ?? '');
  // Without timeoutSeconds the real server ends a watch after a random 30-60 minutes.
  const seconds = timeout > 0 ? timeout : 1800 * (1 + Math.random());
  timeoutTimer.handle = setTimeout(close, seconds * 1000);
  if (w.query.get('allowWatchBookmarks') === 'true') {
    const stop = scheduleBookmarks(seconds, w.bookmarkSeconds ?? 60, () => {
      const rv = Number(store.resourceVersion());
      if (rv <= lastRv) return;
      const object = bookmarkObject(apiVersion, entry.kind, String(rv));
      // A Table watch gets a Table without rows, so a table printer has nothing to print.
      send(
        'BOOKMARK',
        w.table ? { ...renderTable(entry, { metadata: object.metadata, items: [] }) } : object,
      );
    });
    res.on('close', stop);
  }
  req.on('close', close);
  res.on('close', close);
}

/** An object of the watched kind that carries only the resourceVersion, as upstream's bookmarks. */
function bookmarkObject(apiVersion: string, kind: string, resourceVersion: string): KubeObject {
  return {
    apiVersion,
    kind,
    metadata: { resourceVersion, creationTimestamp: null },
  } as unknown as KubeObject;
}

/** Bookmarks every `every` seconds and once 2 s before the deadline (when that is still ahead). */
function scheduleBookmarks(deadlineSeconds: number, every: number, bookmark: () => void): () => void {
  const periodic = setInterval(bookmark, every * 1000);
  const before = deadlineSeconds - 2;
  const last = before > 0 ? setTimeout(bookmark, before * 1000) : undefined;
  return () => {
    clearInterval(periodic);
    clearTimeout(last);
  };
}
