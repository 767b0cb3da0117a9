import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectEvidence, evidenceLine, waitForRollout } from '../../src/gates/wait-rollout.ts';
import type { Cluster, KubeObject } from '../../src/kube/types.ts';
import { view, type DeploymentObject } from '../../src/manifests/workload-views.ts';
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

/** A pod template running `image`, as a Deployment holds it (no hash label). */
function templateOf(image: string) {
  return { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image }] } };
}

/** The Deployment's template as its ReplicaSet `hash` holds it. */
function replicaSetTemplate(image: string, hash: string) {
  const template = templateOf(image);
  return { ...template, metadata: { labels: { ...template.metadata.labels, 'pod-template-hash': hash } } };
}

/** A Deployment as the API server shows it: generation 2, `status` as given. */
function deployment(status: Record<string, unknown> | undefined, kind = 'Deployment'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: {
      name: 'web',
      namespace: 'shop',
      uid: 'uid-web',
      generation: 2,
      annotations: { 'deployment.kubernetes.io/revision': '5' },
    },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: templateOf('web:2') },
    ...(status ? { status } : {}),
  };
}
const observedNotDone = { observedGeneration: 2, replicas: 3, updatedReplicas: 1, availableReplicas: 2 };
const done = { observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 2 };
const newReplicaSet: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: {
    name: 'web-abc',
    labels: { app: 'web', 'pod-template-hash': 'abc' },
    annotations: { 'deployment.kubernetes.io/revision': '5' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'uid-web' }],
  },
  spec: { template: replicaSetTemplate('web:2', 'abc') },
};
const crashingPod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-abc-1' },
  status: {
    phase: 'Running',
    containerStatuses: [
      {
        name: 'app',
        restartCount: 3,
        state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } },
        lastState: { terminated: { exitCode: 2, reason: 'Error' } },
      },
    ],
  },
};

/**
 * A Cluster whose watches replay `events[kind]` and then wait until their signal aborts (a watch
 * that has nothing more to say); `calls` records what was asked.
 */
function scriptedCluster(script: {
  events: Record<string, Array<{ type?: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject }>>;
  /** What each list of ReplicaSets answers, in turn (the last one repeats). */
  replicaSets?: KubeObject[][];
  /** What a read of the workload answers. */
  current?: KubeObject;
  logs?: { previous?: string | Error; current?: string | Error };
}) {
  const calls: string[] = [];
  /** The signal of every watch, to check none is left running. */
  const signals: AbortSignal[] = [];
  let lists = 0;
  const answer = (value: string | Error | undefined) =>
    value instanceof Error ? Promise.reject(value) : Promise.resolve(value ?? '');
  const cluster = {
    async watchUntil(
      _apiVersion: string,
      kind: string,
      _ns: string | undefined,
      opts: { fieldSelector?: string; labelSelector?: string },
      onEvent: (e: { type: string; object: KubeObject }, s: Map<string, KubeObject>) => unknown,
      wait: { signal?: AbortSignal },
    ) {
      calls.push(`watch ${kind} ${opts.fieldSelector ?? opts.labelSelector}`);
      if (wait.signal) signals.push(wait.signal);
      for (const e of script.events[kind] ?? []) {
        const value = onEvent({ type: e.type ?? 'MODIFIED', object: e.object }, new Map());
        if (value !== undefined) return value;
      }
      return new Promise((_resolve, reject) => {
        if (wait.signal?.aborted) reject(wait.signal.reason);
        wait.signal?.addEventListener('abort', () => reject(wait.signal!.reason), { once: true });
      });
    },
    async list(_apiVersion: string, kind: string, ns: string, opts: { labelSelector?: string }) {
      calls.push(`list ${kind} ${ns} ${opts.labelSelector}`);
      const answers = script.replicaSets ?? [[]];
      return answers[Math.min(lists++, answers.length - 1)];
    },
    async get(ref: { kind: string; name: string; namespace?: string }) {
      calls.push(`get ${ref.kind} ${ref.namespace}/${ref.name}`);
      return script.current;
    },
    podLog(ns: string, pod: string, container: string, opts: { tailLines?: number; previous?: boolean }) {
      calls.push(`log ${ns}/${pod}/${container} tail ${opts.tailLines}${opts.previous ? ' previous' : ''}`);
      return answer(opts.previous ? script.logs?.previous : script.logs?.current);
    },
  };
  return {
    cluster: cluster as unknown as Cluster,
    calls,
    /** Whether every watch started has been told to stop. */
    allStopped: () => signals.every((signal) => signal.aborted),
  };
}

