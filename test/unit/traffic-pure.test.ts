import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { HeaderRoute } from '../../src/config/types.ts';
import type { KubeObject } from '../../src/kube/types.ts';
import { isPlainObject } from '../../src/plain-values.ts';
import {
  view,
  type DestinationRuleObject,
  type HTTPRouteObject,
  type IngressObject,
  type ServiceObject,
  type VirtualServiceObject,
} from '../../src/traffic/objects.ts';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import {
  ANNOTATIONS,
  TrafficRouterError,
  prefixPattern,
  verifyWeight,
  withHeaderRoute,
} from '../../src/traffic/common.ts';
import { describeRouter, trafficInputDescription } from '../../src/docs/action-text.ts';
import {
  canaryReplicas,
  isDeploymentReady,
  replicaShare,
  scalingOrder,
  stableReplicas,
} from '../../src/traffic/replicas.ts';
import { selectedVersion } from '../../src/traffic/service.ts';
import {
  canaryService,
  otherVersionPods,
  selectorPinPatch,
  selectorRestorePatch,
} from '../../src/traffic/services.ts';
import { canaryAnnotations, canaryIngress, ingressWeight } from '../../src/traffic/nginx.ts';
import { routePatch, routeRestorePatch, routeRules, routeWeight } from '../../src/traffic/gateway-api.ts';
import {
  destinationRulePatch,
  destinationRuleRestorePatch,
  destinationRuleSubsets,
  isServiceHost,
  virtualServiceHttp,
  virtualServiceCarries,
  virtualServiceRestorePatch,
  virtualServiceWeight,
} from '../../src/traffic/istio.ts';
import {
  ownedTrafficSplit,
  pickSplitApiVersion,
  splitBackends,
  splitWeightValue,
  trafficSplitPatch,
  trafficSplitRestorePatch,
  trafficSplitWeight,
} from '../../src/traffic/smi.ts';
import { ROUTERS, createTrafficRouter, type TrafficName } from '../../src/traffic/index.ts';

/** Applies a JSON merge patch (RFC 7386) the way the API server does, to check patches end to end. */
function mergePatch<T extends KubeObject>(target: T, patch: unknown): T {
  return mergeValue(target, patch) as T;
}

function mergeValue(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isPlainObject(target) ? structuredClone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergeValue(out[k], v);
  }
  return out;
}

const exact: HeaderRoute = { name: 'beta', header: 'X-Canary', match: { exact: 'yes' } };
const prefix: HeaderRoute = { name: 'team', header: 'X-User', match: { prefix: 'qa.' } };
const regex: HeaderRoute = { name: 'rx', header: 'X-Build', match: { regex: '[0-9]+' } };

const service: ServiceObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
  spec: {
    type: 'NodePort',
    selector: { app: 'web' },
    clusterIP: '10.0.0.9',
    ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30080 }],
  },
};

describe('replica arithmetic', () => {
  const table: [total: number, weight: number, canary: number, stable: number][] = [
    [10, 0, 0, 10],
    [10, 10, 1, 9],
    [10, 50, 5, 5],
    [10, 100, 10, 0],
    [3, 10, 1, 2],
    [3, 50, 2, 1],
    [1, 1, 1, 0],
    [4, 25, 1, 3],
  ];
  for (const [total, weight, canary, stable] of table) {
    it(`R=${total} weight ${weight} → canary ${canary}, stable ${stable}`, () => {
      assert.equal(canaryReplicas(total, weight), canary);
      assert.equal(stableReplicas(total, weight), stable);
      assert.equal(stableReplicas(total, weight, true), total);
    });
  }

  it('grows the side that gains pods first', () => {
    assert.deepEqual(scalingOrder({ stable: 10, canary: 0 }, { stable: 9, canary: 1 }), ['canary', 'stable']);
    assert.deepEqual(scalingOrder({ stable: 5, canary: 5 }, { stable: 10, canary: 0 }), ['stable', 'canary']);
  });

  it('judges readiness by generation, updated and ready replicas', () => {
    const d = (generation: number, status: Record<string, unknown>): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x', generation },
      status,
    });
    assert.equal(
      isDeploymentReady(d(2, { observedGeneration: 2, updatedReplicas: 3, readyReplicas: 3 }), 3),
      true,
    );
    assert.equal(
      isDeploymentReady(d(3, { observedGeneration: 2, updatedReplicas: 3, readyReplicas: 3 }), 3),
      false,
    );
    assert.equal(
      isDeploymentReady(d(2, { observedGeneration: 2, updatedReplicas: 3, readyReplicas: 2 }), 3),
      false,
    );
  });
});

