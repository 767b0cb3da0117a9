// The simulated API server over raw HTTP: shapes and semantics a real client depends on.
import { after, before, describe, it } from 'node:test';
import { stringify as stringifyYaml } from 'yaml';
import assert from 'node:assert/strict';
import { startSimCluster } from '../src/index.ts';
import type { SimCluster } from '../src/index.ts';
import type { KubeObject } from '../src/types.ts';
import type { Body } from './api-body.ts';

let c: SimCluster;

interface Answer {
  status: number;
  headers: Headers;
  body: Body;
}

async function api(
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
  extra: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(c.url + path, {
    method,
    headers: { ...(body !== undefined ? { 'Content-Type': contentType } : {}), ...extra },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  if ((res.headers.get('content-type') ?? '').startsWith('application/json')) parsed = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: parsed as Body };
}

function deployment(name: string, image = 'nginx:1.25', replicas?: number) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      ...(replicas !== undefined ? { replicas } : {}),
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } },
    },
  };
}

const DEPLOYS = '/apis/apps/v1/namespaces/default/deployments';

/** Read a watch stream until `count` events arrived (or it ended). */
async function watchEvents(
  path: string,
  count: number,
): Promise<{ status: number; events: { type: string; object: Body }[] }> {
  const ac = new AbortController();
  const res = await fetch(c.url + path, { signal: ac.signal });
  const events: { type: string; object: Body }[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  try {
    while (events.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        events.push(JSON.parse(buf.slice(0, nl)));
        buf = buf.slice(nl + 1);
      }
    }
  } finally {
    ac.abort();
  }
  return { status: res.status, events };
}

before(async () => {
  c = await startSimCluster({ controllers: false, rps: 0 });
});
after(async () => {
  await c.stop();
});

describe('discovery', () => {
  it('serves /version, /api, /apis and group versions as JSON', async () => {
    const version = await api('GET', '/version');
    assert.equal(version.headers.get('content-type'), 'application/json');
    assert.equal(version.body.major, '1');
    const core = await api('GET', '/api');
    assert.deepEqual(core.body.versions, ['v1']);
    assert.equal(core.body.kind, 'APIVersions');
    const groups = await api('GET', '/apis');
    assert.equal(groups.body.kind, 'APIGroupList');
    const apps = groups.body.groups.find((g) => g.name === 'apps')!;
    assert.deepEqual(apps.preferredVersion, { groupVersion: 'apps/v1', version: 'v1' });
    const gw = groups.body.groups.find((g) => g.name === 'gateway.networking.k8s.io')!;
    assert.deepEqual(
      gw.versions.map((v) => v.version),
      ['v1', 'v1beta1'],
    );
  });

  it('lists a main resource before its subresources', async () => {
    const list = await api('GET', '/apis/apps/v1');
    assert.equal(list.body.kind, 'APIResourceList');
    assert.equal(list.body.groupVersion, 'apps/v1');
    const names = list.body.resources.map((r) => r.name);
    assert.ok(names.indexOf('deployments') < names.indexOf('deployments/status'));
    assert.ok(names.indexOf('deployments') < names.indexOf('deployments/scale'));
    const d = list.body.resources.find((r) => r.name === 'deployments')!;
    assert.deepEqual(
      { singularName: d.singularName, kind: d.kind, namespaced: d.namespaced, shortNames: d.shortNames },
      { singularName: 'deployment', kind: 'Deployment', namespaced: true, shortNames: ['deploy'] },
    );
    assert.ok(d.verbs.includes('watch') && d.verbs.includes('patch'));
    const scale = list.body.resources.find((r) => r.name === 'deployments/scale')!;
    assert.deepEqual([scale.group, scale.version, scale.kind], ['autoscaling', 'v1', 'Scale']);
    const core = await api('GET', '/api/v1');
    assert.ok(core.body.resources.some((r) => r.name === 'pods/log' && r.verbs.includes('get')));
  });

  it('serves aggregated discovery when asked for it', async () => {
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';
    const res = await api('GET', '/apis', undefined, 'application/json', { Accept: accept });
    assert.equal(
      res.headers.get('content-type'),
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    );
    assert.equal(res.body.kind, 'APIGroupDiscoveryList');
    const apps = res.body.items.find((i) => i.metadata.name === 'apps')!;
    const d = apps.versions[0].resources.find((r) => r.resource === 'deployments')!;
    assert.equal(d.scope, 'Namespaced');
    assert.ok(d.subresources.some((s) => s.subresource === 'scale' && s.responseKind.kind === 'Scale'));
  });

  it('serves OpenAPI v3 with fieldValidation on PATCH, and health endpoints', async () => {
    const root = await api('GET', '/openapi/v3');
    const url = root.body.paths['apis/apps/v1'].serverRelativeURL;
    const doc = await api('GET', url);
    const patch = doc.body.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    assert.deepEqual(patch['x-kubernetes-group-version-kind'], {
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
    });
    assert.ok(patch.parameters.some((p) => p.name === 'fieldValidation'));
    for (const p of ['/healthz', '/readyz', '/livez']) assert.equal((await api('GET', p)).status, 200);
  });

  it('starts serving a CRD kind in discovery when the CRD is created', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
        versions: [{ name: 'v1', served: true, storage: true }],
      },
    };
    assert.equal((await api('GET', '/apis/example.com/v1')).status, 404);
    assert.equal(
      (await api('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).status,
      201,
    );
    const list = await api('GET', '/apis/example.com/v1');
    assert.equal(list.body.resources[0].kind, 'Widget');
    const w = await api('POST', '/apis/example.com/v1/namespaces/default/widgets', {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
    });
    assert.equal(w.status, 201);
  });
});

