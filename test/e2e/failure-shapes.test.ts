// Every fatal pod state the action fails fast on, through the bundled action: the release is
// rolled back and `rollback-reason` names the state the kubelet reported.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { runAction } from '../helpers/action.ts';
import { appObjects, writeApp } from '../helpers/manifests.ts';
import type { KubeObject } from '../../src/kube/types.ts';
import { view, type DeploymentObject, type PodTemplateSpec } from '../../src/manifests/workload-views.ts';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';

/** A container of a pod template, as the typed view has it. */
type Container = NonNullable<PodTemplateSpec['spec']>['containers'][number];

const IMAGE = 'registry.local:5000/acme/web';

/** The app with its first container (or pod template) changed by `edit`. */
function editedApp(edit: (container: Container, template: PodTemplateSpec) => void): string {
  const objects = appObjects({ replicas: 3 }) as KubeObject[];
  const template = view<DeploymentObject>(objects[0]).spec.template;
  edit(template.spec!.containers[0], template);
  const dir = mkdtempSync(join(tmpdir(), 'kr-shape-'));
  writeFileSync(join(dir, 'app.yaml'), objects.map((o) => stringify(o)).join('---\n'));
  return dir;
}

const SHAPES: { name: string; manifests: () => string; reason: RegExp }[] = [
  {
    name: 'OOMKilled',
    manifests: () => writeApp({ replicas: 3, env: { SIM_OOM: 'true' } }),
    reason: /OOMKilled exit code 137/,
  },
  {
    name: 'a missing ConfigMap (CreateContainerConfigError)',
    manifests: () =>
      editedApp((c) =>
        c.env!.push({
          name: 'DB_URL',
          valueFrom: { configMapKeyRef: { name: 'missing-config', key: 'url' } },
        }),
      ),
    reason: /CreateContainerConfigError: configmap "missing-config" not found/,
  },
  {
    name: 'requests no node can hold (Unschedulable)',
    manifests: () => editedApp((c) => (c.resources = { requests: { memory: '512Gi' } })),
    reason: /Unschedulable: 0\/3 nodes are available/,
  },
  {
    name: 'pods that cannot be created (ReplicaFailure)',
    manifests: () =>
      editedApp((_c, t) => (t.metadata!.annotations = { 'sim.kube-rollout.io/fail-create': 'true' })),
    reason: /FailedCreate|ReplicaFailure/,
  },
];

describe('fail-fast on every fatal pod state (dist/index.js)', () => {
  let sim: SimCluster;
  before(async () => {
    sim = await startSimCluster();
  });
  after(async () => {
    await sim.stop();
  });

  SHAPES.forEach((shape, i) => {
    it(`${shape.name}: rolled back, the reason names it`, async () => {
      const namespace = `shape-${i}`;
      sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
      const base = { kubeconfig: sim.kubeconfig, namespace, 'version-label': 'version', comment: 'false' };
      const v1 = await runAction({ ...base, manifests: writeApp({ replicas: 3 }), images: `${IMAGE}:v1` });
      assert.equal(v1.outputs.result, 'promoted', v1.stdout);
      const run = await runAction({ ...base, manifests: shape.manifests(), images: `${IMAGE}:v2` });
      assert.equal(run.outputs.result, 'rolled-back', run.stdout);
      assert.match(run.outputs['rollback-reason'], shape.reason);
      const web = sim.store.get('apps/v1', 'Deployment', namespace, 'web')!;
      assert.equal(web.spec.template.metadata.labels.version, 'v1');
      assert.equal(web.status.availableReplicas, 3);
    });
  });
});
