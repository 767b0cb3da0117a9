// Issue 20 (name limits), end to end: the longest names the release's own objects leave room for
// are accepted and released (Lease, ConfigMap and Secret `kube-rollout-<name>`, the `-canary` copy
// and its Service), one character more is refused before any write, naming the file and line.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { runAction } from '../helpers/action.ts';
import { writeApp } from '../helpers/manifests.ts';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';

const IMAGE = 'registry.local:5000/acme/web';
const nameOf = (length: number) => `w${'x'.repeat(length - 1)}`;

describe('name limits (dist/index.js)', () => {
  let sim: SimCluster;
  let ns = 0;
  const namespace = () => {
    const name = `names-${++ns}`;
    sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    return name;
  };
  const base = (namespace: string) => ({
    kubeconfig: sim.kubeconfig,
    namespace,
    'version-label': 'version',
    comment: 'false',
    'scale-down-delay': '0s',
  });

  before(async () => {
    sim = await startSimCluster();
  });
  after(async () => {
    await sim.stop();
  });

  it('a 63-character workload name is the release name, and its canary copy is released', async () => {
    const ns = namespace();
    const name = nameOf(63);
    const dir = writeApp({
      name,
      replicas: 2,
      image: `${IMAGE}:v1`,
      // A Secret in the release, so its Secret store kube-rollout-<name> is written too.
      extra: [
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, stringData: { password: 'p4ssw0rd' } },
      ],
    });
    const first = await runAction({ ...base(ns), manifests: dir, images: `${IMAGE}:v1` });
    assert.equal(first.outputs.result, 'promoted', first.stdout);
    for (const [apiVersion, kind] of [
      ['v1', 'ConfigMap'],
      ['v1', 'Secret'],
    ] as const)
      assert.ok(sim.store.get(apiVersion, kind, ns, `kube-rollout-${name}`), `${kind} kube-rollout-${name}`);
    const lease = sim.store.get('coordination.k8s.io/v1', 'Lease', ns, `kube-rollout-${name}`);
    assert.ok(lease, 'the Lease');
    assert.equal(lease.metadata.labels?.['kube-rollout.io/release'], name);

    let sawCopy = false;
    const canary = await runAction(
      {
        ...base(ns),
        manifests: dir,
        images: `${IMAGE}:v2`,
        strategy: 'canary',
        steps: stringify([{ setWeight: 50 }, { setWeight: 100 }]),
      },
      { onStdout: () => (sawCopy ||= !!sim.store.get('apps/v1', 'Deployment', ns, `${name}-canary`)) },
    );
    assert.equal(canary.outputs.result, 'promoted', canary.stdout);
    assert.ok(sawCopy, `the copy ${name}-canary ran`);
  });

  it('a 64-character workload name is refused before any write, naming the file and line', async () => {
    const ns = namespace();
    sim.resetStats();
    const run = await runAction({
      ...base(ns),
      manifests: writeApp({ name: nameOf(64), image: `${IMAGE}:v1` }),
      images: `${IMAGE}:v1`,
    });
    assert.equal(run.code, 1);
    const error = run.annotations.find((a) => a.startsWith('::error'));
    assert.match(error ?? '', /file=.*app\.yaml,line=1/);
    assert.match(
      error ?? '',
      /its name \(64 characters\) would be the release's name, which may have at most 63/,
    );
    assert.equal(sim.stats().writes, 0, `writes: ${JSON.stringify(sim.stats().byVerb)}`);
  });

  it('canary over nginx: a 56-character Service gets its 63-character -canary Service, 57 is refused', async () => {
    const release = async (service: string) => {
      const ns = namespace();
      const inputs = {
        ...base(ns),
        name: 'web',
        manifests: writeApp({ name: service, replicas: 2, ingress: true, image: `${IMAGE}:v1` }),
      };
      // The first release runs as a rolling update: no copy, no -canary Service yet.
      const first = await runAction({ ...inputs, images: `${IMAGE}:v1` });
      assert.equal(first.outputs.result, 'promoted', first.stdout);
      const canary = {
        ...inputs,
        strategy: 'canary',
        traffic: 'nginx',
        steps: stringify([{ setWeight: 50 }, { setWeight: 100 }]),
        images: `${IMAGE}:v2`,
      };
      return { ns, canary };
    };

    const long = await release(nameOf(57));
    sim.resetStats();
    const refused = await runAction(long.canary);
    assert.equal(refused.code, 1);
    const error = refused.annotations.find((a) => a.includes('wxxx'));
    assert.match(error ?? '', /file=.*app\.yaml,line=\d+/);
    assert.match(
      error ?? '',
      /Service wx{56}: its name has 57 characters, at most 56, because the release adds Service <name>-canary/,
    );
    assert.equal(sim.stats().writes, 0, `writes: ${JSON.stringify(sim.stats().byVerb)}`);

    const service = nameOf(56);
    const fits = await release(service);
    let sawCanaryService = false;
    const canary = await runAction(fits.canary, {
      onStdout: () => (sawCanaryService ||= !!sim.store.get('v1', 'Service', fits.ns, `${service}-canary`)),
    });
    assert.equal(canary.outputs.result, 'promoted', canary.stdout);
    assert.ok(sawCanaryService, `Service ${service}-canary (63 characters) was created`);
  });
});
