// Issue 20, items 2 and 4, through the bundle: a release state damaged or deleted by hand (its key
// removed, its JSON broken, another schema, the ConfigMap or the release Secret deleted mid-pause)
// is reported as such and recovered from the cluster alone; a deploy of an older workflow run
// never replaces the release of a later one. Every case ends with the release invariant.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';
import { runAction } from '../helpers/action.ts';
import { checkReleaseInvariant } from '../helpers/invariant.ts';
import { writeApp, type AppOptions } from '../helpers/manifests.ts';
import { waitFor } from '../helpers/lifecycle-release.ts';

const IMAGE = 'registry.local:5000/acme/web';
const PAUSED = stringify([{ setWeight: 50 }, { pause: {} }]);
const READS = new Set(['get', 'list', 'watch']);

describe('hand-edited or deleted release state, and racing runs (dist/index.js)', () => {
  let sim: SimCluster;
  let ns = 0;
  const base = (namespace: string) => ({
    kubeconfig: sim.kubeconfig,
    namespace,
    'version-label': 'version',
    comment: 'false',
    'scale-down-delay': '0s',
    'lease-duration': '2s',
  });

  before(async () => {
    sim = await startSimCluster();
  });
  after(async () => {
    await sim.stop();
  });

  function namespaceFor(): string {
    const namespace = `state-${++ns}`;
    sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    return namespace;
  }

  /** v1 released, then v2 paused at 50% as a canary over `traffic`. */
  async function pausedCanary(
    traffic = 'replicas',
    app: AppOptions = {},
  ): Promise<{ namespace: string; inputs: Record<string, string> }> {
    const namespace = namespaceFor();
    const dir = writeApp({ replicas: 2, ...app });
    const inputs = { ...base(namespace), manifests: dir, strategy: 'canary', traffic, steps: PAUSED };
    const v1 = await runAction({ ...inputs, images: `${IMAGE}:v1` });
    assert.equal(v1.outputs.result, 'promoted', v1.stdout);
    const v2 = await runAction({ ...inputs, images: `${IMAGE}:v2` });
    assert.equal(v2.outputs.result, 'paused', v2.stdout);
    assert.ok(sim.store.get('apps/v1', 'Deployment', namespace, 'web-canary'), 'the canary runs');
    return { namespace, inputs };
  }

  const stateMap = (namespace: string) => sim.store.get('v1', 'ConfigMap', namespace, 'kube-rollout-web');
  const state = (namespace: string) => JSON.parse(stateMap(namespace)?.data?.['state.json'] ?? 'null');

  function setStateText(namespace: string, text: string | undefined): void {
    const cm = stateMap(namespace)!;
    const data = { ...cm.data };
    if (text === undefined) delete data['state.json'];
    else data['state.json'] = text;
    sim.store.update({ ...cm, data });
  }

  function deleteObject(namespace: string, kind: 'ConfigMap' | 'Secret'): void {
    sim.store.delete('v1', kind, namespace, 'kube-rollout-web');
  }

  function assertConsistent(namespace: string, context: string): void {
    const violations = checkReleaseInvariant(sim, { name: 'web', namespace, versionLabel: 'version' });
    assert.deepEqual(violations, [], `${context}: ${violations.join('\n')}`);
  }

  /** Writes (not reads, not dry runs) the simulator saw in `namespace` since `since`. */
  function writesSince(namespace: string, since: number): string[] {
    return sim
      .stats()
      .requests.filter((r) => r.at >= since && r.namespace === namespace && !r.dryRun && !READS.has(r.verb))
      .map((r) => `${r.verb} ${r.resource}/${r.name ?? ''} ${r.code}`);
  }

  it('a state whose key was removed: status reports the damage and exits 0, the next deploy releases', async () => {
    const namespace = namespaceFor();
    const inputs = { ...base(namespace), manifests: writeApp({ replicas: 2 }) };
    assert.equal((await runAction({ ...inputs, images: `${IMAGE}:v1` })).outputs.result, 'promoted');
    setStateText(namespace, undefined);

    const status = await runAction({ ...base(namespace), action: 'status', name: 'web' });
    assert.equal(status.code, 0, `status never fails the step: ${status.stdout}`);
    assert.equal(status.outputs.result, 'failed');
    assert.match(
      status.outputs['rollback-reason']!,
      /ConfigMap kube-rollout-web in state-\d+, key state\.json is missing/,
    );
    assert.match(status.summary, /damaged/);
    assert.match(status.summary, /action: rollback/);

    const v2 = await runAction({ ...inputs, images: `${IMAGE}:v2` });
    assert.equal(v2.code, 0, v2.stdout);
    assert.equal(v2.outputs.result, 'promoted');
    assert.doesNotMatch(v2.stdout, /another run/);
    assert.equal(state(namespace).phase, 'promoted');
    assert.equal(state(namespace).servingVersion, 'v2');
    assertConsistent(namespace, 'v2 over a state without its key');
  });

  it('state lost while a crashing version was rolling out (the run was killed): the same version again is judged, fails fast and returns to v1', async () => {
    const namespace = namespaceFor();
    const healthy = { ...base(namespace), strategy: 'recreate', manifests: writeApp({ replicas: 2 }) };
    assert.equal((await runAction({ ...healthy, images: `${IMAGE}:v1` })).outputs.result, 'promoted');
    // What a run killed half-way through v2 leaves: the template written, the pods crashing.
    const crashing = writeApp({ replicas: 2, env: { SIM_CRASH: 'true' } });
    const web = sim.store.get('apps/v1', 'Deployment', namespace, 'web')!;
    const template = structuredClone(web.spec.template);
    template.metadata.labels.version = 'v2';
    template.spec.containers[0].image = `${IMAGE}:v2`;
    template.spec.containers[0].env = [
      ...(template.spec.containers[0].env ?? []),
      { name: 'SIM_CRASH', value: 'true' },
    ];
    sim.store.update({ ...web, spec: { ...web.spec, template } });
    deleteObject(namespace, 'ConfigMap');
    await waitFor(
      () =>
        sim.store
          .get('apps/v1', 'Deployment', namespace, 'web')
          ?.status?.conditions?.some((c: { reason?: string }) => c.reason === 'ReplicaSetUpdated'),
      'the Deployment to start rolling out v2',
    );

    const again = await runAction({ ...healthy, manifests: crashing, images: `${IMAGE}:v2` });
    assert.notEqual(again.outputs.result, 'unchanged', again.stdout);
    assert.equal(again.outputs.result, 'rolled-back', again.stdout);
    assert.match(again.outputs['rollback-reason']!, /CrashLoopBackOff|Error/);
    assert.match(again.summary, /never finished rolling out revision 2/);
    assert.equal(state(namespace).servingVersion, 'v1');
    assertConsistent(namespace, 'the crashing version judged again');

    const v3 = await runAction({ ...healthy, images: `${IMAGE}:v3` });
    assert.equal(v3.outputs.result, 'promoted', v3.stdout);
    assertConsistent(namespace, 'v3 after it');
  });

  it('a version that finished rolling out once is unchanged when deployed again, even with its state gone', async () => {
    const namespace = namespaceFor();
    const inputs = { ...base(namespace), manifests: writeApp({ replicas: 2 }) };
    assert.equal((await runAction({ ...inputs, images: `${IMAGE}:v1` })).outputs.result, 'promoted');
    assert.equal((await runAction({ ...inputs, images: `${IMAGE}:v2` })).outputs.result, 'promoted');
    deleteObject(namespace, 'ConfigMap');
    const again = await runAction({ ...inputs, images: `${IMAGE}:v2` });
    assert.equal(again.outputs.result, 'unchanged', again.stdout);
    assert.doesNotMatch(again.summary, /never finished/);
    assertConsistent(namespace, 'v2 deployed again');
  });

  for (const [what, text] of [
    ['unparseable JSON', '{"schema": 1, "phase": "pau'],
    ['an unknown schema', JSON.stringify({ schema: 7, phase: 'paused' })],
  ] as const) {
    it(`a paused canary whose state holds ${what}: rollback returns to stable from the cluster`, async () => {
      const { namespace, inputs } = await pausedCanary();
      setStateText(namespace, text);
      const status = await runAction({ ...base(namespace), action: 'status', name: 'web' });
      assert.equal(status.code, 0, status.stdout);
      assert.match(status.outputs['rollback-reason']!, /damaged: .*ConfigMap kube-rollout-web/);

      const back = await runAction({ ...inputs, action: 'rollback', images: `${IMAGE}:v2` });
      assert.equal(back.code, 0, back.stdout);
      assert.equal(back.outputs.result, 'rolled-back');
      assert.equal(back.outputs.version, 'v1');
      assert.match(back.summary, /rebuilt from the cluster/);
      assert.doesNotMatch(back.stdout, /another run/);
      assert.equal(state(namespace).phase, 'rolled-back');
      assertConsistent(namespace, `rollback over ${what}`);
    });
  }

  it('a damaged state and a canary Service whose copy never ran (the run was killed between them): rollback removes it', async () => {
    const namespace = namespaceFor();
    const inputs = { ...base(namespace), manifests: writeApp({ replicas: 2 }) };
    assert.equal((await runAction({ ...inputs, images: `${IMAGE}:v1` })).outputs.result, 'promoted');
    // What the smi and nginx routers make first: <service>-canary, selecting the app's pods.
    sim.store.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'web-canary',
        namespace,
        labels: { app: 'web', 'kube-rollout.io/role': 'canary' },
        annotations: { 'kube-rollout.io/created-by': 'smi' },
      },
      spec: { selector: { app: 'web', version: 'v2' }, ports: [{ port: 80 }] },
    });
    // Another release's canary Service in the same namespace is not this release's to remove.
    sim.store.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'other-canary',
        namespace,
        labels: { app: 'other', 'kube-rollout.io/role': 'canary' },
        annotations: { 'kube-rollout.io/created-by': 'smi' },
      },
      spec: { selector: { app: 'other' }, ports: [{ port: 80 }] },
    });
    setStateText(namespace, '{"schema": 99}');

    const back = await runAction({ ...base(namespace), action: 'rollback', name: 'web' });
    assert.equal(sim.store.get('v1', 'Service', namespace, 'web-canary'), undefined, back.stdout);
    assert.ok(
      sim.store.get('v1', 'Service', namespace, 'other-canary'),
      'the other release keeps its Service',
    );
    assert.match(back.stdout, /rebuilt from the cluster \(v2 beside v1, traffic smi\) and returned to v1/);
    sim.store.delete('v1', 'Service', namespace, 'other-canary');
    assertConsistent(namespace, 'after the rollback');
  });

  for (const traffic of ['nginx', 'gateway-api'] as const) {
    for (const request of ['rollback', 'deploy'] as const) {
      it(`a damaged state and the ${traffic} router's objects without a copy (killed before the copy ran): ${request} undoes them`, async () => {
        const app: AppOptions = traffic === 'nginx' ? { ingress: true } : { httpRoute: true };
        const { namespace, inputs } = await pausedCanary(traffic, app);
        // What a run killed between the router's set-up and the copy leaves: the router's objects.
        sim.store.delete('apps/v1', 'Deployment', namespace, 'web-canary');
        setStateText(namespace, '{"schema": 99}');

        const run =
          request === 'rollback'
            ? await runAction({ ...base(namespace), action: 'rollback', name: 'web' })
            : await runAction({ ...inputs, images: `${IMAGE}:v3` });
        assert.equal(run.code, 0, run.stdout);
        assert.equal(run.outputs.result, request === 'rollback' ? 'rolled-back' : 'paused', run.stdout);
        assert.equal(
          sim.store.get('v1', 'Service', namespace, 'web-canary') === undefined,
          request === 'rollback',
        );
        const service = sim.store.get('v1', 'Service', namespace, 'web')!;
        if (request === 'rollback') {
          assert.deepEqual(service.spec.selector, { app: 'web' }, 'the pin is undone');
          assert.equal(service.metadata.annotations?.['kube-rollout.io/original-selector'], undefined);
          assertConsistent(namespace, `${request} of the router's leftovers (${traffic})`);
        } else {
          const promoted = await runAction({ ...inputs, action: 'promote', images: `${IMAGE}:v3` });
          assert.equal(promoted.outputs.result, 'promoted', promoted.stdout);
          assertConsistent(namespace, `v3 over the router's leftovers (${traffic})`);
        }
      });
    }
  }

  it("a damaged state and only the pin on the app's Service left (killed half-way through the reset): rollback restores the selector", async () => {
    const { namespace } = await pausedCanary('nginx', { ingress: true });
    sim.store.delete('apps/v1', 'Deployment', namespace, 'web-canary');
    sim.store.delete('networking.k8s.io/v1', 'Ingress', namespace, 'web-canary');
    sim.store.delete('v1', 'Service', namespace, 'web-canary');
    setStateText(namespace, '{"schema": 99}');
    const pinned = sim.store.get('v1', 'Service', namespace, 'web')!;
    assert.deepEqual(pinned.spec.selector, { app: 'web', version: 'v1' }, 'the pin is in place');

    const back = await runAction({ ...base(namespace), action: 'rollback', name: 'web' });
    assert.equal(back.code, 0, back.stdout);
    assert.deepEqual(sim.store.get('v1', 'Service', namespace, 'web')!.spec.selector, { app: 'web' });
    assert.match(back.summary, /Service web was left pinned to one version by a run that stopped/);
    assertConsistent(namespace, 'rollback of a pin left alone');
  });

  it('the state ConfigMap deleted mid-pause, then promote: refused, back on stable, few writes', async () => {
    const { namespace } = await pausedCanary();
    deleteObject(namespace, 'ConfigMap');
    const since = Date.now();
    const promote = await runAction({ ...base(namespace), action: 'promote', name: 'web' });
    assert.notEqual(promote.code, 0, 'the promote cannot be carried out');
    assert.equal(promote.outputs.result, 'rolled-back', promote.stdout);
    assert.match(
      promote.outputs['rollback-reason']!,
      /cannot promote v2: its state ConfigMap kube-rollout-web is gone/,
    );
    assert.match(promote.outputs['rollback-reason']!, /deploy v2 again/);
    const writes = writesSince(namespace, since);
    assert.ok(writes.length <= 12, `a handful of writes, not a storm: ${writes.join(', ')}`);
    assert.equal(sim.store.get('apps/v1', 'Deployment', namespace, 'web-canary'), undefined);
    assert.equal(state(namespace).phase, 'rolled-back');
    assertConsistent(namespace, 'promote without a state');
  });

  for (const traffic of ['replicas', 'nginx', 'gateway-api'] as const) {
    it(`the state ConfigMap deleted under a paused canary over ${traffic}: rollback works from the cluster alone`, async () => {
      const app: AppOptions =
        traffic === 'nginx' ? { ingress: true } : traffic === 'gateway-api' ? { httpRoute: true } : {};
      const { namespace } = await pausedCanary(traffic, app);
      deleteObject(namespace, 'ConfigMap');
      // No manifests, no inputs of the release: only its name.
      const back = await runAction({ ...base(namespace), action: 'rollback', name: 'web' });
      assert.equal(back.code, 0, back.stdout);
      assert.equal(back.outputs.result, 'rolled-back');
      assert.equal(back.outputs.version, 'v1');
      assert.match(back.stdout, new RegExp(`traffic ${traffic}\\b`), 'the router is found from its objects');
      assertConsistent(namespace, `rollback without a state (${traffic})`);
      const again = await runAction({ ...base(namespace), action: 'status', name: 'web' });
      assert.equal(again.outputs.result, 'rolled-back', 'a fresh state says what the cluster serves');
    });
  }

  it('the state ConfigMap deleted mid-pause, then a new version: the copies go first, then it releases', async () => {
    const { namespace, inputs } = await pausedCanary();
    deleteObject(namespace, 'ConfigMap');
    const v3 = await runAction({ ...inputs, images: `${IMAGE}:v3`, steps: stringify([{ setWeight: 50 }]) });
    assert.equal(v3.code, 0, v3.stdout);
    assert.equal(v3.outputs.result, 'promoted');
    assert.equal(v3.outputs['previous-version'], 'v1');
    assert.match(v3.summary, /rebuilt from the cluster/);
    assert.equal(state(namespace).servingVersion, 'v3');
    assertConsistent(namespace, 'v3 over an orphaned v2 canary');
  });

  it('the release Secret deleted mid-pause: promote refuses with what to do, rollback still works', async () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db' },
      stringData: { password: 'correct-horse-battery' },
    };
    const { namespace } = await pausedCanary('replicas', { extra: [secret] });
    assert.ok(sim.store.get('v1', 'Secret', namespace, 'kube-rollout-web'), 'the release holds its Secrets');
    deleteObject(namespace, 'Secret');
    const promote = await runAction({ ...base(namespace), action: 'promote', name: 'web' });
    assert.notEqual(promote.code, 0);
    assert.match(promote.stdout, /cannot continue: Secret db .*no longer holds it.*action: rollback/);
    assertConsistent(namespace, 'refused promote');

    const back = await runAction({ ...base(namespace), action: 'rollback', name: 'web' });
    assert.equal(back.code, 0, back.stdout);
    assert.equal(back.outputs.result, 'rolled-back');
    assert.match(back.summary, /not restored: Secret db/);
    assertConsistent(namespace, 'rollback without the release Secret');
  });

  describe('racing runs', () => {
    const run = (number: number, attempt = 1) => ({
      env: {
        GITHUB_RUN_NUMBER: String(number),
        GITHUB_RUN_ATTEMPT: String(attempt),
        GITHUB_WORKFLOW: 'deploy',
      },
    });

    it('an older run never replaces the release of a later one; a re-run counts as later', async () => {
      const namespace = namespaceFor();
      const inputs = {
        ...base(namespace),
        manifests: writeApp({ replicas: 2 }),
        strategy: 'canary',
        steps: PAUSED,
      };
      assert.equal(
        (await runAction({ ...inputs, images: `${IMAGE}:v1` }, run(10))).outputs.result,
        'promoted',
      );
      const v3 = await runAction({ ...inputs, images: `${IMAGE}:v3` }, run(12));
      assert.equal(v3.outputs.result, 'paused', v3.stdout);
      assert.equal(state(namespace).startedBy.number, 12);
      assert.deepEqual(
        { ...state(namespace).startedBy, id: undefined },
        { repository: 'acme/shop', workflow: 'deploy', id: undefined, number: 12, attempt: 1 },
      );

      const before = stateMap(namespace)!.metadata.resourceVersion;
      const since = Date.now();
      const late = await runAction({ ...inputs, images: `${IMAGE}:v2` }, run(11));
      assert.equal(late.code, 0, late.stdout);
      assert.equal(late.outputs.result, 'unchanged');
      assert.match(late.stdout, /superseded by run 12 of workflow "deploy", which started release v3/);
      assert.deepEqual(
        writesSince(namespace, since).filter((w) => !w.includes('leases/')),
        [],
        'nothing written',
      );
      assert.equal(stateMap(namespace)!.metadata.resourceVersion, before);
      assert.equal(state(namespace).newVersion, 'v3');
      assertConsistent(namespace, 'after the older run');

      const rerun = await runAction(
        { ...inputs, images: `${IMAGE}:v4`, steps: stringify([{ setWeight: 50 }]) },
        run(12, 2),
      );
      assert.equal(rerun.outputs.result, 'promoted', rerun.stdout);
      const stale = await runAction({ ...inputs, images: `${IMAGE}:v3` }, run(12, 1));
      assert.equal(stale.outputs.result, 'unchanged');
      assert.match(stale.stdout, /superseded by run 12 \(attempt 2\)/);
      assert.equal(state(namespace).servingVersion, 'v4');
      assertConsistent(namespace, 'after the re-run');
    });
  });
});
