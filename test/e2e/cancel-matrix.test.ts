// Cancel at every moment (issue 18): the main step of a canary (and of a rolling update) gets
// SIGTERM every 100 ms from 0 to 5 s after it starts, the runner's own SIGINT → SIGTERM → SIGKILL
// sequence, or a SIGKILL; the post step (dist/post.js) runs after each, as the runner runs it.
// Afterwards the cancelled version never serves, the release invariant holds, and the job summary
// and the PR comment say the run was cancelled.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pMap from 'p-map';
import { stringify } from 'yaml';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';
import { runAction, type ActionRun, type RunActionOptions } from '../helpers/action.ts';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fake-github.ts';
import { waitForReleaseInvariant } from '../helpers/invariant.ts';
import { appObjects, writeApp } from '../helpers/manifests.ts';

const IMAGE = 'registry.local:5000/acme/web';
const PR = 31;
const KILL_TIMES_MS = Array.from({ length: 51 }, (_, i) => i * 100);
// The simulator runs at a tenth of real time: a 60 s pause is 6 s, longer than the last kill point.
const CANARY_STEPS = stringify([{ setWeight: 50 }, { pause: '60s' }, { setWeight: 100 }]);

describe('a cancel at any moment never ships (dist/index.js, then dist/post.js)', () => {
  let sim: SimCluster;
  let github: FakeGitHub;
  let namespaces = 0;

  before(async () => {
    [sim, github] = await Promise.all([startSimCluster({ rps: 0 }), startFakeGitHub()]);
  });
  after(async () => {
    await Promise.all([sim.stop(), github.stop()]);
  });

  /** A namespace where v1 of `web` runs, ready, applied directly (as a team's earlier tooling did). */
  async function withV1(): Promise<string> {
    const namespace = `cancel-${++namespaces}`;
    sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    for (const object of appObjects({ namespace, replicas: 2, image: `${IMAGE}:v1` }) as never[]) {
      const o = object as { kind: string; spec: { template?: { metadata: { labels: object } } } };
      if (o.kind === 'Deployment') o.spec.template!.metadata.labels = { app: 'web', version: 'v1' };
      sim.store.create(object);
    }
    await waitFor(
      () => sim.store.get('apps/v1', 'Deployment', namespace, 'web')?.status?.readyReplicas === 2,
    );
    return namespace;
  }

  /** v2, whose pods take `startup` simulated seconds to become ready. */
  function release(namespace: string, inputs: Record<string, string>, opts: RunActionOptions, startup = '1') {
    const dir = writeApp({ namespace, replicas: 2, env: { SIM_STARTUP_SECONDS: startup } });
    return runAction(
      {
        kubeconfig: sim.kubeconfig,
        namespace,
        manifests: dir,
        images: `${IMAGE}:v2`,
        'version-label': 'version',
        'github-token': 'test-token',
        'lock-timeout': '30s',
        // One sticky comment per case: the marker names the app and the environment.
        environment: namespace,
        ...inputs,
      },
      {
        env: { GITHUB_API_URL: github.url },
        event: { pull_request: { number: PR, head: { sha: 'abc1234def5678900000000000000000deadbeef' } } },
        eventName: 'pull_request',
        post: true,
        ...opts,
      },
    );
  }

  /** What must hold after every cancelled run and its post step. */
  async function assertCancelled(namespace: string, run: ActionRun, label: string): Promise<void> {
    const violations = await waitForReleaseInvariant(sim, { name: 'web', namespace }, 10_000);
    assert.deepEqual(violations, [], `${label}: the release invariant\n${run.stdout}`);
    for (let i = 0; i < 50; i++)
      assert.equal(sim.traffic.sendRequest(`service/${namespace}/web`).version, 'v1', `${label}: v2 serves`);
    assert.equal(sim.store.get('apps/v1', 'Deployment', namespace, 'web-canary'), undefined, label);
    const deployment = sim.store.get('apps/v1', 'Deployment', namespace, 'web');
    assert.equal(
      deployment!.spec.template.spec.containers[0].image,
      `${IMAGE}:v1`,
      `${label}: stable template`,
    );
    assert.match(
      run.summary,
      /Cancelled/,
      `${label}: the summary says the run was cancelled\n${run.summary}`,
    );
    const comment = github
      .comments('acme', 'shop', PR)
      .find((c) => c.body.includes(`kube-rollout:web:${namespace} `));
    if (comment) assert.match(comment.body, /Cancelled/, `${label}: the PR comment\n${comment.body}`);
  }

  it('SIGTERM every 100 ms from 0 to 5 s into a canary, then the post step', async () => {
    const outcomes = await pMap(
      KILL_TIMES_MS,
      async (killAfterMs) => {
        const namespace = await withV1();
        const run = await release(
          namespace,
          { strategy: 'canary', steps: CANARY_STEPS },
          { killAfterMs, killSignal: 'SIGTERM' },
        );
        assert.equal(run.killedBy, 'SIGTERM', `${killAfterMs} ms: the run ended before the cancel`);
        assert.notEqual(run.code, 0, `${killAfterMs} ms: a cancelled run fails the step`);
        await assertCancelled(namespace, run, `SIGTERM at ${killAfterMs} ms`);
        return /Cancelled before any change/.test(run.summary) ? 'before' : 'after';
      },
      { concurrency: 3 },
    );
    // The matrix reaches both sides of the first write.
    assert.ok(outcomes.includes('before') && outcomes.includes('after'), outcomes.join(' '));
  });

  it('SIGTERM at 0.1 s to 3 s into a rolling update, then the post step', async () => {
    await pMap(
      [100, 400, 800, 1500, 3000],
      async (killAfterMs) => {
        const namespace = await withV1();
        const run = await release(
          namespace,
          { strategy: 'rolling' },
          { killAfterMs, killSignal: 'SIGTERM' },
          // 40 simulated seconds (4 s) per pod, one pod at a time: still rolling at the last point.
          '40',
        );
        assert.equal(run.killedBy, 'SIGTERM', `${killAfterMs} ms: the run ended before the cancel`);
        await assertCancelled(namespace, run, `rolling, SIGTERM at ${killAfterMs} ms`);
      },
      { concurrency: 3 },
    );
  });

  it("the runner's SIGINT → SIGTERM → SIGKILL sequence during the pause, then the post step", async () => {
    const namespace = await withV1();
    const run = await release(
      namespace,
      { strategy: 'canary', steps: CANARY_STEPS },
      { killWhen: (out) => /step \d+\/\d+ pause/.test(out), killSignal: 'github', killAfterMs: 120_000 },
    );
    assert.equal(run.killedBy, 'SIGINT', 'the step ended on the first signal, as the runner hopes');
    await assertCancelled(namespace, run, 'GitHub cancel sequence');
  });

  it('SIGKILL during the pause (the runner gave up on the step): the post step recovers', async () => {
    const namespace = await withV1();
    const run = await release(
      namespace,
      { strategy: 'canary', steps: CANARY_STEPS },
      { killWhen: (out) => /step \d+\/\d+ pause/.test(out), killSignal: 'SIGKILL', killAfterMs: 120_000 },
    );
    assert.equal(run.killedBy, 'SIGKILL');
    assert.match(run.stdout, /did not finish \(cancelled\?\): recovering it/);
    await assertCancelled(namespace, run, 'SIGKILL, then the post step');
  });
});

async function waitFor(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the cluster');
    await new Promise((r) => setTimeout(r, 50));
  }
}
