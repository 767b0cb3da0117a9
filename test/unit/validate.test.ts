import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../src/kube/types.ts';
import { view, type IngressObject } from '../../src/traffic/objects.ts';
import {
  backendServices,
  checkReferences,
  selectorMatches,
  validateReferences,
  type ManifestSet,
  type SourcedObject,
} from '../../src/manifests/index.ts';

let nextLine = 1;
function src(object: Record<string, unknown>, file = 'k8s/app.yaml'): SourcedObject {
  const line = nextLine;
  nextLine += 20;
  return { object: { metadata: {}, ...object } as KubeObject, file, line };
}

function set(...objects: SourcedObject[]): ManifestSet {
  return {
    objects,
    workloads: objects.filter((s) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(s.object.kind)),
    version: 'v1',
  };
}

function deployment(
  name: string,
  selector: unknown,
  labels: Record<string, string> | undefined,
  namespace = 'default',
) {
  return src({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      ...(selector ? { selector } : {}),
      template: { metadata: labels ? { labels } : {}, spec: { containers: [] } },
    },
  });
}

function service(name: string, selector?: Record<string, string>, namespace = 'default', type?: string) {
  return src({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { ...(selector ? { selector } : {}), ...(type ? { type } : {}) },
  });
}

function ingress(name: string, backends: string[], namespace = 'default') {
  return src({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace },
    spec: {
      rules: [
        {
          http: {
            paths: backends.map((b) => ({
              path: '/',
              backend: { service: { name: b, port: { number: 80 } } },
            })),
          },
        },
      ],
    },
  });
}

describe('validateReferences', () => {
  it('accepts a consistent app', () => {
    const problems = checkReferences(
      set(
        deployment('web', { matchLabels: { app: 'web' } }, { app: 'web', version: 'v1' }),
        service('web', { app: 'web' }),
        ingress('web', ['web']),
      ),
    );
    assert.deepEqual(problems, { errors: [], warnings: [] });
  });

  it('reports a Deployment without a selector at its file and line', () => {
    const d = deployment('web', undefined, { app: 'web' });
    const [error, ...rest] = validateReferences(set(d));
    assert.equal(rest.length, 0);
    assert.deepEqual(error.location, { input: 'manifests', file: 'k8s/app.yaml', line: d.line });
    assert.equal(
      error.message,
      `input 'manifests', k8s/app.yaml:${d.line}: Deployment web has no spec.selector (it must select the labels of spec.template.metadata.labels)`,
    );
  });

  it('reports an empty selector', () => {
    assert.match(
      validateReferences(set(deployment('web', {}, { app: 'web' })))[0].message,
      /has no spec.selector/,
    );
  });

  const mismatches: Array<[string, unknown, Record<string, string> | undefined]> = [
    ['a different label value', { matchLabels: { app: 'web' } }, { app: 'api' }],
    ['a template without labels', { matchLabels: { app: 'web' } }, undefined],
    [
      'a failing In expression',
      { matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] },
      { tier: 'back' },
    ],
    [
      'a failing DoesNotExist expression',
      { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] },
      { app: 'web', canary: 'x' },
    ],
  ];
  for (const [name, selector, labels] of mismatches) {
    it(`reports a selector that does not match the template: ${name}`, () => {
      const d = deployment('web', selector, labels);
      const [error] = validateReferences(set(d));
      assert.match(
        error.message,
        new RegExp(
          `^input 'manifests', k8s/app.yaml:${d.line}: Deployment web: spec.selector .* does not match its pod template labels`,
        ),
      );
    });
  }

  it('reports a Service that selects no pod template, at its file and line', () => {
    const svc = service('web', { app: 'wbe' });
    const errors = validateReferences(
      set(deployment('web', { matchLabels: { app: 'web' } }, { app: 'web' }), svc),
    );
    assert.equal(errors.length, 1);
    assert.equal(
      errors[0].message,
      `input 'manifests', k8s/app.yaml:${svc.line}: Service web: selector {app: wbe} selects no pod template in the manifests`,
    );
  });

  it('requires the Service and the pods to share a namespace', () => {
    const errors = validateReferences(
      set(
        deployment('web', { matchLabels: { app: 'web' } }, { app: 'web' }, 'a'),
        service('web', { app: 'web' }, 'b'),
      ),
    );
    assert.equal(errors.length, 1);
  });

  it('ignores Services without a selector and ExternalName Services', () => {
    assert.deepEqual(
      validateReferences(set(service('db'), service('ext', { app: 'x' }, 'default', 'ExternalName'))),
      [],
    );
  });

  it('counts StatefulSets, Jobs, CronJobs and Pods as pods a Service can select', () => {
    const objects = [
      src({
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'c', namespace: 'n' },
        spec: { jobTemplate: { spec: { template: { metadata: { labels: { app: 'c' } }, spec: {} } } } },
      }),
      src({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'n', labels: { app: 'p' } },
        spec: { containers: [] },
      }),
    ];
    assert.deepEqual(
      validateReferences(set(...objects, service('c', { app: 'c' }, 'n'), service('p', { app: 'p' }, 'n'))),
      [],
    );
  });

  it('warns (not errors) about route backends missing from the manifests', () => {
    const ing = ingress('web', ['web', 'web-legacy']);
    const problems = checkReferences(
      set(
        deployment('web', { matchLabels: { app: 'web' } }, { app: 'web' }),
        service('web', { app: 'web' }),
        ing,
      ),
    );
    assert.deepEqual(problems.errors, []);
    assert.equal(problems.warnings.length, 1);
    assert.equal(
      problems.warnings[0].message,
      `input 'manifests', k8s/app.yaml:${ing.line}: Ingress web sends traffic to Service web-legacy, which is not in the manifests`,
    );
  });

  it('warns about HTTPRoute backends, respecting their namespace', () => {
    const route = src({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'r', namespace: 'default' },
      spec: {
        rules: [
          {
            backendRefs: [
              { name: 'web', port: 80 },
              { name: 'web', namespace: 'other', port: 80 },
              { kind: 'Bucket', group: 'x.io', name: 'b' },
            ],
          },
        ],
      },
    });
    const { warnings } = checkReferences(set(service('web'), route));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0].message, /HTTPRoute r sends traffic to Service web in other/);
  });
});