describe('errors', () => {
  it('answers 404 with the real Status body', async () => {
    const res = await api('GET', `${DEPLOYS}/web`);
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.deepEqual(res.body, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'deployments.apps "web" not found',
      reason: 'NotFound',
      details: { name: 'web', group: 'apps', kind: 'deployments' },
      code: 404,
    });
  });

  it('answers AlreadyExists, Invalid, BadRequest and MethodNotAllowed', async () => {
    assert.equal((await api('POST', DEPLOYS, deployment('dup'))).status, 201);
    const dup = await api('POST', DEPLOYS, deployment('dup'));
    assert.deepEqual([dup.status, dup.body.reason], [409, 'AlreadyExists']);
    const bad = deployment('bad');
    bad.spec.template.metadata.labels = { app: 'x' };
    const inv = await api('POST', DEPLOYS, bad);
    assert.equal(inv.status, 422);
    assert.equal(inv.body.reason, 'Invalid');
    assert.equal(
      inv.body.message,
      'Deployment.apps "bad" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`',
    );
    assert.equal(inv.body.details.causes[0].field, 'spec.template.metadata.labels');
    const wrongNs = await api('POST', DEPLOYS, {
      ...deployment('x'),
      metadata: { name: 'x', namespace: 'other' },
    });
    assert.deepEqual([wrongNs.status, wrongNs.body.reason], [400, 'BadRequest']);
    const post = await api('POST', `${DEPLOYS}/dup`, deployment('dup'));
    assert.deepEqual([post.status, post.body.reason], [405, 'MethodNotAllowed']);
  });
});

