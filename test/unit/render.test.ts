import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InputError, InputErrors } from '../../src/errors.ts';
import type { KubeObject } from '../../src/kube/types.ts';
import { isDeployment, view, type DeploymentObject } from '../../src/manifests/workload-views.ts';
import { applyOrderRank, releaseAnnotations } from '../../src/manifests/render.ts';
import {
  loadManifests,
  podTemplateOf,
  renderManifests,
  resolveVersion,
  sortForApply,
  type RenderOptions,
  type SourcedObject,
} from '../../src/manifests/index.ts';

const opts: RenderOptions = { images: [], namespace: 'prod', version: 'v2', versionLabel: 'version' };

function src(object: Partial<KubeObject> & { kind: string; name?: string }, line = 1): SourcedObject {
  const { name, ...rest } = object;
  return {
    object: {
      apiVersion: 'v1',
      metadata: { name: name ?? object.kind.toLowerCase() },
      ...rest,
    } as KubeObject,
    file: 'k8s/app.yaml',
    line,
  };
}

function podSpec(image: string, init?: string) {
  return {
    containers: [{ name: 'app', image }],
    ...(init ? { initContainers: [{ name: 'init', image: init }] } : {}),
  };
}

function deployment(name: string, image: string, extra: Record<string, unknown> = {}): SourcedObject {
  return src({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    name,
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: podSpec(image) },
      ...extra,
    },
  });
}

function errorsOf(fn: () => unknown): InputError[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof InputError, String(err));
    return err instanceof InputErrors ? err.errors : [err];
  }
  assert.fail('expected an InputError');
}

const imagesOf = (o: KubeObject) => {
  const spec = podTemplateOf(o)!.spec;
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])].map((c) => c.image);
};

describe('renderManifests: update strategy', () => {
  const deployment = (strategy: Record<string, unknown>) =>
    src({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      spec: {
        selector: { matchLabels: { a: 'b' } },
        strategy,
        template: { metadata: { labels: { a: 'b' } }, spec: podSpec('nginx:1.25') },
      },
    });
  const strategyOf = (given: Record<string, unknown>) =>
    (renderManifests([deployment(given)], opts).objects[0]!.object.spec as { strategy: unknown }).strategy;

  it('a Recreate Deployment is rendered with a null rollingUpdate, so a switch removes the defaulted one', () => {
    assert.deepEqual(strategyOf({ type: 'Recreate' }), { type: 'Recreate', rollingUpdate: null });
  });

  it('a rolling update, or a Recreate that names rollingUpdate itself, is left as written', () => {
    assert.deepEqual(strategyOf({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } }), {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 1 },
    });
    assert.deepEqual(strategyOf({ type: 'Recreate', rollingUpdate: null }), {
      type: 'Recreate',
      rollingUpdate: null,
    });
  });
});

