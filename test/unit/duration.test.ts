import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { formatDuration, parseDuration, sleep, tryParseDuration } from '../../src/duration.ts';
import { InputError } from '../../src/errors.ts';

describe('formatDuration', () => {
  const cases: Array<[number, string]> = [
    [0, '0s'],
    [250, '250ms'],
    [1000, '1s'],
    [1500, '1.5s'],
    [12_300, '12s'],
    [90_000, '1m 30s'],
    [120_000, '2m'],
    [252_400, '4m 12s'],
    [3_600_000, '1h'],
    [5_400_000, '1h 30m'],
    [3_780_000, '1h 3m'],
    [-1, '—'],
    [Number.NaN, '—'],
  ];
  for (const [ms, text] of cases) {
    it(`${ms} → ${text}`, () => assert.equal(formatDuration(ms), text));
  }

  it('shows what parseDuration reads back for whole seconds and minutes', () => {
    for (const text of ['1s', '2m', '1h', '1h 30m', '4m 12s']) {
      const ms = tryParseDuration(text.replace(' ', ''))!;
      assert.equal(formatDuration(ms), text);
    }
  });
});

describe('parseDuration', () => {
  it('names the input and line of text it cannot read', () => {
    assert.throws(
      () => parseDuration('soon', { input: 'lock-timeout', line: 3 }),
      (err: unknown) =>
        err instanceof InputError && /lock-timeout.*invalid duration 'soon'/.test(err.message),
    );
  });
});

describe('sleep', () => {
  it('resolves once the time has passed, not before, and stops listening to the signal', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const signal = new AbortController().signal;
    let resolved = false;
    const waiting = sleep(1000, signal).then(() => (resolved = true));
    assert.equal(getEventListeners(signal, 'abort').length, 1);
    t.mock.timers.tick(999);
    await new Promise(setImmediate);
    assert.equal(resolved, false, 'still waiting 1 ms before the end');
    t.mock.timers.tick(1);
    await waiting;
    assert.equal(resolved, true);
    assert.equal(getEventListeners(signal, 'abort').length, 0, 'no listener left behind');
  });

  it('without a signal, resolves once the time has passed', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    let resolved = false;
    const waiting = sleep(50).then(() => (resolved = true));
    await new Promise(setImmediate);
    assert.equal(resolved, false);
    t.mock.timers.tick(50);
    await waiting;
    assert.equal(resolved, true);
  });

  it("rejects with the signal's reason when aborted while waiting", async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled');
    const waiting = sleep(60_000, controller.signal);
    controller.abort(reason);
    await assert.rejects(waiting, (err) => err === reason);
  });

  it('rejects at once when the signal has already aborted', async () => {
    const reason = new Error('too late');
    await assert.rejects(sleep(60_000, AbortSignal.abort(reason)), (err) => err === reason);
  });
});