describe('Service selector pin and restore', () => {
  it('pins, keeps the first original across pins, and restores exactly', () => {
    const pinned = mergePatch(service, selectorPinPatch(service, 'version', 'v1'));
    assert.deepEqual(pinned.spec?.selector, { app: 'web', version: 'v1' });
    assert.equal(pinned.metadata.annotations?.[ANNOTATIONS.originalSelector], '{"app":"web"}');
    const switched = mergePatch(pinned, selectorPinPatch(pinned, 'version', 'v2'));
    assert.deepEqual(switched.spec?.selector, { app: 'web', version: 'v2' });
    assert.equal(switched.metadata.annotations?.[ANNOTATIONS.originalSelector], '{"app":"web"}');
    const restored = mergePatch(switched, selectorRestorePatch(switched));
    assert.deepEqual(restored.spec, service.spec);
    assert.deepEqual(restored.metadata.annotations, {});
    assert.equal(selectorRestorePatch(service), undefined);
  });

  it('blue-green switches only whole weights', () => {
    assert.equal(selectedVersion(0, 'v1', 'v2'), 'v1');
    assert.equal(selectedVersion(100, 'v1', 'v2'), 'v2');
    assert.throws(() => selectedVersion(50, 'v1', 'v2'), /traffic router "service".*0 or 100/);
  });

  it('builds a ClusterIP canary Service for the new version from the original selector', () => {
    const pinned = mergePatch(service, selectorPinPatch(service, 'version', 'v1'));
    const canary = canaryService('nginx', pinned, 'version', 'v2', 'shop');
    assert.equal(canary.metadata.name, 'web-canary');
    assert.equal(canary.metadata.namespace, 'shop');
    assert.deepEqual(canary.spec, {
      type: 'ClusterIP',
      selector: { app: 'web', version: 'v2' },
      ports: [{ name: 'http', port: 80, targetPort: 8080 }],
    });
    assert.equal(canary.metadata.annotations?.[ANNOTATIONS.createdBy], 'nginx');
  });

  it('finds live pods of another version', () => {
    const pod = (name: string, version: string, extra: Record<string, unknown> = {}): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels: { app: 'web', version }, ...extra },
      status: { phase: 'Running' },
    });
    const pods = [
      pod('a', 'v1'),
      pod('b', 'v2'),
      pod('c', 'v2', { deletionTimestamp: '2026-01-01T00:00:00Z' }),
    ];
    assert.deepEqual(
      otherVersionPods(pods, 'version', 'v1').map((p) => p.metadata.name),
      ['b'],
    );
  });
});

describe('header route bookkeeping', () => {
  it('adds, replaces and removes by name', () => {
    const two = withHeaderRoute(withHeaderRoute([], exact), prefix);
    assert.deepEqual(
      two.map((r) => r.name),
      ['beta', 'team'],
    );
    const replaced = withHeaderRoute(two, { ...exact, header: 'X-Other' });
    assert.equal(replaced[0].header, 'X-Other');
    assert.deepEqual(
      withHeaderRoute(two, null, 'beta').map((r) => r.name),
      ['team'],
    );
    assert.deepEqual(withHeaderRoute(two, null), []);
  });

  it('turns a prefix into an anchored, escaped pattern', () => {
    assert.equal(prefixPattern('qa.'), '^qa\\..*');
    assert.ok(new RegExp(prefixPattern('a+b')).test('a+bc'));
    assert.ok(!new RegExp(prefixPattern('a+b')).test('aab'));
  });
});

