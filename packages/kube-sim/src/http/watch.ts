// Watch streams: newline-delimited {type, object} events. Without resourceVersion (or with "0")
// the stream starts with ADDED for every current object; with one it resumes after that version,
// or sends an ERROR event carrying a 410 Expired Status when the version left the kept window.
// With a selector, objects moving into / out of it appear as ADDED / DELETED, like upstream.
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
  const send = (type: string, object: unknown) => {
    if (closed) return;
    res.write(JSON.stringify({ type, object }) + '\n');
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
  req.on('close', close);
  res.on('close', close);
}
