// The fixture apps of issue 17 keep the shapes the issue describes, and the helpers that copy and
// edit them (test/helpers/fixture-apps.ts) change exactly what they say.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import {
  appFiles,
  fixtureWorkloads,
  imageOf,
  withCrash,
  withEnv,
  withImageTag,
  writeAppCopy,
} from '../helpers/fixture-apps.ts';
import type { KubeObject } from '../../src/kube/types.ts';
import {
  view,
  type ClaimObject,
  type DeploymentObject,
  type TypedObject,
} from '../../src/manifests/workload-views.ts';
import { valueAt } from '../../src/plain-values.ts';
import type { IngressObject, ServiceObject, VirtualServiceObject } from '../../src/traffic/objects.ts';

/** The objects of the YAML files, in order. */
const objectsOf = (files: string[]): KubeObject[] =>
  files.flatMap((f) => parseAllDocuments(readFileSync(f, 'utf8')).map((d) => d.toJS() as KubeObject));

/** Every object of a copied app folder. */
function objectsIn(dir: string): KubeObject[] {
  return objectsOf(
    readdirSync(dir)
      .sort()
      .map((f) => join(dir, f)),
  );
}

/** The object of `kind` named `name`, through the view of its kind. */
function named<View extends TypedObject<unknown, unknown> = TypedObject<unknown, unknown>>(
  objects: KubeObject[],
  kind: string,
  name: string,
): View | undefined {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  return found && view<View>(found);
}

/** The objects of `app` read straight from its fixture files. */
const fixtureObjects = (app: string, optional: string[] = []) => objectsOf(appFiles(app, optional));

describe('fixture app shapes', () => {
  it('boutique: 12 Deployments in one file, one image repository each, a Service per serving one', () => {
    const workloads = fixtureWorkloads('boutique');
    assert.equal(workloads.length, 12);
    assert.equal(new Set(appFiles('boutique')).size, 1);
    const repos = workloads.map((w) => w.images[0].replace(/:[^:/]+$/, ''));
    assert.equal(new Set(repos).size, 12);
    for (const repo of repos) assert.match(repo, /^registry\.local:5000\/boutique\/[a-z-]+$/);
    const objects = fixtureObjects('boutique');
    const services = objects.filter((o) => o.kind === 'Service');
    const serving = workloads.filter((w) => w.name !== 'loadgenerator').map((w) => w.name);
    const selectors = services.map((s) => JSON.stringify(view<ServiceObject>(s).spec?.selector)).sort();
    assert.deepEqual(selectors, serving.map((app) => JSON.stringify({ app })).sort());
    for (const kind of ['HorizontalPodAutoscaler', 'PodDisruptionBudget', 'ConfigMap', 'Ingress'])
      assert.ok(
        objects.some((o) => o.kind === kind),
        kind,
      );
  });

  it('boutique: a one-replica Recreate Redis on a ReadWriteOnce claim; a load generator held by an init container', () => {
    const objects = fixtureObjects('boutique');
    const redis = named<DeploymentObject>(objects, 'Deployment', 'redis-cart');
    assert.deepEqual([redis?.spec.replicas, redis?.spec.strategy?.type], [1, 'Recreate']);
    const claim = redis?.spec.template.spec?.volumes?.[0].persistentVolumeClaim?.claimName;
    const claimed = named<ClaimObject>(objects, 'PersistentVolumeClaim', claim!);
    assert.deepEqual(claimed?.spec?.accessModes, ['ReadWriteOnce']);
    const load = fixtureWorkloads('boutique').find((w) => w.name === 'loadgenerator')!;
    assert.equal(load.initImages.length, 1);
  });

  it('bookinfo: three reviews Deployments behind one Service, told apart by their own version label', () => {
    const objects = fixtureObjects('bookinfo');
    const reviews = ['v1', 'v2', 'v3'].map((v) =>
      named<DeploymentObject>(objects, 'Deployment', `reviews-${v}`),
    );
    assert.deepEqual(
      reviews.map((d) => d?.spec.template.metadata?.labels),
      ['v1', 'v2', 'v3'].map((version) => ({ app: 'reviews', version })),
    );
    assert.deepEqual(named<ServiceObject>(objects, 'Service', 'reviews')?.spec?.selector, { app: 'reviews' });
    const vs = named<VirtualServiceObject>(objects, 'VirtualService', 'bookinfo');
    assert.deepEqual(
      vs!.spec!.http!.flatMap((h) => h.route!.map((r) => r.destination.host)),
      ['productpage'],
    );
  });

  it('bluegreen-demo: a Service and a preview Service on the same pods, an Ingress for each', () => {
    const objects = fixtureObjects('bluegreen-demo');
    for (const name of ['bluegreen-demo', 'bluegreen-demo-preview']) {
      assert.deepEqual(named<ServiceObject>(objects, 'Service', name)?.spec?.selector, {
        app: 'bluegreen-demo',
      });
      const ingress = named<IngressObject>(objects, 'Ingress', name);
      assert.equal(ingress?.spec?.rules?.[0].http?.paths[0].backend.service?.name, name);
    }
  });

  it('guestbook: frontend ×3, Redis leader ×1 and followers ×2 sharing one image', () => {
    const workloads = fixtureWorkloads('guestbook');
    const replicas = Object.fromEntries(workloads.map((w) => [w.name, w.replicas]));
    assert.deepEqual(replicas, { 'redis-leader': 1, 'redis-follower': 2, frontend: 3 });
    const redis = workloads.filter((w) => w.name.startsWith('redis-')).map((w) => w.images[0]);
    assert.deepEqual(new Set(redis).size, 1);
  });
});

