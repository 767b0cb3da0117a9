// A short, fixed-seed run of the chaos suite (npm run chaos): randomized releases through the
// bundled action with API faults, SIGTERM and SIGKILL, each checked against the release invariant.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatOutcome, runChaos } from '../helpers/chaos.ts';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';

const SEED = 1000;
const RELEASES = 6;

describe('chaos (dist/index.js, fixed seed)', () => {
  let sim: SimCluster;
  before(async () => {
    sim = await startSimCluster({ rps: 0 });
  });
  after(async () => {
    await sim.stop();
  });

  it(
    `${RELEASES} randomized releases from seed ${SEED} all end consistent`,
    { timeout: 900_000 },
    async () => {
      const outcomes = await runChaos(sim, { releases: RELEASES, seed: SEED });
      const inconsistent = outcomes.filter((o) => o.violations.length > 0).map(formatOutcome);
      assert.deepEqual(inconsistent, [], inconsistent.join('\n'));
    },
  );
});
