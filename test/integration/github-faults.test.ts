/**
 * A GitHub that rate-limits and fails now and then, as the fake injects it: 429 with `retry-after`
 * (a secondary rate limit), 403 with no requests left (the primary one), 5xx, and a plain 403 (a
 * permission). Through the real Octokit with the retry and throttling plugins, and the reporters.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Config } from '../../src/config/types.ts';
import { createGitHubClient, type GitHubClient } from '../../src/github/client.ts';
import type { GitHubContext } from '../../src/github/context.ts';
import type { SummaryWriter } from '../../src/github/summary.ts';
import { commentMarker, upsertPrComment } from '../../src/github/pr-comment.ts';
import type { RolloutRecord } from '../../src/record/types.ts';
import { applyReportFeedback, createReporters } from '../../src/reporters/index.ts';
import {
  primaryRateLimit,
  secondaryRateLimit,
  serverError,
  startFakeGitHub,
  type FakeGitHub,
} from '../helpers/fake-github.ts';
import { promotedCanary } from '../helpers/sample-record.ts';

const OWNER = 'acme';
const noSummary: SummaryWriter = { addRaw: () => noSummary, write: async () => undefined };
const REPO = 'shop';
let fake: FakeGitHub;
let octokit: GitHubClient;
let logged: string[];
let nextPr = 100;

before(async () => {
  fake = await startFakeGitHub();
  octokit = (await createGitHubClient('test-token', fake.url, { info: (m) => void logged.push(m) }))!;
});
after(() => fake.stop());
beforeEach(() => {
  logged = [];
  fake.clearFailures();
});

/** Requests since `from` to paths matching `pattern`, as `METHOD status`. */
function answers(from: number, pattern: RegExp): string[] {
  return fake.requests
    .slice(from)
    .filter((r) => pattern.test(r.path))
    .map((r) => `${r.method} ${r.status}`);
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

describe('retries and rate limits (plugin-retry, plugin-throttling)', () => {
  const comment = (pr: number, body: string) =>
    upsertPrComment(octokit, {
      owner: OWNER,
      repo: REPO,
      issueNumber: pr,
      marker: commentMarker('web'),
      body,
    });

  it('waits out a secondary rate limit for its retry-after, then sends the request again', async () => {
    const pr = nextPr++;
    fake.inject({ ...secondaryRateLimit(/\/issues\/\d+\/comments$/, 1, 1), method: 'POST' });
    const from = fake.requests.length;
    const { value, ms } = await timed(() => comment(pr, 'report'));
    assert.equal(value.created, true);
    assert.deepEqual(answers(from, /\/issues\/\d+\/comments$/), ['GET 200', 'POST 429', 'POST 201']);
    assert.ok(ms >= 1000, `retry-after: 1 was honoured (${Math.round(ms)} ms)`);
    assert.match(logged.join('\n'), /secondary rate limit answered POST .*: retrying in 1s/);
    assert.equal(fake.comments(OWNER, REPO, pr).length, 1, 'one comment, not two');
  });

  it('waits for x-ratelimit-reset when the primary quota is spent', async () => {
    const pr = nextPr++;
    fake.inject({ ...primaryRateLimit(/\/issues\/\d+\/comments$/, 1, 1), method: 'GET' });
    const from = fake.requests.length;
    const { ms } = await timed(() => comment(pr, 'report'));
    assert.deepEqual(answers(from, /\/issues\/\d+\/comments$/), ['GET 403', 'GET 200', 'POST 201']);
    assert.ok(ms >= 1000, `waited for the reset (${Math.round(ms)} ms)`);
    assert.match(logged.join('\n'), /primary rate limit/);
  });

  it('retries a 5xx with back-off', async () => {
    const pr = nextPr++;
    const created = await comment(pr, 'one');
    fake.inject(serverError(/\/issues\/comments\/\d+$/, 2, 503));
    const from = fake.requests.length;
    const { ms } = await timed(() => comment(pr, 'two'));
    assert.deepEqual(answers(from, /\/issues\/comments\/\d+$/), ['PATCH 503', 'PATCH 503', 'PATCH 200']);
    assert.ok(ms >= 1000 + 4000, `1 s then 4 s (${Math.round(ms)} ms)`);
    assert.equal(fake.comments(OWNER, REPO, pr)[0]!.id, created.id);
    assert.match(fake.comments(OWNER, REPO, pr)[0]!.body, /two$/);
  });

  it('does not hold the run for a rate limit of more than a minute, nor retry a refusal', async () => {
    const pr = nextPr++;
    fake.inject({ ...secondaryRateLimit(/\/issues\/\d+\/comments$/, 1, 3600), method: 'GET' });
    const from = fake.requests.length;
    const { ms } = await timed(() => assert.rejects(comment(pr, 'x'), /secondary rate limit/));
    assert.ok(ms < 30_000, `gave up at once (${Math.round(ms)} ms)`);
    assert.match(logged.join('\n'), /not waiting 3600s/);
    fake.failWith(403, /\/issues\//);
    await assert.rejects(comment(pr, 'x'), /Resource not accessible/);
    assert.deepEqual(answers(from, /\/issues\//), ['GET 429', 'GET 403'], 'asked once each');
  });
});

describe('the reporters on a GitHub that fails now and then', () => {
  const github = (pr: number, extra: Partial<GitHubContext> = {}): GitHubContext => ({
    repository: { owner: OWNER, repo: REPO },
    eventName: 'pull_request',
    eventPrNumber: pr,
    headSha: 'cafe',
    serverUrl: 'https://github.com',
    apiUrl: fake.url,
    runUrl: 'https://github.com/acme/shop/actions/runs/9',
    payload: {},
    ...extra,
  });
  function reporters(context: GitHubContext, warnings: string[]) {
    return createReporters({
      config: {
        githubToken: 'test-token',
        comment: true,
        deploymentStatus: true,
        environment: 'production',
        productionEnvironment: true,
        transientEnvironment: false,
      } as Config,
      github: context,
      summary: noSummary,
      setOutput: () => {},
      warn: (m) => void warnings.push(m),
      info: (m) => void logged.push(m),
    });
  }
  const release = (): RolloutRecord => ({ ...promotedCanary(), result: undefined });

  it('429s and 5xx lose no report: the comment and every deployment status arrive', async () => {
    const pr = nextPr++;
    const warnings: string[] = [];
    const run = reporters(github(pr), warnings);
    fake.inject({ ...secondaryRateLimit(/\/issues\/\d+\/comments$/, 1, 1), method: 'POST' });
    fake.inject(serverError(/\/deployments$/, 1));
    fake.inject(secondaryRateLimit(/\/deployments\/\d+\/statuses$/, 1, 1));
    fake.inject(serverError(/\/issues\/comments\/\d+$/, 1, 500));
    const record = release();
    for (let step = 0; step < 4; step++) applyReportFeedback(record, await run.progress(record));
    const final = await run.final({ ...record, result: 'promoted' });
    applyReportFeedback(record, final);
    const comments = fake.comments(OWNER, REPO, pr);
    assert.equal(comments.length, 1);
    assert.match(comments[0]!.body, /✅ Promoted/, 'the final edit arrived');
    assert.equal(record.github?.comment?.id, comments[0]!.id, 'its id is handed back for the state');
    const id = record.github?.deployment?.id;
    assert.equal(typeof id, 'number');
    assert.deepEqual(
      fake.statuses.filter((s) => s.deploymentId === id).map((s) => s.state),
      ['in_progress', 'success'],
    );
    assert.deepEqual(warnings, []);
  });

  it('a 403 warns once per report and the run stops asking; the hint knows a fork', async () => {
    const pr = nextPr++;
    const warnings: string[] = [];
    const fork = github(pr, { readOnlyToken: 'fork' });
    const run = reporters(fork, warnings);
    fake.failWith(403, /\/issues\//);
    fake.failWith(403, /\/deployments/);
    const from = fake.requests.length;
    const record = release();
    for (let step = 0; step < 12; step++) applyReportFeedback(record, await run.progress(record));
    await run.final({ ...record, result: 'promoted' });
    assert.equal(warnings.length, 2, warnings.join('\n'));
    assert.match(
      warnings.find((w) => w.includes('comment'))!,
      /HTTP 403.*fork.*pull_request_target/,
    );
    assert.match(
      warnings.find((w) => w.includes('deployment'))!,
      /HTTP 403.*fork.*`deployment-status: false`/,
    );
    assert.deepEqual(answers(from, /\/issues\//), ['GET 403'], 'the comment was tried once');
    assert.deepEqual(answers(from, /\/deployments/), ['POST 403'], 'the deployment was tried once');
  });
});
