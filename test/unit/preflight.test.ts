// Pre-flight pure parts: the permission list per strategy and router, the generated Roles, and
// the checks that need no cluster (duplicates, metric URLs and templates, state size, targets).
import { releaseTemplate } from '../../src/analysis/release-template.ts';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildConfig, inputsOf } from '../../src/config/index.ts';
import type { Config } from '../../src/config/types.ts';
import type { SourcedObject } from '../../src/manifests/types.ts';
import {
  duplicateObjects,
  metricProblems,
  routerNeeds,
  stateSizeProblem,
} from '../../src/preflight/checks.ts';
import { mergeAccess, requiredPermissions } from '../../src/preflight/permissions.ts';
import { documentedAccess, roleSection, TYPICAL_MANIFESTS } from '../../src/preflight/role.ts';
import { routersFor } from '../../src/strategies/index.ts';
import { ROUTERS } from '../../src/traffic/index.ts';

const config = (given: Record<string, string> = {}): Config =>
  buildConfig(inputsOf({ manifests: 'app.yaml', ...given }), { GITHUB_WORKSPACE: '/tmp' });
const object = (kind: string, name: string, file = 'app.yaml', line = 1, extra = {}): SourcedObject => ({
  object: { apiVersion: kind === 'Deployment' ? 'apps/v1' : 'v1', kind, metadata: { name }, ...extra },
  file,
  line,
});
const set = (...objects: SourcedObject[]) => ({
  objects,
  workloads: objects.filter((o) => o.object.kind === 'Deployment'),
  version: 'v2',
});
const verbsOf = (list: ReturnType<typeof requiredPermissions>, group: string, resource: string) =>
  list.find((a) => a.group === group && a.resource === resource)?.verbs ?? [];

describe('router definitions', () => {
  it('the registry lists each router under its own name and strategies come from the definitions', () => {
    for (const name of ROUTERS.names()) assert.equal(ROUTERS.get(name).name, name);
    assert.deepEqual(routersFor('canary'), ['replicas', 'nginx', 'gateway-api', 'istio', 'smi']);
    assert.deepEqual(routersFor('blue-green'), ['service', 'nginx', 'gateway-api', 'istio', 'smi']);
    assert.deepEqual(routersFor('rolling'), []);
  });

  it('config validation reads maxHeaderRoutes: nginx holds one header route, istio several', () => {
    const two =
      '- setHeaderRoute: {name: a, header: x-a, value: "1"}\n- setHeaderRoute: {name: b, header: x-b, value: "1"}';
    assert.throws(() => config({ strategy: 'canary', traffic: 'nginx', steps: two }), /step 2: .*at most 1/);
    assert.doesNotThrow(() => config({ strategy: 'canary', traffic: 'istio', steps: two }));
    const swapped =
      '- setHeaderRoute: {name: a, header: x-a, value: "1"}\n- setHeaderRoute: {name: a}\n- setHeaderRoute: {name: b, header: x-b, value: "1"}';
    assert.doesNotThrow(() => config({ strategy: 'canary', traffic: 'nginx', steps: swapped }));
  });
});

