// The API access a release needs (src/preflight/permissions.ts), per strategy, workload kind,
// preview Service and metric. Each test asserts that the entries a plan relies on are present (or
// absent), verb by verb, rather than the whole list: the list grows as the action learns new calls.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildConfig, inputsOf, type Inputs } from '../../src/config/index.ts';
import type { ApiAccess, ApiVerb } from '../../src/kube/types.ts';
import {
  mergeAccess,
  qualifiedResource,
  requiredPermissions,
  type ManifestResource,
} from '../../src/preflight/permissions.ts';

const config = (given: Partial<Inputs> = {}) =>
  buildConfig(inputsOf({ manifests: 'app.yaml', ...given }), { GITHUB_WORKSPACE: '/tmp' });

const DEPLOYMENT = { group: 'apps', resource: 'deployments' };
const STATEFULSET = { group: 'apps', resource: 'statefulsets' };
const DAEMONSET = { group: 'apps', resource: 'daemonsets' };
const SERVICE = { group: '', resource: 'services' };

function access(given: Partial<Inputs>, resources: ManifestResource[], strategy = config(given).strategy) {
  return requiredPermissions({ config: config(given), strategy, resources });
}

const verbsOf = (list: ApiAccess[], group: string, resource: string): readonly ApiVerb[] =>
  list.find((a) => a.group === group && a.resource === resource)?.verbs ?? [];

/** Every verb in `verbs` is granted on group/resource. */
function grants(list: ApiAccess[], group: string, resource: string, verbs: ApiVerb[]): void {
  const granted = verbsOf(list, group, resource);
  for (const verb of verbs)
    assert.ok(granted.includes(verb), `${verb} ${qualifiedResource({ group, resource })}: has ${granted}`);
}

function lacks(list: ApiAccess[], group: string, resource: string, verbs: ApiVerb[]): void {
  const granted = verbsOf(list, group, resource);
  for (const verb of verbs)
    assert.ok(!granted.includes(verb), `${verb} ${qualifiedResource({ group, resource })} is not needed`);
}

const JOB_METRIC =
  '{name: smoke, provider: job, job: {template: {spec: {containers: [{name: t, image: busybox}]}}}}';
const WEB_METRIC = '{name: ok, provider: web, url: "http://x", successCondition: "result == 1"}';

describe('every release', () => {
  it('the Lease, the state ConfigMap, its Secret store, the pods it waits on and their logs', () => {
    const list = access({}, [SERVICE]);
    grants(list, 'coordination.k8s.io', 'leases', ['get', 'create', 'update']);
    grants(list, '', 'configmaps', ['get', 'create', 'update']);
    grants(list, '', 'secrets', ['get']);
    lacks(list, '', 'secrets', ['create', 'patch', 'delete']);
    grants(list, '', 'pods', ['list', 'watch']);
    grants(list, '', 'pods/log', ['get']);
  });

  it('the Secret store is written only when the release holds Secrets', () => {
    const list = access({}, [SERVICE, { group: '', resource: 'secrets' }]);
    grants(list, '', 'secrets', ['get', 'create', 'patch', 'delete']);
  });

  it('apply and read back every kind of the manifests, cluster-scoped or not', () => {
    const list = access({}, [SERVICE, { group: 'rbac.authorization.k8s.io', resource: 'clusterroles' }]);
    grants(list, '', 'services', ['get', 'patch']);
    grants(list, 'rbac.authorization.k8s.io', 'clusterroles', ['get', 'patch']);
    lacks(list, 'rbac.authorization.k8s.io', 'clusterroles', ['list', 'watch', 'delete']);
  });
});

describe('workloads are watched', () => {
  it('each apps workload kind; a Deployment also through its ReplicaSets', () => {
    for (const workload of [DEPLOYMENT, STATEFULSET, DAEMONSET]) {
      const list = access({}, [workload]);
      grants(list, 'apps', workload.resource, ['get', 'list', 'watch', 'patch']);
      if (workload === DEPLOYMENT) grants(list, 'apps', 'replicasets', ['list']);
      else lacks(list, 'apps', 'replicasets', ['list']);
    }
  });

  it('a kind named like a workload in another group is applied, not watched', () => {
    const list = access({}, [{ group: 'example.com', resource: 'deployments' }]);
    grants(list, 'example.com', 'deployments', ['get', 'patch']);
    lacks(list, 'example.com', 'deployments', ['list', 'watch']);
    lacks(list, 'apps', 'replicasets', ['list']);
  });
});

