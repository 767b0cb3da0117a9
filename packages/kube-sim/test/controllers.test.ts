// Controller invariants against the in-process store: rolling-update arithmetic, Recreate,
// rollback adoption, history cleanup, progress deadline, StatefulSet partitions, DaemonSet, Job,
// Endpoints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../src/types.ts';
import type { DeploymentView } from '../src/views.ts';

/** The parts of Endpoints and EndpointSlices the endpoint tests read (they sit beside metadata). */
type Address = { ip: string; targetRef: { kind: string } };
type EndpointsObject = KubeObject & {
  subsets?: { addresses?: Address[]; notReadyAddresses?: Address[]; ports?: unknown[] }[];
};
type SliceEndpoint = { conditions: { ready: boolean; serving: boolean; terminating: boolean } };
import { computeHash, safeEncode } from '../src/controllers/hash.ts';
import { resolveFenceposts } from '../src/controllers/deployment-util.ts';
import { conditionInstant } from '../src/timestamps.ts';
import {
  condition,
  container,
  deployment,
  podsOf,
  setImage,
  testCluster,
  waitFor,
  fieldAt,
} from './testing.ts';

const REVISION = 'deployment.kubernetes.io/revision';

function getDeploy(c: ReturnType<typeof testCluster>, name: string): KubeObject {
  return c.store.get('apps/v1', 'Deployment', 'default', name)!;
}

function rolledOut(c: ReturnType<typeof testCluster>, name: string, revision: string): KubeObject | false {
  const d = getDeploy(c, name);
  const r = d.spec.replicas;
  return (
    d.metadata.annotations?.[REVISION] === revision &&
    (d.status?.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) &&
    (d.status?.updatedReplicas ?? 0) === r &&
    (d.status?.replicas ?? 0) === r &&
    (d.status?.availableReplicas ?? 0) === r &&
    d
  );
}

test('hash: safe encoding and collision count', () => {
  assert.equal(safeEncode('0123456789'), '456789bcdf'); // charCode % 27, as upstream
  const t = { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'x' }] } };
  assert.match(computeHash(t), /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  assert.equal(computeHash(t), computeHash(structuredClone(t)));
  assert.notEqual(computeHash(t), computeHash(t, 1));
});

test('fenceposts: surge rounds up, unavailable rounds down, both zero gives one', () => {
  const d = (maxSurge: unknown, maxUnavailable: unknown, replicas: number) =>
    ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {},
      spec: { replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } } },
    }) as DeploymentView;
  assert.deepEqual(resolveFenceposts(d('25%', '25%', 10)), { surge: 3, unavailable: 2 });
  assert.deepEqual(resolveFenceposts(d(0, 0, 10)), { surge: 0, unavailable: 1 });
  assert.deepEqual(resolveFenceposts(d('10%', '10%', 3)), { surge: 1, unavailable: 0 });
});

test('rolling update 10 replicas, maxSurge 1 / maxUnavailable 0: never >11 pods nor <10 available', async () => {
  const c = testCluster();
  try {
    c.store.create(
      deployment('web', {
        replicas: 10,
        spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } },
      }),
    );
    await waitFor('initial rollout', () => rolledOut(c, 'web', '1'));
    let maxPods = 0;
    let minAvailable = Infinity;
    let samples = 0;
    const sample = () => {
      const pods = podsOf(c.store, { app: 'web' }).filter((p) => !p.metadata.deletionTimestamp);
      const ready = pods.filter((p) => condition(p, 'Ready')?.status === 'True').length;
      maxPods = Math.max(maxPods, pods.length);
      minAvailable = Math.min(minAvailable, ready);
      samples++;
    };
    const unsubscribe = c.store.subscribe(sample);
    setImage(c.store, 'Deployment', 'web', 'nginx:1.26');
    const d = await waitFor('rollout to revision 2', () => rolledOut(c, 'web', '2'), 30000);
    unsubscribe();
    assert.ok(samples > 50, `sampled ${samples} events`);
    assert.ok(maxPods <= 11, `saw ${maxPods} pods`);
    assert.ok(minAvailable >= 10, `saw only ${minAvailable} available`);
    assert.equal(condition(d, 'Progressing')?.reason, 'NewReplicaSetAvailable');
    const rss = c.store.list('apps/v1', 'ReplicaSet', 'default');
    assert.equal(rss.length, 2);
    const events = c.store
      .list('v1', 'Event', 'default')
      .filter((e) => e.reason === 'ScalingReplicaSet')
      .map((e) => String(e.message));
    assert.ok(
      events.some((m) => /^Scaled up replica set web-\w+ to 1$/.test(m)),
      events.join('\n'),
    );
    // Upstream scaleReplicaSet (pkg/controller/deployment/sync.go) says "to N from M" both ways;
    // only the creation in getNewReplicaSet says "Scaled up replica set X to N".
    assert.ok(
      events.some((m) => /^Scaled down replica set web-\w+ to 9 from 10$/.test(m)),
      events.join('\n'),
    );
    assert.ok(
      events.some((m) => /^Scaled up replica set web-\w+ to 2 from 1$/.test(m)),
      events.join('\n'),
    );
  } finally {
    c.stop();
  }
});