describe('renderManifests: images', () => {
  const kinds: Array<[string, Record<string, unknown>]> = [
    [
      'Deployment',
      {
        selector: { matchLabels: { a: 'b' } },
        template: { metadata: { labels: { a: 'b' } }, spec: podSpec('nginx:1.25', 'busybox:1') },
      },
    ],
    ['StatefulSet', { template: { spec: podSpec('nginx:1.25', 'busybox:1') } }],
    ['DaemonSet', { template: { spec: podSpec('nginx:1.25', 'busybox:1') } }],
    ['ReplicaSet', { template: { spec: podSpec('nginx:1.25', 'busybox:1') } }],
    ['Job', { template: { spec: podSpec('nginx:1.25', 'busybox:1') } }],
    [
      'CronJob',
      {
        schedule: '* * * * *',
        jobTemplate: { spec: { template: { spec: podSpec('nginx:1.25', 'busybox:1') } } },
      },
    ],
  ];
  for (const [kind, spec] of kinds) {
    it(`replaces images by repository in a ${kind}`, () => {
      const set = renderManifests([src({ apiVersion: 'apps/v1', kind, spec })], {
        ...opts,
        images: ['docker.io/library/nginx:1.27', 'busybox:1.36'],
      });
      assert.deepEqual(imagesOf(set.objects[0].object), ['busybox:1.36', 'docker.io/library/nginx:1.27']);
    });
  }
  it('replaces images in a bare Pod', () => {
    const set = renderManifests([src({ kind: 'Pod', spec: podSpec('localhost:5000/app:1') })], {
      ...opts,
      images: ['localhost:5000/app:2'],
    });
    assert.deepEqual(imagesOf(set.objects[0].object), ['localhost:5000/app:2']);
  });
  it('does not confuse registries, ports or longer paths', () => {
    const objects = [
      deployment('a', 'localhost:5000/app:1'),
      deployment('b', 'localhost:5001/app:1'),
      deployment('c', 'ghcr.io/acme/app-sidecar:1'),
      deployment('d', 'ghcr.io/acme/app@sha256:' + 'f'.repeat(64)),
    ];
    const set = renderManifests(objects, {
      ...opts,
      images: ['localhost:5000/app:2', 'ghcr.io/acme/app:v9'],
    });
    assert.deepEqual(
      set.workloads.map((w) => imagesOf(w.object)[0]),
      ['localhost:5000/app:2', 'localhost:5001/app:1', 'ghcr.io/acme/app-sidecar:1', 'ghcr.io/acme/app:v9'],
    );
  });
  it('rejects an image that matches no container, naming input images', () => {
    const [error] = errorsOf(() =>
      renderManifests([deployment('web', 'ghcr.io/acme/web:1')], { ...opts, images: ['ghcr.io/acme/api:2'] }),
    );
    assert.equal(error.location.input, 'images');
    assert.match(
      error.message,
      /^input 'images': image 'ghcr.io\/acme\/api:2' matches no container in the manifests \(their images: ghcr.io\/acme\/web:1\)/,
    );
  });
  it('rejects two images for one repository', () => {
    const errors = errorsOf(() =>
      renderManifests([deployment('web', 'nginx:1')], {
        ...opts,
        images: ['nginx:2', 'docker.io/library/nginx:3'],
      }),
    );
    assert.match(errors[0].message, /two entries name repository docker.io\/library\/nginx/);
  });
  it('does not change its input', () => {
    const input = [deployment('web', 'nginx:1')];
    const before = structuredClone(input);
    renderManifests(input, { ...opts, images: ['nginx:2'], versionedConfig: true });
    assert.deepEqual(input, before);
  });
});

