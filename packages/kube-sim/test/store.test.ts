import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createStore } from '../src/store.ts';
import { SimApiError } from '../src/types.ts';
import type { KubeObject, StoreEvent } from '../src/types.ts';
import { matchesLabels, parseLabelSelector, compileSelector } from '../src/selectors.ts';
import { fieldAt } from './testing.ts';
import { clone } from '../src/util.ts';

function deployment(name = 'web', extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] },
      },
      ...extra,
    },
  };
}

function pod(name: string, owner?: KubeObject, labels: Record<string, string> = { app: 'web' }): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      labels,
      ...(owner
        ? {
            ownerReferences: [
              {
                apiVersion: owner.apiVersion,
                kind: owner.kind,
                name: owner.metadata.name!,
                uid: owner.metadata.uid!,
                controller: true,
              },
            ],
          }
        : {}),
    },
    spec: { containers: [{ name: 'app', image: 'nginx' }] },
  };
}

function apiError(fn: () => unknown): SimApiError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof SimApiError, `expected SimApiError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected an error');
}

describe('store identity and versions', () => {
  it('assigns uid, creationTimestamp, increasing resourceVersions and generation 1', () => {
    const s = createStore();
    const before = Number(s.resourceVersion());
    const a = s.create(deployment('a'));
    const b = s.create(deployment('b'));
    assert.match(a.metadata.uid!, /^[0-9a-f-]{36}$/);
    assert.notEqual(a.metadata.uid, b.metadata.uid);
    assert.match(a.metadata.creationTimestamp!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(Number(a.metadata.resourceVersion), before + 1);
    assert.equal(Number(b.metadata.resourceVersion), before + 2);
    assert.equal(s.resourceVersion(), b.metadata.resourceVersion);
    assert.equal(a.metadata.generation, 1);
    // Core kinds without a generation-tracking strategy get none.
    assert.equal(
      s.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } }).metadata
        .generation,
      undefined,
    );
  });

  it('bumps generation only for changes outside metadata and status', () => {
    const s = createStore();
    let d = s.create(deployment());
    d = s.update({ ...d, metadata: { ...d.metadata, labels: { app: 'web', tier: 'x' } } });
    assert.equal(d.metadata.generation, 1);
    d = s.update({ ...d, status: { replicas: 3 } }, { subresource: 'status' });
    assert.equal(d.metadata.generation, 1);
    assert.equal(fieldAt(d, 'status.replicas'), 3);
    d = s.update({ ...d, spec: { ...d.spec, replicas: 5 } });
    assert.equal(d.metadata.generation, 2);
    assert.equal(fieldAt(d, 'status.replicas'), 3, 'a main-resource update keeps the stored status');
  });

  it('bumps a Deployment generation on annotation changes, but not through /status (deployment/strategy.go)', () => {
    const s = createStore();
    let d = s.create(deployment());
    // PrepareForUpdate: annotations count as intent for Deployments.
    d = s.update({ ...d, metadata: { ...d.metadata, annotations: { team: 'blue' } } });
    assert.equal(d.metadata.generation, 2);
    // deploymentStatusStrategy.PrepareForUpdate resets only spec and labels: annotations written
    // through /status are kept and bump nothing (the controller's revision annotation goes that way).
    d = s.update(
      {
        ...d,
        metadata: { ...d.metadata, labels: { sneaky: 'x' }, annotations: { team: 'blue', rev: '1' } },
        spec: { ...d.spec, replicas: 9 },
        status: { replicas: 1 },
      },
      { subresource: 'status' },
    );
    assert.equal(d.metadata.generation, 2);
    assert.deepEqual(d.metadata.annotations, { team: 'blue', rev: '1' });
    assert.equal(d.metadata.labels?.sneaky, undefined, 'labels are reset on a status write');
    assert.notEqual(fieldAt(d, 'spec.replicas'), 9, 'spec is reset on a status write');
    // Other kinds: annotations are metadata only.
    const created = s.create({
      ...deployment(),
      kind: 'ReplicaSet',
      metadata: { name: 'rs', namespace: 'default' },
    });
    const rs = s.update({ ...created, metadata: { ...created.metadata, annotations: { a: 'b' } } });
    assert.equal(rs.metadata.generation, 1);
  });

  it('does not write a no-op update', () => {
    const s = createStore();
    const d = s.create(deployment());
    const events: StoreEvent[] = [];
    s.subscribe((e) => events.push(e));
    const same = s.update(d);
    assert.equal(same.metadata.resourceVersion, d.metadata.resourceVersion);
    assert.equal(events.length, 0);
  });

  it('rejects a stale resourceVersion with the real Conflict message', () => {
    const s = createStore();
    const d = s.create(deployment());
    s.update({ ...d, spec: { ...d.spec, replicas: 2 } });
    const err = apiError(() => s.update({ ...d, spec: { ...d.spec, replicas: 3 } }));
    assert.equal(err.code, 409);
    assert.equal(err.reason, 'Conflict');
    assert.equal(
      err.message,
      'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it('reports AlreadyExists, a missing namespace and invalid objects', () => {
    const s = createStore();
    s.create(deployment());
    const dup = apiError(() => s.create(deployment()));
    assert.equal(dup.code, 409);
    assert.equal(dup.reason, 'AlreadyExists');
    assert.equal(dup.message, 'deployments.apps "web" already exists');
    const ns = apiError(() => s.create({ ...pod('p'), metadata: { name: 'p', namespace: 'nope' } }));
    assert.equal(ns.code, 404);
    assert.equal(ns.message, 'namespaces "nope" not found');
    const bad = deployment('bad');
    bad.spec.template.metadata.labels = { app: 'other' };
    const inv = apiError(() => s.create(bad));
    assert.equal(inv.code, 422);
    assert.equal(
      inv.message,
      'Deployment.apps "bad" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`',
    );
    const noSel = deployment('nosel');
    delete noSel.spec.selector;
    assert.match(apiError(() => s.create(noSel)).message, /spec\.selector: Required value/);
  });

  it('validates labels, Service names and Deployment strategies like upstream', () => {
    const s = createStore();
    const label = deployment('lbl');
    label.metadata.labels = { version: '1.0+build' };
    assert.match(
      apiError(() => s.create(label)).message,
      /^Deployment\.apps "lbl" is invalid: metadata\.labels: Invalid value: "1\.0\+build": a valid label must be an empty string/,
    );
    const svc = apiError(() =>
      s.create({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: '1web' },
        spec: { ports: [{ port: 80 }] },
      }),
    );
    assert.match(svc.message, /metadata\.name: Invalid value: "1web": a DNS-1035 label/);
    const recreate = deployment('rec', { strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } });
    assert.equal(
      apiError(() => s.create(recreate)).message,
      'Deployment.apps "rec" is invalid: spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is \'Recreate\'',
    );
    const zero = deployment('zero', {
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } },
    });
    assert.match(
      apiError(() => s.create(zero)).message,
      /maxUnavailable: Invalid value: .*may not be 0 when `maxSurge` is 0/,
    );
    const d = s.create(deployment('sel'));
    const moved = { ...d, spec: { ...d.spec, selector: { matchLabels: { app: 'sel', x: 'y' } } } };
    moved.spec.template = { ...d.spec.template, metadata: { labels: { app: 'sel', x: 'y' } } };
    assert.match(
      apiError(() => s.update(moved)).message,
      /spec\.selector: Invalid value: .*field is immutable/,
    );
  });

  it('folds Secret stringData into base64 data', () => {
    const sec = createStore().create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      stringData: { token: 'abc' },
    });
    assert.deepEqual(sec.data, { token: 'YWJj' });
    assert.equal(sec.stringData, undefined);
    assert.equal(sec.type, 'Opaque');
  });

  it('honours generateName', () => {
    const s = createStore();
    const p = s.create({ ...pod(''), metadata: { generateName: 'web-', namespace: 'default' } });
    assert.match(p.metadata.name!, /^web-[a-z0-9]{5}$/);
  });
});

