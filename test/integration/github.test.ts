/**
 * The GitHub reporters against a local fake of the REST API, through the real Octokit from
 * @actions/github. The toolkit reads GITHUB_API_URL once, when it is first imported, so the
 * variable is set before the (dynamic) import.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Config } from '../../src/config/types.ts';
import type { GitHubClient } from '../../src/github/client.ts';
import { findPullRequestNumber, readGitHubContext } from '../../src/github/context.ts';
import { finishDeployment, startDeployment } from '../../src/github/deployment-status.ts';
import { commentMarker, upsertPrComment } from '../../src/github/pr-comment.ts';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fake-github.ts';

const OWNER = 'acme';
const REPO = 'shop';

let fake: FakeGitHub;
let octokit: GitHubClient;
let createGitHubClient: (token: string | undefined, apiUrl?: string) => Promise<GitHubClient | undefined>;
let dir: string;
let warnings: string[];
const warn = (message: string): void => {
  warnings.push(message);
};

before(async () => {
  fake = await startFakeGitHub();
  process.env.GITHUB_API_URL = fake.url;
  const github = await import('@actions/github');
  octokit = github.getOctokit('test-token');
  ({ createGitHubClient } = await import('../../src/github/index.ts'));
  dir = mkdtempSync(join(tmpdir(), 'kube-rollout-github-'));
});

after(async () => {
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
  delete process.env.GITHUB_API_URL;
});

beforeEach(() => {
  warnings = [];
  fake.clearFailures();
});

let nextPr = 1;
/** A fresh PR number per test, so tests do not see each other's comments. */
const newPr = (): number => nextPr++;

