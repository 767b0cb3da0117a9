// Release state ConfigMap and the per-app Lease, against the simulated API server.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';
import { requestsTo } from '../helpers/sim-requests.ts';
import { loadKubeConfig } from '../../src/kube/kubeconfig.ts';
import { createCluster } from '../../src/kube/cluster.ts';
import type { Cluster, KubeObject } from '../../src/kube/types.ts';
import type { ReleaseState } from '../../src/record/types.ts';
import { loadReleaseState, saveReleaseState } from '../../src/state/release-state.ts';
import { acquireLock, microTime, readLease, type Lock } from '../../src/engine/lease/lock.ts';
import { LockTimeoutError } from '../../src/errors.ts';

const NS = 'shop';

function sampleState(name: string): ReleaseState {
  return {
    schema: 2,
    name,
    phase: 'paused',
    strategy: 'canary',
    traffic: 'nginx',
    stableVersion: '1.0.0',
    newVersion: '1.1.0',
    currentStep: 3,
    canaryWeight: 40,
    rendered: [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name } }],
    stableSnapshot: [],
    updatedAt: '2026-11-21T22:40:00Z',
    runUrl: 'https://github.com/o/r/actions/runs/1',
    record: {
      app: name,
      namespace: NS,
      action: 'deploy',
      startedAt: '2026-11-21T22:30:00Z',
      steps: [
        {
          index: 0,
          kind: 'setWeight',
          label: 'setWeight 40',
          weight: 40,
          startedAt: '2026-11-21T22:30:01Z',
          verdict: 'passed',
        },
      ],
      measurements: [],
      evidence: [],
      weights: [{ at: '2026-11-21T22:30:01Z', weight: 40 }],
      notes: ['unicode survives: ✓ «canary»'],
    },
  };
}