describe('waitForRollout: the workload watch', () => {
  it('is done when kubectl would say so, reporting each new progress line once', async () => {
    const fake = scriptedCluster({
      events: {
        Deployment: [
          { type: 'ADDED', object: deployment(undefined) },
          { object: deployment(observedNotDone) },
          { object: deployment(observedNotDone) },
          { object: deployment(done) },
        ],
      },
    });
    const progress: string[] = [];
    const outcome = await waitForRollout(fake.cluster, web, {
      deadlineMs: 60_000,
      failFast: false,
      onProgress: (m) => progress.push(m),
    });
    assert.deepEqual(outcome, {
      ok: true,
      workload: deployment(done),
      message: 'deployment "web" successfully rolled out',
    });
    assert.deepEqual(progress, [
      'Waiting for deployment spec update to be observed...',
      'Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been updated...',
      'deployment "web" successfully rolled out',
    ]);
    assert.deepEqual(fake.calls, ['watch Deployment metadata.name=web'], 'no pod watch without fail-fast');
  });

  it('a Deployment condition that ends the rollout fails it with the reason and message', async () => {
    const stuck = deployment({
      ...observedNotDone,
      conditions: [
        { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'quota exceeded' },
      ],
    });
    const fake = scriptedCluster({ events: { Deployment: [{ object: stuck }] } });
    const outcome = await waitForRollout(fake.cluster, web, { deadlineMs: 60_000, failFast: false });
    assert.deepEqual(outcome, {
      ok: false,
      workload: stuck,
      reason: 'FailedCreate',
      message: 'Deployment/web in shop FailedCreate: quota exceeded',
      evidence: [],
    });
  });

  it('the same condition on a StatefulSet is left to the rollout rules', async () => {
    const sts = deployment(
      {
        observedGeneration: 2,
        readyReplicas: 2,
        updatedReplicas: 2,
        currentRevision: 'r1',
        updateRevision: 'r1',
        conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate' }],
      },
      'StatefulSet',
    );
    const fake = scriptedCluster({ events: { StatefulSet: [{ object: sts }] } });
    const outcome = await waitForRollout(
      fake.cluster,
      { ...web, kind: 'StatefulSet' },
      {
        deadlineMs: 60_000,
        failFast: false,
      },
    );
    assert.equal(outcome.ok, true);
  });

  it('a workload deleted while waited on fails the wait, naming it', async () => {
    const fake = scriptedCluster({ events: { Deployment: [{ type: 'DELETED', object: deployment(done) }] } });
    const outcome = await waitForRollout(fake.cluster, web, { deadlineMs: 60_000, failFast: false });
    assert.ok(!outcome.ok);
    assert.equal(outcome.message, 'Deployment/web in shop was deleted');
    assert.equal(outcome.workload, undefined, 'nothing was seen before the deletion');
  });

  it('a cancelled wait throws instead of failing the rollout', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled by the workflow');
    controller.abort(reason);
    const fake = scriptedCluster({ events: { Deployment: [{ object: deployment(observedNotDone) }] } });
    await assert.rejects(
      waitForRollout(fake.cluster, web, { deadlineMs: 60_000, failFast: false, signal: controller.signal }),
      (err) => err === reason,
    );
  });
});