test('default 25%/25% rolling update completes and shapes RS/pods like upstream', async () => {
  const c = testCluster();
  try {
    c.store.create(deployment('api', { replicas: 4, annotations: { 'kubernetes.io/change-cause': 'v1' } }));
    await waitFor('rollout 1', () => rolledOut(c, 'api', '1'));
    setImage(c.store, 'Deployment', 'api', 'nginx:1.26');
    const d = await waitFor('rollout 2', () => rolledOut(c, 'api', '2'));
    const rss = c.store.list('apps/v1', 'ReplicaSet', 'default');
    const newRS = rss.find((r) => r.metadata.annotations?.[REVISION] === '2')!;
    const hash = newRS.spec.selector.matchLabels['pod-template-hash'];
    assert.equal(newRS.metadata.name, `api-${hash}`);
    assert.equal(newRS.spec.template.metadata.labels['pod-template-hash'], hash);
    assert.equal(newRS.metadata.ownerReferences?.[0].uid, d.metadata.uid);
    assert.equal(newRS.metadata.ownerReferences?.[0].controller, true);
    assert.equal(newRS.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '4');
    assert.equal(newRS.metadata.annotations?.['deployment.kubernetes.io/max-replicas'], '5');
    assert.equal(newRS.metadata.annotations?.['kubernetes.io/change-cause'], 'v1');
    const pods = podsOf(c.store, { app: 'api', 'pod-template-hash': hash });
    assert.equal(pods.length, 4);
    assert.ok(
      pods.every(
        (p) =>
          p.metadata.name!.startsWith(`api-${hash}-`) &&
          p.metadata.name!.length === `api-${hash}-`.length + 5,
      ),
    );
    assert.equal(condition(d, 'Available')?.reason, 'MinimumReplicasAvailable');
  } finally {
    c.stop();
  }
});

test('Recreate: no old pod is alive when the first new pod is created', async () => {
  const c = testCluster();
  try {
    c.store.create(deployment('rec', { replicas: 3, spec: { strategy: { type: 'Recreate' } } }));
    await waitFor('rollout 1', () => rolledOut(c, 'rec', '1'));
    const oldHash = podsOf(c.store, { app: 'rec' })[0].metadata.labels!['pod-template-hash'];
    let violation = '';
    let newSeen = 0;
    const unsubscribe = c.store.subscribe((ev) => {
      if (ev.type !== 'ADDED' || ev.object.kind !== 'Pod' || ev.object.metadata.labels?.app !== 'rec') return;
      newSeen++;
      const alive = podsOf(c.store, { app: 'rec', 'pod-template-hash': oldHash });
      if (alive.length)
        violation = `${alive.length} old pods alive when ${ev.object.metadata.name} was created`;
    });
    setImage(c.store, 'Deployment', 'rec', 'nginx:1.26');
    await waitFor('rollout 2', () => rolledOut(c, 'rec', '2'));
    unsubscribe();
    assert.equal(newSeen, 3);
    assert.equal(violation, '');
  } finally {
    c.stop();
  }
});

