import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../src/kube/types.ts';
import { view, type DaemonSetObject } from '../../src/manifests/workload-views.ts';
import { rolloutStatus, type RolloutStatus } from '../../src/gates/rollout-status.ts';

// The `kubectl rollout status` rules of REFERENCE.md §1, one case per message branch.
function workload(kind: string, generation: number, spec: unknown, status: unknown): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name: 'web', namespace: 'default', generation },
    spec,
    status,
  };
}

interface Case {
  name: string;
  obj: KubeObject;
  expected: RolloutStatus;
}

function runCases(cases: Case[]): void {
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(rolloutStatus(c.obj), c.expected);
    });
  }
}

describe('Deployment', () => {
  const deadline = {
    type: 'Progressing',
    status: 'False',
    reason: 'ProgressDeadlineExceeded',
    message: 'ReplicaSet "web-7d9f" has timed out progressing.',
  };
  runCases([
    {
      name: 'spec update not yet observed',
      obj: workload(
        'Deployment',
        3,
        { replicas: 3 },
        { observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3 },
      ),
      expected: { done: false, message: 'Waiting for deployment spec update to be observed...' },
    },
    {
      name: 'no status at all counts as not observed',
      obj: workload('Deployment', 1, { replicas: 1 }, undefined),
      expected: { done: false, message: 'Waiting for deployment spec update to be observed...' },
    },
    {
      name: 'progress deadline exceeded',
      obj: workload(
        'Deployment',
        2,
        { replicas: 3 },
        {
          observedGeneration: 2,
          replicas: 4,
          updatedReplicas: 1,
          availableReplicas: 3,
          conditions: [deadline],
        },
      ),
      expected: {
        done: false,
        message: 'deployment "web" exceeded its progress deadline',
        error: 'deployment "web" exceeded its progress deadline',
      },
    },
    {
      name: 'progress deadline exceeded, the Progressing condition after another',
      obj: workload(
        'Deployment',
        2,
        { replicas: 3 },
        {
          observedGeneration: 2,
          replicas: 3,
          updatedReplicas: 3,
          availableReplicas: 3,
          conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }, deadline],
        },
      ),
      expected: {
        done: false,
        message: 'deployment "web" exceeded its progress deadline',
        error: 'deployment "web" exceeded its progress deadline',
      },
    },
    {
      name: 'fewer updated than desired',
      obj: workload(
        'Deployment',
        2,
        { replicas: 3 },
        { observedGeneration: 2, replicas: 4, updatedReplicas: 1, availableReplicas: 3 },
      ),
      expected: {
        done: false,
        message:
          'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...',
      },
    },
    {
      name: 'replicas defaults to 1',
      obj: workload(
        'Deployment',
        2,
        {},
        { observedGeneration: 2, replicas: 1, updatedReplicas: 0, availableReplicas: 1 },
      ),
      expected: {
        done: false,
        message:
          'Waiting for deployment "web" rollout to finish: 0 out of 1 new replicas have been updated...',
      },
    },
    {
      name: 'old replicas pending termination',
      obj: workload(
        'Deployment',
        2,
        { replicas: 3 },
        { observedGeneration: 2, replicas: 5, updatedReplicas: 3, availableReplicas: 3 },
      ),
      expected: {
        done: false,
        message: 'Waiting for deployment "web" rollout to finish: 2 old replicas are pending termination...',
      },
    },
    {
      name: 'updated replicas not all available',
      obj: workload(
        'Deployment',
        2,
        { replicas: 3 },
        { observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 1 },
      ),
      expected: {
        done: false,
        message: 'Waiting for deployment "web" rollout to finish: 1 of 3 updated replicas are available...',
      },
    },
    {
      name: 'done',
      obj: workload(
        'Deployment',
        2,
        { replicas: 3 },
        {
          observedGeneration: 2,
          replicas: 3,
          updatedReplicas: 3,
          availableReplicas: 3,
          conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }],
        },
      ),
      expected: { done: true, message: 'deployment "web" successfully rolled out' },
    },
    {
      name: 'done with observedGeneration ahead of generation',
      obj: workload('Deployment', 2, { replicas: 0 }, { observedGeneration: 3 }),
      expected: { done: true, message: 'deployment "web" successfully rolled out' },
    },
  ]);
});