describe('requiredPermissions', () => {
  const resources = [
    { group: 'apps', resource: 'deployments' },
    { group: '', resource: 'services' },
  ];

  it('a rolling release needs the Lease, the state, the waits and apply (create too) on its own kinds', () => {
    const list = requiredPermissions({ config: config(), strategy: 'rolling', resources });
    assert.deepEqual(verbsOf(list, 'coordination.k8s.io', 'leases'), ['get', 'create', 'update']);
    assert.deepEqual(verbsOf(list, '', 'configmaps'), ['get', 'create', 'update']);
    // kube-apiserver authorizes a server-side apply that creates its object as create too.
    assert.deepEqual(verbsOf(list, 'apps', 'deployments'), ['get', 'list', 'watch', 'create', 'patch']);
    assert.deepEqual(verbsOf(list, '', 'services'), ['get', 'create', 'patch']);
    // The Secret store is read by every save, written only when the release holds Secrets.
    assert.deepEqual(verbsOf(list, '', 'secrets'), ['get']);
    assert.deepEqual(
      list.filter((a) => a.verbs.includes('delete')).map((a) => a.resource),
      [],
    );
  });

  it('the Secret store is written when the manifests hold a Secret, a metric sends headers, or it exists', () => {
    const store = ['get', 'create', 'patch', 'delete'];
    const withSecret = [...resources, { group: '', resource: 'secrets' }];
    assert.deepEqual(
      verbsOf(
        requiredPermissions({ config: config(), strategy: 'rolling', resources: withSecret }),
        '',
        'secrets',
      ),
      store,
    );
    const headers =
      'metrics:\n  - name: a\n    provider: web\n    url: http://checks/x\n    headers: {Authorization: Bearer t}\n    successCondition: result == 1';
    const viaHeaders = requiredPermissions({
      config: config({ analysis: headers }),
      strategy: 'rolling',
      resources,
    });
    assert.deepEqual(verbsOf(viaHeaders, '', 'secrets'), store);
    const left = requiredPermissions({
      config: config(),
      strategy: 'rolling',
      resources,
      writesSecretStore: true,
    });
    assert.deepEqual(verbsOf(left, '', 'secrets'), store);
  });

  it('a canary adds the copies (created by apply) and its router’s own objects', () => {
    const nginx = requiredPermissions({
      config: config({ strategy: 'canary', traffic: 'nginx' }),
      strategy: 'canary',
      resources,
    });
    assert.deepEqual(verbsOf(nginx, 'networking.k8s.io', 'ingresses'), ['get', 'create', 'patch', 'delete']);
    assert.deepEqual(verbsOf(nginx, 'apps', 'deployments'), [
      'get',
      'list',
      'watch',
      'create',
      'patch',
      'delete',
    ]);
    assert.deepEqual(verbsOf(nginx, '', 'services'), ['get', 'create', 'patch', 'delete']);
    const istio = requiredPermissions({
      config: config({ strategy: 'canary', traffic: 'istio' }),
      strategy: 'canary',
      resources,
    });
    assert.deepEqual(verbsOf(istio, 'networking.istio.io', 'destinationrules'), ['get', 'list', 'patch']);
    assert.deepEqual(verbsOf(istio, 'networking.k8s.io', 'ingresses'), []);
    const smi = requiredPermissions({
      config: config({ strategy: 'canary', traffic: 'smi' }),
      strategy: 'canary',
      resources,
    });
    assert.deepEqual(verbsOf(smi, 'split.smi-spec.io', 'trafficsplits'), [
      'get',
      'create',
      'patch',
      'delete',
    ]);
  });

  it('a job metric adds Jobs; a rolling rollback reads the revision history of its workload kinds', () => {
    const job =
      'metrics:\n  - name: smoke\n    provider: job\n    job: {template: {spec: {containers: [{name: t, image: busybox}], restartPolicy: Never}}}';
    const list = requiredPermissions({ config: config({ analysis: job }), strategy: 'rolling', resources });
    assert.deepEqual(verbsOf(list, 'batch', 'jobs'), ['list', 'watch', 'create', 'delete']);
    const rollback = config({ action: 'rollback' });
    const undo = requiredPermissions({ config: rollback, strategy: 'rolling', resources });
    // A Deployment's revisions are its ReplicaSets: no ControllerRevisions for it.
    assert.deepEqual(verbsOf(undo, 'apps', 'replicasets'), ['list']);
    assert.deepEqual(verbsOf(undo, 'apps', 'controllerrevisions'), []);
    const sts = [...resources, { group: 'apps', resource: 'statefulsets' }];
    const stsUndo = requiredPermissions({ config: rollback, strategy: 'rolling', resources: sts });
    assert.deepEqual(verbsOf(stsUndo, 'apps', 'controllerrevisions'), ['list']);
  });

  it('merges entries per resource with verbs in one order', () => {
    assert.deepEqual(
      mergeAccess([
        { group: '', resource: 'pods', verbs: ['watch'] },
        { group: '', resource: 'pods', verbs: ['get', 'watch'] },
      ]),
      [{ group: '', resource: 'pods', verbs: ['get', 'watch'] }],
    );
  });

  it('the README section has a Role per router built from the same list', () => {
    const text = roleSection();
    for (const name of ROUTERS.names()) assert.match(text, new RegExp(`name: kube-rollout-${name} `));
    for (const a of documentedAccess('canary', 'smi'))
      assert.ok(text.includes(`resources: [${a.resource}], verbs: [${a.verbs.join(', ')}]`), a.resource);
  });

  it('a Role covers every action of its strategies: the rolling one includes what a rollback reads', () => {
    const rolling = documentedAccess('rolling');
    const rollback = requiredPermissions({
      config: config({ action: 'rollback' }),
      strategy: 'rolling',
      resources: TYPICAL_MANIFESTS,
    });
    for (const a of rollback)
      assert.deepEqual(
        a.verbs.filter((v) => !verbsOf(rolling, a.group, a.resource).includes(v)),
        [],
        `${a.resource} of a rollback is in the Role`,
      );
    // The router's target is one of the manifests: created by the first release.
    assert.deepEqual(
      verbsOf(documentedAccess('canary', 'gateway-api'), 'gateway.networking.k8s.io', 'httproutes'),
      ['get', 'create', 'patch'],
    );
  });
});

