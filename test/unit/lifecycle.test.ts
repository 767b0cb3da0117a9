// The lifecycle table (src/engine/lifecycle/lifecycle.ts) is the one place the (phase × action) behaviour is
// decided; the README documents it. These tests keep the two the same and pin the rules that
// protect users (a paused release is never promoted by a re-run deploy, status never fails).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  describeTransition,
  LIFECYCLE,
  REQUESTS,
  type Request,
  transitionFor,
  writes,
} from '../../src/engine/lifecycle/lifecycle.ts';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

function readmeTable(): string[][] {
  const block = README.split('<!-- lifecycle:start -->')[1]?.split('<!-- lifecycle:end -->')[0] ?? '';
  return block
    .trim()
    .split('\n')
    .slice(2)
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
}

describe('release lifecycle table', () => {
  it('the README table is the code table, cell by cell', () => {
    const rows = readmeTable();
    assert.deepEqual(
      rows.map((r) => r[0]),
      Object.keys(LIFECYCLE),
      'one README row per stored phase, in order',
    );
    for (const [phase, ...cells] of rows) {
      const expected = REQUESTS.map((c) => describeTransition(LIFECYCLE[phase as keyof typeof LIFECYCLE][c]));
      assert.deepEqual(cells, expected, `row ${phase}`);
    }
  });

  it('deploying the version that waits for approval again never promotes it', () => {
    assert.deepEqual(transitionFor('paused', 'deploy-same'), {
      kind: 'report',
      result: 'paused',
      why: 'this version is already paused: run `action: promote` to continue',
    });
  });

  it('a new version supersedes every unfinished release, and a failed one of the same version', () => {
    for (const phase of ['progressing', 'rolling-back', 'paused', 'failed'] as const)
      assert.equal(transitionFor(phase, 'deploy-other').kind, 'supersede', phase);
    assert.equal(transitionFor('failed', 'deploy-same').kind, 'supersede');
  });

  it('status only reads and never fails, whatever the phase', () => {
    for (const phase of Object.keys(LIFECYCLE) as (keyof typeof LIFECYCLE)[]) {
      const t = transitionFor(phase, 'status');
      assert.equal(writes(t), false, phase);
      assert.ok(t.kind === 'describe' || (t.kind === 'report' && !t.fails), phase);
    }
  });

  it('the post step (cancel) never starts, resumes or undoes a release: it only restores stable or reports', () => {
    for (const phase of Object.keys(LIFECYCLE) as (keyof typeof LIFECYCLE)[]) {
      const t = transitionFor(phase, 'cancel');
      assert.ok(
        t.kind === 'report' ||
          (t.kind === 'restore-stable' && t.cause === 'cancelled') ||
          (t.kind === 'recover' && !t.then),
        phase,
      );
    }
    // Every release that may still send traffic to the cancelled version goes back to stable.
    for (const phase of ['progressing', 'rolling-back', 'failed'] as const)
      assert.equal(transitionFor(phase, 'cancel').kind, 'restore-stable', phase);
  });

  it('rollback of a finished release undoes; of an unfinished one restores stable', () => {
    for (const phase of ['none', 'promoted', 'rolled-back'] as const)
      assert.equal(transitionFor(phase, 'rollback').kind, 'undo', phase);
    for (const phase of ['progressing', 'rolling-back', 'paused', 'failed'] as const)
      assert.equal(transitionFor(phase, 'rollback').kind, 'restore-stable', phase);
  });
});

describe('what a report tells the user', () => {
  // A `report` changes nothing: its reason is all the user gets, so each one says what to do next.
  const why = (phase: keyof typeof LIFECYCLE, request: Request) => {
    const t = transitionFor(phase, request);
    assert.equal(t.kind, 'report', `${phase} × ${request}`);
    return t.kind === 'report' ? t.why : '';
  };

  it('promote without a release, of a rolled-back or a failed one: why, and what to run instead', () => {
    assert.match(why('none', 'promote'), /there is no release to promote/);
    assert.match(why('rolled-back', 'promote'), /rolled back: deploy it again/);
    assert.match(why('failed', 'promote'), /failed: deploy again, or roll back/);
    assert.match(why('promoted', 'promote'), /already promoted/);
  });

  it('status of nothing says nothing was recorded; of a release, it describes it and changes nothing', () => {
    assert.match(why('none', 'status'), /no release has been recorded/);
    for (const phase of ['progressing', 'paused', 'promoted', 'failed'] as const) {
      assert.equal(transitionFor(phase, 'status').kind, 'describe', phase);
      assert.equal(writes(transitionFor(phase, 'status')), false, phase);
    }
  });

  it('what a report says where the state is damaged or gone, nothing was recorded, or a later run owns it', () => {
    assert.match(why('damaged', 'status'), /cannot be read: run `action: rollback`, or delete the ConfigMap/);
    assert.match(why('orphaned', 'status'), /state is gone .* run `action: rollback` to return to stable/);
    assert.match(why('none', 'cancel'), /cancelled before it recorded a release: nothing changed/);
    assert.match(why('promoted', 'cancel'), /not in progress: nothing to recover/);
    assert.match(why('paused', 'deploy-older'), /superseded by a later run of this workflow/);
  });

  it('every cell but a report or a description writes', () => {
    for (const [phase, row] of Object.entries(LIFECYCLE))
      for (const [request, t] of Object.entries(row))
        assert.equal(writes(t), t.kind !== 'report' && t.kind !== 'describe', `${phase} × ${request}`);
    assert.equal(writes(transitionFor('none', 'deploy-same')), true);
    assert.equal(writes(transitionFor('paused', 'promote')), true);
  });

  it('a report fails the step only where the request cannot be met', () => {
    const failing = Object.entries(LIFECYCLE).flatMap(([phase, row]) =>
      Object.entries(row)
        .filter(([, t]) => t.kind === 'report' && t.fails)
        .map(([request]) => `${phase} × ${request}`),
    );
    assert.deepEqual(failing, ['none × promote', 'rolled-back × promote', 'failed × promote']);
    assert.equal('fails' in transitionFor('promoted', 'promote'), false, 'no `fails: false` written out');
  });
});
