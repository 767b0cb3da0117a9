// The release lifecycle (issue 9) in-process, for releases under way: a new version while paused
// (supersede) on every router, the paused phase, a dead holder's takeover and lock loss. Each row
// calls src/engine/actions/release.ts against the simulator with an instant sleep and ends with the
// release invariant (test/helpers/invariant.ts). Finished releases: lifecycle-finished.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import type { Inputs } from '../../src/config/index.ts';
import { instantSleep } from '../helpers/engine.ts';
import {
  LifecycleRelease,
  PAUSED_STEPS,
  TWO_PAUSES,
  expectResult,
  nextReleaseName,
  virtualService,
} from '../helpers/lifecycle-release.ts';
import type { AppOptions } from '../helpers/manifests.ts';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';

let sim: SimCluster;

before(async () => {
  sim = await startSimCluster({ rps: 0 });
});
after(async () => {
  await sim.stop();
});

/** Release shapes a new version can supersede while paused: inputs and the app's routing objects. */
const PAUSED_SHAPES: {
  name: string;
  inputs: Partial<Inputs>;
  app: AppOptions | 'statefulset';
}[] = [
  { name: 'canary, replicas', inputs: { strategy: 'canary', traffic: 'replicas' }, app: {} },
  { name: 'canary, nginx', inputs: { strategy: 'canary', traffic: 'nginx' }, app: { ingress: true } },
  {
    name: 'canary, gateway-api',
    inputs: { strategy: 'canary', traffic: 'gateway-api' },
    app: { httpRoute: true },
  },
  { name: 'canary, istio', inputs: { strategy: 'canary', traffic: 'istio' }, app: {} },
  { name: 'canary, smi', inputs: { strategy: 'canary', traffic: 'smi' }, app: {} },
  { name: 'blue-green', inputs: { strategy: 'blue-green', 'auto-promote': 'false' }, app: {} },
  {
    name: 'blue-green with a preview Service',
    inputs: { strategy: 'blue-green', 'auto-promote': 'false', 'preview-service': 'PREVIEW' },
    app: {},
  },
  {
    name: 'StatefulSet partition canary',
    inputs: { strategy: 'canary' },
    app: 'statefulset',
  },
];

function releaseOfShape(shape: (typeof PAUSED_SHAPES)[number]): LifecycleRelease {
  const inputs = { ...shape.inputs };
  if (inputs['preview-service']) inputs['preview-service'] = `${nextReleaseName()}-preview`;
  const app = shape.app;
  if (shape.inputs.traffic === 'istio')
    return new LifecycleRelease(sim, inputs, { extra: [virtualService(nextReleaseName())] });
  return new LifecycleRelease(sim, inputs, app);
}

