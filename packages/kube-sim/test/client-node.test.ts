// The real @kubernetes/client-node 2.x against the simulated API server.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { startSimCluster } from '../src/index.ts';
import type { SimCluster } from '../src/index.ts';

let c: SimCluster;
let kc: k8s.KubeConfig;

/** A Deployment manifest whose name and namespace are set (what client.read needs). */
type DeploymentManifest = k8s.V1Deployment & { metadata: { name: string; namespace: string } };

function deployment(name: string, image = 'nginx:1.25', replicas = 2): DeploymentManifest {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } },
    },
  };
}

/** Wait for a condition driven by asynchronous callbacks (bounded, not a timing assertion). */
async function eventually(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

before(async () => {
  c = await startSimCluster({ controllers: false, rps: 0 });
  kc = new k8s.KubeConfig();
  kc.loadFromString(c.kubeconfig);
});
after(async () => {
  await c.stop();
});

describe('KubernetesObjectApi', () => {
  it('server-side applies, reads, lists, patches and deletes', async () => {
    const client = k8s.KubernetesObjectApi.makeApiClient(kc);
    const created = await client.patch(
      deployment('web'),
      undefined,
      undefined,
      'kube-rollout',
      true,
      k8s.PatchStrategy.ServerSideApply,
    );
    assert.equal(created.metadata?.name, 'web');
    assert.ok(
      (created.metadata?.managedFields ?? []).some(
        (m) => m.manager === 'kube-rollout' && m.operation === 'Apply',
      ),
    );

    const read = (await client.read({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
    })) as k8s.V1Deployment;
    assert.equal(read.spec?.replicas, 2);
    assert.equal(read.spec?.strategy?.type, 'RollingUpdate');

    const list = await client.list(
      'apps/v1',
      'Deployment',
      'default',
      undefined,
      undefined,
      undefined,
      undefined,
      'app=web',
    );
    assert.deepEqual(
      list.items.map((d) => d.metadata?.name),
      ['web'],
    );

    const patched = (await client.patch(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'default' },
        spec: { replicas: 4 },
      } as k8s.V1Deployment,
      undefined,
      undefined,
      undefined,
      undefined,
      k8s.PatchStrategy.MergePatch,
    )) as k8s.V1Deployment;
    assert.equal(patched.spec?.replicas, 4);

    const dry = (await client.patch(
      deployment('web', 'nginx:dry'),
      undefined,
      'All',
      'kube-rollout',
      true,
      k8s.PatchStrategy.ServerSideApply,
    )) as k8s.V1Deployment;
    assert.equal(dry.spec?.template.spec?.containers[0].image, 'nginx:dry');
    assert.equal(
      ((await client.read(deployment('web'))) as k8s.V1Deployment).spec?.template.spec?.containers[0].image,
      'nginx:1.25',
    );

    await client.delete({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
    });
    await assert.rejects(client.read(deployment('web')), (err: { code?: number; body?: unknown }) => {
      assert.equal(err.code, 404);
      const body = typeof err.body === 'string' ? JSON.parse(err.body) : err.body;
      assert.equal(body.reason, 'NotFound');
      assert.equal(body.message, 'deployments.apps "web" not found');
      return true;
    });
  });

  it('surfaces server-side apply conflicts as 409 with causes', async () => {
    const client = k8s.KubernetesObjectApi.makeApiClient(kc);
    await client.patch(
      deployment('owned'),
      undefined,
      undefined,
      'first',
      false,
      k8s.PatchStrategy.ServerSideApply,
    );
    await assert.rejects(
      client.patch(
        deployment('owned', 'nginx:2'),
        undefined,
        undefined,
        'second',
        false,
        k8s.PatchStrategy.ServerSideApply,
      ),
      (err: { code?: number; body?: unknown }) => {
        assert.equal(err.code, 409);
        const body = typeof err.body === 'string' ? JSON.parse(err.body) : err.body;
        assert.equal(body.details.causes[0].reason, 'FieldManagerConflict');
        return true;
      },
    );
  });

  it('works with custom resources the simulator knows', async () => {
    const client = k8s.KubernetesObjectApi.makeApiClient(kc);
    const route = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'web', namespace: 'default' },
      spec: { rules: [{ backendRefs: [{ name: 'web-stable', port: 80, weight: 100 }] }] },
    };
    await client.patch(route, undefined, undefined, 'kube-rollout', true, k8s.PatchStrategy.ServerSideApply);
    const read = (await client.read(route)) as typeof route;
    assert.equal(read.spec.rules[0].backendRefs[0].weight, 100);
    assert.equal(read.apiVersion, 'gateway.networking.k8s.io/v1');
  });
});

describe('typed APIs', () => {
  it('reads a deployment and lists pods', async () => {
    const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
    await objects.patch(
      deployment('typed'),
      undefined,
      undefined,
      'kube-rollout',
      true,
      k8s.PatchStrategy.ServerSideApply,
    );
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const d = await apps.readNamespacedDeployment({ name: 'typed', namespace: 'default' });
    assert.equal(d.spec?.replicas, 2);
    assert.ok(d.metadata?.creationTimestamp instanceof Date);

    for (const name of ['typed-a', 'typed-b']) {
      c.store.create({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: 'default', labels: { app: 'typed' } },
        spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] },
      });
    }
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const pods = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=typed' });
    assert.deepEqual(
      pods.items.map((p) => p.metadata?.name),
      ['typed-a', 'typed-b'],
    );
    assert.equal(pods.items[0].status?.phase, 'Pending');

    const scaled = await apps.patchNamespacedDeploymentScale(
      { name: 'typed', namespace: 'default', body: { spec: { replicas: 3 } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    assert.equal(scaled.spec?.replicas, 3);
  });
});

describe('watch and informer', () => {
  it('delivers watch events and ends the stream cleanly on timeout', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const list = await core.listNamespacedConfigMap({ namespace: 'default' });
    const events: string[] = [];
    let finished: unknown = 'pending';
    const watch = new k8s.Watch(kc);
    await watch.watch(
      '/api/v1/namespaces/default/configmaps',
      { resourceVersion: list.metadata?.resourceVersion, timeoutSeconds: 2 },
      (type, obj) => events.push(`${type} ${obj.metadata.name}`),
      (err) => {
        finished = err;
      },
    );
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'watched' }, data: { a: '1' } },
    });
    await core.deleteNamespacedConfigMap({ name: 'watched', namespace: 'default' });
    await eventually(() => events.length >= 2, 'two watch events');
    assert.deepEqual(events, ['ADDED watched', 'DELETED watched']);
    await eventually(() => finished !== 'pending', 'the watch to end');
    assert.equal(finished, null);
  });

  it('an informer lists, then picks up a created object', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/configmaps', () =>
      core.listNamespacedConfigMap({ namespace: 'default' }),
    );
    const added: string[] = [];
    const errors: unknown[] = [];
    informer.on('add', (obj) => added.push(obj.metadata?.name ?? ''));
    informer.on('error', (err) => errors.push(err));
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'before' } } });
    await informer.start();
    try {
      await eventually(() => added.includes('before'), 'the listed object');
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'after' } } });
      await eventually(() => added.includes('after'), 'the watched object');
      assert.ok(informer.get('after', 'default'));
      assert.deepEqual(errors, []);
    } finally {
      await informer.stop();
    }
  });
});