describe('StatefulSet', () => {
  const rolling = (partition?: number) => ({
    type: 'RollingUpdate',
    rollingUpdate: partition === undefined ? {} : { partition },
  });
  runCases([
    {
      name: 'spec update not yet observed',
      obj: workload(
        'StatefulSet',
        4,
        { replicas: 3, updateStrategy: rolling(0) },
        { observedGeneration: 3, readyReplicas: 3 },
      ),
      expected: { done: false, message: 'Waiting for statefulset spec update to be observed...' },
    },
    {
      name: 'pods not ready',
      obj: workload(
        'StatefulSet',
        2,
        { replicas: 3, updateStrategy: rolling(0) },
        { observedGeneration: 2, replicas: 3, readyReplicas: 1, updatedReplicas: 1 },
      ),
      expected: { done: false, message: 'Waiting for 2 pods to be ready...' },
    },
    {
      name: 'partitioned roll out in progress',
      obj: workload(
        'StatefulSet',
        2,
        { replicas: 5, updateStrategy: rolling(2) },
        { observedGeneration: 2, replicas: 5, readyReplicas: 5, updatedReplicas: 1 },
      ),
      expected: {
        done: false,
        message: 'Waiting for partitioned roll out to finish: 1 out of 3 new pods have been updated...',
      },
    },
    {
      name: 'partitioned roll out complete (revisions still differ)',
      obj: workload(
        'StatefulSet',
        2,
        { replicas: 5, updateStrategy: rolling(2) },
        {
          observedGeneration: 2,
          replicas: 5,
          readyReplicas: 5,
          updatedReplicas: 3,
          currentRevision: 'web-5d8c',
          updateRevision: 'web-6f9b',
        },
      ),
      expected: { done: true, message: 'partitioned roll out complete: 3 new pods have been updated...' },
    },
    {
      name: 'rollingUpdate without partition means partition 0',
      obj: workload(
        'StatefulSet',
        2,
        { replicas: 3, updateStrategy: rolling() },
        { observedGeneration: 2, replicas: 3, readyReplicas: 3, updatedReplicas: 2 },
      ),
      expected: {
        done: false,
        message: 'Waiting for partitioned roll out to finish: 2 out of 3 new pods have been updated...',
      },
    },
    {
      name: 'no rollingUpdate, revisions differ',
      obj: workload(
        'StatefulSet',
        2,
        { replicas: 3, updateStrategy: { type: 'RollingUpdate' } },
        {
          observedGeneration: 2,
          replicas: 3,
          readyReplicas: 3,
          updatedReplicas: 2,
          currentRevision: 'web-5d8c',
          updateRevision: 'web-6f9b',
        },
      ),
      expected: {
        done: false,
        message: 'waiting for statefulset rolling update to complete 2 pods at revision web-6f9b...',
      },
    },
    {
      name: 'no rollingUpdate, revisions equal',
      obj: workload(
        'StatefulSet',
        2,
        { replicas: 3, updateStrategy: { type: 'RollingUpdate' } },
        {
          observedGeneration: 2,
          replicas: 3,
          readyReplicas: 3,
          updatedReplicas: 3,
          currentRevision: 'web-6f9b',
          updateRevision: 'web-6f9b',
        },
      ),
      expected: { done: true, message: 'statefulset rolling update complete 3 pods at revision web-6f9b...' },
    },
  ]);
});