describe('list and watch', () => {
  it('pages lists with limit and continue', async () => {
    for (let i = 0; i < 5; i++) {
      await api('POST', '/api/v1/namespaces/default/configmaps', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `page-${i}`, labels: { set: 'paging' } },
      });
    }
    const seen: string[] = [];
    let cont = '';
    let pages = 0;
    do {
      const res = await api(
        'GET',
        `/api/v1/namespaces/default/configmaps?labelSelector=set%3Dpaging&limit=2${cont ? `&continue=${cont}` : ''}`,
      );
      assert.equal(res.body.kind, 'ConfigMapList');
      assert.equal(res.body.apiVersion, 'v1');
      assert.match(res.body.metadata.resourceVersion, /^\d+$/);
      assert.equal(res.body.items[0].kind, undefined, 'built-in list items carry no kind');
      seen.push(...res.body.items.map((i) => i.metadata.name));
      cont = res.body.metadata.continue ?? '';
      pages++;
    } while (cont);
    assert.equal(pages, 3);
    assert.deepEqual(seen, ['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
  });

  it('filters by fieldSelector metadata.name', async () => {
    const res = await api(
      'GET',
      '/api/v1/namespaces/default/configmaps?fieldSelector=metadata.name%3Dpage-3',
    );
    assert.deepEqual(
      res.body.items.map((i) => i.metadata.name),
      ['page-3'],
    );
  });

  it('streams watch events and resumes from a resourceVersion', async () => {
    const path = '/api/v1/namespaces/default/configmaps';
    const list = await api('GET', path);
    const rv = list.body.metadata.resourceVersion;
    await api('POST', path, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w1' } });
    await api('PATCH', `${path}/w1`, { data: { a: '1' } }, 'application/merge-patch+json');
    await api('DELETE', `${path}/w1`);
    const { status, events } = await watchEvents(`${path}?watch=true&resourceVersion=${rv}`, 3);
    assert.equal(status, 200);
    assert.deepEqual(
      events.map((e) => `${e.type} ${e.object.metadata.name}`),
      ['ADDED w1', 'MODIFIED w1', 'DELETED w1'],
    );
    assert.equal(events[0].object.kind, 'ConfigMap');
    const resumed = await watchEvents(
      `${path}?watch=true&resourceVersion=${events[1].object.metadata.resourceVersion}`,
      1,
    );
    assert.equal(resumed.events[0].type, 'DELETED');
  });

  it('sends current objects first without a resourceVersion, and honours the legacy /watch/ path', async () => {
    const { events } = await watchEvents(
      '/api/v1/watch/namespaces/default/configmaps?labelSelector=set%3Dpaging',
      5,
    );
    assert.deepEqual(
      events.map((e) => e.type),
      ['ADDED', 'ADDED', 'ADDED', 'ADDED', 'ADDED'],
    );
  });

  it('watches a single object by URL', async () => {
    const path = '/api/v1/namespaces/default/configmaps';
    const { events } = await watchEvents(`${path}/page-1?watch=true`, 1);
    assert.deepEqual(
      events.map((e) => `${e.type} ${e.object.metadata.name}`),
      ['ADDED page-1'],
    );
  });

  it('answers an expired resourceVersion with a 410 Expired ERROR event', async () => {
    const path = '/api/v1/namespaces/default/configmaps';
    const rv = Number((await api('GET', path)).body.metadata.resourceVersion);
    c.store.setEventWindow(2);
    try {
      for (let i = 0; i < 4; i++)
        await api('POST', path, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `gone-${i}` } });
      const { events } = await watchEvents(`${path}?watch=1&resourceVersion=${rv}`, 1);
      assert.equal(events[0].type, 'ERROR');
      assert.equal(events[0].object.code, 410);
      assert.equal(events[0].object.reason, 'Expired');
      assert.match(events[0].object.message, /^too old resource version: \d+ \(\d+\)$/);
    } finally {
      c.store.setEventWindow(1000);
    }
  });

  it('ends a watch after timeoutSeconds', async () => {
    const rv = (await api('GET', '/api/v1/namespaces/kube-public/configmaps')).body.metadata.resourceVersion;
    const { events } = await watchEvents(
      `/api/v1/namespaces/kube-public/configmaps?watch=true&resourceVersion=${rv}&timeoutSeconds=1`,
      100,
    );
    assert.deepEqual(events, []);
  });
});

