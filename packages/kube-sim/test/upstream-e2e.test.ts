// Upstream conformance/e2e scenarios ported to the simulator with their assertions:
// test/e2e/apps/deployment.go (RollingUpdateDeployment, rollover, iterative rollouts, proportional
// scaling) and test/e2e/apps/statefulset.go (canary and phased rolling updates). Images that
// upstream makes unpullable ("…:nonexistent", "webserver:404") use the simulator's unpullable-image
// knob (`does-not-exist` in the name); durations are simulated seconds (testCluster's time scale).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../src/types.ts';
import {
  condition,
  container,
  replicaSet,
  testCluster,
  waitFor,
  type TestCluster,
  fieldAt,
} from './testing.ts';

const REVISION = 'deployment.kubernetes.io/revision';
const REVISION_LABEL = 'controller-revision-hash';

/** The e2e framework's newRS: an unowned ReplicaSet with container `httpd`. */
const newRS = (name: string, replicas: number, labels: Record<string, string>, image: string) =>
  replicaSet(name, replicas, labels, image, 'httpd');

function newDeployment(
  name: string,
  replicas: number,
  labels: Record<string, string>,
  image: string,
  spec: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate' },
      template: { metadata: { labels }, spec: { containers: [container('agnhost', image)] } },
      ...spec,
    },
  };
}

const get = (c: TestCluster, kind: string, name: string) => c.store.get('apps/v1', kind, 'default', name)!;

function update(c: TestCluster, kind: string, name: string, change: (o: KubeObject) => void): KubeObject {
  for (;;) {
    const o = get(c, kind, name);
    change(o);
    try {
      return c.store.update(o);
    } catch (err) {
      if ((err as { code?: unknown }).code !== 409) throw err;
    }
  }
}

/** The Deployment's ReplicaSets (controllerRef), newest template match first like GetNewReplicaSet. */
function replicaSetsOf(c: TestCluster, d: KubeObject): KubeObject[] {
  return c.store
    .list('apps/v1', 'ReplicaSet', 'default')
    .filter((rs) => rs.metadata.ownerReferences?.some((r) => r.controller && r.uid === d.metadata.uid));
}

function newReplicaSet(c: TestCluster, name: string): KubeObject | undefined {
  const d = get(c, 'Deployment', name);
  const image = d.spec.template.spec.containers[0].image;
  return replicaSetsOf(c, d).find((rs) => rs.spec.template.spec.containers[0].image === image);
}

/** e2edeployment.WaitForDeploymentComplete: observed, updated = replicas = available, nothing unavailable. */
function deploymentComplete(c: TestCluster, name: string): KubeObject | false {
  const d = get(c, 'Deployment', name);
  const s = d.status ?? {};
  const r = d.spec.replicas;
  return (
    (s.observedGeneration ?? 0) >= d.metadata.generation! &&
    (s.updatedReplicas ?? 0) === r &&
    (s.replicas ?? 0) === r &&
    (s.availableReplicas ?? 0) === r &&
    !s.unavailableReplicas &&
    d
  );
}

/** WaitForDeploymentRevisionAndImage. */
function revisionAndImage(c: TestCluster, name: string, revision: string, image: string): boolean {
  const d = get(c, 'Deployment', name);
  const rs = newReplicaSet(c, name);
  return (
    d.metadata.annotations?.[REVISION] === revision &&
    rs?.metadata.annotations?.[REVISION] === revision &&
    d.spec.template.spec.containers[0].image === image
  );
}

/** ensureReplicas: spec and status both. */
function assertReplicas(rs: KubeObject, n: number): void {
  assert.equal(fieldAt(rs, 'spec.replicas'), n, `${rs.metadata.name} spec.replicas`);
  assert.equal(rs.status?.replicas ?? 0, n, `${rs.metadata.name} status.replicas`);
}

