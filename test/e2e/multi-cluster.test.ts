// Issue 12: one version released in waves across two clusters, each picked by the `context` input
// from one kubeconfig holding both (as a GitHub matrix with `max-parallel: 1` runs it, see README).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { runAction } from '../helpers/action.ts';
import { writeApp } from '../helpers/manifests.ts';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';

const IMAGE = 'registry.local:5000/acme/web';

/** One kubeconfig, one context per cluster, `current-context` the first. */
function kubeconfigFor(clusters: Record<string, SimCluster>): string {
  const names = Object.keys(clusters);
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: names.map((name) => ({
      name,
      cluster: { server: clusters[name].url, 'insecure-skip-tls-verify': true },
    })),
    users: names.map((name) => ({ name, user: {} })),
    contexts: names.map((name) => ({ name, context: { cluster: name, user: name, namespace: 'default' } })),
    'current-context': names[0],
  });
}

describe('waves across clusters, one kubeconfig, the context input (dist/index.js, two simulators)', () => {
  const clusters: Record<string, SimCluster> = {};
  let kubeconfig = '';
  const manifests = writeApp({ replicas: 4 });
  const crashing = writeApp({ replicas: 4, env: { SIM_CRASH: 'true' } });
  const image = (name: string) =>
    sim(name).store.get('apps/v1', 'Deployment', 'default', 'web')?.spec.template.spec.containers[0].image;
  const sim = (name: string) => clusters[name]!;
  const release = (context: string, version: string, dir = manifests) =>
    runAction({
      kubeconfig,
      context,
      manifests: dir,
      images: `${IMAGE}:${version}`,
      'version-label': 'version',
      comment: 'false',
      environment: `production-${context}`,
    });

  before(async () => {
    const [staging, production] = await Promise.all([startSimCluster(), startSimCluster()]);
    Object.assign(clusters, { staging, production });
    kubeconfig = kubeconfigFor(clusters);
  });
  after(async () => {
    await Promise.all(Object.values(clusters).map((c) => c.stop()));
  });

  it('each wave changes only the cluster its context names', async () => {
    for (const context of ['staging', 'production']) {
      const first = await release(context, 'v1');
      assert.equal(first.outputs.result, 'promoted', first.stdout);
    }
    const wave1 = await release('staging', 'v2');
    assert.equal(wave1.outputs.result, 'promoted', wave1.stdout);
    assert.equal(image('staging'), `${IMAGE}:v2`);
    assert.equal(image('production'), `${IMAGE}:v1`, 'the second wave has not run yet');
    const wave2 = await release('production', 'v2');
    assert.equal(wave2.outputs.result, 'promoted', wave2.stdout);
    assert.equal(wave2.outputs['previous-version'], 'v1');
    assert.equal(image('production'), `${IMAGE}:v2`);
    assert.equal(sim('production').traffic.sendRequest('service/default/web').version, 'v2');
  });

  it('a wave that rolls back fails its job, so the next wave (max-parallel: 1, fail-fast) never starts', async () => {
    const wave1 = await release('staging', 'v3', crashing);
    assert.equal(wave1.code, 1, 'the failed step stops the matrix');
    assert.equal(wave1.outputs.result, 'rolled-back');
    assert.equal(image('staging'), `${IMAGE}:v2`);
    assert.equal(image('production'), `${IMAGE}:v2`);
  });

  it('a context the kubeconfig does not have is an input error, nothing written anywhere', async () => {
    const run = await release('qa', 'v4');
    assert.equal(run.code, 1);
    assert.match(`${run.stdout}\n${run.stderr}`, /context.*qa/i);
    assert.equal(image('staging'), `${IMAGE}:v2`);
    assert.equal(image('production'), `${IMAGE}:v2`);
  });
});
