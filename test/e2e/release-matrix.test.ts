// Issue 17's release matrix through the bundled action: every strategy × router that applies to
// the many-workload fixture apps (test/fixtures/apps, cases in test/helpers/release-matrix.ts),
// a broken version and a rollback among them; each case checks its results, its copies, which
// workloads restarted, the refusals before any write, and the release invariant after every run.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';
import { matrixMismatches, runMatrixCase } from '../helpers/matrix-run.ts';
import { RELEASE_MATRIX } from '../helpers/release-matrix.ts';

describe('the release matrix of apps of many workloads (dist/index.js)', { concurrency: 2 }, () => {
  let sim: SimCluster;
  let n = 0;
  before(async () => {
    // No background traffic: the invariant sends its own requests (boutique has 12 entries).
    sim = await startSimCluster({ rps: 0 });
  });
  after(async () => {
    await sim.stop();
  });

  for (const c of RELEASE_MATRIX)
    it(c.title, async () => {
      const seen = await runMatrixCase(sim, c, `matrix-${++n}`);
      assert.deepEqual(matrixMismatches(c, seen), [], seen.logs.join('\n'));
    });
});
