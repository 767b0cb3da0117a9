/**
 * The traffic routers against the simulated cluster, through the real Cluster implementation.
 * Shares are measured by the simulator's traffic model (requests sent through the Ingress /
 * HTTPRoute / VirtualService / TrafficSplit entry points, counted by version).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { createCluster } from '../../src/kube/cluster.ts';
import type { Cluster, KubeObject, ObjectRef } from '../../src/kube/types.ts';
import type { HeaderRoute, TrafficName } from '../../src/config/types.ts';
import { createTrafficRouter } from '../../src/traffic/index.ts';
import { isDeploymentReady } from '../../src/traffic/replicas.ts';
import type { TrafficRouter, TrafficTarget } from '../../src/traffic/types.ts';
import {
  view,
  type HTTPRouteObject,
  type ServiceObject,
  type TrafficSplitObject,
  type VirtualServiceObject,
} from '../../src/traffic/objects.ts';
import { replicasOf } from '../../src/manifests/workload-views.ts';
import { startSimCluster } from '@kube-rollout/kube-sim';

const NS = 'default';
const VERSION_LABEL = 'version';
const MARK = { 'X-Canary': 'yes' };
const headerRoute: HeaderRoute = { name: 'testers', header: 'X-Canary', match: { exact: 'yes' } };

type Sim = Awaited<ReturnType<typeof startSimCluster>>;
let sim: Sim;
let cluster: Cluster;

before(async () => {
  sim = await startSimCluster({ rps: 0, timeScale: 0.02, markedTraffic: { share: 0.2, headers: MARK } });
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig);
  cluster = createCluster(kc);
});

after(async () => {
  await sim?.stop();
});

function deployment(name: string, app: string, version: string, replicas: number): KubeObject {
  // The version is not part of the selector, so the stable Deployment can take the new version.
  const selector = { app, track: name === app ? 'stable' : name.slice(app.length + 1) };
  const labels = { ...selector, [VERSION_LABEL]: version };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS, labels: { app } },
    spec: {
      replicas,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            { name: 'web', image: `registry.local/web:${version}`, ports: [{ containerPort: 8080 }] },
          ],
        },
      },
    },
  };
}

function service(app: string): ServiceObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: app, namespace: NS, labels: { app } },
    spec: { selector: { app }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  };
}

/** The selector of a Service as the cluster has it now. */
async function liveSelector(svc: KubeObject): Promise<Record<string, string> | undefined> {
  const live = await cluster.get(ref(svc));
  return live && view<ServiceObject>(live).spec?.selector;
}

const ref = (obj: KubeObject, name = obj.metadata.name ?? ''): ObjectRef => ({
  apiVersion: obj.apiVersion,
  kind: obj.kind,
  name,
  namespace: NS,
});

async function waitReady(d: KubeObject, replicas: number): Promise<void> {
  await cluster.watchUntil(
    'apps/v1',
    'Deployment',
    NS,
    { fieldSelector: `metadata.name=${d.metadata.name}` },
    (e) => (isDeploymentReady(e.object, replicas) ? true : undefined),
    { timeoutMs: 30_000, description: `${d.metadata.name} ready` },
  );
}

interface App {
  target: TrafficTarget;
  stable: KubeObject;
  canary: KubeObject;
}

/** Stable (v1) and canary (v2) Deployments, the Service and the given routing objects, all ready. */
async function startApp(
  app: string,
  routing: KubeObject[],
  replicas = { stable: 4, canary: 4 },
): Promise<App> {
  const stable = deployment(app, app, 'v1', replicas.stable);
  const canary = deployment(`${app}-canary`, app, 'v2', replicas.canary);
  const svc = service(app);
  for (const obj of [svc, ...routing, stable, canary]) await cluster.apply(obj);
  await Promise.all([
    waitReady(stable, replicas.stable),
    replicas.canary ? waitReady(canary, replicas.canary) : undefined,
  ]);
  const find = (kind: string) => routing.find((o) => o.kind === kind);
  return {
    stable,
    canary,
    target: {
      namespace: NS,
      app,
      stableWorkload: stable,
      newWorkload: canary,
      service: svc,
      routeObject: ['Ingress', 'HTTPRoute', 'VirtualService', 'TrafficSplit'].map(find).find(Boolean),
      versionLabel: VERSION_LABEL,
      stableVersion: 'v1',
      newVersion: 'v2',
    },
  };
}

