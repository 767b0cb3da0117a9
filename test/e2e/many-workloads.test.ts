// Apps of several workloads (issue 17): only the workloads whose pod template changes roll, only
// those are copied for a canary, each copy goes through the Service that selects its pods and the
// route object that routes there, and a change no route reaches is refused before any write.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';
import { runAction } from '../helpers/action.ts';
import { leftovers, waitForReleaseInvariant } from '../helpers/invariant.ts';

const REGISTRY = 'registry.local:5000/shop';

interface Versions {
  frontend?: string;
  cart?: string;
  redis?: string;
}

function deployment(
  name: string,
  image: string,
  opts: { replicas?: number; recreate?: boolean; claim?: string } = {},
) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas: opts.replicas ?? 2,
      selector: { matchLabels: { app: name } },
      strategy: opts.recreate
        ? { type: 'Recreate' }
        : { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name,
              image,
              ports: [{ containerPort: 8080 }],
              env: [{ name: 'SIM_STARTUP_SECONDS', value: '1' }],
              readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 1 },
              ...(opts.claim ? { volumeMounts: [{ name: 'data', mountPath: '/data' }] } : {}),
            },
          ],
          ...(opts.claim
            ? { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: opts.claim } }] }
            : {}),
        },
      },
    },
  };
}

const service = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, labels: { app: name } },
  spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] },
});

/** A small shop: a frontend behind an Ingress, a cart only other pods call, a Redis with a volume. */
function shop(v: Versions): object[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'redis-data' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    },
    deployment('frontend', `${REGISTRY}/frontend:${v.frontend ?? 'v1'}`),
    service('frontend'),
    deployment('cart', `${REGISTRY}/cart:${v.cart ?? 'v1'}`),
    service('cart'),
    deployment('redis', `${REGISTRY}/redis:${v.redis ?? 'v1'}`, {
      replicas: 1,
      recreate: true,
      claim: 'redis-data',
    }),
    service('redis'),
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'shop' },
      spec: {
        ingressClassName: 'nginx',
        rules: [
          {
            host: 'shop.example.test',
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: 'frontend', port: { number: 80 } } },
                },
              ],
            },
          },
        ],
      },
    },
  ];
}

/** The shop's manifests in a new directory, without the objects named in `without`. */
function writeShop(v: Versions, without: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'kr-shop-'));
  const objects = shop(v).filter(
    (o) => !without.includes((o as { metadata: { name: string } }).metadata.name),
  );
  writeFileSync(join(dir, 'shop.yaml'), objects.map((o) => stringify(o)).join('---\n'));
  return dir;
}