test('rollback adopts the old ReplicaSet: revision 3 with revision-history 1', async () => {
  const c = testCluster();
  try {
    c.store.create(deployment('rb', { replicas: 2 }));
    await waitFor('rollout 1', () => rolledOut(c, 'rb', '1'));
    const v1 = c.store.list('apps/v1', 'ReplicaSet', 'default')[0].metadata.name;
    setImage(c.store, 'Deployment', 'rb', 'nginx:1.26');
    await waitFor('rollout 2', () => rolledOut(c, 'rb', '2'));
    setImage(c.store, 'Deployment', 'rb', 'nginx:1.25', {});
    await waitFor('rollout 3', () => rolledOut(c, 'rb', '3'));
    const rss = c.store.list('apps/v1', 'ReplicaSet', 'default');
    assert.equal(rss.length, 2, 'no third ReplicaSet');
    const adopted = rss.find((r) => r.metadata.name === v1)!;
    assert.equal(adopted.metadata.annotations?.[REVISION], '3');
    assert.equal(adopted.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
    assert.equal(fieldAt(adopted, 'spec.replicas'), 2);
  } finally {
    c.stop();
  }
});

test('revisionHistoryLimit removes the oldest zero-sized ReplicaSets after completion', async () => {
  const c = testCluster();
  try {
    c.store.create(deployment('hist', { replicas: 1, spec: { revisionHistoryLimit: 1 } }));
    await waitFor('rollout 1', () => rolledOut(c, 'hist', '1'));
    for (const [i, tag] of ['1.26', '1.27', '1.28'].entries()) {
      setImage(c.store, 'Deployment', 'hist', `nginx:${tag}`);
      await waitFor(`rollout ${i + 2}`, () => rolledOut(c, 'hist', String(i + 2)));
    }
    const revisions = await waitFor('cleanup', () => {
      const rss = c.store.list('apps/v1', 'ReplicaSet', 'default');
      return rss.length === 2 && rss.map((r) => r.metadata.annotations?.[REVISION]).sort();
    });
    assert.deepEqual(revisions, ['3', '4']);
  } finally {
    c.stop();
  }
});

test('a crashing image ends in ProgressDeadlineExceeded', async () => {
  const c = testCluster();
  try {
    c.store.create(deployment('crash', { replicas: 2, spec: { progressDeadlineSeconds: 20 } }));
    await waitFor('rollout 1', () => rolledOut(c, 'crash', '1'));
    setImage(c.store, 'Deployment', 'crash', 'nginx:bad', { SIM_CRASH: 'true' });
    const d = await waitFor('deadline', () => {
      const d = getDeploy(c, 'crash');
      return condition(d, 'Progressing')?.reason === 'ProgressDeadlineExceeded' && d;
    });
    const p = condition(d, 'Progressing')!;
    assert.equal(p.status, 'False');
    assert.match(p.message ?? '', /^ReplicaSet "crash-\w+" has timed out progressing\.$/);
    assert.equal(
      fieldAt(d, 'status.availableReplicas'),
      2,
      'old pods keep serving (maxUnavailable 25% of 2 = 0)',
    );
  } finally {
    c.stop();
  }
});

test('paused Deployment only scales; Progressing Unknown DeploymentPaused then DeploymentResumed', async () => {
  const c = testCluster();
  try {
    c.store.create(deployment('ps', { replicas: 1 }));
    await waitFor('rollout 1', () => rolledOut(c, 'ps', '1'));
    let d = getDeploy(c, 'ps');
    d.spec.paused = true;
    c.store.update(d);
    await waitFor(
      'paused',
      () => condition(getDeploy(c, 'ps'), 'Progressing')?.reason === 'DeploymentPaused',
    );
    setImage(c.store, 'Deployment', 'ps', 'nginx:1.26');
    d = getDeploy(c, 'ps');
    d.spec.replicas = 2;
    c.store.update(d);
    await waitFor('scaled while paused', () => getDeploy(c, 'ps').status?.availableReplicas === 2);
    assert.equal(c.store.list('apps/v1', 'ReplicaSet', 'default').length, 1, 'no new RS while paused');
    d = getDeploy(c, 'ps');
    d.spec.paused = false;
    c.store.update(d);
    await waitFor('resumed rollout', () => rolledOut(c, 'ps', '2'));
  } finally {
    c.stop();
  }
});

test('StatefulSet of 5 with partition 3 updates ordinals 4 then 3 only', async () => {
  const c = testCluster();
  try {
    c.store.create({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'default' },
      spec: {
        replicas: 5,
        serviceName: 'db',
        selector: { matchLabels: { app: 'db' } },
        template: {
          metadata: { labels: { app: 'db' } },
          spec: { containers: [container('db', 'postgres:15')] },
        },
      },
    });
    const first = await waitFor('5 ready', () => {
      const s = c.store.get('apps/v1', 'StatefulSet', 'default', 'db')!;
      return s.status?.readyReplicas === 5 && s.status.currentRevision === s.status.updateRevision && s;
    });
    const oldRev = first.status.currentRevision;
    const created: string[] = [];
    const unsubscribe = c.store.subscribe((ev) => {
      if (ev.type === 'ADDED' && ev.object.kind === 'Pod') created.push(ev.object.metadata.name!);
    });
    const s = c.store.get('apps/v1', 'StatefulSet', 'default', 'db')!;
    s.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 3 } };
    s.spec.template.spec.containers[0].image = 'postgres:16';
    c.store.update(s);
    const done = await waitFor('partitioned rollout', () => {
      const x = c.store.get('apps/v1', 'StatefulSet', 'default', 'db')!;
      return x.status?.updatedReplicas === 2 && x.status.readyReplicas === 5 && x;
    });
    unsubscribe();
    assert.deepEqual(created, ['db-4', 'db-3']);
    assert.equal(fieldAt(done, 'status.currentRevision'), oldRev);
    assert.notEqual(fieldAt(done, 'status.updateRevision'), oldRev);
    for (let i = 0; i < 5; i++) {
      const pod = c.store.get('v1', 'Pod', 'default', `db-${i}`)!;
      assert.equal(fieldAt(pod, 'spec.containers.0.image'), i >= 3 ? 'postgres:16' : 'postgres:15');
      assert.equal(
        pod.metadata.labels?.['controller-revision-hash'],
        i >= 3 ? done.status.updateRevision : oldRev,
      );
      assert.equal(pod.metadata.labels?.['statefulset.kubernetes.io/pod-name'], `db-${i}`);
    }
    const revs = c.store
      .list('apps/v1', 'ControllerRevision', 'default')
      .map((r) => [r.metadata.name, r.revision]);
    assert.deepEqual(
      revs.sort(),
      [
        [oldRev, 1],
        [done.status.updateRevision, 2],
      ].sort(),
    );
  } finally {
    c.stop();
  }
});

