// Issue 12: an error-rate query written without `or vector(0)` finds no data while the canary has
// served no 5xx. The release pauses as Inconclusive (safe), and the log, the job summary and the PR
// comment say how to write the query. Real Prometheus scraping the simulator; fake GitHub API.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { runAction } from '../helpers/action.ts';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fake-github.ts';
import { writeApp } from '../helpers/manifests.ts';
import { startPrometheus, type RunningPrometheus } from '@kube-rollout/kube-sim/prometheus';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';

const IMAGE = 'registry.local:5000/acme/web';
const canary = 'namespace="{{namespace}}",app="{{app}}",version="{{canary.version}}"';
/** The usual error rate, minus the `or vector(0)` that makes "no 5xx yet" read 0. */
const NAIVE_ERROR_RATE = `sum(rate(http_requests_total{${canary},code=~"5.."}[10s])) / sum(rate(http_requests_total{${canary}}[10s]))`;
const HINT = /or vector\(0\)/;
/** The same in Markdown, where the report escapes parentheses. */
const HINT_MD = /or vector\\\(0\\\)/;

describe('an error rate with an empty numerator (dist/index.js, real Prometheus)', () => {
  let sim: SimCluster;
  let prometheus: RunningPrometheus;
  let github: FakeGitHub;

  before(async () => {
    [sim, github] = await Promise.all([startSimCluster(), startFakeGitHub()]);
    prometheus = await startPrometheus({ targets: [new URL(sim.metricsUrl).host], scrapeIntervalMs: 1000 });
    sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'naive' } });
  });
  after(async () => {
    await prometheus?.stop();
    await Promise.all([sim?.stop(), github?.stop()]);
  });

  it('pauses as Inconclusive and says to write the numerator with `or vector(0)` in log, summary and PR comment', async () => {
    const dir = writeApp({ replicas: 4 });
    const base = {
      kubeconfig: sim.kubeconfig,
      namespace: 'naive',
      'version-label': 'version',
      'github-token': 'test-token',
      manifests: dir,
    };
    const env = { env: { GITHUB_API_URL: github.url } };
    const first = await runAction({ ...base, comment: 'false', images: `${IMAGE}:v1` }, env);
    assert.equal(first.outputs.result, 'promoted', first.stdout);

    const pr = 12;
    const run = await runAction(
      {
        ...base,
        strategy: 'canary',
        images: `${IMAGE}:v2`,
        steps: stringify([{ setWeight: 50 }, { pause: '10s' }, { analysis: {} }]),
        analysis: stringify({
          metrics: [
            { name: 'error-rate', provider: 'prometheus', query: NAIVE_ERROR_RATE, threshold: { max: 0.05 } },
          ],
        }),
        'prometheus-url': prometheus.url,
      },
      {
        ...env,
        eventName: 'pull_request',
        event: {
          number: pr,
          pull_request: { number: pr, head: { sha: 'f00d' } },
          repository: { name: 'shop', owner: { login: 'acme' } },
        },
      },
    );
    assert.equal(run.outputs.result, 'paused', run.stdout);
    assert.equal(run.code, 0);
    const logLines = run.stdout.split('\n').filter((l) => /error-rate/.test(l) && HINT.test(l));
    assert.ok(logLines.length > 0, `the log explains the empty numerator:\n${run.stdout}`);
    assert.match(run.summary, /numerator empty, denominator has data/);
    assert.match(run.summary, HINT_MD);
    const comments = github.comments('acme', 'shop', pr);
    assert.equal(comments.length, 1);
    assert.match(comments[0]!.body, HINT_MD);
  });
});
