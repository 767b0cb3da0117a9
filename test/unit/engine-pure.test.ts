import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildConfig, inputsOf, type Inputs } from '../../src/config/index.ts';
import { describeChanges, isUnchanged } from '../../src/engine/prepare/diff.ts';
import { newVersionCopy, ROLE_LABEL } from '../../src/engine/steps/handlers/copies.ts';
import { partitionFor } from '../../src/engine/steps/handlers/partitioned.ts';
import { chooseRevision } from '../../src/engine/steps/undo.ts';
import { userShape, versionOf } from '../../src/engine/objects/workloads.ts';
import type { IntOrPercent, KubeObject } from '../../src/kube/types.ts';
import type { ManifestSet } from '../../src/manifests/types.ts';
import {
  view,
  type DaemonSetObject,
  type DeploymentObject,
  type StatefulSetObject,
} from '../../src/manifests/workload-views.ts';
import { blueGreen } from '../../src/strategies/blue-green.ts';
import { canary } from '../../src/strategies/canary.ts';
import { recreate } from '../../src/strategies/recreate.ts';
import { rolling, withRollingBounds } from '../../src/strategies/rolling.ts';
import { stepLabel, type LiveFacts, type PlanStep } from '../../src/strategies/types.ts';

const VERSION_LABEL = 'app.kubernetes.io/version';

function deployment(
  image = 'ghcr.io/acme/web:v1',
  replicas = 3,
  extra: Record<string, unknown> = {},
): DeploymentObject {
  return view({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'app', image, ports: [{ containerPort: 8080 }] }] },
      },
      ...extra,
    },
  });
}

function statefulSet(): StatefulSetObject {
  return view({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'shop' },
    spec: {
      replicas: 3,
      serviceName: 'db',
      selector: { matchLabels: { app: 'db' } },
      template: {
        metadata: { labels: { app: 'db' } },
        spec: { containers: [{ name: 'db', image: 'postgres:16' }] },
      },
    },
  });
}

