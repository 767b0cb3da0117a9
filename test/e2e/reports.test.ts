// Issue 6, end to end: the bundled action's reports (sticky PR comment, job summary, plan) against
// the simulated cluster and a local fake of the GitHub REST API (deployments: github-deployments.test.ts).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import MarkdownIt from 'markdown-it';
import { stringify } from 'yaml';
import { runAction, type ActionRun, type RunActionOptions } from '../helpers/action.ts';
import { startFakeGitHub, type FakeGitHub, type RecordedRequest } from '../helpers/fake-github.ts';
import { writeApp, type AppOptions } from '../helpers/manifests.ts';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';

const IMAGE = 'registry.local:5000/acme/web';
const OWNER = 'acme';
const REPO = 'shop';
const MAX_COMMENT = 65_536;

/** CommonMark + GFM with raw HTML allowed: what GitHub parses before it sanitizes. */
const markdown = new MarkdownIt({ html: true, linkify: false });

function prEvent(number: number, sha: string): unknown {
  return {
    number,
    pull_request: { number, head: { sha } },
    repository: { name: REPO, owner: { login: OWNER } },
  };
}

const isCommentRequest = (r: RecordedRequest): boolean => /\/issues\/(\d+\/)?comments/.test(r.path);
const posts = (rs: RecordedRequest[], pr: number) =>
  rs.filter((r) => r.method === 'POST' && r.path === `/repos/${OWNER}/${REPO}/issues/${pr}/comments`);
const listings = (rs: RecordedRequest[], pr: number) =>
  rs.filter((r) => r.method === 'GET' && r.path === `/repos/${OWNER}/${REPO}/issues/${pr}/comments`);
const patches = (rs: RecordedRequest[]) =>
  rs.filter((r) => r.method === 'PATCH' && /\/issues\/comments\/\d+$/.test(r.path));
const bodyOf = (r: RecordedRequest): string => (r.body as { body: string }).body;

/**
 * Fenced code blocks open and close in pairs: a fence opens with 3+ backticks (or tildes) at the
 * start of a line and only a line of at least as many of the same character closes it.
 */
