// The release state's Secrets in Secret kube-rollout-<name>, against the simulated API server:
// the ConfigMap holds references only, load restores the values, entries of the previous state
// survive one more write, and a state without Secrets removes the store.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';
import { requestsTo } from '../helpers/sim-requests.ts';
import { loadKubeConfig } from '../../src/kube/kubeconfig.ts';
import { createCluster } from '../../src/kube/cluster.ts';
import type { Cluster, KubeObject } from '../../src/kube/types.ts';
import type { ReleaseState } from '../../src/record/types.ts';
import { loadReleaseState, saveReleaseState } from '../../src/state/release-state.ts';
import type { StoreMemo } from '../../src/state/secret-store-io.ts';
import { releaseStateWith } from '../helpers/sample-record.ts';

const NS = 'vault';
const b64 = (s: string) => Buffer.from(s).toString('base64');

function state(password: string, withSecret = true): ReleaseState {
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db', namespace: NS },
    stringData: { password },
  };
  return releaseStateWith(NS, withSecret ? [secret] : []);
}

const passwordOf = (s: ReleaseState) =>
  Buffer.from((s.rendered[0] as KubeObject).data!.password, 'base64').toString();

describe('release state Secrets in Secret kube-rollout-<name>', () => {
  let sim: SimCluster;
  let cluster: Cluster;
  before(async () => {
    sim = await startSimCluster({ controllers: false });
    sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    cluster = createCluster(loadKubeConfig({ kubeconfig: sim.kubeconfig, env: {} }), { minRetryDelayMs: 5 });
  });
  after(() => sim.stop());

  /** Conditional writes over the ConfigMap version seen last, as the engine does. */
  const configMapVersion = () =>
    sim.store.get('v1', 'ConfigMap', NS, 'kube-rollout-web')?.metadata.resourceVersion;
  const save = (s: ReleaseState) => saveReleaseState(cluster, s, NS, configMapVersion());

  it('keeps the values out of the ConfigMap and reads them back', async () => {
    await save(state('first-planted-pw-1234'));
    const cm = sim.store.get('v1', 'ConfigMap', NS, 'kube-rollout-web')!;
    assert.ok(!JSON.stringify(cm).includes('first-planted-pw-1234'));
    assert.ok(!JSON.stringify(cm).includes(b64('first-planted-pw-1234')));
    const store = sim.store.get('v1', 'Secret', NS, 'kube-rollout-web')!;
    assert.equal(store.type, 'Opaque');
    assert.equal(store.metadata.labels!['kube-rollout.io/release'], 'web');
    assert.equal(store.metadata.labels!['app.kubernetes.io/managed-by'], 'kube-rollout');
    const loaded = await loadReleaseState(cluster, NS, 'web');
    assert.equal(passwordOf(loaded!.state), 'first-planted-pw-1234');
  });

  it('does not rewrite an unchanged store; keeps the previous entries one more write', async () => {
    const before = sim.store.get('v1', 'Secret', NS, 'kube-rollout-web')!.metadata.resourceVersion;
    await save(state('first-planted-pw-1234'));
    assert.equal(sim.store.get('v1', 'Secret', NS, 'kube-rollout-web')!.metadata.resourceVersion, before);
    const oldConfigMap = structuredClone(sim.store.get('v1', 'ConfigMap', NS, 'kube-rollout-web')!);
    await save(state('second-planted-pw-5678'));
    assert.equal(passwordOf((await loadReleaseState(cluster, NS, 'web'))!.state), 'second-planted-pw-5678');
    // A run killed between the Secret and the ConfigMap write leaves the old ConfigMap: it still resolves.
    sim.store.update({ ...oldConfigMap, metadata: { ...oldConfigMap.metadata, resourceVersion: undefined } });
    assert.equal(passwordOf((await loadReleaseState(cluster, NS, 'web'))!.state), 'first-planted-pw-1234');
  });

  it('a deleted store leaves the state readable without its Secrets, naming each one lost', async () => {
    await save(state('third-planted-pw-9999'));
    sim.store.delete('v1', 'Secret', NS, 'kube-rollout-web');
    const loaded = await loadReleaseState(cluster, NS, 'web');
    assert.ok(loaded, 'the state is still read (a rollback needs it)');
    assert.equal(
      [...loaded.state.rendered, ...loaded.state.stableSnapshot].some((o) => o.kind === 'Secret'),
      false,
      'no Secret comes back without its data',
    );
    assert.ok(loaded.lostSecrets?.length);
    for (const lost of loaded.lostSecrets!)
      assert.match(lost, /Secret db \(in the release state of "web"\) is kept in Secret kube-rollout-web/);
  });

  it('a state without Secrets removes the store after the previous entries expire', async () => {
    await save(state('fourth-planted-pw-0000'));
    await save(state('', false));
    assert.ok(sim.store.get('v1', 'Secret', NS, 'kube-rollout-web'), 'kept one more write');
    await save(state('', false));
    assert.equal(sim.store.get('v1', 'Secret', NS, 'kube-rollout-web'), undefined);
  });

  it("one run's saves read the store once, and behave as without the memo", async () => {
    sim.store.delete('v1', 'Secret', NS, 'kube-rollout-web');
    const memo: StoreMemo = {};
    const saveInRun = (s: ReleaseState) =>
      saveReleaseState(cluster, s, NS, configMapVersion(), { store: memo });
    const storeRequests = () => requestsTo(sim, 'secrets', 'kube-rollout-web');
    sim.resetStats();
    await saveInRun(state('fifth-planted-pw-1111'));
    await saveInRun(state('fifth-planted-pw-1111'));
    await saveInRun(state('sixth-planted-pw-2222'));
    assert.deepEqual(storeRequests(), ['get 404', 'patch 201', 'patch 200']);
    assert.equal(passwordOf((await loadReleaseState(cluster, NS, 'web'))!.state), 'sixth-planted-pw-2222');
    sim.resetStats();
    await saveInRun(state('', false));
    await saveInRun(state('', false));
    await saveInRun(state('', false));
    assert.deepEqual(storeRequests(), ['patch 200', 'delete 200'], 'kept one more write, then removed');
    assert.equal(sim.store.get('v1', 'Secret', NS, 'kube-rollout-web'), undefined);
  });

  it("a load for a run reads the store beside the ConfigMap, so the run's first save need not", async () => {
    await save(state('seventh-planted-pw-3333'));
    const memo: StoreMemo = {};
    sim.resetStats();
    const loaded = await loadReleaseState(cluster, NS, 'web', memo);
    assert.equal(passwordOf(loaded!.state), 'seventh-planted-pw-3333');
    assert.deepEqual(requestsTo(sim, 'secrets', 'kube-rollout-web'), ['get 200'], 'read once, for both');
    sim.resetStats();
    await saveReleaseState(cluster, loaded!.state, NS, loaded!.resourceVersion, { store: memo });
    assert.deepEqual(
      requestsTo(sim, 'secrets', 'kube-rollout-web'),
      [],
      'unchanged: neither read nor written',
    );
  });
});