function daemonSet(): DaemonSetObject {
  return view({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'shop' },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: {
        metadata: { labels: { app: 'agent' } },
        spec: { containers: [{ name: 'a', image: 'agent:1' }] },
      },
    },
  });
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('describeChanges', () => {
  it('reports an image change per container', () => {
    assert.deepEqual(describeChanges(deployment('ghcr.io/acme/web:v1'), deployment('ghcr.io/acme/web:v2')), [
      'image app: ghcr.io/acme/web:v1 → ghcr.io/acme/web:v2',
    ]);
  });
  it("reports the images of init containers, a CronJob's jobs and a bare Pod", () => {
    const withInit = (image: string) => {
      const d = deployment();
      d.spec.template.spec!.initContainers = [{ name: 'migrate', image }];
      return d;
    };
    assert.deepEqual(describeChanges(withInit('tool:1'), withInit('tool:2')), [
      'image migrate: tool:1 → tool:2',
    ]);
    const cronJob = (image: string): KubeObject => ({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'report' },
      spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'run', image }] } } } } },
    });
    assert.deepEqual(describeChanges(cronJob('r:1'), cronJob('r:2')), [
      'image run: r:1 → r:2',
      'spec changed: jobTemplate',
    ]);
    const pod = (image: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'debug' },
      spec: { containers: [{ name: 'shell', image }] },
    });
    assert.deepEqual(describeChanges(pod('busybox:1'), pod('busybox:2')), [
      'image shell: busybox:1 → busybox:2',
      'spec changed: containers',
    ]);
  });
  it('reports a replicas change', () => {
    assert.deepEqual(describeChanges(deployment(undefined, 3), deployment(undefined, 5)), [
      'replicas: 3 → 5',
    ]);
  });
  it('reports containers added and removed', () => {
    const desired = deployment();
    desired.spec.template.spec!.containers = [{ name: 'sidecar', image: 'envoy:1.30' }];
    assert.deepEqual(describeChanges(deployment(), desired), [
      'container sidecar added: envoy:1.30',
      'container app removed',
    ]);
  });
  it('reports pod label and other spec changes', () => {
    const desired = deployment(undefined, 3, { minReadySeconds: 10 });
    desired.spec.template.metadata!.labels!.tier = 'front';
    assert.deepEqual(describeChanges(deployment(), desired), [
      'pod labels changed: tier',
      'spec changed: minReadySeconds',
    ]);
  });
  it('falls back to "pod template changed" for other template edits', () => {
    const desired = deployment();
    desired.spec.template.spec!.containers[0].env = [{ name: 'MODE', value: 'fast' }];
    assert.deepEqual(describeChanges(deployment(), desired), ['pod template changed']);
  });
  it('is empty when only key order differs', () => {
    const desired = deployment();
    desired.spec = { template: desired.spec.template, selector: desired.spec.selector, replicas: 3 };
    assert.deepEqual(describeChanges(deployment(), desired), []);
  });
  it('names changed Secret keys and never their values', () => {
    const live: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds', namespace: 'shop' },
      data: { password: b64('old-password-1'), user: b64('admin') },
    };
    const desired: KubeObject = {
      ...live,
      data: { password: b64('new-password-2'), user: b64('admin'), token: b64('tok-secret-3') },
    };
    const details = describeChanges(live, desired);
    assert.deepEqual(details, ['data changed (values redacted): password, token']);
    const text = details.join('\n');
    for (const value of ['old-password-1', 'new-password-2', 'tok-secret-3', 'admin']) {
      assert.ok(!text.includes(value), `${value} leaked`);
      assert.ok(!text.includes(b64(value)), `${value} (base64) leaked`);
    }
  });
  it('names changed ConfigMap keys', () => {
    const live: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg' },
      data: { a: '1', b: '2', gone: 'x' },
    };
    const desired: KubeObject = { ...live, data: { a: '1', b: '3', c: '4' } };
    assert.deepEqual(describeChanges(live, desired), ['data changed: b, c, gone']);
  });
  it('names changed Service and route spec fields', () => {
    const svc = (port: number): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { selector: { app: 'web' }, ports: [{ port, targetPort: 8080 }] },
    });
    assert.deepEqual(describeChanges(svc(80), svc(8080)), ['service spec changed: ports']);
    const route = (weight: number): KubeObject => ({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'web' },
      spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'web', port: 80, weight }] }] },
    });
    assert.deepEqual(describeChanges(route(100), route(90)), ['route spec changed: rules']);
    assert.deepEqual(describeChanges(route(100), route(100)), []);
  });
});

describe('isUnchanged', () => {
  const withGeneration = (obj: KubeObject, generation: number): KubeObject => ({
    ...obj,
    metadata: { ...obj.metadata, generation },
  });
  const cases: Array<{ name: string; live: KubeObject; desired: KubeObject; expected: boolean }> = [
    {
      name: 'same generation, same spec',
      live: withGeneration(deployment(), 4),
      desired: withGeneration(deployment(), 4),
      expected: true,
    },
    {
      name: 'dry-run bumped the generation',
      live: withGeneration(deployment(), 4),
      desired: withGeneration(deployment(undefined, 3, { minReadySeconds: 5 }), 5),
      expected: false,
    },
    {
      name: 'same generation but another image',
      live: withGeneration(deployment('web:v1'), 4),
      desired: withGeneration(deployment('web:v2'), 4),
      expected: false,
    },
    {
      name: 'ConfigMap (no generation) with equal data',
      live: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } },
      desired: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } },
      expected: true,
    },
    {
      name: 'ConfigMap (no generation) with other data',
      live: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } },
      desired: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '2' } },
      expected: false,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(isUnchanged(c.live, c.desired), c.expected);
    });
  }
});