/** Sends `n` requests through an entry point and reads the simulator's counters for them. */
function measure(
  entry: string,
  n = 2000,
  headers: Record<string, string> = {},
): { v1: number; v2: number; other: number; canaryShare: number } {
  const total = (counts: Record<string, { requests: number }>) =>
    Object.values(counts).reduce((sum, c) => sum + c.requests, 0);
  const before = sim.traffic.counts({ entry });
  for (let i = 0; i < n; i++) sim.traffic.sendRequest(entry, { path: '/', headers, cookies: {} });
  const after = sim.traffic.counts({ entry });
  const v1 = (after.v1?.requests ?? 0) - (before.v1?.requests ?? 0);
  const v2 = (after.v2?.requests ?? 0) - (before.v2?.requests ?? 0);
  const all = total(after) - total(before);
  return { v1, v2, other: all - v1 - v2, canaryShare: (100 * v2) / Math.max(1, v1 + v2) };
}

async function assertWeights(router: TrafficRouter, entry: string): Promise<void> {
  for (const weight of [10, 50]) {
    await router.setWeight(weight);
    const m = measure(entry);
    assert.equal(m.other, 0, `every request answered by v1 or v2 at weight ${weight}`);
    assert.ok(
      Math.abs(m.canaryShare - weight) <= 3,
      `canary share ${m.canaryShare.toFixed(1)}% at weight ${weight}`,
    );
  }
}

async function assertHeaderRoute(router: TrafficRouter, entry: string): Promise<void> {
  await router.setWeight(0);
  await router.setHeaderRoute(headerRoute);
  const marked = measure(entry, 300, MARK);
  const unmarked = measure(entry, 300);
  assert.deepEqual([marked.v1, marked.v2, marked.other], [0, 300, 0], 'marked requests all on canary');
  assert.deepEqual(
    [unmarked.v1, unmarked.v2, unmarked.other],
    [300, 0, 0],
    'unmarked requests all on stable',
  );
  await router.setHeaderRoute(null, headerRoute.name);
  assert.equal(measure(entry, 300, MARK).v2, 0, 'header route removed');
}

/** What the user wrote: spec and annotations without ours. */
function userShape(obj: KubeObject | undefined): unknown {
  if (!obj) return undefined;
  const annotations = Object.fromEntries(
    Object.entries(obj.metadata.annotations ?? {}).filter(([k]) => !k.startsWith('kube-rollout.io/')),
  );
  return {
    spec: obj.spec,
    annotations,
    ours: Object.keys(obj.metadata.annotations ?? {}).filter((k) => k.startsWith('kube-rollout.io/')),
  };
}

/** Rollback order: traffic to stable, the canary Deployment removed, then reset. */
async function rollBackAndReset(router: TrafficRouter, a: App): Promise<void> {
  await router.setWeight(0);
  await cluster.delete(ref(a.canary));
  await router.reset();
}

async function assertNoCanaryObjects(
  app: string,
  kinds: [apiVersion: string, kind: string][],
): Promise<void> {
  for (const [apiVersion, kind] of kinds) {
    assert.equal(
      await cluster.get({ apiVersion, kind, name: `${app}-canary`, namespace: NS }),
      undefined,
      `${kind} ${app}-canary removed`,
    );
  }
}

function ingress(app: string): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: app,
      namespace: NS,
      annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' },
    },
    spec: {
      ingressClassName: 'nginx',
      rules: [
        {
          host: `${app}.example`,
          http: {
            paths: [
              { path: '/', pathType: 'Prefix', backend: { service: { name: app, port: { number: 80 } } } },
            ],
          },
        },
      ],
    },
  };
}

function httpRoute(app: string): KubeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: app, namespace: NS },
    spec: {
      parentRefs: [{ name: 'gateway' }],
      rules: [
        { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: app, port: 80 }] },
      ],
    },
  };
}

async function snapshot(objs: KubeObject[]): Promise<unknown[]> {
  return Promise.all(objs.map(async (o) => userShape(await cluster.get(ref(o)))));
}

