// Issue 9, lock loss: a run whose Lease is taken over (it stalled past lease-duration and another
// run took the release) stops changing the cluster at once and never overwrites the new holder's
// state. The engine runs in this process against the simulator.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { providerTable } from '../../src/analysis/providers/index.ts';

const providers = providerTable();
import { buildConfig, inputsOf } from '../../src/config/index.ts';
import { microTime } from '../../src/engine/lease/lock.ts';
import { deploy, type ReleaseDeps } from '../../src/engine/actions/release.ts';
import { createCluster, loadKubeConfig } from '../../src/kube/index.ts';
import { loadManifests, renderManifests } from '../../src/manifests/index.ts';
import type { RolloutRecord } from '../../src/record/types.ts';
import { writeApp } from '../helpers/manifests.ts';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';

const IMAGE = 'registry.local:5000/acme/web';
const NS = 'lockloss';

describe('a run that loses its release lock', () => {
  let sim: SimCluster;
  before(async () => {
    sim = await startSimCluster();
    sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  });
  after(async () => {
    await sim.stop();
  });

  async function depsFor(
    version: string,
    inputs: Record<string, string>,
    onProgress?: (r: RolloutRecord) => Promise<void>,
  ): Promise<ReleaseDeps> {
    const dir = writeApp({ replicas: 2 });
    const config = buildConfig(
      inputsOf({
        namespace: NS,
        manifests: dir,
        images: `${IMAGE}:${version}`,
        'version-label': 'version',
        'scale-down-delay': '0s',
        'lease-duration': '3s',
        ...inputs,
      }),
      {},
    );
    const objects = await loadManifests(config.manifests, config.workspace);
    const manifests = renderManifests(objects, {
      images: config.images,
      namespace: config.namespace,
      version: config.version,
      versionLabel: config.versionLabel,
    });
    const cluster = createCluster(loadKubeConfig({ kubeconfig: sim.kubeconfig, env: {} }));
    const log = { info: () => {}, warn: () => {}, group: <T>(_: string, fn: () => Promise<T>) => fn() };
    return {
      config,
      cluster,
      log,
      signal: new AbortController().signal,
      providers,
      manifests,
      holder: `run-${version}`,
      ...(onProgress ? { onProgress } : {}),
    };
  }

  it('stops at once, writes nothing more, and leaves the new holder its state', async () => {
    const v1 = await deploy(await depsFor('v1', {}));
    assert.equal(v1.result, 'promoted');

    let takenAt = 0;
    const intruderState = 'written by the run that took over';
    const takeOver = async (record: RolloutRecord) => {
      if (takenAt || record.steps.at(-1)?.label !== 'pause 10m') return;
      takenAt = Date.now();
      const lease = sim.store.get('coordination.k8s.io/v1', 'Lease', NS, 'kube-rollout-web')!;
      sim.store.update({
        ...lease,
        spec: {
          ...lease.spec,
          holderIdentity: 'intruder',
          renewTime: microTime(new Date()),
          leaseDurationSeconds: 60,
        },
      });
      const cm = sim.store.get('v1', 'ConfigMap', NS, 'kube-rollout-web')!;
      sim.store.update({ ...cm, data: { 'state.json': JSON.stringify({ note: intruderState }) } });
    };
    const steps = stringify([{ setWeight: 50 }, { pause: '10m' }, { setWeight: 100 }]);
    const run = await depsFor('v2', { strategy: 'canary', steps }, takeOver);
    await assert.rejects(deploy(run), (err: Error) => {
      assert.equal(err.name, 'LockLostError');
      assert.match(err.message, /lost the lock of release "web" to intruder/);
      return true;
    });
    assert.ok(takenAt > 0, 'the run reached its pause');

    const writesAfter = sim
      .stats()
      .requests.filter(
        (r) => r.at > takenAt && !r.dryRun && ['create', 'update', 'patch', 'delete'].includes(r.verb),
      );
    // The only write the run may still send is the renewal that finds out: an update of the Lease
    // at the resourceVersion it last wrote, which the server refuses (409) once the intruder wrote.
    const isRefusedRenewal = (r: (typeof writesAfter)[number]) =>
      r.verb === 'update' && r.resource === 'leases' && r.code === 409;
    assert.deepEqual(
      writesAfter
        .filter((r) => !isRefusedRenewal(r))
        .map((r) => `${r.verb} ${r.resource}/${r.name} ${r.code}`),
      [],
      'no write once the lock was lost',
    );
    const cm = sim.store.get('v1', 'ConfigMap', NS, 'kube-rollout-web')!;
    assert.equal(JSON.parse(cm.data!['state.json']).note, intruderState, 'the new holder keeps its state');
    const lease = sim.store.get('coordination.k8s.io/v1', 'Lease', NS, 'kube-rollout-web')!;
    assert.equal(lease.spec.holderIdentity, 'intruder', 'the lock stays with the run that took it');
  });
});