describe('partitionFor', () => {
  const cases: Array<[replicas: number, weight: number, partition: number]> = [
    [5, 40, 3],
    [5, 100, 0],
    [5, 0, 5],
    [5, 10, 4],
    [3, 50, 1],
    [1, 1, 0],
  ];
  for (const [replicas, weight, partition] of cases) {
    it(`replicas ${replicas}, weight ${weight} → partition ${partition}`, () => {
      assert.equal(partitionFor(replicas, weight), partition);
    });
  }
});

describe('newVersionCopy', () => {
  const live = (): DeploymentObject => ({
    ...(deployment('ghcr.io/acme/web:v2', 4) as DeploymentObject),
    metadata: {
      name: 'web',
      namespace: 'shop',
      uid: 'u-1',
      resourceVersion: '77',
      labels: { app: 'web' },
      annotations: { team: 'core' },
    },
    status: { replicas: 4 },
  });
  it('builds the <name>-canary copy pinned to its version', () => {
    const input = live();
    const before = structuredClone(input);
    const copy = newVersionCopy(input, 'canary', VERSION_LABEL, 'v2', 1);
    assert.deepEqual(copy.metadata, {
      name: 'web-canary',
      namespace: 'shop',
      labels: { app: 'web', [ROLE_LABEL]: 'canary' },
      annotations: { team: 'core', 'kube-rollout.io/copy-of': 'web' },
    });
    assert.deepEqual(copy.spec.selector, { matchLabels: { app: 'web', [VERSION_LABEL]: 'v2' } });
    assert.deepEqual(copy.spec.template.metadata?.labels, { app: 'web', [VERSION_LABEL]: 'v2' });
    assert.equal(copy.spec.replicas, 1);
    assert.equal('status' in copy, false);
    assert.deepEqual(input, before, 'input mutated');
  });
  it('keeps the replicas without an override and adds template metadata when missing', () => {
    const input = live();
    delete input.spec.template.metadata;
    const copy = newVersionCopy(input, 'green', VERSION_LABEL, 'v3');
    assert.equal(copy.metadata.name, 'web-green');
    assert.equal(copy.metadata.labels?.[ROLE_LABEL], 'green');
    assert.equal(copy.spec.replicas, 4);
    assert.deepEqual(copy.spec.template.metadata, { labels: { [VERSION_LABEL]: 'v3' } });
    assert.equal(input.spec.template.metadata, undefined);
  });
});

function manifests(...workloads: KubeObject[]): ManifestSet {
  const sourced = workloads.map((object, i) => ({ object, file: 'k8s/app.yaml', line: 1 + i * 20 }));
  return { objects: sourced, workloads: sourced, version: 'v2' };
}
const noLive: LiveFacts = { workloads: new Map() };
const config = (values: Partial<Inputs>) => buildConfig(inputsOf({ manifests: 'k8s/', ...values }), {});
const webMetric = (name: string, phase: string) =>
  `  - {name: ${name}, provider: web, url: "http://x", successCondition: "result == 1", phase: ${phase}}`;

