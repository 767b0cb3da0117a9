// Issue 20 (clocks), end to end: runs whose wall clocks are hours or minutes off. A waiting run
// counts the lease duration on its own monotonic clock from when it saw the Lease change, so a
// dead holder whose clock ran ahead is taken over after the lease duration, and a live holder
// whose clock runs behind keeps its Lease. The skew is given to the bundled action's process
// (test/helpers/skewed-clock.mjs): its Date moves, its monotonic clock does not.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { runAction, skewedClockEnv } from '../helpers/action.ts';
import { checkReleaseInvariant } from '../helpers/invariant.ts';
import { writeApp } from '../helpers/manifests.ts';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';

const IMAGE = 'registry.local:5000/acme/web';
const HOUR = 3_600_000;

describe('clock skew between runs (dist/index.js)', () => {
  let sim: SimCluster;
  let ns = 0;
  const base = (namespace: string) => ({
    kubeconfig: sim.kubeconfig,
    namespace,
    'version-label': 'version',
    comment: 'false',
    'scale-down-delay': '0s',
    'lease-duration': '3s',
  });

  async function withV1(): Promise<{ namespace: string; dir: string }> {
    const namespace = `skew-${++ns}`;
    sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    const dir = writeApp({ replicas: 2 });
    const first = await runAction({ ...base(namespace), manifests: dir, images: `${IMAGE}:v1` });
    assert.equal(first.outputs.result, 'promoted', first.stdout);
    return { namespace, dir };
  }

  const lease = (namespace: string) =>
    sim.store.get('coordination.k8s.io/v1', 'Lease', namespace, 'kube-rollout-web');

  before(async () => {
    sim = await startSimCluster();
  });
  after(async () => {
    await sim.stop();
  });

  it('a holder whose clock runs 1 h ahead is killed: the next run takes over after the lease duration', async () => {
    const { namespace, dir } = await withV1();
    const canary = {
      ...base(namespace),
      strategy: 'canary',
      manifests: dir,
      steps: stringify([{ setWeight: 50 }, { pause: '10m' }]),
    };
    const killed = await runAction(
      { ...canary, images: `${IMAGE}:v2` },
      { env: skewedClockEnv(HOUR), killSignal: 'SIGKILL', killWhen: (out) => out.includes('pause 10m') },
    );
    assert.equal(killed.killedBy, 'SIGKILL');
    const left = lease(namespace);
    assert.ok(
      Date.parse(left?.spec.renewTime) > Date.now() + HOUR - 60_000,
      'the dead holder wrote its +1 h clock',
    );

    const status = await runAction({ ...base(namespace), action: 'status', name: 'web' });
    assert.equal(status.outputs.result, 'progressing');
    assert.match(
      status.stdout,
      /by its holder's clock, -\d+s ago by this runner's clock \(clocks may differ\)/,
    );

    // Far shorter than the hour the old expiry (renewTime + lease by our clock) would have waited.
    const next = await runAction({
      ...canary,
      images: `${IMAGE}:v3`,
      steps: stringify([{ setWeight: 100 }]),
      'lock-timeout': '60s',
    });
    assert.equal(next.outputs.result, 'promoted', next.stdout);
    assert.match(next.stdout, new RegExp(`waiting for the release lock held by ${killed.state.holder}`));
    assert.match(next.stdout, /took over/);
    assert.deepEqual(checkReleaseInvariant(sim, { name: 'web', namespace }), []);
  });

  it('a live run whose clock is 120 s behind keeps its Lease; the next run waits for it', async () => {
    const { namespace, dir } = await withV1();
    const canary = { ...base(namespace), strategy: 'canary', manifests: dir };
    let onPaused!: () => void;
    const paused = new Promise<void>((resolve) => (onPaused = resolve));
    let slowOut = '';
    const slow = runAction(
      { ...canary, images: `${IMAGE}:v2`, steps: stringify([{ setWeight: 50 }, { pause: '8s' }]) },
      {
        env: skewedClockEnv(-120_000),
        onStdout: (chunk) => {
          slowOut += chunk;
          if (slowOut.includes('pause 8s')) onPaused();
        },
      },
    );
    await Promise.race([paused, slow]);
    assert.ok(
      Date.parse(lease(namespace)?.spec.renewTime) < Date.now() - 100_000,
      'it renews with its slow clock',
    );

    const next = await runAction({
      ...canary,
      images: `${IMAGE}:v3`,
      steps: stringify([{ setWeight: 100 }]),
      'lock-timeout': '90s',
    });
    const first = await slow;
    assert.equal(first.outputs.result, 'promoted', `the slow-clocked run kept its Lease:\n${first.stdout}`);
    assert.doesNotMatch(first.stdout, /lost the lock/);
    assert.match(next.stdout, /waiting for the release lock held by/);
    assert.equal(next.outputs.result, 'promoted', next.stdout);
    assert.deepEqual(checkReleaseInvariant(sim, { name: 'web', namespace }), []);
  });
});
