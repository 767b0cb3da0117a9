// What the action applies next to an HPA, and which PodDisruptionBudgets it reports (pure data).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type KubeObject, workloadKey } from '../../src/kube/types.ts';
import type { ManifestSet } from '../../src/manifests/types.ts';
import {
  isAutoscaled,
  prepareForAutoscalers,
  releaseToAutoscalers,
} from '../../src/engine/objects/autoscaler.ts';
import { blockingBudgets } from '../../src/engine/objects/disruption-budgets.ts';
import {
  replicasOf,
  view,
  type AutoscalerObject,
  type DisruptionBudgetObject,
} from '../../src/manifests/workload-views.ts';

const deployment = (name: string, replicas?: number): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'shop' },
  spec: {
    ...(replicas !== undefined ? { replicas } : {}),
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: `${name}:1` }] } },
  },
});
const hpa = (name: string, target: string): AutoscalerObject => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name, namespace: 'shop' },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
    minReplicas: 2,
    maxReplicas: 9,
  },
});
const pdb = (name: string, app: string, spec: object): DisruptionBudgetObject => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name, namespace: 'shop' },
  spec: { selector: { matchLabels: { app } }, ...spec },
});

/** A live Deployment whose `spec.replicas` was last written by `manager` (`subresource` scale, or apply). */
function ownedBy(replicas: number, manager: string, operation: 'Update' | 'Apply'): KubeObject {
  const entry = {
    manager,
    operation,
    ...(operation === 'Update' ? { subresource: 'scale' } : {}),
    fieldsV1: { 'f:spec': { 'f:replicas': {} } },
  };
  const d = deployment('web', replicas);
  return { ...d, metadata: { ...d.metadata, managedFields: [entry] } };
}

function manifestsOf(...objects: KubeObject[]): ManifestSet {
  const sourced = objects.map((object, i) => ({ object, file: 'app.yaml', line: i * 10 + 1 }));
  return {
    objects: sourced,
    workloads: sourced.filter((s) => s.object.kind === 'Deployment'),
    version: 'v2',
  };
}

describe('releases next to an HPA', () => {
  it('leaves spec.replicas out for the HPA target only, and says so', () => {
    const m = manifestsOf(deployment('web', 4), deployment('mailer', 2), hpa('web', 'web'));
    const live = new Map([[workloadKey(deployment('web')), ownedBy(7, 'kube-controller-manager', 'Update')]]);
    const out = releaseToAutoscalers(m, [hpa('web', 'web')], live);
    assert.equal(replicasOf(out.manifests.workloads[0].object), undefined);
    assert.equal(replicasOf(out.manifests.workloads[1].object), 2);
    assert.equal(replicasOf(m.workloads[0].object), 4, 'the input is not changed');
    assert.equal(
      replicasOf(
        out.manifests.objects.find((o) => o.object.metadata.name === 'web' && o.object.kind === 'Deployment')
          ?.object,
      ),
      undefined,
    );
    assert.deepEqual(out.notes, [
      'HorizontalPodAutoscaler web scales Deployment web (min 2, max 9): spec.replicas was left to it (live count 7); new-version copies are sized from the live count',
    ]);
  });

  it('keeps the live count while an earlier apply still owns spec.replicas alone (omitting it would reset it)', () => {
    const m = manifestsOf(deployment('web', 4), hpa('web', 'web'));
    const owned = ownedBy(5, 'kube-rollout', 'Apply');
    const out = releaseToAutoscalers(m, [hpa('web', 'web')], new Map([[workloadKey(owned), owned]]));
    assert.equal(replicasOf(out.manifests.workloads[0].object), 5);
    assert.match(out.notes[0], /kept at the live count 5 \(an earlier apply still owned it\)/);
  });

  it('without HPAs the manifests are returned as they are', () => {
    const m = manifestsOf(deployment('web', 4));
    assert.equal(releaseToAutoscalers(m, [], new Map()).manifests, m);
  });

  it('finds HPAs that live only in the cluster and remembers the targets for the run', async () => {
    const m = manifestsOf(deployment('web', 4));
    const cluster = {
      list: async (_v: string, kind: string) =>
        kind === 'HorizontalPodAutoscaler' ? [hpa('web-hpa', 'web')] : [],
    };
    const out = await prepareForAutoscalers(cluster, m, 'shop', Promise.resolve(new Map()));
    assert.equal(replicasOf(out.manifests.workloads[0].object), undefined);
    assert.equal(isAutoscaled(out.manifests, deployment('web')), true);
    assert.equal(isAutoscaled(m, deployment('web')), false);
    assert.equal(isAutoscaled(manifestsOf(deployment('web'), hpa('h', 'web')), deployment('web')), true);
    const resized = ownedBy(6, 'kube-controller-manager', 'Update');
    assert.equal(isAutoscaled(m, deployment('web'), resized), true, 'a later job sees the HPA at work');
    const kubectlScaled = ownedBy(6, 'kubectl', 'Update');
    assert.equal(isAutoscaled(m, deployment('web'), kubectlScaled), false);
  });
});

describe('PodDisruptionBudgets that allow no disruption', () => {
  it('reports a budget at the replica count and one with no disruptions allowed, with the status', () => {
    const m = manifestsOf(
      deployment('web', 3),
      deployment('api', 4),
      pdb('web', 'web', { minAvailable: 3 }),
      pdb('api', 'api', { maxUnavailable: 1 }),
    );
    const liveApi = view<DisruptionBudgetObject>({
      ...pdb('api', 'api', { maxUnavailable: 1 }),
      status: { currentHealthy: 3, desiredHealthy: 3, disruptionsAllowed: 0 },
    });
    const notes = blockingBudgets(m, [liveApi]);
    assert.deepEqual(notes, [
      'PodDisruptionBudget web (minAvailable 3) allows no disruption of Deployment web: evictions and node drains are refused while it holds; the release itself does not evict pods',
      'PodDisruptionBudget api (maxUnavailable 1) allows no disruption of Deployment api (status: 3 healthy, 3 required, 0 disruptions allowed): evictions and node drains are refused while it holds; the release itself does not evict pods',
    ]);
  });

  it('says nothing about a budget with room', () => {
    const m = manifestsOf(deployment('web', 3), pdb('web', 'web', { minAvailable: 2 }));
    assert.deepEqual(blockingBudgets(m, []), []);
  });
});
