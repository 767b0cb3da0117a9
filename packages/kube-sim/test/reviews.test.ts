// Self access and rules reviews (authorization.k8s.io/v1), asked by the real kubectl and as JSON,
// answered from the store's RBAC objects; they are not writes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSimCluster, type SimCluster } from '../src/index.ts';

const run = promisify(execFile);
const RBAC = 'rbac.authorization.k8s.io/v1';

describe('SelfSubjectAccessReview and SelfSubjectRulesReview', () => {
  let sim: SimCluster;
  let kubeconfig: string;
  const canI = async (...args: string[]): Promise<string> => {
    try {
      return (await run('kubectl', ['--kubeconfig', kubeconfig, 'auth', 'can-i', ...args])).stdout.trim();
    } catch (err) {
      return String((err as { stdout?: string }).stdout ?? '').trim(); // `no` exits 1
    }
  };
  const review = async (token: string, body: object) => {
    const res = await fetch(`${sim.url}/apis/authorization.k8s.io/v1/selfsubjectaccessreviews`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { status: { allowed: boolean } } };
  };

  before(async () => {
    sim = await startSimCluster({
      controllers: false,
      rps: 0,
      rbac: true,
      anonymousAuth: true,
      tokens: { 'admin-token': { user: 'admin', groups: ['system:masters'] }, 'ci-token': { user: 'ci' } },
    });
    sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    sim.store.create({
      apiVersion: RBAC,
      kind: 'Role',
      metadata: { name: 'reader', namespace: 'shop' },
      rules: [
        { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list'] },
        { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
      ],
    });
    for (const user of ['ci', 'system:anonymous'])
      sim.store.create({
        apiVersion: RBAC,
        kind: 'RoleBinding',
        metadata: { name: `reader-${user.replace(':', '-')}`, namespace: 'shop' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
        subjects: [{ kind: 'User', name: user }],
      });
    // kubectl sends no token over plain http: it meets RBAC as system:anonymous.
    kubeconfig = join(mkdtempSync(join(tmpdir(), 'kr-review-')), 'kubeconfig');
    writeFileSync(kubeconfig, sim.kubeconfigFor('none').replace(/\n\s*token: none/, ' {}'));
  });
  after(() => sim.stop());

  it('answers kubectl auth can-i (protobuf requests) from the Roles', async () => {
    assert.equal(await canI('get', 'deployments', '-n', 'shop'), 'yes');
    assert.equal(await canI('delete', 'deployments.apps', '-n', 'shop'), 'no');
    assert.equal(await canI('get', 'pods', '--subresource=log', '-n', 'shop'), 'yes');
    assert.equal(await canI('get', 'deployments', '-n', 'other'), 'no');
  });

  it('lists the rules of a namespace for kubectl auth can-i --list', async () => {
    const { stdout } = await run('kubectl', [
      '--kubeconfig',
      kubeconfig,
      'auth',
      'can-i',
      '--list',
      '-n',
      'shop',
    ]);
    assert.match(stdout, /deployments\.apps\s+\[\]\s+\[\]\s+\[get list\]/);
    assert.match(stdout, /pods\/log\s+\[\]\s+\[\]\s+\[get\]/);
  });

  it('answers JSON reviews per user and counts them as no write', async () => {
    sim.resetStats();
    const ask = (verb: string) => ({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { group: 'apps', resource: 'deployments', verb, namespace: 'shop' } },
    });
    const yes = await review('ci-token', ask('list'));
    assert.equal(yes.status, 201);
    assert.equal(yes.body.status.allowed, true);
    assert.equal((await review('ci-token', ask('patch'))).body.status.allowed, false);
    assert.equal((await review('admin-token', ask('patch'))).body.status.allowed, true);
    const invalid = await review('ci-token', { kind: 'SelfSubjectAccessReview', spec: {} });
    assert.equal(invalid.status, 422);
    assert.equal(sim.stats().writes, 0);
    assert.equal(sim.stats().byResource.selfsubjectaccessreviews?.create, 4);
  });
});
