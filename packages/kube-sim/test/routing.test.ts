import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../src/types.ts';
import {
  nginxRoutesToCanary,
  parseQuantity,
  pickWeighted,
  resolveServiceHost,
  routeHttpRoute,
  routeTrafficSplit,
  routeVirtualService,
  subsetLookupFrom,
  type Random,
  type RouteDecision,
  type SimRequest,
} from '../src/traffic/routing.ts';
import { seededRandom } from '../src/traffic/pods.ts';

const N = 'nginx.ingress.kubernetes.io/';
const fixed =
  (value: number): Random =>
  () =>
    value;

function req(headers: Record<string, string> = {}, cookies: Record<string, string> = {}): SimRequest {
  return { path: '/', headers, cookies };
}

function ann(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [`${N}${k}`, v]));
}

function serviceOf(decision: RouteDecision): string {
  return decision.kind === 'backend' ? decision.target.service : `fail ${decision.code}`;
}

describe('ingress-nginx canary precedence', () => {
  // rand 0.999 → weight draw 100 (canary only at weight 100); rand 0 → draw 1.
  const cases: {
    name: string;
    ann: Record<string, string>;
    req: SimRequest;
    rand: number;
    canary: boolean;
  }[] = [
    {
      name: 'header always',
      ann: { 'canary-by-header': 'X-Canary' },
      req: req({ 'x-canary': 'always' }),
      rand: 0.999,
      canary: true,
    },
    {
      name: 'header never beats weight 100',
      ann: { 'canary-by-header': 'X-Canary', 'canary-weight': '100' },
      req: req({ 'X-Canary': 'never' }),
      rand: 0,
      canary: false,
    },
    {
      name: 'header other value falls through to weight',
      ann: { 'canary-by-header': 'X-Canary', 'canary-weight': '100' },
      req: req({ 'X-Canary': 'maybe' }),
      rand: 0.5,
      canary: true,
    },
    {
      name: 'header other value, weight 0',
      ann: { 'canary-by-header': 'X-Canary' },
      req: req({ 'X-Canary': 'maybe' }),
      rand: 0,
      canary: false,
    },
    {
      name: 'header absent, weight 0',
      ann: { 'canary-by-header': 'X-Canary' },
      req: req(),
      rand: 0,
      canary: false,
    },
    {
      name: 'header value exact match',
      ann: { 'canary-by-header': 'X-User', 'canary-by-header-value': 'beta' },
      req: req({ 'x-user': 'beta' }),
      rand: 0.999,
      canary: true,
    },
    {
      name: 'header value mismatch',
      ann: { 'canary-by-header': 'X-User', 'canary-by-header-value': 'beta' },
      req: req({ 'x-user': 'betas' }),
      rand: 0.999,
      canary: false,
    },
    {
      name: 'header value set: always means nothing',
      ann: { 'canary-by-header': 'X-User', 'canary-by-header-value': 'beta' },
      req: req({ 'x-user': 'always' }),
      rand: 0.999,
      canary: false,
    },
    {
      name: 'header value set: never does not block cookie',
      ann: { 'canary-by-header': 'X-User', 'canary-by-header-value': 'beta', 'canary-by-cookie': 'c' },
      req: req({ 'x-user': 'never' }, { c: 'always' }),
      rand: 0.999,
      canary: true,
    },
    {
      name: 'header pattern',
      ann: { 'canary-by-header': 'X-User', 'canary-by-header-pattern': '^(alice|bob)$' },
      req: req({ 'x-user': 'bob' }),
      rand: 0.999,
      canary: true,
    },
    {
      name: 'header pattern mismatch',
      ann: { 'canary-by-header': 'X-User', 'canary-by-header-pattern': '^(alice|bob)$' },
      req: req({ 'x-user': 'carol' }),
      rand: 0.999,
      canary: false,
    },
    {
      name: 'pattern ignored when value set',
      ann: {
        'canary-by-header': 'X-User',
        'canary-by-header-value': 'carol',
        'canary-by-header-pattern': '^bob$',
      },
      req: req({ 'x-user': 'bob' }),
      rand: 0.999,
      canary: false,
    },
    {
      name: 'invalid pattern never matches',
      ann: { 'canary-by-header': 'X-User', 'canary-by-header-pattern': '(' },
      req: req({ 'x-user': '(' }),
      rand: 0.999,
      canary: false,
    },
    {
      name: 'cookie always',
      ann: { 'canary-by-cookie': 'canary' },
      req: req({}, { canary: 'always' }),
      rand: 0.999,
      canary: true,
    },
    {
      name: 'cookie never beats weight 100',
      ann: { 'canary-by-cookie': 'canary', 'canary-weight': '100' },
      req: req({}, { canary: 'never' }),
      rand: 0,
      canary: false,
    },
    {
      name: 'header beats cookie',
      ann: { 'canary-by-header': 'X-Canary', 'canary-by-cookie': 'canary' },
      req: req({ 'x-canary': 'never' }, { canary: 'always' }),
      rand: 0,
      canary: false,
    },
    { name: 'weight 10, draw 10', ann: { 'canary-weight': '10' }, req: req(), rand: 0.095, canary: true },
    { name: 'weight 10, draw 11', ann: { 'canary-weight': '10' }, req: req(), rand: 0.105, canary: false },
    { name: 'weight 0 never', ann: { 'canary-weight': '0' }, req: req(), rand: 0, canary: false },
    {
      name: 'weight total 1000',
      ann: { 'canary-weight': '10', 'canary-weight-total': '1000' },
      req: req(),
      rand: 0.0105,
      canary: false,
    },
    {
      name: 'weight total 1000, draw 10',
      ann: { 'canary-weight': '10', 'canary-weight-total': '1000' },
      req: req(),
      rand: 0.0095,
      canary: true,
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(nginxRoutesToCanary(ann(c.ann), c.req, fixed(c.rand)), c.canary));
  }

  it('weight 10 of 100 sends 10% over many draws', () => {
    const rand = seededRandom(7);
    let canary = 0;
    for (let i = 0; i < 20000; i++)
      if (nginxRoutesToCanary(ann({ 'canary-weight': '10' }), req(), rand)) canary++;
    assert.ok(Math.abs(canary / 20000 - 0.1) < 0.01, `share ${canary / 20000}`);
  });
});