describe('writes', () => {
  it('rejects an update with a stale resourceVersion', async () => {
    const created = (await api('POST', DEPLOYS, deployment('stale'))).body;
    const first = await api('PUT', `${DEPLOYS}/stale`, {
      ...created,
      spec: { ...created.spec, replicas: 2 },
    });
    assert.equal(first.status, 200);
    assert.equal(first.body.metadata.generation, 2);
    const second = await api('PUT', `${DEPLOYS}/stale`, {
      ...created,
      spec: { ...created.spec, replicas: 3 },
    });
    assert.equal(second.status, 409);
    assert.equal(second.body.reason, 'Conflict');
    assert.equal(
      second.body.message,
      'Operation cannot be fulfilled on deployments.apps "stale": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it('applies strategic merge patches to containers by name', async () => {
    const d = deployment('smp');
    d.spec.template.spec.containers.push({ name: 'sidecar', image: 'envoy:1' });
    await api('POST', DEPLOYS, d);
    const patch = { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.26' }] } } } };
    const res = await api('PATCH', `${DEPLOYS}/smp`, patch, 'application/strategic-merge-patch+json');
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.spec.template.spec.containers.map((x) => `${x.name}=${x.image}`),
      ['app=nginx:1.26', 'sidecar=envoy:1'],
    );
    const del = { spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } };
    const after = await api('PATCH', `${DEPLOYS}/smp`, del, 'application/strategic-merge-patch+json');
    assert.deepEqual(
      after.body.spec.template.spec.containers.map((x) => x.name),
      ['app'],
    );
  });

  it('applies JSON patches and merge patches', async () => {
    await api('POST', DEPLOYS, deployment('jp'));
    const json = await api(
      'PATCH',
      `${DEPLOYS}/jp`,
      [
        { op: 'replace', path: '/spec/replicas', value: 4 },
        { op: 'add', path: '/metadata/labels/tier', value: 'web' },
      ],
      'application/json-patch+json',
    );
    assert.equal(json.status, 200);
    assert.equal(json.body.spec.replicas, 4);
    assert.equal(json.body.metadata.labels.tier, 'web');
    const failed = await api(
      'PATCH',
      `${DEPLOYS}/jp`,
      [{ op: 'test', path: '/spec/replicas', value: 9 }],
      'application/json-patch+json',
    );
    assert.equal(failed.status, 422);
    const merge = await api(
      'PATCH',
      `${DEPLOYS}/jp`,
      { metadata: { labels: { tier: null } }, spec: { replicas: 1 } },
      'application/merge-patch+json',
    );
    assert.equal(merge.body.spec.replicas, 1);
    assert.equal(merge.body.metadata.labels.tier, undefined);
    // Merge patch replaces lists wholesale.
    const containers = [{ name: 'only', image: 'busybox' }];
    const replaced = await api(
      'PATCH',
      `${DEPLOYS}/jp`,
      { spec: { template: { spec: { containers } } } },
      'application/merge-patch+json',
    );
    assert.deepEqual(
      replaced.body.spec.template.spec.containers.map((x) => x.name),
      ['only'],
    );
  });

  it('serves status and scale subresources', async () => {
    await api('POST', DEPLOYS, deployment('sub', 'nginx:1', 2));
    const scale = await api('GET', `${DEPLOYS}/sub/scale`);
    assert.equal(scale.body.kind, 'Scale');
    assert.equal(scale.body.apiVersion, 'autoscaling/v1');
    assert.deepEqual(scale.body.spec, { replicas: 2 });
    assert.equal(scale.body.status.selector, 'app=sub');
    const put = await api('PUT', `${DEPLOYS}/sub/scale`, { ...scale.body, spec: { replicas: 5 } });
    assert.equal(put.body.spec.replicas, 5);
    const patched = await api(
      'PATCH',
      `${DEPLOYS}/sub/scale`,
      { spec: { replicas: 3 } },
      'application/merge-patch+json',
    );
    assert.equal(patched.body.spec.replicas, 3);
    assert.equal((await api('GET', `${DEPLOYS}/sub`)).body.spec.replicas, 3);
    const status = await api(
      'PATCH',
      `${DEPLOYS}/sub/status`,
      { status: { replicas: 3, readyReplicas: 1 } },
      'application/merge-patch+json',
    );
    assert.equal(status.body.status.readyReplicas, 1);
    // Status sent to the main resource is ignored.
    const main = await api(
      'PATCH',
      `${DEPLOYS}/sub`,
      { status: { readyReplicas: 9 } },
      'application/merge-patch+json',
    );
    assert.equal(main.body.status.readyReplicas, 1);
  });

  it('deletes with a propagation policy and answers a Status for deployments', async () => {
    await api('POST', DEPLOYS, deployment('gone'));
    const res = await api('DELETE', `${DEPLOYS}/gone`, {
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      propagationPolicy: 'Foreground',
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.kind, 'Status');
    assert.equal(res.body.status, 'Success');
    assert.equal(res.body.details.name, 'gone');
    assert.equal((await api('GET', `${DEPLOYS}/gone`)).status, 404);
    assert.equal((await api('DELETE', `${DEPLOYS}/gone`)).status, 404);
  });

  it('writes nothing with dryRun=All', async () => {
    await api('POST', DEPLOYS, deployment('dry'));
    const rv = c.store.resourceVersion();
    c.resetStats();
    const created = await api('POST', `${DEPLOYS}?dryRun=All`, deployment('dry-new'));
    assert.equal(created.status, 201);
    assert.equal(created.body.metadata.name, 'dry-new');
    const patched = await api(
      'PATCH',
      `${DEPLOYS}/dry?dryRun=All`,
      { spec: { replicas: 7 } },
      'application/merge-patch+json',
    );
    assert.equal(patched.body.spec.replicas, 7);
    const applied = await api(
      'PATCH',
      `${DEPLOYS}/dry-applied?dryRun=All&fieldManager=ci`,
      deployment('dry-applied'),
      'application/apply-patch+yaml',
    );
    assert.equal(applied.status, 201);
    const deleted = await api('DELETE', `${DEPLOYS}/dry?dryRun=All`);
    assert.equal(deleted.status, 200);
    assert.equal(c.store.resourceVersion(), rv, 'no write happened');
    assert.equal((await api('GET', `${DEPLOYS}/dry-new`)).status, 404);
    assert.equal((await api('GET', `${DEPLOYS}/dry`)).body.spec.replicas, 1);
    const stats = c.stats();
    assert.equal(stats.writes, 0);
    assert.deepEqual(stats.dryRun, { create: 1, patch: 2, delete: 1 });
  });

  it('serves pod logs from SIM_LOG with tailLines', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'logger' },
      spec: {
        containers: [{ name: 'app', image: 'app:1', env: [{ name: 'SIM_LOG', value: 'one\ntwo\nthree' }] }],
      },
    };
    await api('POST', '/api/v1/namespaces/default/pods', pod);
    const waiting = await api('GET', '/api/v1/namespaces/default/pods/logger/log');
    assert.equal(waiting.status, 400, 'no container has started yet');
    const current = (await api('GET', '/api/v1/namespaces/default/pods/logger')).body;
    await api('PUT', '/api/v1/namespaces/default/pods/logger/status', {
      ...current,
      status: {
        phase: 'Running',
        containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: {} } }],
      },
    });
    const log = await api('GET', '/api/v1/namespaces/default/pods/logger/log');
    assert.equal(log.body, 'one\ntwo\nthree\n');
    assert.equal(
      (await api('GET', '/api/v1/namespaces/default/pods/logger/log?tailLines=2')).body,
      'two\nthree\n',
    );
  });

  it('expands $(NAME) in SIM_LOG from earlier env, Secret keys included', async () => {
    await api('POST', '/api/v1/namespaces/default/secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db' },
      stringData: { password: 'pw-from-secret' },
    });
    const env = [
      { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
      { name: 'SIM_LOG', value: 'connecting with $(PASSWORD) and $(UNSET)' },
    ];
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'leaky' },
      spec: { containers: [{ name: 'app', image: 'app:1', env }] },
    };
    await api('POST', '/api/v1/namespaces/default/pods', pod);
    const current = (await api('GET', '/api/v1/namespaces/default/pods/leaky')).body;
    await api('PUT', '/api/v1/namespaces/default/pods/leaky/status', {
      ...current,
      status: {
        phase: 'Running',
        containerStatuses: [{ name: 'app', restartCount: 1, state: { running: {} } }],
      },
    });
    const log = await api('GET', '/api/v1/namespaces/default/pods/leaky/log');
    assert.equal(log.body, 'connecting with pw-from-secret and $(UNSET)\n');
  });
});

