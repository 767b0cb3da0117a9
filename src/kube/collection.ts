// Reading a whole collection: every page of a list, and a watch of it that resumes (watch.ts) with
// its failures named after the server. Items and events get the kind real servers leave out.
import { withServerContext } from './connection.ts';
import { collectionPath, type ResourceRef } from './discovery.ts';
import type { KubeTransport, RequestSpec } from './http.ts';
import type { KubeObject, ListOptions, WaitOptions, WatchEvent } from './types.ts';
import { parseWatchStream, watchUntil, type RawWatchEvent, type WatchTuning } from './watch.ts';

const PAGE_SIZE = 500;

/** One JSON request with the Cluster's retries. */
export type Call = (spec: RequestSpec) => Promise<unknown>;

/** A page of a list, with only the fields read here. */
interface ListPage {
  items?: unknown[];
  metadata?: { resourceVersion?: string; continue?: string };
}

/** The collection to read: resource, namespace (if namespaced) and selectors. */
export interface Collection {
  res: ResourceRef;
  namespace: string | undefined;
  list: ListOptions;
}

/** Every page of the collection, and its resourceVersion (where a watch starts). */
export async function listAll(
  call: Call,
  { res, namespace, list }: Collection,
  signal?: AbortSignal,
): Promise<{ items: KubeObject[]; resourceVersion: string }> {
  const items: KubeObject[] = [];
  let resourceVersion = '';
  let continueToken: string | undefined;
  do {
    const page = (await call({
      method: 'GET',
      path: collectionPath(res, namespace),
      query: {
        labelSelector: list.labelSelector,
        fieldSelector: list.fieldSelector,
        limit: PAGE_SIZE,
        continue: continueToken,
      },
      signal,
    })) as ListPage;
    for (const item of page.items ?? []) items.push(withKind(item, res));
    resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
    continueToken = page.metadata?.continue || undefined;
  } while (continueToken);
  return { items, resourceVersion };
}

/** Lists, then watches the collection until `onEvent` returns a value (see watch.ts). */
export function watchCollection<T>(
  transport: KubeTransport,
  call: Call,
  collection: Collection,
  onEvent: (event: WatchEvent, snapshot: Map<string, KubeObject>) => T | undefined,
  wait: WaitOptions,
  retry: Omit<WatchTuning, 'what'>,
): Promise<T> {
  const { res, namespace, list } = collection;
  const where = res.namespaced && namespace ? ` in ${namespace}` : '';
  const what = `${res.plural}${res.group ? `.${res.group}` : ''}${where}`;
  const source = {
    list: (signal: AbortSignal) => listAll(call, collection, signal),
    watch: async (resourceVersion: string, timeoutSeconds: number, signal: AbortSignal) => {
      const stream = await transport.open({
        method: 'GET',
        path: collectionPath(res, namespace),
        query: {
          watch: 'true',
          resourceVersion,
          allowWatchBookmarks: 'true',
          timeoutSeconds,
          labelSelector: list.labelSelector,
          fieldSelector: list.fieldSelector,
        },
        signal,
        // A healthy watch may be silent for as long as the server keeps it open.
        idleTimeoutMs: (timeoutSeconds + 30) * 1000,
      });
      return addKinds(parseWatchStream(stream), res);
    },
  };
  return watchUntil(source, onEvent, wait, { ...retry, what }).catch((err: unknown) => {
    throw withServerContext(
      err,
      `lost the Kubernetes API server ${transport.describeServer()} while watching ${what}`,
      wait.signal?.aborted,
    );
  });
}

/** An object as the server sends it in a list or a watch: apiVersion and kind may be left out. */
type ServedObject = Partial<KubeObject> & Pick<KubeObject, 'metadata'>;

/** List items come without apiVersion/kind from a real API server; callers expect them. */
export function withKind(obj: unknown, res: ResourceRef): KubeObject {
  const item = obj as ServedObject;
  if (item && typeof item === 'object' && (!item.apiVersion || !item.kind)) {
    return { apiVersion: res.apiVersion, kind: res.kind, ...item };
  }
  return item as KubeObject;
}

async function* addKinds(
  events: AsyncIterable<RawWatchEvent>,
  res: ResourceRef,
): AsyncGenerator<RawWatchEvent> {
  for await (const event of events) {
    yield event.type === 'ERROR' || event.type === 'BOOKMARK'
      ? event
      : { ...event, object: withKind(event.object, res) };
  }
}
