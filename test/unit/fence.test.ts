// fencedCluster (src/kube/fence.ts): once the fence is aborted, every write is refused with its
// reason before it reaches the cluster; reads go on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LockLostError } from '../../src/errors.ts';
import { fencedCluster } from '../../src/kube/fence.ts';
import type { Cluster, KubeObject } from '../../src/kube/types.ts';

const CM: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'shop' } };
const REF = { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', namespace: 'shop' };

/** A Cluster that records every call with its arguments and answers `<method> done`. */
function recording() {
  const calls: Array<[string, unknown[]]> = [];
  const methods = [
    'apply',
    'get',
    'list',
    'create',
    'replace',
    'patch',
    'delete',
    'watchUntil',
    'podLog',
    'groupVersions',
    'resourceOf',
  ];
  const cluster = Object.fromEntries(
    methods.map((m) => [m, async (...args: unknown[]) => (calls.push([m, args]), `${m} done`)]),
  ) as unknown as Cluster;
  return { cluster, calls };
}

const onEvent = () => undefined;
const wait = { timeoutMs: 1 };

/** Every Cluster call once, with distinct arguments. */
function callAll(c: Cluster) {
  return {
    apply: () => c.apply(CM, { dryRun: true, force: false }),
    create: () => c.create(CM, { dryRun: true }),
    replace: () => c.replace(CM),
    patch: () => c.patch(REF, { data: {} }, 'merge', { subresource: 'status' }),
    delete: () => c.delete(REF, { propagationPolicy: 'Foreground' }),
    get: () => c.get(REF),
    list: () => c.list('v1', 'Pod', 'shop', { labelSelector: 'app=web' }),
    watchUntil: () => c.watchUntil('v1', 'Pod', 'shop', {}, onEvent, wait),
    podLog: () => c.podLog('shop', 'pod', 'app', { tailLines: 5 }),
    groupVersions: () => c.groupVersions('apps'),
    resourceOf: () => c.resourceOf('apps/v1', 'Deployment'),
  };
}
const WRITES = ['apply', 'create', 'replace', 'patch', 'delete'];

describe('fencedCluster', () => {
  it('passes every call and its arguments through while the fence stands', async () => {
    const inner = recording();
    const calls = callAll(fencedCluster(inner.cluster, new AbortController().signal));
    for (const [name, call] of Object.entries(calls)) assert.equal(await call(), `${name} done`, name);
    assert.deepEqual(inner.calls, [
      ['apply', [CM, { dryRun: true, force: false }]],
      ['create', [CM, { dryRun: true }]],
      ['replace', [CM]],
      ['patch', [REF, { data: {} }, 'merge', { subresource: 'status' }]],
      ['delete', [REF, { propagationPolicy: 'Foreground' }]],
      ['get', [REF]],
      ['list', ['v1', 'Pod', 'shop', { labelSelector: 'app=web' }]],
      ['watchUntil', ['v1', 'Pod', 'shop', {}, onEvent, wait]],
      ['podLog', ['shop', 'pod', 'app', { tailLines: 5 }]],
      ['groupVersions', ['apps']],
      ['resourceOf', ['apps/v1', 'Deployment']],
    ]);
  });

  it('once aborted, refuses every write with the fence’s reason and lets reads through', async () => {
    const inner = recording();
    const fence = new AbortController();
    const calls = callAll(fencedCluster(inner.cluster, fence.signal));
    const lost = new LockLostError('web', 'run-2');
    fence.abort(lost);
    for (const [name, call] of Object.entries(calls)) {
      if (WRITES.includes(name)) await assert.rejects(call(), (err) => err === lost, name);
      else assert.equal(await call(), `${name} done`, name);
    }
    assert.deepEqual(
      inner.calls.map(([m]) => m),
      ['get', 'list', 'watchUntil', 'podLog', 'groupVersions', 'resourceOf'],
      'no write reached the cluster',
    );
  });
});
