// Adoption and release by selector (upstream ControllerRefManager, pkg/controller/
// controller_ref_manager.go ClaimObject / ClaimPods / ClaimReplicaSets): the ReplicaSet, the
// Deployment and the StatefulSet controllers keep what matches, release what stopped matching and
// adopt matching orphans.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../src/types.ts';
import { container, deployment, replicaSet, testCluster, waitFor, type TestCluster } from './testing.ts';

const pods = (c: TestCluster) => c.store.list('v1', 'Pod', 'default');
const controllerOf = (o: KubeObject) => o.metadata.ownerReferences?.find((r) => r.controller);

function relabel(
  c: TestCluster,
  apiVersion: string,
  kind: string,
  name: string,
  labels: Record<string, string>,
) {
  const o = c.store.get(apiVersion, kind, 'default', name)!;
  o.metadata.labels = labels;
  return c.store.update(o);
}

test('ReplicaSet releases a relabelled pod (ClaimPods) and replaces it; the released pod keeps running', async () => {
  const c = testCluster();
  try {
    const rs = c.store.create(replicaSet('rel', 2));
    await waitFor(
      '2 ready pods',
      () => c.store.get('apps/v1', 'ReplicaSet', 'default', 'rel')?.status?.readyReplicas === 2,
    );
    const victim = pods(c)[0];
    relabel(c, 'v1', 'Pod', victim.metadata.name!, { app: 'debugging' });
    const released = await waitFor('ownerReference removed', () => {
      const p = c.store.get('v1', 'Pod', 'default', victim.metadata.name!);
      return p && !p.metadata.ownerReferences?.length && p;
    });
    assert.equal(released.metadata.deletionTimestamp, undefined, 'released, not deleted');
    await waitFor(
      'a replacement pod',
      () => pods(c).filter((p) => controllerOf(p)?.uid === rs.metadata.uid).length === 2,
    );
    assert.equal(pods(c).length, 3);
  } finally {
    c.stop();
  }
});

test('ReplicaSet adopts a matching orphan pod, then removes the excess', async () => {
  const c = testCluster();
  try {
    const rs = c.store.create(replicaSet('adopt', 2));
    await waitFor(
      '2 ready pods',
      () => c.store.get('apps/v1', 'ReplicaSet', 'default', 'adopt')?.status?.readyReplicas === 2,
    );
    const refs: unknown[] = [];
    const unsubscribe = c.store.subscribe((ev) => {
      if (ev.object.metadata.name === 'stray' && controllerOf(ev.object)) refs.push(controllerOf(ev.object));
    });
    c.store.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'stray', namespace: 'default', labels: { app: 'adopt' } },
      spec: { containers: [container('app', 'nginx:1.25')] },
    });
    await waitFor('orphan adopted', () => refs.length > 0);
    unsubscribe();
    assert.deepEqual(refs[0], {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      name: 'adopt',
      uid: rs.metadata.uid,
      controller: true,
      blockOwnerDeletion: true,
    });
    await waitFor(
      'back to 2 active pods',
      () => pods(c).filter((p) => !p.metadata.deletionTimestamp).length === 2,
    );
  } finally {
    c.stop();
  }
});

test('a pod owned by another controller is neither adopted nor released', async () => {
  const c = testCluster();
  try {
    c.store.create(replicaSet('a', 1));
    const b = replicaSet('b', 1);
    b.spec.selector = { matchLabels: { app: 'a' } }; // overlapping selector, different template labels
    b.spec.template.metadata.labels = { app: 'a', extra: 'b' };
    c.store.create(b);
    await waitFor('2 pods', () => pods(c).filter((p) => p.status?.phase === 'Running').length === 2);
    const owners = pods(c)
      .map((p) => controllerOf(p)?.name)
      .sort();
    assert.deepEqual(owners, ['a', 'b']);
  } finally {
    c.stop();
  }
});