describe('pure checks', () => {
  it('a duplicate names both places', () => {
    const [err] = duplicateObjects(
      set(object('Deployment', 'web'), object('Deployment', 'web', 'b.yaml', 7)),
    );
    assert.equal(err.message, 'b.yaml:7: Deployment/web is defined twice: here and at app.yaml:1');
    assert.deepEqual(duplicateObjects(set(object('Deployment', 'web'), object('Service', 'web'))), []);
  });

  it('metric URLs must be http(s) once templated; placeholders need a value in this release', () => {
    const c = config({
      analysis:
        'metrics:\n  - name: a\n    provider: web\n    url: not-a-url\n    successCondition: result == 1\n  - name: b\n    provider: web\n    url: "http://{{ingress}}/x"\n    successCondition: result == 1\n  - name: c\n    provider: web\n    url: "http://{{service}}.{{namespace}}/x"\n    successCondition: result == 1',
    });
    const template = releaseTemplate(c, set(object('Deployment', 'web'), object('Service', 'web')), {
      app: 'web',
      canaryVersion: 'v2',
      stableVersion: 'v1',
    });
    const messages = metricProblems(c, template).map((e) => e.message);
    assert.deepEqual(messages, [
      "input 'analysis' line 2: metric 'a': url: 'not-a-url' is not a URL (expected http:// or https://…)",
      "input 'analysis' line 6: metric 'b': url: placeholder {{ingress}} has no value in this release",
    ]);
  });

  it('the state size is estimated with the state serializer', () => {
    const big = object('ConfigMap', 'blob', 'big.yaml', 3, { data: { blob: 'x'.repeat(2000) } });
    const problem = stateSizeProblem('web', set(object('Deployment', 'web'), big), new Map(), 3000);
    assert.match(
      problem?.message ?? '',
      /^input 'manifests', big\.yaml:3: the release state of 'web' would be about \d+ bytes/,
    );
    assert.equal(stateSizeProblem('web', set(object('Deployment', 'web')), new Map(), 3000), undefined);
  });

  it('router needs come from the definition: target kind, its input, the Service', () => {
    const nginx = routerNeeds(
      config({ strategy: 'canary', traffic: 'nginx', ingress: 'shop' }),
      set(object('Deployment', 'web')),
    );
    assert.deepEqual(nginx, [
      { kind: 'Service', input: 'manifests', inManifests: false },
      { kind: 'Ingress', input: 'ingress', inManifests: false, name: 'shop' },
    ]);
    const smi = routerNeeds(
      config({ strategy: 'canary', traffic: 'smi' }),
      set(object('Deployment', 'web'), object('Service', 'web')),
    );
    assert.deepEqual(
      smi,
      [{ kind: 'Service', input: 'manifests', inManifests: true }],
      'smi creates its own TrafficSplit',
    );
  });
});