describe('renderManifests: namespaces, labels, annotations', () => {
  it('defaults the namespace of namespaced kinds only', () => {
    const objects = [
      src({ kind: 'ConfigMap', name: 'a' }),
      src({ kind: 'ConfigMap', name: 'b', metadata: { name: 'b', namespace: 'other' } }),
      src({ kind: 'Namespace', name: 'prod' }),
      src({ kind: 'ClusterRole', apiVersion: 'rbac.authorization.k8s.io/v1' }),
      src({ kind: 'CustomResourceDefinition', apiVersion: 'apiextensions.k8s.io/v1' }),
      src({ kind: 'PersistentVolume' }),
      src({ kind: 'StorageClass', apiVersion: 'storage.k8s.io/v1' }),
      src({ kind: 'IngressClass', apiVersion: 'networking.k8s.io/v1' }),
      src({ kind: 'PriorityClass', apiVersion: 'scheduling.k8s.io/v1' }),
      src({ kind: 'ClusterRoleBinding', apiVersion: 'rbac.authorization.k8s.io/v1' }),
      src({ kind: 'Widget', apiVersion: 'acme.io/v1' }),
    ];
    const set = renderManifests(objects, opts);
    const ns = Object.fromEntries(
      set.objects.map((s) => [`${s.object.kind}/${s.object.metadata.name}`, s.object.metadata.namespace]),
    );
    assert.deepEqual(ns, {
      'Namespace/prod': undefined,
      'CustomResourceDefinition/customresourcedefinition': undefined,
      'ClusterRole/clusterrole': undefined,
      'PriorityClass/priorityclass': undefined,
      'StorageClass/storageclass': undefined,
      'IngressClass/ingressclass': undefined,
      'ClusterRoleBinding/clusterrolebinding': undefined,
      'PersistentVolume/persistentvolume': undefined,
      'ConfigMap/a': 'prod',
      'ConfigMap/b': 'other',
      'Widget/widget': 'prod',
    });
  });

  it('labels pod templates with the version but leaves selectors alone', () => {
    const set = renderManifests([deployment('web', 'nginx:1')], opts);
    const d = view<DeploymentObject>(set.workloads[0].object);
    assert.deepEqual(d.spec.template.metadata?.labels, { app: 'web', version: 'v2' });
    assert.deepEqual(d.spec.selector, { matchLabels: { app: 'web' } });
    assert.equal(d.metadata.labels, undefined);
  });

  it('labels templates that have no metadata, and CronJob and Pod pods', () => {
    const objects = [
      src({ apiVersion: 'apps/v1', kind: 'DaemonSet', spec: { template: { spec: podSpec('a') } } }),
      src({
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        spec: { jobTemplate: { spec: { template: { spec: podSpec('a') } } } },
      }),
      src({ kind: 'Pod', spec: podSpec('a') }),
    ];
    const set = renderManifests(objects, { ...opts, versionLabel: 'app.kubernetes.io/version' });
    for (const { object } of set.objects)
      assert.equal(podTemplateOf(object)!.metadata!.labels!['app.kubernetes.io/version'], 'v2', object.kind);
  });

  it('writes the release annotations on workloads only', () => {
    const objects = [
      deployment('web', 'nginx:1'),
      src({ kind: 'Service', name: 'web', spec: { selector: { app: 'web' } } }),
    ];
    const set = renderManifests(objects, {
      ...opts,
      changeCause: { commit: 'abc1234def5678', runUrl: 'https://github.com/acme/shop/actions/runs/9' },
    });
    assert.deepEqual(set.workloads[0].object.metadata.annotations, {
      'kubernetes.io/change-cause':
        'kube-rollout: version v2 (commit abc1234, run https://github.com/acme/shop/actions/runs/9)',
      'kube-rollout.io/version': 'v2',
      'kube-rollout.io/commit': 'abc1234def5678',
      'kube-rollout.io/run-url': 'https://github.com/acme/shop/actions/runs/9',
    });
    assert.equal(
      set.objects.find((s) => s.object.kind === 'Service')!.object.metadata.annotations,
      undefined,
    );
  });

  it('keeps existing annotations and writes a short change-cause without commit', () => {
    const d = deployment('web', 'nginx:1');
    d.object.metadata.annotations = { team: 'shop' };
    const [w] = renderManifests([d], opts).workloads;
    assert.deepEqual(w.object.metadata.annotations, {
      team: 'shop',
      'kubernetes.io/change-cause': 'kube-rollout: version v2',
      'kube-rollout.io/version': 'v2',
    });
  });

  it('rejects a workload that selects on the version label, with file:line', () => {
    const d = deployment('web', 'nginx:1');
    view<DeploymentObject>(d.object).spec.selector.matchLabels!.version = 'v1';
    d.line = 12;
    const [error] = errorsOf(() => renderManifests([d], opts));
    assert.match(
      error.message,
      /^input 'manifests', k8s\/app.yaml:12: Deployment web selects on the version label 'version'/,
    );
  });
});

