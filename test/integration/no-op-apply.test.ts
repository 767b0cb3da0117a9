// An apply the dry run proved changes nothing is not sent (src/engine/objects/no-op-apply.ts), against the
// simulator's server-side apply: the object is read instead and must still equal the dry run's
// answer. Anything else is applied: a change, a write by someone else after the dry run, fields
// another manager owns, an object other than the one dry-run. And a release of an app where one
// image changes writes that workload only.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';
import { applyInOrder } from '../../src/engine/objects/apply-in-order.ts';
import { dryRunAll } from '../../src/engine/prepare/dry-run.ts';
import { noOpProofs } from '../../src/engine/objects/no-op-apply.ts';
import { createCluster, loadKubeConfig } from '../../src/kube/index.ts';
import { type Cluster, type KubeObject, refOf, workloadKey } from '../../src/kube/types.ts';
import type { SourcedObject } from '../../src/manifests/types.ts';
import { appObjects } from '../helpers/manifests.ts';
import { runEngine, type EngineOptions } from '../helpers/engine.ts';

let sim: SimCluster;
let cluster: Cluster;
let n = 0;
let ns: string;

before(async () => {
  sim = await startSimCluster({ timeScale: 0.05 });
  cluster = createCluster(loadKubeConfig({ kubeconfig: sim.kubeconfig, env: {} }));
});
after(() => sim.stop());
beforeEach(() => {
  ns = `noop-${++n}`;
  sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
});

const configMap = (data: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'settings', namespace: ns },
  data,
});
const service = (): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: ns, labels: { app: 'web' } },
  spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
});
const sourced = (objects: KubeObject[]): SourcedObject[] =>
  objects.map((object) => ({ object, file: 'app.yaml', line: 1 }));

/**
 * The proofs a deploy holds for `objects`: their dry runs, and the objects read after them (after
 * `meanwhile`, what happens between the dry run and the Lease).
 */
async function proofsFor(objects: KubeObject[], meanwhile?: () => Promise<unknown>) {
  const dryRun = await dryRunAll(cluster, sourced(objects));
  await meanwhile?.();
  const read = await Promise.all(objects.map((o) => cluster.get(refOf(o))));
  return noOpProofs(
    dryRun,
    new Map(read.filter((o) => o !== undefined).map((o) => [workloadKey(o), o] as const)),
  );
}

/** Non-dry-run PATCH requests the simulator saw, as `resource/name`. */
function patches(): string[] {
  return sim
    .stats()
    .requests.filter((r) => r.verb === 'patch' && !r.dryRun)
    .map((r) => `${r.resource}/${r.name}`);
}

describe('applies a dry run proved change nothing', () => {
  it('are not sent: the objects as read stand for them', async () => {
    const objects = [configMap({ mode: 'fast' }), service()];
    for (const o of objects) await cluster.apply(o);
    const proofs = await proofsFor(objects);
    assert.equal(proofs.size, 2);
    sim.resetStats();
    const applied = await applyInOrder(cluster, objects, proofs);
    assert.deepEqual(patches(), []);
    assert.equal(applied.unchanged, 2);
    assert.deepEqual(
      applied.objects.map((o) => o.metadata.resourceVersion),
      await Promise.all(objects.map(async (o) => (await cluster.get(refOf(o)))?.metadata.resourceVersion)),
    );
  });

  it('an object whose dry run differs from the live one has no proof and is applied', async () => {
    await cluster.apply(configMap({ mode: 'fast' }));
    await cluster.apply(service());
    const objects = [configMap({ mode: 'slow' }), service()];
    const proofs = await proofsFor(objects);
    assert.deepEqual([...proofs.keys()], [`Service/${ns}/web`]);
    sim.resetStats();
    const applied = await applyInOrder(cluster, objects, proofs);
    assert.deepEqual(patches(), ['configmaps/settings']);
    assert.equal(applied.unchanged, 1);
    assert.deepEqual((await cluster.get(refOf(objects[0])))?.data, { mode: 'slow' });
  });

  it('an object written by someone else after the dry run is applied, and gets its fields back', async () => {
    const objects = [configMap({ mode: 'fast' })];
    await cluster.apply(objects[0]);
    assert.equal((await proofsFor(objects)).size, 1);
    const kubectl = createCluster(loadKubeConfig({ kubeconfig: sim.kubeconfig, env: {} }), {
      fieldManager: 'kubectl-edit',
    });
    const proofs = await proofsFor(objects, () =>
      kubectl.patch(refOf(objects[0]), { data: { mode: 'slow' } }, 'merge'),
    );
    assert.equal(proofs.size, 0);
    sim.resetStats();
    const applied = await applyInOrder(cluster, objects, proofs);
    assert.deepEqual(patches(), ['configmaps/settings']);
    assert.equal(applied.unchanged, 0);
    assert.deepEqual((await cluster.get(refOf(objects[0])))?.data, { mode: 'fast' });
  });

  it('an equal object another manager owns is applied, so the release owns its fields', async () => {
    const objects = [configMap({ mode: 'fast' })];
    const kubectl = createCluster(loadKubeConfig({ kubeconfig: sim.kubeconfig, env: {} }), {
      fieldManager: 'kubectl',
    });
    await kubectl.apply(objects[0]);
    // The dry run adds this manager's entry to managedFields: not the live object, so no proof.
    assert.equal((await proofsFor(objects)).size, 0);
    sim.resetStats();
    await applyInOrder(cluster, objects, await proofsFor(objects));
    assert.deepEqual(patches(), ['configmaps/settings']);
    const managers = (await cluster.get(refOf(objects[0])))?.metadata.managedFields?.map(
      (m) => (m as { manager?: string }).manager,
    );
    assert.ok(managers?.includes('kube-rollout'), String(managers));
  });

  it('an object other than the one dry-run is applied', async () => {
    await cluster.apply(service());
    const proofs = await proofsFor([service()]);
    const relabelled = service();
    relabelled.metadata.labels = { app: 'web', tier: 'front' };
    sim.resetStats();
    const applied = await applyInOrder(cluster, [relabelled], proofs);
    assert.deepEqual(patches(), ['services/web']);
    assert.equal(applied.unchanged, 0);
    assert.deepEqual((await cluster.get(refOf(relabelled)))?.metadata.labels, { app: 'web', tier: 'front' });
  });

  it('without proofs (a run that made no dry run) every object is applied', async () => {
    const objects = [configMap({ mode: 'fast' }), service()];
    for (const o of objects) await cluster.apply(o);
    sim.resetStats();
    const applied = await applyInOrder(cluster, objects);
    assert.deepEqual(patches().sort(), ['configmaps/settings', 'services/web']);
    assert.equal(applied.unchanged, 0);
  });
});

