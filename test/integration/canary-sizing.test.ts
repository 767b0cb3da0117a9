// Engine capabilities added for Argo Rollouts (issue 21), through the action's own inputs and the
// in-process engine: setCanaryScale steps, Argo's basic-canary sizes with max-surge, and background
// analysis from startingStep beside an analysis step. Each release ends with the invariant.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { LifecycleRelease, expectResult } from '../helpers/lifecycle-release.ts';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';

let sim: SimCluster;

before(async () => {
  sim = await startSimCluster({ rps: 0 });
});
after(async () => {
  await sim.stop();
});

/** A Job metric whose container exits with `code`. */
const jobMetric = (name: string, code: number) => ({
  name,
  provider: 'job',
  job: {
    template: {
      spec: { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', `exit ${code}`] }] },
    },
  },
});

describe('setCanaryScale', () => {
  it('sizes the nginx canary apart from its weight, and back to full size before promotion', async () => {
    const r = new LifecycleRelease(
      sim,
      { strategy: 'canary', traffic: 'nginx' },
      { replicas: 4, ingress: true },
    );
    expectResult(await r.deploy('v1'), 'promoted');
    const steps = stringify([{ setCanaryScale: { weight: 50 } }, { setWeight: 20 }, { pause: {} }]);
    const paused = await r.deploy('v2', { steps });
    expectResult(paused, 'paused');
    const canary = () => sim.store.get('apps/v1', 'Deployment', r.namespace, `${r.name}-canary`);
    assert.equal(canary()!.spec.replicas, 2, 'half of 4 pods, whatever the weight');
    assert.equal(paused.record!.steps[1].label, 'setCanaryScale 50%');
    const patched: number[] = [];
    const done = await r.act(
      'promote',
      {},
      {
        wrapCluster: (cluster) =>
          new Proxy(cluster, {
            get(target, key, receiver) {
              const value = Reflect.get(target, key, receiver);
              if (key !== 'patch') return typeof value === 'function' ? value.bind(target) : value;
              return (ref: { name: string }, body: { spec?: { replicas?: number } }, ...rest: unknown[]) => {
                if (ref.name === `${r.name}-canary`) patched.push(body.spec?.replicas ?? -1);
                return value.call(target, ref, body, ...rest);
              };
            },
          }),
      },
    );
    expectResult(done, 'promoted');
    assert.deepEqual(patched, [4], 'the canary went back to its full 4 pods before taking all the traffic');
    assert.equal(canary(), undefined);
    r.assertConsistent('promoted after setCanaryScale');
  });
});

describe('max-surge on a replicas canary', () => {
  it("follows Argo's basic-canary sizes: 3 pods at weight 50 with max-surge 1 are 2 canary beside 2 stable", async () => {
    const r = new LifecycleRelease(sim, { strategy: 'canary', traffic: 'replicas' }, { replicas: 3 });
    expectResult(await r.deploy('v1'), 'promoted');
    expectResult(
      await r.deploy('v2', { steps: stringify([{ setWeight: 50 }, { pause: {} }]), 'max-surge': '1' }),
      'paused',
    );
    assert.equal(sim.store.get('apps/v1', 'Deployment', r.namespace, `${r.name}-canary`)!.spec.replicas, 2);
    assert.equal(sim.store.get('apps/v1', 'Deployment', r.namespace, r.name)!.spec.replicas, 2);
    // The resumed run keeps the stored max-surge: weight 100 then promotion.
    expectResult(await r.act('promote'), 'promoted');
    assert.equal(sim.store.get('apps/v1', 'Deployment', r.namespace, r.name)!.spec.replicas, 3);
    r.assertConsistent('promoted with max-surge');
  });
});

describe('background analysis from startingStep', () => {
  it('starts at that step beside an analysis step, and its failure rolls the release back', async () => {
    const r = new LifecycleRelease(sim, { strategy: 'canary', traffic: 'replicas' });
    expectResult(await r.deploy('v1'), 'promoted');
    const steps = stringify([
      { setWeight: 50 },
      { pause: { duration: '1s' } },
      { analysis: { metrics: [jobMetric('inline', 0)] } },
    ]);
    const analysis = stringify({ startingStep: 1, metrics: [jobMetric('background', 1)] });
    const run = await r.deploy('v2', { steps, analysis });
    expectResult(run, 'rolled-back');
    assert.match(run.record!.rollbackReason ?? '', /background \(job\)/);
    const measured = new Set(run.record!.measurements.map((m) => m.metric));
    assert.ok(measured.has('background'), 'the background metric ran although a step is an analysis step');
    r.assertConsistent('rolled back by background analysis');
  });
});
