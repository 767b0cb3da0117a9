// The pre-flight's permission check against the simulator with RBAC on: one rules review settles a
// Role that allows everything, and what is missing is listed in one message before any write. Each
// documented Role, rule by rule, is in rbac-roles.test.ts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';
import { createCluster } from '../../src/kube/cluster.ts';
import { loadKubeConfig } from '../../src/kube/kubeconfig.ts';
import type { Cluster, KubeObject } from '../../src/kube/types.ts';
import type { Inputs } from '../../src/config/inputs.ts';
import { appObjects } from '../helpers/manifests.ts';
import { runEngine } from '../helpers/engine.ts';

const README = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');

/** The Role named `name` from the README's generated YAML blocks. */
function documentedRole(name: string): KubeObject {
  const block = [...README.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .filter((m) => m[1].includes('kind: Role'))
    .map((m) => parse(m[1]))
    .find((doc) => doc?.kind === 'Role' && doc.metadata?.name === name);
  assert.ok(block, `README documents Role ${name}`);
  return block as KubeObject;
}

const RBAC = 'rbac.authorization.k8s.io/v1';

describe('the pre-flight permission check with RBAC enabled', () => {
  let sim: SimCluster;
  let ci: Cluster;
  const workspace = mkdtempSync(join(tmpdir(), 'kr-rbac-'));
  const write = (file: string, ingress: boolean) =>
    writeFileSync(
      join(workspace, file),
      appObjects({ ingress, replicas: 2 })
        .map((o) => stringify(o))
        .join('---\n'),
    );
  write('app.yaml', true);
  write('plain.yaml', false);
  const grant = (role: KubeObject) => {
    const existing = sim.store.get(RBAC, 'Role', 'default', 'kube-rollout');
    const next = { ...role, metadata: { name: 'kube-rollout', namespace: 'default' } };
    if (existing) sim.store.update({ ...next, metadata: { ...existing.metadata } });
    else sim.store.create(next);
  };
  /** One in-process run with the `ci` token; resolves with its record, rejects with its error. */
  const release = async (version: string, more: Partial<Inputs> = {}) => {
    const run = await runEngine(
      sim,
      { manifests: 'app.yaml', version, timeout: '2m', 'scale-down-delay': '0s', ...more },
      { workspace, wrapCluster: () => ci },
    );
    if (run.error) throw run.error;
    return run.record!;
  };
  const nginxCanary: Partial<Inputs> = {
    strategy: 'canary',
    traffic: 'nginx',
    steps: '- setWeight: 50\n- pause: {duration: 1s}',
  };

  before(async () => {
    sim = await startSimCluster({
      rbac: true,
      rps: 0,
      tokens: { 'admin-token': { user: 'admin', groups: ['system:masters'] }, 'ci-token': { user: 'ci' } },
    });
    sim.store.create({
      apiVersion: RBAC,
      kind: 'RoleBinding',
      metadata: { name: 'ci', namespace: 'default' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kube-rollout' },
      subjects: [{ kind: 'User', name: 'ci' }],
    } as KubeObject);
    const kc = loadKubeConfig({ kubeconfig: sim.kubeconfigFor('ci-token'), env: {} });
    ci = createCluster(kc, { minRetryDelayMs: 5 });
  });
  after(() => sim.stop());

  it('the rolling Role is enough for a first release, which one rules review checks', async () => {
    grant(documentedRole('kube-rollout'));
    sim.resetStats();
    const record = await release('v1', { manifests: 'plain.yaml' });
    assert.equal(record.result, 'promoted');
    const reviews = sim.stats().requests.filter((r) => r.resource?.startsWith('selfsubject'));
    assert.deepEqual(
      reviews.map((r) => r.resource),
      ['selfsubjectrulesreviews'],
      'the namespace rules allow every check: no access review one by one',
    );
  });

  it('lists everything missing in one message', async () => {
    const role = documentedRole('kube-rollout-nginx');
    const keep = (role.rules as { resources: string[] }[]).filter(
      (r) => !['leases', 'ingresses', 'pods/log'].includes(r.resources[0]),
    );
    grant({ ...role, rules: keep });
    sim.resetStats();
    const err = await release('v3', nginxCanary).then(
      () => assert.fail('accepted'),
      (e: Error) => e,
    );
    assert.match(err.message, /input 'kubeconfig': the credentials may not/);
    assert.match(err.message, /get, create, update leases\.coordination\.k8s\.io in namespace default/);
    assert.match(
      err.message,
      /get, create, patch, delete ingresses\.networking\.k8s\.io in namespace default/,
    );
    assert.match(err.message, /get pods\/log in namespace default/);
    assert.equal(sim.stats().writes, 0);
  });

  it('a missing get on the workloads is listed with everything else missing, not a bare 403', async () => {
    const role = documentedRole('kube-rollout-nginx');
    const keep = (role.rules as { resources: string[] }[]).filter(
      (r) => !['deployments', 'leases'].includes(r.resources[0]),
    );
    grant({ ...role, rules: keep });
    sim.resetStats();
    const err = await release('v3', nginxCanary).then(
      () => assert.fail('accepted'),
      (e: Error) => e,
    );
    assert.match(err.message, /input 'kubeconfig': the credentials may not/);
    assert.match(
      err.message,
      /get, list, watch, create, patch, delete deployments\.apps in namespace default/,
    );
    assert.match(err.message, /leases\.coordination\.k8s\.io/);
    assert.equal(sim.stats().writes, 0);
  });
});
