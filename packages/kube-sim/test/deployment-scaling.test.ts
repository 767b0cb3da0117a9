// Scaling a Deployment while it rolls out: the scaling event must end (upstream scale() in
// pkg/controller/deployment/sync.go calls scaleReplicaSet, which rewrites the desired-/max-replicas
// annotations, even when no size changes), so the rollout goes on and its progress deadline holds.
// Also an HPA that scales the Deployment down mid-rollout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../src/types.ts';
import type { DeploymentView, ReplicaSetView } from '../src/views.ts';
import { isSaturated } from '../src/controllers/deployment-util.ts';
import {
  condition,
  deployment,
  setImage,
  testCluster,
  waitFor,
  type TestCluster,
  fieldAt,
} from './testing.ts';

const DESIRED = 'deployment.kubernetes.io/desired-replicas';
const MAX = 'deployment.kubernetes.io/max-replicas';

function getDeploy(c: TestCluster, name: string): KubeObject {
  return c.store.get('apps/v1', 'Deployment', 'default', name)!;
}

function replicaSets(c: TestCluster, name: string): KubeObject[] {
  return c.store
    .list('apps/v1', 'ReplicaSet', 'default')
    .filter((rs) => rs.metadata.ownerReferences?.some((r) => r.name === name));
}

function complete(c: TestCluster, name: string, replicas: number): KubeObject | false {
  const d = getDeploy(c, name);
  const s = d.status ?? {};
  return (
    (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) &&
    s.updatedReplicas === replicas &&
    s.replicas === replicas &&
    s.availableReplicas === replicas &&
    condition(d, 'Progressing')?.reason === 'NewReplicaSetAvailable' &&
    d
  );
}

function sizes(c: TestCluster, name: string, oldName: string): [number, number] {
  const rss = replicaSets(c, name);
  const old = rss.find((rs) => rs.metadata.name === oldName);
  const fresh = rss.find((rs) => rs.metadata.name !== oldName);
  return [Number(old?.spec.replicas ?? -1), Number(fresh?.spec.replicas ?? -1)];
}

test('IsSaturated (deployment/util/deployment_util.go): the annotation must agree and available must equal', () => {
  const d = { metadata: {}, spec: { replicas: 3 } } as unknown as DeploymentView;
  const rs = (annotation: string | undefined, available: number) =>
    ({
      metadata: { annotations: annotation === undefined ? {} : { [DESIRED]: annotation } },
      spec: { replicas: 3 },
      status: { availableReplicas: available },
    }) as unknown as ReplicaSetView;
  assert.equal(isSaturated(d, rs('3', 3)), true);
  assert.equal(isSaturated(d, rs('4', 3)), false, 'a stale desired-replicas annotation');
  assert.equal(isSaturated(d, rs(undefined, 3)), false, 'no annotation');
  assert.equal(isSaturated(d, rs('x', 3)), false, 'an annotation that is not a number');
  assert.equal(isSaturated(d, rs('3', 4)), false, '== on available replicas, not >=');
  assert.equal(isSaturated(d, undefined), false);
});

test('issue 19 deadlock: replicas + maxSurge equal to the current total still ends the scaling event (sync.go scale → scaleReplicaSet)', async () => {
  const c = testCluster();
  try {
    c.store.create(
      deployment('dl', {
        replicas: 4,
        spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } },
      }),
    );
    await waitFor('rollout 1', () => complete(c, 'dl', 4));
    const oldName = replicaSets(c, 'dl')[0].metadata.name!;
    // A slow new image: 60 simulated seconds to become ready.
    setImage(c.store, 'Deployment', 'dl', 'nginx:slow', { SIM_STARTUP_SECONDS: '60' });
    await waitFor('surge pod: old 4, new 1', () => sizes(c, 'dl', oldName).join() === '4,1');
    // {"spec":{"replicas":3,"strategy":{"rollingUpdate":{"maxSurge":2}}}}: 3 + 2 = 5 = 4 + 1.
    const d = getDeploy(c, 'dl');
    d.spec.replicas = 3;
    d.spec.strategy.rollingUpdate.maxSurge = 2;
    c.store.update(d);
    await waitFor('annotations say 3 / 5 on every active RS', () =>
      replicaSets(c, 'dl')
        .filter((rs) => rs.spec.replicas > 0)
        .every((rs) => rs.metadata.annotations?.[DESIRED] === '3' && rs.metadata.annotations?.[MAX] === '5'),
    );
    // Out of scale-only mode, the rolling update goes on: maxUnavailable 0 keeps 3 available.
    await waitFor('old RS scaled below 4', () => sizes(c, 'dl', oldName)[0] < 4);
    await waitFor('rollout 2 complete with 3 replicas', () => complete(c, 'dl', 3), 30000);
    assert.deepEqual(sizes(c, 'dl', oldName), [0, 3]);
  } finally {
    c.stop();
  }
});

