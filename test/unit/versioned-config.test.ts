import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../src/kube/types.ts';
import { view, type DeploymentObject } from '../../src/manifests/workload-views.ts';
import {
  applyVersionedConfig,
  configHash,
  renderManifests,
  type SourcedObject,
} from '../../src/manifests/index.ts';

/** The pod spec of a Deployment, as its typed view reads it. */
const podSpecOf = (obj: KubeObject) => view<DeploymentObject>(obj).spec.template.spec;

const src = (object: Record<string, unknown>): SourcedObject => ({
  object: object as KubeObject,
  file: 'k8s/app.yaml',
  line: 1,
});
const configMap = (name: string, data: Record<string, string>, namespace = 'default') =>
  src({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data });
const secret = (name: string, data: Record<string, string>, namespace = 'default') =>
  src({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, type: 'Opaque', data });

function deployment(podSpec: Record<string, unknown>, namespace = 'default') {
  return src({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: podSpec },
    },
  });
}

const fullPodSpec = {
  initContainers: [{ name: 'init', image: 'x', envFrom: [{ configMapRef: { name: 'settings' } }] }],
  containers: [
    {
      name: 'app',
      image: 'x',
      env: [
        { name: 'A', valueFrom: { configMapKeyRef: { name: 'settings', key: 'a' } } },
        { name: 'P', valueFrom: { secretKeyRef: { name: 'creds', key: 'p' } } },
        { name: 'F', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'PLAIN', value: 'x' },
      ],
      envFrom: [{ secretRef: { name: 'creds' } }],
    },
  ],
  volumes: [
    { name: 'v1', configMap: { name: 'files' } },
    { name: 'v2', secret: { secretName: 'tls' } },
    {
      name: 'v3',
      projected: {
        sources: [
          { configMap: { name: 'files' } },
          { secret: { name: 'creds' } },
          { serviceAccountToken: { path: 't' } },
        ],
      },
    },
    { name: 'v4', emptyDir: {} },
  ],
  imagePullSecrets: [{ name: 'creds' }],
};

describe('configHash', () => {
  it('hashes content, not key order or name', () => {
    const a = configMap('a', { x: '1', y: '2' }).object;
    const b = configMap('b', { y: '2', x: '1' }).object;
    assert.equal(configHash(a), configHash(b));
    assert.match(configHash(a), /^[0-9a-f]{10}$/);
    const expected = createHash('sha256').update('{"data":{"x":"1","y":"2"}}').digest('hex').slice(0, 10);
    assert.equal(configHash(a), expected);
  });
  it('changes when the data changes', () => {
    assert.notEqual(
      configHash(configMap('a', { x: '1' }).object),
      configHash(configMap('a', { x: '2' }).object),
    );
  });
});