describe('nginx canary Ingress', () => {
  const ingress: KubeObject = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: 'web',
      namespace: 'shop',
      labels: { app: 'web' },
      annotations: {
        'nginx.ingress.kubernetes.io/rewrite-target': '/',
        'kubectl.kubernetes.io/last-applied-configuration': '{}',
        'nginx.ingress.kubernetes.io/canary-weight': '99',
      },
    },
    spec: {
      ingressClassName: 'nginx',
      tls: [{ hosts: ['shop.example'], secretName: 'tls' }],
      rules: [
        {
          host: 'shop.example',
          http: {
            paths: [
              { path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } },
              {
                path: '/api',
                pathType: 'Prefix',
                backend: { service: { name: 'api', port: { number: 80 } } },
              },
            ],
          },
        },
        {
          host: 'other.example',
          http: {
            paths: [
              { path: '/', pathType: 'Prefix', backend: { service: { name: 'api', port: { number: 80 } } } },
            ],
          },
        },
      ],
    },
  };

  it('clones hosts, paths, class and TLS for the service only, pointing at the canary Service', () => {
    const canary = canaryIngress(ingress, {
      service: 'web',
      weight: 10,
      headerRoutes: [],
      namespace: 'shop',
    });
    assert.equal(canary.metadata.name, 'web-canary');
    assert.deepEqual(canary.spec, {
      ingressClassName: 'nginx',
      tls: view<IngressObject>(ingress).spec?.tls,
      rules: [
        {
          host: 'shop.example',
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: 'web-canary', port: { number: 80 } } },
              },
            ],
          },
        },
      ],
    });
    const a = canary.metadata.annotations ?? {};
    assert.equal(a['nginx.ingress.kubernetes.io/rewrite-target'], '/');
    assert.equal(a['kubectl.kubernetes.io/last-applied-configuration'], undefined);
    assert.equal(a['nginx.ingress.kubernetes.io/canary'], 'true');
    assert.equal(a['nginx.ingress.kubernetes.io/canary-weight'], '10');
  });

  const steps: [weight: number, routes: HeaderRoute[], expected: Record<string, string>][] = [
    [0, [], { canary: 'true', 'canary-weight': '0' }],
    [50, [], { canary: 'true', 'canary-weight': '50' }],
    [
      0,
      [exact],
      {
        canary: 'true',
        'canary-weight': '0',
        'canary-by-header': 'X-Canary',
        'canary-by-header-value': 'yes',
      },
    ],
    [
      10,
      [prefix],
      {
        canary: 'true',
        'canary-weight': '10',
        'canary-by-header': 'X-User',
        'canary-by-header-pattern': '^qa\\..*',
      },
    ],
    [
      100,
      [regex],
      {
        canary: 'true',
        'canary-weight': '100',
        'canary-by-header': 'X-Build',
        'canary-by-header-pattern': '[0-9]+',
      },
    ],
  ];
  for (const [weight, routes, expected] of steps) {
    it(`annotations for weight ${weight} ${routes.map((r) => r.name).join(',')}`, () => {
      const want = Object.fromEntries(
        Object.entries(expected).map(([k, v]) => [`nginx.ingress.kubernetes.io/${k}`, v]),
      );
      assert.deepEqual(canaryAnnotations(weight, routes), want);
    });
  }

  it('rejects two header routes and bad weights', () => {
    assert.throws(() => canaryAnnotations(0, [exact, prefix]), TrafficRouterError);
    assert.throws(() => canaryAnnotations(101, []), /0 to 100/);
    assert.throws(() => canaryAnnotations(2.5, []), /0 to 100/);
  });

  it('needs a path served by the service', () => {
    assert.throws(
      () => canaryIngress(ingress, { service: 'nope', weight: 0, headerRoutes: [], namespace: 'shop' }),
      /no backend pointing at Service "nope"/,
    );
  });
});