describe('version', () => {
  const cases: Array<[string, Parameters<typeof resolveVersion>[0], string]> = [
    ['explicit', { version: 'v7', images: ['nginx:1'] }, 'v7'],
    ['tag of the first image', { images: ['ghcr.io/a/b:1.4.2', 'c:9'] }, '1.4.2'],
    ['tag with a registry port', { images: ['localhost:5000/app:1.2'] }, '1.2'],
    [
      'short commit when the image has only a digest',
      { images: [`app@sha256:${'0'.repeat(64)}`], changeCause: { commit: 'abcdef0123456789' } },
      'abcdef0',
    ],
    ['short commit without images', { images: [], changeCause: { commit: 'abcdef0123456789' } }, 'abcdef0'],
  ];
  for (const [name, input, want] of cases) it(name, () => assert.equal(resolveVersion(input), want));

  it('without any source is an error naming input version', () => {
    assert.throws(() => resolveVersion({ images: ['nginx'] }), {
      name: 'InputError',
      message: /^input 'version': cannot tell the release's version/,
    });
  });
  it('must be a label value', () => {
    const [error] = errorsOf(() =>
      renderManifests([deployment('web', 'nginx:1')], {
        ...opts,
        version: undefined,
        images: [`nginx:${'x'.repeat(70)}`],
      }),
    );
    assert.equal(error.location.input, 'version');
  });
  it('is recorded on the set', () =>
    assert.equal(
      renderManifests([], { ...opts, version: undefined, images: [], changeCause: { commit: '1234567890' } })
        .version,
      '1234567',
    ));
});

describe('apply order', () => {
  it('groups kinds and keeps manifest order within a group', () => {
    const kinds = [
      'HorizontalPodAutoscaler',
      'Ingress',
      'Deployment',
      'Service',
      'ConfigMap',
      'StatefulSet',
      'Secret',
      'ServiceAccount',
      'Role',
      'CustomResourceDefinition',
      'Namespace',
      'HTTPRoute',
      'PersistentVolumeClaim',
      'Job',
      'RoleBinding',
    ];
    const sorted = sortForApply(kinds.map((kind) => src({ kind })));
    assert.deepEqual(
      sorted.map((s) => s.object.kind),
      [
        'Namespace',
        'CustomResourceDefinition',
        'ServiceAccount',
        'Role',
        'RoleBinding',
        'ConfigMap',
        'Secret',
        'PersistentVolumeClaim',
        'Service',
        'Deployment',
        'StatefulSet',
        'Job',
        'Ingress',
        'HTTPRoute',
        'HorizontalPodAutoscaler',
      ],
    );
  });
  it('lists the workloads in manifest order', () => {
    const set = renderManifests([deployment('b', 'x'), src({ kind: 'Service' }), deployment('a', 'y')], opts);
    assert.deepEqual(
      set.workloads.map((w) => w.object.metadata.name),
      ['b', 'a'],
    );
    assert.deepEqual(
      set.objects.map((s) => s.object.kind),
      ['Service', 'Deployment', 'Deployment'],
    );
    assert.equal(
      set.workloads[0].object,
      set.objects[1].object,
      'workloads are the same objects as in objects',
    );
  });
});

describe('the web fixture', () => {
  it('renders with a new image and version label', async () => {
    const dir = fileURLToPath(new URL('../fixtures/web', import.meta.url));
    const loaded = await loadManifests(['.'], dir);
    const set = renderManifests(loaded, {
      images: ['registry.local:5000/acme/web:v2'],
      namespace: 'default',
      versionLabel: 'version',
    });
    assert.equal(set.version, 'v2');
    assert.deepEqual(
      set.objects.map((s) => `${s.object.kind}/${s.object.metadata.name}`),
      ['Service/web', 'Deployment/web', 'Ingress/web'],
    );
    const d = view<DeploymentObject>(set.workloads[0].object);
    assert.equal(d.spec.replicas, 4);
    assert.deepEqual(d.spec.strategy?.rollingUpdate, { maxSurge: 1, maxUnavailable: 0 });
    assert.equal(d.spec.template.spec?.containers[0].image, 'registry.local:5000/acme/web:v2');
    assert.deepEqual(d.spec.template.metadata?.labels, { app: 'web', version: 'v2' });
    assert.equal(
      loaded.map((s) => s.object).find(isDeployment)!.spec.template.metadata?.labels?.version,
      undefined,
    );
  });
});

