// inParallel (src/kube/parallel.ts): API calls at most API_CONCURRENCY at a time, results in
// input order, the first error stopping the rest.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { API_CONCURRENCY, inParallel } from '../../src/kube/parallel.ts';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('inParallel', () => {
  it('keeps at most API_CONCURRENCY calls in flight, and answers in input order', async () => {
    let inFlight = 0;
    let most = 0;
    const items = Array.from({ length: 30 }, (_, i) => i);
    const results = await inParallel(items, async (i) => {
      inFlight++;
      most = Math.max(most, inFlight);
      // Later items finish first: the order of the answers is not the order of completion.
      for (let n = 0; n < 30 - i; n++) await tick();
      inFlight--;
      return i * 2;
    });
    assert.equal(API_CONCURRENCY, 8);
    assert.equal(most, API_CONCURRENCY);
    assert.deepEqual(
      results,
      items.map((i) => i * 2),
    );
  });

  it('rejects with the first error and starts nothing after it', async () => {
    const started: number[] = [];
    const boom = new Error('forbidden');
    await assert.rejects(
      inParallel(
        Array.from({ length: 20 }, (_, i) => i),
        async (i) => {
          started.push(i);
          await tick();
          if (i === 0) throw boom;
          return i;
        },
      ),
      (err) => err === boom,
    );
    await tick();
    assert.deepEqual(started, [0, 1, 2, 3, 4, 5, 6, 7]);
  });
});
