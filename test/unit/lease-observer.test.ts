// Lease expiry as a waiting run sees it (client-go's observedRecord/observedTime): counted on the
// run's own monotonic clock from when it saw the record change, never from the holder's renewTime.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LeaseObserver } from '../../src/engine/lease/lock.ts';
import { lockNote } from '../../src/engine/lease/lock-status.ts';

const HOUR_AHEAD = '2099-01-01T00:00:00.000000Z';
const LONG_AGO = '2001-01-01T00:00:00.000000Z';

function fakeClock() {
  const clock = { t: 5_000, now: () => clock.t };
  return clock;
}

const record = (renewTime: string, holder = 'run-1', seconds: number | null = 30) => ({
  holderIdentity: holder,
  acquireTime: renewTime,
  renewTime,
  ...(seconds !== null ? { leaseDurationSeconds: seconds } : {}),
  leaseTransitions: 2,
});

test('a record is held until it has stood unchanged for its lease duration on our clock', () => {
  for (const renewTime of [HOUR_AHEAD, LONG_AGO]) {
    const clock = fakeClock();
    const observer = new LeaseObserver(clock.now);
    const spec = record(renewTime);
    observer.see(spec);
    assert.equal(observer.isFree(spec), false, `${renewTime}: just seen`);
    clock.t += 29_999;
    observer.see(spec);
    assert.equal(observer.isFree(spec), false, `${renewTime}: 1 ms short of the lease`);
    clock.t += 1;
    assert.equal(observer.isFree(spec), true, `${renewTime}: unchanged for the lease duration`);
  }
});

test('every change of the record starts the count again, whatever time it carries', () => {
  const clock = fakeClock();
  const observer = new LeaseObserver(clock.now);
  observer.see(record('2026-01-01T00:00:00.000000Z'));
  clock.t += 25_000;
  // The holder renews with a clock 120 s behind: its renewTime looks old, but it changed.
  const renewed = record('2026-01-01T00:00:10.000000Z');
  observer.see(renewed);
  clock.t += 25_000;
  assert.equal(observer.isFree(renewed), false);
  assert.equal(observer.unchangedForMs(), 25_000);
  // Reading the same record again does not restart the count.
  observer.see({ ...renewed });
  clock.t += 5_000;
  assert.equal(observer.isFree(renewed), true);
});

test('a released Lease (holder cleared) is free at once', () => {
  const clock = fakeClock();
  const observer = new LeaseObserver(clock.now);
  const released = record(HOUR_AHEAD, '');
  observer.see(released);
  assert.equal(observer.isFree(released), true);
});

test("the record's own lease duration counts; one without a duration gets ours", () => {
  const clock = fakeClock();
  const short = new LeaseObserver(clock.now, 30);
  const spec = record(LONG_AGO, 'run-1', 2);
  short.see(spec);
  clock.t += 2_000;
  assert.equal(short.isFree(spec), true, 'the holder said 2 s');

  const bare = record(LONG_AGO, 'run-1', null);
  const fallback = new LeaseObserver(clock.now, 10);
  fallback.see(bare);
  clock.t += 9_999;
  assert.equal(fallback.isFree(bare), false);
  clock.t += 1;
  assert.equal(fallback.isFree(bare), true);
});

test("status notes give the holder's own times and label this runner's view as a hint", () => {
  const held = lockNote({
    holder: 'run-7',
    leaseDurationSeconds: 30,
    renewedAt: '2026-11-21T22:30:00.000Z',
    expiresAt: '2026-11-21T22:30:30.000Z',
    renewedSecondsAgo: 4,
    expired: false,
  });
  assert.match(held!, /run run-7 holds the release lock/);
  assert.match(
    held!,
    /last renewed 2026-11-21T22:30:00.000Z by its holder's clock, 4s ago by this runner's clock \(clocks may differ\)/,
  );

  const stale = lockNote(
    {
      holder: 'run-7',
      leaseDurationSeconds: 30,
      renewedAt: LONG_AGO,
      renewedSecondsAgo: 9000,
      expired: true,
    },
    'progressing 1.2.0',
  );
  assert.match(
    stale!,
    /run run-7 was progressing 1.2.0 and holds the release lock but looks like it stopped renewing it/,
  );
  assert.match(stale!, /takes the release over once it has seen the Lease unchanged for 30s/);

  assert.match(lockNote(undefined, 'rolling-back 1.2.0')!, /the run that was rolling-back 1.2.0 is gone/);
  assert.equal(lockNote(undefined), undefined, 'nothing to say of a finished release nobody holds');
});