describe('store defaults', () => {
  it('defaults Deployments like the API server', () => {
    const d = createStore().create(deployment());
    assert.equal(fieldAt(d, 'spec.replicas'), 1);
    assert.deepEqual(fieldAt(d, 'spec.strategy'), {
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
    });
    assert.equal(fieldAt(d, 'spec.revisionHistoryLimit'), 10);
    assert.equal(fieldAt(d, 'spec.progressDeadlineSeconds'), 600);
    assert.equal(d.spec.minReadySeconds ?? 0, 0);
    const podSpec = d.spec.template.spec;
    assert.equal(podSpec.restartPolicy, 'Always');
    assert.equal(podSpec.terminationGracePeriodSeconds, 30);
    assert.equal(podSpec.containers[0].imagePullPolicy, 'IfNotPresent');
    assert.deepEqual(d.status, {});
  });

  it('defaults StatefulSets, DaemonSets, Services and Pods', () => {
    const s = createStore();
    const sts = s.create({ ...deployment('db'), kind: 'StatefulSet' });
    assert.equal(fieldAt(sts, 'spec.replicas'), 1);
    assert.deepEqual(fieldAt(sts, 'spec.updateStrategy'), {
      type: 'RollingUpdate',
      rollingUpdate: { partition: 0 },
    });
    assert.equal(fieldAt(sts, 'spec.podManagementPolicy'), 'OrderedReady');
    assert.equal(fieldAt(sts, 'spec.revisionHistoryLimit'), 10);
    const ds = s.create({ ...deployment('agent'), kind: 'DaemonSet' });
    assert.deepEqual(fieldAt(ds, 'spec.updateStrategy'), {
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
    });
    const svc = s.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
    });
    assert.equal(fieldAt(svc, 'spec.type'), 'ClusterIP');
    assert.match(String(fieldAt(svc, 'spec.clusterIP')), /^10\.96\./);
    assert.deepEqual(fieldAt(svc, 'spec.ports'), [{ port: 80, protocol: 'TCP', targetPort: 80 }]);
    const p = s.create(pod('p'));
    assert.equal(fieldAt(p, 'spec.restartPolicy'), 'Always');
    assert.equal(fieldAt(p, 'spec.containers.0.imagePullPolicy'), 'Always', 'no tag means :latest');
    assert.deepEqual(p.status, { phase: 'Pending', qosClass: 'BestEffort' });
  });
});