describe('server-side apply', () => {
  const path = `${DEPLOYS}/ssa`;
  const applyAs = (manager: string, body: unknown, force = false) =>
    api(
      'PATCH',
      `${path}?fieldManager=${manager}${force ? '&force=true' : ''}`,
      body,
      'application/apply-patch+yaml',
    );

  it('requires a fieldManager', async () => {
    const res = await api('PATCH', path, deployment('ssa'), 'application/apply-patch+yaml');
    assert.equal(res.status, 400);
    assert.equal(res.body.reason, 'BadRequest');
  });

  it('reads an apply body as JSON, block YAML or flow YAML alike, and refuses a malformed one', async () => {
    const json = JSON.stringify(deployment('ssa-body', 'nginx:1.25', 2));
    const block = stringifyYaml(deployment('ssa-body', 'nginx:1.25', 3));
    // Flow YAML that is not JSON (unquoted keys): read as YAML.
    const flow = stringifyYaml(deployment('ssa-body', 'nginx:1.25', 4), { collectionStyle: 'flow' });
    assert.throws(() => JSON.parse(flow), 'the flow body is not JSON');
    const at = `${DEPLOYS}/ssa-body?fieldManager=ci`;
    for (const [body, replicas] of [
      [json, 2],
      [block, 3],
      [flow, 4],
    ] as const) {
      const res = await api('PATCH', at, body, 'application/apply-patch+yaml');
      assert.ok(res.status === 200 || res.status === 201, `${res.status} ${JSON.stringify(res.body)}`);
      assert.equal(res.body.spec.replicas, replicas);
    }
    const bad = await api('PATCH', at, '{"spec": {"replicas": 5}', 'application/apply-patch+yaml');
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /unrecognized or malformed/);
  });

  it('creates a missing object with 201 and records Apply ownership', async () => {
    const config = deployment('ssa', 'nginx:1.25', 2);
    (config.metadata as KubeObject['metadata']).annotations = { note: 'a' };
    const res = await applyAs('ci', config);
    assert.equal(res.status, 201);
    const entry = res.body.metadata.managedFields.find((m) => m.manager === 'ci')!;
    assert.equal(entry.operation, 'Apply');
    assert.equal(entry.fieldsType, 'FieldsV1');
    const containers = entry.fieldsV1['f:spec']['f:template']['f:spec']['f:containers'];
    assert.ok(containers['k:{"name":"app"}']['f:image']);
    assert.ok(entry.fieldsV1['f:spec']['f:replicas']);
    const again = await applyAs('ci', config);
    assert.equal(again.status, 200);
    assert.equal(
      again.body.metadata.resourceVersion,
      res.body.metadata.resourceVersion,
      'an identical apply writes nothing',
    );
  });

  it('reports conflicts with another manager and lets force take ownership', async () => {
    const other = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'ssa' },
      spec: { replicas: 5 },
    };
    const conflict = await applyAs('autoscaler', other);
    assert.equal(conflict.status, 409);
    assert.equal(conflict.body.reason, 'Conflict');
    assert.deepEqual(conflict.body.details.causes, [
      { reason: 'FieldManagerConflict', message: 'conflict with "ci"', field: '.spec.replicas' },
    ]);
    assert.equal(conflict.body.message, 'Apply failed with 1 conflict: conflict with "ci": .spec.replicas');
    // The same value is no conflict: both managers own it.
    assert.equal((await applyAs('autoscaler', { ...other, spec: { replicas: 2 } })).status, 200);
    const forced = await applyAs('autoscaler', other, true);
    assert.equal(forced.status, 200);
    assert.equal(forced.body.spec.replicas, 5);
    const ci = forced.body.metadata.managedFields.find((m) => m.manager === 'ci')!;
    assert.equal(ci.fieldsV1['f:spec']['f:replicas'], undefined, 'ci lost .spec.replicas');
  });

  it('conflicts with Update managers too, naming the API version', async () => {
    await api(
      'PATCH',
      `${path}?fieldManager=kubectl-edit`,
      { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:edited' }] } } } },
      'application/strategic-merge-patch+json',
    );
    const res = await applyAs('ci', deployment('ssa', 'nginx:1.25'));
    assert.equal(res.status, 409);
    const cause = res.body.details.causes[0];
    assert.equal(cause.field, '.spec.template.spec.containers[name="app"].image');
    assert.match(cause.message, /^conflict with "kubectl-edit" using apps\/v1/);
  });

  it('removes fields the manager applied before and now omits', async () => {
    const withLabel = deployment('ssa', 'nginx:edited');
    (withLabel.metadata.labels as Record<string, string>).team = 'a';
    assert.equal((await applyAs('ci', withLabel, true)).body.metadata.labels.team, 'a');
    const res = await applyAs('ci', deployment('ssa', 'nginx:edited'));
    assert.equal(res.status, 200);
    assert.equal(res.body.metadata.labels.team, undefined);
    assert.equal(res.body.metadata.annotations?.note, undefined);
    assert.equal(res.body.metadata.labels.app, 'ssa');
  });
});

