// A Deployment whose current template never finished rolling out is judged from the revision before.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Cluster, KubeObject } from '../../src/kube/types.ts';
import { view, type DeploymentObject } from '../../src/manifests/workload-views.ts';
import { asBeforeUnfinished, neverFinished } from '../../src/engine/prepare/unfinished.ts';

const UID = 'uid-web';

function deployment(
  reason: string | undefined,
  extra: { paused?: boolean; observed?: number } = {},
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'shop',
      uid: UID,
      generation: 3,
      annotations: {
        'deployment.kubernetes.io/revision': '2',
        'kube-rollout.io/version': 'v2',
        'team.example/owner': 'shop',
      },
    },
    spec: {
      replicas: 2,
      ...(extra.paused ? { paused: true } : {}),
      template: {
        metadata: { labels: { app: 'web', version: 'v2' } },
        spec: { containers: [{ name: 'app', image: 'web:v2' }] },
      },
    },
    status: {
      observedGeneration: extra.observed ?? 3,
      ...(reason ? { conditions: [{ type: 'Progressing', status: 'True', reason }] } : {}),
    },
  };
}

function replicaSet(revision: number, version: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `web-${version}`,
      annotations: {
        'deployment.kubernetes.io/revision': String(revision),
        'kube-rollout.io/version': version,
      },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: UID }],
    },
    spec: {
      template: {
        metadata: { labels: { app: 'web', version, 'pod-template-hash': version } },
        spec: { containers: [{ name: 'app', image: `web:${version}` }] },
      },
    },
  };
}

const listing = (sets: KubeObject[]) =>
  ({
    list: async (_apiVersion: string, kind: string) => (kind === 'ReplicaSet' ? sets : []),
  }) as unknown as Cluster;

describe('neverFinished', () => {
  it('is any observed Progressing reason but NewReplicaSetAvailable', () => {
    assert.equal(neverFinished(deployment('NewReplicaSetAvailable')), false);
    assert.equal(neverFinished(deployment('ReplicaSetUpdated')), true);
    assert.equal(neverFinished(deployment('ProgressDeadlineExceeded')), true);
  });

  it('is false for what it cannot judge: no condition, a spec not yet observed, a paused Deployment', () => {
    assert.equal(neverFinished(deployment(undefined)), false);
    assert.equal(neverFinished(deployment('ReplicaSetUpdated', { observed: 2 })), false);
    assert.equal(neverFinished(deployment('ReplicaSetUpdated', { paused: true })), false);
    const statefulSet = { ...deployment('ReplicaSetUpdated'), kind: 'StatefulSet' };
    assert.equal(neverFinished(statefulSet), false);
  });
});

const stateless = async () => true;

describe('asBeforeUnfinished', () => {
  it('shows an unfinished Deployment with the template and release annotations of the revision before', async () => {
    const live = new Map([['Deployment/shop/web', deployment('ReplicaSetUpdated')]]);
    const { live: shown, notes } = await asBeforeUnfinished(
      listing([replicaSet(2, 'v2'), replicaSet(1, 'v1')]),
      live,
      stateless,
    );
    const web = view<DeploymentObject>(shown.get('Deployment/shop/web')!);
    assert.deepEqual(web.spec.template, {
      metadata: { labels: { app: 'web', version: 'v1' } },
      spec: { containers: [{ name: 'app', image: 'web:v1' }] },
    });
    assert.equal(web.metadata.annotations!['kube-rollout.io/version'], 'v1');
    assert.equal(web.metadata.annotations!['deployment.kubernetes.io/revision'], '1');
    assert.equal(
      web.metadata.annotations!['team.example/owner'],
      'shop',
      "the workload's own annotations stay",
    );
    assert.equal(web.spec.replicas, 2);
    assert.deepEqual(notes, [
      'Deployment/web never finished rolling out revision 2: this release judges it as a change from revision 1, the one before',
    ]);
    assert.equal(
      view<DeploymentObject>(live.get('Deployment/shop/web')!).spec.template.metadata?.labels?.version,
      'v2',
      'the input is not changed',
    );
  });

  it('leaves finished Deployments, and unfinished ones with no revision before, as they are', async () => {
    const finished = deployment('NewReplicaSetAvailable');
    const first = deployment('ReplicaSetUpdated');
    const cluster = listing([replicaSet(2, 'v2')]);
    for (const workload of [finished, first]) {
      const { live, notes } = await asBeforeUnfinished(cluster, new Map([['k', workload]]), stateless);
      assert.equal(live.get('k'), workload);
      assert.deepEqual(notes, []);
    }
  });

  it('leaves an unfinished Deployment alone when a readable state speaks for it, and asks only then', async () => {
    const unfinished = deployment('ReplicaSetUpdated');
    let asked = 0;
    const owned = async () => (asked++, false);
    const cluster = listing([replicaSet(2, 'v2'), replicaSet(1, 'v1')]);
    const { live, notes } = await asBeforeUnfinished(cluster, new Map([['k', unfinished]]), owned);
    assert.equal(live.get('k'), unfinished);
    assert.deepEqual(notes, []);
    assert.equal(asked, 1);
    await asBeforeUnfinished(cluster, new Map([['k', deployment('NewReplicaSetAvailable')]]), owned);
    assert.equal(asked, 1, 'not asked when nothing is unfinished');
  });
});
