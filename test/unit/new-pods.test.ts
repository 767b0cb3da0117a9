// Which pods are the new version's (src/gates/new-pods.ts): the selector of the ReplicaSet that
// holds a Deployment's template, a StatefulSet's update revision, a DaemonSet's template generation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newPodSelector, newReplicaSet, selectorString } from '../../src/gates/new-pods.ts';
import type { Cluster, KubeObject } from '../../src/kube/types.ts';
import type { DeploymentObject } from '../../src/manifests/workload-views.ts';

const REVISION = 'deployment.kubernetes.io/revision';

function workload(kind: string, extra: Partial<KubeObject> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: {
      name: 'web',
      namespace: 'shop',
      uid: 'uid-web',
      generation: 4,
      annotations: { [REVISION]: '3' },
    },
    spec: { selector: { matchLabels: { app: 'web', tier: 'front' } }, template: template('web:3') },
    ...extra,
  };
}

/** A pod template running `image`, as the Deployment holds it. */
function template(image: string, hash?: string) {
  return {
    metadata: { labels: { app: 'web', tier: 'front', ...(hash ? { 'pod-template-hash': hash } : {}) } },
    spec: { containers: [{ name: 'app', image }] },
  };
}

/** A ReplicaSet of revision `revision`, whose template runs `web:<revision>`. */
function replicaSet(name: string, revision: string, ownerUid: string, hash?: string): KubeObject {
  return {
    spec: { template: template(`web:${revision}`, hash) },
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      labels: { app: 'web', ...(hash ? { 'pod-template-hash': hash } : {}) },
      annotations: { [REVISION]: revision },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: ownerUid }],
    },
  };
}

/** A Cluster that lists `sets` and records each list call. */
function listing(sets: KubeObject[]) {
  const calls: string[] = [];
  const cluster = {
    list: async (apiVersion: string, kind: string, ns: string, opts: { labelSelector?: string }) => {
      calls.push(`${apiVersion} ${kind} ${ns} ${opts.labelSelector}`);
      return sets;
    },
  } as unknown as Cluster;
  return { cluster, calls };
}

describe('selectorString', () => {
  it('joins the match labels and the extra labels, the extra ones last and winning', () => {
    assert.equal(selectorString({ app: 'web', tier: 'front' }), 'app=web,tier=front');
    assert.equal(
      selectorString({ app: 'web' }, { 'pod-template-hash': 'abc' }),
      'app=web,pod-template-hash=abc',
    );
    assert.equal(selectorString({ app: 'web' }, { app: 'other' }), 'app=other');
    assert.equal(selectorString(undefined, { a: '1' }), 'a=1');
    assert.equal(selectorString(undefined), '');
  });
});