test('DaemonSet runs one pod per node and updates all 3', async () => {
  const c = testCluster();
  try {
    c.store.create({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: 'default' },
      spec: {
        selector: { matchLabels: { app: 'agent' } },
        template: {
          metadata: { labels: { app: 'agent' } },
          spec: { containers: [container('agent', 'agent:1')] },
        },
      },
    });
    await waitFor(
      '3 available',
      () => c.store.get('apps/v1', 'DaemonSet', 'default', 'agent')?.status?.numberAvailable === 3,
    );
    assert.deepEqual(
      podsOf(c.store, { app: 'agent' })
        .map((p) => p.spec.nodeName)
        .sort(),
      ['node-1', 'node-2', 'node-3'],
    );
    const ds = c.store.get('apps/v1', 'DaemonSet', 'default', 'agent')!;
    ds.spec.template.spec.containers[0].image = 'agent:2';
    c.store.update(ds);
    const done = await waitFor('updated', () => {
      const x = c.store.get('apps/v1', 'DaemonSet', 'default', 'agent')!;
      const pods = podsOf(c.store, { app: 'agent' });
      return (
        x.status?.observedGeneration === 2 &&
        x.status.updatedNumberScheduled === 3 &&
        x.status.numberAvailable === 3 &&
        pods.length === 3 &&
        x
      );
    });
    assert.equal(fieldAt(done, 'status.desiredNumberScheduled'), 3);
    const pods = podsOf(c.store, { app: 'agent' });
    assert.ok(pods.every((p) => p.spec.containers[0].image === 'agent:2'));
    assert.equal(new Set(pods.map((p) => p.metadata.labels?.['controller-revision-hash'])).size, 1);
  } finally {
    c.stop();
  }
});