test('Deployment adopts an orphan ReplicaSet matching its selector and releases one relabelled away (ClaimReplicaSets)', async () => {
  const c = testCluster();
  try {
    const orphan = replicaSet('web-orphan', 1);
    orphan.metadata.labels = { app: 'web', tier: 'x' };
    orphan.spec.selector = { matchLabels: { app: 'web', tier: 'x' } };
    orphan.spec.template.metadata.labels = { app: 'web', tier: 'x' };
    c.store.create(orphan);
    const d = c.store.create(deployment('web', { replicas: 1 }));
    await waitFor('orphan RS adopted', () => {
      const rs = c.store.get('apps/v1', 'ReplicaSet', 'default', 'web-orphan');
      return controllerOf(rs!)?.uid === d.metadata.uid;
    });
    await waitFor(
      'the adopted RS is scaled down as an old RS',
      () => c.store.get('apps/v1', 'ReplicaSet', 'default', 'web-orphan')?.spec.replicas === 0,
    );
    relabel(c, 'apps/v1', 'ReplicaSet', 'web-orphan', { app: 'other' });
    await waitFor(
      'released',
      () => !c.store.get('apps/v1', 'ReplicaSet', 'default', 'web-orphan')?.metadata.ownerReferences?.length,
    );
  } finally {
    c.stop();
  }
});

function statefulSet(name: string): KubeObject {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas: 2,
      serviceName: name,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [container('app', 'nginx:1.25')] } },
    },
  };
}

test('StatefulSet releases a relabelled pod and re-adopts it by name and selector (getPodsForStatefulSet, isMemberOf)', async () => {
  const c = testCluster();
  try {
    const set = c.store.create(statefulSet('db'));
    await waitFor(
      '2 ready',
      () => c.store.get('apps/v1', 'StatefulSet', 'default', 'db')?.status?.readyReplicas === 2,
    );
    relabel(c, 'v1', 'Pod', 'db-1', { app: 'maintenance' });
    await waitFor(
      'db-1 released',
      () => !c.store.get('v1', 'Pod', 'default', 'db-1')?.metadata.ownerReferences?.length,
    );
    // A pod with matching labels but a name outside the set's ordinals is never adopted.
    c.store.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'db-debug', namespace: 'default', labels: { app: 'db' } },
      spec: { containers: [container('app', 'nginx:1.25')] },
    });
    relabel(c, 'v1', 'Pod', 'db-1', { app: 'db' });
    await waitFor(
      'db-1 adopted again',
      () => controllerOf(c.store.get('v1', 'Pod', 'default', 'db-1')!)?.uid === set.metadata.uid,
    );
    assert.equal(c.store.get('v1', 'Pod', 'default', 'db-debug')?.metadata.ownerReferences, undefined);
  } finally {
    c.stop();
  }
});

test('ReplicaSet scale-down deletes the pod with the lowest pod-deletion-cost first (controller_utils.go ActivePodsWithRanks.Less)', async () => {
  const c = testCluster();
  try {
    c.store.create(replicaSet('cost', 3));
    await waitFor(
      '3 ready',
      () => c.store.get('apps/v1', 'ReplicaSet', 'default', 'cost')?.status?.readyReplicas === 3,
    );
    // All ready on nodes: without costs the newest would go; give the oldest the lowest cost.
    const [oldest, ...rest] = [...pods(c)].sort((a, b) =>
      a.metadata.creationTimestamp === b.metadata.creationTimestamp
        ? a.metadata.name!.localeCompare(b.metadata.name!)
        : a.metadata.creationTimestamp! < b.metadata.creationTimestamp!
          ? -1
          : 1,
    );
    const annotate = (p: KubeObject, cost: string) => {
      const x = c.store.get('v1', 'Pod', 'default', p.metadata.name!)!;
      x.metadata.annotations = { 'controller.kubernetes.io/pod-deletion-cost': cost };
      c.store.update(x);
    };
    annotate(oldest, '-100');
    annotate(rest[0], '50');
    annotate(rest[1], 'not-a-number'); // counts as 0
    const rs = c.store.get('apps/v1', 'ReplicaSet', 'default', 'cost')!;
    rs.spec.replicas = 1;
    c.store.update(rs);
    await waitFor('scaled to 1', () => pods(c).filter((p) => !p.metadata.deletionTimestamp).length === 1);
    const survivor = pods(c).find((p) => !p.metadata.deletionTimestamp)!;
    assert.equal(survivor.metadata.name, rest[0].metadata.name, 'the highest cost survives');
  } finally {
    c.stop();
  }
});