describe('selectors', () => {
  const labels = { app: 'web', tier: 'front', version: 'v2' };
  const cases: [string, boolean][] = [
    ['app=web', true],
    ['app==web', true],
    ['app=api', false],
    ['app!=api', true],
    ['app!=web', false],
    ['missing!=x', true],
    ['version in (v1, v2)', true],
    ['version in (v1)', false],
    ['version notin (v1)', true],
    ['version notin (v2,v3)', false],
    ['tier', true],
    ['missing', false],
    ['!missing', true],
    ['!tier', false],
    ['app=web,tier=front,version in (v2)', true],
    ['app=web,tier=back', false],
    ['', true],
  ];
  for (const [sel, want] of cases) {
    it(`label selector ${JSON.stringify(sel)} → ${want}`, () => {
      assert.equal(matchesLabels(labels, parseLabelSelector(sel)), want);
    });
  }

  it('filters lists by label and field selectors', () => {
    const s = createStore();
    s.create(pod('a', undefined, { app: 'web', version: 'v1' }));
    s.create(pod('b', undefined, { app: 'web', version: 'v2' }));
    s.create(pod('c', undefined, { app: 'api' }));
    const names = (sel: { labelSelector?: string; fieldSelector?: string }) =>
      s.list('v1', 'Pod', 'default', sel).map((p) => p.metadata.name);
    assert.deepEqual(names({ labelSelector: 'app=web' }), ['a', 'b']);
    assert.deepEqual(names({ labelSelector: 'app=web,version!=v1' }), ['b']);
    assert.deepEqual(names({ fieldSelector: 'metadata.name=c' }), ['c']);
    assert.deepEqual(names({ fieldSelector: 'metadata.namespace=default,metadata.name!=a' }), ['b', 'c']);
    assert.deepEqual(s.list('v1', 'Pod', 'kube-system'), []);
    assert.equal(
      compileSelector({ fieldSelector: 'metadata.name=a' })(s.get('v1', 'Pod', 'default', 'a')!),
      true,
    );
  });
});

