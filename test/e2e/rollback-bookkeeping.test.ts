// Rollback bookkeeping like kubectl's (issue 18): after any rollback the Deployment's
// change-cause and version annotations name what serves, `previous-version` is what served
// before this run, and the summary describes this run.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';
import { runAction } from '../helpers/action.ts';
import { writeApp } from '../helpers/manifests.ts';

const IMAGE = 'registry.local:5000/acme/web';

describe('rollback bookkeeping (dist/index.js against the simulator)', () => {
  let sim: SimCluster;
  before(async () => {
    sim = await startSimCluster({ rps: 0 });
  });
  after(async () => {
    await sim.stop();
  });

  it('a requested rollback, then an automatic one: annotations, outputs and summary say what serves', async () => {
    const base = { kubeconfig: sim.kubeconfig, 'version-label': 'version', comment: 'false' };
    const good = writeApp({ replicas: 2 });
    const annotations = () => sim.store.get('apps/v1', 'Deployment', 'default', 'web')!.metadata.annotations!;
    for (const version of ['v1', 'v2'])
      assert.equal(
        (await runAction({ ...base, manifests: good, images: `${IMAGE}:${version}` })).outputs.result,
        'promoted',
      );

    const back = await runAction({ ...base, action: 'rollback', manifests: good, images: `${IMAGE}:v2` });
    assert.equal(back.outputs.result, 'rolled-back', back.stdout);
    assert.equal(back.outputs.version, 'v1');
    assert.equal(back.outputs['previous-version'], 'v2', 'what served before this run');
    assert.equal(annotations()['kube-rollout.io/version'], 'v1', 'the version annotation names v1 again');
    assert.match(annotations()['kubernetes.io/change-cause']!, /version v1\b/);
    assert.match(back.summary, /`v2` → `v1` \(rollback of the release/);
    assert.match(back.summary, /· `rollback` ·/);

    const broken = writeApp({ replicas: 2, env: { SIM_CRASH: 'true' } });
    const failed = await runAction({ ...base, manifests: broken, images: `${IMAGE}:v3` });
    assert.equal(failed.outputs.result, 'rolled-back', failed.stdout);
    assert.equal(failed.outputs['previous-version'], 'v1');
    assert.equal(annotations()['kube-rollout.io/version'], 'v1', 'not the failed v3');
    assert.match(annotations()['kubernetes.io/change-cause']!, /version v1\b/);
  });
});