describe('writeAppCopy and the edits', () => {
  it('moves every namespaced object and the Namespace object to the new namespace', () => {
    const objects = objectsIn(writeAppCopy('boutique', 'shop-7', { optional: ['httproute'] }));
    assert.ok(named(objects, 'HTTPRoute', 'boutique'), 'the optional file was added');
    assert.ok(named(objects, 'Namespace', 'shop-7'));
    for (const o of objects.filter((o) => o.kind !== 'Namespace'))
      assert.equal(o.metadata.namespace, 'shop-7');
    assert.equal(
      named(objects, 'Ingress', 'boutique')?.metadata.name,
      'boutique',
      'same-named objects keep their name',
    );
    const route = named(objects, 'HTTPRoute', 'boutique');
    assert.equal(valueAt(route, ['spec', 'parentRefs', 0, 'namespace']), 'gateway-system');
  });

  it('leaves optional files out unless asked, and refuses unknown ones and unknown workloads', () => {
    assert.equal(named(objectsIn(writeAppCopy('boutique', 'b')), 'HTTPRoute', 'boutique'), undefined);
    assert.throws(() => writeAppCopy('boutique', 'b', { optional: ['nope'] }), /no optional file nope\.yaml/);
    assert.throws(() => writeAppCopy('boutique', 'b', { edits: [withCrash('carts')] }), /no workload carts/);
  });

  it('withImageTag changes the app containers of one workload only, and keeps the comments', () => {
    const before = objectsIn(writeAppCopy('boutique', 'b'));
    const dir = writeAppCopy('boutique', 'b', { edits: [withImageTag('loadgenerator', 'v2')] });
    const after = objectsIn(dir);
    const load = named<DeploymentObject>(after, 'Deployment', 'loadgenerator')!.spec.template.spec!;
    assert.equal(load.containers[0].image, 'registry.local:5000/boutique/loadgenerator:v2');
    assert.equal(load.initContainers?.[0].image, 'registry.local:5000/boutique/busybox:1.36');
    load.containers[0].image = 'registry.local:5000/boutique/loadgenerator:v1';
    assert.deepEqual(after, before, 'nothing else changed');
    assert.match(
      readFileSync(join(dir, 'boutique.yaml'), 'utf8'),
      /^# Browses the shop; its init container/m,
    );
  });

  it('withCrash and withEnv set one knob on the first container of one workload', () => {
    const dir = writeAppCopy('guestbook', 'g', {
      edits: [
        withEnv('frontend', 'SIM_STARTUP_SECONDS', '5'),
        withCrash('frontend'),
        withEnv('frontend', 'SIM_CRASH', 'yes'),
      ],
    });
    const objects = objectsIn(dir);
    const env = named<DeploymentObject>(objects, 'Deployment', 'frontend')?.spec.template.spec?.containers[0]
      .env;
    assert.deepEqual(env, [
      { name: 'GET_HOSTS_FROM', value: 'dns' },
      { name: 'SIM_STARTUP_SECONDS', value: '5' },
      { name: 'SIM_CRASH', value: 'yes' },
    ]);
    const leader = named<DeploymentObject>(objects, 'Deployment', 'redis-leader')?.spec.template.spec
      ?.containers[0].env;
    assert.deepEqual(leader, [{ name: 'SIM_STARTUP_SECONDS', value: '1' }]);
  });

  it('imageOf gives the `images:` entry of one workload at a new tag', () => {
    assert.equal(imageOf('boutique', 'cart', 'v2'), 'registry.local:5000/boutique/cart:v2');
    assert.equal(imageOf('guestbook', 'redis-follower', '7.4'), 'registry.local:5000/guestbook/redis:7.4');
    assert.throws(() => imageOf('guestbook', 'redis', 'x'), /no workload redis/);
  });
});