test('deployment.go "RollingUpdateDeployment should delete old pods and create new ones": adopts the RS, next revision after 3546343826724305832', async () => {
  const c = testCluster();
  try {
    const rs = newRS('test-rolling-update-controller', 1, { name: 'sample-pod', pod: 'httpd' }, 'httpd:2.4');
    rs.metadata.annotations = { [REVISION]: '3546343826724305832' };
    c.store.create(rs);
    await waitFor('VerifyPodsRunning sample-pod', () =>
      c.store.list('v1', 'Pod', 'default').some((p) => p.status?.phase === 'Running'),
    );
    const d = c.store.create(
      newDeployment('test-rolling-update-deployment', 1, { name: 'sample-pod' }, 'agnhost:2.52'),
    );
    await waitFor('revision 3546343826724305833 with the agnhost image', () =>
      revisionAndImage(c, d.metadata.name!, '3546343826724305833', 'agnhost:2.52'),
    );
    await waitFor('deployment complete', () => deploymentComplete(c, d.metadata.name!));
    // GetOldReplicaSets: one old ReplicaSet, the adopted one.
    const rss = replicaSetsOf(c, d);
    const old = rss.filter((r) => r.metadata.name !== newReplicaSet(c, d.metadata.name!)?.metadata.name);
    assert.deepEqual(
      old.map((r) => r.metadata.name),
      ['test-rolling-update-controller'],
    );
    await waitFor('old pods deleted', () =>
      c.store.list('v1', 'Pod', 'default').every((p) => p.metadata.labels?.pod !== 'httpd'),
    );
  } finally {
    c.stop();
  }
});

test('deployment.go "deployment should support rollover": a stuck rollout rolls over to a new template', async () => {
  const c = testCluster();
  try {
    const rsLabels = { name: 'rollover-pod', pod: 'httpd' };
    c.store.create(newRS('test-rollover-controller', 1, rsLabels, 'httpd:2.4'));
    await waitFor(
      'WaitForReadyReplicaSet',
      () => get(c, 'ReplicaSet', 'test-rollover-controller').status?.readyReplicas === 1,
    );
    const name = 'test-rollover-deployment';
    const stuckImage = 'gcr.io/google_samples/gb-redisslave:does-not-exist';
    const created = c.store.create(
      newDeployment(name, 1, { name: 'rollover-pod' }, stuckImage, {
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        minReadySeconds: 10,
      }),
    );
    await waitFor('updatedReplicas >= 1 at the created generation', () => {
      const d = get(c, 'Deployment', name);
      return (
        d.status?.observedGeneration >= created.metadata.generation! && (d.status?.updatedReplicas ?? 0) >= 1
      );
    });
    await waitFor('revision 1 and image', () => revisionAndImage(c, name, '1', stuckImage));
    const firstNew = newReplicaSet(c, name)!;
    await waitFor('both RSs have one pod', () =>
      ['test-rollover-controller', firstNew.metadata.name!].every(
        (n) => get(c, 'ReplicaSet', n).status?.replicas === 1,
      ),
    );
    assertReplicas(get(c, 'ReplicaSet', 'test-rollover-controller'), 1);
    assertReplicas(get(c, 'ReplicaSet', firstNew.metadata.name!), 1);

    let maxPods = 0;
    let minAvailable = Infinity;
    const updated = update(c, 'Deployment', name, (d) => {
      d.spec.template.spec.containers[0] = container('agnhost', 'agnhost:2.52');
    });
    // waitForDeploymentCompleteAndCheckRolling: never above replicas + maxSurge, never below replicas - maxUnavailable.
    const unsubscribe = c.store.subscribe((ev) => {
      if (ev.object.kind !== 'Deployment' || ev.object.metadata.name !== name) return;
      maxPods = Math.max(maxPods, ev.object.status?.replicas ?? 0);
      if (ev.object.status?.observedGeneration >= updated.metadata.generation!)
        minAvailable = Math.min(minAvailable, ev.object.status?.availableReplicas ?? 0);
    });
    await waitFor(
      'observed',
      () => get(c, 'Deployment', name).status?.observedGeneration >= updated.metadata.generation!,
    );
    await waitFor('revision 2', () => revisionAndImage(c, name, '2', 'agnhost:2.52'));
    await waitFor('complete', () => deploymentComplete(c, name), 30000);
    unsubscribe();
    assert.ok(maxPods <= 2, `at most replicas + maxSurge = 2 pods, saw ${maxPods}`);
    assert.ok(minAvailable >= 1, `never fewer than 1 available, saw ${minAvailable}`);
    await waitFor('old RSs report 0 pods', () =>
      ['test-rollover-controller', firstNew.metadata.name!].every(
        (n) => (get(c, 'ReplicaSet', n).status?.replicas ?? 0) === 0,
      ),
    );
    assertReplicas(get(c, 'ReplicaSet', 'test-rollover-controller'), 0);
    assertReplicas(get(c, 'ReplicaSet', firstNew.metadata.name!), 0);
  } finally {
    c.stop();
  }
});