describe('strategy plans', () => {
  const cases: Array<{ name: string; inputs: Partial<Inputs>; steps: PlanStep[] }> = [
    {
      name: 'canary with the default steps',
      inputs: { strategy: 'canary' },
      steps: [
        { kind: 'deploy-new' },
        { kind: 'setWeight', weight: 10 },
        { kind: 'pause', durationMs: 120_000 },
        { kind: 'setWeight', weight: 50 },
        { kind: 'pause', durationMs: 120_000 },
        { kind: 'promote' },
      ],
    },
    {
      name: 'canary with header route, manual pause and analysis',
      inputs: {
        strategy: 'canary',
        traffic: 'nginx',
        steps: [
          '- setHeaderRoute: {name: beta, header: x-beta, value: "1"}',
          '- setWeight: 20',
          '- pause: {duration: 1m}',
          '- analysis: {metrics: [{name: ok, provider: web, url: "http://x", successCondition: "result == 1"}]}',
          '- pause: {}',
        ].join('\n'),
      },
      steps: [
        { kind: 'deploy-new' },
        { kind: 'setHeaderRoute', route: { name: 'beta', header: 'x-beta', match: { exact: '1' } } },
        { kind: 'setWeight', weight: 20 },
        { kind: 'pause', durationMs: 60_000 },
        // The analysis spec itself is checked below.
        { kind: 'analysis' },
        { kind: 'pause' },
        { kind: 'promote' },
      ],
    },
    {
      name: 'blue-green, auto-promote, no analysis',
      inputs: { strategy: 'blue-green' },
      steps: [{ kind: 'deploy-new' }, { kind: 'switch' }, { kind: 'promote' }],
    },
    {
      name: 'blue-green, manual promotion, pre and post analysis',
      inputs: {
        strategy: 'blue-green',
        'auto-promote': 'false',
        analysis: ['metrics:', webMetric('pre', 'pre-promotion'), webMetric('post', 'post-promotion')].join(
          '\n',
        ),
      },
      steps: [
        { kind: 'deploy-new' },
        { kind: 'analysis', metricPhase: 'pre-promotion' },
        { kind: 'pause' },
        { kind: 'switch' },
        { kind: 'analysis', metricPhase: 'post-promotion' },
        { kind: 'promote' },
      ],
    },
    {
      name: 'blue-green, only post-promotion analysis',
      inputs: {
        strategy: 'blue-green',
        analysis: ['metrics:', webMetric('post', 'post-promotion')].join('\n'),
      },
      steps: [
        { kind: 'deploy-new' },
        { kind: 'switch' },
        { kind: 'analysis', metricPhase: 'post-promotion' },
        { kind: 'promote' },
      ],
    },
    { name: 'rolling', inputs: { strategy: 'rolling' }, steps: [{ kind: 'apply' }, { kind: 'wait' }] },
    { name: 'recreate', inputs: { strategy: 'recreate' }, steps: [{ kind: 'apply' }, { kind: 'wait' }] },
  ];
  const strategies = { canary, 'blue-green': blueGreen, rolling, recreate } as const;
  for (const c of cases) {
    it(c.name, () => {
      const cfg = config(c.inputs);
      const plan = strategies[cfg.strategy].plan(cfg, manifests(deployment()), noLive);
      assert.equal(plan.strategy, cfg.strategy);
      const steps = plan.steps.map((s) =>
        s.kind === 'analysis' && !s.metricPhase ? { kind: 'analysis' } : s,
      );
      assert.deepEqual(steps, c.steps);
    });
  }

  it('canary analysis steps carry their metrics', () => {
    const cfg = config({
      strategy: 'canary',
      steps:
        '- analysis: {metrics: [{name: ok, provider: web, url: "http://x", successCondition: "result == 1"}]}',
    });
    const step = canary.plan(cfg, manifests(deployment()), noLive).steps[1];
    assert.equal(step.kind, 'analysis');
    assert.deepEqual(
      step.kind === 'analysis' ? step.spec?.metrics?.map((m) => [m.name, m.provider]) : undefined,
      [['ok', 'web']],
    );
  });

  it('canary and blue-green apply the workloads unchanged', () => {
    const workloads = [deployment(), statefulSet()];
    for (const strategy of [canary, blueGreen]) {
      const cfg = config({ strategy: strategy.name });
      assert.deepEqual(strategy.plan(cfg, manifests(...workloads), noLive).workloads, workloads);
    }
  });

  it('rolling writes max-surge / max-unavailable into Deployments and DaemonSets', () => {
    const cfg = config({ strategy: 'rolling', 'max-surge': '25%', 'max-unavailable': '0' });
    const [d, s, ds] = rolling.plan(
      cfg,
      manifests(deployment(), statefulSet(), daemonSet()),
      noLive,
    ).workloads;
    assert.deepEqual(view<DeploymentObject>(d).spec.strategy, {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 },
    });
    assert.deepEqual(s, statefulSet());
    assert.deepEqual(view<DaemonSetObject>(ds).spec.updateStrategy, {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 },
    });
  });

  it('recreate switches only Deployments to the Recreate strategy', () => {
    const input = deployment(undefined, 3, {
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } },
    });
    const [d, s] = recreate.plan(
      config({ strategy: 'recreate' }),
      manifests(input, statefulSet()),
      noLive,
    ).workloads;
    // rollingUpdate null: the apply removes the one the API server defaulted while it was a rolling update.
    assert.deepEqual(view<DeploymentObject>(d).spec.strategy, { type: 'Recreate', rollingUpdate: null });
    assert.deepEqual(s, statefulSet());
    assert.deepEqual(
      input.spec.strategy,
      { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } },
      'input mutated',
    );
  });
});