function job(name: string, exitCode: string, backoffLimit = 1): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default' },
    spec: {
      backoffLimit,
      template: {
        spec: {
          restartPolicy: 'Never',
          containers: [container('run', 'busybox', { SIM_EXIT_CODE: exitCode, SIM_STARTUP_SECONDS: '1' })],
        },
      },
    },
  };
}

test('Job succeeds with SIM_EXIT_CODE 0 and fails with 1 after backoffLimit', async () => {
  const c = testCluster();
  try {
    c.store.create(job('ok', '0'));
    c.store.create(job('bad', '1', 1));
    const ok = await waitFor('complete', () => {
      const j = c.store.get('batch/v1', 'Job', 'default', 'ok')!;
      return condition(j, 'Complete')?.status === 'True' && j;
    });
    assert.equal(fieldAt(ok, 'status.succeeded'), 1);
    assert.ok(ok.status.startTime && ok.status.completionTime);
    const bad = await waitFor('failed', () => {
      const j = c.store.get('batch/v1', 'Job', 'default', 'bad')!;
      return condition(j, 'Failed')?.status === 'True' && j;
    });
    assert.equal(condition(bad, 'Failed')!.reason, 'BackoffLimitExceeded');
    assert.equal(fieldAt(bad, 'status.failed'), 2);
    const failedPod = podsOf(c.store, { 'job-name': 'bad' })[0];
    assert.equal(fieldAt(failedPod, 'status.phase'), 'Failed');
    assert.equal(fieldAt(failedPod, 'status.containerStatuses.0.state.terminated.exitCode'), 1);
  } finally {
    c.stop();
  }
});

test('Endpoints and EndpointSlices list only ready pods as ready', async () => {
  const c = testCluster();
  try {
    c.store.create(deployment('good', { replicas: 2, spec: { selector: { matchLabels: { app: 'good' } } } }));
    const sick = deployment('sick', { replicas: 1, env: { SIM_READY: 'false' } });
    sick.spec.template.metadata.labels.tier = 'web';
    c.store.create(sick);
    const good = deployment('good2', { replicas: 0 });
    void good;
    c.store.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { app: 'good' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    });
    c.store.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'sick', namespace: 'default' },
      spec: { selector: { app: 'sick' }, ports: [{ port: 80 }] },
    });
    const ep = await waitFor('ready endpoints', () => {
      const e = c.store.get('v1', 'Endpoints', 'default', 'web') as EndpointsObject | undefined;
      return e?.subsets?.[0]?.addresses?.length === 2 && e;
    });
    assert.ok(
      ep.subsets![0].addresses!.every((a) => /^10\.244\.\d+\.\d+$/.test(a.ip) && a.targetRef.kind === 'Pod'),
    );
    assert.deepEqual(ep.subsets![0].ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const sickEp = await waitFor('not-ready endpoints', () => {
      const e = c.store.get('v1', 'Endpoints', 'default', 'sick') as EndpointsObject | undefined;
      return e?.subsets?.[0]?.notReadyAddresses?.length === 1 && e;
    });
    assert.equal(sickEp.subsets![0].addresses, undefined);
    const slice = c.store
      .list('discovery.k8s.io/v1', 'EndpointSlice', 'default')
      .find((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'sick')!;
    assert.equal((slice.endpoints as SliceEndpoint[]).length, 1);
    assert.equal((slice.endpoints as SliceEndpoint[])[0].conditions.ready, false);
    // Scaling down removes the terminating pod from the ready addresses at once.
    const d = getDeploy(c, 'good');
    d.spec.replicas = 1;
    c.store.update(d);
    await waitFor(
      'one address',
      () =>
        (c.store.get('v1', 'Endpoints', 'default', 'web') as EndpointsObject | undefined)?.subsets?.[0]
          ?.addresses?.length === 1,
    );
    // In the slice it stays as upstream's podToEndpoint puts it: serving while still ready,
    // not ready because terminating.
    const terminating = await waitFor('a terminating endpoint', () =>
      (
        c.store
          .list('discovery.k8s.io/v1', 'EndpointSlice', 'default')
          .find((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'web')?.endpoints as
          SliceEndpoint[] | undefined
      )?.find((e) => e.conditions.terminating),
    );
    assert.deepEqual(terminating.conditions, { ready: false, serving: true, terminating: true });
  } finally {
    c.stop();
  }
});