describe('gateway-api HTTPRoute rules', () => {
  const layout = { service: 'web', routeNamespace: 'shop', serviceNamespace: 'shop' };
  const rules = [
    { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'web', port: 80 }] },
    { matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: [{ name: 'api', port: 80 }] },
  ];

  for (const weight of [0, 10, 50, 100]) {
    it(`weight ${weight}`, () => {
      const out = routeRules(rules, layout, weight, []);
      assert.deepEqual(out[0].backendRefs, [
        { name: 'web', port: 80, weight: 100 - weight },
        { name: 'web-canary', port: 80, weight },
      ]);
      assert.deepEqual(out[1], rules[1]);
    });
  }

  it('keeps the proportions of other backends in a shared rule', () => {
    const out = routeRules(
      [
        {
          backendRefs: [
            { name: 'web', port: 80, weight: 3 },
            { name: 'legacy', port: 80 },
          ],
        },
      ],
      layout,
      20,
      [],
    );
    assert.deepEqual(
      out[0].backendRefs?.map((r) => [r.name, r.weight]),
      [
        ['web', 240],
        ['web-canary', 60],
        ['legacy', 100],
      ],
    );
  });

  it('puts a header rule first that sends only to the canary', () => {
    const out = routeRules(rules, layout, 10, [exact, prefix]);
    assert.equal(out.length, 4);
    assert.deepEqual(out[0], {
      matches: [
        {
          path: { type: 'PathPrefix', value: '/' },
          headers: [{ type: 'Exact', name: 'X-Canary', value: 'yes' }],
        },
      ],
      backendRefs: [{ name: 'web-canary', port: 80 }],
    });
    assert.deepEqual(out[1].matches?.[0].headers, [
      { type: 'RegularExpression', name: 'X-User', value: '^qa\\..*' },
    ]);
  });

  it('remembers the user rules once and restores them', () => {
    const route: HTTPRouteObject = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { parentRefs: [{ name: 'gw' }], rules },
    };
    const first = mergePatch(route, routePatch(route, layout, 10, []));
    const second = mergePatch(first, routePatch(first, layout, 50, [regex]));
    assert.equal(second.spec?.rules?.length, 3);
    assert.equal(second.metadata.annotations?.[ANNOTATIONS.canaryWeight], '50');
    assert.deepEqual(JSON.parse(second.metadata.annotations?.[ANNOTATIONS.originalRules]), rules);
    const restored = mergePatch(second, routeRestorePatch(second));
    assert.deepEqual(restored.spec, route.spec);
    assert.deepEqual(restored.metadata.annotations, {});
  });
});

describe('istio VirtualService routes', () => {
  const http = [
    { name: 'api', match: [{ uri: { prefix: '/api' } }], route: [{ destination: { host: 'api' } }] },
    { name: 'main', route: [{ destination: { host: 'web.shop.svc.cluster.local', port: { number: 80 } } }] },
  ];
  const hosts = { service: 'web', namespace: 'shop', subsets: false };
  const subsets = { ...hosts, subsets: true };

  it('names the service host in every form', () => {
    for (const h of ['web', 'web.shop', 'web.shop.svc', 'web.shop.svc.cluster.local'])
      assert.ok(isServiceHost(h, 'web', 'shop'), h);
    for (const h of ['webx', 'web.other', 'api.shop.svc.cluster.local'])
      assert.ok(!isServiceHost(h, 'web', 'shop'), h);
  });

  it('splits by hosts without a DestinationRule', () => {
    const out = virtualServiceHttp(http, hosts, 30, []);
    assert.deepEqual(out[0], http[0]);
    assert.deepEqual(out[1].route, [
      { destination: { host: 'web.shop.svc.cluster.local', port: { number: 80 } }, weight: 70 },
      { destination: { host: 'web-canary.shop.svc.cluster.local', port: { number: 80 } }, weight: 30 },
    ]);
  });

  it('splits by subsets with a DestinationRule', () => {
    const out = virtualServiceHttp(http, subsets, 10, []);
    assert.deepEqual(out[1].route, [
      {
        destination: { host: 'web.shop.svc.cluster.local', port: { number: 80 }, subset: 'stable' },
        weight: 90,
      },
      {
        destination: { host: 'web.shop.svc.cluster.local', port: { number: 80 }, subset: 'canary' },
        weight: 10,
      },
    ]);
  });

  it('puts header routes first with exact, prefix and regex', () => {
    const out = virtualServiceHttp(http, subsets, 0, [exact, prefix, regex]);
    assert.equal(out.length, 5);
    assert.deepEqual(out[0], {
      name: 'beta',
      match: [{ headers: { 'x-canary': { exact: 'yes' } } }],
      route: [
        { destination: { host: 'web.shop.svc.cluster.local', port: { number: 80 }, subset: 'canary' } },
      ],
    });
    assert.deepEqual(out[1].match?.[0].headers, { 'x-user': { prefix: 'qa.' } });
    assert.deepEqual(out[2].match?.[0].headers, { 'x-build': { regex: '[0-9]+' } });
  });

  it('adds subsets to a DestinationRule and restores the original (also when there were none)', () => {
    assert.deepEqual(
      destinationRuleSubsets(
        [
          { name: 'v0', labels: { version: 'v0' } },
          { name: 'canary', labels: {} },
        ],
        'version',
        'v1',
        'v2',
      ),
      [
        { name: 'v0', labels: { version: 'v0' } },
        { name: 'stable', labels: { version: 'v1' } },
        { name: 'canary', labels: { version: 'v2' } },
      ],
    );
    const dr: DestinationRuleObject = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'web' },
      spec: { host: 'web' },
    };
    const changed = mergePatch(dr, destinationRulePatch(dr, 'version', 'v1', 'v2'));
    const again = mergePatch(changed, destinationRulePatch(changed, 'version', 'v2', 'v2'));
    assert.equal(again.spec?.subsets?.length, 2);
    assert.deepEqual(mergePatch(again, destinationRuleRestorePatch(again)).spec, dr.spec);
  });

  it('restores the user http routes', () => {
    const vs: VirtualServiceObject = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'web' },
      spec: { hosts: ['web'], http },
    };
    assert.equal(virtualServiceRestorePatch(vs), undefined);
    const annotated = {
      ...vs,
      metadata: { ...vs.metadata, annotations: { [ANNOTATIONS.originalHttp]: JSON.stringify(http) } },
      spec: { ...vs.spec, http: [] },
    };
    assert.deepEqual(mergePatch(annotated, virtualServiceRestorePatch(annotated)).spec, vs.spec);
  });

  it('fails when no route reaches the service', () => {
    assert.throws(() => virtualServiceHttp([http[0]], hosts, 10, []), /no http route/);
  });
});

