// Issue 3, end to end: bad input writes nothing, recreate ordering, and the per-app lock.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runAction } from '../helpers/action.ts';
import { writeApp } from '../helpers/manifests.ts';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';

const IMAGE = 'registry.local:5000/acme/web';

function manifestDir(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kr-bad-'));
  writeFileSync(join(dir, 'app.yaml'), text);
  return dir;
}

describe('input validation, recreate and the release lock (dist/index.js)', () => {
  let sim: SimCluster;
  const inputs = (namespace = 'default') => ({
    kubeconfig: sim.kubeconfig,
    namespace,
    'version-label': 'version',
    comment: 'false',
  });

  before(async () => {
    sim = await startSimCluster();
  });
  after(async () => {
    await sim.stop();
  });

  const invalid: { name: string; inputs: Record<string, string>; message: RegExp }[] = [
    {
      name: 'unknown strategy',
      inputs: { strategy: 'big-bang' },
      message: /input 'strategy'.*rolling, recreate, canary, blue-green/s,
    },
    { name: 'bad duration', inputs: { timeout: '5 minutes' }, message: /input 'timeout'/ },
    {
      name: 'malformed YAML',
      inputs: { manifests: manifestDir('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: [oops\n') },
      message: /app\.yaml:\d+/,
    },
    {
      name: 'a Deployment without selector',
      inputs: {
        manifests: manifestDir(
          'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: web, image: nginx}]\n',
        ),
      },
      message: /app\.yaml:5.*selector/s,
    },
    {
      name: 'a Service that selects nothing',
      inputs: {
        manifests: manifestDir(
          `${appYaml()}---\napiVersion: v1\nkind: Service\nmetadata: {name: other}\nspec:\n  selector: {app: nothing}\n  ports: [{port: 80}]\n`,
        ),
      },
      message: /app\.yaml:\d+.*Service.*other|Service.*other.*app\.yaml:\d+/s,
    },
  ];

  for (const c of invalid) {
    it(`${c.name}: fails naming the input or file and line, and writes nothing`, async () => {
      sim.resetStats();
      const run = await runAction({ ...inputs(), manifests: writeApp(), ...c.inputs });
      assert.equal(run.code, 1);
      assert.match(run.stdout, c.message);
      assert.ok(
        run.annotations.some((a) => a.startsWith('::error')),
        'an error annotation',
      );
      assert.equal(sim.stats().writes, 0, `writes: ${JSON.stringify(sim.stats().byVerb)}`);
    });
  }

  it('recreate: no old pod is alive when the first new pod starts', async () => {
    sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'recreate' } });
    const dir = writeApp({ replicas: 4 });
    assert.equal(
      (
        await runAction({
          ...inputs('recreate'),
          strategy: 'recreate',
          manifests: dir,
          images: `${IMAGE}:v1`,
        })
      ).outputs.result,
      'promoted',
    );
    const alive = new Map<string, string>();
    let violations = 0;
    let newPods = 0;
    const unsubscribe = sim.store.subscribe(({ type, object: o }) => {
      if (o.kind !== 'Pod' || o.metadata.namespace !== 'recreate') return;
      if (type === 'DELETED') return void alive.delete(o.metadata.name!);
      const version = o.metadata.labels?.version;
      if (type === 'ADDED' && version === 'v2') {
        newPods++;
        if ([...alive.values()].includes('v1')) violations++;
      }
      alive.set(o.metadata.name!, version ?? '');
    });
    const run = await runAction({
      ...inputs('recreate'),
      strategy: 'recreate',
      manifests: dir,
      images: `${IMAGE}:v2`,
    });
    unsubscribe();
    assert.equal(run.outputs.result, 'promoted', run.stdout);
    assert.equal(newPods, 4);
    assert.equal(violations, 0, 'a v2 pod was created while a v1 pod was still alive');
  });

  it('a second run waits for the lock, then proceeds; with a short lock-timeout it fails and writes nothing', async () => {
    sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'locked' } });
    const holder = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'kube-rollout-web', namespace: 'locked' },
    };
    const now = new Date().toISOString().replace('Z', '000Z');
    sim.store.create({
      ...holder,
      spec: { holderIdentity: 'another-run', leaseDurationSeconds: 30, acquireTime: now, renewTime: now },
    });

    sim.resetStats();
    const blocked = await runAction({
      ...inputs('locked'),
      manifests: writeApp(),
      images: `${IMAGE}:v1`,
      'lock-timeout': '2s',
    });
    assert.equal(blocked.code, 1);
    assert.match(blocked.stdout, /lock.*another-run|another-run.*lock/i);
    assert.equal(sim.stats().writes, 0, 'nothing written while the lock was held');

    // Free the lock once the second run says it is waiting for it (not after a guessed time).
    let stdout = '';
    let onWaiting!: () => void;
    const isWaiting = new Promise<void>((resolve) => (onWaiting = resolve));
    const waiting = runAction(
      { ...inputs('locked'), manifests: writeApp(), images: `${IMAGE}:v1`, 'lock-timeout': '60s' },
      {
        onStdout: (chunk) => {
          stdout += chunk;
          if (/waiting for the release lock held by another-run/.test(stdout)) onWaiting();
        },
      },
    );
    await Promise.race([isWaiting, waiting]);
    sim.store.delete('coordination.k8s.io/v1', 'Lease', 'locked', 'kube-rollout-web');
    const run = await waiting;
    assert.equal(run.outputs.result, 'promoted', run.stdout);
    assert.match(run.stdout, /waiting for the release lock held by another-run/);
  });
});

function appYaml(): string {
  return 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: web, image: registry.local:5000/acme/web:v1}]\n';
}
