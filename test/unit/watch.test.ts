import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { KubeApiError, type KubeObject } from '../../src/kube/types.ts';
import { valueAt } from '../../src/plain-values.ts';
import {
  parseWatchStream,
  watchUntil,
  WaitTimeoutError,
  type RawWatchEvent,
  type WatchSource,
} from '../../src/kube/watch.ts';

const pod = (name: string, rv: string, ready = false): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'ns', resourceVersion: rv },
  status: { ready },
});

/** A scripted source: each watch() call takes the next script entry (events, or an error to throw). */
function scripted(lists: KubeObject[][], watches: (RawWatchEvent[] | Error | 'hang')[]) {
  const calls: string[] = [];
  const source: WatchSource = {
    async list() {
      const items = lists.shift() ?? [];
      calls.push('list');
      return { items, resourceVersion: items.at(-1)?.metadata.resourceVersion ?? '1' };
    },
    async watch(rv, _timeout, signal) {
      calls.push(`watch@${rv}`);
      const next = watches.shift() ?? 'hang';
      if (next instanceof Error) throw next;
      if (next === 'hang') {
        return (async function* () {
          yield* await new Promise<RawWatchEvent[]>((_resolve, reject) =>
            signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
          );
        })();
      }
      return (async function* () {
        yield* next;
      })();
    },
  };
  return { source, calls };
}

const tuning = { retries: 3, minDelayMs: 1, what: 'pods in ns' };

describe('watchUntil', () => {
  test('the list snapshot is offered as ADDED events and can satisfy the predicate at once', async () => {
    const { source, calls } = scripted([[pod('a', '5', true)]], []);
    const seen: string[] = [];
    const result = await watchUntil(
      source,
      (ev, snap) => {
        seen.push(`${ev.type} ${ev.object.metadata.name} ${snap.size}`);
        return valueAt(ev.object, ['status', 'ready']) ? 'ready' : undefined;
      },
      { timeoutMs: 5000 },
      tuning,
    );
    assert.equal(result, 'ready');
    assert.deepEqual(seen, ['ADDED a 1']);
    assert.deepEqual(calls, ['list']);
  });

  test('resumes from the last resourceVersion after a stream ends or is reset, re-lists on 410', async () => {
    const reset = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    const { source, calls } = scripted(
      [[pod('a', '5')], [pod('a', '9'), pod('b', '10')], [pod('a', '9'), pod('b', '10')]],
      [
        [{ type: 'MODIFIED', object: pod('a', '6') }],
        reset,
        [
          { type: 'BOOKMARK', object: { metadata: { resourceVersion: '8' } } },
          { type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } },
        ],
        new KubeApiError(410, 'too old'),
        [
          { type: 'DELETED', object: pod('b', '11') },
          { type: 'MODIFIED', object: pod('a', '12', true) },
        ],
      ],
    );
    const types: string[] = [];
    const result = await watchUntil(
      source,
      (ev, snap) => {
        types.push(`${ev.type}:${ev.object.metadata.name}`);
        return valueAt(ev.object, ['status', 'ready']) ? [...snap.keys()] : undefined;
      },
      { timeoutMs: 5000 },
      tuning,
    );
    assert.deepEqual(result, ['ns/a']);
    assert.deepEqual(calls, [
      'list',
      'watch@5',
      'watch@6',
      'watch@6',
      'list',
      'watch@10',
      'list',
      'watch@10',
    ]);
    assert.deepEqual(types, [
      'ADDED:a',
      'MODIFIED:a',
      'ADDED:a',
      'ADDED:b',
      'ADDED:a',
      'ADDED:b',
      'DELETED:b',
      'MODIFIED:a',
    ]);
  });

  test('times out with an error naming what it waited for', async () => {
    const { source } = scripted([[pod('a', '5')]], ['hang']);
    await assert.rejects(
      watchUntil(
        source,
        () => undefined,
        { timeoutMs: 50, description: 'deployment "web" to become available' },
        tuning,
      ),
      (err: Error) =>
        err instanceof WaitTimeoutError && /deployment "web" to become available/.test(err.message),
    );
  });

  test('abort stops the wait with a clear error', async () => {
    const { source } = scripted([[pod('a', '5')]], ['hang']);
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(new Error('cancelled')), 20);
    await assert.rejects(
      watchUntil(
        source,
        () => undefined,
        { timeoutMs: 10_000, signal: ctl.signal, description: 'pods of web' },
        tuning,
      ),
      (err: Error) => err.name === 'AbortError' && /pods of web: aborted/.test(err.message),
    );
  });

  test('a non-retryable error and an ERROR event other than 410 stop the watch', async () => {
    const a = scripted([[]], [new KubeApiError(403, 'forbidden')]);
    await assert.rejects(
      watchUntil(a.source, () => undefined, { timeoutMs: 5000 }, tuning),
      (err: unknown) => err instanceof KubeApiError && err.code === 403,
    );
    const b = scripted([[]], [[{ type: 'ERROR', object: { kind: 'Status', code: 403, message: 'nope' } }]]);
    await assert.rejects(
      watchUntil(b.source, () => undefined, { timeoutMs: 5000 }, tuning),
      (err: unknown) => err instanceof KubeApiError && err.code === 403,
    );
  });

  test('gives up after `retries` consecutive failed reconnects', async () => {
    const down = () => new KubeApiError(503, 'down');
    const { source, calls } = scripted([[]], [down(), down(), down(), down(), down()]);
    await assert.rejects(
      watchUntil(source, () => undefined, { timeoutMs: 5000 }, tuning),
      (err: unknown) => err instanceof KubeApiError && err.code === 503,
    );
    assert.equal(calls.filter((c) => c.startsWith('watch')).length, 4);
  });
});

test('parseWatchStream splits lines across chunk boundaries and drops a cut last line', async () => {
  const line = (rv: string) => JSON.stringify({ type: 'ADDED', object: pod('a', rv) });
  const text = `${line('1')}\n${line('2')}\n{"type":"ADD`;
  const chunks = [text.slice(0, 10), text.slice(10, 70), text.slice(70)].map((s) => Buffer.from(s));
  const events: RawWatchEvent[] = [];
  for await (const ev of parseWatchStream(Readable.from(chunks))) events.push(ev);
  assert.deepEqual(
    events.map((e) => valueAt(e.object, ['metadata', 'resourceVersion'])),
    ['1', '2'],
  );
});