describe('DaemonSet', () => {
  const spec = { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } } };
  runCases([
    {
      name: 'spec update not yet observed',
      obj: workload('DaemonSet', 5, spec, { observedGeneration: 4, desiredNumberScheduled: 3 }),
      expected: { done: false, message: 'Waiting for daemon set spec update to be observed...' },
    },
    {
      name: 'not every node updated',
      obj: workload('DaemonSet', 5, spec, {
        observedGeneration: 5,
        desiredNumberScheduled: 3,
        updatedNumberScheduled: 1,
        numberAvailable: 2,
      }),
      expected: {
        done: false,
        message: 'Waiting for daemon set "web" rollout to finish: 1 out of 3 new pods have been updated...',
      },
    },
    {
      name: 'updated but not all available',
      obj: workload('DaemonSet', 5, spec, {
        observedGeneration: 5,
        desiredNumberScheduled: 3,
        updatedNumberScheduled: 3,
        numberAvailable: 2,
      }),
      expected: {
        done: false,
        message: 'Waiting for daemon set "web" rollout to finish: 2 of 3 updated pods are available...',
      },
    },
    {
      name: 'done',
      obj: workload('DaemonSet', 5, spec, {
        observedGeneration: 5,
        desiredNumberScheduled: 3,
        updatedNumberScheduled: 3,
        numberAvailable: 3,
      }),
      expected: { done: true, message: 'daemon set "web" successfully rolled out' },
    },
  ]);
});

describe('other kinds', () => {
  it('have no rollout and are done at once', () => {
    assert.deepEqual(
      rolloutStatus({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: {} }),
      { done: true, message: 'Service "web" has no rollout' },
    );
  });
});

describe('rolloutStatus with OnDelete', () => {
  it('is done once observed: pods take the new template only when deleted', () => {
    const sts = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', generation: 2 },
      spec: { replicas: 3, updateStrategy: { type: 'OnDelete' } },
      status: { observedGeneration: 2, readyReplicas: 3, currentRevision: 'db-1', updateRevision: 'db-2' },
    };
    assert.equal(rolloutStatus(sts).done, true);
    assert.match(rolloutStatus(sts).message, /OnDelete/);
    assert.equal(rolloutStatus({ ...sts, status: { observedGeneration: 1 } }).done, false);
  });
});

describe('OnDelete, word for word, for both kinds that have it', () => {
  const onDelete = (kind: string, observedGeneration: number): KubeObject => ({
    apiVersion: 'apps/v1',
    kind,
    metadata: { name: 'agent', generation: 2 },
    spec: { updateStrategy: { type: 'OnDelete' } },
    status: { observedGeneration, desiredNumberScheduled: 3, updatedNumberScheduled: 0 },
  });
  it('a DaemonSet is done once observed, though no pod runs the new template yet', () => {
    assert.deepEqual(rolloutStatus(onDelete('DaemonSet', 2)), {
      done: true,
      message: 'daemonset "agent" uses OnDelete: pods take the new template when they are deleted',
    });
    assert.deepEqual(rolloutStatus(onDelete('DaemonSet', 1)), {
      done: false,
      message: 'Waiting for daemonset spec update to be observed...',
    });
  });
  it('a StatefulSet says the same in its own name', () => {
    assert.deepEqual(rolloutStatus(onDelete('StatefulSet', 1)), {
      done: false,
      message: 'Waiting for statefulset spec update to be observed...',
    });
    assert.equal(
      rolloutStatus(onDelete('StatefulSet', 2)).message,
      'statefulset "agent" uses OnDelete: pods take the new template when they are deleted',
    );
  });
  it('a RollingUpdate DaemonSet is judged by its pods', () => {
    const rolling = onDelete('DaemonSet', 2);
    view<DaemonSetObject>(rolling).spec.updateStrategy!.type = 'RollingUpdate';
    assert.equal(rolloutStatus(rolling).done, false);
  });
});

describe('observed', () => {
  it('the controller has seen the spec when observedGeneration reaches generation', () => {
    const at = (generation: number | undefined, observedGeneration: number | undefined): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', ...(generation === undefined ? {} : { generation }) },
      spec: { replicas: 0 },
      status: observedGeneration === undefined ? {} : { observedGeneration },
    });
    assert.equal(rolloutStatus(at(3, 3)).done, true);
    assert.equal(rolloutStatus(at(3, 4)).done, true);
    assert.equal(rolloutStatus(at(3, 2)).done, false);
    assert.equal(rolloutStatus(at(undefined, 0)).done, true, 'no generation yet: 0');
    assert.equal(rolloutStatus(at(0, undefined)).done, false, 'no observedGeneration: never observed');
  });
});