describe('withRollingBounds', () => {
  it('returns the same object when no bound is given', () => {
    const d = deployment();
    assert.equal(withRollingBounds(d), d);
  });
  it('merges into an existing rollingUpdate without touching the input', () => {
    const d = deployment(undefined, 3, {
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 2, maxUnavailable: 1 } },
    });
    const out = withRollingBounds(d, undefined, 0);
    assert.deepEqual(view<DeploymentObject>(out).spec.strategy, {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 2, maxUnavailable: 0 },
    });
    assert.deepEqual(d.spec.strategy?.rollingUpdate, { maxSurge: 2, maxUnavailable: 1 });
  });
  it('turns a Recreate Deployment into RollingUpdate', () => {
    const d = deployment(undefined, 3, { strategy: { type: 'Recreate' } });
    assert.deepEqual(view<DeploymentObject>(withRollingBounds(d, '50%')).spec.strategy, {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: '50%' },
    });
  });
  it('sets DaemonSet updateStrategy and leaves StatefulSets alone', () => {
    assert.deepEqual(view<DaemonSetObject>(withRollingBounds(daemonSet(), 1, 0)).spec.updateStrategy, {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    });
    assert.deepEqual(withRollingBounds(statefulSet(), 1, 0), statefulSet());
  });
  it('a DaemonSet given only a surge takes no pod down (the API server allows one of the two)', () => {
    const bounded = (surge?: IntOrPercent, unavailable?: IntOrPercent) =>
      view<DaemonSetObject>(withRollingBounds(daemonSet(), surge, unavailable));
    assert.deepEqual(bounded(1).spec.updateStrategy?.rollingUpdate, {
      maxSurge: 1,
      maxUnavailable: 0,
    });
    assert.deepEqual(bounded('0%').spec.updateStrategy?.rollingUpdate, {
      maxSurge: '0%',
    });
    assert.deepEqual(bounded(undefined, 2).spec.updateStrategy?.rollingUpdate, {
      maxUnavailable: 2,
    });
  });
});

describe('stepLabel', () => {
  const cases: Array<[PlanStep, string]> = [
    [{ kind: 'apply' }, 'apply'],
    [{ kind: 'wait' }, 'wait for rollout'],
    [{ kind: 'deploy-new' }, 'deploy new version'],
    [{ kind: 'setWeight', weight: 25 }, 'setWeight 25'],
    [{ kind: 'pause' }, 'pause (until promote)'],
    [{ kind: 'pause', durationMs: 90_000 }, 'pause 1m 30s'],
    [{ kind: 'pause', durationMs: 0 }, 'pause 0s'],
    [{ kind: 'analysis' }, 'analysis'],
    [{ kind: 'analysis', metricPhase: 'post-promotion' }, 'analysis (post-promotion)'],
    [
      { kind: 'setHeaderRoute', route: { name: 'beta', header: 'x-beta', match: { exact: '1' } } },
      'setHeaderRoute beta',
    ],
    [{ kind: 'removeHeaderRoute', name: 'beta' }, 'removeHeaderRoute beta'],
    [{ kind: 'switch' }, 'switch traffic'],
    [{ kind: 'promote' }, 'promote'],
  ];
  for (const [step, label] of cases) {
    it(label, () => {
      assert.equal(stepLabel(step), label);
    });
  }
});