describe('waitForRollout: fail-fast on the new pods', () => {
  it('stops on the first fatal pod of the new ReplicaSet, with its evidence and previous log', async () => {
    const fake = scriptedCluster({
      events: { Deployment: [{ object: deployment(observedNotDone) }], Pod: [{ object: crashingPod }] },
      replicaSets: [[newReplicaSet]],
      logs: { previous: 'starting\npanic: no config\n\n' },
    });
    const outcome = await waitForRollout(fake.cluster, web, { deadlineMs: 60_000, logLines: 1 });
    assert.ok(!outcome.ok);
    assert.equal(outcome.reason, 'CrashLoopBackOff');
    assert.equal(outcome.message, 'pod web-abc-1 container app CrashLoopBackOff exit code 2: back-off 40s');
    assert.deepEqual(outcome.workload, deployment(observedNotDone));
    const [evidence] = outcome.evidence;
    assert.deepEqual(
      { ...evidence, seenAt: undefined },
      {
        workload: 'web',
        pod: 'web-abc-1',
        container: 'app',
        reason: 'CrashLoopBackOff',
        message: 'back-off 40s',
        exitCode: 2,
        restartCount: 3,
        logTail: ['panic: no config'],
        seenAt: undefined,
      },
    );
    assert.deepEqual(fake.calls, [
      'watch Deployment metadata.name=web',
      'watch Deployment metadata.name=web',
      'list ReplicaSet shop app=web',
      'watch Pod app=web,pod-template-hash=abc',
      'log shop/web-abc-1/app tail 1 previous',
    ]);
  });

  it('stops the workload watch once a pod decides, and the pod watch once the workload does', async () => {
    const failing = scriptedCluster({
      events: { Deployment: [{ object: deployment(observedNotDone) }], Pod: [{ object: crashingPod }] },
      replicaSets: [[newReplicaSet]],
    });
    await waitForRollout(failing.cluster, web, { deadlineMs: 60_000 });
    assert.equal(failing.allStopped(), true);
    const finishing = scriptedCluster({
      events: { Deployment: [{ object: deployment(observedNotDone) }, { object: deployment(done) }] },
      replicaSets: [[newReplicaSet]],
    });
    assert.equal((await waitForRollout(finishing.cluster, web, { deadlineMs: 60_000 })).ok, true);
    assert.equal(finishing.allStopped(), true);
  });

  it('judges the pods of the revision the controller has observed, not of the spec before it', async () => {
    // Until the Deployment controller observes the new spec, the object still names the old
    // revision: its pods are the old version's, which this release may be fixing.
    const unobserved = deployment({ ...observedNotDone, observedGeneration: 1 });
    unobserved.metadata.annotations = { 'deployment.kubernetes.io/revision': '4' };
    const oldReplicaSet = structuredClone(newReplicaSet);
    oldReplicaSet.metadata.labels!['pod-template-hash'] = 'old';
    oldReplicaSet.metadata.annotations!['deployment.kubernetes.io/revision'] = '4';
    oldReplicaSet.spec = { template: replicaSetTemplate('web:1', 'old') };
    view<DeploymentObject>(unobserved).spec.template = templateOf('web:1');
    const fake = scriptedCluster({
      events: { Deployment: [{ object: unobserved }, { object: deployment(observedNotDone) }] },
      replicaSets: [[oldReplicaSet, newReplicaSet]],
    });
    const outcome = await Promise.race([
      waitForRollout(fake.cluster, web, { deadlineMs: 60_000 }),
      new Promise((resolve) => setTimeout(resolve, 50, 'still waiting')),
    ]);
    assert.equal(outcome, 'still waiting');
    assert.ok(fake.calls.includes('watch Pod app=web,pod-template-hash=abc'), fake.calls.join('\n'));
    assert.ok(!fake.calls.includes('watch Pod app=web,pod-template-hash=old'));
  });

  it('a Recreate rollout: the old ReplicaSet still named by the revision is not the new one', async () => {
    // The controller observes the spec but creates the new ReplicaSet only once the old pods are
    // gone; until then the revision annotation names the old one, whose pods may be crashing.
    const recreating = deployment(observedNotDone);
    recreating.metadata.annotations = { 'deployment.kubernetes.io/revision': '4' };
    const oldReplicaSet = structuredClone(newReplicaSet);
    oldReplicaSet.metadata.labels!['pod-template-hash'] = 'old';
    oldReplicaSet.metadata.annotations!['deployment.kubernetes.io/revision'] = '4';
    oldReplicaSet.spec = { template: replicaSetTemplate('web:1', 'old') };
    const fake = scriptedCluster({
      events: { Deployment: [{ object: recreating }], Pod: [{ object: crashingPod }] },
      replicaSets: [[oldReplicaSet], [oldReplicaSet, newReplicaSet]],
      current: recreating,
    });
    const outcome = await waitForRollout(fake.cluster, web, { deadlineMs: 60_000 });
    assert.ok(!outcome.ok);
    assert.ok(fake.calls.includes('watch Pod app=web,pod-template-hash=abc'), fake.calls.join('\n'));
    assert.ok(!fake.calls.includes('watch Pod app=web,pod-template-hash=old'), fake.calls.join('\n'));
  });

  it('reads the workload again until its new ReplicaSet exists, then watches its pods', async () => {
    const fake = scriptedCluster({
      events: { Deployment: [{ object: deployment(observedNotDone) }], Pod: [{ object: crashingPod }] },
      replicaSets: [[], [newReplicaSet]],
      current: deployment(observedNotDone),
    });
    const outcome = await waitForRollout(fake.cluster, web, { deadlineMs: 60_000 });
    assert.ok(!outcome.ok);
    assert.equal(outcome.reason, 'CrashLoopBackOff');
    assert.deepEqual(fake.calls.slice(2, 5), [
      'list ReplicaSet shop app=web',
      'get Deployment shop/web',
      'list ReplicaSet shop app=web',
    ]);
    assert.equal(fake.calls[5], 'watch Pod app=web,pod-template-hash=abc');
  });

  it('a workload without a namespace is looked for in default, and 20 log lines by default', async () => {
    const bare = { ...web, metadata: { name: 'web' } };
    const fake = scriptedCluster({
      events: { Deployment: [{ object: deployment(observedNotDone) }], Pod: [{ object: crashingPod }] },
      replicaSets: [[newReplicaSet]],
      logs: { previous: 'x' },
    });
    const outcome = await waitForRollout(fake.cluster, bare, { deadlineMs: 60_000 });
    assert.ok(!outcome.ok);
    assert.equal(fake.calls.at(-1), 'log default/web-abc-1/app tail 20 previous');
  });

  it('pods that are deleted or healthy do not stop the wait', async () => {
    const healthy = { ...crashingPod, status: { phase: 'Running' } };
    const fake = scriptedCluster({
      events: {
        Deployment: [{ object: deployment(observedNotDone) }, { object: deployment(done) }],
        Pod: [{ type: 'DELETED', object: crashingPod }, { object: healthy }],
      },
      replicaSets: [[newReplicaSet]],
    });
    const outcome = await waitForRollout(fake.cluster, web, { deadlineMs: 60_000 });
    assert.equal(outcome.ok, true);
  });
});