function routerFor(name: TrafficName, a: App, opts = {}): TrafficRouter {
  return createTrafficRouter(name, cluster, a.target, opts);
}

describe('nginx router', () => {
  it('splits by canary-weight, routes marked requests, and resets to the user objects', async () => {
    const app = 'shop-nginx';
    const a = await startApp(app, [ingress(app)]);
    const userObjects = [a.target.service!, a.target.routeObject!];
    const before = await snapshot(userObjects);
    const entry = `ingress/${NS}/${app}`;
    const router = routerFor('nginx', a);
    await router.prepare();
    assert.equal(measure(entry, 500).v2, 0, 'prepare sends nothing to the canary');
    const canaryIngress = await cluster.get(ref(a.target.routeObject!, `${app}-canary`));
    assert.equal(canaryIngress?.metadata.annotations?.['nginx.ingress.kubernetes.io/canary'], 'true');
    await assertWeights(router, entry);
    await assertHeaderRoute(router, entry);
    // A later job: a fresh router object, only the cluster as memory.
    await rollBackAndReset(routerFor('nginx', a), a);
    await assertNoCanaryObjects(app, [
      ['networking.k8s.io/v1', 'Ingress'],
      ['v1', 'Service'],
    ]);
    assert.deepEqual(await snapshot(userObjects), before);
    assert.deepEqual(measure(entry, 300), { v1: 300, v2: 0, other: 0, canaryShare: 0 });
  });
});

describe('promotion path', () => {
  it('gives the user objects back while the canary still runs, once stable runs the new version', async () => {
    const app = 'shop-promote';
    const a = await startApp(app, [ingress(app)], { stable: 3, canary: 3 });
    const userObjects = [a.target.service!, a.target.routeObject!];
    const before = await snapshot(userObjects);
    const entry = `ingress/${NS}/${app}`;
    const router = routerFor('nginx', a);
    await router.prepare();
    await router.setWeight(100);
    assert.equal(measure(entry, 300).v1, 0, 'all traffic on the canary');
    const promoted = deployment(app, app, 'v2', 3);
    await cluster.apply(promoted);
    await waitReady(promoted, 3);
    await routerFor('nginx', a).reset();
    await assertNoCanaryObjects(app, [
      ['networking.k8s.io/v1', 'Ingress'],
      ['v1', 'Service'],
    ]);
    assert.deepEqual(await snapshot(userObjects), before);
    assert.deepEqual(measure(entry, 300), { v1: 0, v2: 300, other: 0, canaryShare: 100 });
    await cluster.delete(ref(a.canary));
  });
});

describe('gateway-api router', () => {
  it('splits by backendRef weights, routes marked requests, and resets to the user objects', async () => {
    const app = 'shop-gw';
    const a = await startApp(app, [httpRoute(app)]);
    const userObjects = [a.target.service!, a.target.routeObject!];
    const before = await snapshot(userObjects);
    const entry = `httproute/${NS}/${app}`;
    const router = routerFor('gateway-api', a);
    await router.prepare();
    assert.equal(measure(entry, 500).v2, 0);
    await assertWeights(router, entry);
    await assertHeaderRoute(router, entry);
    await rollBackAndReset(routerFor('gateway-api', a), a);
    await assertNoCanaryObjects(app, [['v1', 'Service']]);
    assert.deepEqual(await snapshot(userObjects), before);
    assert.deepEqual(measure(entry, 300), { v1: 300, v2: 0, other: 0, canaryShare: 0 });
  });

  it('on rollback, scales the new version down before giving the selector back', async () => {
    const app = 'shop-gw2';
    const a = await startApp(app, [httpRoute(app)], { stable: 2, canary: 2 });
    const router = routerFor('gateway-api', a);
    await router.prepare();
    await router.setWeight(50);
    // reset() while the canary Deployment still exists (its removal comes later).
    await routerFor('gateway-api', a).reset();
    assert.equal(replicasOf(await cluster.get(ref(a.canary))), 0);
    assert.deepEqual(await liveSelector(a.target.service!), { app });
    assert.deepEqual(measure(`service/${NS}/${app}`, 300), { v1: 300, v2: 0, other: 0, canaryShare: 0 });
    await cluster.delete(ref(a.canary));
  });

  it('keeps the stable pin while pods of another version would match the user selector', async () => {
    const app = 'shop-gw3';
    const a = await startApp(app, [httpRoute(app)], { stable: 2, canary: 2 });
    const router = routerFor('gateway-api', a, { drainTimeoutMs: 300 });
    await router.prepare();
    const stray = deployment(`${app}-other`, app, 'v3', 1);
    await cluster.apply(stray);
    await waitReady(stray, 1);
    await assert.rejects(router.reset(), /pods of a version other than v1 still match/);
    const pinned = measure(`service/${NS}/${app}`, 300);
    assert.deepEqual([pinned.v1, pinned.other], [300, 0], 'the user Service still reaches only stable pods');
    await cluster.delete(ref(stray));
    await routerFor('gateway-api', a).reset();
    assert.deepEqual(await liveSelector(a.target.service!), { app });
    await cluster.delete(ref(a.canary));
  });
});