describe('renderManifests: every cluster-scoped kind keeps no namespace', () => {
  // Kinds Kubernetes (and the common add-ons the action meets) serve cluster-wide: a namespace
  // on them is refused by the API server.
  const clusterScoped = [
    'Namespace',
    'CustomResourceDefinition',
    'ClusterRole',
    'ClusterRoleBinding',
    'PersistentVolume',
    'StorageClass',
    'IngressClass',
    'PriorityClass',
    'APIService',
    'MutatingWebhookConfiguration',
    'ValidatingWebhookConfiguration',
    'ValidatingAdmissionPolicy',
    'ValidatingAdmissionPolicyBinding',
    'RuntimeClass',
    'CSIDriver',
    'VolumeSnapshotClass',
    'GatewayClass',
    'ClusterIssuer',
    'Node',
  ];
  for (const kind of clusterScoped)
    it(kind, () => {
      const [rendered] = renderManifests([src({ kind, apiVersion: 'x/v1' })], opts).objects;
      assert.equal(rendered!.object.metadata.namespace, undefined);
    });
  it('a namespaced kind of the same group gets the release namespace', () => {
    const [rendered] = renderManifests(
      [src({ kind: 'Gateway', apiVersion: 'gateway.networking.k8s.io/v1' })],
      opts,
    ).objects;
    assert.equal(rendered!.object.metadata.namespace, 'prod');
  });
});

describe('apply order of every group', () => {
  it('puts cluster setup, config, Services, pods and routes in that order, and unknown kinds last', () => {
    const kinds = [
      'Widget',
      'TrafficSplit',
      'DestinationRule',
      'VirtualService',
      'GRPCRoute',
      'Pod',
      'DaemonSet',
      'CronJob',
      'ReplicaSet',
      'Gateway',
      'PersistentVolume',
      'NetworkPolicy',
      'LimitRange',
      'ResourceQuota',
      'GatewayClass',
      'IngressClass',
      'StorageClass',
      'PriorityClass',
      'ClusterRoleBinding',
      'ClusterRole',
    ];
    const sorted = sortForApply(kinds.map((kind) => src({ kind }))).map((s) => s.object.kind);
    assert.deepEqual(sorted, [
      'PersistentVolume',
      'NetworkPolicy',
      'LimitRange',
      'ResourceQuota',
      'GatewayClass',
      'IngressClass',
      'StorageClass',
      'PriorityClass',
      'ClusterRoleBinding',
      'ClusterRole',
      'Gateway',
      'Pod',
      'DaemonSet',
      'CronJob',
      'ReplicaSet',
      'TrafficSplit',
      'DestinationRule',
      'VirtualService',
      'GRPCRoute',
      'Widget',
    ]);
    assert.deepEqual(
      [
        'Namespace',
        'CustomResourceDefinition',
        'ClusterRole',
        'Secret',
        'Gateway',
        'Pod',
        'GRPCRoute',
        'Widget',
      ].map(applyOrderRank),
      [0, 1, 2, 3, 4, 5, 6, 7],
    );
  });
});

