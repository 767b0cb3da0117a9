// The API server over HTTPS, as every real cluster serves it: the kubeconfig's CA is checked, a
// server it does not vouch for is refused, and connections stay open between requests (each new
// one would cost a TLS handshake; a release of many objects sends a hundred requests or more).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';
import { createCluster, loadKubeConfig } from '../../src/kube/index.ts';
import { appObjects } from '../helpers/manifests.ts';
import { runEngine } from '../helpers/engine.ts';
import { selfSignedCert } from '../helpers/tls.ts';

let sim: SimCluster;

before(async () => {
  sim = await startSimCluster({ timeScale: 0.05, tls: selfSignedCert() });
  sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
});
after(() => sim.stop());

/** Three workloads and their Services, `api` at image `tag`. */
function shopAt(dir: string, tag: string): void {
  const objects = ['web', 'api', 'worker'].flatMap((name) =>
    appObjects({ name, replicas: 1, image: `registry.local/${name}:${name === 'api' ? tag : 'v1'}` }),
  );
  writeFileSync(join(dir, 'app.yaml'), objects.map((o) => stringify(o)).join('---\n'));
}

describe('an API server over HTTPS', () => {
  it('releases with the CA of the kubeconfig, keeping a few connections open for all requests', async () => {
    assert.match(sim.url, /^https:/);
    const dir = mkdtempSync(join(tmpdir(), 'kr-tls-'));
    const deploy = () =>
      runEngine(sim, { namespace: 'shop', name: 'shop', manifests: dir, strategy: 'rolling', version: '' });
    shopAt(dir, 'v1');
    assert.equal((await deploy()).record?.result, 'promoted');
    shopAt(dir, 'v2');
    sim.resetStats();
    const before = sim.connections();
    const second = await deploy();
    assert.equal(second.record?.result, 'promoted', second.error?.message);
    const requests = sim.stats().requests.length;
    const connections = sim.connections() - before;
    // One connection per request at most in flight together, reused after: far fewer than requests.
    assert.ok(requests >= 30, `${requests} requests`);
    assert.ok(connections * 3 <= requests, `${connections} connections for ${requests} requests`);
  });

  it('refuses a server the kubeconfig does not vouch for', async () => {
    const stranger = selfSignedCert();
    const kubeconfig = sim.kubeconfig.replace(
      /certificate-authority-data: \S+/,
      `certificate-authority-data: ${Buffer.from(stranger.cert).toString('base64')}`,
    );
    assert.notEqual(kubeconfig, sim.kubeconfig);
    const cluster = createCluster(loadKubeConfig({ kubeconfig, env: {} }));
    await assert.rejects(
      cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: 'shop' }),
      /self[- ]signed certificate|unable to verify|certificate/i,
    );
  });
});
