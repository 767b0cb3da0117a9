// Issue 4, end to end: StatefulSet canary by partition and DaemonSet rolling updates, both
// failing fast and rolling back like Deployments.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { runAction } from '../helpers/action.ts';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';

const IMAGE = 'registry.local:5000/acme/db';

function workload(kind: 'StatefulSet' | 'DaemonSet', env: Record<string, string> = {}): string {
  const labels = { app: 'db' };
  const spec: Record<string, unknown> = {
    selector: { matchLabels: labels },
    template: {
      metadata: { labels },
      spec: {
        containers: [
          {
            name: 'db',
            image: `${IMAGE}:v1`,
            env: Object.entries({ SIM_STARTUP_SECONDS: '1', ...env }).map(([name, value]) => ({
              name,
              value,
            })),
          },
        ],
      },
    },
  };
  if (kind === 'StatefulSet') Object.assign(spec, { replicas: 5, serviceName: 'db' });
  const dir = mkdtempSync(join(tmpdir(), 'kr-sts-'));
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'db' },
    spec: { selector: labels, ports: [{ port: 5432 }] },
  };
  writeFileSync(
    join(dir, 'db.yaml'),
    [service, { apiVersion: 'apps/v1', kind, metadata: { name: 'db' }, spec }]
      .map((o) => stringify(o))
      .join('---\n'),
  );
  return dir;
}

function podVersions(sim: SimCluster, namespace: string): Record<string, string> {
  return Object.fromEntries(
    sim.store.list('v1', 'Pod', namespace).map((p) => [p.metadata.name!, p.metadata.labels?.version ?? '?']),
  );
}

describe('StatefulSet partitioned canary and DaemonSet updates (dist/index.js)', () => {
  let sim: SimCluster;
  const base = (namespace: string) => ({
    kubeconfig: sim.kubeconfig,
    namespace,
    'version-label': 'version',
    comment: 'false',
    name: 'db',
  });

  before(async () => {
    sim = await startSimCluster();
    for (const name of ['sts', 'sts-crash', 'sts-supersede', 'ds'])
      sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  });
  after(async () => {
    await sim.stop();
  });

  it('a StatefulSet of 5 with steps 40 and 100: ordinals 3 and 4 first, the rest only after promotion', async () => {
    const dir = workload('StatefulSet');
    assert.equal(
      (await runAction({ ...base('sts'), manifests: dir, images: `${IMAGE}:v1` })).outputs.result,
      'promoted',
    );
    const steps = stringify([{ setWeight: 40 }, { pause: {} }, { setWeight: 100 }]);
    const first = await runAction({
      ...base('sts'),
      strategy: 'canary',
      manifests: dir,
      images: `${IMAGE}:v2`,
      steps,
    });
    assert.equal(first.outputs.result, 'paused', first.stdout);
    assert.deepEqual(podVersions(sim, 'sts'), {
      'db-0': 'v1',
      'db-1': 'v1',
      'db-2': 'v1',
      'db-3': 'v2',
      'db-4': 'v2',
    });
    const done = await runAction({ ...base('sts'), strategy: 'canary', action: 'promote' });
    assert.equal(done.outputs.result, 'promoted', done.stdout);
    assert.deepEqual(Object.values(podVersions(sim, 'sts')), ['v2', 'v2', 'v2', 'v2', 'v2']);
  });

  it('a paused StatefulSet canary superseded by v3: every ordinal ends on v3, partition 0', async () => {
    const dir = workload('StatefulSet');
    const ns = 'sts-supersede';
    assert.equal(
      (await runAction({ ...base(ns), manifests: dir, images: `${IMAGE}:v1` })).outputs.result,
      'promoted',
    );
    const canary = { ...base(ns), strategy: 'canary', manifests: dir };
    const v2 = await runAction({
      ...canary,
      images: `${IMAGE}:v2`,
      steps: stringify([{ setWeight: 40 }, { pause: {} }]),
    });
    assert.equal(v2.outputs.result, 'paused', v2.stdout);
    const v3 = await runAction({ ...canary, images: `${IMAGE}:v3`, steps: stringify([{ setWeight: 40 }]) });
    assert.equal(v3.outputs.result, 'promoted', v3.stdout);
    assert.equal(v3.outputs['previous-version'], 'v1');
    assert.match(v3.summary, /superseded v2/);
    assert.deepEqual(Object.values(podVersions(sim, ns)), ['v3', 'v3', 'v3', 'v3', 'v3']);
    const sts = sim.store.get('apps/v1', 'StatefulSet', ns, 'db')!;
    assert.equal(sts.spec.updateStrategy.rollingUpdate.partition, 0);
    const state = JSON.parse(sim.store.get('v1', 'ConfigMap', ns, 'kube-rollout-db')!.data!['state.json']);
    assert.equal(state.phase, 'promoted');
    assert.equal(state.servingVersion, 'v3');
  });

  it('a crashing StatefulSet canary stops at the first bad ordinal and rolls back', async () => {
    const good = workload('StatefulSet');
    assert.equal(
      (await runAction({ ...base('sts-crash'), manifests: good, images: `${IMAGE}:v1` })).outputs.result,
      'promoted',
    );
    const run = await runAction({
      ...base('sts-crash'),
      strategy: 'canary',
      manifests: workload('StatefulSet', { SIM_CRASH: 'true' }),
      images: `${IMAGE}:v2`,
      steps: stringify([{ setWeight: 40 }]),
    });
    assert.equal(run.outputs.result, 'rolled-back', run.stdout);
    assert.match(run.outputs['rollback-reason'], /db-4.*CrashLoopBackOff/);
    assert.deepEqual(Object.values(podVersions(sim, 'sts-crash')), ['v1', 'v1', 'v1', 'v1', 'v1']);
  });

  it('a DaemonSet rolls to v2 on every node, and a crashing v3 rolls back', async () => {
    const dir = workload('DaemonSet');
    assert.equal(
      (await runAction({ ...base('ds'), manifests: dir, images: `${IMAGE}:v1` })).outputs.result,
      'promoted',
    );
    const v2 = await runAction({ ...base('ds'), manifests: dir, images: `${IMAGE}:v2` });
    assert.equal(v2.outputs.result, 'promoted', v2.stdout);
    assert.deepEqual(new Set(Object.values(podVersions(sim, 'ds'))), new Set(['v2']));
    const v3 = await runAction({
      ...base('ds'),
      manifests: workload('DaemonSet', { SIM_CRASH: 'true' }),
      images: `${IMAGE}:v3`,
    });
    assert.equal(v3.outputs.result, 'rolled-back', v3.stdout);
    assert.match(v3.outputs['rollback-reason'], /CrashLoopBackOff/);
    const ds = sim.store.get('apps/v1', 'DaemonSet', 'ds', 'db')!;
    assert.equal(ds.spec.template.metadata.labels.version, 'v2');
    assert.equal(ds.status.numberAvailable, 3);
  });
});
