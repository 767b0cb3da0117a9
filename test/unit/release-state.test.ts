import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { reportOf } from '../../src/record/report.ts';
import { STATE_SCHEMA, type ReleaseState } from '../../src/record/types.ts';
import { migrateState, READABLE_SCHEMAS } from '../../src/state/migrate.ts';
import { serializeState } from '../../src/state/release-state.ts';
import { microTime } from '../../src/engine/lease/lock.ts';

function bigState(measurements: number, logLines: number): ReleaseState {
  return {
    schema: 2,
    name: 'web',
    phase: 'progressing',
    strategy: 'canary',
    newVersion: '1.1.0',
    currentStep: 2,
    canaryWeight: 20,
    rendered: [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } }],
    stableSnapshot: [],
    updatedAt: '2026-11-21T22:00:00Z',
    record: {
      app: 'web',
      namespace: 'prod',
      action: 'deploy',
      startedAt: '2026-11-21T22:00:00Z',
      steps: [],
      measurements: Array.from({ length: measurements }, (_, i) => ({
        metric: 'error-rate',
        provider: 'prometheus',
        at: new Date(Date.UTC(2026, 10, 21, 22, 0, i)).toISOString(),
        phase: 'Successful',
        value: i,
        query: 'x'.repeat(200),
      })),
      evidence: [
        {
          workload: 'web',
          pod: 'web-1',
          reason: 'CrashLoopBackOff',
          logTail: Array.from({ length: logLines }, (_, i) => `line ${i} ${'y'.repeat(100)}`),
        },
      ],
      weights: [],
      notes: [],
    },
  };
}

test('a small state is stored as is', () => {
  const state = bigState(3, 3);
  assert.deepEqual(JSON.parse(serializeState(state)), state);
});

test('a state is stored as ASCII: other characters as JSON escapes, read back unchanged', () => {
  const state = bigState(1, 1);
  state.record.notes.push('superseded 1.0.0 → 1.1.0 ≈ now 🚀', 'a lone \ud800 surrogate');
  const text = serializeState(state);
  assert.match(text, /^[\x20-\x7e]*$/);
  assert.match(text, /\\u2192/);
  assert.deepEqual(JSON.parse(text), state);
});

test('an oversized state is trimmed (log tails first, then the oldest measurements) and says so', () => {
  const state = bigState(400, 200);
  const full = JSON.stringify(state).length;
  const text = serializeState(state, 60_000);
  assert.ok(full > 60_000);
  assert.ok(Buffer.byteLength(text) <= 60_000);
  const trimmed = JSON.parse(text) as ReleaseState;
  assert.ok(trimmed.record.evidence[0].logTail!.length <= 20);
  assert.equal(
    trimmed.record.evidence[0].logTail!.at(-1),
    state.record.evidence[0].logTail!.at(-1),
    'keeps the newest log lines',
  );
  assert.ok(trimmed.record.measurements.length < 400);
  assert.equal(trimmed.record.measurements.at(-1)!.value, 399, 'keeps the newest measurements');
  assert.match(trimmed.record.notes.at(-1)!, /trimmed to fit its ConfigMap/);
  assert.equal(state.record.measurements.length, 400, 'the caller’s state is not modified');
});

test('a state that cannot fit is an error, not a silent loss', () => {
  const state = bigState(0, 0);
  state.rendered = [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { z: 'z'.repeat(100_000) } },
  ];
  assert.throws(() => serializeState(state, 50_000), /more than a ConfigMap holds/);
});

test('Lease times are RFC 3339 with exactly six fraction digits (MicroTime)', () => {
  assert.equal(microTime(new Date(Date.UTC(2026, 10, 21, 22, 30, 0, 123))), '2026-11-21T22:30:00.123000Z');
  assert.equal(microTime(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 0))), '2026-01-02T03:04:05.000000Z');
});

describe('older stored states', () => {
  // As a version before schema 2 wrote it: the position in the state and again in its record.
  const schemaOne = {
    schema: 1,
    name: 'web',
    phase: 'paused',
    strategy: 'canary',
    traffic: 'nginx',
    stableVersion: '1.0.0',
    newVersion: '1.1.0',
    currentStep: 3,
    canaryWeight: 40,
    rendered: [],
    stableSnapshot: [],
    updatedAt: '2026-11-21T22:40:00Z',
    record: {
      app: 'web',
      namespace: 'shop',
      action: 'deploy',
      strategy: 'canary',
      traffic: 'nginx',
      newVersion: '1.1.0',
      // A resume corrected only the state's copy: the state's wins.
      canaryWeight: 10,
      servingVersion: '1.0.0',
      runUrl: 'https://github.com/o/r/actions/runs/1',
      startedAt: '2026-11-21T22:30:00Z',
      steps: [],
      measurements: [],
      evidence: [],
      weights: [{ at: '2026-11-21T22:30:01Z', weight: 40 }],
      notes: ['kept'],
    },
  };

  test('schema 1 reads as the current schema: the state keeps the position, the record the history', () => {
    const state = migrateState(structuredClone(schemaOne) as never);
    assert.equal(state.schema, STATE_SCHEMA);
    assert.equal(state.canaryWeight, 40);
    assert.equal(state.servingVersion, '1.0.0', 'taken from the record when the state had none');
    assert.equal(state.runUrl, 'https://github.com/o/r/actions/runs/1');
    assert.deepEqual(Object.keys(state.record).sort(), [
      'action',
      'app',
      'evidence',
      'measurements',
      'namespace',
      'notes',
      'startedAt',
      'steps',
      'weights',
    ]);
    assert.deepEqual(reportOf(state).canaryWeight, 40, 'reporters see the weight the state owns');
  });

  test('the current schema is read as it is; unknown ones are refused by the reader', () => {
    const current = migrateState(structuredClone(schemaOne) as never);
    assert.equal(migrateState(current), current);
    assert.deepEqual(READABLE_SCHEMAS, [1, 2]);
  });
});