describe('a canary', () => {
  it('of Deployments: copies beside stable, and the router’s objects', () => {
    const list = access({ strategy: 'canary', traffic: 'nginx' }, [DEPLOYMENT, SERVICE]);
    grants(list, 'apps', 'deployments', ['get', 'list', 'watch', 'patch', 'delete']);
    grants(list, 'networking.k8s.io', 'ingresses', ['get', 'patch', 'delete']);
    lacks(list, 'apps', 'statefulsets', ['get', 'patch']);
    lacks(list, '', 'pods', ['delete']);
  });

  it('of StatefulSets: moves the partition and deletes pods of a bad revision; no copies', () => {
    const list = access({ strategy: 'canary', steps: '- setWeight: 50' }, [STATEFULSET]);
    grants(list, 'apps', 'statefulsets', ['get', 'patch']);
    grants(list, '', 'pods', ['delete']);
    lacks(list, 'apps', 'deployments', ['get', 'patch', 'delete']);
  });

  it('a Deployment beside a StatefulSet makes it a copies canary', () => {
    const list = access({ strategy: 'canary' }, [DEPLOYMENT, STATEFULSET]);
    grants(list, 'apps', 'deployments', ['delete']);
    lacks(list, '', 'pods', ['delete']);
  });

  it('a first release planned as rolling needs no copies, whatever the input says', () => {
    const list = access({ strategy: 'canary', traffic: 'nginx' }, [DEPLOYMENT], 'rolling');
    lacks(list, 'apps', 'deployments', ['delete']);
    lacks(list, 'networking.k8s.io', 'ingresses', ['get', 'patch', 'delete']);
  });
});

describe('blue-green', () => {
  it('with a preview Service: switched between versions and deleted at the end', () => {
    const list = access({ strategy: 'blue-green', 'preview-service': 'web-preview' }, [DEPLOYMENT, SERVICE]);
    grants(list, '', 'services', ['patch', 'delete']);
  });

  it('the preview Service’s access does not lean on the router’s: granted with StatefulSets alone', () => {
    // Every router grants Services for its own pair, so only a release without Deployments (no
    // router access) shows the preview Service's own entry.
    const given = { strategy: 'blue-green', 'preview-service': 'web-preview' } as const;
    grants(access(given, [STATEFULSET]), '', 'services', ['patch', 'delete']);
    lacks(access({ strategy: 'blue-green' }, [STATEFULSET]), '', 'services', ['patch', 'delete']);
  });

  it('without one, the manifests’ Services are applied and the router’s switched', () => {
    const list = access({ strategy: 'blue-green', traffic: 'nginx' }, [DEPLOYMENT, SERVICE]);
    grants(list, '', 'services', ['get', 'patch']);
    grants(list, 'networking.k8s.io', 'ingresses', ['patch']);
  });
});

describe('metrics', () => {
  it('a job metric in a step’s analysis runs Jobs and reads their pods and logs', () => {
    const steps = `- setWeight: 20\n- analysis: {metrics: [${JOB_METRIC}]}`;
    const list = access({ strategy: 'canary', steps }, [DEPLOYMENT]);
    grants(list, 'batch', 'jobs', ['create', 'list', 'watch', 'delete']);
    grants(list, '', 'pods', ['list']);
    grants(list, '', 'pods/log', ['get']);
  });

  it('a job metric in the background analysis does too', () => {
    const list = access({ analysis: `metrics: [${JOB_METRIC}]` }, [DEPLOYMENT]);
    grants(list, 'batch', 'jobs', ['create', 'delete']);
  });

  it('other metrics need no Jobs, nor does an analysis step without metrics', () => {
    const steps = `- setWeight: 20\n- analysis: {metrics: [${WEB_METRIC}]}\n- analysis: {}`;
    const list = access({ strategy: 'canary', steps, analysis: `metrics: [${WEB_METRIC}]` }, [DEPLOYMENT]);
    lacks(list, 'batch', 'jobs', ['create']);
  });
});