describe('applyVersionedConfig', () => {
  const objects = [
    configMap('settings', { a: '1' }),
    configMap('files', { 'f.txt': 'hello' }),
    configMap('unused', { z: '1' }),
    secret('creds', { p: 'c2VjcmV0' }),
    secret('tls', { 'tls.crt': 'eA==' }),
    deployment(fullPodSpec),
  ];
  const { objects: out, renamed } = applyVersionedConfig(objects);
  const byKind = (kind: string) => out.filter((s) => s.object.kind === kind).map((s) => s.object);
  const newName = (kind: string, from: string) => renamed.find((r) => r.kind === kind && r.from === from)?.to;

  it('renames every referenced ConfigMap and Secret with the content hash', () => {
    assert.deepEqual(
      renamed.map((r) => [r.kind, r.from]),
      [
        ['ConfigMap', 'settings'],
        ['ConfigMap', 'files'],
        ['Secret', 'creds'],
        ['Secret', 'tls'],
      ],
    );
    for (const r of renamed) assert.match(r.to, new RegExp(`^${r.from}-[0-9a-f]{10}$`));
    const settings = byKind('ConfigMap')[0];
    assert.equal(settings.metadata.name, `settings-${configHash(objects[0].object)}`);
    assert.equal(settings.metadata.annotations?.['kube-rollout.io/original-name'], 'settings');
  });

  it('leaves unreferenced config alone', () => {
    assert.equal(byKind('ConfigMap')[2].metadata.name, 'unused');
  });

  it('rewrites every reference: env, envFrom, volumes, projected', () => {
    const spec = podSpecOf(byKind('Deployment')[0]);
    const settings = newName('ConfigMap', 'settings');
    const creds = newName('Secret', 'creds');
    assert.equal(spec?.initContainers?.[0].envFrom?.[0].configMapRef?.name, settings);
    assert.equal(spec?.containers[0].env?.[0].valueFrom?.configMapKeyRef?.name, settings);
    assert.equal(spec?.containers[0].env?.[1].valueFrom?.secretKeyRef?.name, creds);
    assert.deepEqual(spec?.containers[0].env?.[2].valueFrom, { fieldRef: { fieldPath: 'metadata.name' } });
    assert.equal(spec?.containers[0].envFrom?.[0].secretRef?.name, creds);
    assert.equal(spec?.volumes?.[0].configMap?.name, newName('ConfigMap', 'files'));
    assert.equal(spec?.volumes?.[1].secret?.secretName, newName('Secret', 'tls'));
    assert.equal(spec?.volumes?.[2].projected?.sources?.[0].configMap?.name, newName('ConfigMap', 'files'));
    assert.equal(spec?.volumes?.[2].projected?.sources?.[1].secret?.name, creds);
    assert.deepEqual(spec?.imagePullSecrets, [{ name: 'creds' }], 'pull secrets are credentials, not config');
  });

  it('does not change its input', () => {
    assert.equal(objects[0].object.metadata.name, 'settings');
    assert.equal(podSpecOf(objects[5].object)?.volumes?.[0].configMap?.name, 'files');
  });

  it('only links objects in the same namespace', () => {
    const result = applyVersionedConfig([
      configMap('settings', { a: '1' }, 'other'),
      deployment({ containers: [{ name: 'a', envFrom: [{ configMapRef: { name: 'settings' } }] }] }),
    ]);
    assert.deepEqual(result.renamed, []);
    assert.equal(
      podSpecOf(result.objects[1].object)?.containers[0].envFrom?.[0].configMapRef?.name,
      'settings',
    );
  });

  it('references to config outside the manifests stay as they are', () => {
    const result = applyVersionedConfig([
      deployment({ containers: [{ name: 'a', envFrom: [{ configMapRef: { name: 'external' } }] }] }),
    ]);
    assert.equal(
      podSpecOf(result.objects[0].object)?.containers[0].envFrom?.[0].configMapRef?.name,
      'external',
    );
  });
});

describe('renderManifests with versionedConfig', () => {
  it('renames after the namespace is defaulted and keeps apply order', () => {
    const cm = src({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: '1' } });
    const d = src({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [{ name: 'a', image: 'x:1', envFrom: [{ configMapRef: { name: 'settings' } }] }],
          },
        },
      },
    });
    const set = renderManifests([d, cm], {
      images: [],
      namespace: 'prod',
      version: 'v1',
      versionLabel: 'version',
      versionedConfig: true,
    });
    const [cmOut, dOut] = set.objects.map((s) => s.object);
    assert.equal(cmOut.kind, 'ConfigMap');
    assert.match(cmOut.metadata.name!, /^settings-[0-9a-f]{10}$/);
    assert.equal(podSpecOf(dOut)?.containers[0].envFrom?.[0].configMapRef?.name, cmOut.metadata.name);
    assert.equal(set.workloads[0].object, dOut);
  });

  it('is off by default', () => {
    const cm = src({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: '1' } });
    const set = renderManifests([cm], {
      images: [],
      namespace: 'prod',
      version: 'v1',
      versionLabel: 'version',
    });
    assert.equal(set.objects[0].object.metadata.name, 'settings');
  });
});