describe('pickWeighted', () => {
  it('splits by weight / sum and skips zero weights', () => {
    const items = [
      { weight: 0, value: 'zero' },
      { weight: 1, value: 'a' },
      { weight: 3, value: 'b' },
    ];
    assert.equal(pickWeighted(items, fixed(0)), 'a');
    assert.equal(pickWeighted(items, fixed(0.24)), 'a');
    assert.equal(pickWeighted(items, fixed(0.26)), 'b');
    assert.equal(pickWeighted([{ weight: 0, value: 'x' }], fixed(0.5)), undefined);
    assert.equal(pickWeighted([], fixed(0.5)), undefined);
  });
});

function httpRoute(rules: unknown[]): KubeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { rules },
  };
}

describe('HTTPRoute', () => {
  const route = httpRoute([
    {
      backendRefs: [
        { name: 'web-stable', port: 80, weight: 90 },
        { name: 'web-canary', port: 80, weight: 10 },
      ],
    },
    {
      matches: [
        {
          headers: [
            { name: 'X-Canary', value: 'yes' },
            { type: 'RegularExpression', name: 'user', value: 'a.*' },
          ],
        },
      ],
      backendRefs: [{ name: 'web-canary', port: 80 }],
    },
  ]);

  it('header match wins over a catch-all rule listed first, names case-insensitive, conditions ANDed', () => {
    assert.equal(
      serviceOf(routeHttpRoute(route, req({ 'x-canary': 'yes', USER: 'alice' }), fixed(0))),
      'web-canary',
    );
    // Only one of two conditions: falls to the weighted rule (rand 0 → first backend).
    assert.equal(
      serviceOf(routeHttpRoute(route, req({ 'x-canary': 'yes', user: 'bob' }), fixed(0))),
      'web-stable',
    );
    // RegularExpression is a whole-value match.
    assert.equal(
      serviceOf(routeHttpRoute(route, req({ 'x-canary': 'yes', user: 'balice' }), fixed(0))),
      'web-stable',
    );
  });

  it('weights split 90/10 and default to 1', () => {
    assert.equal(serviceOf(routeHttpRoute(route, req(), fixed(0.89))), 'web-stable');
    assert.equal(serviceOf(routeHttpRoute(route, req(), fixed(0.91))), 'web-canary');
    const even = httpRoute([{ backendRefs: [{ name: 'a' }, { name: 'b' }] }]);
    assert.equal(serviceOf(routeHttpRoute(even, req(), fixed(0.49))), 'a');
    assert.equal(serviceOf(routeHttpRoute(even, req(), fixed(0.51))), 'b');
  });

  it('all weights 0 → 500, no matching rule → 404, backend namespace defaults to the route', () => {
    assert.equal(
      serviceOf(routeHttpRoute(httpRoute([{ backendRefs: [{ name: 'a', weight: 0 }] }]), req(), fixed(0))),
      'fail 500',
    );
    const onlyHeader = httpRoute([
      { matches: [{ headers: [{ name: 'x', value: '1' }] }], backendRefs: [{ name: 'a' }] },
    ]);
    assert.equal(serviceOf(routeHttpRoute(onlyHeader, req(), fixed(0))), 'fail 404');
    const decision = routeHttpRoute(onlyHeader, req({ X: '1' }), fixed(0));
    assert.deepEqual(decision, { kind: 'backend', target: { namespace: 'shop', service: 'a' } });
  });

  it('reads cookies through the cookie header', () => {
    const byCookie = httpRoute([
      { backendRefs: [{ name: 'stable' }] },
      {
        matches: [
          { headers: [{ type: 'RegularExpression', name: 'cookie', value: '(.*; )?canary=always(;.*)?' }] },
        ],
        backendRefs: [{ name: 'canary' }],
      },
    ]);
    assert.equal(
      serviceOf(routeHttpRoute(byCookie, req({}, { a: '1', canary: 'always' }), fixed(0))),
      'canary',
    );
    assert.equal(serviceOf(routeHttpRoute(byCookie, req({}, { canary: 'never' }), fixed(0))), 'stable');
  });
});

