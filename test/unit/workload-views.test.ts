// The workload views: kind guards, replica counts, and the revisions an undo can return to (pure data).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { revisionReader, revisionsOf } from '../../src/engine/steps/undo.ts';
import type { Cluster, KubeObject } from '../../src/kube/types.ts';
import {
  asDeployment,
  asStatefulSet,
  asWorkload,
  isScalable,
  isWorkload,
  replicasOf,
  workloadOf,
} from '../../src/manifests/workload-views.ts';

const object = (kind: string, spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: kind === 'Service' ? 'v1' : 'apps/v1',
  kind,
  metadata: { name: 'web', namespace: 'shop', uid: `uid-${kind}` },
  spec,
});

describe('workload views', () => {
  it('take Deployments, StatefulSets and DaemonSets as workloads, nothing else', () => {
    for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet'])
      assert.equal(isWorkload(object(kind)), true, kind);
    for (const kind of ['ReplicaSet', 'Job', 'Service', 'Pod'])
      assert.equal(asWorkload(object(kind)), undefined, kind);
    assert.equal(isWorkload(undefined), false);
  });

  it('view the same object, not a copy', () => {
    const d = object('Deployment', { replicas: 2 });
    assert.equal(asDeployment(d), d);
    assert.equal(asStatefulSet(d), undefined);
    assert.equal(asStatefulSet(object('StatefulSet'))?.kind, 'StatefulSet');
  });

  it('read replicas of Deployments and StatefulSets only', () => {
    assert.equal(replicasOf(object('Deployment', { replicas: 4 })), 4);
    assert.equal(replicasOf(object('StatefulSet', { replicas: 0 })), 0);
    assert.equal(replicasOf(object('Deployment')), undefined);
    assert.equal(replicasOf(object('DaemonSet', { replicas: 3 })), undefined);
    assert.equal(replicasOf(object('ReplicaSet', { replicas: 3 })), undefined);
    assert.equal(isScalable(object('DaemonSet')), false);
  });

  it('refuse another kind where the engine holds a workload', () => {
    assert.throws(() => workloadOf(object('Service')), { message: 'Service web is not a workload' });
  });
});

describe('revisionsOf', () => {
  const template = (rev: string) => ({ metadata: { labels: { rev } } });
  const deployment = object('Deployment');
  const replicaSet = (revision: string, owner: string, spec: Record<string, unknown>): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `web-${revision}`,
      annotations: { 'deployment.kubernetes.io/revision': revision },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: owner }],
    },
    spec,
  });
  const listing = (items: Record<string, KubeObject[]>) =>
    ({ list: async (_apiVersion: string, kind: string) => items[kind] ?? [] }) as unknown as Cluster;

  it("lists a Deployment's own ReplicaSets with a template, newest first", async () => {
    const cluster = listing({
      ReplicaSet: [
        replicaSet('1', deployment.metadata.uid!, { template: template('1') }),
        replicaSet('3', deployment.metadata.uid!, { template: template('3') }),
        replicaSet('2', 'someone-else', { template: template('2') }),
        replicaSet('4', deployment.metadata.uid!, {}),
      ],
    });
    // With the annotations the workload had at that revision (a rollback restores its change-cause).
    const annotations = (revision: string) => ({ 'deployment.kubernetes.io/revision': revision });
    assert.deepEqual(await revisionsOf(cluster, deployment), [
      { revision: 3, template: template('3'), annotations: annotations('3') },
      { revision: 1, template: template('1'), annotations: annotations('1') },
    ]);
  });

  it("reads a StatefulSet's templates from its ControllerRevisions", async () => {
    const sts = object('StatefulSet');
    const revision = (n: number, data: unknown): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name: `web-${n}`,
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: sts.metadata.uid! },
        ],
      },
      revision: n,
      data: data as KubeObject['data'], // a ControllerRevision's data is a patch, not strings
    });
    const cluster = listing({
      ControllerRevision: [
        revision(1, { spec: { template: template('1') } }),
        revision(2, { spec: { template: template('2') } }),
        revision(3, {}),
      ],
    });
    assert.deepEqual(await revisionsOf(cluster, sts), [
      { revision: 2, template: template('2') },
      { revision: 1, template: template('1') },
    ]);
  });

  it('for many workloads, lists each kind of revision once per namespace', async () => {
    const listed: string[] = [];
    const sets = [
      replicaSet('1', 'uid-api', { template: template('1') }),
      replicaSet('2', 'uid-web', { template: template('2') }),
    ];
    const cluster = {
      list: async (_apiVersion: string, kind: string, namespace: string) => {
        listed.push(`${kind} in ${namespace}`);
        return kind === 'ReplicaSet' ? sets : [];
      },
    } as unknown as Cluster;
    const workload = (kind: string, uid: string, namespace = 'shop'): KubeObject => ({
      ...object(kind),
      metadata: { name: uid, namespace, uid },
    });
    const revisions = revisionReader(cluster);
    assert.deepEqual(
      (await revisions(workload('Deployment', 'uid-api'))).map((r) => r.revision),
      [1],
    );
    assert.deepEqual(
      (await revisions(workload('Deployment', 'uid-web'))).map((r) => r.revision),
      [2],
    );
    await revisions(workload('Deployment', 'uid-other', 'other'));
    await revisions(workload('StatefulSet', 'uid-db'));
    await revisions(workload('DaemonSet', 'uid-agent'));
    assert.deepEqual(listed, ['ReplicaSet in shop', 'ReplicaSet in other', 'ControllerRevision in shop']);
  });
});