describe('renderManifests: what it refuses', () => {
  it('a version of 63 characters is a label value, 64 is not; nor is one ending in a dash', () => {
    const render = (version: string) => () =>
      renderManifests([deployment('web', 'nginx:1')], { ...opts, version });
    assert.doesNotThrow(render('v'.repeat(63)));
    for (const bad of ['v'.repeat(64), 'v1-', '-v1', 'v 1', 'v1/2']) {
      const [error] = errorsOf(render(bad));
      assert.equal(
        error.message,
        `input 'version': version '${bad}' cannot be a label value (letters, digits, -, _ and ., at most 63)`,
      );
    }
    assert.doesNotThrow(render('1.4.2_rc-1'));
  });

  it('one problem is thrown as it is, several together, each with its own input', () => {
    assert.throws(
      () => renderManifests([deployment('web', 'nginx:1')], { ...opts, images: ['not a ref'] }),
      (err: unknown) => err instanceof InputError && !(err instanceof InputErrors),
    );
    const errors = errorsOf(() =>
      renderManifests([deployment('web', 'nginx:1')], { ...opts, images: ['not a ref', 'redis:7'] }),
    );
    assert.deepEqual(
      errors.map((e) => e.location.input),
      ['images', 'images'],
    );
    assert.match(errors[1]!.message, /image 'redis:7' matches no container/);
  });

  it('an image matching no container lists the images there are, or none', () => {
    const [error] = errorsOf(() =>
      renderManifests([src({ kind: 'ConfigMap' })], { ...opts, images: ['redis:7'] }),
    );
    assert.match(error.message, /\(their images: none\)$/);
    const [twice] = errorsOf(() =>
      renderManifests([deployment('a', 'nginx:1'), deployment('b', 'nginx:1'), deployment('c', 'envoy:1')], {
        ...opts,
        images: ['redis:7'],
      }),
    );
    assert.match(twice.message, /\(their images: nginx:1, envoy:1\)$/, 'each image once');
  });

  it('a container with no image is left alone', () => {
    const d = deployment('web', 'nginx:1');
    view<DeploymentObject>(d.object).spec.template.spec!.containers.push({ name: 'bare' });
    const [w] = renderManifests([d], { ...opts, images: ['nginx:2'] }).workloads;
    assert.deepEqual(
      view<DeploymentObject>(w.object).spec.template.spec?.containers.map((c) => c.image),
      ['nginx:2', undefined],
    );
  });
});

describe('renderManifests: versioned config and annotations', () => {
  const withConfig = () => {
    const d = deployment('web', 'nginx:1');
    view<DeploymentObject>(d.object).spec.template.spec!.volumes = [
      { name: 'c', configMap: { name: 'settings' } },
    ];
    return [src({ kind: 'ConfigMap', name: 'settings', data: { a: '1' } }), d];
  };

  it('names referenced config by content only when asked', () => {
    const plain = renderManifests(withConfig(), opts);
    assert.deepEqual(
      plain.objects.map((s) => s.object.metadata.name),
      ['settings', 'web'],
    );
    const versioned = renderManifests(withConfig(), { ...opts, versionedConfig: true });
    const [cm, web] = versioned.objects;
    assert.match(cm!.object.metadata.name!, /^settings-[a-z0-9]+$/);
    const volumes = view<DeploymentObject>(web!.object).spec.template.spec?.volumes;
    assert.equal(volumes?.[0].configMap?.name, cm!.object.metadata.name);
    assert.equal(versioned.workloads[0]!.object, web!.object, 'the workloads are the renamed set’s');
  });

  it('a change-cause with the run link only', () => {
    assert.deepEqual(releaseAnnotations('v3', { runUrl: 'https://ci/run/1' }), {
      'kubernetes.io/change-cause': 'kube-rollout: version v3 (run https://ci/run/1)',
      'kube-rollout.io/version': 'v3',
      'kube-rollout.io/run-url': 'https://ci/run/1',
    });
    assert.deepEqual(releaseAnnotations('v3'), {
      'kubernetes.io/change-cause': 'kube-rollout: version v3',
      'kube-rollout.io/version': 'v3',
    });
  });

  it('a tagless first image falls back to the commit', () => {
    assert.equal(resolveVersion({ images: ['nginx'], changeCause: { commit: '0123456789' } }), '0123456');
  });
});