describe('garbage collection', () => {
  function family() {
    const s = createStore();
    const d = s.create(deployment());
    const rs = s.create({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: 'web-1',
        namespace: 'default',
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid!, controller: true },
        ],
      },
      spec: { selector: { matchLabels: { app: 'web' } }, template: deployment().spec.template },
    });
    s.create(pod('web-1-a', rs));
    s.create(pod('web-1-b', rs));
    return s;
  }

  it('deletes dependents in the background by default', () => {
    const s = family();
    const deleted: string[] = [];
    s.subscribe((e) => e.type === 'DELETED' && deleted.push(`${e.object.kind}/${e.object.metadata.name}`));
    s.delete('apps/v1', 'Deployment', 'default', 'web');
    assert.deepEqual(s.list('apps/v1', 'ReplicaSet'), []);
    assert.deepEqual(s.list('v1', 'Pod'), []);
    assert.equal(deleted[0], 'Deployment/web', 'the owner goes first');
  });

  it('deletes dependents first in the foreground', () => {
    const s = family();
    const deleted: string[] = [];
    s.subscribe((e) => e.type === 'DELETED' && deleted.push(e.object.kind));
    s.delete('apps/v1', 'Deployment', 'default', 'web', { propagationPolicy: 'Foreground' });
    assert.deepEqual(deleted, ['Pod', 'Pod', 'ReplicaSet', 'Deployment']);
  });

  it('orphans dependents by removing their ownerReferences', () => {
    const s = family();
    s.delete('apps/v1', 'ReplicaSet', 'default', 'web-1', { propagationPolicy: 'Orphan' });
    const pods = s.list('v1', 'Pod');
    assert.equal(pods.length, 2);
    for (const p of pods) assert.equal(p.metadata.ownerReferences, undefined);
  });

  it('deleting a namespace deletes its objects', () => {
    const s = createStore();
    s.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    s.create({ ...pod('p'), metadata: { name: 'p', namespace: 'team' } });
    s.create(pod('keep'));
    s.delete('v1', 'Namespace', undefined, 'team');
    assert.equal(s.get('v1', 'Namespace', undefined, 'team'), undefined);
    assert.deepEqual(
      s.list('v1', 'Pod').map((p) => p.metadata.name),
      ['keep'],
    );
    assert.ok(s.get('v1', 'Namespace', undefined, 'default'), 'default exists from the start');
    assert.ok(s.get('v1', 'Namespace', undefined, 'kube-system'));
  });

  it('keeps objects with finalizers until the last finalizer is removed', () => {
    const s = createStore();
    s.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', finalizers: ['example.com/hold'] },
    });
    const marked = s.delete('v1', 'ConfigMap', 'default', 'c')!;
    assert.ok(marked.metadata.deletionTimestamp);
    const held = s.get('v1', 'ConfigMap', 'default', 'c')!;
    assert.ok(held.metadata.deletionTimestamp);
    s.update({ ...held, metadata: { ...held.metadata, finalizers: [] } });
    assert.equal(s.get('v1', 'ConfigMap', 'default', 'c'), undefined);
  });
});