describe('collectEvidence and evidenceLine', () => {
  const problem = { pod: 'p-1', container: 'app', reason: 'CrashLoopBackOff', restartCount: 1 };

  it('reads the log of the run that crashed, else the current one, else none', async () => {
    const previous = scriptedCluster({ events: {}, logs: { previous: 'a\nb\nc\n' } });
    const fromPrevious = await collectEvidence(previous.cluster, 'web', 'shop', problem, 2);
    assert.deepEqual(fromPrevious.logTail, ['b', 'c']);
    const current = scriptedCluster({
      events: {},
      logs: { previous: new Error('no previous'), current: 'now' },
    });
    const fromCurrent = await collectEvidence(current.cluster, 'web', 'shop', problem);
    assert.deepEqual(fromCurrent.logTail, ['now']);
    assert.deepEqual(current.calls, ['log shop/p-1/app tail 20 previous', 'log shop/p-1/app tail 20']);
    const none = scriptedCluster({ events: {}, logs: { previous: new Error('x'), current: new Error('y') } });
    assert.equal('logTail' in (await collectEvidence(none.cluster, 'web', 'shop', problem)), false);
    const empty = scriptedCluster({ events: {}, logs: { previous: '' } });
    assert.equal('logTail' in (await collectEvidence(empty.cluster, 'web', 'shop', problem)), false);
  });

  it('reads no log for a container that never restarted, nor for a pod-level problem', async () => {
    const fake = scriptedCluster({ events: {}, logs: { previous: 'x' } });
    const fresh = await collectEvidence(fake.cluster, 'web', 'shop', { ...problem, restartCount: 0 });
    const podLevel = await collectEvidence(fake.cluster, 'web', 'shop', {
      pod: 'p-1',
      reason: 'Unschedulable',
      message: '0/3 nodes',
    });
    assert.deepEqual(fake.calls, []);
    assert.deepEqual(
      { ...podLevel, seenAt: undefined },
      { workload: 'web', pod: 'p-1', reason: 'Unschedulable', message: '0/3 nodes', seenAt: undefined },
    );
    assert.deepEqual(
      { ...fresh, seenAt: undefined },
      {
        workload: 'web',
        pod: 'p-1',
        container: 'app',
        reason: 'CrashLoopBackOff',
        restartCount: 0,
        seenAt: undefined,
      },
    );
    assert.ok(!Number.isNaN(Date.parse(fresh.seenAt!)));
  });

  it('one line: pod, container, reason, exit code, message, each when known', () => {
    assert.equal(
      evidenceLine({
        workload: 'w',
        pod: 'p',
        container: 'c',
        reason: 'OOMKilled',
        exitCode: 137,
        message: 'm',
      }),
      'pod p container c OOMKilled exit code 137: m',
    );
    assert.equal(evidenceLine({ workload: 'w', pod: 'p', reason: 'Evicted' }), 'pod p Evicted');
    assert.equal(
      evidenceLine({ workload: 'w', pod: 'p', reason: 'Error', exitCode: 0 }),
      'pod p Error exit code 0',
    );
  });
});
