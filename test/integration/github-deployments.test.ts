/**
 * GitHub deployments against the local fake of the REST API, through the real Octokit (with the
 * retry and throttling plugins): the API calls, then the reporter following one release through
 * its jobs with the links it hands back, as the release state carries them.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Config } from '../../src/config/types.ts';
import { createGitHubClient, type GitHubClient } from '../../src/github/client.ts';
import type { GitHubContext } from '../../src/github/context.ts';
import type { SummaryWriter } from '../../src/github/summary.ts';
import { createDeployment, postDeploymentStatus } from '../../src/github/deployment-status.ts';
import { REQUESTED_ROLLBACK, type RolloutRecord } from '../../src/record/types.ts';
import { applyReportFeedback, createReporters } from '../../src/reporters/index.ts';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fake-github.ts';
import { promotedCanary } from '../helpers/sample-record.ts';

const OWNER = 'acme';
const noSummary: SummaryWriter = { addRaw: () => noSummary, write: async () => undefined };
const REPO = 'shop';
let fake: FakeGitHub;
let octokit: GitHubClient;
let warnings: string[];

before(async () => {
  fake = await startFakeGitHub();
  octokit = (await createGitHubClient('test-token', fake.url))!;
});
after(() => fake.stop());
beforeEach(() => {
  warnings = [];
  fake.clearFailures();
});

const statesOf = (id: number | undefined) =>
  fake.statuses.filter((s) => s.deploymentId === id).map((s) => s.state);

describe('deployment API calls', () => {
  const target = { owner: OWNER, repo: REPO, environment: 'staging' };

  it('creates a deployment with the flags it is given and posts statuses naming its environment', async () => {
    const id = await createDeployment(octokit, {
      ...target,
      ref: 'beef',
      productionEnvironment: false,
      transientEnvironment: true,
      description: 'x'.repeat(300),
      payload: { app: 'web', version: '1.5.0' },
    });
    const deployment = fake.deployments.find((d) => d.id === id)!;
    assert.equal(deployment.body.ref, 'beef');
    assert.equal(deployment.body.environment, 'staging');
    assert.equal(deployment.body.auto_merge, false);
    assert.deepEqual(deployment.body.required_contexts, []);
    assert.equal(deployment.body.production_environment, false);
    assert.equal(deployment.body.transient_environment, true);
    assert.equal(String(deployment.body.description).length, 140);
    for (const state of ['in_progress', 'success'] as const)
      await postDeploymentStatus(octokit, {
        ...target,
        deploymentId: id,
        state,
        environmentUrl: 'https://staging.example',
        logUrl: 'https://github.com/acme/shop/actions/runs/42',
        description: `web 1.5.0 ${state}`,
      });
    const statuses = fake.statuses.filter((s) => s.deploymentId === id);
    assert.deepEqual(
      statuses.map((s) => [s.state, s.body.environment, s.body.environment_url, s.body.auto_inactive]),
      [
        ['in_progress', 'staging', 'https://staging.example', undefined],
        // The reporter marks the deployment a promotion replaced itself, in every environment.
        ['success', 'staging', 'https://staging.example', false],
      ],
    );
  });

  it('throws when GitHub refuses (the reporter warns)', async () => {
    fake.failWith(403, /\/deployments/);
    await assert.rejects(
      createDeployment(octokit, {
        ...target,
        ref: 'beef',
        productionEnvironment: false,
        transientEnvironment: false,
        description: 'web',
        payload: {},
      }),
      /Resource not accessible/,
    );
  });
});

describe('the deployment follows the release through its jobs (record.github)', () => {
  const github: GitHubContext = {
    repository: { owner: OWNER, repo: REPO },
    headSha: 'cafe',
    serverUrl: 'https://github.com',
    apiUrl: '',
    runUrl: 'https://github.com/acme/shop/actions/runs/7',
    payload: {},
  };
  /** One job's reporters: its own inputs, its own run URL. */
  function job(config: Partial<Config>, runId: string) {
    return createReporters({
      config: { githubToken: 'test-token', comment: false, ...config } as Config,
      github: { ...github, apiUrl: fake.url, runUrl: `https://github.com/acme/shop/actions/runs/${runId}` },
      summary: noSummary,
      setOutput: () => {},
      warn: (m) => void warnings.push(m),
    });
  }
  /** The record of a release of 1.5.0 that starts while 1.4.0 (deployment `stableId`) serves. */
  function startingRelease(stableId: number): RolloutRecord {
    return {
      ...promotedCanary(),
      action: 'deploy',
      result: undefined,
      servingVersion: '1.4.0',
      github: { stableDeployment: { id: stableId, version: '1.4.0', environment: 'production' } },
    };
  }
  async function stableDeployment(): Promise<number> {
    const id = await createDeployment(octokit, {
      owner: OWNER,
      repo: REPO,
      ref: 'old',
      environment: 'production',
      productionEnvironment: true,
      transientEnvironment: false,
      description: 'web 1.4.0',
      payload: {},
    });
    await postDeploymentStatus(octokit, {
      owner: OWNER,
      repo: REPO,
      deploymentId: id,
      state: 'success',
      environment: 'production',
      description: 'web 1.4.0',
    });
    return id;
  }

  it('deploy (paused), promote and rollback jobs with no deployment inputs, then status: one deployment', async () => {
    const stableId = await stableDeployment();
    const before = fake.deployments.length;
    const record = startingRelease(stableId);

    const deployJob = job(
      {
        deploymentStatus: true,
        environment: 'production',
        environmentUrl: 'https://shop.example',
        productionEnvironment: true,
        transientEnvironment: false,
      },
      '1',
    );
    const first = await deployJob.progress(record);
    assert.ok(
      !record.github || !('deployment' in record.github),
      'the reporter does not write into the record',
    );
    applyReportFeedback(record, first);
    const id = record.github?.deployment?.id;
    assert.equal(typeof id, 'number');
    assert.deepEqual(record.github?.stableDeployment, {
      id: stableId,
      version: '1.4.0',
      environment: 'production',
    });
    applyReportFeedback(record, await deployJob.progress(record));
    await deployJob.final({ ...record, result: 'paused' });
    assert.equal(fake.deployments.length, before + 1, 'one deployment for the deploy job');
    assert.deepEqual(statesOf(id), ['in_progress']);
    assert.equal(fake.deployments.at(-1)!.body.production_environment, true, 'from the input');

    // Later jobs pass no deployment inputs at all: the record (the state) says where to report.
    const promoteJob = job({ deploymentStatus: false }, '2');
    record.action = 'promote';
    applyReportFeedback(record, await promoteJob.progress(record));
    await promoteJob.final({ ...record, result: 'promoted', servingVersion: '1.5.0' });
    assert.deepEqual(statesOf(id), ['in_progress', 'in_progress', 'success']);
    assert.deepEqual(statesOf(stableId), ['success', 'inactive'], 'the version it replaced');

    const rollbackJob = job({ deploymentStatus: false }, '3');
    await rollbackJob.final({
      ...record,
      action: 'rollback',
      result: 'rolled-back',
      rollbackReason: REQUESTED_ROLLBACK,
      servingVersion: '1.4.0',
    });
    assert.deepEqual(statesOf(id), ['in_progress', 'in_progress', 'success', 'inactive']);
    assert.deepEqual(statesOf(stableId), ['success', 'inactive', 'success'], 'the restored version');

    const statusJob = job({ deploymentStatus: true, environment: 'elsewhere' }, '4');
    const requests = fake.requests.length;
    await statusJob.final({ ...record, action: 'status', result: 'rolled-back' });
    assert.equal(fake.requests.length, requests, 'status creates and posts nothing');
    assert.equal(fake.deployments.length, before + 1, 'still one deployment for the release');

    const posted = fake.statuses.filter((s) => s.deploymentId === id);
    assert.deepEqual(
      posted.map((s) => s.body.log_url),
      [1, 2, 2, 3].map((run) => `https://github.com/acme/shop/actions/runs/${run}`),
      'each status links the run that posted it',
    );
    assert.ok(
      posted.every(
        (s) => s.body.environment === 'production' && s.body.environment_url === 'https://shop.example',
      ),
    );
    assert.deepEqual(warnings, []);
  });

  it('an automatic rollback is a failure; the stable deployment is left as it is', async () => {
    const stableId = await stableDeployment();
    const record = startingRelease(stableId);
    const deployJob = job({ deploymentStatus: true, environment: 'production' }, '5');
    applyReportFeedback(record, await deployJob.progress(record));
    await deployJob.final({ ...record, result: 'rolled-back', rollbackReason: 'error-rate 0.2 > 0.05' });
    assert.deepEqual(statesOf(record.github?.deployment?.id), ['in_progress', 'failure']);
    assert.match(String(fake.statuses.at(-1)!.body.description), /rolled back, back on 1\.4\.0: error-rate/);
    assert.deepEqual(statesOf(stableId), ['success']);
  });

  it('a release that supersedes a paused one marks its deployment inactive as it starts', async () => {
    const stableId = await stableDeployment();
    const paused = startingRelease(stableId);
    applyReportFeedback(
      paused,
      await job({ deploymentStatus: true, environment: 'production' }, '6').progress(paused),
    );
    const pausedId = paused.github!.deployment!.id!;
    const next: RolloutRecord = {
      ...startingRelease(stableId),
      newVersion: '1.6.0',
      supersededVersion: '1.5.0',
      github: {
        stableDeployment: { id: stableId, version: '1.4.0', environment: 'production' },
        supersededDeployment: { id: pausedId, version: '1.5.0', environment: 'production' },
      },
    };
    const nextJob = job({ deploymentStatus: true, environment: 'production' }, '7');
    applyReportFeedback(next, await nextJob.progress(next));
    await nextJob.final({ ...next, result: 'paused' });
    assert.deepEqual(statesOf(pausedId), ['in_progress', 'inactive']);
    assert.deepEqual(statesOf(next.github?.deployment?.id), ['in_progress']);
    const promoteJob = job({}, '8');
    next.action = 'promote';
    await promoteJob.progress(next);
    await promoteJob.final({ ...next, result: 'promoted', servingVersion: '1.6.0' });
    assert.deepEqual(statesOf(pausedId), ['in_progress', 'inactive'], 'retired once, by the deploy run');
    assert.deepEqual(statesOf(next.github?.deployment?.id), ['in_progress', 'in_progress', 'success']);
  });
});
