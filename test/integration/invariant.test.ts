// The release invariant checker on hand-built cluster states (no controllers, no generated load):
// it must pass a consistent release and name every kind of inconsistency it is meant to catch.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { microTime } from '../../src/engine/lease/lock.ts';
import { checkReleaseInvariant } from '../helpers/invariant.ts';
import { startSimCluster, type KubeObject, type SimCluster } from '@kube-rollout/kube-sim';

let sim: SimCluster;
let seq = 0;

before(async () => {
  sim = await startSimCluster({ controllers: false, rps: 0 });
});
after(async () => {
  await sim.stop();
});

/** A namespace with Service `web` and `ready` Ready pods per version (plus unready ones). */
function app(versions: Record<string, number>, unready: Record<string, number> = {}): string {
  const namespace = `inv-${++seq}`;
  sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  sim.store.create({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace },
    spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
  });
  for (const [version, n] of Object.entries(versions))
    for (let i = 0; i < n; i++) pod(namespace, version, true);
  for (const [version, n] of Object.entries(unready))
    for (let i = 0; i < n; i++) pod(namespace, version, false);
  return namespace;
}

function pod(namespace: string, version: string, ready: boolean): void {
  const created = sim.store.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { generateName: `web-${version}-`, namespace, labels: { app: 'web', version } },
    spec: { containers: [{ name: 'web', image: `web:${version}` }] },
  });
  sim.store.update(
    {
      ...created,
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
    },
    { subresource: 'status' },
  );
}

function state(namespace: string, fields: Record<string, unknown>): void {
  sim.store.create({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'kube-rollout-web', namespace },
    data: { 'state.json': JSON.stringify({ schema: 1, name: 'web', ...fields }) },
  });
}

function create(obj: KubeObject): void {
  sim.store.create(obj);
}

const check = (namespace: string, liveHolders?: string[]) =>
  checkReleaseInvariant(sim, { name: 'web', namespace, requests: 50, liveHolders });

describe('checkReleaseInvariant', () => {
  it('passes one ready version with no state, and a promoted state that agrees', () => {
    const namespace = app({ v1: 3 }, { v2: 1 });
    assert.deepEqual(check(namespace), []);
    state(namespace, { phase: 'promoted', stableVersion: 'v0', newVersion: 'v1', servingVersion: 'v1' });
    assert.deepEqual(check(namespace), []);
  });

  it('names two versions answering after the release finished', () => {
    const namespace = app({ v1: 2, v2: 2 });
    state(namespace, { phase: 'promoted', stableVersion: 'v1', newVersion: 'v2' });
    const violations = check(namespace);
    assert.equal(violations.length, 1, violations.join('\n'));
    assert.match(
      violations[0],
      /finished \(promoted\) but 2 versions answer: service\/inv-\d+\/web: v\d, v\d/,
    );
  });

  it('names requests that no pod answered', () => {
    const namespace = app({}, { v1: 2 });
    assert.match(check(namespace).join('\n'), /50 of 50 requests got no pod \(503 no ready endpoints\)/);
  });

  it('names a state that disagrees with what the cluster serves', () => {
    const promoted = app({ v1: 2 });
    state(promoted, { phase: 'promoted', stableVersion: 'v1', newVersion: 'v2' });
    assert.deepEqual(check(promoted), ['the state says promoted v2, but the cluster serves v1']);
    const rolledBack = app({ v2: 2 });
    state(rolledBack, { phase: 'rolled-back', stableVersion: 'v1', newVersion: 'v2', servingVersion: 'v1' });
    assert.deepEqual(check(rolledBack), [
      'the state says rolled back to v1, but the cluster serves v2',
      "the state's servingVersion is v1, but the cluster serves v2",
    ]);
  });

  it('while paused allows stable and new, not a third version, and ignores the copies', () => {
    const namespace = app({ v1: 2, v2: 1 });
    state(namespace, { phase: 'paused', stableVersion: 'v1', newVersion: 'v2' });
    create(deployment(namespace, 'web-canary', { [ANN_ROLE]: 'canary' }));
    assert.deepEqual(check(namespace), []);
    pod(namespace, 'v3', true);
    assert.match(check(namespace).join('\n'), /web is paused between v1 and v2, but version v3 answers/);
  });

  it('lists every leftover of a finished release', () => {
    const namespace = app({ v1: 2 });
    state(namespace, { phase: 'rolled-back', stableVersion: 'v1', newVersion: 'v2' });
    create(deployment(namespace, 'web-green', {}));
    create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web-canary', namespace, labels: { [ANN_ROLE]: 'canary' } },
      spec: { selector: { app: 'web', version: 'v2' }, ports: [{ port: 80 }] },
    });
    const svc = sim.store.get('v1', 'Service', namespace, 'web')!;
    svc.metadata.annotations = { 'kube-rollout.io/original-selector': '{"app":"web"}' };
    sim.store.update(svc);
    create({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name: 'web-canary',
        namespace,
        annotations: { 'nginx.ingress.kubernetes.io/canary': 'true' },
      },
      spec: { rules: [] },
    });
    create({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'web', namespace },
      spec: {
        rules: [
          {
            backendRefs: [
              { name: 'web', port: 80 },
              { name: 'web-canary', port: 80, weight: 0 },
            ],
          },
        ],
      },
    });
    create({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'web', namespace },
      spec: {
        hosts: ['web.example'],
        http: [
          { route: [{ destination: { host: 'web' } }, { destination: { host: 'web', subset: 'canary' } }] },
        ],
      },
    });
    create({
      apiVersion: 'split.smi-spec.io/v1alpha3',
      kind: 'TrafficSplit',
      metadata: { name: 'web', namespace },
      spec: {
        service: 'web',
        backends: [
          { service: 'web', weight: 100 },
          { service: 'web-canary', weight: 0 },
        ],
      },
    });
    const text = check(namespace).join('\n');
    for (const expected of [
      /Deployment inv-\d+\/web-green is a left-over copy/,
      /Service inv-\d+\/web-canary \(role canary\) is left over/,
      /Service inv-\d+\/web still carries kube-rollout.io\/original-selector/,
      /Ingress inv-\d+\/web-canary is an nginx canary Ingress/,
      /HTTPRoute inv-\d+\/web still routes to backend web-canary/,
      /VirtualService inv-\d+\/web still routes to destination web subset canary/,
      /TrafficSplit inv-\d+\/web still routes to backend web-canary/,
    ])
      assert.match(text, expected);
  });

  it('names a Lease held by a run that is not alive, and accepts a live holder', () => {
    const namespace = app({ v1: 1 });
    create({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'kube-rollout-web', namespace },
      spec: { holderIdentity: 'run-7', leaseDurationSeconds: 2, renewTime: microTime() },
    });
    assert.match(
      check(namespace).join('\n'),
      /Lease kube-rollout-web is still held by run-7 \(expires .*\), which is not a live run/,
    );
    assert.deepEqual(check(namespace, ['run-7']), []);
  });

  it('names a state ConfigMap it cannot read', () => {
    const namespace = app({ v1: 1 });
    create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kube-rollout-web', namespace },
      data: { 'state.json': '{not json' },
    });
    assert.match(check(namespace).join('\n'), /kube-rollout-web holds invalid JSON/);
  });
});

const ANN_ROLE = 'kube-rollout.io/role';

function deployment(namespace: string, name: string, labels: Record<string, string>): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'web' }] },
      },
    },
  };
}