/** mulberry32: a seeded PRNG, so the "random" iterations are the same every run. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('deployment.go "iterative rollouts should eventually progress": 20 random rollouts, rollbacks, scales, pauses and pod deletions', async () => {
  const c = testCluster();
  const random = prng(19);
  try {
    const name = 'webserver';
    const d0 = newDeployment(name, 6, { name: 'httpd' }, 'httpd:2.4', {
      progressDeadlineSeconds: 300,
      revisionHistoryLimit: 2,
    });
    d0.spec.template.spec.terminationGracePeriodSeconds = 0;
    c.store.create(d0);
    const randomScale = (d: KubeObject) => {
      const r = random();
      if (r < 0.3) d.spec.replicas++;
      else if (r < 0.6 && d.spec.replicas > 1) d.spec.replicas--;
    };
    const done = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const r = random();
      if (r < 0.6) await new Promise((res) => setTimeout(res, c.clock.ms(i * r)));
      const n = random();
      done.add(['rollout', 'rollback', 'scale', 'pause', 'delete'][Math.min(4, Math.floor(n / 0.2))]);
      if (n < 0.2) {
        update(c, 'Deployment', name, (d) => {
          d.spec.template.spec.containers[0].env.push({ name: `A${i}`, value: String(i) });
          randomScale(d);
        });
      } else if (n < 0.4) {
        update(c, 'Deployment', name, (d) => {
          d.metadata.annotations = {
            ...(d.metadata.annotations ?? {}),
            'deprecated.deployment.rollback.to': '0',
          };
        });
      } else if (n < 0.6) {
        update(c, 'Deployment', name, randomScale);
      } else if (n < 0.8) {
        update(c, 'Deployment', name, (d) => {
          d.spec.paused = !d.spec.paused;
          randomScale(d);
        });
      } else {
        for (const p of c.store
          .list('v1', 'Pod', 'default')
          .filter((p) => p.metadata.labels?.name === 'httpd'))
          if (random() >= 0.5) c.store.delete('v1', 'Pod', 'default', p.metadata.name!);
      }
    }
    assert.equal(done.size, 5, `seed 19 exercises every action: ${[...done].join(', ')}`);
    const last = update(c, 'Deployment', name, (d) => {
      d.spec.paused = false;
    });
    await waitFor(
      'observed',
      () => get(c, 'Deployment', name).status?.observedGeneration >= last.metadata.generation!,
    );
    const complete = await waitFor('deployment complete', () => deploymentComplete(c, name), 60000);
    await waitFor(
      'Progressing NewReplicaSetAvailable',
      () => condition(get(c, 'Deployment', name), 'Progressing')?.reason === 'NewReplicaSetAvailable',
    );
    assert.equal(complete.metadata.annotations?.['deprecated.deployment.rollback.to'], undefined);
    const rollbacks = c.store
      .list('v1', 'Event', 'default')
      .filter((e) => String(e.reason).startsWith('DeploymentRollback'));
    assert.ok(rollbacks.length > 0, 'the rollback annotation was acted on');
    // Beyond upstream's assertions: once complete, history is cleaned to revisionHistoryLimit 2.
    await waitFor('old ReplicaSets cleaned up to 2', () => replicaSetsOf(c, complete).length <= 3);
  } finally {
    c.stop();
  }
});

test('deployment.go "deployment should support proportional scaling": 10 → 30 mid-rollout gives 20 and 13', async () => {
  const c = testCluster();
  try {
    const name = 'webserver-deployment';
    c.store.create(
      newDeployment(name, 10, { name: 'httpd' }, 'httpd:2.4', {
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } },
      }),
    );
    await waitFor('complete', () => deploymentComplete(c, name));
    const firstRS = newReplicaSet(c, name)!.metadata.name!;
    const d = update(c, 'Deployment', name, (d) => {
      d.spec.template.spec.containers[0].image = 'webserver:does-not-exist-404';
    });
    await waitFor(
      'observed',
      () => get(c, 'Deployment', name).status?.observedGeneration >= d.metadata.generation!,
    );
    // replicas - maxUnavailable = 8 available and spec 8 on the first RS.
    await waitFor('first RS 8 available, spec 8', () => {
      const rs = get(c, 'ReplicaSet', firstRS);
      return rs.status?.availableReplicas === 8 && rs.spec.replicas === 8 && rs.status?.replicas === 8;
    });
    const secondRS = newReplicaSet(c, name)!.metadata.name!;
    // replicas + maxSurge - 8 = 5 on the second, none available.
    await waitFor('second RS spec 5 with 5 pods', () => {
      const rs = get(c, 'ReplicaSet', secondRS);
      return rs.spec.replicas === 5 && rs.status?.replicas === 5;
    });
    assert.equal(get(c, 'ReplicaSet', secondRS).status?.availableReplicas ?? 0, 0);
    assert.ok(get(c, 'Deployment', name).status.availableReplicas >= 8);
    update(c, 'Deployment', name, (d) => {
      d.spec.replicas = 30;
    });
    // 8 + (30-10)·8/13 → 20 and 5 + (30-10)·5/13 → 13 (GetProportion, rounded).
    await waitFor('first RS 20', () => get(c, 'ReplicaSet', firstRS).spec.replicas === 20);
    await waitFor('second RS 13', () => get(c, 'ReplicaSet', secondRS).spec.replicas === 13);
    for (const [rs, desired, max] of [
      [firstRS, '30', '33'],
      [secondRS, '30', '33'],
    ]) {
      const a = get(c, 'ReplicaSet', rs).metadata.annotations;
      assert.equal(a?.['deployment.kubernetes.io/desired-replicas'], desired);
      assert.equal(a?.['deployment.kubernetes.io/max-replicas'], max);
    }
  } finally {
    c.stop();
  }
});

function statefulSet(name: string, replicas: number, image: string, partition: number): KubeObject {
  const labels = { foo: 'bar', baz: 'blah' };
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      serviceName: 'test',
      selector: { matchLabels: labels },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition } },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            container(
              'webserver',
              image,
              {},
              {
                // setHTTPProbe
                readinessProbe: {
                  httpGet: { path: '/index.html', port: 80 },
                  periodSeconds: 1,
                  failureThreshold: 1,
                },
              },
            ),
          ],
        },
      },
    },
  };
}

function setPods(c: TestCluster, name: string): KubeObject[] {
  return c.store
    .list('v1', 'Pod', 'default')
    .filter((p) => p.metadata.name!.startsWith(`${name}-`))
    .sort((a, b) => Number(a.metadata.name!.split('-').at(-1)) - Number(b.metadata.name!.split('-').at(-1)));
}

function runningAndReady(c: TestCluster, name: string, n: number): KubeObject[] | false {
  const pods = setPods(c, name).filter((p) => !p.metadata.deletionTimestamp);
  return (
    pods.length === n &&
    pods.every((p) => p.status?.phase === 'Running' && condition(p, 'Ready')?.status === 'True') &&
    pods
  );
}

/** waitForPartitionedRollingUpdate: observed, and every ordinal >= partition at the update revision. */
function partitionedDone(c: TestCluster, name: string): { set: KubeObject; pods: KubeObject[] } | false {
  const set = get(c, 'StatefulSet', name);
  const pods = runningAndReady(c, name, set.spec.replicas);
  if (!pods || set.status?.observedGeneration < set.metadata.generation!) return false;
  const partition = set.spec.updateStrategy.rollingUpdate.partition;
  if (partition <= 0 && set.status.updateRevision !== set.status.currentRevision) return false;
  for (let i = set.spec.replicas - 1; i >= partition; i--)
    if (pods[i].metadata.labels?.[REVISION_LABEL] !== set.status.updateRevision) return false;
  return { set, pods };
}