describe('chooseRevision', () => {
  const revisions = [4, 3, 1].map((revision) => ({
    revision,
    template: { metadata: { labels: { rev: String(revision) } } },
  }));
  it('takes the previous revision by default', () => {
    assert.equal(chooseRevision(revisions, 4).revision, 3);
    assert.deepEqual(chooseRevision(revisions, 4).template, { metadata: { labels: { rev: '3' } } });
  });
  it('takes the second-newest when the current revision is unknown', () => {
    assert.equal(chooseRevision(revisions, undefined).revision, 3);
  });
  it('takes an explicit revision', () => {
    assert.equal(chooseRevision(revisions, 4, 1).revision, 1);
  });
  it('names the available revisions when the wanted one is missing', () => {
    assert.throws(() => chooseRevision(revisions, 4, 2), {
      message: 'revision 2 not found (available: 4, 3, 1)',
    });
    assert.throws(() => chooseRevision([], undefined, 2), {
      message: 'revision 2 not found (available: none)',
    });
  });
  it('fails when there is no previous revision', () => {
    assert.throws(() => chooseRevision([revisions[0]], 4), {
      message: 'there is no previous revision to roll back to',
    });
  });
});

describe('versionOf', () => {
  const withImage = (image: string | undefined, labels: Record<string, string> = {}): KubeObject => {
    const d = deployment(image);
    d.spec.template.metadata!.labels = { ...d.spec.template.metadata!.labels, ...labels };
    if (image === undefined) d.spec.template.spec!.containers = [];
    return d;
  };
  const cases: Array<[string, KubeObject | undefined, string | undefined]> = [
    [
      'the version label wins over the tag',
      withImage('ghcr.io/acme/web:v1', { [VERSION_LABEL]: 'v7' }),
      'v7',
    ],
    ['tag of a plain image', withImage('ghcr.io/acme/web:v2'), 'v2'],
    ['tag behind a registry port', withImage('localhost:5000/acme/web:1.4.2'), '1.4.2'],
    ['registry port, no tag', withImage('localhost:5000/acme/web'), undefined],
    ['tag and digest', withImage('ghcr.io/acme/web:v3@sha256:0123abcd'), 'v3'],
    ['registry port, tag and digest', withImage('registry.local:5000/web:2.0@sha256:0123abcd'), '2.0'],
    ['registry port and digest only', withImage('registry.local:5000/web@sha256:0123abcd'), undefined],
    ['bare name', withImage('nginx'), undefined],
    ['no containers', withImage(undefined), undefined],
    ['no workload', undefined, undefined],
  ];
  for (const [name, workload, expected] of cases) {
    it(name, () => {
      assert.equal(versionOf(workload, VERSION_LABEL), expected);
    });
  }
});

describe('userShape', () => {
  it('drops server-managed metadata and status, keeps the rest', () => {
    const live: KubeObject = {
      ...deployment(),
      metadata: {
        name: 'web',
        namespace: 'shop',
        labels: { app: 'web' },
        annotations: { 'deployment.kubernetes.io/revision': '3' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'o', uid: 'u-o' }],
        uid: 'u-1',
        resourceVersion: '77',
        generation: 5,
        creationTimestamp: '2026-11-21T22:00:00Z',
        deletionTimestamp: '2026-11-21T23:00:00Z',
        managedFields: [{ manager: 'kube-rollout', operation: 'Apply' }],
      },
      status: { replicas: 3 },
    };
    const shaped = userShape(live);
    assert.deepEqual(shaped, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'web',
        namespace: 'shop',
        labels: { app: 'web' },
        annotations: { 'deployment.kubernetes.io/revision': '3' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'o', uid: 'u-o' }],
      },
      spec: deployment().spec,
    });
    assert.equal(live.metadata.uid, 'u-1', 'input mutated');
    assert.deepEqual(live.status, { replicas: 3 });
  });
});
