// The GitHub deployment bookkeeping, pure: what a new release inherits from the stored one, which
// statuses each outcome posts, and the hint given when GitHub refuses.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { permissionHint } from '../../src/github/hints.ts';
import { inheritedGitHubLinks } from '../../src/record/github-links.ts';
import { REQUESTED_ROLLBACK, type DeploymentRef, type RolloutRecord } from '../../src/record/types.ts';
import { drivesRelease, finalUpdates, startUpdates } from '../../src/reporters/deployment-updates.ts';
import { promotedCanary } from '../helpers/sample-record.ts';

const ref = (id: number, version: string, environment = 'production'): DeploymentRef => ({
  id,
  version,
  environment,
});
const current = ref(2, '1.5.0');
const stable = ref(1, '1.4.0');
const record = (over: Partial<RolloutRecord>): RolloutRecord => ({ ...promotedCanary(), ...over });
const states = (updates: ReturnType<typeof finalUpdates>) =>
  updates.map((u) => `${u.deployment.id}:${u.state}`);

describe('which statuses a run posts', () => {
  it('promoted: success, and the deployment it replaced inactive (same environment only)', () => {
    assert.deepEqual(states(finalUpdates(record({ result: 'promoted' }), current, stable)), [
      '2:success',
      '1:inactive',
    ]);
    const staging = ref(1, '1.4.0', 'staging');
    assert.deepEqual(states(finalUpdates(record({ result: 'promoted' }), current, staging)), ['2:success']);
  });

  it('rolled back automatically: failure; by request: inactive, and the restored version success again', () => {
    const automatic = record({
      result: 'rolled-back',
      rollbackReason: 'error-rate 0.2',
      servingVersion: '1.4.0',
    });
    assert.deepEqual(states(finalUpdates(automatic, current, stable)), ['2:failure']);
    const cancelled = record({
      ...automatic,
      rollbackReason: 'the workflow was cancelled',
      action: 'rollback',
    });
    assert.deepEqual(
      states(finalUpdates(cancelled, current, stable)),
      ['2:failure'],
      'a cancel is no request',
    );
    const requested = record({
      action: 'rollback',
      result: 'rolled-back',
      rollbackReason: REQUESTED_ROLLBACK,
      servingVersion: '1.4.0',
    });
    assert.deepEqual(states(finalUpdates(requested, current, stable)), ['2:inactive', '1:success']);
    const elsewhere = record({ ...requested, servingVersion: '1.3.0' });
    assert.deepEqual(
      states(finalUpdates(elsewhere, current, stable)),
      ['2:inactive'],
      'to-revision: the version now served has no deployment of ours',
    );
  });

  it('failed: failure; paused, unchanged, status and plan: nothing; no deployment: nothing', () => {
    assert.deepEqual(states(finalUpdates(record({ result: 'failed' }), current, stable)), ['2:failure']);
    for (const result of ['paused', 'unchanged', 'progressing', 'rolling-back'] as const)
      assert.deepEqual(finalUpdates(record({ result }), current, stable), [], result);
    assert.deepEqual(finalUpdates(record({ action: 'status', result: 'promoted' }), current, stable), []);
    assert.deepEqual(finalUpdates(record({ result: 'promoted' }), undefined, stable), []);
  });

  it('a deploy or promote run that moves the release on: in progress, and a superseded release inactive', () => {
    const running = record({ result: undefined, action: 'promote' });
    assert.ok(drivesRelease(running));
    assert.ok(!drivesRelease(record({ result: undefined, action: 'rollback' })));
    assert.ok(
      !drivesRelease(record({ result: undefined, rollbackReason: 'superseded by 1.6.0' })),
      'returning to stable',
    );
    assert.ok(!drivesRelease(record({ action: 'deploy' })), 'finished');
    assert.deepEqual(
      startUpdates(running, current, ref(3, '1.4.5')).map((u) => `${u.deployment.id}:${u.state}`),
      ['2:in_progress', '3:inactive'],
    );
    assert.deepEqual(
      startUpdates(running, undefined, ref(3, '1.4.5')).map((u) => `${u.deployment.id}:${u.state}`),
      ['3:inactive'],
      'a release without statuses still retires the one it superseded',
    );
  });
});

describe('what a new release inherits from the stored one', () => {
  const links = {
    deployment: {
      environment: 'production',
      productionEnvironment: true,
      transientEnvironment: false,
      id: 2,
    },
    stableDeployment: stable,
    comment: { issueNumber: 7, id: 70 },
  };

  it('after a promotion: the promoted deployment is the stable one', () => {
    const promoted = record({ github: links });
    assert.deepEqual(inheritedGitHubLinks(promoted, { previousVersion: '1.5.0' }), {
      stableDeployment: current,
      comment: links.comment,
    });
  });

  it('after a rollback: the stable one stays; superseding: the superseded deployment too', () => {
    const rolledBack = record({ result: 'rolled-back', github: links });
    assert.deepEqual(inheritedGitHubLinks(rolledBack, { previousVersion: '1.4.0' }), {
      stableDeployment: stable,
      comment: links.comment,
    });
    const paused = record({ result: 'paused', github: links });
    assert.deepEqual(inheritedGitHubLinks(paused, { previousVersion: '1.4.0', supersededVersion: '1.5.0' }), {
      stableDeployment: stable,
      supersededDeployment: current,
      comment: links.comment,
    });
  });

  it('nothing from a release without links, or a version no deployment of ours served', () => {
    assert.equal(inheritedGitHubLinks(promotedCanary(), { previousVersion: '1.5.0' }), undefined);
    assert.equal(inheritedGitHubLinks(undefined, { previousVersion: '1.5.0' }), undefined);
    const noComment = record({ github: { ...links, comment: undefined } });
    assert.equal(inheritedGitHubLinks(noComment, { previousVersion: '0.9.0' }), undefined);
  });
});

describe('the hint when GitHub refuses', () => {
  it('names the permission, unless GitHub made the token read-only (a fork, Dependabot)', () => {
    assert.match(permissionHint('pull-requests: write', {}), /needs `pull-requests: write`.*permissions:/);
    const fork = permissionHint('pull-requests: write', { readOnlyToken: 'fork' });
    assert.match(fork, /fork/);
    assert.match(fork, /pull_request_target/);
    assert.match(fork, /`comment: false`/);
    assert.doesNotMatch(fork, /needs `pull-requests: write`/);
    assert.match(
      permissionHint('deployments: write', { readOnlyToken: 'dependabot' }),
      /`deployment-status: false`/,
    );
  });
});
