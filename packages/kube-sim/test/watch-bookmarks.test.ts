// Watch bookmarks (allowWatchBookmarks=true) as the API server's watch cache sends them
// (staging/src/k8s.io/apiserver/pkg/storage/cacher/cache_watcher.go, nextBookmarkTime): every
// bookmarkFrequency and 2 s before the watch times out, carrying only a resourceVersion.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSimCluster, type SimCluster } from '../src/index.ts';

interface Event {
  type: string;
  object: { metadata?: { resourceVersion?: string } } & Record<string, unknown>;
}

/** Every event of one watch stream, until the server ends it. */
async function watchAll(url: string): Promise<{ events: Event[]; at: number[] }> {
  const started = Date.now();
  const res = await fetch(url);
  assert.equal(res.status, 200);
  const events: Event[] = [];
  const at: number[] = [];
  let buffered = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffered += Buffer.from(chunk).toString('utf8');
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      events.push(JSON.parse(buffered.slice(0, nl)));
      at.push(Date.now() - started);
      buffered = buffered.slice(nl + 1);
    }
  }
  return { events, at };
}

const configMap = (name: string, namespace = 'default') => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data: {},
});

describe('watch bookmarks', () => {
  let sim: SimCluster;
  before(async () => {
    sim = await startSimCluster({ rps: 0, controllers: false, watchBookmarkSeconds: 0.3 });
  });
  after(async () => {
    await sim?.stop();
  });

  it('a bookmark carries the latest resourceVersion, even from changes the watch does not see', async () => {
    sim.store.create(configMap('seen'));
    const rv = sim.store.resourceVersion();
    const base = `${sim.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}&timeoutSeconds=2`;
    const stream = watchAll(`${base}&allowWatchBookmarks=true`);
    await new Promise((r) => setTimeout(r, 100));
    sim.store.create(configMap('elsewhere', 'kube-system')); // moves the resourceVersion only
    const latest = sim.store.resourceVersion();
    const { events } = await stream;
    const bookmarks = events.filter((e) => e.type === 'BOOKMARK');
    assert.ok(bookmarks.length >= 1, JSON.stringify(events));
    assert.deepEqual(bookmarks[0].object, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { resourceVersion: latest, creationTimestamp: null },
    });
    assert.equal(events.filter((e) => e.type !== 'BOOKMARK').length, 0, 'the other namespace is not watched');
    // Without allowWatchBookmarks, none.
    sim.store.create(configMap('elsewhere-2', 'kube-system'));
    const plain = await watchAll(`${base.replace(`resourceVersion=${rv}`, `resourceVersion=${latest}`)}`);
    assert.deepEqual(plain.events, []);
  });

  it('no bookmark repeats a resourceVersion the stream already carried', async () => {
    const rv = sim.store.resourceVersion();
    const { events } = await watchAll(
      `${sim.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}&timeoutSeconds=1&allowWatchBookmarks=true`,
    );
    assert.deepEqual(events, []);
  });
});

describe('the pre-timeout bookmark', () => {
  it('arrives 2 s before timeoutSeconds ends the watch (bookmarkFrequency left at 60 s)', async () => {
    const sim = await startSimCluster({ rps: 0, controllers: false });
    try {
      const rv = sim.store.resourceVersion();
      const stream = watchAll(
        `${sim.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}&timeoutSeconds=3&allowWatchBookmarks=true`,
      );
      sim.store.create(configMap('moved', 'kube-system'));
      const { events, at } = await stream;
      assert.deepEqual(
        events.map((e) => e.type),
        ['BOOKMARK'],
      );
      assert.ok(at[0] >= 900 && at[0] < 2500, `bookmark after ${at[0]} ms`);
    } finally {
      await sim.stop();
    }
  });
});