describe('paused × deploy of another version (supersede), on every router', () => {
  for (const shape of PAUSED_SHAPES) {
    it(`${shape.name}: v3 while v2 is paused is released normally and v2 leaves nothing`, async () => {
      const r = releaseOfShape(shape);
      await r.pausedAt('v2');
      const steps = shape.inputs.strategy === 'blue-green' ? {} : { steps: PAUSED_STEPS };
      const v3 = await r.deploy('v3', steps);
      expectResult(v3, 'paused');
      assert.equal(v3.record!.newVersion, 'v3');
      r.assertConsistent('v3 paused after superseding v2');
      assert.ok(!r.liveVersions().has('v2'), `no v2 pod left: ${[...r.liveVersions()]}`);
      const superseding = JSON.stringify(v3.record);
      expectResult(await r.act('promote'), 'promoted');
      r.assertConsistent('v3 promoted');
      assert.deepEqual([...r.liveVersions()], ['v3']);
      assert.match(superseding, /supersed[^"]*v2|"supersededVersion":"v2"/i, 'the report names v2');
    });
  }
});

describe('paused × same version, promote, rollback, status', () => {
  const shape = { strategy: 'canary', traffic: 'nginx' } as const;
  const app = { ingress: true };

  it('deploy of the same version is a no-op that stays paused', async () => {
    const r = new LifecycleRelease(sim, shape, app);
    await r.pausedAt('v2');
    const again = await r.deploy('v2', { steps: PAUSED_STEPS });
    expectResult(again, 'paused');
    assert.equal(r.state()?.phase, 'paused');
    r.assertConsistent('same version again');
  });

  it('promote continues to promoted', async () => {
    const r = new LifecycleRelease(sim, shape, app);
    await r.pausedAt('v2');
    expectResult(await r.act('promote'), 'promoted');
    r.assertConsistent('promoted');
  });

  it('rollback restores stable', async () => {
    const r = new LifecycleRelease(sim, shape, app);
    await r.pausedAt('v2');
    expectResult(await r.act('rollback'), 'rolled-back');
    assert.equal(r.state()?.phase, 'rolled-back');
    r.assertConsistent('rolled back');
  });

  /** Someone else sets the canary Ingress to `weight`%, leaving our own annotation copy at 50. */
  function meddle(r: LifecycleRelease, weight: number): void {
    const canary = sim.store.get('networking.k8s.io/v1', 'Ingress', r.namespace, `${r.name}-canary`);
    assert.ok(canary, 'the canary Ingress exists while paused');
    const annotations = {
      ...canary.metadata.annotations,
      'nginx.ingress.kubernetes.io/canary-weight': String(weight),
    };
    sim.store.update({ ...canary, metadata: { ...canary.metadata, annotations } });
  }

  it('promote resumes from the weight the canary Ingress carries, not the stored one', async () => {
    const r = new LifecycleRelease(sim, shape, app);
    await r.pausedAt('v2');
    meddle(r, 20);
    const promoted = await r.act('promote');
    expectResult(promoted, 'promoted');
    assert.ok(
      promoted.record!.notes.some((n) => n.includes('carries 20% to v2, not the stored 50%')),
      promoted.record!.notes.join('\n'),
    );
    r.assertConsistent('promoted after the weight was changed');
  });

  it('a promote that pauses again reports the weight the canary Ingress carries (canary-weight output)', async () => {
    const r = new LifecycleRelease(sim, shape, app);
    await r.pausedAt('v2', stringify([{ setWeight: 50 }, { pause: {} }, { pause: {} }]));
    meddle(r, 20);
    const paused = await r.act('promote');
    expectResult(paused, 'paused');
    assert.equal(r.state()?.canaryWeight, 20, 'the state follows the cluster');
    assert.equal(paused.record!.canaryWeight, 20, 'the report reads the same weight');
    r.assertConsistent('paused again after the weight was changed');
  });

  it('rollback reads the weight back before it returns traffic to stable', async () => {
    const r = new LifecycleRelease(sim, shape, app);
    await r.pausedAt('v2');
    meddle(r, 0);
    const rolledBack = await r.act('rollback');
    expectResult(rolledBack, 'rolled-back');
    assert.ok(rolledBack.record!.notes.some((n) => n.includes('carries 0% to v2, not the stored 50%')));
    r.assertConsistent('rolled back after the weight was changed');
  });

  it('status reports paused and changes nothing', async () => {
    const r = new LifecycleRelease(sim, shape, app);
    await r.pausedAt('v2');
    expectResult(await r.act('status'), 'paused');
    r.assertConsistent('status');
  });
});

describe('progressing with a dead holder (its Lease expires after 2s)', () => {
  const shape = { strategy: 'canary', traffic: 'replicas' } as const;

  async function deadRun(): Promise<{ r: LifecycleRelease; holder: string }> {
    const r = new LifecycleRelease(sim, shape);
    await r.pausedAt('v2', TWO_PAUSES);
    const holder = `dead-run-${r.name}`;
    r.killHolder(holder);
    return { r, holder };
  }

  it('deploy of the same version takes over and resumes', async () => {
    const { r } = await deadRun();
    const run = await r.deploy('v2', { steps: TWO_PAUSES });
    expectResult(run, 'paused');
    assert.equal(r.state()?.newVersion, 'v2');
    r.assertConsistent('resumed');
  });

  it('deploy of another version takes over and supersedes', async () => {
    const { r } = await deadRun();
    const run = await r.deploy('v3', { steps: PAUSED_STEPS });
    expectResult(run, 'paused');
    assert.equal(r.state()?.newVersion, 'v3');
    r.assertConsistent('superseded after takeover');
    assert.ok(!r.liveVersions().has('v2'));
  });

  it('promote takes over and continues', async () => {
    const { r } = await deadRun();
    const run = await r.act('promote', { 'promote-full': 'true' });
    expectResult(run, 'promoted');
    r.assertConsistent('promoted after takeover');
  });

  it('promote-full of a rolling release taken over during its wait finishes the wait', async () => {
    const r = new LifecycleRelease(sim, { strategy: 'rolling' });
    expectResult(await r.deploy('v1'), 'promoted');
    expectResult(await r.deploy('v2'), 'promoted');
    // As a run that died after applying v2 (step 1), while waiting for it to roll out (step 2).
    r.killHolder(`dead-run-${r.name}`, { currentStep: 1 });
    const run = await r.act('promote', { 'promote-full': 'true' });
    expectResult(run, 'promoted');
    const wait = run.record!.steps.filter((s) => s.kind === 'wait').at(-1);
    assert.equal(wait?.verdict, 'passed', JSON.stringify(run.record!.steps));
    assert.ok(r.stableRuns('v2'));
    r.assertConsistent('promoted after takeover');
  });

  it('rollback takes over and restores stable', async () => {
    const { r } = await deadRun();
    expectResult(await r.act('rollback'), 'rolled-back');
    r.assertConsistent('rolled back after takeover');
  });

  it('status reports progressing with the holder (never fails), then a rollback takes over', async () => {
    const { r, holder } = await deadRun();
    const run = await r.act('status');
    assert.ifError(run.error);
    assert.equal(run.record?.result, 'progressing');
    assert.match(JSON.stringify(run.record), new RegExp(holder));
    expectResult(await r.act('rollback'), 'rolled-back');
    r.assertConsistent('rolled back after status');
  });
});

describe('lock loss', () => {
  it('a run whose Lease was taken over mid-pause stops moving traffic and writes no state', async () => {
    const r = new LifecycleRelease(sim, { strategy: 'canary', traffic: 'replicas' });
    expectResult(await r.deploy('v1'), 'promoted');
    const steps = stringify([{ setWeight: 50 }, { pause: '30s' }, { setWeight: 100 }, { pause: {} }]);
    // The 30s pause is where this runner stalls: meanwhile another run takes the Lease.
    const sleep = async (ms: number, signal: AbortSignal) => {
      if (ms === 30_000) {
        r.holdLease('thief', 60);
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
      return instantSleep(ms, signal);
    };
    const stalled = await r.deploy('v2', { steps }, {}, { sleep });
    assert.notEqual(stalled.record?.result, 'paused', 'the stalled run did not carry on to the next pause');
    const lease = sim.store.get('coordination.k8s.io/v1', 'Lease', r.namespace, `kube-rollout-${r.name}`);
    assert.equal(lease?.spec.holderIdentity, 'thief', 'the new holder keeps its Lease');
    const state = JSON.parse(
      sim.store.get('v1', 'ConfigMap', r.namespace, `kube-rollout-${r.name}`)!.data!['state.json'],
    );
    assert.equal(state.canaryWeight, 50, 'no traffic moved after the Lease was lost');
    assert.equal(state.phase, 'progressing', 'the state was left for the new holder');
    const violations = r.invariant(['thief']);
    assert.deepEqual(violations, [], violations.join('\n'));
  });
});