describe('RBAC and authentication', () => {
  let secured: SimCluster;
  const call = async (
    token: string | undefined,
    method: string,
    path: string,
    body?: unknown,
    type = 'application/json',
  ) => {
    const res = await fetch(secured.url + path, {
      method,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body ? { 'Content-Type': type } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as Body };
  };

  before(async () => {
    secured = await startSimCluster({
      controllers: false,
      rps: 0,
      rbac: true,
      tokens: { 'admin-token': { user: 'admin', groups: ['system:masters'] }, 'ci-token': { user: 'ci' } },
    });
    const rbac = '/apis/rbac.authorization.k8s.io/v1/namespaces/default';
    await call('admin-token', 'POST', DEPLOYS, deployment('web'));
    await call('admin-token', 'POST', `${rbac}/roles`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'deployer' },
      rules: [
        { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['patch'], resourceNames: ['web'] },
      ],
    });
    await call('admin-token', 'POST', `${rbac}/rolebindings`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'ci-deployer' },
      subjects: [{ kind: 'User', name: 'ci', apiGroup: 'rbac.authorization.k8s.io' }],
      roleRef: { kind: 'Role', name: 'deployer', apiGroup: 'rbac.authorization.k8s.io' },
    });
  });
  after(async () => {
    await secured.stop();
  });

  it('rejects missing tokens with 401', async () => {
    const res = await call(undefined, 'GET', DEPLOYS);
    assert.equal(res.status, 401);
    assert.equal(res.body.reason, 'Unauthorized');
  });

  it('allows what the role grants and forbids the rest with the real message', async () => {
    assert.equal((await call('ci-token', 'GET', `${DEPLOYS}/web`)).status, 200);
    assert.equal(
      (
        await call(
          'ci-token',
          'PATCH',
          `${DEPLOYS}/web/scale`,
          { spec: { replicas: 2 } },
          'application/merge-patch+json',
        )
      ).status,
      200,
    );
    const denied = await call(
      'ci-token',
      'PATCH',
      `${DEPLOYS}/web`,
      { spec: { replicas: 3 } },
      'application/merge-patch+json',
    );
    assert.equal(denied.status, 403);
    assert.equal(denied.body.reason, 'Forbidden');
    assert.equal(
      denied.body.message,
      'deployments.apps "web" is forbidden: User "ci" cannot patch resource "deployments" in API group "apps" in the namespace "default"',
    );
    const other = await call('ci-token', 'GET', '/api/v1/namespaces/default/secrets');
    assert.equal(
      other.body.message,
      'secrets is forbidden: User "ci" cannot list resource "secrets" in API group "" in the namespace "default"',
    );
    assert.equal(
      (await call('ci-token', 'GET', '/apis/apps/v1')).status,
      200,
      'discovery is open to authenticated users',
    );
  });

  it('puts the admin token in the kubeconfig', () => {
    assert.match(secured.kubeconfig, /token: admin-token/);
    assert.match(secured.kubeconfigFor('ci-token'), /token: ci-token/);
  });
});