describe('backendServices', () => {
  it('reads the default backend and every path of an Ingress, once each', () => {
    const ing = ingress('i', ['a', 'b', 'a']).object;
    view<IngressObject>(ing).spec!.defaultBackend = { service: { name: 'd' } };
    assert.deepEqual(backendServices(ing), [{ name: 'd' }, { name: 'a' }, { name: 'b' }]);
  });
});

describe('selectorMatches', () => {
  const cases: Array<[string, Parameters<typeof selectorMatches>[0], Record<string, string>, boolean]> = [
    ['empty selects everything', {}, { a: '1' }, true],
    ['matchLabels subset', { matchLabels: { a: '1' } }, { a: '1', b: '2' }, true],
    ['matchLabels missing', { matchLabels: { a: '1', c: '3' } }, { a: '1' }, false],
    ['In', { matchExpressions: [{ key: 'a', operator: 'In', values: ['1', '2'] }] }, { a: '2' }, true],
    [
      'NotIn with the label absent',
      { matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] },
      {},
      true,
    ],
    ['NotIn', { matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] }, { a: '1' }, false],
    ['Exists', { matchExpressions: [{ key: 'a', operator: 'Exists' }] }, { a: '' }, true],
    ['Exists absent', { matchExpressions: [{ key: 'a', operator: 'Exists' }] }, {}, false],
    ['unknown operator', { matchExpressions: [{ key: 'a', operator: 'Near' }] }, { a: '1' }, false],
  ];
  for (const [name, selector, labels, want] of cases)
    it(name, () => assert.equal(selectorMatches(selector, labels), want));
});