describe('store events', () => {
  it('emits ADDED, MODIFIED and DELETED in order, also for writes made by listeners', () => {
    const s = createStore();
    const seen: string[] = [];
    s.subscribe((e) => {
      seen.push(`${e.type} ${e.object.metadata.name} ${e.object.metadata.resourceVersion}`);
      // A controller reacting synchronously: its write must be delivered after this event.
      if (e.type === 'ADDED' && e.object.metadata.name === 'a')
        s.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } });
    });
    const other: string[] = [];
    s.subscribe((e) => other.push(`${e.type} ${e.object.metadata.name}`));
    const a = s.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
    s.update({ ...a, data: { x: '1' } });
    s.delete('v1', 'ConfigMap', 'default', 'a');
    const rv = Number(a.metadata.resourceVersion);
    assert.deepEqual(seen, [
      `ADDED a ${rv}`,
      `ADDED b ${rv + 1}`,
      `MODIFIED a ${rv + 2}`,
      `DELETED a ${rv + 3}`,
    ]);
    assert.deepEqual(other, ['ADDED a', 'ADDED b', 'MODIFIED a', 'DELETED a']);
  });

  it('keeps a bounded window of events for watch resumption', () => {
    const s = createStore({ eventWindow: 3 });
    const start = Number(s.resourceVersion());
    for (let i = 0; i < 5; i++)
      s.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${i}` } });
    assert.equal(s.eventsSince(start, '', 'ConfigMap'), 'expired');
    s.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } });
    assert.notEqual(s.eventsSince(start, '', 'Secret'), 'expired', 'each kind keeps its own window');
    const recent = s.eventsSince(start + 2, '', 'ConfigMap');
    assert.ok(recent !== 'expired');
    assert.deepEqual(
      recent.map((e) => e.object.metadata.name),
      ['c2', 'c3', 'c4'],
    );
  });

  it('returns deep copies', () => {
    const s = createStore();
    const a = s.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { x: '1' } });
    a.data!.x = 'changed';
    assert.equal(s.get('v1', 'ConfigMap', 'default', 'a')!.data!.x, '1');
  });
});

describe('custom resources', () => {
  it('serves a kind once its CRD is created and stops when it is deleted', () => {
    const s = createStore();
    assert.equal(s.resourceInfo('example.com/v1', 'Widget'), undefined);
    s.create({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'] },
        versions: [{ name: 'v1', served: true, storage: true, subresources: { status: {} } }],
      },
    });
    const info = s.resourceInfo('example.com/v1', 'Widget');
    assert.equal(info?.resource, 'widgets');
    assert.deepEqual(info?.subresources, ['status']);
    s.create({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 1 } });
    assert.equal(s.list('example.com/v1', 'Widget').length, 1);
    s.delete('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, 'widgets.example.com');
    assert.equal(s.resourceInfo('example.com/v1', 'Widget'), undefined);
  });

  it('serves the built-in knowledge of traffic CRDs in several versions', () => {
    const s = createStore();
    s.create({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'r' },
      spec: { rules: [] },
    });
    assert.equal(
      s.get('gateway.networking.k8s.io/v1beta1', 'HTTPRoute', 'default', 'r')?.apiVersion,
      'gateway.networking.k8s.io/v1beta1',
    );
    for (const av of ['networking.istio.io/v1beta1', 'networking.istio.io/v1'])
      assert.ok(s.resourceInfo(av, 'VirtualService'));
    for (const av of ['split.smi-spec.io/v1alpha2', 'split.smi-spec.io/v1alpha3'])
      assert.ok(s.resourceInfo(av, 'TrafficSplit'));
    assert.ok(s.resourceInfo('argoproj.io/v1alpha1', 'Rollout'));
    assert.ok(s.resourceInfo('argoproj.io/v1alpha1', 'AnalysisTemplate'));
  });
});

describe('clone', () => {
  it('copies JSON deeply, keeps undefined members, and leaves other values to structuredClone', () => {
    const at = new Date(0);
    const original = { a: [1, { b: 'x' }], c: undefined, d: null, at };
    const copy = clone(original);
    assert.deepEqual(copy, original);
    assert.ok('c' in copy, 'an undefined member stays');
    assert.notEqual(copy.a, original.a);
    assert.notEqual(copy.a[1], original.a[1]);
    assert.ok(
      copy.at instanceof Date && copy.at !== at && copy.at.getTime() === 0,
      'a Date is copied as a Date',
    );
  });
});