const leaseRef = (name: string) => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  name: `kube-rollout-${name}`,
  namespace: NS,
});

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('release state and lock against the simulator', () => {
  let sim: SimCluster;
  let cluster: Cluster;
  const locks: Lock[] = [];
  const lock = async (...args: Parameters<typeof acquireLock>) => {
    const l = await acquireLock(...args);
    locks.push(l);
    return l;
  };

  before(async () => {
    sim = await startSimCluster({ rps: 0, controllers: false });
    cluster = createCluster(loadKubeConfig({ kubeconfig: sim.kubeconfig, env: {} }), { minRetryDelayMs: 5 });
    await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  });
  after(async () => {
    for (const l of locks) await l.release();
    await sim.stop();
  });

  test('save then load returns the same state; the ConfigMap is labelled', async () => {
    assert.equal(await loadReleaseState(cluster, NS, 'web'), undefined);
    const state = sampleState('web');
    const firstVersion = await saveReleaseState(cluster, state, NS, undefined);
    const loaded = await loadReleaseState(cluster, NS, 'web');
    assert.deepEqual(loaded?.state, state);
    assert.ok(loaded?.resourceVersion);
    const cm = sim.store.get('v1', 'ConfigMap', NS, 'kube-rollout-web');
    assert.deepEqual(cm?.metadata.labels, {
      'app.kubernetes.io/managed-by': 'kube-rollout',
      'kube-rollout.io/release': 'web',
    });
    assert.deepEqual(JSON.parse(cm?.data?.['state.json'] ?? ''), state);

    assert.equal(loaded?.resourceVersion, firstVersion);

    const next = { ...state, phase: 'promoted' as const, currentStep: 5 };
    await saveReleaseState(cluster, next, NS, firstVersion);
    const reloaded = await loadReleaseState(cluster, NS, 'web');
    assert.equal(reloaded?.state.phase, 'promoted');
    assert.notEqual(reloaded?.resourceVersion, loaded?.resourceVersion);
  });

  test('a state write over a version another run has replaced is refused, never forced', async () => {
    const state = sampleState('raced');
    const mine = await saveReleaseState(cluster, state, NS, undefined);
    const theirs = await saveReleaseState(
      cluster,
      { ...state, holder: 'other-run', currentStep: 3 },
      NS,
      mine,
    );
    await assert.rejects(
      saveReleaseState(cluster, { ...state, currentStep: 2 }, NS, mine),
      (err: Error) =>
        err.name === 'StateConflictError' && /changed by another run \(other-run\)/.test(err.message),
    );
    await assert.rejects(saveReleaseState(cluster, state, NS, undefined), { name: 'StateConflictError' });
    const now = await loadReleaseState(cluster, NS, 'raced');
    assert.equal(now?.state.currentStep, 3);
    assert.equal(now?.resourceVersion, theirs);
    // A retried write that had in fact gone through (its answer was lost) counts as done.
    assert.equal(
      await saveReleaseState(cluster, { ...state, holder: 'other-run', currentStep: 3 }, NS, mine),
      theirs,
    );
  });

  test('a state ConfigMap that is not valid JSON is a clear error', async () => {
    await cluster.apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kube-rollout-broken', namespace: NS },
      data: { 'state.json': '{oops' },
    });
    await assert.rejects(
      loadReleaseState(cluster, NS, 'broken'),
      /damaged: ConfigMap kube-rollout-broken in shop, key state\.json is not valid JSON/,
    );
  });

  test('a ConfigMap deleted or damaged under the run that holds the Lease is written again', async () => {
    const state = sampleState('edited');
    const first = await saveReleaseState(cluster, state, NS, undefined);
    await cluster.delete({ apiVersion: 'v1', kind: 'ConfigMap', name: 'kube-rollout-edited', namespace: NS });
    const second = await saveReleaseState(cluster, { ...state, currentStep: 1 }, NS, first);
    assert.equal((await loadReleaseState(cluster, NS, 'edited'))?.state.currentStep, 1, 'created again');
    const cm = (await cluster.get({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: 'kube-rollout-edited',
      namespace: NS,
    }))!;
    await cluster.replace({ ...cm, data: { 'state.json': '{"by": "hand"}' } });
    await saveReleaseState(cluster, { ...state, currentStep: 2 }, NS, second);
    assert.equal(
      (await loadReleaseState(cluster, NS, 'edited'))?.state.currentStep,
      2,
      'written over the damage',
    );
  });

  test('a second acquirer waits while the first holds the lock, then gets it', async () => {
    const first = await lock(cluster, {
      namespace: NS,
      name: 'api',
      holder: 'run-1',
      timeoutMs: 1000,
      renewEveryMs: 60_000,
    });
    const lease = sim.store.get('coordination.k8s.io/v1', 'Lease', NS, 'kube-rollout-api');
    assert.equal(lease?.spec.holderIdentity, 'run-1');
    assert.equal(lease?.spec.leaseDurationSeconds, 30);
    assert.equal(lease?.spec.leaseTransitions, 0);
    assert.match(lease?.spec.acquireTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.match(lease?.spec.renewTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);

    const waitedFor: string[] = [];
    const second = lock(cluster, {
      namespace: NS,
      name: 'api',
      holder: 'run-2',
      timeoutMs: 10_000,
      pollMs: 20,
      onWait: (h) => waitedFor.push(h),
    });
    let settled = false;
    void second.then(
      () => (settled = true),
      () => (settled = true),
    );
    await until('the second run to wait', () => waitedFor.length > 0);
    assert.deepEqual(waitedFor, ['run-1']);
    assert.equal(settled, false, 'still waiting while run-1 holds the lock');
    await first.release();
    const got = await second;
    assert.equal(got.holder, 'run-2');
    const after = sim.store.get('coordination.k8s.io/v1', 'Lease', NS, 'kube-rollout-api');
    assert.equal(after?.spec.holderIdentity, 'run-2');
    assert.equal(after?.spec.leaseTransitions, 1);
    await got.release();
  });

  test('a short timeout fails with LockTimeoutError naming the holder, and leaves the Lease untouched', async () => {
    const holder = await lock(cluster, {
      namespace: NS,
      name: 'cart',
      holder: 'run-7 attempt 1 pid 42',
      timeoutMs: 1000,
      renewEveryMs: 60_000,
    });
    const before = sim.store.get('coordination.k8s.io/v1', 'Lease', NS, 'kube-rollout-cart');
    await assert.rejects(
      acquireLock(cluster, { namespace: NS, name: 'cart', holder: 'run-8', timeoutMs: 150, pollMs: 20 }),
      (err: Error) => {
        assert.ok(err instanceof LockTimeoutError);
        assert.match(err.message, /locked by "run-7 attempt 1 pid 42"/);
        assert.match(err.message, /Lease kube-rollout-cart in shop/);
        return true;
      },
    );
    assert.deepEqual(sim.store.get('coordination.k8s.io/v1', 'Lease', NS, 'kube-rollout-cart'), before);
    await holder.release();
  });

  test('a Lease whose holder stopped renewing is taken over once seen unchanged for its lease duration, whatever its renewTime says', async () => {
    for (const [name, renewed] of [
      ['pay-old', -3_600_000],
      ['pay-ahead', 3_600_000],
    ] as const) {
      const stamp = microTime(new Date(Date.now() + renewed));
      await cluster.create({
        ...leaseRef(name),
        metadata: { name: `kube-rollout-${name}`, namespace: NS },
        spec: {
          holderIdentity: 'dead-runner',
          leaseDurationSeconds: 15,
          acquireTime: stamp,
          renewTime: stamp,
          leaseTransitions: 4,
        },
      } as KubeObject);
      // This run's monotonic clock, moved by the test: the Lease is watched, not its times compared.
      const clock = { t: 1000 };
      const waited: string[] = [];
      let got: Lock | undefined;
      const taking = lock(cluster, {
        namespace: NS,
        name,
        holder: 'run-9',
        timeoutMs: 60_000,
        pollMs: 10,
        monotonic: () => clock.t,
        onWait: (h) => waited.push(h),
      }).then((l) => (got = l));
      await until('the run to wait', () => waited.length > 0);
      clock.t += 14_999;
      const reads = requestsTo(sim, 'leases', `kube-rollout-${name}`).length;
      await until(
        'two more looks at the Lease',
        () => requestsTo(sim, 'leases', `kube-rollout-${name}`).length > reads + 2,
      );
      assert.equal(got, undefined, `${name}: still held 1 ms before its lease duration`);
      clock.t += 1;
      await taking;
      assert.deepEqual(waited, ['dead-runner']);
      assert.equal(got!.tookOverFrom, 'dead-runner');
      const lease = sim.store.get('coordination.k8s.io/v1', 'Lease', NS, `kube-rollout-${name}`);
      assert.equal(lease?.spec.holderIdentity, 'run-9');
      assert.equal(lease?.spec.leaseTransitions, 5);
      await got!.release();
    }
  });

  test('a holder whose clock runs 1 h ahead, then dies: another run takes over after the lease duration', async () => {
    const hourAhead = () => new Date(Date.now() + 3_600_000);
    // Renews on a timer it never reaches and is never released: a runner that died.
    await lock(cluster, {
      namespace: NS,
      name: 'ahead',
      holder: 'run-ahead',
      timeoutMs: 1000,
      leaseDurationSeconds: 1,
      renewEveryMs: 600_000,
      now: hourAhead,
    });
    const written = sim.store.get('coordination.k8s.io/v1', 'Lease', NS, 'kube-rollout-ahead');
    assert.ok(Date.parse(written?.spec.renewTime) > Date.now() + 3_500_000, 'the holder wrote its own clock');
    const waited: string[] = [];
    const next = await lock(cluster, {
      namespace: NS,
      name: 'ahead',
      holder: 'run-next',
      timeoutMs: 20_000,
      pollMs: 50,
      onWait: (h) => waited.push(h),
    });
    assert.deepEqual(waited, ['run-ahead'], 'it waited, watching the Lease');
    assert.equal(next.tookOverFrom, 'run-ahead');
    await next.release();
  });

  test('a live holder whose clock is 120 s behind keeps its Lease', async () => {
    const behind = () => new Date(Date.now() - 120_000);
    const lost: (string | undefined)[] = [];
    const holder = await lock(cluster, {
      namespace: NS,
      name: 'behind',
      holder: 'run-behind',
      timeoutMs: 1000,
      leaseDurationSeconds: 1,
      renewEveryMs: 150,
      now: behind,
      onLost: (h) => lost.push(h),
    });
    await assert.rejects(
      acquireLock(cluster, {
        namespace: NS,
        name: 'behind',
        holder: 'run-other',
        timeoutMs: 2500,
        pollMs: 50,
      }),
      (err: Error) => err instanceof LockTimeoutError && /locked by "run-behind"/.test(err.message),
    );
    assert.equal(holder.held, true);
    assert.deepEqual(lost, []);
    const lease = sim.store.get('coordination.k8s.io/v1', 'Lease', NS, 'kube-rollout-behind');
    assert.equal(lease?.spec.holderIdentity, 'run-behind');
    assert.ok(Date.parse(lease?.spec.renewTime) < Date.now() - 100_000, 'renewed with its own (slow) clock');
    await holder.release();
  });

  for (const scenario of ['absent', 'expired'] as const) {
    test(`two runs racing for a lock whose Lease is ${scenario}: exactly one wins`, async () => {
      const name = `race-${scenario}`;
      if (scenario === 'expired') {
        const old = microTime(new Date(Date.now() - 120_000));
        await cluster.create({
          ...leaseRef(name),
          metadata: { name: `kube-rollout-${name}`, namespace: NS },
          spec: {
            holderIdentity: 'dead-runner',
            leaseDurationSeconds: 1,
            acquireTime: old,
            renewTime: old,
            leaseTransitions: 0,
          },
        } as KubeObject);
      }
      const results = await Promise.allSettled(
        ['racer-a', 'racer-b'].map((holder) =>
          lock(cluster, { namespace: NS, name, holder, timeoutMs: 2000, pollMs: 20, renewEveryMs: 60_000 }),
        ),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      assert.equal(won.length, 1);
      assert.equal(lost.length, 1);
      assert.ok((lost[0] as PromiseRejectedResult).reason instanceof LockTimeoutError);
      const winner = (won[0] as PromiseFulfilledResult<Lock>).value;
      const lease = sim.store.get('coordination.k8s.io/v1', 'Lease', NS, `kube-rollout-${name}`);
      assert.equal(lease?.spec.holderIdentity, winner.holder);
      assert.equal(lease?.spec.leaseTransitions, scenario === 'expired' ? 1 : 0);
      await winner.release();
    });
  }

  test('renewal moves renewTime forward while held', async () => {
    const held = await lock(cluster, {
      namespace: NS,
      name: 'renew',
      holder: 'run-r',
      timeoutMs: 1000,
      renewEveryMs: 30,
    });
    const renewTimeOf = () =>
      sim.store.get('coordination.k8s.io/v1', 'Lease', NS, 'kube-rollout-renew')?.spec.renewTime as string;
    const first = renewTimeOf();
    await until('a renewal', () => renewTimeOf() !== first);
    assert.ok(Date.parse(renewTimeOf()) > Date.parse(first));
    assert.equal(held.held, true);
    await held.release();
    const lease = sim.store.get('coordination.k8s.io/v1', 'Lease', NS, 'kube-rollout-renew');
    assert.equal(lease?.spec.holderIdentity, undefined, 'release clears the holder');
  });

  test('an uncontested renewal and the release are one write each; an edit that keeps us holder is survived', async () => {
    const held = await lock(cluster, {
      namespace: NS,
      name: 'cheap',
      holder: 'run-c',
      timeoutMs: 1000,
      renewEveryMs: 60_000,
    });
    const leaseRequests = () => requestsTo(sim, 'leases', 'kube-rollout-cheap');
    sim.resetStats();
    await held.renew();
    assert.deepEqual(leaseRequests(), ['update 200']);
    // Someone labels the Lease: our next write is refused, a read shows it is still ours.
    const lease = (await cluster.get(leaseRef('cheap')))!;
    await cluster.replace({ ...lease, metadata: { ...lease.metadata, labels: { team: 'shop' } } });
    sim.resetStats();
    await held.renew();
    await held.renew();
    assert.deepEqual(leaseRequests(), ['update 409', 'get 200', 'update 200']);
    assert.equal(held.held, true);
    sim.resetStats();
    await held.release();
    assert.deepEqual(leaseRequests(), ['update 200']);
    const released = sim.store.get('coordination.k8s.io/v1', 'Lease', NS, 'kube-rollout-cheap');
    assert.equal(released?.spec.holderIdentity, undefined);
    assert.equal(released?.metadata.labels?.team, 'shop', 'the edit is kept');
  });

  test('release leaves alone a Lease that someone else has taken; renewal notices the loss', async () => {
    const lost: (string | undefined)[] = [];
    const held = await lock(cluster, {
      namespace: NS,
      name: 'stolen',
      holder: 'run-s',
      timeoutMs: 1000,
      renewEveryMs: 60_000,
      onLost: (h) => lost.push(h),
    });
    const lease = (await readLease(cluster, leaseRef('stolen')))!;
    await cluster.replace({ ...lease, spec: { ...lease.spec, holderIdentity: 'run-thief' } });
    await held.renew();
    assert.equal(held.held, false);
    assert.deepEqual(lost, ['run-thief']);
    await held.release();
    assert.equal(
      sim.store.get('coordination.k8s.io/v1', 'Lease', NS, 'kube-rollout-stolen')?.spec.holderIdentity,
      'run-thief',
    );
  });
});