describe('apps of several workloads (dist/index.js against the simulator)', () => {
  let sim: SimCluster;
  let namespaces = 0;

  before(async () => {
    sim = await startSimCluster({ rps: 0 });
  });
  after(async () => {
    await sim.stop();
  });

  const base = (namespace: string) => ({
    kubeconfig: sim.kubeconfig,
    namespace,
    name: 'shop',
    'version-label': 'version',
    comment: 'false',
    'scale-down-delay': '0s',
  });

  /** The pods' UIDs by workload (app label), to tell which workloads restarted. */
  function podsByApp(namespace: string): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const pod of sim.store.list('v1', 'Pod', namespace))
      (out[pod.metadata.labels?.app ?? '?'] ??= []).push(pod.metadata.uid!);
    for (const list of Object.values(out)) list.sort();
    return out;
  }

  /** A namespace where v1 of the shop was released (a first release: every workload is new). */
  async function withShop(): Promise<string> {
    const namespace = `shop-${++namespaces}`;
    sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    const first = await runAction({ ...base(namespace), manifests: writeShop({}), version: 'v1' });
    assert.equal(first.outputs.result, 'promoted', first.stdout);
    const changed = JSON.parse(first.outputs['changed-workloads']!) as { workload: string; change: string }[];
    assert.deepEqual(
      changed.map((c) => `${c.workload} ${c.change}`),
      ['Deployment/frontend new', 'Deployment/cart new', 'Deployment/redis new'],
    );
    return namespace;
  }

  it('a rolling release of one changed image restarts exactly that workload', async () => {
    const namespace = await withShop();
    const before = podsByApp(namespace);
    const run = await runAction({ ...base(namespace), manifests: writeShop({ cart: 'v2' }), version: 'v2' });
    assert.equal(run.outputs.result, 'promoted', run.stdout);
    const after = podsByApp(namespace);
    assert.deepEqual(after.frontend, before.frontend, 'frontend kept its pods');
    assert.deepEqual(after.redis, before.redis, 'redis kept its pods');
    assert.notDeepEqual(after.cart, before.cart, 'cart rolled');
    const changed = JSON.parse(run.outputs['changed-workloads']!);
    assert.deepEqual(changed, [
      {
        workload: 'Deployment/cart',
        change: 'changed',
        images: [`cart: ${REGISTRY}/cart:v1 → ${REGISTRY}/cart:v2`],
        ready: '2/2',
      },
    ]);
    assert.match(run.summary, /2 other workloads unchanged/);
    assert.equal(
      sim.store.get('apps/v1', 'Deployment', namespace, 'frontend')!.spec.template.metadata.labels.version,
      'v1',
      'the unchanged frontend keeps the version it runs',
    );
  });

  it('a rollback of that release returns the changed workload; the unchanged ones, still labelled v1, do not fool it', async () => {
    const namespace = await withShop();
    const v2 = await runAction({ ...base(namespace), manifests: writeShop({ cart: 'v2' }), version: 'v2' });
    assert.equal(v2.outputs.result, 'promoted', v2.stdout);
    const before = podsByApp(namespace);
    const back = await runAction({ ...base(namespace), action: 'rollback', manifests: '' });
    assert.equal(back.outputs.result, 'rolled-back', back.stdout);
    const cart = sim.store.get('apps/v1', 'Deployment', namespace, 'cart')!;
    assert.equal(cart.spec.template.spec.containers[0].image, `${REGISTRY}/cart:v1`);
    const after = podsByApp(namespace);
    assert.deepEqual(after.frontend, before.frontend, 'frontend kept its pods');
    assert.deepEqual(after.redis, before.redis, 'redis kept its pods');
    assert.deepEqual(await waitForReleaseInvariant(sim, { name: 'shop', namespace }), []);
  });

  it('a canary over nginx of the workload the Ingress routes to copies that workload only, and promotes', async () => {
    const namespace = await withShop();
    const before = podsByApp(namespace);
    const run = await runAction(
      {
        ...base(namespace),
        strategy: 'canary',
        traffic: 'nginx',
        manifests: writeShop({ frontend: 'v2' }),
        version: 'v2',
        steps: stringify([{ setWeight: 50 }, { pause: '1s' }]),
      },
      {
        onStdout: () => {
          const copies = sim.store
            .list('apps/v1', 'Deployment', namespace)
            .filter((d) => d.metadata.name!.endsWith('-canary'));
          assert.ok(
            copies.every((d) => d.metadata.name === 'frontend-canary'),
            'only the frontend is copied',
          );
        },
      },
    );
    assert.equal(run.outputs.result, 'promoted', run.stdout);
    assert.match(run.summary, /frontend-canary created/);
    const after = podsByApp(namespace);
    assert.deepEqual(after.cart, before.cart, 'cart kept its pods');
    assert.deepEqual(after.redis, before.redis, 'redis kept its pods');
    assert.deepEqual(await waitForReleaseInvariant(sim, { name: 'shop', namespace }), []);
  });

  it('a canary of a workload no route reaches is refused before any write, naming the chain', async () => {
    const namespace = await withShop();
    const state = sim.store.get('v1', 'ConfigMap', namespace, 'kube-rollout-shop')!.metadata.resourceVersion;
    const run = await runAction({
      ...base(namespace),
      strategy: 'canary',
      traffic: 'nginx',
      manifests: writeShop({ cart: 'v2' }),
      version: 'v2',
    });
    assert.equal(run.outputs.result, 'failed');
    assert.match(
      run.stdout,
      /Ingress shop \(.*shop\.yaml:\d+\) routes only to Service frontend; the changed workload Deployment cart \(.*shop\.yaml:\d+\) is selected by Service cart \(.*shop\.yaml:\d+\)/,
    );
    assert.equal(
      sim.store.get('v1', 'ConfigMap', namespace, 'kube-rollout-shop')!.metadata.resourceVersion,
      state,
      'nothing was written',
    );
    assert.deepEqual(leftovers(sim, namespace), []);
    assert.match(run.summary, /Refused before any change/);
  });

  it('a canary of a Redis that mounts a ReadWriteOnce claim rolls it in place, saying why', async () => {
    const namespace = await withShop();
    const run = await runAction({
      ...base(namespace),
      strategy: 'canary',
      manifests: writeShop({ redis: 'v2' }),
      version: 'v2',
      steps: stringify([{ setWeight: 50 }]),
    });
    assert.equal(run.outputs.result, 'promoted', run.stdout);
    assert.match(
      run.summary,
      /redis: mounts PersistentVolumeClaim redis-data, which a second pod could not mount/,
    );
    assert.equal(sim.store.get('apps/v1', 'Deployment', namespace, 'redis-canary'), undefined);
    assert.deepEqual(await waitForReleaseInvariant(sim, { name: 'shop', namespace }), []);
  });

  it('a release into a namespace that does not exist is one error, with a summary, and writes nothing', async () => {
    const run = await runAction({ ...base('nowhere'), manifests: writeShop({}), version: 'v1' });
    assert.equal(run.outputs.result, 'failed');
    const errors = run.annotations.filter((a) => a.startsWith('::error'));
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0]!, /namespace 'nowhere' does not exist, so none of its 8 objects can be applied/);
    assert.match(errors[0]!, /file=.*shop\.yaml,line=\d+/);
    assert.match(run.summary, /Refused before any change/);
    assert.equal(sim.store.get('v1', 'Namespace', undefined, 'nowhere'), undefined);
  });

  it('a workload dropped from the manifests is left running and reported; prune: true deletes it once promoted', async () => {
    const namespace = await withShop();
    const kept = await runAction({
      ...base(namespace),
      manifests: writeShop({ frontend: 'v2' }, ['cart']),
      version: 'v2',
    });
    assert.equal(kept.outputs.result, 'promoted', kept.stdout);
    assert.match(kept.summary, /no longer in the manifests, left running: Service\/cart, Deployment\/cart/);
    assert.ok(sim.store.get('apps/v1', 'Deployment', namespace, 'cart'), 'cart is left running');
    const pruned = await runAction({
      ...base(namespace),
      manifests: writeShop({ frontend: 'v3' }, ['cart']),
      version: 'v3',
      prune: 'true',
    });
    assert.equal(pruned.outputs.result, 'promoted', pruned.stdout);
    assert.match(pruned.summary, /pruned, no longer in the manifests: Service\/cart, Deployment\/cart/);
    assert.equal(sim.store.get('apps/v1', 'Deployment', namespace, 'cart'), undefined);
    assert.equal(sim.store.get('v1', 'Service', namespace, 'cart'), undefined);
    assert.ok(
      sim.store.get('v1', 'PersistentVolumeClaim', namespace, 'redis-data'),
      'volumes are never pruned',
    );
  });

  it('rolling → recreate → rolling of the same app each promote', async () => {
    const namespace = await withShop();
    for (const [strategy, version] of [
      ['recreate', 'v2'],
      ['rolling', 'v3'],
    ] as const) {
      const run = await runAction({
        ...base(namespace),
        strategy,
        manifests: writeShop({ frontend: version, cart: version }),
        version,
      });
      assert.equal(run.outputs.result, 'promoted', `${strategy}: ${run.stdout}`);
    }
  });
});