function assertBalancedFences(md: string, what: string): void {
  let open: { ch: string; n: number; line: number } | undefined;
  md.split('\n').forEach((line, i) => {
    const m = line.match(/^ {0,3}(`{3,}|~{3,})(.*)$/);
    if (!m) return;
    const ch = m[1]![0]!;
    const n = m[1]!.length;
    if (!open) open = { ch, n, line: i + 1 };
    else if (ch === open.ch && n >= open.n && m[2]!.trim() === '') open = undefined;
  });
  assert.equal(open, undefined, `${what}: the code fence opened on line ${open?.line} never closes`);
}

/** Rendered HTML without code blocks and spans: where tags and mentions would be live. */
function liveHtml(md: string): string {
  return markdown
    .render(md)
    .replace(/<pre>[\s\S]*?<\/pre>/g, '')
    .replace(/<code>[\s\S]*?<\/code>/g, '');
}

describe('reports: PR comment, job summary, plan (dist/index.js)', () => {
  let sim: SimCluster;
  let fake: FakeGitHub;
  let metrics: Server;
  let metricsUrl = '';
  let ns = 0;

  const gh = (opts: RunActionOptions = {}): RunActionOptions => ({
    ...opts,
    env: { GITHUB_API_URL: fake.url, ...(opts.env ?? {}) },
  });
  const base = (namespace: string) => ({
    kubeconfig: sim.kubeconfig,
    namespace,
    'version-label': 'version',
    'scale-down-delay': '1s',
    'github-token': 'test-token',
  });

  /** A fresh namespace with v1 of `app` released (a first release is applied directly, no comment). */
  async function withV1(app: AppOptions = {}): Promise<{ namespace: string; dir: string }> {
    const namespace = `reports-${++ns}`;
    sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    const dir = writeApp({ replicas: 4, ...app });
    const first = await runAction(
      {
        ...base(namespace),
        comment: 'false',
        manifests: dir,
        images: `registry.local:5000/acme/${app.name ?? 'web'}:v1`,
      },
      gh(),
    );
    assert.equal(first.outputs.result, 'promoted', first.stdout);
    return { namespace, dir };
  }

  /** Requests the fake recorded while `fn` ran. */
  async function recording(
    fn: () => Promise<ActionRun>,
  ): Promise<{ run: ActionRun; requests: RecordedRequest[] }> {
    const from = fake.requests.length;
    const run = await fn();
    return { run, requests: fake.requests.slice(from) };
  }

  before(async () => {
    [sim, fake] = await Promise.all([startSimCluster(), startFakeGitHub()]);
    // A metric source for the analysis step: an error rate well under the threshold.
    metrics = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errorRate: 0.002 }));
    });
    await new Promise<void>((r) => metrics.listen(0, '127.0.0.1', r));
    metricsUrl = `http://127.0.0.1:${(metrics.address() as AddressInfo).port}/stats`;
  });
  after(async () => {
    await new Promise<void>((r) => metrics.close(() => r()));
    await Promise.all([sim.stop(), fake.stop()]);
  });

  it('a canary on a pull request: one comment, edited as the release goes, a rerun edits it, a second app gets its own', async () => {
    const { namespace, dir } = await withV1();
    const pr = 7;
    const event = prEvent(pr, 'feedface00000000000000000000000000000007');
    const steps = stringify([{ setWeight: 20 }, { analysis: {} }, { setWeight: 50 }, { pause: {} }]);
    const analysis = stringify({
      interval: '200ms',
      metrics: [
        {
          name: 'error-rate',
          provider: 'web',
          url: metricsUrl,
          jsonPath: '$.errorRate',
          threshold: { max: 0.05 },
          count: 2,
        },
      ],
    });
    const inputs = {
      ...base(namespace),
      strategy: 'canary',
      traffic: 'replicas',
      manifests: dir,
      images: `${IMAGE}:v2`,
      steps,
      analysis,
    };

    const first = await recording(() => runAction(inputs, gh({ event, eventName: 'pull_request' })));
    assert.equal(first.run.code, 0, first.run.stdout);
    assert.equal(first.run.outputs.result, 'paused');
    assert.equal(posts(first.requests, pr).length, 1, 'exactly one comment created');
    const edits = patches(first.requests);
    assert.equal(listings(first.requests, pr).length, 1, 'the comments are listed once, then edited by id');
    console.log(`# figure: paused canary run (5 steps): 1 POST, ${edits.length} PATCHes to the comment`);
    // Step boundaries do not wait for GitHub: edits that would be stale before they go are skipped,
    // so how many there are depends on timing; the final result is always one more.
    assert.ok(
      edits.length >= 2,
      `edited while the release runs, then with the result: ${edits.length} edits`,
    );
    const comments = fake.comments(OWNER, REPO, pr);
    assert.equal(comments.length, 1);
    const comment = comments[0]!;
    assert.ok(
      edits.every((r) => r.path.endsWith(`/issues/comments/${comment.id}`)),
      'every edit is of that comment',
    );
    // The comment follows the release: each step shows up in some edit, in order.
    const firstSeen = ['deploy new version', 'setWeight 20', 'analysis', 'setWeight 50', 'pause'].map(
      (label, i) =>
        [bodyOf(posts(first.requests, pr)[0]!), ...edits.map(bodyOf)].findIndex((b) =>
          b.includes(`| ${i + 1} | ${label}`),
        ),
    );
    assert.ok(
      firstSeen.every((i) => i >= 0),
      `every step appears: ${firstSeen}`,
    );
    assert.deepEqual(
      [...firstSeen].sort((a, b) => a - b),
      firstSeen,
      `steps appear in order: ${firstSeen}`,
    );

    const body = comment.body;
    assert.ok(body.startsWith('<!-- kube-rollout:web:default -->'), body.slice(0, 80));
    assert.match(body, /⏸️ Paused/);
    assert.match(body, /#### Steps/);
    assert.match(body, /\| 5 \| pause.*⏸️ paused \|/);
    assert.match(body, /#### Analysis/);
    assert.match(body, /error-rate/);
    assert.match(body, /0\.002/, 'the measured value');
    assert.match(body, /`v1` → `v2`/);
    // The job summary carries the same report.
    assert.match(first.run.summary, /⏸️ Paused/);
    assert.match(first.run.summary, /#### Steps[\s\S]*#### Analysis/);

    // The promote run edits the same comment.
    const promote = await recording(() =>
      runAction(
        { ...inputs, action: 'promote', name: 'web', manifests: '' },
        gh({ event, eventName: 'pull_request' }),
      ),
    );
    assert.equal(promote.run.outputs.result, 'promoted', promote.run.stdout);
    assert.equal(posts(promote.requests, pr).length, 0, 'no new comment');
    assert.equal(listings(promote.requests, pr).length, 0, 'the release state keeps the comment id');
    assert.ok(patches(promote.requests).length >= 1);
    assert.ok(patches(promote.requests).every((r) => r.path.endsWith(`/issues/comments/${comment.id}`)));
    assert.equal(fake.comments(OWNER, REPO, pr).length, 1);
    const promoted = fake.comments(OWNER, REPO, pr)[0]!;
    assert.equal(promoted.id, comment.id);
    assert.match(promoted.body, /✅ Promoted/);
    assert.match(promoted.body, /#### Analysis/, 'the promote run reports the whole release');
    assert.match(promote.run.summary, /✅ Promoted/);

    // A second app in the same PR: its own comment, the first one untouched.
    const api = writeApp({ name: 'api', replicas: 2 });
    const second = await recording(() =>
      runAction({ ...base(namespace), manifests: api }, gh({ event, eventName: 'pull_request' })),
    );
    assert.equal(second.run.outputs.result, 'promoted', second.run.stdout);
    assert.equal(posts(second.requests, pr).length, 1);
    const both = fake.comments(OWNER, REPO, pr);
    assert.equal(both.length, 2, 'two apps, two comments');
    assert.ok(both[1]!.body.startsWith('<!-- kube-rollout:api:default -->'));
    assert.equal(both[0]!.body, promoted.body, 'the web comment was not touched');
  });

  it('a push event comments on the PR of the commit; without a PR only the job summary is written', async () => {
    const namespace = `reports-${++ns}`;
    sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    const withPr = 'c0ffee0000000000000000000000000000000012';
    fake.setPullsForCommit(withPr, [{ number: 12, state: 'open' }]);
    const pushed = await recording(() =>
      runAction(
        { ...base(namespace), manifests: writeApp({ name: 'shop', replicas: 2 }) },
        gh({ eventName: 'push', env: { GITHUB_SHA: withPr } }),
      ),
    );
    assert.equal(pushed.run.outputs.result, 'promoted', pushed.run.stdout);
    assert.ok(
      pushed.requests.some(
        (r) => r.method === 'GET' && r.path === `/repos/${OWNER}/${REPO}/commits/${withPr}/pulls`,
      ),
    );
    assert.equal(posts(pushed.requests, 12).length, 1);
    assert.equal(fake.comments(OWNER, REPO, 12).length, 1);
    assert.match(fake.comments(OWNER, REPO, 12)[0]!.body, /✅ Promoted: shop/);
    assert.match(pushed.run.summary, /✅ Promoted: shop/);

    const noPr = 'c0ffee0000000000000000000000000000000000';
    const alone = await recording(() =>
      runAction(
        { ...base(namespace), manifests: writeApp({ name: 'cart', replicas: 2 }) },
        gh({ eventName: 'push', env: { GITHUB_SHA: noPr } }),
      ),
    );
    assert.equal(alone.run.outputs.result, 'promoted', alone.run.stdout);
    assert.ok(
      alone.requests.some((r) => r.path === `/repos/${OWNER}/${REPO}/commits/${noPr}/pulls`),
      'the PR was looked up',
    );
    assert.deepEqual(alone.requests.filter(isCommentRequest), [], 'no comment request at all');
    assert.match(alone.run.summary, /✅ Promoted: cart/);
    assert.match(alone.run.summary, /#### Steps/);
    assert.equal(alone.run.annotations.filter((a) => a.startsWith('::error')).length, 0);
  });

  it('an injection corpus in a crashing pod log renders harmless and within the size limit', async () => {
    const { namespace } = await withV1();
    const pr = 21;
    const longLine = 'L'.repeat(200_000);
    // About 600 KB of log (the rendered manifests, env included, must fit the release state's
    // ConfigMap; the unit test covers a 1 MB log): kilobyte-wide lines, then the corpus at the tail.
    const log = [
      ...Array.from({ length: 600 }, (_, i) => `${String(i).padStart(4, '0')} ${'A'.repeat(1019)}`),
      '<script>alert(1)</script>',
      'paging @org/team and @octocat about #42',
      '```',
      '</details><details open><summary>pwned</summary>',
      '````js',
      longLine,
      '~~~',
      'fatal: giving up',
    ].join('\n');
    const crashing = writeApp({ replicas: 4, env: { SIM_CRASH: 'true', SIM_LOG: log } });
    const run = await runAction(
      {
        ...base(namespace),
        strategy: 'canary',
        traffic: 'replicas',
        manifests: crashing,
        images: `${IMAGE}:v2`,
        steps: stringify([{ setWeight: 50 }, { pause: '30s' }]),
      },
      gh({ event: prEvent(pr, 'feedface00000000000000000000000000000021'), eventName: 'pull_request' }),
    );
    assert.equal(run.outputs.result, 'rolled-back', run.stdout);
    const comments = fake.comments(OWNER, REPO, pr);
    assert.equal(comments.length, 1);
    const body = comments[0]!.body;
    assert.match(body, /Failure evidence/);
    assert.match(body, /CrashLoopBackOff|Error/);
    assert.ok(body.includes('fatal: giving up'), `the log tail reached the comment:\n${body}`);
    console.log(
      `# figure: comment with the hostile log: ${body.length} characters; summary ${run.summary.length}`,
    );
    for (const [what, md] of [
      ['comment', body],
      ['summary', run.summary],
    ] as const) {
      assert.ok(md.length <= MAX_COMMENT, `${what} is ${md.length} characters`);
      assertBalancedFences(md, what);
      const html = markdown.render(md);
      assert.doesNotMatch(html, /<script/i, `${what}: a live script tag`);
      assert.doesNotMatch(html, /<details open/i, `${what}: the log opened a details element`);
      assert.doesNotMatch(liveHtml(md), /@org\/team/, `${what}: a live team mention`);
      // Raw `<script` only inside a fenced block, where GitHub shows it as text.
      const outsideCode = md.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1\s*$/gm, '');
      assert.doesNotMatch(outsideCode, /<script/i, `${what}: raw <script outside a code block`);
      assert.ok(!outsideCode.includes('@org/team'), `${what}: a mention outside a code block`);
      assert.ok(!md.includes(longLine), `${what}: the long line was cut`);
      // The log's own fence lines stayed inside the one code block.
      const blocks = [...html.matchAll(/<pre><code[^>]*>([\s\S]*?)<\/code><\/pre>/g)].map((m) => m[1]!);
      const logBlock = blocks.find((b) => b.includes('fatal: giving up'));
      assert.ok(logBlock, `${what}: the log tail is in a code block`);
      for (const line of [
        '&lt;script&gt;alert(1)&lt;/script&gt;',
        '@org/team',
        '```',
        '````js',
        '~~~',
        '&lt;/details&gt;',
      ]) {
        assert.ok(
          logBlock.includes(line),
          `${what}: log line ${line} is shown as text inside the one code block`,
        );
      }
    }
  });

  it('action: plan on a PR lists the image change, the replica change and the new objects, and writes nothing', async () => {
    const { namespace } = await withV1({ replicas: 4 });
    const pr = 30;
    const dir = writeApp({ replicas: 6, ingress: true });
    sim.resetStats();
    const { run, requests } = await recording(() =>
      runAction(
        {
          ...base(namespace),
          action: 'plan',
          strategy: 'canary',
          traffic: 'nginx',
          manifests: dir,
          images: `${IMAGE}:v2`,
          steps: stringify([{ setWeight: 20 }, { pause: {} }]),
        },
        gh({ event: prEvent(pr, 'feedface00000000000000000000000000000030'), eventName: 'pull_request' }),
      ),
    );
    const writes = sim.stats().writes;
    assert.equal(run.code, 0, run.stdout);
    assert.equal(run.outputs.result, 'planned');
    assert.equal(writes, 0, 'the simulated cluster recorded no write');
    assert.equal(posts(requests, pr).length, 1);
    const comments = fake.comments(OWNER, REPO, pr);
    assert.equal(comments.length, 1);
    for (const [what, md] of [
      ['comment', comments[0]!.body],
      ['summary', run.summary],
    ] as const) {
      assert.match(md, /kube-rollout plan/, what);
      assert.match(
        md,
        new RegExp(`${IMAGE.replace(/[.]/g, '\\.')}:v1 → ${IMAGE.replace(/[.]/g, '\\.')}:v2`),
        `${what}: the image change`,
      );
      assert.match(md, /replicas: 4 → 6/, `${what}: the replica change`);
      assert.match(md, /➕ added \| Ingress \| web/, `${what}: the new Ingress`);
      assert.match(md, /setWeight 20/, `${what}: the steps`);
      assert.match(md, /Nothing was written to the cluster/);
    }
    assert.ok(comments[0]!.body.startsWith('<!-- kube-rollout:web:default -->'));
  });

  it('a manifest warning (a route to a Service not in the manifests) is an annotation on its file and line', async () => {
    const { namespace } = await withV1();
    const legacy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'legacy' },
      spec: {
        rules: [
          {
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: 'old-web', port: { number: 80 } } },
                },
              ],
            },
          },
        ],
      },
    };
    const dir = writeApp({ replicas: 4, extra: [legacy] });
    const run = await runAction(
      { ...base(namespace), action: 'plan', comment: 'false', manifests: dir, images: `${IMAGE}:v2` },
      gh({ cwd: dir }),
    );
    assert.equal(run.outputs.result, 'planned', run.stdout);
    const warning = run.annotations.find((a) => a.startsWith('::warning') && a.includes('old-web'));
    assert.ok(warning, run.annotations.join('\n'));
    assert.match(warning, /file=[^,]*app\.yaml/);
    assert.match(warning, /line=\d+/);
  });
});