describe('smi TrafficSplit', () => {
  it('prefers the newest served version', () => {
    assert.equal(pickSplitApiVersion(['v1alpha1', 'v1alpha3', 'v1alpha2']), 'split.smi-spec.io/v1alpha3');
    assert.equal(pickSplitApiVersion(['split.smi-spec.io/v1alpha2']), 'split.smi-spec.io/v1alpha2');
    assert.equal(pickSplitApiVersion([]), undefined);
  });

  const table: [apiVersion: string, weight: number, stable: number | string, canary: number | string][] = [
    ['split.smi-spec.io/v1alpha1', 10, '900m', '100m'],
    ['split.smi-spec.io/v1alpha1', 0, '1000m', '0m'],
    ['split.smi-spec.io/v1alpha2', 10, 90, 10],
    ['split.smi-spec.io/v1alpha3', 50, 50, 50],
  ];
  for (const [apiVersion, weight, stable, canary] of table) {
    it(`${apiVersion} weight ${weight}`, () => {
      const split = ownedTrafficSplit(apiVersion, 'web', 'shop', weight);
      assert.equal(split.apiVersion, apiVersion);
      assert.deepEqual(split.spec, {
        service: 'web',
        backends: [
          { service: 'web', weight: stable },
          { service: 'web-canary', weight: canary },
        ],
      });
    });
  }

  it('changes a user TrafficSplit in place and restores it', () => {
    const user: KubeObject = {
      apiVersion: 'split.smi-spec.io/v1alpha2',
      kind: 'TrafficSplit',
      metadata: { name: 'web-split' },
      spec: { service: 'web-apex', backends: [{ service: 'web', weight: 100 }] },
    };
    const changed = mergePatch(user, trafficSplitPatch(user, user.apiVersion, 'web', 25));
    assert.deepEqual(changed.spec, {
      service: 'web-apex',
      backends: splitBackends(user.apiVersion, 'web', 25),
    });
    const again = mergePatch(changed, trafficSplitPatch(changed, user.apiVersion, 'web', 75));
    assert.deepEqual(mergePatch(again, trafficSplitRestorePatch(again)).spec, user.spec);
  });
});

describe('registry', () => {
  it('creates every router by name and refuses unsupported header routes clearly', async () => {
    const target = {
      namespace: 'shop',
      app: 'web',
      stableWorkload: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } },
      newWorkload: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web-canary' } },
      versionLabel: 'version',
      stableVersion: 'v1',
      newVersion: 'v2',
    };
    for (const definition of ROUTERS.all()) {
      const name = definition.name as TrafficName;
      const router = createTrafficRouter(name, {} as never, target);
      assert.equal(router.name, name);
      if (!definition.capabilities.headerRoutes) {
        await assert.rejects(
          router.setHeaderRoute(exact),
          new RegExp(`traffic router "${name}": header routes`),
        );
      }
    }
  });
});

