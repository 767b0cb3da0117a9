// The release lifecycle (issue 9) in-process, for releases that have ended or were cut short:
// none, promoted, rolled-back and failed phases, a cancelled rolling release and a blue-green run
// killed during promote. Each row ends with the release invariant (test/helpers/invariant.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freezable } from '../helpers/engine.ts';
import { LifecycleRelease, PAUSED_STEPS, expectResult, waitFor } from '../helpers/lifecycle-release.ts';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';

let sim: SimCluster;

before(async () => {
  sim = await startSimCluster({ rps: 0 });
});
after(async () => {
  await sim.stop();
});

describe('none and promoted (a finished rolling release)', () => {
  async function promoted(): Promise<LifecycleRelease> {
    const r = new LifecycleRelease(sim);
    expectResult(await r.deploy('v1'), 'promoted');
    expectResult(await r.deploy('v2'), 'promoted');
    r.assertConsistent('v2 promoted');
    return r;
  }

  it('none: promote fails naming the release; status says no release', async () => {
    const r = new LifecycleRelease(sim);
    const run = await r.act('promote');
    assert.ok(run.error || run.record?.result === 'failed', 'promote without a release fails');
    assert.match(run.error?.message ?? run.record!.notes.join('\n'), new RegExp(`${r.name}\\b.*no release`));
    const st = await r.act('status');
    expectResult(st, 'unchanged');
    assert.match(st.record!.notes.join('\n'), /no release/);
  });

  it('none: rollback of a rolling release undoes to the previous revision', async () => {
    const r = await promoted();
    sim.store.delete('v1', 'ConfigMap', r.namespace, `kube-rollout-${r.name}`);
    expectResult(await r.act('rollback', { manifests: r.manifests() }), 'rolled-back');
    assert.deepEqual([...r.liveVersions()], ['v1']);
    r.assertConsistent('undone without state');
  });

  it('promoted first release: rollback is refused before any write, naming the workload', async () => {
    const r = new LifecycleRelease(sim);
    expectResult(await r.deploy('v1'), 'promoted');
    const before = r.state();
    const run = await r.act('rollback');
    assert.match(run.error?.message ?? '', /cannot roll back Deployment\/\S+: there is no previous revision/);
    assert.deepEqual(r.state(), before, 'the state is untouched');
    r.assertConsistent('rollback refused');
  });

  it('promoted: deploy of the same version is unchanged', async () => {
    const r = await promoted();
    expectResult(await r.deploy('v2'), 'unchanged');
    r.assertConsistent('unchanged');
  });

  it('promoted: deploy of another version is a new release', async () => {
    const r = await promoted();
    expectResult(await r.deploy('v3'), 'promoted');
    assert.equal(r.state()?.newVersion, 'v3');
    r.assertConsistent('v3 promoted');
  });

  it('promoted: promote is a no-op', async () => {
    const r = await promoted();
    const run = await r.act('promote');
    assert.ifError(run.error);
    assert.equal(r.state()?.phase, 'promoted');
    r.assertConsistent('promote of promoted');
  });

  it('promoted: rollback restores v1 and the state says so; a second rollback is a no-op', async () => {
    const r = await promoted();
    expectResult(await r.act('rollback'), 'rolled-back');
    assert.deepEqual([...r.liveVersions()], ['v1']);
    r.assertConsistent('rolled back');
    const again = await r.act('rollback');
    assert.ifError(again.error);
    assert.deepEqual([...r.liveVersions()], ['v1'], 'the second rollback changed nothing');
    assert.equal((await r.act('status')).record?.result, 'rolled-back');
    r.assertConsistent('second rollback');
  });

  it('promoted: status reports promoted', async () => {
    const r = await promoted();
    expectResult(await r.act('status'), 'promoted');
    r.assertConsistent('status');
  });
});

describe('rolled-back (automatic rollback of a crash-looping version)', () => {
  async function autoRolledBack(): Promise<LifecycleRelease> {
    const r = new LifecycleRelease(sim);
    expectResult(await r.deploy('v1'), 'promoted');
    expectResult(await r.deploy('v2', {}, { SIM_CRASH: 'true' }), 'rolled-back');
    r.assertConsistent('v2 rolled back automatically');
    return r;
  }

  it('rollback is a no-op: the cluster already serves stable', async () => {
    const r = await autoRolledBack();
    const run = await r.act('rollback');
    assert.ifError(run.error);
    assert.deepEqual([...r.liveVersions()], ['v1']);
    assert.equal(r.state()?.phase, 'rolled-back');
    r.assertConsistent('rollback after automatic rollback');
  });

  it('promote is refused and changes nothing', async () => {
    const r = await autoRolledBack();
    const run = await r.act('promote');
    assert.ok(run.error || run.record?.result !== 'promoted', 'promote of a rolled-back release is refused');
    assert.deepEqual([...r.liveVersions()], ['v1']);
    r.assertConsistent('promote refused');
  });

  it('deploy of a new version is a fresh release', async () => {
    const r = await autoRolledBack();
    expectResult(await r.deploy('v3'), 'promoted');
    r.assertConsistent('v3 promoted');
  });

  it('status reports rolled-back without failing', async () => {
    const r = await autoRolledBack();
    expectResult(await r.act('status'), 'rolled-back');
    r.assertConsistent('status');
  });
});