function virtualService(app: string, host: string): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: app, namespace: NS },
    spec: {
      hosts: [`${app}.example`],
      http: [{ name: 'main', route: [{ destination: { host, port: { number: 80 } } }] }],
    },
  };
}

describe('istio router', () => {
  for (const mode of ['hosts', 'subsets'] as const) {
    it(`splits by ${mode}, routes marked requests, and resets`, async () => {
      const app = `shop-istio-${mode}`;
      const routing: KubeObject[] = [virtualService(app, `${app}.${NS}.svc.cluster.local`)];
      const dr: KubeObject = {
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: { name: app, namespace: NS },
        spec: { host: app },
      };
      if (mode === 'subsets') routing.push(dr);
      const a = await startApp(app, routing);
      const userObjects = [a.target.service!, ...routing];
      const before = await snapshot(userObjects);
      const entry = `virtualservice/${NS}/${app}`;
      const router = routerFor('istio', a);
      await router.prepare();
      assert.equal(measure(entry, 500).v2, 0);
      await assertWeights(router, entry);
      await assertHeaderRoute(router, entry);
      if (mode === 'subsets')
        assert.equal(
          await cluster.get(ref(a.target.service!, `${app}-canary`)),
          undefined,
          'subsets need no canary Service',
        );
      await rollBackAndReset(routerFor('istio', a), a);
      await assertNoCanaryObjects(app, [['v1', 'Service']]);
      assert.deepEqual(await snapshot(userObjects), before);
    });
  }
});

describe('smi router', () => {
  it('owns a TrafficSplit with the served API version and removes it on reset', async () => {
    const app = 'shop-smi';
    const a = await startApp(app, []);
    const before = await snapshot([a.target.service!]);
    const router = routerFor('smi', a);
    await router.prepare();
    const split = await cluster.get({
      apiVersion: 'split.smi-spec.io/v1alpha3',
      kind: 'TrafficSplit',
      name: app,
      namespace: NS,
    });
    assert.equal(split && view<TrafficSplitObject>(split).spec?.service, app);
    await assertWeights(router, `trafficsplit/${NS}/${app}`);
    await assert.rejects(
      router.setHeaderRoute(headerRoute),
      /traffic router "smi": header routes are not supported/,
    );
    await rollBackAndReset(routerFor('smi', a), a);
    assert.equal(
      await cluster.get({
        apiVersion: 'split.smi-spec.io/v1alpha3',
        kind: 'TrafficSplit',
        name: app,
        namespace: NS,
      }),
      undefined,
    );
    await assertNoCanaryObjects(app, [['v1', 'Service']]);
    assert.deepEqual(await snapshot([a.target.service!]), before);
  });
});

describe("smi router with the user's TrafficSplit", () => {
  it('changes the backends in place and gives them back on reset', async () => {
    const app = 'shop-smi-user';
    const split: KubeObject = {
      apiVersion: 'split.smi-spec.io/v1alpha2',
      kind: 'TrafficSplit',
      metadata: { name: `${app}-split`, namespace: NS },
      spec: { service: app, backends: [{ service: app, weight: 100 }] },
    };
    const a = await startApp(app, [split]);
    const userObjects = [a.target.service!, split];
    const before = await snapshot(userObjects);
    const router = routerFor('smi', a);
    await router.prepare();
    await assertWeights(router, `trafficsplit/${NS}/${app}-split`);
    await rollBackAndReset(routerFor('smi', a), a);
    await assertNoCanaryObjects(app, [['v1', 'Service']]);
    assert.deepEqual(await snapshot(userObjects), before);
  });
});

