// Issue 4, end to end: canary and blue-green through the bundled action, traffic measured by the
// simulator's request counters.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { runAction } from '../helpers/action.ts';
import { writeApp, type AppOptions } from '../helpers/manifests.ts';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';

const IMAGE = 'registry.local:5000/acme/web';

/** Share (0–100) of `n` requests through `entry` answered by `version`. */
function measuredShare(
  sim: SimCluster,
  entry: string,
  version: string,
  n = 2000,
  request: { headers?: Record<string, string> } = {},
): number {
  let hits = 0;
  for (let i = 0; i < n; i++) if (sim.traffic.sendRequest(entry, request).version === version) hits++;
  return (hits / n) * 100;
}

/** Failed requests through an entry point (default: every entry of the app). */
function errorsSince(sim: SimCluster, since: number, entry?: string): number {
  return Object.values(sim.traffic.counts({ since, ...(entry ? { entry } : { app: 'web' }) })).reduce(
    (n, c) => n + c.errors,
    0,
  );
}

describe('canary and blue-green (dist/index.js against the simulator)', () => {
  let sim: SimCluster;
  let ns = 0;
  const base = (namespace: string) => ({
    kubeconfig: sim.kubeconfig,
    namespace,
    'version-label': 'version',
    comment: 'false',
    'scale-down-delay': '1s',
  });

  /** A fresh namespace with v1 released (a first release is applied directly). */
  async function withV1(app: AppOptions = {}): Promise<{ namespace: string; dir: string }> {
    const namespace = `e2e-${++ns}`;
    sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    const dir = writeApp({ replicas: 10, ...app });
    const first = await runAction({ ...base(namespace), manifests: dir, images: `${IMAGE}:v1` });
    assert.equal(first.outputs.result, 'promoted', first.stdout);
    return { namespace, dir };
  }

  before(async () => {
    sim = await startSimCluster();
  });
  after(async () => {
    await sim.stop();
  });

  it('replicas canary 10 → 50 → promoted: traffic follows the pod ratio and nothing is left behind', async () => {
    const { namespace, dir } = await withV1();
    const since = Date.now();
    const steps = stringify([{ setWeight: 10 }, { pause: {} }, { setWeight: 50 }, { pause: {} }]);
    const inputs = {
      ...base(namespace),
      strategy: 'canary',
      traffic: 'replicas',
      manifests: dir,
      images: `${IMAGE}:v2`,
      steps,
    };
    const first = await runAction(inputs);
    assert.equal(first.code, 0, first.stdout);
    assert.equal(first.outputs.result, 'paused');
    assert.equal(first.outputs['canary-weight'], '10');
    const share10 = measuredShare(sim, `service/${namespace}/web`, 'v2');
    assert.ok(Math.abs(share10 - 10) <= 5, `share at weight 10: ${share10}`);

    const second = await runAction({ ...inputs, action: 'promote', name: 'web', manifests: '' });
    assert.equal(second.outputs.result, 'paused', second.stdout);
    assert.equal(second.outputs['canary-weight'], '50');
    const share50 = measuredShare(sim, `service/${namespace}/web`, 'v2');
    assert.ok(Math.abs(share50 - 50) <= 5, `share at weight 50: ${share50}`);

    const third = await runAction({ ...inputs, action: 'promote', name: 'web', manifests: '' });
    assert.equal(third.code, 0, third.stdout);
    assert.equal(third.outputs.result, 'promoted');
    assert.equal(third.outputs.version, 'v2');
    assert.equal(sim.store.get('apps/v1', 'Deployment', namespace, 'web-canary'), undefined);
    assert.equal(
      sim.store.get('apps/v1', 'Deployment', namespace, 'web')!.spec.template.metadata.labels.version,
      'v2',
    );
    assert.equal(measuredShare(sim, `service/${namespace}/web`, 'v2', 500), 100);
    assert.equal(errorsSince(sim, since), 0, 'no request failed');
  });

  for (const traffic of ['nginx', 'gateway-api'] as const) {
    it(`${traffic}: measured share follows each weight and a header route marks only its requests`, async () => {
      const { namespace, dir } = await withV1({
        ingress: traffic === 'nginx',
        httpRoute: traffic === 'gateway-api',
      });
      const entry = traffic === 'nginx' ? `ingress/${namespace}/web` : `httproute/${namespace}/web`;
      const steps = stringify([
        { setHeaderRoute: { name: 'beta', header: 'X-Canary', value: 'yes' } },
        { pause: {} },
        { setHeaderRoute: { name: 'beta' } },
        { setWeight: 10 },
        { pause: {} },
        { setWeight: 50 },
        { pause: {} },
      ]);
      const inputs = {
        ...base(namespace),
        strategy: 'canary',
        traffic,
        manifests: dir,
        images: `${IMAGE}:v2`,
        steps,
      };
      const first = await runAction(inputs);
      assert.equal(first.outputs.result, 'paused', first.stdout);
      assert.equal(
        measuredShare(sim, entry, 'v2', 300, { headers: { 'x-canary': 'yes' } }),
        100,
        'marked requests all go to the canary',
      );
      assert.equal(measuredShare(sim, entry, 'v2', 300), 0, 'unmarked requests never do');

      const at10 = await runAction({ ...inputs, action: 'promote', name: 'web', manifests: '' });
      assert.equal(at10.outputs['canary-weight'], '10', at10.stdout);
      const share10 = measuredShare(sim, entry, 'v2');
      assert.ok(Math.abs(share10 - 10) <= 3, `share at 10: ${share10}`);

      const at50 = await runAction({ ...inputs, action: 'promote', name: 'web', manifests: '' });
      assert.equal(at50.outputs['canary-weight'], '50', at50.stdout);
      const share50 = measuredShare(sim, entry, 'v2');
      assert.ok(Math.abs(share50 - 50) <= 3, `share at 50: ${share50}`);

      const back = await runAction({ ...inputs, action: 'rollback', name: 'web', manifests: '' });
      assert.equal(back.outputs.result, 'rolled-back', back.stdout);
      assert.equal(measuredShare(sim, entry, 'v1', 300), 100, 'rollback restores 100% stable');
      assert.equal(sim.store.get('apps/v1', 'Deployment', namespace, 'web-canary'), undefined);
      assert.equal(
        sim.store.list('networking.k8s.io/v1', 'Ingress', namespace).filter((i) => i.metadata.name !== 'web')
          .length,
        0,
      );
      const service = sim.store.get('v1', 'Service', namespace, 'web')!;
      assert.deepEqual(service.spec.selector, { app: 'web' }, 'the user Service is back to its own shape');
    });
  }

  it('a canary that crashes: traffic is back on stable before any canary object is deleted', async () => {
    const { namespace } = await withV1();
    const crashing = writeApp({ replicas: 10, env: { SIM_CRASH: 'true' } });
    const order: string[] = [];
    const unsubscribe = sim.store.subscribe((e) => {
      const o = e.object;
      if (o.metadata.namespace !== namespace) return;
      if (
        o.kind === 'Deployment' &&
        o.metadata.name === 'web' &&
        o.spec.replicas === 10 &&
        o.status?.availableReplicas === 10
      )
        order.push('stable-full');
      if (e.type === 'DELETED' && o.metadata.name === 'web-canary') order.push('canary-deleted');
    });
    const run = await runAction({
      ...base(namespace),
      strategy: 'canary',
      traffic: 'replicas',
      manifests: crashing,
      images: `${IMAGE}:v2`,
      steps: stringify([{ setWeight: 50 }, { pause: '30s' }]),
    });
    unsubscribe();
    assert.equal(run.code, 1);
    assert.equal(run.outputs.result, 'rolled-back', run.stdout);
    assert.match(run.outputs['rollback-reason'], /CrashLoopBackOff/);
    const deleted = order.indexOf('canary-deleted');
    assert.ok(deleted > 0, `canary deleted: ${order.join(',')}`);
    assert.ok(
      order.lastIndexOf('stable-full', deleted) >= 0,
      `stable was back at full size first: ${order.join(',')}`,
    );
    assert.equal(measuredShare(sim, `service/${namespace}/web`, 'v1', 300), 100);
  });

  it('blue-green: 100% old to 100% new with no failed request; a green that never gets ready gets no traffic', async () => {
    const { namespace, dir } = await withV1();
    const since = Date.now();
    const run = await runAction({
      ...base(namespace),
      strategy: 'blue-green',
      manifests: dir,
      images: `${IMAGE}:v2`,
      'preview-service': 'web-preview',
    });
    assert.equal(run.code, 0, run.stdout);
    assert.equal(run.outputs.result, 'promoted');
    assert.equal(measuredShare(sim, `service/${namespace}/web`, 'v2', 500), 100);
    // The preview Service has no endpoints until green is ready; production traffic must never fail.
    const production = `service/${namespace}/web`;
    assert.equal(
      errorsSince(sim, since, production),
      0,
      JSON.stringify(sim.traffic.counts({ since, entry: production })),
    );
    assert.equal(sim.store.get('apps/v1', 'Deployment', namespace, 'web-green'), undefined);

    const neverReady = writeApp({ replicas: 10, env: { SIM_READY: 'false' } });
    const before3 = Date.now();
    const bad = await runAction({
      ...base(namespace),
      strategy: 'blue-green',
      manifests: neverReady,
      images: `${IMAGE}:v3`,
      'progress-deadline': '4s',
    });
    assert.equal(bad.outputs.result, 'rolled-back', bad.stdout);
    assert.equal(
      sim.traffic.counts({ since: before3, entry: `service/${namespace}/web` }).v3?.requests ?? 0,
      0,
      'v3 never received traffic',
    );
    assert.equal(measuredShare(sim, `service/${namespace}/web`, 'v2', 300), 100);
  });

  it('blue-green with traffic nginx flips the Ingress to the new version with no failed request', async () => {
    const { namespace, dir } = await withV1({ ingress: true });
    const since = Date.now();
    const entry = `ingress/${namespace}/web`;
    const run = await runAction({
      ...base(namespace),
      strategy: 'blue-green',
      traffic: 'nginx',
      manifests: dir,
      images: `${IMAGE}:v2`,
    });
    assert.equal(run.outputs.result, 'promoted', run.stdout);
    assert.equal(measuredShare(sim, entry, 'v2', 500), 100);
    assert.equal(errorsSince(sim, since, entry), 0);
    assert.deepEqual(
      sim.store.list('networking.k8s.io/v1', 'Ingress', namespace).map((i) => i.metadata.name),
      ['web'],
      'the canary Ingress is gone after promotion',
    );
  });
});
