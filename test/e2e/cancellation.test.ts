// A cancelled job (SIGTERM from the runner) is a failure too: traffic returns to stable and the
// canary goes, either in the main step's own shutdown or in the post step.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { runAction } from '../helpers/action.ts';
import { writeApp } from '../helpers/manifests.ts';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';

const IMAGE = 'registry.local:5000/acme/web';
/** The executor's group line for the pause step. */
const PAUSE_STARTED = /step \d+\/\d+ pause 5m/;

describe('cancellation (dist/index.js)', () => {
  let sim: SimCluster;
  before(async () => {
    sim = await startSimCluster();
  });
  after(async () => {
    await sim.stop();
  });

  it('a canary cancelled during a pause ends with 100% stable and no canary left', async () => {
    const base = {
      kubeconfig: sim.kubeconfig,
      'version-label': 'version',
      comment: 'false',
      'scale-down-delay': '1s',
    };
    const dir = writeApp({ replicas: 4 });
    assert.equal(
      (await runAction({ ...base, manifests: dir, images: `${IMAGE}:v1` })).outputs.result,
      'promoted',
    );
    const run = await runAction(
      {
        ...base,
        strategy: 'canary',
        manifests: dir,
        images: `${IMAGE}:v2`,
        steps: stringify([{ setWeight: 50 }, { pause: '5m' }]),
      },
      // Cancelled once the pause has started; the long backstop only ends a run that never gets there.
      { killWhen: (out) => PAUSE_STARTED.test(out), killAfterMs: 180_000, post: true },
    );
    assert.match(run.stdout, PAUSE_STARTED, 'the run reached the pause before it was cancelled');
    assert.notEqual(run.code, 0, 'a cancelled release fails the step');
    assert.match(run.stdout, /cancelled/);
    assert.equal(sim.store.get('apps/v1', 'Deployment', 'default', 'web-canary'), undefined);
    assert.equal(sim.store.get('apps/v1', 'Deployment', 'default', 'web')!.spec.replicas, 4);
    for (let i = 0; i < 200; i++) assert.equal(sim.traffic.sendRequest('service/default/web').version, 'v1');
  });
});