function assertSplit(pods: KubeObject[], partition: number, old: [string, string], next: [string, string]) {
  for (const [i, p] of pods.entries()) {
    const [image, revision] = i < partition ? old : next;
    assert.equal(fieldAt(p, 'spec.containers.0.image'), image, `${p.metadata.name} image`);
    assert.equal(p.metadata.labels?.[REVISION_LABEL], revision, `${p.metadata.name} revision`);
  }
}

test('statefulset.go "should perform canary updates and phased rolling updates of template modifications"', async () => {
  const c = testCluster();
  try {
    const name = 'ss2';
    const oldImage = 'httpd:2.4.38-alpine';
    const newImage = 'httpd:2.4.39-alpine';
    c.store.create(statefulSet(name, 3, oldImage, 3));
    let pods = await waitFor('running and ready', () => runningAndReady(c, name, 3));
    let set = await waitFor('status', () => {
      const s = get(c, 'StatefulSet', name);
      return s.status?.observedGeneration >= s.metadata.generation! && s.status?.currentRevision && s;
    });
    const currentRevision = set.status.currentRevision;
    assert.equal(set.status.updateRevision, currentRevision);
    for (const p of pods) assert.equal(p.metadata.labels?.[REVISION_LABEL], currentRevision);

    update(c, 'StatefulSet', name, (s) => {
      s.spec.template.spec.containers[0].image = newImage;
    });
    set = await waitFor('a new revision', () => {
      const s = get(c, 'StatefulSet', name);
      return s.status?.updateRevision !== currentRevision && s;
    });
    const updateRevision = set.status.updateRevision;
    assert.equal(set.status.currentRevision, currentRevision);
    // Not applying an update when the partition is greater than the number of replicas.
    pods = setPods(c, name);
    assertSplit(pods, 3, [oldImage, currentRevision], [newImage, updateRevision]);

    // Performing a canary update.
    update(c, 'StatefulSet', name, (s) => {
      s.spec.updateStrategy.rollingUpdate.partition = 2;
    });
    ({ pods } = await waitFor('canary at ordinal 2', () => partitionedDone(c, name), 30000));
    assertSplit(pods, 2, [oldImage, currentRevision], [newImage, updateRevision]);

    // Restoring Pods to the correct revision when they are deleted.
    c.store.delete('v1', 'Pod', 'default', `${name}-0`);
    c.store.delete('v1', 'Pod', 'default', `${name}-2`);
    pods = await waitFor('running and ready again', () => runningAndReady(c, name, 3), 30000);
    assertSplit(pods, 2, [oldImage, currentRevision], [newImage, updateRevision]);

    // Performing a phased rolling update.
    for (let partition = 1; partition >= 0; partition--) {
      update(c, 'StatefulSet', name, (s) => {
        s.spec.updateStrategy.rollingUpdate.partition = partition;
      });
      ({ set, pods } = await waitFor(`phase ${partition}`, () => partitionedDone(c, name), 30000));
      assertSplit(pods, partition, [oldImage, currentRevision], [newImage, updateRevision]);
    }
    assert.equal(set.status.currentRevision, updateRevision);
  } finally {
    c.stop();
  }
});
