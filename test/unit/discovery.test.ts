// Discovery: aggregated documents first (two requests for every group), per group-version for
// servers without them and for group-versions installed since the aggregated read.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AGGREGATED_DISCOVERY, Discovery } from '../../src/kube/discovery.ts';
import { KubeApiError } from '../../src/kube/types.ts';

const aggregated = (groups: { name: string; version: string; resources: [string, string, boolean][] }[]) => ({
  kind: 'APIGroupDiscoveryList',
  apiVersion: 'apidiscovery.k8s.io/v2',
  items: groups.map((g) => ({
    metadata: { name: g.name },
    versions: [
      {
        version: g.version,
        resources: g.resources.map(([resource, kind, namespaced]) => ({
          resource,
          responseKind: { group: '', version: '', kind },
          scope: namespaced ? 'Namespaced' : 'Cluster',
        })),
      },
    ],
  })),
});

const CORE = aggregated([{ name: '', version: 'v1', resources: [['configmaps', 'ConfigMap', true]] }]);
const NAMED = aggregated([
  { name: 'apps', version: 'v1', resources: [['deployments', 'Deployment', true]] },
  { name: 'rbac.authorization.k8s.io', version: 'v1', resources: [['clusterroles', 'ClusterRole', false]] },
]);

/** A fake server: `docs[path]` answers, or a function of the Accept header; records requests. */
function server(docs: Record<string, unknown | ((accept?: string) => unknown)>) {
  const seen: string[] = [];
  const fetchJson = async (path: string, accept?: string) => {
    seen.push(accept === AGGREGATED_DISCOVERY ? `${path} (aggregated)` : path);
    const doc = docs[path];
    if (doc === undefined) throw new KubeApiError(404, `${path} not found`, 'NotFound');
    return typeof doc === 'function' ? doc(accept) : doc;
  };
  return { seen, discovery: new Discovery(fetchJson) };
}

describe('Discovery', () => {
  it('resolves every group from the two aggregated documents', async () => {
    const { seen, discovery } = server({ '/api': CORE, '/apis': NAMED });
    const [cm, deploy, role] = await Promise.all([
      discovery.resolve('v1', 'ConfigMap'),
      discovery.resolve('apps/v1', 'Deployment'),
      discovery.resolve('rbac.authorization.k8s.io/v1', 'ClusterRole'),
    ]);
    assert.deepEqual(
      [cm.plural, cm.namespaced, deploy.plural, deploy.group, role.plural, role.namespaced],
      ['configmaps', true, 'deployments', 'apps', 'clusterroles', false],
    );
    assert.deepEqual(seen, ['/api (aggregated)', '/apis (aggregated)']);
  });

  it('asks per group-version when the server answers in the older form', async () => {
    const { seen, discovery } = server({
      '/api': { kind: 'APIVersions', versions: ['v1'] },
      '/apis': { kind: 'APIGroupList', groups: [] },
      '/apis/apps/v1': {
        resources: [
          { name: 'deployments/status', kind: 'Deployment', namespaced: true },
          { name: 'deployments', kind: 'Deployment', namespaced: true },
        ],
      },
    });
    const deploy = await discovery.resolve('apps/v1', 'Deployment');
    assert.equal(deploy.plural, 'deployments');
    await discovery.resolve('apps/v1', 'Deployment');
    assert.deepEqual(seen, ['/api (aggregated)', '/apis (aggregated)', '/apis/apps/v1']);
  });

  it('finds a group-version installed after the aggregated read, and names a kind nobody serves', async () => {
    const docs: Record<string, unknown> = { '/api': CORE, '/apis': NAMED };
    const { seen, discovery } = server(docs);
    await discovery.resolve('apps/v1', 'Deployment');
    docs['/apis/example.com/v1'] = { resources: [{ name: 'widgets', kind: 'Widget', namespaced: true }] };
    assert.equal((await discovery.resolve('example.com/v1', 'Widget')).plural, 'widgets');
    await assert.rejects(
      discovery.resolve('apps/v1', 'Nope'),
      /does not serve kind "Nope" in apiVersion "apps\/v1"/,
    );
    assert.deepEqual(seen, [
      '/api (aggregated)',
      '/apis (aggregated)',
      '/apis/example.com/v1',
      '/apis/apps/v1',
    ]);
  });

  it('falls back per group-version when the aggregated read is refused', async () => {
    const { seen, discovery } = server({
      '/api': () => {
        throw new KubeApiError(403, 'forbidden', 'Forbidden');
      },
      '/apis': NAMED,
      '/api/v1': { resources: [{ name: 'configmaps', kind: 'ConfigMap', namespaced: true }] },
    });
    assert.equal((await discovery.resolve('v1', 'ConfigMap')).plural, 'configmaps');
    assert.deepEqual(seen.sort(), ['/api (aggregated)', '/api/v1', '/apis (aggregated)']);
  });
});