describe('newReplicaSet', () => {
  it("is the ReplicaSet owned by the Deployment whose template is the Deployment's, hash label aside", async () => {
    const current = replicaSet('web-new', '3', 'uid-web', 'new');
    const { cluster, calls } = listing([
      replicaSet('web-old', '2', 'uid-web', 'old'),
      replicaSet('other-new', '3', 'uid-other', 'other'),
      current,
    ]);
    assert.equal(await newReplicaSet(cluster, workload('Deployment') as DeploymentObject), current);
    assert.deepEqual(calls, ['apps/v1 ReplicaSet shop app=web,tier=front']);
  });

  it('is found by its template, not by the revision annotation (a Recreate rollout keeps the old one named)', async () => {
    const current = replicaSet('web-new', '3', 'uid-web', 'new');
    const { cluster } = listing([replicaSet('web-old', '2', 'uid-web', 'old'), current]);
    const recreating = workload('Deployment');
    recreating.metadata.annotations = { [REVISION]: '2' };
    assert.equal(await newReplicaSet(cluster, recreating as DeploymentObject), current);
  });

  it('is the oldest of two with the same template (upstream FindNewReplicaSet)', async () => {
    const older = { ...replicaSet('web-a', '3', 'uid-web', 'a') };
    older.metadata.creationTimestamp = '2026-01-01T00:00:00Z';
    const newer = { ...replicaSet('web-b', '3', 'uid-web', 'b') };
    newer.metadata.creationTimestamp = '2026-01-02T00:00:00Z';
    const { cluster } = listing([newer, older]);
    assert.equal(await newReplicaSet(cluster, workload('Deployment') as DeploymentObject), older);
  });

  it('a ReplicaSet the API server has not stamped with a creation time sorts first, as an empty time', async () => {
    const stamped = replicaSet('web-a', '3', 'uid-web', 'a');
    stamped.metadata.creationTimestamp = '2026-01-01T00:00:00Z';
    const unstamped = replicaSet('web-b', '3', 'uid-web', 'b');
    assert.equal(
      await newReplicaSet(listing([stamped, unstamped]).cluster, workload('Deployment') as DeploymentObject),
      unstamped,
    );
    assert.equal(
      await newReplicaSet(listing([unstamped, stamped]).cluster, workload('Deployment') as DeploymentObject),
      unstamped,
    );
  });

  it('a Deployment as read before defaults (no selector, no spec) lists everything and finds none', async () => {
    const bare = workload('Deployment', { spec: {} });
    const { cluster, calls } = listing([replicaSet('web-new', '3', 'uid-web', 'new')]);
    assert.equal(await newReplicaSet(cluster, bare as DeploymentObject), undefined);
    assert.deepEqual(calls, ['apps/v1 ReplicaSet shop ']);
    const specless = workload('Deployment');
    delete specless.spec;
    assert.equal(await newReplicaSet(listing([]).cluster, specless as DeploymentObject), undefined);
  });

  it('is none while the controller has not created it', async () => {
    const { cluster } = listing([replicaSet('web-old', '2', 'uid-web', 'old')]);
    assert.equal(await newReplicaSet(cluster, workload('Deployment') as DeploymentObject), undefined);
    const unowned = {
      ...replicaSet('web-x', '3', 'uid-web', 'x'),
      metadata: { annotations: { [REVISION]: '3' } },
    };
    assert.equal(
      await newReplicaSet(listing([unowned]).cluster, workload('Deployment') as DeploymentObject),
      undefined,
    );
  });
});

describe('newPodSelector', () => {
  it('a Deployment: the match labels and the new ReplicaSet’s pod-template-hash', async () => {
    const { cluster } = listing([replicaSet('web-new', '3', 'uid-web', 'f00d')]);
    assert.equal(
      await newPodSelector(cluster, workload('Deployment')),
      'app=web,tier=front,pod-template-hash=f00d',
    );
  });

  it('a Deployment whose new ReplicaSet has no hash label yet, or none at all: not yet', async () => {
    assert.equal(
      await newPodSelector(listing([replicaSet('web-new', '3', 'uid-web')]).cluster, workload('Deployment')),
      undefined,
    );
    assert.equal(await newPodSelector(listing([]).cluster, workload('Deployment')), undefined);
  });

  it('a workload without a selector: only the revision label selects', async () => {
    const sts = workload('StatefulSet', { spec: {}, status: { updateRevision: 'web-5d8f' } });
    assert.equal(await newPodSelector(listing([]).cluster, sts), 'controller-revision-hash=web-5d8f');
  });

  it('a StatefulSet: its update revision, once the controller set one', async () => {
    const { cluster, calls } = listing([]);
    const sts = workload('StatefulSet', { status: { updateRevision: 'web-5d8f' } });
    assert.equal(await newPodSelector(cluster, sts), 'app=web,tier=front,controller-revision-hash=web-5d8f');
    assert.equal(await newPodSelector(cluster, workload('StatefulSet', { status: {} })), undefined);
    assert.deepEqual(calls, [], 'no list needed');
  });

  it('a DaemonSet: the generation that created its pods', async () => {
    const { cluster } = listing([]);
    assert.equal(
      await newPodSelector(cluster, workload('DaemonSet')),
      'app=web,tier=front,pod-template-generation=4',
    );
    const unobserved = workload('DaemonSet');
    delete unobserved.metadata.generation;
    assert.equal(await newPodSelector(cluster, unobserved), undefined);
  });

  it('anything else has no new pods to find', async () => {
    const { cluster } = listing([]);
    const { cluster: withSet, calls } = listing([replicaSet('web-new', '3', 'uid-web', 'f00d')]);
    assert.equal(await newPodSelector(withSet, workload('ReplicaSet')), undefined);
    assert.equal(await newPodSelector(cluster, workload('Pod')), undefined);
    assert.deepEqual(calls, []);
  });
});
