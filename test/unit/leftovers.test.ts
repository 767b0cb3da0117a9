// What a killed run's router left without a copy, found through the user's Services in front of
// the release's workloads; another release's objects are not this release's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Cluster, KubeObject } from '../../src/kube/types.ts';
import { KubeApiError } from '../../src/kube/types.ts';
import { canaryVersion, findLeftovers } from '../../src/engine/recovery/leftovers.ts';

const NS = 'shop';

function service(
  name: string,
  selector: Record<string, string>,
  extra: Partial<KubeObject['metadata']> = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: NS, ...extra },
    spec: { selector },
  };
}

const madeBy = (router: string) => ({
  labels: { 'kube-rollout.io/role': 'canary' },
  annotations: { 'kube-rollout.io/created-by': router },
});
const pinnedFrom = (selector: Record<string, string>) => ({
  annotations: { 'kube-rollout.io/original-selector': JSON.stringify(selector) },
});

function deployment(name: string, app: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS },
    spec: { template: { metadata: { labels: { app, version: 'v1' } }, spec: { containers: [] } } },
  };
}

function cluster(services: KubeObject[], deployments: KubeObject[]): Cluster {
  return {
    list: async () => services,
    get: async (ref: { name: string }) => deployments.find((d) => d.metadata.name === ref.name),
  } as unknown as Cluster;
}

describe('findLeftovers', () => {
  const web = deployment('web', 'web');
  const other = deployment('other', 'other');

  it("finds a router's canary Service and the pin in front of the release's workload, not another release's", async () => {
    const services = [
      service('web', { app: 'web', version: 'v1' }, pinnedFrom({ app: 'web' })),
      service('web-canary', { app: 'web', version: 'v2' }, madeBy('nginx')),
      service('other', { app: 'other' }),
      service('other-canary', { app: 'other', version: 'v9' }, madeBy('smi')),
    ];
    const found = await findLeftovers(cluster(services, [web, other]), NS, ['web'], 'version');
    assert.deepEqual(
      found && {
        stables: found.stables.map((s) => s.metadata.name),
        services: found.services.map((s) => s.metadata.name),
        canaryServices: found.canaryServices.map((s) => s.metadata.name),
      },
      { stables: ['web'], services: ['web'], canaryServices: ['web-canary'] },
    );
    assert.deepEqual(canaryVersion(found!), { label: 'version', version: 'v2' });
  });

  it('finds a pin alone (a reset killed after it removed the canary Service)', async () => {
    const services = [service('web', { app: 'web', version: 'v1' }, pinnedFrom({ app: 'web' }))];
    const found = await findLeftovers(cluster(services, [web]), NS, ['web'], 'version');
    assert.deepEqual(
      found?.services.map((s) => s.metadata.name),
      ['web'],
    );
    assert.deepEqual(found?.canaryServices, []);
    assert.equal(canaryVersion(found!), undefined);
  });

  it('finds nothing where no router left anything, or the workload is gone, or the list is forbidden', async () => {
    const plain = [service('web', { app: 'web' }), service('web-canary', { app: 'web' })];
    assert.equal(await findLeftovers(cluster(plain, [web]), NS, ['web'], 'version'), undefined);
    const left = [
      service('web', { app: 'web' }),
      service('web-canary', { app: 'web', version: 'v2' }, madeBy('smi')),
    ];
    assert.equal(await findLeftovers(cluster(left, []), NS, ['web'], 'version'), undefined);
    const forbidden = {
      list: async () => {
        throw new KubeApiError(403, 'services is forbidden', 'Forbidden');
      },
      get: async () => web,
    } as unknown as Cluster;
    assert.equal(await findLeftovers(forbidden, NS, ['web'], 'version'), undefined);
  });
});