describe('failed (a crashing canary with rollback-on-failure: false)', () => {
  const shape = { strategy: 'canary', traffic: 'replicas', 'rollback-on-failure': 'false' } as const;

  async function failed(): Promise<LifecycleRelease> {
    const r = new LifecycleRelease(sim, shape);
    expectResult(await r.deploy('v1'), 'promoted');
    expectResult(await r.deploy('v2', { steps: PAUSED_STEPS }, { SIM_CRASH: 'true' }), 'failed');
    assert.equal(r.state()?.phase, 'failed');
    r.assertConsistent('v2 failed');
    return r;
  }

  it('status reports failed without failing', async () => {
    const r = await failed();
    expectResult(await r.act('status'), 'failed');
  });

  it('deploy of a new version cleans up first and is a fresh release', async () => {
    const r = await failed();
    expectResult(await r.deploy('v3', { steps: PAUSED_STEPS }), 'paused');
    assert.ok(!r.liveVersions().has('v2'), `no v2 pod left: ${[...r.liveVersions()]}`);
    expectResult(await r.act('promote'), 'promoted');
    r.assertConsistent('v3 promoted after a failed v2');
  });

  it('rollback restores stable and removes the failed copies', async () => {
    const r = await failed();
    const run = await r.act('rollback');
    assert.ifError(run.error);
    assert.equal(r.state()?.phase, 'rolled-back');
    r.assertConsistent('rolled back after failed');
  });

  it('promote is refused', async () => {
    const r = await failed();
    const run = await r.act('promote');
    assert.ok(run.error || run.record?.result !== 'promoted', 'promote of a failed release is refused');
    assert.equal(r.state()?.phase, 'failed');
  });
});

describe('cancelled and killed runs, then rollback', () => {
  it('a rolling release cancelled mid-rollout, then rollback: v1 serves and the state agrees', async () => {
    const r = new LifecycleRelease(sim);
    expectResult(await r.deploy('v1'), 'promoted');
    const abort = new AbortController();
    const stop = sim.store.subscribe((e) => {
      const o = e.object;
      if (o.kind === 'Pod' && o.metadata.namespace === r.namespace && o.metadata.labels?.version === 'v2')
        abort.abort(new Error('received SIGTERM: the workflow was cancelled'));
    });
    const cancelled = await r.deploy('v2', {}, {}, { signal: abort.signal });
    stop();
    assert.ok(abort.signal.aborted, 'the run was cancelled mid-rollout');
    assert.notEqual(cancelled.record?.result, 'promoted');
    const run = await r.act('rollback');
    assert.ifError(run.error);
    assert.deepEqual([...r.liveVersions()], ['v1']);
    r.assertConsistent('rollback after cancellation');
  });

  it('blue-green killed during promote, then rollback: the cluster serves what the state says', async () => {
    const r = new LifecycleRelease(sim, { strategy: 'blue-green', 'auto-promote': 'false' });
    await r.pausedAt('v2');
    const frozen = { freeze: () => {} };
    const stop = sim.store.subscribe((e) => {
      const o = e.object;
      const stable =
        o.kind === 'Deployment' && o.metadata.namespace === r.namespace && o.metadata.name === r.name;
      if (stable && o.spec?.template?.metadata?.labels?.version === 'v2') frozen.freeze();
    });
    // The run stops dead once stable takes v2; it is never awaited, like a SIGKILLed process.
    void r.act(
      'promote',
      {},
      {
        wrapCluster: (c) => {
          const f = freezable(c);
          frozen.freeze = f.freeze;
          return f.cluster;
        },
      },
    );
    await waitFor(() => r.state()?.phase === 'progressing' && r.stableRuns('v2'), 'promote reached stable');
    stop();
    const run = await r.act('rollback');
    assert.ifError(run.error);
    assert.equal(run.record?.result, 'rolled-back');
    r.assertConsistent('rollback after a killed promote');
  });
});
