// Issue 9, end to end: releases that meet an earlier release (supersede while paused, rollback
// after an automatic rollback or a finished release, status of a run that died), through the
// bundled action, with the cluster and the stored state checked against each other.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { runAction } from '../helpers/action.ts';
import { writeApp, type AppOptions } from '../helpers/manifests.ts';
import type { ReleaseState } from '../../src/record/types.ts';
import { valueAt } from '../../src/plain-values.ts';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';

const IMAGE = 'registry.local:5000/acme/web';
const TRAFFIC = ['replicas', 'nginx', 'gateway-api', 'istio', 'smi'] as const;

describe('release lifecycle across runs (dist/index.js)', () => {
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

  async function withV1(app: AppOptions = {}): Promise<{ namespace: string; dir: string }> {
    const namespace = `life-${++ns}`;
    sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    const dir = writeApp({ replicas: 2, ...app });
    const first = await runAction({ ...base(namespace), manifests: dir, images: `${IMAGE}:v1` });
    assert.equal(first.outputs.result, 'promoted', first.stdout);
    return { namespace, dir };
  }

  function state(namespace: string): ReleaseState {
    const cm = sim.store.get('v1', 'ConfigMap', namespace, 'kube-rollout-web');
    return JSON.parse(cm?.data?.['state.json'] ?? 'null') as ReleaseState;
  }

  /** Versions answering through `entry` over a few hundred requests. */
  function served(entry: string): Set<string | undefined> {
    const versions = new Set<string | undefined>();
    for (let i = 0; i < 300; i++) versions.add(sim.traffic.sendRequest(entry).version);
    return versions;
  }

  function leftovers(namespace: string): string[] {
    const names = [
      ...sim.store.list('apps/v1', 'Deployment', namespace),
      ...sim.store.list('v1', 'Service', namespace),
      ...sim.store.list('networking.k8s.io/v1', 'Ingress', namespace),
    ]
      .map((o) => `${o.kind}/${o.metadata.name}`)
      .filter((n) => /-(canary|green)$/.test(n));
    const service = sim.store.get('v1', 'Service', namespace, 'web');
    if (service?.metadata.annotations?.['kube-rollout.io/original-selector']) names.push('pinned Service');
    return names;
  }

  /** The Lease's holder (undefined when it is free or gone). */
  function leaseHolder(namespace: string): unknown {
    const lease = sim.store.get('coordination.k8s.io/v1', 'Lease', namespace, 'kube-rollout-web');
    return valueAt(lease, ['spec', 'holderIdentity']);
  }

  before(async () => {
    sim = await startSimCluster();
  });
  after(async () => {
    await sim.stop();
  });

  for (const traffic of TRAFFIC) {
    it(`canary over ${traffic} paused at v2, then v3 pushed: v3 is released and v2 leaves nothing behind`, async () => {
      const app: AppOptions =
        traffic === 'nginx'
          ? { ingress: true }
          : traffic === 'gateway-api'
            ? { httpRoute: true }
            : traffic === 'istio'
              ? { extra: [virtualService()] }
              : {};
      const { namespace, dir } = await withV1(app);
      const inputs = {
        ...base(namespace),
        strategy: 'canary',
        traffic,
        manifests: dir,
        steps: stringify([{ setWeight: 50 }, { pause: {} }]),
      };
      const v2 = await runAction({ ...inputs, images: `${IMAGE}:v2` });
      assert.equal(v2.outputs.result, 'paused', v2.stdout);
      const again = await runAction({ ...inputs, images: `${IMAGE}:v2` });
      assert.equal(again.outputs.result, 'paused', 'deploying the paused version again changes nothing');
      assert.match(again.stdout, /already paused/);

      const v3 = await runAction({ ...inputs, images: `${IMAGE}:v3`, steps: stringify([{ setWeight: 50 }]) });
      assert.equal(v3.code, 0, v3.stdout + v3.stderr);
      assert.equal(v3.outputs.result, 'promoted');
      assert.equal(v3.outputs.version, 'v3');
      assert.equal(v3.outputs['previous-version'], 'v1', 'v3 starts from the original stable, not from v2');
      assert.match(v3.summary, /superseded v2/);
      assert.deepEqual([...served(`service/${namespace}/web`)], ['v3']);
      assert.deepEqual(leftovers(namespace), []);
      const s = state(namespace);
      assert.equal(s.phase, 'promoted');
      assert.equal(s.servingVersion, 'v3');
      assert.equal(s.record.supersededVersion, 'v2');
      assert.equal(leaseHolder(namespace), undefined, 'the lock is free');
    });
  }

  for (const preview of [false, true]) {
    it(`blue-green${preview ? ' with a preview Service' : ''} paused before the switch, then a new version`, async () => {
      const { namespace, dir } = await withV1();
      const inputs = {
        ...base(namespace),
        strategy: 'blue-green',
        manifests: dir,
        'auto-promote': 'false',
        ...(preview ? { 'preview-service': 'preview' } : {}),
      };
      const v2 = await runAction({ ...inputs, images: `${IMAGE}:v2` });
      assert.equal(v2.outputs.result, 'paused', v2.stdout);
      assert.ok(sim.store.get('apps/v1', 'Deployment', namespace, 'web-green'));
      const v3 = await runAction({ ...inputs, images: `${IMAGE}:v3`, 'auto-promote': 'true' });
      assert.equal(v3.outputs.result, 'promoted', v3.stdout);
      assert.deepEqual([...served(`service/${namespace}/web`)], ['v3']);
      assert.deepEqual(leftovers(namespace), []);
      assert.equal(state(namespace).servingVersion, 'v3');
    });
  }

  it('a first release into a Namespace its own manifests define creates it, then releases', async () => {
    const namespace = `life-new-${++ns}`;
    const dir = writeApp({
      replicas: 2,
      namespace,
      extra: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }],
    });
    const run = await runAction({ ...base(namespace), manifests: dir, images: `${IMAGE}:v1` });
    assert.equal(run.outputs.result, 'promoted', run.stdout);
    assert.ok(sim.store.get('v1', 'Namespace', undefined, namespace));
    assert.equal(state(namespace).servingVersion, 'v1');
  });

  it('rollback after an automatic rollback changes nothing: stable keeps serving, status agrees', async () => {
    const { namespace, dir } = await withV1();
    const bad = await runAction({
      ...base(namespace),
      manifests: writeApp({ replicas: 2, env: { SIM_CRASH: 'true' } }),
      images: `${IMAGE}:v2`,
    });
    assert.equal(bad.outputs.result, 'rolled-back', bad.stdout);
    const back = await runAction({ ...base(namespace), action: 'rollback', name: 'web', manifests: dir });
    assert.equal(back.code, 0, back.stdout);
    assert.equal(back.outputs.result, 'unchanged');
    assert.match(back.stdout, /already serves v1/);
    const status = await runAction({ ...base(namespace), action: 'status', name: 'web' });
    assert.equal(status.code, 0, 'status of a rolled-back release does not fail the step');
    assert.equal(status.outputs.result, 'rolled-back');
    assert.equal(status.outputs.version, 'v1');
    assert.deepEqual([...served(`service/${namespace}/web`)], ['v1']);
    const web = sim.store.get('apps/v1', 'Deployment', namespace, 'web')!;
    assert.equal(web.spec.template.spec.containers[0].image, `${IMAGE}:v1`);
  });

  it('rollback of a finished release returns to the stable version and the state says so', async () => {
    const { namespace, dir } = await withV1();
    const v2 = await runAction({ ...base(namespace), manifests: dir, images: `${IMAGE}:v2` });
    assert.equal(v2.outputs.result, 'promoted', v2.stdout);
    const back = await runAction({ ...base(namespace), action: 'rollback', name: 'web' });
    assert.equal(back.code, 0, back.stdout);
    assert.equal(back.outputs.result, 'rolled-back');
    assert.equal(back.outputs.version, 'v1');
    const s = state(namespace);
    assert.equal(s.phase, 'rolled-back');
    assert.equal(s.servingVersion, 'v1');
    assert.deepEqual([...served(`service/${namespace}/web`)], ['v1']);
    const status = await runAction({ ...base(namespace), action: 'status', name: 'web' });
    assert.equal(status.outputs.result, 'rolled-back');
    assert.equal(status.outputs.version, 'v1');
    const twice = await runAction({ ...base(namespace), action: 'rollback', name: 'web' });
    assert.equal(twice.outputs.result, 'unchanged', 'a second rollback has nothing to do');
  });

  it('a run killed during a paused canary: status names the holder, the next deploy takes over', async () => {
    const { namespace, dir } = await withV1();
    const inputs = {
      ...base(namespace),
      strategy: 'canary',
      manifests: dir,
      images: `${IMAGE}:v2`,
      steps: stringify([{ setWeight: 50 }, { pause: '10m' }]),
    };
    const killed = await runAction(inputs, {
      killSignal: 'SIGKILL',
      killWhen: (out) => out.includes('pause 10m'),
    });
    assert.notEqual(killed.code, 0);
    const status = await runAction({ ...base(namespace), action: 'status', name: 'web' });
    assert.equal(status.code, 0, 'status never fails the step');
    assert.equal(status.outputs.result, 'progressing');
    assert.match(status.stdout, /holds the release lock|stopped renewing its lock/);
    const next = await runAction({
      ...inputs,
      images: `${IMAGE}:v3`,
      steps: stringify([{ setWeight: 100 }]),
    });
    assert.equal(next.outputs.result, 'promoted', next.stdout);
    assert.match(next.stdout, /took over/);
    assert.deepEqual([...served(`service/${namespace}/web`)], ['v3']);
    assert.deepEqual(leftovers(namespace), []);
    assert.equal(state(namespace).servingVersion, 'v3');
  });
});

function virtualService(): object {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'web' },
    spec: {
      hosts: ['web.example'],
      http: [{ name: 'main', route: [{ destination: { host: 'web', port: { number: 80 } } }] }],
    },
  };
}