describe('service router', () => {
  it('switches the Service selector between the versions and restores it', async () => {
    const app = 'shop-bg';
    const a = await startApp(app, [], { stable: 2, canary: 2 });
    const before = await snapshot([a.target.service!]);
    const entry = `service/${NS}/${app}`;
    const router = routerFor('service', a);
    await router.prepare();
    assert.equal(measure(entry, 300).v2, 0);
    assert.equal(await router.getWeight(), 0);
    await router.setWeight(100);
    assert.equal(measure(entry, 300).v1, 0);
    assert.equal(await router.getWeight(), 100);
    await assert.rejects(router.setWeight(50), /weight must be 0 or 100/);
    // Someone points the Service back at v1: the read weight says so.
    await cluster.patch(ref(a.target.service!), { spec: { selector: { [VERSION_LABEL]: 'v1' } } }, 'merge');
    assert.equal(await routerFor('service', a).getWeight(), 0);
    await rollBackAndReset(routerFor('service', a), a);
    assert.deepEqual(await snapshot([a.target.service!]), before);
  });
});

describe('replicas router', () => {
  it('moves the pod ratio, keeps the total, and restores the stable size', async () => {
    const app = 'shop-replicas';
    const a = await startApp(app, [], { stable: 10, canary: 0 });
    const entry = `service/${NS}/${app}`;
    const router = routerFor('replicas', a);
    await router.prepare();
    for (const [weight, canary] of [
      [10, 1],
      [50, 5],
    ]) {
      await router.setWeight(weight);
      const [s, c] = await Promise.all([cluster.get(ref(a.stable)), cluster.get(ref(a.canary))]);
      assert.deepEqual([replicasOf(s), replicasOf(c)], [10 - canary, canary]);
      const m = measure(entry);
      assert.equal(m.other, 0);
      assert.ok(
        Math.abs(m.canaryShare - weight) <= 5,
        `canary share ${m.canaryShare.toFixed(1)}% at weight ${weight}`,
      );
    }
    await routerFor('replicas', a).reset();
    const [s, c] = await Promise.all([cluster.get(ref(a.stable)), cluster.get(ref(a.canary))]);
    assert.deepEqual([replicasOf(s), replicasOf(c)], [10, 0]);
    assert.equal(s?.metadata.annotations?.['kube-rollout.io/stable-replicas'], undefined);
  });
});

/** Changes an object the way someone else would (a person, another controller): read, edit, merge-patch. */
async function tamper(obj: KubeObject, name: string, edit: (live: KubeObject) => unknown): Promise<void> {
  const r = ref(obj, name);
  const live = await cluster.get(r);
  assert.ok(live, `${obj.kind} ${name} exists`);
  await cluster.patch(r, edit(live), 'merge');
}

const splitWeights = (refs: { name: string }[], app: string, canary: number) =>
  refs.map((r) => ({ ...r, weight: r.name === app ? 100 - canary : canary }));

