// The Cluster against the simulated API server: verbs, dry runs, optimistic concurrency, patch
// types, watches that resume and re-list, retries on injected faults, pod logs and discovery.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';
import { loadKubeConfig } from '../../src/kube/kubeconfig.ts';
import { createCluster } from '../../src/kube/cluster.ts';
import { KubeApiError, type Cluster, type KubeObject } from '../../src/kube/types.ts';
import type { RetryInfo } from '../../src/kube/retry.ts';
import { view, type DeploymentObject, type PodObject } from '../../src/manifests/workload-views.ts';
import { valueAt } from '../../src/plain-values.ts';

const NS = 'default';
const cm = (name: string, data: Record<string, string>, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: NS, labels },
  data,
});
const cmRef = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', name, namespace: NS });

function connect(sim: SimCluster, onRetry?: (info: RetryInfo) => void): Cluster {
  return createCluster(loadKubeConfig({ kubeconfig: sim.kubeconfig, env: {} }), {
    retries: 5,
    minRetryDelayMs: 5,
    onRetry,
  });
}

/** Requests the simulator saw for one object name (path contains it), as `VERB code`. */
function requestsFor(sim: SimCluster, name: string): string[] {
  return sim
    .stats()
    .requests.filter((r) => r.name === name)
    .map((r) => `${r.verb} ${r.code}`);
}

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('Cluster against the simulator', () => {
  let sim: SimCluster;
  let cluster: Cluster;
  const retries: RetryInfo[] = [];

  before(async () => {
    sim = await startSimCluster({ rps: 0 });
    cluster = connect(sim, (info) => retries.push(info));
  });
  after(async () => {
    await sim.stop();
  });

  test('apply creates, then updates, with field manager kube-rollout and plain JSON back', async () => {
    const created = await cluster.apply(cm('app-config', { a: '1' }));
    assert.equal(typeof created.metadata.creationTimestamp, 'string');
    assert.equal(created.data?.a, '1');
    const fields = created.metadata.managedFields as Array<{
      manager?: string;
      operation?: string;
      time?: unknown;
    }>;
    const entry = fields.find((m) => m.manager === 'kube-rollout');
    assert.equal(entry?.operation, 'Apply');
    assert.equal(typeof entry?.time, 'string');
    const updated = await cluster.apply(cm('app-config', { a: '2', b: '3' }));
    assert.deepEqual(updated.data, { a: '2', b: '3' });
    assert.equal(updated.metadata.uid, created.metadata.uid);
    assert.notEqual(updated.metadata.resourceVersion, created.metadata.resourceVersion);
    const applies = sim.stats().requests.filter((r) => r.name === 'app-config' && r.verb === 'patch');
    assert.deepEqual(
      applies.map((r) => [r.fieldManager, r.patchType]),
      [
        ['kube-rollout', 'application/apply-patch+yaml'],
        ['kube-rollout', 'application/apply-patch+yaml'],
      ],
    );
  });

  test('apply with dryRun answers with the result but leaves the store unchanged', async () => {
    await cluster.apply(cm('dry', { a: '1' }));
    const before = sim.store.get('v1', 'ConfigMap', NS, 'dry');
    const answer = await cluster.apply(cm('dry', { a: 'changed' }), { dryRun: true });
    assert.equal(answer.data?.a, 'changed');
    assert.deepEqual(sim.store.get('v1', 'ConfigMap', NS, 'dry'), before);
    const fresh = await cluster.apply(cm('dry-new', { a: '1' }), { dryRun: true });
    assert.equal(fresh.metadata.name, 'dry-new');
    assert.equal(sim.store.get('v1', 'ConfigMap', NS, 'dry-new'), undefined);
    assert.equal(await cluster.get(cmRef('dry-new')), undefined);
  });

  test('get and list with a label selector; items carry apiVersion and kind', async () => {
    await cluster.apply(cm('sel-1', {}, { tier: 'web', team: 'a' }));
    await cluster.apply(cm('sel-2', {}, { tier: 'web', team: 'b' }));
    await cluster.apply(cm('sel-3', {}, { tier: 'db', team: 'a' }));
    const web = await cluster.list('v1', 'ConfigMap', NS, { labelSelector: 'tier=web' });
    assert.deepEqual(web.map((o) => o.metadata.name).sort(), ['sel-1', 'sel-2']);
    for (const o of web) assert.deepEqual([o.apiVersion, o.kind], ['v1', 'ConfigMap']);
    const teamA = await cluster.list('v1', 'ConfigMap', undefined, { labelSelector: 'team=a,tier!=web' });
    assert.deepEqual(
      teamA.map((o) => o.metadata.name),
      ['sel-3'],
    );
    const got = await cluster.get(cmRef('sel-1'));
    assert.equal(got?.metadata.labels?.tier, 'web');
    assert.equal(await cluster.get(cmRef('no-such-thing')), undefined);
  });

  test('replace with a stale resourceVersion fails with 409 Conflict, once; with the current one it succeeds', async () => {
    const first = await cluster.create(cm('occ', { v: '1' }));
    const second = await cluster.replace({ ...first, data: { v: '2' } });
    assert.equal(second.data?.v, '2');
    sim.resetStats();
    await assert.rejects(cluster.replace({ ...first, data: { v: 'stale' } }), (err: unknown) => {
      assert.ok(err instanceof KubeApiError);
      assert.equal(err.code, 409);
      assert.equal(err.reason, 'Conflict');
      assert.equal(valueAt(err.status, ['kind']), 'Status');
      return true;
    });
    assert.deepEqual(requestsFor(sim, 'occ'), ['update 409'], 'a 409 is not retried');
    assert.equal(sim.store.get('v1', 'ConfigMap', NS, 'occ')?.data?.v, '2');
  });

  test('create of an existing object is 409 AlreadyExists; an invalid object is 422, neither retried', async () => {
    sim.resetStats();
    await assert.rejects(
      cluster.create(cm('occ', {})),
      (err: unknown) => err instanceof KubeApiError && err.code === 409 && err.reason === 'AlreadyExists',
    );
    await assert.rejects(
      cluster.create(cm('Not_A_Valid_Name', {})),
      (err: unknown) => err instanceof KubeApiError && err.code === 422,
    );
    assert.deepEqual(
      sim
        .stats()
        .requests.filter((r) => r.verb === 'create')
        .map((r) => r.code),
      [409, 422],
    );
  });

  test('patch: strategic merges containers by name, merge replaces lists and deletes with null, json patch ops', async () => {
    const deploy: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'patchy', namespace: NS },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'patchy' } },
        template: {
          metadata: { labels: { app: 'patchy' } },
          spec: {
            containers: [
              { name: 'app', image: 'app:1' },
              { name: 'sidecar', image: 'side:1' },
            ],
          },
        },
      },
    };
    await cluster.apply(deploy);
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'patchy', namespace: NS };
    const strategic = await cluster.patch(
      ref,
      { spec: { template: { spec: { containers: [{ name: 'app', image: 'app:2' }] } } } },
      'strategic',
    );
    assert.deepEqual(
      view<DeploymentObject>(strategic).spec.template.spec!.containers.map((c) => `${c.name}=${c.image}`),
      ['app=app:2', 'sidecar=side:1'],
    );

    await cluster.apply(cm('merge-me', { keep: '1', drop: '2' }));
    const merged = await cluster.patch(cmRef('merge-me'), { data: { drop: null, added: '3' } }, 'merge');
    assert.deepEqual(merged.data, { keep: '1', added: '3' });

    const jsonPatched = await cluster.patch(
      cmRef('merge-me'),
      [
        { op: 'replace', path: '/data/keep', value: 'x' },
        { op: 'add', path: '/metadata/labels', value: { j: 'p' } },
      ],
      'json',
    );
    assert.equal(jsonPatched.data?.keep, 'x');
    assert.equal(jsonPatched.metadata.labels?.j, 'p');

    const scaled = await cluster.patch(ref, { spec: { replicas: 2 } }, 'merge', { subresource: 'scale' });
    assert.equal(scaled.kind, 'Scale');
    assert.equal(sim.store.get('apps/v1', 'Deployment', NS, 'patchy')?.spec.replicas, 2);

    const dry = await cluster.patch(cmRef('merge-me'), { data: { keep: 'dry' } }, 'merge', { dryRun: true });
    assert.equal(dry.data?.keep, 'dry');
    assert.equal(sim.store.get('v1', 'ConfigMap', NS, 'merge-me')?.data?.keep, 'x');
  });

  test('delete answers true, then false once the object is gone', async () => {
    await cluster.apply(cm('doomed', {}));
    assert.equal(await cluster.delete(cmRef('doomed')), true);
    assert.equal(sim.store.get('v1', 'ConfigMap', NS, 'doomed'), undefined);
    assert.equal(await cluster.delete(cmRef('doomed'), { propagationPolicy: 'Foreground' }), false);
  });

  test('a kind the server does not serve is a clear error', async () => {
    await assert.rejects(
      cluster.get({ apiVersion: 'example.com/v1', kind: 'Widget', name: 'w', namespace: NS }),
      /does not serve kind "Widget"/,
    );
  });

  test('a new client learns every group from aggregated discovery: two requests, then none', async () => {
    const fresh = connect(sim);
    sim.resetStats();
    await Promise.all([
      fresh.get(cmRef('none-such')),
      fresh.list('apps/v1', 'Deployment', NS),
      fresh.get({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', name: 'x', namespace: NS }),
    ]);
    await fresh.list('policy/v1', 'PodDisruptionBudget', NS);
    const discovery = sim
      .stats()
      .requests.filter((r) => r.verb === 'nonresource' || !r.resource)
      .map((r) => r.path)
      .sort();
    assert.deepEqual(discovery, ['/api', '/apis']);
  });

  test('429 (with Retry-After), 500, 503 and a reset connection are retried until the answer', async () => {
    await cluster.apply(cm('flaky', { ok: 'yes' }));
    sim.resetStats();
    retries.length = 0;
    const match = { verb: 'get' as const, resource: 'configmaps', name: 'flaky' };
    sim.faults.add({ ...match, status: 429, retryAfterSeconds: 1, times: 1 });
    sim.faults.add({ ...match, status: 500, skip: 1, times: 1 });
    sim.faults.add({ ...match, status: 503, retryAfterSeconds: 0, skip: 2, times: 1 });
    sim.faults.add({ ...match, reset: true, skip: 3, times: 1 });
    const got = await cluster.get(cmRef('flaky'));
    assert.equal(got?.data?.ok, 'yes');
    assert.deepEqual(requestsFor(sim, 'flaky'), ['get 429', 'get 500', 'get 503', 'get 0', 'get 200']);
    assert.equal(retries.length, 4);
    assert.equal(retries[0].delayMs, 1000, 'Retry-After: 1 is honoured');
    sim.faults.clear();
  });

  test('watchUntil: a predicate satisfied by an update seen on the watch', async () => {
    await cluster.apply(cm('watched', { phase: 'starting' }, { w: 'one' }));
    sim.resetStats();
    const seen: string[] = [];
    const done = cluster.watchUntil(
      'v1',
      'ConfigMap',
      NS,
      { labelSelector: 'w=one' },
      (ev) => {
        seen.push(`${ev.type} ${ev.object.data?.phase}`);
        return ev.object.data?.phase === 'ready' ? ev.object : undefined;
      },
      { timeoutMs: 10_000, description: 'config "watched" to be ready' },
    );
    await until('the watch to open', () =>
      sim.stats().requests.some((r) => r.verb === 'watch' && r.resource === 'configmaps'),
    );
    await cluster.patch(cmRef('watched'), { data: { phase: 'ready' } }, 'merge');
    const obj = await done;
    assert.equal(obj.data?.phase, 'ready');
    assert.equal(obj.kind, 'ConfigMap');
    assert.deepEqual(seen, ['ADDED starting', 'MODIFIED ready']);
  });

  test('watchUntil resumes from the last resourceVersion when the server cuts the stream', async () => {
    await cluster.apply(cm('counter', { n: '0' }, { w: 'counter' }));
    sim.resetStats();
    sim.faults.add({ verb: 'watch', resource: 'configmaps', cutWatchAfterEvents: 1, times: 2 });
    const seen: string[] = [];
    const done = cluster.watchUntil(
      'v1',
      'ConfigMap',
      NS,
      { labelSelector: 'w=counter' },
      (ev) => {
        seen.push(ev.object.data?.n ?? '');
        return ev.object.data?.n === '3' ? 'done' : undefined;
      },
      { timeoutMs: 10_000 },
    );
    for (let n = 1; n <= 3; n++) {
      const opened = n;
      await until(
        `watch ${opened} to open`,
        () => sim.stats().requests.filter((r) => r.verb === 'watch').length >= opened,
      );
      await cluster.patch(cmRef('counter'), { data: { n: String(n) } }, 'merge');
    }
    assert.equal(await done, 'done');
    // A watch restarted without our resourceVersion would replay the current object (duplicates).
    assert.deepEqual(seen, ['0', '1', '2', '3'], 'every change once, in order, none lost across the cuts');
    const verbs = sim
      .stats()
      .requests.filter((r) => r.resource === 'configmaps')
      .map((r) => r.verb);
    assert.deepEqual(verbs.filter((v) => v === 'list').length, 1, 'resumed without re-listing');
    assert.ok(verbs.filter((v) => v === 'watch').length >= 3);
    sim.faults.clear();
  });

  test('watchUntil re-lists when the watch request is answered with HTTP 410 Gone', async () => {
    await cluster.apply(cm('gone', { n: '0' }, { w: 'gone' }));
    sim.resetStats();
    sim.faults.add({ verb: 'watch', resource: 'configmaps', status: 410, times: 1 });
    const done = cluster.watchUntil(
      'v1',
      'ConfigMap',
      NS,
      { labelSelector: 'w=gone' },
      (ev) => (ev.object.data?.n === '1' ? ev.type : undefined),
      {
        timeoutMs: 10_000,
      },
    );
    await until('a second watch', () => sim.stats().requests.filter((r) => r.verb === 'watch').length >= 2);
    await cluster.patch(cmRef('gone'), { data: { n: '1' } }, 'merge');
    assert.equal(await done, 'MODIFIED');
    const calls = sim
      .stats()
      .requests.filter((r) => r.resource === 'configmaps')
      .map((r) => `${r.verb} ${r.code}`);
    assert.deepEqual(calls.slice(0, 4), ['list 200', 'watch 410', 'list 200', 'watch 200']);
    sim.faults.clear();
  });

  test('watchUntil re-lists on an ERROR 410 event when its resourceVersion left the server window', async () => {
    const small = await startSimCluster({ rps: 0, controllers: false, eventWindow: 3 });
    try {
      const c = connect(small);
      await c.apply(cm('expiring', { n: '0' }, { w: 'exp' }));
      small.faults.add({ verb: 'watch', resource: 'configmaps', cutWatchAfterEvents: 1, times: 1 });
      small.faults.add({ verb: 'watch', resource: 'configmaps', latencyMs: 1000, skip: 1, times: 1 });
      const seen: string[] = [];
      const done = c.watchUntil(
        'v1',
        'ConfigMap',
        NS,
        { labelSelector: 'w=exp' },
        (ev, snapshot) => {
          seen.push(`${ev.type} ${ev.object.data?.n}`);
          return ev.object.data?.n === '2' ? snapshot.size : undefined;
        },
        { timeoutMs: 10_000 },
      );
      await until('the first watch', () => small.stats().requests.some((r) => r.verb === 'watch'));
      await c.patch(cmRef('expiring'), { data: { n: '1' } }, 'merge');
      await until('the first change to arrive', () => seen.includes('MODIFIED 1'));
      // While the resumed watch is delayed, push its resourceVersion out of the window.
      for (let i = 0; i < 6; i++) await c.apply(cm(`noise-${i}`, {}));
      await until(
        'the re-list',
        () =>
          small.stats().requests.filter((r) => r.verb === 'list' && r.resource === 'configmaps').length >= 2,
      );
      await c.patch(cmRef('expiring'), { data: { n: '2' } }, 'merge');
      assert.equal(await done, 1);
      assert.deepEqual(seen, ['ADDED 0', 'MODIFIED 1', 'ADDED 1', 'MODIFIED 2']);
    } finally {
      await small.stop();
    }
  });

  test('watchUntil resumes from a BOOKMARK resourceVersion (no re-list although the listed one left the window)', async () => {
    // Bookmarks every 0.2 s; only 3 ConfigMap events kept for resumption.
    const small = await startSimCluster({
      rps: 0,
      controllers: false,
      eventWindow: 3,
      watchBookmarkSeconds: 0.2,
    });
    try {
      const c = connect(small);
      await c.apply(cm('marked', { n: '0' }, { w: 'bm' }));
      // The first stream ends right after its first event: the bookmark that follows the noise.
      small.faults.add({ verb: 'watch', resource: 'configmaps', cutWatchAfterEvents: 1, times: 1 });
      const done = c.watchUntil(
        'v1',
        'ConfigMap',
        NS,
        { labelSelector: 'w=bm' },
        (ev) => (ev.object.data?.n === '1' ? ev.type : undefined),
        { timeoutMs: 10_000 },
      );
      await until('the first watch', () => small.stats().requests.some((r) => r.verb === 'watch'));
      // Unselected changes of the same kind push the listed resourceVersion out of the window, all
      // in this tick (in process), so the first bookmark the stream gets comes after them.
      for (let i = 0; i < 6; i++) small.store.create(cm(`bm-noise-${i}`, {}));
      await until(
        'the resumed watch',
        () =>
          small.stats().requests.filter((r) => r.verb === 'watch' && r.resource === 'configmaps').length >= 2,
      );
      await c.patch(cmRef('marked'), { data: { n: '1' } }, 'merge');
      assert.equal(await done, 'MODIFIED');
      const calls = small
        .stats()
        .requests.filter((r) => r.resource === 'configmaps' && (r.verb === 'list' || r.verb === 'watch'))
        .map((r) => r.verb);
      // Resuming from the listed version would have met 410 Gone and re-listed.
      assert.equal(calls.filter((v) => v === 'list').length, 1, calls.join(' '));
    } finally {
      await small.stop();
    }
  });

  test('podLog returns the tail of a running container, and "" before it starts', async () => {
    const pod: PodObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'logger', namespace: NS },
      spec: {
        containers: [{ name: 'app', image: 'app:1', env: [{ name: 'SIM_LOG', value: 'one\ntwo\nthree\n' }] }],
      },
    };
    await cluster.create(pod);
    const running = await cluster.watchUntil(
      'v1',
      'Pod',
      NS,
      { fieldSelector: 'metadata.name=logger' },
      (ev) => (view<PodObject>(ev.object).status?.containerStatuses?.[0]?.state?.running ? true : undefined),
      { timeoutMs: 20_000, description: 'pod logger to run' },
    );
    assert.equal(running, true);
    assert.equal(await cluster.podLog(NS, 'logger', 'app', { tailLines: 2 }), 'two\nthree\n');
    assert.equal(await cluster.podLog(NS, 'logger', 'app'), 'one\ntwo\nthree\n');
    assert.equal(await cluster.podLog(NS, 'no-such-pod', 'app'), '');
    // No node matches: the pod stays Pending and its container never starts.
    await cluster.create({
      ...pod,
      metadata: { name: 'stuck', namespace: NS },
      spec: { ...pod.spec, nodeSelector: { disk: 'none-such' } },
    });
    assert.equal(await cluster.podLog(NS, 'stuck', 'app', { tailLines: 5 }), '');
  });

  test('watchUntil stops at its timeout, and on abort, naming what it waited for', async () => {
    await assert.rejects(
      cluster.watchUntil('v1', 'ConfigMap', NS, {}, () => undefined, {
        timeoutMs: 100,
        description: 'nothing in particular',
      }),
      (err: Error) =>
        err.name === 'WaitTimeoutError' &&
        /timed out after 100ms waiting for nothing in particular/.test(err.message),
    );
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 50);
    await assert.rejects(
      cluster.watchUntil('v1', 'ConfigMap', NS, {}, () => undefined, {
        timeoutMs: 10_000,
        signal: ctl.signal,
      }),
      (err: Error) => err.name === 'AbortError' && /configmaps in default: aborted/.test(err.message),
    );
  });

  test('groupVersions lists served versions, preferred first, and [] for an unknown group', async () => {
    assert.deepEqual(await cluster.groupVersions('split.smi-spec.io'), ['v1alpha3', 'v1alpha2']);
    assert.deepEqual(await cluster.groupVersions('apps'), ['v1']);
    assert.deepEqual(await cluster.groupVersions('no.such.group'), []);
  });
});
