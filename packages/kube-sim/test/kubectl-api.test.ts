// The real kubectl binary against the simulated API server (controllers and kubelet running).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimCluster } from '../src/index.ts';
import type { SimCluster } from '../src/index.ts';
import { view, type DeploymentView } from '../src/views.ts';
import { fieldAt } from './testing.ts';

let c: SimCluster;
let dir: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function kubectl(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      'kubectl',
      ['--kubeconfig', c.kubeconfigPath, ...args],
      { timeout: 30_000, env: { ...process.env, KUBECACHEDIR: join(dir, 'cache'), HOME: dir } },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs kubectl and requires success with nothing on stderr (no discovery or validation warnings). */
async function ok(...args: string[]): Promise<string> {
  const r = await kubectl(...args);
  assert.equal(r.stderr, '', `kubectl ${args.join(' ')} wrote to stderr`);
  assert.equal(r.code, 0);
  return r.stdout;
}

async function eventually(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const MANIFESTS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: app
        image: nginx:1.25
        ports:
        - containerPort: 80
      - name: sidecar
        image: envoy:1.30
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 80
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  mode: blue
`;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubectl-api-'));
  writeFileSync(join(dir, 'web.yaml'), MANIFESTS);
  c = await startSimCluster({ rps: 0, timeScale: 0.02 });
});
after(async () => {
  await c.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The fields of a metadata.managedFields entry these tests read. */
type ManagedEntry = { manager?: string; operation?: string; subresource?: string };

const deploy = () => c.store.get('apps/v1', 'Deployment', 'default', 'web')!;

describe('kubectl against the simulator', () => {
  it('apply --server-side creates, then re-applies without changes', async () => {
    const out = await ok('apply', '--server-side', '-f', join(dir, 'web.yaml'));
    assert.deepEqual(out.trim().split('\n'), [
      'deployment.apps/web serverside-applied',
      'service/web serverside-applied',
      'configmap/web-config serverside-applied',
    ]);
    const rv = deploy().metadata.resourceVersion;
    assert.equal(
      (deploy().metadata.managedFields as ManagedEntry[] | undefined)?.some(
        (m) => m.manager === 'kubectl' && m.operation === 'Apply',
      ),
      true,
    );
    await ok('apply', '--server-side', '-f', join(dir, 'web.yaml'));
    assert.equal(deploy().metadata.generation, 1);
    assert.ok(Number(deploy().metadata.resourceVersion) >= Number(rv));
  });

  it('get -o json returns the stored object', async () => {
    const d = JSON.parse(await ok('get', 'deploy', 'web', '-o', 'json'));
    assert.equal(d.kind, 'Deployment');
    assert.equal(d.spec.replicas, 2);
    assert.equal(d.spec.strategy.rollingUpdate.maxSurge, '25%');
    assert.equal(d.metadata.uid, deploy().metadata.uid);
  });

  it('patches with strategic merge, merge and JSON patch', async () => {
    await ok(
      'patch',
      'deploy',
      'web',
      '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.26"}]}}}}',
    );
    assert.deepEqual(
      view<DeploymentView>(deploy()).spec.template.spec?.containers?.map((x) => `${x.name}=${x.image}`),
      ['app=nginx:1.26', 'sidecar=envoy:1.30'],
    );
    await ok('patch', 'deploy', 'web', '--type=merge', '-p', '{"metadata":{"annotations":{"team":"blue"}}}');
    assert.equal(deploy().metadata.annotations?.team, 'blue');
    // An annotation-only change bumps a Deployment's generation (pkg/registry/apps/deployment/
    // strategy.go PrepareForUpdate: annotations are copied to its ReplicaSets).
    assert.equal(deploy().metadata.generation, 3);
    await ok(
      'patch',
      'deploy',
      'web',
      '--type=json',
      '-p',
      '[{"op":"replace","path":"/spec/template/spec/containers/1/image","value":"envoy:1.31"}]',
    );
    assert.equal(fieldAt(deploy(), 'spec.template.spec.containers.1.image'), 'envoy:1.31');
    assert.equal(deploy().metadata.generation, 4);
  });

  it('a conflicting server-side apply fails until forced', async () => {
    const r = await kubectl('apply', '--server-side', '-f', join(dir, 'web.yaml'));
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      /Apply failed with 2 conflicts: conflicts with "kubectl-(patch|client-side-apply)"/,
    );
    assert.match(r.stderr, /\.spec\.template\.spec\.containers\[name="app"\]\.image/);
    await ok('apply', '--server-side', '--force-conflicts', '-f', join(dir, 'web.yaml'));
    assert.equal(fieldAt(deploy(), 'spec.template.spec.containers.0.image'), 'nginx:1.25');
  });

  it('scale uses the scale subresource and rollout status waits for it', async () => {
    c.resetStats();
    assert.equal((await ok('scale', 'deploy', 'web', '--replicas=3')).trim(), 'deployment.apps/web scaled');
    assert.equal(fieldAt(deploy(), 'spec.replicas'), 3);
    assert.ok(
      c
        .stats()
        .requests.some((r) => r.resource === 'deployments/scale' && r.verb === 'patch' && r.code === 200),
    );
    const out = await ok('rollout', 'status', 'deploy/web', '--timeout=25s');
    assert.match(out, /deployment "web" successfully rolled out/);
  });

  it('get pods -l selects the deployment pods', async () => {
    const pods = () =>
      c.store
        .list('v1', 'Pod', 'default', { labelSelector: 'app=web' })
        .filter((p) => !p.metadata.deletionTimestamp);
    await eventually(() => pods().length === 3, 'three web pods');
    const names = (await ok('get', 'pods', '-l', 'app=web', '-o', 'name')).trim().split('\n').sort();
    assert.deepEqual(
      names,
      pods()
        .map((p) => `pod/${p.metadata.name}`)
        .sort(),
    );
    const table = await ok('get', 'pods', '-l', 'app=web');
    assert.match(table.split('\n')[0], /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
  });

  it('get events --sort-by=.lastTimestamp sorts the full objects (Table rows with includeObject=Object)', async () => {
    const out = await ok('get', 'events', '--sort-by=.lastTimestamp');
    const rows = out.trim().split('\n');
    assert.match(rows[0], /^NAME\s+LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE/);
    assert.ok(rows.length > 2, out);
    assert.ok(
      rows.some((r) => /ScalingReplicaSet\s+deployment\/web/.test(r)),
      out,
    );
    // The order kubectl prints is the events' lastTimestamp order.
    const json = JSON.parse(await ok('get', 'events', '--sort-by=.lastTimestamp', '-o', 'json'));
    const stamps = json.items.map((e: { lastTimestamp: string }) => Date.parse(e.lastTimestamp));
    assert.deepEqual(
      stamps,
      [...stamps].sort((a: number, b: number) => a - b),
    );
  });

  it('server-side apply after a client-side apply takes over the fields last-applied holds (lastAppliedManager)', async () => {
    const manifest = (image: string, replicas: number) => {
      const file = join(dir, `csa-${image.replace(/\W/g, '')}-${replicas}.yaml`);
      writeFileSync(
        file,
        `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: csa, namespace: default}\nspec:\n  replicas: ${replicas}\n  selector: {matchLabels: {app: csa}}\n  template:\n    metadata: {labels: {app: csa}}\n    spec: {containers: [{name: app, image: "${image}"}]}\n`,
      );
      return file;
    };
    const get = () => c.store.get('apps/v1', 'Deployment', 'default', 'csa')!;
    await ok('apply', '-f', manifest('nginx:1.25', 2));
    // kubectl-client-side-apply owns the image; the apply changes it without --force-conflicts.
    await ok('apply', '--server-side', '-f', manifest('nginx:1.26', 2));
    assert.equal(fieldAt(get(), 'spec.template.spec.containers.0.image'), 'nginx:1.26');
    // lastAppliedUpdater: the annotation follows what was applied.
    const lastApplied = JSON.parse(
      get().metadata.annotations!['kubectl.kubernetes.io/last-applied-configuration'],
    );
    assert.equal(lastApplied.spec.template.spec.containers[0].image, 'nginx:1.26');
    // kubectl then moves the client-side manager's fields into its Apply entry (csaupgrade).
    const managers = ((get().metadata.managedFields ?? []) as ManagedEntry[]).map(
      (m) => `${m.manager} ${m.operation}`,
    );
    assert.ok(managers.includes('kubectl Apply'), managers.join(', '));
    assert.ok(!managers.includes('kubectl-client-side-apply Update'), managers.join(', '));
    // A field another manager changed since (live differs from last-applied) still conflicts.
    await ok('apply', '-f', manifest('nginx:1.26', 2)); // client-side again: annotation kept current
    await ok('patch', 'deploy', 'csa', '--field-manager=ops', '-p', '{"spec":{"replicas":5}}');
    const r = await kubectl('apply', '--server-side', '-f', manifest('nginx:1.26', 3));
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      /Apply failed with 1 conflict: conflict with "ops" using apps\/v1: \.spec\.replicas/,
    );
    await ok('delete', 'deploy', 'csa');
  });

  it('kubectl create deployment posts protobuf: refused with 415 naming the accepted types, nothing created', async () => {
    // kubectl v1.32's typed generators send application/vnd.kubernetes.protobuf whatever the server
    // advertises; the simulator decodes no protobuf objects (README, "What is simplified").
    const r = await kubectl('create', 'deployment', 'pb', '--image=nginx:1.25');
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      /the body of the request was in an unknown format - accepted media types include: application\/json, application\/yaml/,
    );
    assert.equal(c.store.get('apps/v1', 'Deployment', 'default', 'pb'), undefined);
  });

  it('api-resources lists the served kinds', async () => {
    const out = await ok('api-resources');
    assert.match(out, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    assert.match(out, /^httproutes\s+gateway\.networking\.k8s\.io\/v1\s+true\s+HTTPRoute$/m);
    assert.match(out, /^rollouts\s+ro\s+argoproj\.io\/v1alpha1\s+true\s+Rollout$/m);
  });

  it('delete removes the objects and their dependents', async () => {
    const out = await ok('delete', '-f', join(dir, 'web.yaml'), '--wait=true');
    assert.match(out, /deployment\.apps "web" deleted/);
    assert.equal(c.store.get('apps/v1', 'Deployment', 'default', 'web'), undefined);
    assert.equal(c.store.get('v1', 'ConfigMap', 'default', 'web-config'), undefined);
    assert.deepEqual(c.store.list('apps/v1', 'ReplicaSet', 'default'), []);
  });
});
