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
import type { GitHubClient } from '../../src/github/client.ts';
import { findPullRequestNumber, readGitHubContext } from '../../src/github/context.ts';
import { httpStatus, isRefusal } from '../../src/github/client.ts';
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
    });
    const second = await upsertPrComment(octokit, {
      owner: OWNER,
      repo: REPO,
      issueNumber: pr,
      marker,
      body: `${marker}\nstep 2`,
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
    });
    assert.equal(result?.created, true);
    assert.equal(fake.requests.slice(before).filter((r) => r.method === 'GET').length, 3);
    assert.equal(fake.comments(OWNER, REPO, pr).length, 251);
  });

  it('keeps one comment per app and environment', async () => {
    const pr = newPr();
    const args = { owner: OWNER, repo: REPO, issueNumber: pr };
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
    });
    assert.equal(result?.id, ours.id);
  });

  it('edits a comment by its known id with one request, and finds it again once it was deleted', async () => {
    const pr = newPr();
    const marker = commentMarker('web');
    const args = { owner: OWNER, repo: REPO, issueNumber: pr, marker };
    const first = await upsertPrComment(octokit, { ...args, body: 'one' });
    const before = fake.requests.length;
    const second = await upsertPrComment(octokit, { ...args, body: 'two', knownId: first.id });
    assert.deepEqual(
      fake.requests.slice(before).map((r) => `${r.method} ${r.path}`),
      [`PATCH /repos/acme/shop/issues/comments/${first.id}`],
      'no listing of the comments',
    );
    assert.deepEqual(second, { id: first.id, created: false });
    const gone = await upsertPrComment(octokit, { ...args, body: 'three', knownId: 999_999 });
    assert.deepEqual(gone, { id: first.id, created: false }, 'an unknown id falls back to the marker');
    assert.equal(fake.comments(OWNER, REPO, pr)[0]!.body, `${marker}\nthree`);
  });

  it("throws GitHub's refusal (403) for the reporter to warn about", async () => {
    const pr = newPr();
    fake.failWith(403, /\/issues\//);
    await assert.rejects(
      upsertPrComment(octokit, {
        owner: OWNER,
        repo: REPO,
        issueNumber: pr,
        marker: commentMarker('web'),
        body: 'x',
      }),
      (error: unknown) => httpStatus(error) === 403 && isRefusal(error),
    );
    assert.equal(fake.comments(OWNER, REPO, pr).length, 0);
    assert.equal(await createGitHubClient(undefined), undefined, 'no token, no client');
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

describe('who gets a read-only token', () => {
  const event = (payload: unknown, extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
    const path = join(dir, `event-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(path, JSON.stringify(payload));
    return {
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: path,
      GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
      ...extra,
    };
  };
  const pr = (head: string, fork = false) => ({
    number: 5,
    pull_request: {
      number: 5,
      head: { sha: 'beef', repo: { full_name: head, fork } },
      base: { repo: { full_name: `${OWNER}/${REPO}` } },
    },
  });

  it('a pull request from a fork, or a Dependabot run; not a branch of the repository itself', () => {
    assert.equal(readGitHubContext(event(pr('someone/shop', true))).readOnlyToken, 'fork');
    assert.equal(readGitHubContext(event(pr('someone/shop'))).readOnlyToken, 'fork', 'another repository');
    assert.equal(readGitHubContext(event(pr(`${OWNER}/${REPO}`))).readOnlyToken, undefined);
    const target = event(pr('someone/shop', true), { GITHUB_EVENT_NAME: 'pull_request_target' });
    assert.equal(
      readGitHubContext(target).readOnlyToken,
      undefined,
      'pull_request_target runs with the base',
    );
    const bot = event(pr(`${OWNER}/${REPO}`), { GITHUB_ACTOR: 'dependabot[bot]' });
    assert.equal(readGitHubContext(bot).readOnlyToken, 'dependabot');
  });
});
