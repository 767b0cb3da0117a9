// Server-side apply under RBAC as kube-apiserver authorizes it: `patch` at the filter, and `create`
// too when the apply creates the object (apiserver/pkg/endpoints/handlers/patch.go, PatchResource's
// createAuthorizerAttributes through withAuthorization in handlers/update.go), dry run included.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSimCluster, type SimCluster } from '../src/index.ts';
import { deployment, type ApiBody, fieldAt } from './testing.ts';

const RBAC = 'rbac.authorization.k8s.io/v1';
const DEPLOYS = '/apis/apps/v1/namespaces/default/deployments';
const APPLY = 'application/apply-patch+yaml';

describe('server-side apply that creates needs create', () => {
  let sim: SimCluster;
  const apply = async (token: string, name: string, body: object, query = 'fieldManager=ci') => {
    const res = await fetch(`${sim.url}${DEPLOYS}/${name}?${query}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': APPLY },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as ApiBody };
  };
  const grant = (verbs: string[]) => {
    const role = {
      apiVersion: RBAC,
      kind: 'Role',
      metadata: { name: 'deployer', namespace: 'default' },
      rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs }],
    };
    const existing = sim.store.get(RBAC, 'Role', 'default', 'deployer');
    if (existing) sim.store.update({ ...role, metadata: existing.metadata });
    else sim.store.create(role);
  };
  const stored = (name: string) => sim.store.get('apps/v1', 'Deployment', 'default', name);

  before(async () => {
    sim = await startSimCluster({
      controllers: false,
      rps: 0,
      rbac: true,
      tokens: { 'admin-token': { user: 'admin', groups: ['system:masters'] }, 'ci-token': { user: 'ci' } },
    });
    sim.store.create({
      apiVersion: RBAC,
      kind: 'RoleBinding',
      metadata: { name: 'ci', namespace: 'default' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'deployer' },
      subjects: [{ kind: 'User', name: 'ci' }],
    });
    sim.store.create(deployment('live'));
  });
  after(() => sim.stop());

  it('patch alone updates an existing object', async () => {
    grant(['get', 'patch']);
    const res = await apply('ci-token', 'live', deployment('live', { replicas: 2 }));
    assert.equal(res.status, 200);
    assert.equal(fieldAt(stored('live'), 'spec.replicas'), 2);
  });

  it('patch alone is refused for an object that does not exist, with upstream NewForbidden', async () => {
    grant(['get', 'patch']);
    const res = await apply('ci-token', 'fresh', deployment('fresh'));
    assert.equal(res.status, 403);
    assert.equal(res.body.reason, 'Forbidden');
    // withAuthorization: NewForbidden(group resource, name, the authorizer's reason); RBAC gives no
    // reason for a denial, so the message ends after "forbidden: " (no user, no verb).
    assert.equal(res.body.message, 'deployments.apps "fresh" is forbidden: ');
    assert.deepEqual(res.body.details, { name: 'fresh', group: 'apps', kind: 'deployments' });
    assert.equal(stored('fresh'), undefined);
  });

  it('a dry run is authorized the same way and writes nothing', async () => {
    grant(['get', 'patch']);
    const res = await apply('ci-token', 'fresh', deployment('fresh'), 'fieldManager=ci&dryRun=All');
    assert.equal(res.status, 403);
    assert.equal(res.body.message, 'deployments.apps "fresh" is forbidden: ');
    grant(['get', 'create', 'patch']);
    const allowed = await apply('ci-token', 'fresh', deployment('fresh'), 'fieldManager=ci&dryRun=All');
    assert.equal(allowed.status, 201);
    assert.equal(stored('fresh'), undefined, 'a dry run stores nothing');
  });

  it('create and patch create it (201)', async () => {
    grant(['create', 'patch']);
    const res = await apply('ci-token', 'fresh', deployment('fresh'));
    assert.equal(res.status, 201);
    assert.ok(stored('fresh'));
  });

  it('create without patch is refused at the filter, naming verb patch', async () => {
    grant(['create']);
    const res = await apply('ci-token', 'other', deployment('other'));
    assert.equal(res.status, 403);
    assert.equal(
      res.body.message,
      'deployments.apps "other" is forbidden: User "ci" cannot patch resource "deployments" in API group "apps" in the namespace "default"',
    );
  });

  it('validation comes before the create check (registry Store.Update: BeforeCreate, then createValidation)', async () => {
    grant(['patch']);
    const res = await apply('ci-token', 'bad', deployment('bad', { replicas: -1 }));
    assert.equal(res.status, 422);
    assert.match(res.body.message, /spec\.replicas: Invalid value: -1/);
  });

  it('other patch types of a missing object stay 404 with patch alone', async () => {
    grant(['patch']);
    const res = await fetch(`${sim.url}${DEPLOYS}/missing`, {
      method: 'PATCH',
      headers: { authorization: 'Bearer ci-token', 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ spec: { replicas: 1 } }),
    });
    assert.equal(res.status, 404);
  });
});