function hpa(name: string, min: number, max: number): KubeObject {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, namespace: 'default' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: min,
      maxReplicas: max,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
        },
      ],
      behavior: { scaleDown: { stabilizationWindowSeconds: 0 } },
    },
  } as KubeObject;
}

async function scaledUpByHpa(c: TestCluster, name: string, deadline?: number): Promise<string> {
  c.store.create(
    deployment(name, { replicas: 2, spec: deadline ? { progressDeadlineSeconds: deadline } : {} }),
  );
  await waitFor('rollout 1', () => complete(c, name, 2));
  c.store.create(hpa(name, 2, 10));
  c.controllers.setUtilization('default', name, 150); // 2 pods at 150% of a 50% target → 6
  await waitFor('HPA scaled to 6', () => complete(c, name, 6), 30000);
  return replicaSets(c, name)[0].metadata.name!;
}

test('an HPA scaling down during a rollout: the rollout finishes at the HPA size', async () => {
  const c = testCluster();
  try {
    const oldName = await scaledUpByHpa(c, 'hpa-roll');
    setImage(c.store, 'Deployment', 'hpa-roll', 'nginx:slow', { SIM_STARTUP_SECONDS: '40' });
    await waitFor('rollout under way', () => sizes(c, 'hpa-roll', oldName)[1] > 0);
    c.controllers.setUtilization('default', 'hpa-roll', 20); // 6 pods at 20% of 50% → 3
    await waitFor('HPA scaled the Deployment down', () => getDeploy(c, 'hpa-roll').spec.replicas < 6, 30000);
    const d = await waitFor(
      'rollout complete at the HPA size',
      () => {
        const want = getDeploy(c, 'hpa-roll').spec.replicas;
        return complete(c, 'hpa-roll', want);
      },
      40000,
    );
    assert.ok(d.spec.replicas >= 2 && d.spec.replicas < 6, `replicas ${d.spec.replicas}`);
    assert.equal(sizes(c, 'hpa-roll', oldName)[0], 0, 'the old ReplicaSet is empty');
    for (const rs of replicaSets(c, 'hpa-roll').filter((r) => r.spec.replicas > 0))
      assert.equal(rs.metadata.annotations?.[DESIRED], String(fieldAt(d, 'spec.replicas')));
  } finally {
    c.stop();
  }
});

test('an HPA scaling down during a stuck rollout: ProgressDeadlineExceeded is still set (progress.go)', async () => {
  const c = testCluster();
  try {
    const oldName = await scaledUpByHpa(c, 'hpa-stuck', 30);
    setImage(c.store, 'Deployment', 'hpa-stuck', 'nginx:never-ready', { SIM_READY: 'false' });
    await waitFor('rollout under way', () => sizes(c, 'hpa-stuck', oldName)[1] > 0);
    c.controllers.setUtilization('default', 'hpa-stuck', 20);
    await waitFor('HPA scaled the Deployment down', () => getDeploy(c, 'hpa-stuck').spec.replicas < 6, 30000);
    const d = await waitFor(
      'ProgressDeadlineExceeded',
      () => {
        const d = getDeploy(c, 'hpa-stuck');
        return condition(d, 'Progressing')?.reason === 'ProgressDeadlineExceeded' && d;
      },
      30000,
    );
    assert.equal(condition(d, 'Progressing')!.status, 'False');
    // metav1.Time: whole seconds on the wire.
    for (const cond of d.status.conditions)
      for (const t of [cond.lastUpdateTime, cond.lastTransitionTime]) assert.match(t, /:\d\dZ$/);
    assert.match(
      condition(d, 'Progressing')!.message ?? '',
      /^ReplicaSet "hpa-stuck-\w+" has timed out progressing\.$/,
    );
    assert.ok(d.status.availableReplicas >= d.spec.replicas - 1, 'old pods keep serving');
  } finally {
    c.stop();
  }
});