describe('weights read back from the data plane', () => {
  const cases: {
    router: TrafficName;
    routing: (app: string) => KubeObject[];
    entry: (app: string) => string;
    /** Sets the canary share to 70 on the object the data plane reads, leaving our annotations alone. */
    meddle: (a: App, app: string) => Promise<void>;
  }[] = [
    {
      router: 'nginx',
      routing: (app) => [ingress(app)],
      entry: (app) => `ingress/${NS}/${app}`,
      meddle: (a, app) =>
        tamper(a.target.routeObject!, `${app}-canary`, () => ({
          metadata: { annotations: { 'nginx.ingress.kubernetes.io/canary-weight': '70' } },
        })),
    },
    {
      router: 'gateway-api',
      routing: (app) => [httpRoute(app)],
      entry: (app) => `httproute/${NS}/${app}`,
      meddle: (a, app) =>
        tamper(a.target.routeObject!, app, (live) => ({
          spec: {
            rules: view<HTTPRouteObject>(live).spec!.rules!.map((rule) => ({
              ...rule,
              backendRefs: splitWeights(rule.backendRefs!, app, 70),
            })),
          },
        })),
    },
    {
      router: 'istio',
      routing: (app) => [virtualService(app, app)],
      entry: (app) => `virtualservice/${NS}/${app}`,
      meddle: (a, app) =>
        tamper(a.target.routeObject!, app, (live) => ({
          spec: {
            http: view<VirtualServiceObject>(live).spec!.http!.map((h) => ({
              ...h,
              route: h.route!.map((r) => ({ ...r, weight: r.destination.host === app ? 30 : 70 })),
            })),
          },
        })),
    },
    {
      router: 'smi',
      routing: () => [],
      entry: (app) => `trafficsplit/${NS}/${app}`,
      meddle: (a, app) =>
        tamper(
          { ...a.target.service!, apiVersion: 'split.smi-spec.io/v1alpha3', kind: 'TrafficSplit' },
          app,
          () => ({
            spec: {
              backends: splitWeights([{ name: app }, { name: `${app}-canary` }], app, 70).map((b) => ({
                service: b.name,
                weight: b.weight,
              })),
            },
          }),
        ),
    },
  ];
  for (const c of cases) {
    it(`${c.router}: getWeight reports a weight someone else set, not our annotation copy`, async () => {
      const app = `shop-read-${c.router}`;
      const a = await startApp(app, c.routing(app), { stable: 2, canary: 2 });
      const router = routerFor(c.router, a);
      assert.equal(await router.getWeight(), 0, 'no canary share before prepare');
      await router.prepare();
      await router.setWeight(30);
      assert.equal(await router.getWeight(), 30);
      await c.meddle(a, app);
      assert.equal(await routerFor(c.router, a).getWeight(), 70);
      assert.ok(Math.abs(measure(c.entry(app)).canaryShare - 70) <= 4, 'the data plane really sends 70%');
      // Setting a weight again overwrites the change; then everything goes back.
      await router.setWeight(20);
      assert.equal(await router.getWeight(), 20);
      await rollBackAndReset(routerFor(c.router, a), a);
      assert.equal(await router.getWeight(), 0);
      await cluster.delete(ref(a.stable));
    });
  }

  it('replicas: getWeight follows the pod counts', async () => {
    const app = 'shop-read-replicas';
    const a = await startApp(app, [], { stable: 4, canary: 0 });
    const router = routerFor('replicas', a);
    await router.prepare();
    await router.setWeight(50);
    assert.equal(await router.getWeight(), 50);
    await cluster.patch(ref(a.canary), { spec: { replicas: 3 } }, 'merge');
    assert.equal(await router.getWeight(), 60, '3 canary pods of 5');
    await rollBackAndReset(router, a);
    await cluster.delete(ref(a.stable));
  });

  it('setWeight fails when the object does not carry the weight it wrote (a meddling webhook)', async () => {
    const app = 'shop-verify';
    const a = await startApp(app, [ingress(app)], { stable: 2, canary: 2 });
    const canaryName = `${app}-canary`;
    // Every write of the canary Ingress is followed by another writer putting 5% back.
    const meddling: Cluster = Object.assign(Object.create(cluster) as Cluster, {
      async apply(obj: KubeObject) {
        const out = await cluster.apply(obj);
        if (obj.kind === 'Ingress' && obj.metadata.name === canaryName)
          await tamper(obj, canaryName, () => ({
            metadata: { annotations: { 'nginx.ingress.kubernetes.io/canary-weight': '5' } },
          }));
        return out;
      },
    });
    const router = createTrafficRouter('nginx', meddling, a.target);
    await router.prepare();
    await assert.rejects(
      router.setWeight(40),
      /traffic router "nginx": wrote weight 40% but Ingress "shop-verify-canary" carries 5% when read back/,
    );
    await rollBackAndReset(routerFor('nginx', a), a);
    await assertNoCanaryObjects(app, [
      ['networking.k8s.io/v1', 'Ingress'],
      ['v1', 'Service'],
    ]);
    await cluster.delete(ref(a.stable));
  });
});
