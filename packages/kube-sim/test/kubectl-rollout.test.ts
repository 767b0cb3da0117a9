// The real kubectl against the simulated cluster: rollout status / history / undo / pause /
// resume, scale and wait must behave as they do against a real API server and controllers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimCluster, type SimCluster } from '../src/index.ts';

let sim: SimCluster;
let dir: string;

before(async () => {
  sim = await startSimCluster({ rps: 0, timeScale: 0.1 });
  dir = mkdtempSync(join(tmpdir(), 'kubectl-rollout-'));
});

after(async () => {
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run kubectl asynchronously (the API server lives in this process, so never block the loop). */
function kubectl(...args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      'kubectl',
      ['--kubeconfig', sim.kubeconfigPath, ...args],
      { env: { ...process.env, KUBECACHEDIR: join(dir, 'cache') }, encoding: 'utf8', timeout: 60000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function ok(...args: string[]): Promise<string> {
  const r = await kubectl(...args);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

function manifest(
  name: string,
  image: string,
  opts: { cause?: string; replicas?: number; env?: Record<string, string>; deadline?: number } = {},
): string {
  const env = Object.entries(opts.env ?? {})
    .map(([k, v]) => `\n        - {name: ${k}, value: "${v}"}`)
    .join('');
  const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: default
${opts.cause ? `  annotations:\n    kubernetes.io/change-cause: "${opts.cause}"\n` : ''}spec:
  replicas: ${opts.replicas ?? 2}
${opts.deadline ? `  progressDeadlineSeconds: ${opts.deadline}\n` : ''}  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: app
        image: ${image}${env ? `\n        env:${env}` : ''}
`;
  const file = join(dir, `${name}-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  return file;
}

function historyRows(out: string): string[][] {
  return out
    .split('\n')
    .slice(1)
    .map((l) => l.trim())
    .filter((l) => /^\d+\s/.test(l))
    .map((l) => l.split(/\s{2,}/));
}

test('apply --server-side, rollout status, history with CHANGE-CAUSE, undo and undo --to-revision', async () => {
  await ok('apply', '--server-side', '-f', manifest('web', 'nginx:1.25', { cause: 'deploy v1' }));
  assert.match(
    await ok('rollout', 'status', 'deployment/web', '--timeout=60s'),
    /deployment "web" successfully rolled out/,
  );
  await ok('apply', '--server-side', '-f', manifest('web', 'nginx:1.26', { cause: 'deploy v2' }));
  await ok('rollout', 'status', 'deployment/web', '--timeout=60s');
  await ok('apply', '--server-side', '-f', manifest('web', 'nginx:1.27', { cause: 'deploy v3' }));
  await ok('rollout', 'status', 'deployment/web', '--timeout=60s');
  assert.deepEqual(historyRows(await ok('rollout', 'history', 'deployment/web')), [
    ['1', 'deploy v1'],
    ['2', 'deploy v2'],
    ['3', 'deploy v3'],
  ]);
  const rev2 = await ok('rollout', 'history', 'deployment/web', '--revision=2');
  assert.match(rev2, /Image:\s+nginx:1\.26/);

  assert.match(await ok('rollout', 'undo', 'deployment/web', '--to-revision=1'), /rolled back/);
  await ok('rollout', 'status', 'deployment/web', '--timeout=60s');
  assert.equal(
    await ok('get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'),
    'nginx:1.25',
  );
  assert.deepEqual(
    historyRows(await ok('rollout', 'history', 'deployment/web')).map((r) => r[0]),
    ['2', '3', '4'],
  );
  assert.equal(
    await ok(
      'get',
      'deployment',
      'web',
      '-o',
      'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}',
    ),
    '4',
  );

  // Plain undo goes to the previous revision (3 → becomes 5).
  await ok('rollout', 'undo', 'deployment/web');
  await ok('rollout', 'status', 'deployment/web', '--timeout=60s');
  assert.equal(
    await ok('get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'),
    'nginx:1.27',
  );
  const rows = historyRows(await ok('rollout', 'history', 'deployment/web'));
  assert.deepEqual(
    rows.map((r) => r[0]),
    ['2', '4', '5'],
  );
  const rsRevisions = await ok(
    'get',
    'rs',
    '-l',
    'app=web',
    '-o',
    'jsonpath={range .items[*]}{.metadata.annotations.deployment\\.kubernetes\\.io/revision-history}{";"}{end}',
  );
  assert.ok(rsRevisions.split(';').includes('3'), `revision-history annotations: ${rsRevisions}`);
});

test('rollout status reports an exceeded progress deadline for a crashing image', async () => {
  await ok(
    'apply',
    '--server-side',
    '-f',
    manifest('crashy', 'app:broken', { env: { SIM_CRASH: 'true' }, deadline: 10 }),
  );
  const r = await kubectl('rollout', 'status', 'deployment/crashy', '--timeout=60s');
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /error: deployment "crashy" exceeded its progress deadline/);
  const pods = await ok(
    'get',
    'pods',
    '-l',
    'app=crashy',
    '-o',
    'jsonpath={.items[*].status.containerStatuses[0].lastState.terminated.exitCode}',
  );
  assert.match(pods, /1/);
});

test('rollout pause holds a template change; resume rolls it out; undo refuses while paused', async () => {
  await ok('apply', '--server-side', '-f', manifest('pz', 'nginx:1.24'));
  await ok('rollout', 'status', 'deployment/pz', '--timeout=60s');
  await ok('apply', '--server-side', '-f', manifest('pz', 'nginx:1.25'));
  await ok('rollout', 'status', 'deployment/pz', '--timeout=60s');
  await ok('rollout', 'pause', 'deployment/pz');
  await ok('set', 'image', 'deployment/pz', 'app=nginx:1.26');
  const refused = await kubectl('rollout', 'undo', 'deployment/pz');
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /paused/);
  await new Promise((r) => setTimeout(r, 300));
  const rs = (await ok('get', 'rs', '-l', 'app=pz', '-o', 'name')).trim().split('\n');
  assert.equal(rs.length, 2, 'no new ReplicaSet while paused');
  const cond = await ok(
    'get',
    'deployment',
    'pz',
    '-o',
    'jsonpath={.status.conditions[?(@.type=="Progressing")].reason}',
  );
  assert.equal(cond, 'DeploymentPaused');
  await ok('rollout', 'resume', 'deployment/pz');
  assert.match(await ok('rollout', 'status', 'deployment/pz', '--timeout=60s'), /successfully rolled out/);
  assert.equal((await ok('get', 'rs', '-l', 'app=pz', '-o', 'name')).trim().split('\n').length, 3);
  assert.equal(
    await ok(
      'get',
      'deployment',
      'pz',
      '-o',
      'jsonpath={.status.conditions[?(@.type=="Progressing")].reason}',
    ),
    'NewReplicaSetAvailable',
  );
});

test('scale and wait --for=condition=Available', async () => {
  await ok('apply', '--server-side', '-f', manifest('sc', 'nginx:1.25', { replicas: 1 }));
  await ok('wait', '--for=condition=Available', 'deployment/sc', '--timeout=60s');
  await ok('scale', 'deployment/sc', '--replicas=4');
  await ok('rollout', 'status', 'deployment/sc', '--timeout=60s');
  await ok('wait', '--for=condition=Available', 'deployment/sc', '--timeout=60s');
  assert.equal(await ok('get', 'deployment', 'sc', '-o', 'jsonpath={.status.readyReplicas}'), '4');
  const pods = (
    await ok('get', 'pods', '-l', 'app=sc', '--field-selector=status.phase=Running', '-o', 'name')
  )
    .trim()
    .split('\n');
  assert.equal(pods.length, 4);
});