describe('weights read back from the data plane fields', () => {
  const meta = { name: 'web', namespace: 'shop' };
  it('nginx: the canary Ingress canary-weight, not our annotation copy', () => {
    const canary: KubeObject = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        ...meta,
        annotations: { 'nginx.ingress.kubernetes.io/canary-weight': '35', [ANNOTATIONS.canaryWeight]: '10' },
      },
    };
    assert.equal(ingressWeight(canary), 35);
    assert.equal(ingressWeight(undefined), 0);
  });

  it('gateway-api: the weighted rule, skipping header rules, with relative weights', () => {
    const layout = { service: 'web', routeNamespace: 'shop', serviceNamespace: 'shop' };
    const user = [{ backendRefs: [{ name: 'web', port: 80, weight: 3 }] }];
    const route = (rules: unknown): KubeObject => ({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: meta,
      spec: { rules },
    });
    assert.equal(routeWeight(route(user), layout), 0, 'the user rules send nothing to the canary');
    for (const weight of [0, 15, 100])
      assert.equal(routeWeight(route(routeRules(user, layout, weight, [exact])), layout), weight);
  });

  it('istio: the split entry, by hosts or subsets, and rounding within a partial weight', () => {
    const http = [
      {
        route: [
          { destination: { host: 'web' }, weight: 50 },
          { destination: { host: 'other' }, weight: 50 },
        ],
      },
    ];
    const vs = (entries: unknown): KubeObject => ({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: meta,
      spec: { http: entries },
    });
    for (const subsets of [false, true]) {
      const layout = { service: 'web', namespace: 'shop', subsets };
      const rendered = vs(virtualServiceHttp(http, layout, 33, [exact]));
      // 33% of a 50 share is 16.5, written as 17 of 50: read as 34%, but it is what 33 writes.
      assert.equal(virtualServiceWeight(rendered, 'web', 'shop'), 34);
      assert.ok(virtualServiceCarries(rendered, 'web', 'shop', 33));
      assert.ok(!virtualServiceCarries(rendered, 'web', 'shop', 40));
    }
    assert.equal(virtualServiceWeight(vs([{ route: [{ destination: { host: 'web' } }] }]), 'web', 'shop'), 0);
  });

  it('smi: the backends, integers and v1alpha1 quantities alike', () => {
    const split = (apiVersion: string, weight: number): KubeObject => ({
      apiVersion,
      kind: 'TrafficSplit',
      metadata: meta,
      spec: { service: 'web', backends: splitBackends(apiVersion, 'web', weight) },
    });
    assert.equal(trafficSplitWeight(split('split.smi-spec.io/v1alpha3', 25), 'web'), 25);
    assert.equal(trafficSplitWeight(split('split.smi-spec.io/v1alpha1', 30), 'web'), 30);
    assert.equal(splitWeightValue('700m'), 0.7);
    assert.equal(trafficSplitWeight(undefined, 'web'), 0);
  });

  it('replicas: the pod ratio, or the canary share of the total while stable keeps its size', () => {
    assert.equal(replicaShare({ stable: 2, canary: 2 }, 4), 50);
    assert.equal(replicaShare({ stable: 3, canary: 1 }, 4), 25);
    assert.equal(replicaShare({ stable: 4, canary: 1 }, 4, true), 25);
    assert.equal(replicaShare({ stable: 4, canary: 0 }, 4), 0);
  });

  it('verifyWeight names what carries another weight', () => {
    assert.doesNotThrow(() => verifyWeight('nginx', 30, 30, 'Ingress "web-canary"'));
    assert.throws(
      () => verifyWeight('nginx', 30, 5, 'Ingress "web-canary"'),
      /traffic router "nginx": wrote weight 30% but Ingress "web-canary" carries 5% when read back/,
    );
  });
});

describe('docs from the definitions', () => {
  it("action.yml's traffic description is the one generated from the registered routers", () => {
    const action = parse(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8'));
    const description: string = action.inputs.traffic.description;
    assert.equal(description, trafficInputDescription(), 'run `npm run docs`');
    for (const d of ROUTERS.all()) {
      assert.ok(description.includes(describeRouter(d)), d.name);
      if (d.target) assert.ok(describeRouter(d).includes(`input \`${d.target.input}\``), d.name);
    }
  });

  it('composes the Service pair only with routers that ask for it, and adds its access', () => {
    for (const d of ROUTERS.all()) {
      const servicesAccess = d.access.some((a) => a.resource === 'services');
      assert.ok(!d.servicePair || servicesAccess, `${d.name} gets the pair's access`);
    }
    assert.deepEqual(
      ROUTERS.all()
        .filter((d) => d.servicePair)
        .map((d) => d.name),
      ['nginx', 'gateway-api', 'istio', 'smi'],
    );
  });
});
