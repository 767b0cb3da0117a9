// Issue 18, end to end: the GitHub deployment belongs to the release. The bundled action (dist/)
// runs the jobs of a gated release against the simulated cluster and a local fake of the GitHub
// REST API; only the deploy job names the deployment inputs, and each release has one deployment
// whose statuses follow it: in_progress, success, failure, inactive.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { runAction, type ActionRun, type RunActionOptions } from '../helpers/action.ts';
import { secondaryRateLimit, serverError, startFakeGitHub, type FakeGitHub } from '../helpers/fake-github.ts';
import { writeApp } from '../helpers/manifests.ts';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';

const IMAGE = 'registry.local:5000/acme/web';
const RUNS = 'https://github.com/acme/shop/actions/runs';

describe('GitHub deployments follow the release through its jobs (dist/index.js)', () => {
  let sim: SimCluster;
  let fake: FakeGitHub;
  let ns = 0;

  before(async () => {
    [sim, fake] = await Promise.all([startSimCluster(), startFakeGitHub()]);
  });
  after(() => Promise.all([sim.stop(), fake.stop()]));

  /** A job of run `runId`: the fake GitHub API, its own run URL. */
  const job = (runId: number, opts: RunActionOptions = {}): RunActionOptions => ({
    ...opts,
    env: { GITHUB_API_URL: fake.url, GITHUB_RUN_ID: String(runId), ...(opts.env ?? {}) },
  });
  /** What every job passes: the cluster and the release, nothing about deployments. */
  const cluster = (namespace: string) => ({
    kubeconfig: sim.kubeconfig,
    namespace,
    name: 'web',
    'version-label': 'version',
    'scale-down-delay': '1s',
    'github-token': 'test-token',
    comment: 'false',
  });
  /** Only the deploy jobs name the deployment inputs. */
  const reporting = {
    'deployment-status': 'true',
    environment: 'production',
    'environment-url': 'https://shop.example.test',
    'production-environment': 'true',
  };
  /** A deploy job's canary of the app in `dir`, with the deployment inputs. */
  const canaryOf = (namespace: string, dir: string) => ({
    ...cluster(namespace),
    ...reporting,
    strategy: 'canary',
    traffic: 'replicas',
    manifests: dir,
  });
  const freshNamespace = (): string => {
    const namespace = `deployments-${++ns}`;
    sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    return namespace;
  };
  const deploymentsSince = (from: number) => fake.deployments.slice(from);
  const statusesOf = (id: number | undefined) => fake.statuses.filter((s) => s.deploymentId === id);
  const statesOf = (id: number | undefined) => statusesOf(id).map((s) => s.state);
  const ok = (run: ActionRun, result: string) => assert.equal(run.outputs.result, result, run.stdout);

  it('deploy (paused), then promote, rollback and status jobs with no deployment inputs: one deployment per release', async () => {
    const namespace = freshNamespace();
    const dir = writeApp({ replicas: 4 });
    const from = fake.deployments.length;
    const v1 = await runAction(
      { ...cluster(namespace), ...reporting, manifests: dir, images: `${IMAGE}:v1` },
      job(1),
    );
    ok(v1, 'promoted');
    const canary = {
      ...canaryOf(namespace, dir),
      images: `${IMAGE}:v2`,
      steps: stringify([{ setWeight: 30 }, { pause: {} }]),
    };
    ok(await runAction(canary, job(2)), 'paused');
    const [d1, d2] = deploymentsSince(from);
    assert.deepEqual(
      [d1?.body.payload, d2?.body.payload],
      [
        { app: 'web', version: 'v1' },
        { app: 'web', version: 'v2' },
      ],
    );
    assert.deepEqual(statesOf(d2!.id), ['in_progress'], 'paused: still in progress');

    const promoted = await runAction({ ...cluster(namespace), action: 'promote' }, job(3));
    ok(promoted, 'promoted');
    const rolledBack = await runAction({ ...cluster(namespace), action: 'rollback' }, job(4));
    ok(rolledBack, 'rolled-back');
    assert.equal(rolledBack.code, 0, 'a requested rollback succeeds');
    const requests = fake.requests.length;
    const status = await runAction({ ...cluster(namespace), action: 'status' }, job(5));
    assert.equal(status.code, 0, status.stdout);
    assert.deepEqual(fake.requests.slice(requests), [], 'status creates nothing and posts nothing');

    assert.equal(deploymentsSince(from).length, 2, 'one deployment per release, none for the later jobs');
    assert.deepEqual(statesOf(d1!.id), ['in_progress', 'success', 'inactive', 'success']);
    assert.deepEqual(statesOf(d2!.id), ['in_progress', 'in_progress', 'success', 'inactive']);
    assert.deepEqual(
      statusesOf(d2!.id).map((s) => s.body.log_url),
      [2, 3, 3, 4].map((run) => `${RUNS}/${run}`),
      'each status links the job that posted it',
    );
    assert.deepEqual(
      statusesOf(d1!.id).map((s) => s.body.log_url),
      [1, 1, 3, 4].map((run) => `${RUNS}/${run}`),
    );
    for (const s of [...statusesOf(d1!.id), ...statusesOf(d2!.id)]) {
      assert.equal(s.body.environment, 'production', 'the deploy job’s environment, not the default');
      assert.equal(s.body.environment_url, 'https://shop.example.test');
    }
    assert.equal(d2!.body.production_environment, true, 'from the input');
    assert.equal(d2!.body.transient_environment, false);
    assert.equal(d2!.body.environment, 'production');
  });

  it('an automatic rollback is a failure; a new version pushed while one waits makes that one inactive', async () => {
    const namespace = freshNamespace();
    const dir = writeApp({ replicas: 4 });
    const from = fake.deployments.length;
    ok(
      await runAction(
        { ...cluster(namespace), ...reporting, manifests: dir, images: `${IMAGE}:v1` },
        job(10),
      ),
      'promoted',
    );
    const canary = canaryOf(namespace, dir);
    const crashing = writeApp({ replicas: 4, env: { SIM_CRASH: 'true' } });
    const bad = await runAction(
      {
        ...canary,
        manifests: crashing,
        images: `${IMAGE}:v2`,
        steps: stringify([{ setWeight: 50 }, { pause: '30s' }]),
      },
      job(11),
    );
    ok(bad, 'rolled-back');
    const waits = stringify([{ setWeight: 25 }, { pause: {} }]);
    ok(await runAction({ ...canary, images: `${IMAGE}:v3`, steps: waits }, job(12)), 'paused');
    ok(await runAction({ ...canary, images: `${IMAGE}:v4`, steps: waits }, job(13)), 'paused');
    const [d1, d2, d3, d4] = deploymentsSince(from);
    assert.deepEqual(
      statesOf(d1!.id),
      ['in_progress', 'success'],
      'the stable one: untouched by the failure',
    );
    assert.deepEqual(statesOf(d2!.id), ['in_progress', 'failure']);
    assert.match(String(statusesOf(d2!.id)[1]!.body.description), /rolled back, back on v1/);
    assert.deepEqual(statesOf(d3!.id), ['in_progress', 'inactive'], 'superseded by v4');
    assert.match(String(statusesOf(d3!.id)[1]!.body.description), /superseded by v4/);
    assert.deepEqual(statesOf(d4!.id), ['in_progress']);
  });

  it('a GitHub that answers 429 and 5xx loses no status; a 403 warns once', async () => {
    const namespace = freshNamespace();
    const dir = writeApp({ replicas: 2 });
    const from = fake.deployments.length;
    fake.inject(serverError(/\/deployments$/, 1));
    fake.inject(secondaryRateLimit(/\/deployments\/\d+\/statuses$/, 2, 1));
    const v1 = await runAction(
      { ...cluster(namespace), ...reporting, manifests: dir, images: `${IMAGE}:v1` },
      job(20),
    );
    ok(v1, 'promoted');
    const [d1] = deploymentsSince(from);
    assert.deepEqual(statesOf(d1!.id), ['in_progress', 'success']);
    assert.deepEqual(
      v1.annotations.filter((a) => a.startsWith('::warning')),
      [],
    );
    assert.match(v1.stdout, /secondary rate limit answered POST .*statuses: retrying in 1s/);

    fake.failWith(403, /\/deployments/);
    try {
      const canary = canaryOf(namespace, dir);
      const steps = stringify([{ setWeight: 25 }, { setWeight: 50 }, { setWeight: 75 }]);
      const refused = await runAction({ ...canary, images: `${IMAGE}:v2`, steps }, job(21));
      ok(refused, 'promoted');
      const warnings = refused.annotations.filter((a) => a.startsWith('::warning'));
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0]!, /HTTP 403.*deployments: write/);
    } finally {
      fake.clearFailures();
    }
  });
});