describe('Istio VirtualService', () => {
  const destinationRule: KubeObject = {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'DestinationRule',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      host: 'web.shop.svc.cluster.local',
      subsets: [
        { name: 'stable', labels: { version: 'v1' } },
        { name: 'canary', labels: { version: 'v2' } },
      ],
    },
  };
  const subsets = subsetLookupFrom([destinationRule]);
  const vs: KubeObject = {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'VirtualService',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      hosts: ['web'],
      http: [
        {
          name: 'by-header',
          match: [{ headers: { 'x-canary': { exact: 'yes' } } }, { headers: { user: { prefix: 'qa-' } } }],
          route: [{ destination: { host: 'web', subset: 'canary' } }],
        },
        {
          match: [{ headers: { user: { regex: 'adm.n' } } }],
          route: [{ destination: { host: 'admin.other.svc.cluster.local' } }],
        },
        {
          route: [
            { destination: { host: 'web.shop.svc.cluster.local', subset: 'stable' }, weight: 80 },
            { destination: { host: 'web', subset: 'canary' }, weight: 20 },
          ],
        },
      ],
    },
  };

  it('first match wins; match entries are ORed', () => {
    const a = routeVirtualService(vs, req({ 'X-Canary': 'yes', user: 'admin' }), fixed(0), subsets);
    assert.deepEqual(a, {
      kind: 'backend',
      target: { namespace: 'shop', service: 'web', subset: 'canary', subsetLabels: { version: 'v2' } },
    });
    const b = routeVirtualService(vs, req({ user: 'qa-1' }), fixed(0), subsets);
    assert.equal(b.kind === 'backend' && b.target.subset, 'canary');
  });

  it('regex is a whole-value match and FQDN hosts name their namespace', () => {
    assert.deepEqual(routeVirtualService(vs, req({ user: 'admin' }), fixed(0), subsets), {
      kind: 'backend',
      target: { namespace: 'other', service: 'admin' },
    });
    const fallback = routeVirtualService(vs, req({ user: 'xadmin' }), fixed(0), subsets);
    assert.equal(fallback.kind === 'backend' && fallback.target.subset, 'stable');
  });

  it('weights 80/20 through subsets; unknown subset → 503', () => {
    const stable = routeVirtualService(vs, req(), fixed(0.79), subsets);
    const canary = routeVirtualService(vs, req(), fixed(0.81), subsets);
    assert.deepEqual(stable.kind === 'backend' && stable.target.subsetLabels, { version: 'v1' });
    assert.deepEqual(canary.kind === 'backend' && canary.target.subsetLabels, { version: 'v2' });
    const missing = {
      ...vs,
      spec: { http: [{ route: [{ destination: { host: 'web', subset: 'nope' } }] }] },
    };
    assert.equal(serviceOf(routeVirtualService(missing, req(), fixed(0), subsets)), 'fail 503');
  });

  it('resolves service hosts', () => {
    assert.deepEqual(resolveServiceHost('web', 'ns'), { namespace: 'ns', service: 'web' });
    assert.deepEqual(resolveServiceHost('web.prod', 'ns'), { namespace: 'prod', service: 'web' });
    assert.deepEqual(resolveServiceHost('web.prod.svc.cluster.local', 'ns'), {
      namespace: 'prod',
      service: 'web',
    });
  });
});

describe('SMI TrafficSplit', () => {
  it('parses quantity weights', () => {
    assert.equal(parseQuantity('900m'), 0.9);
    assert.equal(parseQuantity('1'), 1);
    assert.equal(parseQuantity(25), 25);
    assert.equal(parseQuantity('2k'), 2000);
    assert.equal(parseQuantity('1Ki'), 1024);
    assert.ok(Number.isNaN(parseQuantity('lots')));
  });

  it('splits v1alpha1 quantities 900m/100m as 90/10 and v1alpha2 integers alike', () => {
    for (const [apiVersion, weights] of [
      ['split.smi-spec.io/v1alpha1', ['900m', '100m']],
      ['split.smi-spec.io/v1alpha2', [90, 10]],
    ] as const) {
      const split: KubeObject = {
        apiVersion,
        kind: 'TrafficSplit',
        metadata: { name: 'web', namespace: 'shop' },
        spec: {
          service: 'web',
          backends: [
            { service: 'web-primary', weight: weights[0] },
            { service: 'web-canary', weight: weights[1] },
          ],
        },
      };
      assert.equal(serviceOf(routeTrafficSplit(split, fixed(0.89))), 'web-primary', apiVersion);
      assert.equal(serviceOf(routeTrafficSplit(split, fixed(0.91))), 'web-canary', apiVersion);
    }
    const zero: KubeObject = {
      apiVersion: 'split.smi-spec.io/v1alpha2',
      kind: 'TrafficSplit',
      metadata: { name: 'z' },
      spec: { backends: [{ service: 'a', weight: 0 }] },
    };
    assert.equal(serviceOf(routeTrafficSplit(zero, fixed(0))), 'fail 503');
  });
});
