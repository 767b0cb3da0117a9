// The HorizontalPodAutoscaler controller (utilization set by the test) and PodDisruptionBudgets
// honoured by the Eviction API, against the simulated cluster over HTTP.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { startSimCluster } from '../src/index.ts';
import type { SimCluster } from '../src/index.ts';
import { decide } from '../src/controllers/hpa.ts';
import { view, type Container, type HpaView, type PodView } from '../src/views.ts';
import type { ApiBody } from './testing.ts';
import { resourceReplicas, type PodSample } from '../src/controllers/hpa-replicas.ts';

let c: SimCluster;

async function api(method: string, path: string, body?: unknown, contentType = 'application/json') {
  const res = await fetch(c.url + path, {
    method,
    headers: { 'content-type': contentType },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { code: res.status, body: (await res.json()) as ApiBody & { resources: { name: string }[] } };
}

async function eventually<T>(read: () => T | undefined, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = read();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function deployment(ns: string, name: string, replicas: number) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: `${name}:1` }] } },
    },
  };
}

const apply = (path: string, obj: unknown) =>
  api('PATCH', `${path}?fieldManager=test&force=true`, obj, 'application/apply-patch+yaml');

const replicasOf = (ns: string, name: string) =>
  c.store.get('apps/v1', 'Deployment', ns, name)?.spec.replicas;
const hpaStatus = (ns: string, name: string) => {
  const hpa = c.store.get('autoscaling/v2', 'HorizontalPodAutoscaler', ns, name);
  return (hpa && view<HpaView>(hpa).status) ?? {};
};