test('FailedCreate knob surfaces as ReplicaFailure on the RS and the Deployment', async () => {
  const c = testCluster();
  try {
    const d = deployment('quota', { replicas: 1 });
    d.spec.template.metadata.annotations = { 'sim.kube-rollout.io/fail-create': 'true' };
    c.store.create(d);
    const got = await waitFor('ReplicaFailure', () => {
      const x = getDeploy(c, 'quota');
      return condition(x, 'ReplicaFailure')?.status === 'True' && x;
    });
    assert.equal(condition(got, 'ReplicaFailure')!.reason, 'FailedCreate');
    assert.match(condition(got, 'ReplicaFailure')!.message ?? '', /exceeded quota/);
    assert.equal(podsOf(c.store, { app: 'quota' }).length, 0);
  } finally {
    c.stop();
  }
});

test('scaling mid-rollout is proportional (upstream max-replicas arithmetic)', async () => {
  const c = testCluster();
  try {
    c.store.create(deployment('prop', { replicas: 10 }));
    await waitFor('rollout 1', () => rolledOut(c, 'prop', '1'));
    const oldName = c.store.list('apps/v1', 'ReplicaSet', 'default')[0].metadata.name;
    setImage(c.store, 'Deployment', 'prop', 'app:broken', { SIM_CRASH: 'true' });
    const sizes = () => {
      const rss = c.store.list('apps/v1', 'ReplicaSet', 'default');
      const old = rss.find((r) => r.metadata.name === oldName)!;
      const fresh = rss.find((r) => r.metadata.name !== oldName);
      return [old.spec.replicas, fresh?.spec.replicas];
    };
    // surge 3, unavailable 2: new RS 3 → old 8 → new 5, then stuck on the crashing pods.
    await waitFor('stuck rollout 8/5', () => sizes()[0] === 8 && sizes()[1] === 5);
    const d = getDeploy(c, 'prop');
    d.spec.replicas = 20;
    c.store.update(d);
    // allowed 25, annotations say 13: old 8*25/13 → 15, new 5*25/13 → 10.
    await waitFor('proportional 15/10', () => sizes()[0] === 15 && sizes()[1] === 10);
  } finally {
    c.stop();
  }
});

test('minReadySeconds: pods count as available only after being Ready that long', async () => {
  const c = testCluster();
  try {
    let sawReadyNotAvailable = false;
    const unsubscribe = c.store.subscribe((ev) => {
      const s = ev.object.kind === 'Deployment' ? ev.object.status : undefined;
      if (s && (s.readyReplicas ?? 0) > (s.availableReplicas ?? 0)) sawReadyNotAvailable = true;
    });
    c.store.create(deployment('mrs', { replicas: 2, spec: { minReadySeconds: 10 } }));
    const d = await waitFor('available', () => rolledOut(c, 'mrs', '1'));
    unsubscribe();
    assert.ok(sawReadyNotAvailable, 'ready pods were not yet available for a while');
    const rs = c.store.list('apps/v1', 'ReplicaSet', 'default')[0];
    assert.equal(fieldAt(rs, 'spec.minReadySeconds'), 10);
    // Times are whole seconds on the wire; the instants behind them are what the controllers use.
    for (const p of podsOf(c.store, { app: 'mrs' })) {
      const readySince = conditionInstant(p, 'Ready', 'lastTransitionTime')!;
      const availableSince = conditionInstant(d, 'Available', 'lastTransitionTime')!;
      assert.ok(availableSince >= readySince + c.clock.ms(10) - 5, `${availableSince} vs ${readySince}`);
    }
  } finally {
    c.stop();
  }
});
