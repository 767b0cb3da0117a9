import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitForRollout } from '../../src/gates/wait-rollout.ts';
import type { Cluster, KubeObject } from '../../src/kube/types.ts';
import { WaitTimeoutError } from '../../src/kube/watch.ts';

const web: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { replicas: 2 },
};

/** A Cluster whose watch fails with `error` (only what waitForRollout calls without fail-fast). */
function clusterFailingWith(error: Error): Cluster {
  return { watchUntil: () => Promise.reject(error) } as unknown as Cluster;
}

describe('waitForRollout: how a failed watch is classified', () => {
  it("the watch's own timeout (WaitTimeoutError) is the progress deadline", async () => {
    const cluster = clusterFailingWith(new WaitTimeoutError('deadline passed'));
    const outcome = await waitForRollout(cluster, web, { deadlineMs: 120_000, failFast: false });
    assert.equal(outcome.ok, false);
    assert.ok(!outcome.ok);
    assert.equal(outcome.reason, 'ProgressDeadlineExceeded');
    assert.match(
      outcome.message,
      /^Deployment.*web.* did not finish rolling out within the progress deadline \(120s\)/,
    );
  });

  it('another error that merely mentions a timeout keeps its own message', async () => {
    const cluster = clusterFailingWith(new Error('dial tcp: i/o timed out'));
    const outcome = await waitForRollout(cluster, web, { deadlineMs: 120_000, failFast: false });
    assert.ok(!outcome.ok);
    assert.equal(outcome.message, 'dial tcp: i/o timed out');
  });
});