describe('HorizontalPodAutoscaler controller', () => {
  before(async () => {
    c = await startSimCluster({ rps: 0, timeScale: 0.02 });
  });
  after(() => c.stop());

  it('scales out on utilization through /scale, settles, clamps to max and scales back in', async () => {
    await apply('/apis/apps/v1/namespaces/default/deployments/api', deployment('default', 'api', 2));
    const hpa = await apply('/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/api', {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'api' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
        minReplicas: 2,
        maxReplicas: 6,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
          },
        ],
        behavior: { scaleDown: { stabilizationWindowSeconds: 0 } },
      },
    });
    assert.equal(hpa.code, 201);
    await eventually(
      () =>
        hpaStatus('default', 'api').conditions?.find((x) => x.type === 'ScalingActive')?.reason ===
        'FailedGetResourceMetric',
      'no metric yet',
    );
    assert.equal(replicasOf('default', 'api'), 2);

    c.setUtilization('default', 'api', 100); // 2 pods at 100% of a 50% target → 4
    await eventually(() => replicasOf('default', 'api') === 4, 'scale to 4');
    await eventually(
      () => hpaStatus('default', 'api').currentMetrics?.[0].resource?.current?.averageUtilization === 50,
      'load spread over 4',
    );
    const deploy = c.store.get('apps/v1', 'Deployment', 'default', 'api')!;
    const managed = deploy.metadata.managedFields as {
      manager?: string;
      subresource?: string;
      fieldsV1?: Record<string, Record<string, unknown>>;
    }[];
    const scaleEntry = managed.find((m) => m.subresource === 'scale');
    assert.equal(scaleEntry?.manager, 'kube-controller-manager');
    assert.ok(scaleEntry?.fieldsV1?.['f:spec']?.['f:replicas']);
    const events = c.store.list('v1', 'Event', 'default').filter((e) => e.reason === 'SuccessfulRescale');
    assert.equal(
      events[0].message,
      'New size: 4; reason: cpu resource utilization (percentage of request) above target',
    );

    c.setUtilization('default', 'api', 54); // within 10% of 50: no change
    await eventually(
      () => hpaStatus('default', 'api').currentMetrics?.[0].resource?.current?.averageUtilization === 54,
      'resync',
    );
    assert.equal(replicasOf('default', 'api'), 4);

    c.setUtilization('default', 'api', 400); // wants 32, limited to max 6
    await eventually(() => replicasOf('default', 'api') === 6, 'scale to max');
    await eventually(
      () =>
        hpaStatus('default', 'api').conditions?.find((x) => x.type === 'ScalingLimited')?.reason ===
        'TooManyReplicas',
      'ScalingLimited',
    );

    c.setUtilization('default', 'api', 10); // wants 2 (min)
    await eventually(() => replicasOf('default', 'api') === 2, 'scale in to min');
    assert.equal(hpaStatus('default', 'api').desiredReplicas, 2);
  });

  it('a proposal below minReplicas is held by the scale-down window too (stabilized before clamped)', async () => {
    await apply('/apis/apps/v1/namespaces/default/deployments/held', deployment('default', 'held', 2));
    await apply('/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/held', {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'held' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'held' },
        minReplicas: 2,
        maxReplicas: 6,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
          },
        ],
        behavior: { scaleDown: { stabilizationWindowSeconds: 120 } },
      },
    });
    c.setUtilization('default', 'held', 100); // 2 pods at twice the target → 4
    await eventually(() => replicasOf('default', 'held') === 4, 'scale to 4');
    c.setUtilization('default', 'held', 5); // proposes 1, under the minimum of 2
    // Several sync periods (15 s each) inside the 120 s window: the recommendation of 4 stands.
    await eventually(
      () =>
        (hpaStatus('default', 'held').currentMetrics?.[0].resource?.current?.averageUtilization ?? 99) <= 5,
      'low load seen',
    );
    await new Promise((r) => setTimeout(r, c.clock.ms(60)));
    assert.equal(replicasOf('default', 'held'), 4, 'held inside the window');
    await eventually(
      () => replicasOf('default', 'held') === 2,
      'down to the minimum once the window has passed',
    );
  });

  it('resourceReplicas: upstream rules for unready pods and missing metrics (replica_calculator.go GetResourceReplicas)', () => {
    const ready = (name: string, usage: number): PodSample => ({ name, group: 'ready', usage });
    const pod = (name: string, group: 'unready' | 'missing' | 'ignored'): PodSample => ({ name, group });
    // No unready or missing pods: ceil(ratio × ready pods), not × the target's count.
    assert.deepEqual(resourceReplicas(5, 50, [ready('a', 100), ready('b', 100)]), {
      replicas: 4,
      utilization: 100,
    });
    // Scale-up with unready pods: they count at 0%: (100+100+0+0)/4 = 50 → within tolerance, keep 4.
    assert.deepEqual(
      resourceReplicas(4, 50, [ready('a', 100), ready('b', 100), pod('c', 'unready'), pod('d', 'unready')]),
      { replicas: 4, utilization: 100 },
    );
    // Scale-down with unready pods: they are left out; ceil(0.4 × 2) = 1.
    assert.equal(resourceReplicas(3, 50, [ready('a', 20), ready('b', 20), pod('c', 'unready')])?.replicas, 1);
    // Scale-down with a missing metric: it counts at 100%: (20+20+100)/3/50 = 0.93 → keep 3.
    assert.equal(resourceReplicas(3, 50, [ready('a', 20), ready('b', 20), pod('c', 'missing')])?.replicas, 3);
    // Scale-up with a missing metric: it counts at 0%: (90+90+0)/3/50 = 1.2 → ceil(1.2 × 3) = 4.
    assert.equal(resourceReplicas(3, 50, [ready('a', 90), ready('b', 90), pod('c', 'missing')])?.replicas, 4);
    // A correction that flips the direction keeps the current count: (60+0)/2/50 = 0.6 < 1 < 1.2.
    assert.equal(resourceReplicas(2, 50, [ready('a', 60), pod('b', 'missing')])?.replicas, 2);
    // Ignored (terminating, failed) pods do not count; no ready metric at all is no proposal.
    assert.equal(resourceReplicas(2, 50, [ready('a', 100), pod('b', 'ignored')])?.replicas, 2);
    assert.equal(resourceReplicas(2, 50, [pod('a', 'unready'), pod('b', 'missing')]), undefined);
  });

  it("pods that report no metrics (SIM_NO_METRICS): FailedGetResourceMetric with upstream's message, no scaling", async () => {
    const d = deployment('default', 'nometrics', 3);
    (d.spec.template.spec.containers[0] as Container).env = [{ name: 'SIM_NO_METRICS', value: 'true' }];
    await apply('/apis/apps/v1/namespaces/default/deployments/nometrics', d);
    await eventually(
      () => c.store.get('apps/v1', 'Deployment', 'default', 'nometrics')?.status?.readyReplicas === 3,
      '3 ready',
    );
    await apply('/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/nometrics', {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'nometrics' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'nometrics' },
        minReplicas: 1,
        maxReplicas: 6,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
          },
        ],
        behavior: { scaleDown: { stabilizationWindowSeconds: 0 } },
      },
    });
    c.setUtilization('default', 'nometrics', 5);
    const wanted =
      'the HPA was unable to compute the replica count: failed to get cpu utilization: did not receive metrics for any ready pods';
    await eventually(
      () =>
        hpaStatus('default', 'nometrics').conditions?.some(
          (x) => x.type === 'ScalingActive' && x.reason === 'FailedGetResourceMetric' && x.message === wanted,
        ),
      'FailedGetResourceMetric without ready metrics',
    );
    assert.equal(replicasOf('default', 'nometrics'), 3, 'no scale-down without metrics');
  });

  it('decide: tolerance, ceil, the default scale-up limit and min/max', () => {
    const hpa = { spec: { minReplicas: 1, maxReplicas: 100 } } as HpaView;
    assert.deepEqual(decide(4, 87, 80, hpa), { desired: 4, utilization: 87 });
    assert.deepEqual(decide(4, 90, 80, hpa), { desired: 5, utilization: 90 });
    assert.deepEqual(decide(3, 1000, 50, hpa), { desired: 7, utilization: 1000 });
    assert.deepEqual(decide(10, 1000, 50, hpa), { desired: 20, utilization: 1000 });
    assert.equal(decide(4, 1, 80, hpa).desired, 1);
    assert.equal(
      decide(4, 1, 80, { spec: { minReplicas: 3, maxReplicas: 5 } } as HpaView).limited,
      'TooFewReplicas',
    );
    assert.equal(decide(4, undefined, 80, hpa).desired, 4);
  });
});