describe('faults and stats', () => {
  after(() => c.faults.clear());

  it('injects 429 with Retry-After for matching requests only', async () => {
    c.faults.add({ verb: 'get', resource: 'deployments', status: 429, retryAfterSeconds: 2, times: 1 });
    const limited = await api('GET', `${DEPLOYS}/sub`);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '2');
    assert.equal(limited.body.reason, 'TooManyRequests');
    assert.equal((await api('GET', `${DEPLOYS}/sub`)).status, 200, 'times: 1 retires the rule');
  });

  it('injects 500/503 and connection resets, skipping requests first when asked', async () => {
    c.faults.add({ verb: 'list', resource: 'configmaps', status: 503, skip: 1, times: 1 });
    assert.equal((await api('GET', '/api/v1/namespaces/default/configmaps')).status, 200);
    assert.equal((await api('GET', '/api/v1/namespaces/default/configmaps')).status, 503);
    const id = c.faults.add({ verb: 'patch', resource: 'deployments/scale', reset: true });
    await assert.rejects(
      api('PATCH', `${DEPLOYS}/sub/scale`, { spec: { replicas: 1 } }, 'application/merge-patch+json'),
    );
    c.faults.remove(id);
    c.faults.add({ verb: 'create', status: 500, times: 1 });
    const failed = await api('POST', '/api/v1/namespaces/default/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x500' },
    });
    assert.deepEqual([failed.status, failed.body.reason], [500, 'InternalError']);
  });

  it('adds latency without changing the answer', async () => {
    const id = c.faults.add({ resource: 'deployments', latencyMs: 50 });
    assert.equal((await api('GET', `${DEPLOYS}/sub`)).status, 200);
    c.faults.remove(id);
  });

  it('cuts watch streams after N events', async () => {
    c.faults.add({ verb: 'watch', resource: 'configmaps', cutWatchAfterEvents: 2, times: 1 });
    const { events } = await watchEvents('/api/v1/namespaces/default/configmaps?watch=true', 100);
    assert.equal(events.length, 2);
  });

  it('fails every request during an outage', async () => {
    c.faults.outage({ durationMs: 60_000 });
    const res = await api('GET', '/api/v1/namespaces/default/configmaps');
    assert.equal(res.status, 503);
    assert.ok(Number(res.headers.get('retry-after')) >= 1);
    c.faults.outage({ durationMs: 60_000, mode: 'reset' });
    await assert.rejects(api('GET', '/version'));
    c.faults.endOutage();
    assert.equal((await api('GET', '/version')).status, 200);
  });

  it('counts requests by verb and resource', async () => {
    c.resetStats();
    await api('GET', `${DEPLOYS}/sub`);
    await api('GET', DEPLOYS);
    await api('PATCH', `${DEPLOYS}/sub/scale`, { spec: { replicas: 2 } }, 'application/merge-patch+json');
    const s = c.stats();
    assert.deepEqual(s.byVerb, { get: 1, list: 1, patch: 1 });
    assert.deepEqual(s.byResource, { deployments: { get: 1, list: 1 }, 'deployments/scale': { patch: 1 } });
    assert.equal(s.writes, 1);
    const last = s.requests[s.requests.length - 1];
    assert.deepEqual(
      [last.verb, last.resource, last.name, last.code, last.patchType],
      ['patch', 'deployments/scale', 'sub', 200, 'application/merge-patch+json'],
    );
  });
});
