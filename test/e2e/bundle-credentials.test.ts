// The bundle keeps only the parts of @kubernetes/client-node the action uses (scripts/
// bundle-options.mjs marks the package free of side effects and loads some parts on demand).
// These runs prove the kubeconfig paths survived that trimming: a bearer token, an `exec`
// credential plugin (the way EKS, GKE and AKS kubeconfigs authenticate), and a SOCKS5 `proxy-url`;
// and a release over HTTPS, the kubeconfig trusting the server's certificate, on connections kept
// open (client-node's own agent opens one per request).
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { runAction } from '../helpers/action.ts';
import { startSocks5Proxy } from '../helpers/socks5.ts';
import { writeApp } from '../helpers/manifests.ts';
import { selfSignedCert } from '../helpers/tls.ts';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';

const TOKEN = 'exec-plugin-token-4c1d';

/** A kubeconfig whose user runs `plugin` for its token (client.authentication.k8s.io/v1). */
function execKubeconfig(server: string, plugin: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'sim',
    clusters: [{ name: 'sim', cluster: { server } }],
    contexts: [{ name: 'sim', context: { cluster: 'sim', user: 'ci' } }],
    users: [
      {
        name: 'ci',
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1',
            command: process.execPath,
            args: [plugin],
            interactiveMode: 'Never',
          },
        },
      },
    ],
  });
}

describe('bundle: kubeconfig credentials', () => {
  let sim: SimCluster;
  let dir: string;
  before(async () => {
    sim = await startSimCluster({ tokens: { [TOKEN]: { user: 'ci', groups: ['system:masters'] } } });
    sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'creds' } });
    dir = mkdtempSync(join(tmpdir(), 'kr-creds-'));
  });
  after(async () => {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const status = (kubeconfig: string) =>
    runAction({ action: 'status', name: 'shop', namespace: 'creds', kubeconfig, comment: 'false' });

  it('authenticates with an exec credential plugin', async () => {
    const plugin = join(dir, 'plugin.mjs');
    const credential = {
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      status: { token: TOKEN },
    };
    writeFileSync(plugin, `process.stdout.write(${JSON.stringify(JSON.stringify(credential))});\n`);
    chmodSync(plugin, 0o755);
    sim.resetStats();
    const run = await status(execKubeconfig(sim.url, plugin));
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(run.outputs.result, 'unchanged');
    assert.ok(sim.stats().total > 0, 'the action reached the API server');
  });

  it('is refused (401) when the plugin returns a token the server does not know: status says so and never fails the step', async () => {
    const plugin = join(dir, 'wrong.mjs');
    writeFileSync(
      plugin,
      `process.stdout.write(${JSON.stringify(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: 'wrong' } }))});\n`,
    );
    const run = await status(execKubeconfig(sim.url, plugin));
    assert.equal(run.code, 0, 'status never fails the step');
    assert.match(run.annotations.join('\n'), /^::warning.*(401|Unauthorized|unauthori[sz]ed)/im);
    assert.match(run.summary, /401|Unauthorized|unauthori[sz]ed/i, 'the summary says why there is no status');
  });

  it('reaches the API server through a SOCKS5 proxy-url', async () => {
    const proxy = await startSocks5Proxy();
    try {
      const kubeconfig = parse(sim.kubeconfigFor(TOKEN));
      kubeconfig.clusters[0].cluster['proxy-url'] = proxy.url;
      const run = await status(stringify(kubeconfig));
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.equal(run.outputs.result, 'unchanged');
      const { host } = new URL(sim.url);
      assert.ok(proxy.connections.includes(host), `relayed: ${proxy.connections.join(', ')}`);
    } finally {
      await proxy.stop();
    }
  });

  it('authenticates with a bearer token', async () => {
    const run = await status(sim.kubeconfigFor(TOKEN));
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(run.outputs.result, 'unchanged');
  });
});

describe('bundle: an API server over HTTPS', () => {
  let sim: SimCluster;
  before(async () => {
    sim = await startSimCluster({
      timeScale: 0.05,
      tls: selfSignedCert(),
      tokens: { [TOKEN]: { user: 'ci', groups: ['system:masters'] } },
    });
    sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tls' } });
  });
  after(() => sim.stop());

  it('releases with the kubeconfig trusting its certificate, a few connections for every request', async () => {
    const kubeconfig = sim.kubeconfigFor(TOKEN);
    assert.match(kubeconfig, /certificate-authority-data/);
    const release = (image: string) =>
      runAction({
        kubeconfig,
        namespace: 'tls',
        manifests: writeApp({ name: 'web', replicas: 2, image }),
        comment: 'false',
      });
    assert.equal((await release('registry.local/web:v1')).outputs.result, 'promoted');
    sim.resetStats();
    const before = sim.connections();
    const run = await release('registry.local/web:v2');
    assert.equal(run.outputs.result, 'promoted', run.stdout + run.stderr);
    const requests = sim.stats().requests.length;
    const connections = sim.connections() - before;
    assert.ok(requests >= 20, `${requests} requests`);
    assert.ok(connections * 3 <= requests, `${connections} connections for ${requests} requests`);
  });
});