describe('PodDisruptionBudget and the Eviction API', () => {
  before(async () => {
    c = await startSimCluster({ rps: 0, timeScale: 0.02 });
  });
  after(() => c.stop());

  it('reports budget status and refuses an eviction that would break it with 429', async () => {
    await apply('/apis/apps/v1/namespaces/default/deployments/db', deployment('default', 'db', 3));
    await apply('/apis/policy/v1/namespaces/default/poddisruptionbudgets/db', {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'db' },
      spec: { minAvailable: 2, selector: { matchLabels: { app: 'db' } } },
    });
    const status = await eventually(() => {
      const s = c.store.get('policy/v1', 'PodDisruptionBudget', 'default', 'db')?.status;
      return s?.currentHealthy === 3 ? s : undefined;
    }, 'pdb status');
    assert.equal(status.expectedPods, 3);
    assert.equal(status.desiredHealthy, 2);
    assert.equal(status.disruptionsAllowed, 1);
    assert.equal(status.conditions[0].reason, 'SufficientPods');

    const pods = c.store.list('v1', 'Pod', 'default', { labelSelector: 'app=db' });
    const evict = (name: string) =>
      api('POST', `/api/v1/namespaces/default/pods/${name}/eviction`, {
        apiVersion: 'policy/v1',
        kind: 'Eviction',
        metadata: { name, namespace: 'default' },
      });
    const first = await evict(pods[0].metadata.name!);
    assert.equal(first.code, 201);
    assert.ok(
      c.store.get('v1', 'Pod', 'default', pods[0].metadata.name!)?.metadata.deletionTimestamp ?? true,
    );
    const second = await evict(pods[1].metadata.name!);
    assert.equal(second.code, 429);
    assert.equal(second.body.reason, 'TooManyRequests');
    assert.equal(second.body.message, "Cannot evict pod as it would violate the pod's disruption budget.");
    assert.equal(
      second.body.details.causes[0].message,
      'The disruption budget db needs 2 healthy pods and has 2 currently',
    );
    assert.equal(
      c.store.get('v1', 'Pod', 'default', pods[1].metadata.name!)?.metadata.deletionTimestamp,
      undefined,
    );
    // Once the replacement is ready, the budget allows one more.
    await eventually(
      () => c.store.get('policy/v1', 'PodDisruptionBudget', 'default', 'db')?.status.disruptionsAllowed === 1,
      'recovered',
    );
    assert.equal((await evict(pods[1].metadata.name!)).code, 201);
  });

  it('kubectl drain is held by the budget with the real message and leaves the pods running', async () => {
    await apply('/apis/apps/v1/namespaces/default/deployments/cache', deployment('default', 'cache', 3));
    await apply('/apis/policy/v1/namespaces/default/poddisruptionbudgets/cache', {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'cache' },
      spec: { maxUnavailable: 0, selector: { matchLabels: { app: 'cache' } } },
    });
    const onNode = await eventually(() => {
      const pods = c.store.list('v1', 'Pod', 'default', { labelSelector: 'app=cache' });
      const ready = pods.filter((p) =>
        view<PodView>(p).status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True'),
      );
      return ready.length === 3 ? ready[0] : undefined;
    }, 'cache ready');
    const node = onNode.spec.nodeName;
    const out = await new Promise<string>((resolve) =>
      execFile(
        'kubectl',
        [
          '--kubeconfig',
          c.kubeconfigPath,
          'drain',
          node,
          '--ignore-daemonsets',
          '--pod-selector=app=cache',
          '--timeout=2s',
        ],
        { timeout: 30_000 },
        (_err, stdout, stderr) => resolve(stdout + stderr),
      ),
    );
    assert.match(out, /Cannot evict pod as it would violate the pod's disruption budget\./);
    assert.equal(
      c.store.get('v1', 'Pod', 'default', onNode.metadata.name!)?.metadata.deletionTimestamp,
      undefined,
    );
  });

  it('discovery lists pods/eviction as policy/v1 Eviction (create only)', async () => {
    const res = await api('GET', '/api/v1');
    const row = res.body.resources.find((r) => r.name === 'pods/eviction');
    assert.deepEqual(row, {
      name: 'pods/eviction',
      singularName: '',
      namespaced: true,
      group: 'policy',
      version: 'v1',
      kind: 'Eviction',
      verbs: ['create'],
    });
    assert.equal((await api('GET', '/api/v1/namespaces/default/pods/x/eviction')).code, 405);
  });
});