describe('sticky PR comment', () => {
  it('is created once, then edited in place (same id)', async () => {
    const pr = newPr();
    const marker = commentMarker('web', 'production');
    assert.equal(marker, '<!-- kube-rollout:web:production -->');
    const first = await upsertPrComment(octokit, {
      owner: OWNER,
      repo: REPO,
      issueNumber: pr,
      marker,
      body: `${marker}\nstep 1`,
      warn,
    });
    const second = await upsertPrComment(octokit, {
      owner: OWNER,
      repo: REPO,
      issueNumber: pr,
      marker,
      body: `${marker}\nstep 2`,
      warn,
    });
    assert.equal(first?.created, true);
    assert.equal(second?.created, false);
    assert.equal(second?.id, first?.id);
    const comments = fake.comments(OWNER, REPO, pr);
    assert.equal(comments.length, 1);
    assert.equal(comments[0]!.body, `${marker}\nstep 2`);
    const writes = fake.requests.filter((r) => r.method !== 'GET' && r.path.includes('/comments'));
    assert.deepEqual(
      writes.slice(-2).map((r) => `${r.method} ${r.path}`),
      [`POST /repos/acme/shop/issues/${pr}/comments`, `PATCH /repos/acme/shop/issues/comments/${first?.id}`],
    );
    assert.equal(fake.requests.at(-1)?.authorization, 'token test-token');
    assert.deepEqual(warnings, []);
  });

  it('finds its comment again past the first 100 (pagination)', async () => {
    const pr = newPr();
    const marker = commentMarker('web', undefined);
    for (let i = 0; i < 130; i++)
      fake.addComment(OWNER, REPO, pr, `chatter ${i}`, { login: 'dev', type: 'User' });
    const ours = fake.addComment(OWNER, REPO, pr, `${marker}\nold report`);
    for (let i = 0; i < 20; i++)
      fake.addComment(OWNER, REPO, pr, `more chatter ${i}`, { login: 'dev', type: 'User' });
    const before = fake.requests.length;
    const result = await upsertPrComment(octokit, {
      owner: OWNER,
      repo: REPO,
      issueNumber: pr,
      marker,
      body: 'new report',
      warn,
    });
    assert.deepEqual(result, { id: ours.id, created: false });
    assert.equal(ours.body, `${marker}\nnew report`, 'the marker is added when the body lacks it');
    const listed = fake.requests.slice(before).filter((r) => r.method === 'GET');
    assert.deepEqual(
      listed.map((r) => [r.query.per_page, r.query.page ?? '1']),
      [
        ['100', '1'],
        ['100', '2'],
      ],
    );
    assert.equal(fake.comments(OWNER, REPO, pr).length, 151);
  });

  it('pages through every comment before creating a new one', async () => {
    const pr = newPr();
    for (let i = 0; i < 250; i++)
      fake.addComment(OWNER, REPO, pr, `chatter ${i}`, { login: 'dev', type: 'User' });
    const before = fake.requests.length;
    const result = await upsertPrComment(octokit, {
      owner: OWNER,
      repo: REPO,
      issueNumber: pr,
      marker: commentMarker('web'),
      body: 'report',
      warn,
    });
    assert.equal(result?.created, true);
    assert.equal(fake.requests.slice(before).filter((r) => r.method === 'GET').length, 3);
    assert.equal(fake.comments(OWNER, REPO, pr).length, 251);
  });

  it('keeps one comment per app and environment', async () => {
    const pr = newPr();
    const args = { owner: OWNER, repo: REPO, issueNumber: pr, warn };
    const web = await upsertPrComment(octokit, {
      ...args,
      marker: commentMarker('web', 'staging'),
      body: 'web 1',
    });
    const api = await upsertPrComment(octokit, {
      ...args,
      marker: commentMarker('api', 'staging'),
      body: 'api 1',
    });
    const webProd = await upsertPrComment(octokit, {
      ...args,
      marker: commentMarker('web', 'production'),
      body: 'web prod 1',
    });
    const webAgain = await upsertPrComment(octokit, {
      ...args,
      marker: commentMarker('web', 'staging'),
      body: 'web 2',
    });
    assert.equal(new Set([web?.id, api?.id, webProd?.id]).size, 3);
    assert.equal(webAgain?.id, web?.id);
    const bodies = fake.comments(OWNER, REPO, pr).map((c) => c.body);
    assert.deepEqual(bodies, [
      '<!-- kube-rollout:web:staging -->\nweb 2',
      '<!-- kube-rollout:api:staging -->\napi 1',
      '<!-- kube-rollout:web:production -->\nweb prod 1',
    ]);
  });

  it('prefers the bot comment over a human quoting the marker', async () => {
    const pr = newPr();
    const marker = commentMarker('web');
    fake.addComment(OWNER, REPO, pr, `look: ${marker}`, { login: 'dev', type: 'User' });
    const ours = fake.addComment(OWNER, REPO, pr, `${marker}\nreport`);
    const result = await upsertPrComment(octokit, {
      owner: OWNER,
      repo: REPO,
      issueNumber: pr,
      marker,
      body: `${marker}\nupdated`,
      warn,
    });
    assert.equal(result?.id, ours.id);
  });

  it('warns instead of throwing on 403, and without a token', async () => {
    const pr = newPr();
    fake.failWith(403, /\/issues\//);
    const result = await upsertPrComment(octokit, {
      owner: OWNER,
      repo: REPO,
      issueNumber: pr,
      marker: commentMarker('web'),
      body: 'x',
      warn,
    });
    assert.equal(result, undefined);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /HTTP 403.*pull-requests: write/);
    assert.equal(fake.comments(OWNER, REPO, pr).length, 0);

    const noClient = await createGitHubClient(undefined);
    assert.equal(noClient, undefined);
    assert.equal(
      await upsertPrComment(noClient, {
        owner: OWNER,
        repo: REPO,
        issueNumber: pr,
        marker: commentMarker('web'),
        body: 'x',
        warn,
      }),
      undefined,
    );
    assert.match(warnings[1]!, /no github-token/);
  });

  it('warns on 404 when the PR does not exist', async () => {
    fake.failWith(404, /\/issues\/999\//);
    const result = await upsertPrComment(octokit, {
      owner: OWNER,
      repo: REPO,
      issueNumber: 999,
      marker: commentMarker('web'),
      body: 'x',
      warn,
    });
    assert.equal(result, undefined);
    assert.match(warnings[0]!, /HTTP 404/);
  });
});

describe('finding the pull request', () => {
  function eventEnv(
    eventName: string,
    payload: unknown,
    extra: Record<string, string> = {},
  ): NodeJS.ProcessEnv {
    const path = join(dir, `${eventName}-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(path, JSON.stringify(payload));
    return {
      GITHUB_EVENT_NAME: eventName,
      GITHUB_EVENT_PATH: path,
      GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
      GITHUB_SHA: 'c0ffee',
      GITHUB_REF: 'refs/heads/main',
      GITHUB_SERVER_URL: 'https://github.example',
      GITHUB_RUN_ID: '4242',
      ...extra,
    };
  }

  it('reads repository, sha, run URL and the PR of a pull_request event', async () => {
    const ctx = readGitHubContext(
      eventEnv('pull_request', { number: 17, pull_request: { number: 17, head: { sha: 'beef' } } }),
    );
    assert.deepEqual(ctx.repository, { owner: OWNER, repo: REPO });
    assert.equal(ctx.runUrl, 'https://github.example/acme/shop/actions/runs/4242');
    assert.equal(ctx.headSha, 'beef');
    assert.equal(ctx.sha, 'c0ffee');
    assert.equal(await findPullRequestNumber(octokit, ctx, { warn }), 17);
    assert.equal(await findPullRequestNumber(octokit, ctx, { prNumber: 3, warn }), 3, 'pr-number wins');
    const target = readGitHubContext(eventEnv('pull_request_target', { pull_request: { number: 18 } }));
    assert.equal(target.eventPrNumber, 18);
  });

  it('finds the PR of a pushed commit, open PRs first, and comments there', async () => {
    fake.setPullsForCommit('c0ffee', [
      { number: 40, state: 'closed', merged_at: '2026-01-01T00:00:00Z' },
      { number: 41, state: 'open' },
    ]);
    const ctx = readGitHubContext(eventEnv('push', { after: 'c0ffee' }));
    const pr = await findPullRequestNumber(octokit, ctx, { warn });
    assert.equal(pr, 41);
    assert.ok(
      fake.requests.some((r) => r.method === 'GET' && r.path === '/repos/acme/shop/commits/c0ffee/pulls'),
    );
    const result = await upsertPrComment(octokit, {
      owner: OWNER,
      repo: REPO,
      issueNumber: pr!,
      marker: commentMarker('web'),
      body: 'pushed',
      warn,
    });
    assert.equal(result?.created, true);
    assert.equal(fake.comments(OWNER, REPO, 41).length, 1);

    fake.setPullsForCommit('merged1', [{ number: 40, state: 'closed' }]);
    const merged = readGitHubContext(eventEnv('push', {}, { GITHUB_SHA: 'merged1' }));
    assert.equal(await findPullRequestNumber(octokit, merged, { warn }), 40, 'a merged PR when none is open');
  });

  it('finds no PR for a commit without one, so no comment is written', async () => {
    const ctx = readGitHubContext(eventEnv('push', {}, { GITHUB_SHA: 'lonely' }));
    const before = fake.requests.length;
    assert.equal(await findPullRequestNumber(octokit, ctx, { warn }), undefined);
    assert.deepEqual(
      fake.requests.slice(before).map((r) => `${r.method} ${r.path}`),
      ['GET /repos/acme/shop/commits/lonely/pulls'],
    );
    const dispatch = readGitHubContext(eventEnv('workflow_dispatch', {}));
    assert.equal(await findPullRequestNumber(octokit, dispatch, { warn }), undefined);
    assert.deepEqual(warnings, []);
  });

  it('warns when the commit lookup is refused', async () => {
    fake.failWith(403, /\/commits\//);
    const ctx = readGitHubContext(eventEnv('push', {}));
    assert.equal(await findPullRequestNumber(octokit, ctx, { warn }), undefined);
    assert.match(warnings[0]!, /HTTP 403/);
  });

  it('works outside GitHub Actions with no event at all', () => {
    const ctx = readGitHubContext({});
    assert.equal(ctx.repository, undefined);
    assert.equal(ctx.runUrl, undefined);
    assert.equal(ctx.serverUrl, 'https://github.com');
  });
});

describe('deployment statuses', () => {
  const target = {
    owner: OWNER,
    repo: REPO,
    ref: 'beef',
    environment: 'production',
    environmentUrl: 'https://shop.example',
    logUrl: 'https://github.com/acme/shop/actions/runs/42',
  };

  it('records in_progress then success, with environment, URLs and a short description', async () => {
    const id = await startDeployment(octokit, { ...target, description: 'x'.repeat(300), warn });
    assert.equal(typeof id, 'number');
    const ok = await finishDeployment(octokit, {
      ...target,
      deploymentId: id!,
      state: 'success',
      description: 'promoted 1.5.0',
      warn,
    });
    assert.equal(ok, true);
    const deployment = fake.deployments.find((d) => d.id === id)!;
    assert.equal(deployment.body.ref, 'beef');
    assert.equal(deployment.body.environment, 'production');
    assert.equal(deployment.body.auto_merge, false);
    assert.deepEqual(deployment.body.required_contexts, []);
    assert.equal(deployment.body.transient_environment, false);
    assert.equal(deployment.body.production_environment, true);
    const statuses = fake.statuses.filter((s) => s.deploymentId === id);
    assert.deepEqual(
      statuses.map((s) => s.state),
      ['in_progress', 'success'],
    );
    for (const s of statuses) {
      assert.equal(s.body.environment, 'production');
      assert.equal(s.body.environment_url, 'https://shop.example');
      assert.equal(s.body.log_url, 'https://github.com/acme/shop/actions/runs/42');
      assert.ok(String(s.body.description).length <= 140);
    }
    assert.equal(String(statuses[0]!.body.description).length, 140);
    assert.deepEqual(warnings, []);
  });

  it('records failure after a rollback, and staging is not production', async () => {
    const id = await startDeployment(octokit, { ...target, environment: 'staging', warn });
    await finishDeployment(octokit, {
      ...target,
      environment: 'staging',
      deploymentId: id!,
      state: 'failure',
      description: 'rolled back: error rate 0.42 > 0.05',
      warn,
    });
    assert.equal(fake.deployments.find((d) => d.id === id)!.body.production_environment, false);
    const paths = fake.requests
      .filter((r) => r.method === 'POST' && r.path.includes('/deployments'))
      .slice(-3);
    assert.deepEqual(
      paths.map((r) => [r.path.replace(/\d+/, ':id'), (r.body as { state?: string }).state]),
      [
        ['/repos/acme/shop/deployments', undefined],
        ['/repos/acme/shop/deployments/:id/statuses', 'in_progress'],
        ['/repos/acme/shop/deployments/:id/statuses', 'failure'],
      ],
    );
  });

  it('warns instead of throwing when deployments are forbidden', async () => {
    fake.failWith(403, /\/deployments/);
    assert.equal(await startDeployment(octokit, { ...target, warn }), undefined);
    assert.equal(
      await finishDeployment(octokit, { ...target, deploymentId: 1, state: 'inactive', warn }),
      false,
    );
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!, /HTTP 403.*deployments: write/);
  });
});

describe('composed reporters (deployment id flow)', () => {
  const github = {
    repository: { owner: OWNER, repo: REPO },
    headSha: 'cafe',
    serverUrl: 'https://github.com',
    apiUrl: '',
    runUrl: 'https://github.com/acme/shop/actions/runs/7',
    payload: {},
  };

  it('hands the deployment id back instead of writing it into the record; a later run finishes it', async () => {
    const { createReporters } = await import('../../src/reporters/index.ts');
    const { promotedCanary } = await import('../helpers/sample-record.ts');
    const config = {
      githubToken: 'test-token',
      deploymentStatus: true,
      comment: false,
      environment: 'staging',
    } as unknown as Config;
    const outputs = new Map<string, string>();
    const deps = {
      config,
      github: { ...github, apiUrl: fake.url },
      summary: { addRaw: () => deps.summary, write: async () => undefined },
      setOutput: (name: string, value: string) => void outputs.set(name, value),
      warn,
    };
    const record = { ...promotedCanary(), result: 'paused' as const, deploymentId: undefined };
    const before = fake.deployments.length;

    const deployRun = createReporters(deps);
    const first = await deployRun.progress(record);
    assert.equal(record.deploymentId, undefined, 'the reporter does not write into the record');
    assert.equal(typeof first.deploymentId, 'number');
    const again = await deployRun.progress(record);
    assert.equal(again.deploymentId, first.deploymentId, 'one deployment per run');
    assert.equal(fake.deployments.length, before + 1);

    // The caller keeps the id in the record (the state); the promote run reads it from there.
    const promoteRun = createReporters(deps);
    const stored = { ...record, result: 'promoted' as const, deploymentId: first.deploymentId };
    const final = await promoteRun.final(stored);
    assert.equal(final.deploymentId, first.deploymentId);
    assert.equal(fake.deployments.length, before + 1, 'no second deployment');
    assert.deepEqual(
      fake.statuses.filter((s) => s.deploymentId === first.deploymentId).map((s) => s.state),
      ['in_progress', 'success'],
    );
    assert.equal(outputs.get('result'), 'promoted');
    assert.match(outputs.get('summary')!, /kube-rollout-web\.md$/);
    assert.deepEqual(warnings, []);
  });
});
