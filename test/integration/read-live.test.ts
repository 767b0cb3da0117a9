// Reading the release's objects (engine/objects/workloads.ts readLive), against the simulator: the
// workloads of one kind and namespace in one LIST, every other object in a GET of its own, each
// copy exactly as a GET reads it; a read that fails fails the call, or, when tolerated, counts as
// missing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';
import { readLive } from '../../src/engine/objects/workloads.ts';
import { createCluster, loadKubeConfig } from '../../src/kube/index.ts';
import { type Cluster, type KubeObject, refOf, workloadKey } from '../../src/kube/types.ts';
import { appObjects } from '../helpers/manifests.ts';

let sim: SimCluster;
let cluster: Cluster;
const ns = 'reads';

before(async () => {
  // No controllers: nothing changes the objects between two reads.
  sim = await startSimCluster({ timeScale: 0.05, controllers: false });
  cluster = createCluster(loadKubeConfig({ kubeconfig: sim.kubeconfig, env: {} }));
  sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  for (const name of ['web', 'api', 'other'])
    for (const o of appObjects({ name, replicas: 1 }) as KubeObject[])
      await cluster.apply({ ...o, metadata: { ...o.metadata, namespace: ns } });
});
after(() => sim.stop());

const inNs = (o: KubeObject): KubeObject => ({ ...o, metadata: { ...o.metadata, namespace: ns } });
/** web and api (Deployments and Services), and a Deployment nobody created. */
const objects = (): KubeObject[] =>
  [
    ...(appObjects({ name: 'web' }) as KubeObject[]),
    ...(appObjects({ name: 'api' }) as KubeObject[]),
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'gone' } },
  ].map(inNs);

/** The resource requests the simulator saw, as `verb resource[/name]`. */
const requests = () =>
  sim
    .stats()
    .requests.filter((r) => r.verb !== 'nonresource')
    .map((r) => `${r.verb} ${r.resource}${r.name ? `/${r.name}` : ''}`)
    .sort();

describe('readLive', () => {
  it('lists the Deployments once and reads each Service: the copies a GET would read', async () => {
    sim.resetStats();
    const live = await readLive(cluster, objects());
    assert.deepEqual(requests(), ['get services/api', 'get services/web', 'list deployments']);
    assert.deepEqual([...live.keys()], objects().map(workloadKey));
    assert.equal(live.get(`Deployment/${ns}/gone`), undefined);
    for (const o of objects().filter((o) => o.metadata.name !== 'gone'))
      assert.deepEqual(live.get(workloadKey(o)), await cluster.get(refOf(o)), workloadKey(o));
  });

  it('reads a lone workload with a GET', async () => {
    sim.resetStats();
    const [web] = objects();
    await readLive(cluster, [web!]);
    assert.deepEqual(requests(), ['get deployments/web']);
  });

  it('fails when a read fails, unless told to count what it cannot read as missing', async () => {
    sim.faults.add({ verb: 'list', resource: 'deployments', status: 403, times: 2 });
    await assert.rejects(readLive(cluster, objects()), /403|forbidden/i);
    const live = await readLive(cluster, objects(), { tolerant: true });
    assert.deepEqual(
      objects().map((o) => live.get(workloadKey(o))?.kind),
      [undefined, 'Service', undefined, 'Service', undefined],
    );
  });
});
