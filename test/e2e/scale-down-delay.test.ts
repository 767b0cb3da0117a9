// `scale-down-delay` (issue 18): through the delay the new version serves all traffic while the
// previous one keeps ready pods to return to at once; without a delay the promotion waits for
// nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';
import { runAction } from '../helpers/action.ts';
import { waitForReleaseInvariant } from '../helpers/invariant.ts';
import { writeApp } from '../helpers/manifests.ts';

const IMAGE = 'registry.local:5000/acme/web';
const WINDOW = /stays ready for 4s \(scale-down-delay\)/;

describe('scale-down-delay (dist/index.js against the simulator)', () => {
  let sim: SimCluster;
  let n = 0;
  before(async () => {
    sim = await startSimCluster({ rps: 0 });
  });
  after(async () => {
    await sim.stop();
  });

  async function withV1(app: { ingress?: boolean } = {}) {
    const namespace = `delay-${++n}`;
    sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    const dir = writeApp({ namespace, replicas: 3, ...app });
    const base = { kubeconfig: sim.kubeconfig, namespace, 'version-label': 'version', comment: 'false' };
    const first = await runAction({ ...base, manifests: dir, images: `${IMAGE}:v1` });
    assert.equal(first.outputs.result, 'promoted', first.stdout);
    return { namespace, dir, base };
  }

  /** Ready pods of each version behind the app. */
  function readyByVersion(namespace: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const pod of sim.store.list('v1', 'Pod', namespace)) {
      const ready = pod.status?.conditions?.some(
        (c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True',
      );
      if (ready && !pod.metadata.deletionTimestamp) {
        const v = pod.metadata.labels?.version ?? '?';
        out[v] = (out[v] ?? 0) + 1;
      }
    }
    return out;
  }

  it('a canary over nginx: during the delay v2 takes all traffic and v1 keeps all its ready pods', async () => {
    const { namespace, dir, base } = await withV1({ ingress: true });
    let during: { ready: Record<string, number>; served: Set<string> } | undefined;
    let stdout = '';
    const run = await runAction(
      {
        ...base,
        strategy: 'canary',
        traffic: 'nginx',
        manifests: dir,
        images: `${IMAGE}:v2`,
        steps: stringify([{ setWeight: 50 }]),
        'scale-down-delay': '4s',
      },
      {
        onStdout: (chunk) => {
          stdout += chunk;
          if (during || !WINDOW.test(stdout)) return;
          const served = new Set<string>();
          for (let i = 0; i < 50; i++)
            served.add(sim.traffic.sendRequest(`ingress/${namespace}/web/web.example.test/`).version);
          during = { ready: readyByVersion(namespace), served };
        },
      },
    );
    assert.equal(run.outputs.result, 'promoted', run.stdout);
    assert.ok(during, `the window was logged:\n${run.stdout}`);
    assert.deepEqual([...during.served], ['v2'], 'v2 serves all traffic through the Ingress');
    assert.equal(during.ready.v1, 3, `v1 keeps its 3 ready pods: ${JSON.stringify(during.ready)}`);
    assert.deepEqual(await waitForReleaseInvariant(sim, { name: 'web', namespace }), []);
  });

  it('a blue-green promotion without a delay or post-promotion checks does not wait', async () => {
    const { namespace, dir, base } = await withV1();
    const run = await runAction({ ...base, strategy: 'blue-green', manifests: dir, images: `${IMAGE}:v2` });
    assert.equal(run.outputs.result, 'promoted', run.stdout);
    assert.doesNotMatch(run.stdout, /scale-down-delay/);
    assert.deepEqual(await waitForReleaseInvariant(sim, { name: 'web', namespace }), []);
  });
});