describe('action: rollback', () => {
  it('of a rolling release reads the revision history', () => {
    const deployment = access({ action: 'rollback' }, [DEPLOYMENT]);
    grants(deployment, 'apps', 'replicasets', ['list']);
    lacks(deployment, 'apps', 'controllerrevisions', ['list']);
    grants(access({ action: 'rollback' }, [STATEFULSET]), 'apps', 'controllerrevisions', ['list']);
  });

  it('of a canary returns traffic instead; a deploy never reads history', () => {
    lacks(access({ action: 'rollback', strategy: 'canary' }, [DEPLOYMENT]), 'apps', 'controllerrevisions', [
      'list',
    ]);
    lacks(access({}, [DEPLOYMENT]), 'apps', 'controllerrevisions', ['list']);
  });
});

describe('prune', () => {
  const NAMESPACE = { group: '', resource: 'namespaces' };
  const CLAIM = { group: '', resource: 'persistentvolumeclaims' };
  const CRD = { group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions' };
  const VOLUME = { group: '', resource: 'persistentvolumes' };

  it('a deploy with prune may delete what it applies, never Namespaces, CRDs or volumes', () => {
    const list = access({ prune: 'true' }, [DEPLOYMENT, SERVICE, NAMESPACE, CLAIM, CRD, VOLUME]);
    grants(list, 'apps', 'deployments', ['delete']);
    grants(list, '', 'services', ['delete']);
    for (const never of [NAMESPACE, CLAIM, CRD, VOLUME]) lacks(list, never.group, never.resource, ['delete']);
  });

  it('without prune, or in another action, nothing of the manifests is deleted', () => {
    lacks(access({}, [DEPLOYMENT, SERVICE]), '', 'services', ['delete']);
    lacks(access({ prune: 'true', action: 'rollback' }, [DEPLOYMENT, SERVICE]), '', 'services', ['delete']);
  });
});

describe('resources are told apart by group and name', () => {
  it('a custom resource named deployments or secrets is neither a copy nor a Secret store reason', () => {
    const custom = [
      { group: 'example.com', resource: 'deployments' },
      { group: 'example.com', resource: 'secrets' },
      STATEFULSET,
    ];
    const list = access({ strategy: 'canary', steps: '- setWeight: 50' }, custom);
    lacks(list, 'apps', 'deployments', ['create', 'delete']);
    lacks(list, '', 'secrets', ['create', 'patch', 'delete']);
    grants(list, '', 'pods', ['delete']);
  });
});

describe('mergeAccess and names', () => {
  it('one entry per resource, sorted by group then resource, verbs in RBAC order', () => {
    const merged = mergeAccess([
      { group: 'apps', resource: 'replicasets', verbs: ['list'] },
      { group: '', resource: 'pods', verbs: ['delete', 'get'] },
      { group: 'apps', resource: 'deployments', verbs: ['patch'] },
      { group: '', resource: 'pods', verbs: ['watch', 'create', 'update', 'list'] },
      { group: '', resource: 'configmaps', verbs: ['get'] },
    ]);
    assert.deepEqual(merged, [
      { group: '', resource: 'configmaps', verbs: ['get'] },
      { group: '', resource: 'pods', verbs: ['get', 'list', 'watch', 'create', 'update', 'delete'] },
      { group: 'apps', resource: 'deployments', verbs: ['patch'] },
      { group: 'apps', resource: 'replicasets', verbs: ['list'] },
    ]);
  });

  it('requiredPermissions returns the list merged', () => {
    const list = access({ strategy: 'canary' }, [DEPLOYMENT, SERVICE]);
    assert.deepEqual(list, mergeAccess(list));
  });

  it('a resource as RBAC messages name it', () => {
    assert.equal(qualifiedResource(DEPLOYMENT), 'deployments.apps');
    assert.equal(qualifiedResource({ group: '', resource: 'pods/log' }), 'pods/log');
  });
});
