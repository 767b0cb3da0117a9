import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { latestWins } from '../../src/reporters/latest-wins.ts';

/** A send whose calls stay open until the test lets them go. */
function gatedSend() {
  const sent: string[] = [];
  const gates: (() => void)[] = [];
  const send = (value: string) =>
    new Promise<void>((resolve) => {
      sent.push(value);
      gates.push(resolve);
    });
  const release = async () => {
    gates.shift()?.();
    await new Promise((r) => setImmediate(r));
  };
  return { sent, send, release };
}

describe('latestWins', () => {
  it('returns at once, sends one at a time, and of those that arrive meanwhile only the newest', async () => {
    const { sent, send, release } = gatedSend();
    const queue = latestWins(send, (err) => assert.fail(err as Error));
    queue.push('step 1');
    queue.push('step 2');
    queue.push('step 3');
    assert.deepEqual(sent, ['step 1'], 'the first goes out, the caller does not wait for it');
    await release();
    assert.deepEqual(sent, ['step 1', 'step 3'], 'step 2 was stale before it could go');
    await release();
    queue.push('step 4');
    assert.deepEqual(sent, ['step 1', 'step 3', 'step 4']);
    await release();
  });

  it('settle waits for the report that is out and drops the one waiting', async () => {
    const { sent, send, release } = gatedSend();
    const queue = latestWins(send, (err) => assert.fail(err as Error));
    queue.push('a');
    queue.push('b');
    let settled = false;
    const settling = queue.settle().then(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(settled, false, 'still waiting for a');
    await release();
    await settling;
    assert.deepEqual(sent, ['a']);
  });

  it('passes a failed send to onError and goes on with the next', async () => {
    const errors: string[] = [];
    const sent: string[] = [];
    const queue = latestWins(
      async (v: string) => {
        sent.push(v);
        if (v === 'bad') throw new Error('GitHub said 502');
      },
      (err) => errors.push((err as Error).message),
    );
    queue.push('bad');
    queue.push('good');
    await new Promise((r) => setImmediate(r));
    await queue.settle();
    assert.deepEqual(errors, ['GitHub said 502']);
    assert.deepEqual(sent, ['bad', 'good']);
  });
});