describe('a release where one image of three workloads changes', () => {
  /** Three workloads and their Services, `api` at image `tag`, and a ConfigMap. */
  function shop(): { write(tag: string): void; deploy(opts?: EngineOptions): ReturnType<typeof runEngine> } {
    const dir = mkdtempSync(join(tmpdir(), 'kr-noop-'));
    return {
      write: (tag) =>
        writeFileSync(
          join(dir, 'app.yaml'),
          [
            configMap({ mode: 'fast' }),
            ...['web', 'api', 'worker'].flatMap((name) =>
              appObjects({
                name,
                replicas: 1,
                image: `registry.local/${name}:${name === 'api' ? tag : 'v1'}`,
              }),
            ),
          ]
            .map((o) => stringify(o))
            .join('---\n'),
        ),
      deploy: (opts) =>
        runEngine(
          sim,
          { namespace: ns, name: 'shop', manifests: dir, strategy: 'rolling', version: '' },
          opts,
        ),
    };
  }

  it('writes only that workload; the others and their Services are read, not applied', async () => {
    const { write, deploy } = shop();
    write('v1');
    const first = await deploy();
    assert.equal(first.record?.result, 'promoted', first.error?.message);
    write('v2');
    sim.resetStats();
    const second = await deploy();
    assert.equal(second.record?.result, 'promoted', second.error?.message);
    assert.deepEqual(patches(), ['deployments/api']);
    assert.ok(
      second.log.some((l) => /applied 7 objects \(3 workloads; 6 already as given, not sent\)/.test(l)),
      second.log.join('\n'),
    );
  });

  it('an object written by someone else while the run waited for the Lease is applied', async () => {
    const { write, deploy } = shop();
    write('v1');
    assert.equal((await deploy()).record?.result, 'promoted');
    write('v2');
    const kubectl = createCluster(loadKubeConfig({ kubeconfig: sim.kubeconfig, env: {} }), {
      fieldManager: 'kubectl-edit',
    });
    const web = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'web' };
    let edited = false;
    // The first read of the Lease comes after every dry run and before the read under the Lease.
    const editBeforeTheLease = (cluster: Cluster): Cluster =>
      new Proxy(cluster, {
        get(target, key, receiver) {
          const value = Reflect.get(target, key, receiver) as unknown;
          if (key !== 'get' || typeof value !== 'function') return value;
          return async (ref: { kind: string }) => {
            if (ref.kind === 'Lease' && !edited) {
              edited = true;
              await kubectl.patch(refOf(configMap({})), { data: { mode: 'slow' } }, 'merge');
              await kubectl.patch(web, { spec: { minReadySeconds: 3 } }, 'merge');
            }
            return (value as Cluster['get']).call(target, ref as never);
          };
        },
      });
    sim.resetStats();
    const second = await deploy({ wrapCluster: editBeforeTheLease });
    assert.equal(second.record?.result, 'promoted', second.error?.message);
    assert.ok(edited);
    // The edits, then the release's applies: the ConfigMap and web get their fields back.
    assert.deepEqual(patches().slice(0, 3), [
      'configmaps/settings',
      'deployments/web',
      'configmaps/settings',
    ]);
    assert.deepEqual(patches().slice(3).sort(), ['deployments/api', 'deployments/web']);
    assert.deepEqual((await cluster.get(refOf(configMap({}))))?.data, { mode: 'fast' });
  });
});
