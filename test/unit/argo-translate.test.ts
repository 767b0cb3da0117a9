// The Argo Rollouts translation (src/argo/): Rollout → Deployment and release settings, templates
// → metrics, strict fields, and how the settings meet the action's inputs in buildConfig.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { rolloutInCluster } from '../../src/argo/cluster.ts';
import { releaseFromArgo, translateArgo } from '../../src/argo/index.ts';
import { suggestion } from '../../src/argo/strict.ts';
import { buildConfig, inputsOf, parseAnalysis, parseSteps, type Inputs } from '../../src/config/index.ts';
import { InputError, InputErrors } from '../../src/errors.ts';
import { KubeApiError } from '../../src/kube/types.ts';
import { parseManifests } from '../../src/manifests/load.ts';
import type { SourcedObject } from '../../src/manifests/types.ts';
import { view, type DeploymentObject } from '../../src/manifests/workload-views.ts';
import { blueGreen } from '../../src/strategies/blue-green.ts';
import { basicCanaryCounts } from '../../src/traffic/replicas.ts';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/argo');
const load = (...files: string[]): SourcedObject[] =>
  files.flatMap((f) => parseManifests(readFileSync(join(FIXTURES, f), 'utf8'), f));

/** A Rollout with `strategy` (plus optional extra objects), parsed as a manifest file would be. */
function rollout(strategy: object, extra: object[] = [], spec: object = {}): SourcedObject[] {
  const objects = [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
    },
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'web', labels: { team: 'a' } },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'web:v1' }] },
        },
        strategy,
        ...spec,
      },
    },
    ...extra,
  ];
  return parseManifests(objects.map((o) => stringify(o)).join('---\n'), 'app.yaml');
}

function template(name: string, spec: object): object {
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: { name }, spec };
}

/** The messages of the InputError(s) `fn` throws. */
function refusals(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof InputErrors) return err.errors.map((e) => e.message);
    if (err instanceof InputError) return [err.message];
    throw err;
  }
  assert.fail('expected a refusal');
}

function configOf(objects: SourcedObject[], inputs: Partial<Inputs> = {}) {
  return releaseFromArgo(objects, 'default', (s) =>
    buildConfig(inputsOf({ manifests: 'app.yaml', ...inputs }), {}, s),
  );
}

describe('a Rollout becomes a Deployment', () => {
  it('with the same name, labels, selector, replicas, template and Deployment fields; the Argo objects are not applied', () => {
    const { objects } = translateArgo(
      load('job-analysis/rollout.yaml', 'job-analysis/integration-pass.yaml'),
      'default',
    );
    assert.deepEqual(
      objects.map((o) => `${o.object.kind}/${o.object.metadata.name}`),
      ['Service/orders', 'Deployment/orders'],
    );
    const deployment = view<DeploymentObject>(objects[1].object);
    assert.equal(deployment.apiVersion, 'apps/v1');
    assert.equal(deployment.spec.replicas, 2);
    assert.deepEqual(deployment.spec.selector, { matchLabels: { app: 'orders' } });
    assert.equal(deployment.spec.template.spec?.containers[0].image, 'registry.local:5000/acme/orders:v1');
    assert.equal(objects[1].file, 'job-analysis/rollout.yaml', 'it keeps the Rollout’s file for messages');
  });

  it('takes the canary’s maxSurge and maxUnavailable as its rolling-update bounds', () => {
    const [, d] = translateArgo(
      rollout({ canary: { maxSurge: 2, maxUnavailable: '10%' } }),
      'default',
    ).objects;
    assert.deepEqual(view<DeploymentObject>(d.object).spec.strategy, {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 2, maxUnavailable: '10%' },
    });
  });

  it('leaves manifests without Argo objects untouched', () => {
    const objects = load('job-analysis/rollout.yaml').filter((o) => o.object.kind === 'Service');
    assert.equal(translateArgo(objects, 'default').objects, objects);
  });
});

describe('strict fields', () => {
  it('refuses `Strategy:` with its own line and a suggestion', () => {
    const [message] = refusals(() => translateArgo(load('refused/capital-strategy.yaml'), 'default'));
    assert.equal(
      message,
      `input 'manifests', refused/capital-strategy.yaml:30: Rollout news: unknown field "spec.Strategy" (did you mean "strategy"?)`,
    );
  });

  it('names nested unknown fields with their path and the closest known one', () => {
    const messages = refusals(() => translateArgo(rollout({ Canary: {} }), 'default'));
    assert.match(messages[0], /unknown field "spec\.strategy\.Canary" \(did you mean "canary"\?\)/);
    const steps = refusals(() =>
      translateArgo(rollout({ canary: { steps: [{ setweight: 10 }] } }), 'default'),
    );
    assert.match(
      steps[0],
      /app\.yaml:\d+: Rollout web: unknown field "spec\.strategy\.canary\.steps\[0\]\.setweight" \(did you mean "setWeight"\?\)/,
    );
    assert.equal(suggestion('replicaz', ['replicas', 'selector']), ' (did you mean "replicas"?)');
    assert.equal(suggestion('colour', ['replicas', 'selector']), '');
  });

  it('refuses what Argo knows but the action does not do, with the reason', () => {
    const messages = refusals(() =>
      translateArgo(
        rollout(
          {
            canary: {
              steps: [{ experiment: { templates: [] } }],
              trafficRouting: { alb: { ingress: 'web' } },
            },
          },
          [],
          { workloadRef: { kind: 'Deployment', name: 'web' } },
        ),
        'default',
      ),
    );
    const text = messages.join('\n');
    assert.match(text, /spec\.workloadRef: a Rollout that points at a Deployment/);
    assert.match(text, /steps\[0\]\.experiment: experiments .* are not supported/);
    assert.match(
      text,
      /trafficRouting\.alb: kube-rollout does not route traffic through the AWS Load Balancer Controller/,
    );
  });

  it('refuses a second Rollout, a Deployment of the same name and a missing activeService', () => {
    const two = rollout({ canary: {} }, [
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'api' }, spec: {} },
    ]);
    assert.match(refusals(() => translateArgo(two, 'default')).join('\n'), /one Rollout per release/);
    const clash = rollout({ canary: {} }, [
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: {} },
    ]);
    assert.match(refusals(() => translateArgo(clash, 'default')).join('\n'), /also hold Deployment web/);
    const bg = rollout({ blueGreen: { activeService: 'front' } });
    assert.match(
      refusals(() => translateArgo(bg, 'default')).join('\n'),
      /Service front is not in the manifests/,
    );
  });
});

describe('the strategy gives the release settings', () => {
  it('basic canary: replicas router with Argo’s maxSurge default, steps with bare-number pauses in seconds', () => {
    const { config } = configOf(
      rollout({
        canary: {
          steps: [
            { setWeight: 10 },
            { pause: { duration: 60 } },
            { pause: { duration: '1h' } },
            { pause: {} },
          ],
        },
      }),
    );
    assert.equal(config.strategy, 'canary');
    assert.equal(config.traffic, 'replicas');
    assert.equal(config.maxSurge, '25%');
    assert.equal(config.scaleDownDelayMs, 0);
    assert.deepEqual(config.steps, [
      { setWeight: 10 },
      { pause: { durationMs: 60_000 } },
      { pause: { durationMs: 3_600_000 } },
      { pause: {} },
    ]);
    assert.deepEqual(config.manifestOrigin, {
      kind: 'Rollout',
      name: 'web',
      namespace: 'default',
      file: 'app.yaml',
      line: 11,
    });
  });

  it('nginx: the stable Ingress, header routes, setCanaryScale; the canary Service is the action’s; the stable Service goes first', () => {
    const { objects, config, notes } = configOf(load('nginx-canary/app.yaml'));
    assert.equal(config.traffic, 'nginx');
    assert.equal(config.ingress, 'cart');
    assert.equal(config.scaleDownDelayMs, 1000);
    assert.deepEqual(config.steps.slice(0, 3), [
      { setCanaryScale: { replicas: 1 } },
      { setHeaderRoute: { name: 'testers', header: 'X-Tester', match: { exact: 'yes' } } },
      { setWeight: 20 },
    ]);
    assert.deepEqual(config.steps[4], { removeHeaderRoute: 'testers' });
    assert.deepEqual(
      objects.map((o) => `${o.object.kind}/${o.object.metadata.name}`),
      ['Service/cart', 'Ingress/cart', 'Deployment/cart'],
    );
    assert.ok(notes.some((n) => /Service cart-canary is managed by the action/.test(n)));
  });

  it('refuses setCanaryScale and header routes without trafficRouting, as Argo does', () => {
    const text = refusals(() =>
      translateArgo(
        rollout({
          canary: { steps: [{ setCanaryScale: { replicas: 1 } }, { setHeaderRoute: { name: 'a' } }] },
        }),
        'default',
      ),
    ).join('\n');
    assert.match(text, /setCanaryScale needs trafficRouting/);
    assert.match(text, /setHeaderRoute needs trafficRouting/);
  });

  it('blue-green: activeService switched, previewService managed, autoPromotionSeconds a timed pause before the switch', () => {
    const objects = rollout(
      { blueGreen: { activeService: 'web', previewService: 'web-preview', autoPromotionSeconds: 45 } },
      [
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'web-preview' },
          spec: { selector: { app: 'web' } },
        },
      ],
    );
    const { config, objects: released } = configOf(objects);
    assert.equal(config.strategy, 'blue-green');
    assert.equal(config.traffic, 'service');
    assert.equal(config.previewService, 'web-preview');
    assert.equal(config.autoPromote, false);
    assert.equal(config.autoPromoteAfterMs, 45_000);
    assert.equal(config.scaleDownDelayMs, 30_000, 'Argo’s default scaleDownDelaySeconds');
    assert.ok(!released.some((o) => o.object.metadata.name === 'web-preview'));
    const plan = blueGreen.plan(
      config,
      { objects: [], workloads: [], version: 'v2' },
      { workloads: new Map() },
    );
    assert.deepEqual(
      plan.steps.map((s) => s.kind),
      ['deploy-new', 'pause', 'switch', 'promote'],
    );
    assert.deepEqual(plan.steps[1], { kind: 'pause', durationMs: 45_000 });
    const manual = configOf(
      rollout({ blueGreen: { activeService: 'web', autoPromotionEnabled: false } }),
    ).config;
    assert.equal(manual.autoPromote, false);
    assert.equal(manual.autoPromoteAfterMs, undefined);
  });
});

describe('analysis templates become metrics', () => {
  const successRate = template('success-rate', {
    args: [{ name: 'service' }, { name: 'version' }, { name: 'team' }, { name: 'threshold', value: '0.95' }],
    dryRun: [{ metricName: 'latency' }],
    metrics: [
      {
        name: 'success-rate',
        interval: '30s',
        count: '{{args.threshold}}'.replace('{{args.threshold}}', '4'),
        failureLimit: 2,
        successCondition: 'result[0] >= {{args.threshold}}',
        provider: {
          prometheus: {
            address: 'http://prometheus:9090',
            query: 'sum(rate(req{svc="{{args.service}}",version="{{ args.version }}"}[1m]))',
            headers: [{ key: 'X-Team', value: '{{args.team}}' }],
            timeout: 5,
          },
        },
      },
      {
        name: 'latency',
        provider: { web: { url: 'http://lat/{{args.service}}', jsonPath: '{$.p99}', timeoutSeconds: 3 } },
      },
    ],
  });
  const analysis = {
    templates: [{ templateName: 'success-rate' }],
    startingStep: 1,
    args: [
      { name: 'service', value: 'web' },
      { name: 'version', valueFrom: { podTemplateHashValue: 'Latest' } },
      { name: 'team', valueFrom: { fieldRef: { fieldPath: "metadata.labels['team']" } } },
    ],
  };

  it('fills args (values, the new version, Rollout fields, template defaults) and reads Argo’s fields and defaults', () => {
    const { config } = configOf(
      rollout({ canary: { analysis, steps: [{ setWeight: 20 }, { pause: {} }] } }, [successRate]),
    );
    assert.equal(config.analysis?.startingStep, 1);
    const [rate, latency] = config.analysis!.metrics;
    assert.deepEqual(
      { ...rate },
      {
        name: 'success-rate',
        provider: 'prometheus',
        query: 'sum(rate(req{svc="web",version="{{canary.version}}"}[1m]))',
        address: 'http://prometheus:9090',
        headers: { 'X-Team': 'a' },
        timeoutMs: 5000,
        failureLimit: 2,
        inconclusiveLimit: 0,
        consecutiveErrorLimit: 4,
        dryRun: false,
        phase: 'pre-promotion',
        conditionLanguage: 'argo',
        intervalMs: 30_000,
        count: 4,
        successCondition: 'result[0] >= 0.95',
      },
    );
    assert.equal(latency.provider, 'web');
    assert.equal(latency.url, 'http://lat/web');
    assert.equal(latency.jsonPath, '$.p99');
    assert.equal(latency.dryRun, true);
    assert.equal(latency.successCondition, 'true', 'no condition: every measurement that returns passes');
  });

  it('refuses a missing argument, an unknown {{args.x}}, secretKeyRef and a template that is not in the manifests', () => {
    const bad = template('t', {
      args: [{ name: 'needed' }, { name: 'token', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }],
      metrics: [
        { name: 'm', successCondition: 'true', provider: { prometheus: { query: '{{args.nope}}' } } },
      ],
    });
    const text = refusals(() =>
      translateArgo(
        rollout({ canary: { analysis: { templates: [{ templateName: 't' }, { templateName: 'gone' }] } } }, [
          bad,
        ]),
        'default',
      ),
    ).join('\n');
    assert.match(text, /valueFrom\.secretKeyRef: arguments from Secrets are not supported/);
    assert.match(text, /argument "needed" has no value: pass it in the Rollout's args \(app\.yaml:\d+\)/);
    assert.match(text, /\{\{args\.nope\}\} names no argument of the template/);
    assert.match(text, /AnalysisTemplate "gone" is not in the manifests/);
  });

  it('refuses an expression Argo could not run, on the line of the template', () => {
    const t = template('t', {
      metrics: [
        {
          name: 'm',
          successCondition: 'result[0] >=',
          provider: { prometheus: { query: 'q', address: 'http://p' } },
        },
      ],
    });
    const [message] = refusals(() =>
      translateArgo(
        rollout({ canary: { analysis: { templates: [{ templateName: 't' }] } } }, [t]),
        'default',
      ),
    );
    assert.match(message, /AnalysisTemplate t: successCondition: invalid condition `result\[0\] >=`/);
  });

  it('blue-green pre- and post-promotion analysis get their phase; a ClusterAnalysisTemplate is found by clusterScope', () => {
    const cluster = {
      ...template('smoke', {
        metrics: [{ name: 'smoke', provider: { job: { spec: { template: { spec: { containers: [] } } } } } }],
      }),
      kind: 'ClusterAnalysisTemplate',
    };
    const { config } = configOf(
      rollout(
        {
          blueGreen: {
            activeService: 'web',
            prePromotionAnalysis: { templates: [{ templateName: 'smoke', clusterScope: true }] },
            postPromotionAnalysis: { templates: [{ templateName: 'smoke', clusterScope: true }] },
          },
        },
        [cluster],
      ),
    );
    assert.deepEqual(
      config.analysis?.metrics.map((m) => [m.name, m.phase, m.provider]),
      [
        ['smoke', 'pre-promotion', 'job'],
        ['smoke', 'post-promotion', 'job'],
      ],
    );
  });
});

describe('inputs and the Rollout', () => {
  it('an input that contradicts the Rollout is refused naming both; one that agrees is accepted', () => {
    const objects = rollout({ canary: { steps: [{ setWeight: 50 }] } });
    const text = refusals(() =>
      configOf(objects, { strategy: 'rolling', traffic: 'nginx', steps: '- setWeight: 10' }),
    ).join('\n');
    assert.match(
      text,
      /input 'strategy': says 'rolling', but Rollout web \(app\.yaml:11\) sets it with spec\.strategy\.canary \(app\.yaml:\d+\)/,
    );
    assert.match(text, /input 'traffic': says 'nginx', but Rollout web/);
    assert.match(
      text,
      /input 'steps': says '- setWeight: 10', but Rollout web .* spec\.strategy\.canary\.steps/,
    );
    assert.equal(
      configOf(objects, { strategy: 'canary', steps: '- setWeight: 50' }).config.strategy,
      'canary',
    );
  });

  it('inputs for what the Rollout leaves unset apply over Argo’s defaults', () => {
    const objects = rollout({ blueGreen: { activeService: 'web' } });
    const { config } = configOf(objects, {
      'scale-down-delay': '5s',
      analysis: stringify({
        metrics: [{ name: 'up', provider: 'web', url: 'http://x', successCondition: 'true' }],
      }),
    });
    assert.equal(config.scaleDownDelayMs, 5000);
    assert.equal(config.analysis?.metrics[0].name, 'up');
    assert.equal(configOf(rollout({ canary: {} }), { 'max-surge': '0' }).config.maxSurge, 0);
  });
});

describe('steps and analysis inputs take the new fields too', () => {
  it('setCanaryScale in `steps`, refused for the replicas router', () => {
    assert.deepEqual(
      parseSteps('- setCanaryScale: {weight: 25}\n- setCanaryScale: {matchTrafficWeight: true}'),
      [{ setCanaryScale: { weight: 25 } }, { setCanaryScale: { matchTrafficWeight: true } }],
    );
    assert.throws(
      () => parseSteps('- setCanaryScale: {replicas: 1, weight: 2}'),
      /setCanaryScale must be one of/,
    );
    assert.throws(
      () =>
        buildConfig(
          inputsOf({ manifests: 'x', strategy: 'canary', steps: '- setCanaryScale: {replicas: 1}' }),
          {},
        ),
      /setCanaryScale: traffic 'replicas' sizes the canary from the weight itself/,
    );
  });

  it('startingStep in `analysis`', () => {
    const spec = parseAnalysis(
      'startingStep: 2\nmetrics:\n  - {name: up, provider: web, url: "http://x", successCondition: "true"}',
    );
    assert.equal(spec.startingStep, 2);
    assert.throws(
      () => parseAnalysis('startingStep: -1\nmetrics: []'),
      /startingStep must be a whole number/,
    );
  });
});

describe("Argo's basic-canary arithmetic", () => {
  const table: [total: number, weight: number, surge: number, canary: number, stable: number][] = [
    [3, 10, 1, 1, 3], // Argo's docs: 1 canary beside 3 stable, 25%
    [3, 10, 0, 1, 2],
    [10, 10, 1, 1, 9],
    [10, 41, 3, 4, 6], // the closest share; a tie rounds the canary up
    [3, 50, 1, 2, 2],
    [1, 5, 1, 1, 1],
    [1, 95, 1, 1, 1],
    [1, 5, 0, 0, 1],
    [4, 0, 1, 0, 4],
    [4, 100, 1, 4, 0],
  ];
  for (const [total, weight, surge, canary, stable] of table) {
    it(`${total} replicas, weight ${weight}, surge ${surge} → canary ${canary}, stable ${stable}`, () => {
      assert.deepEqual(basicCanaryCounts(total, weight, surge), { canary, stable });
    });
  }
});

describe('a Rollout already in the cluster', () => {
  const origin = { kind: 'Rollout', name: 'web', namespace: 'prod', file: 'app.yaml', line: 13 };
  it('is refused naming it; none, or no Rollout kind served, lets the release go on', async () => {
    const found = await rolloutInCluster(
      {
        get: async () => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'web' } }),
      },
      origin,
    );
    assert.match(found?.message ?? '', /app\.yaml:13: the cluster already has Rollout web in namespace prod/);
    assert.equal(await rolloutInCluster({ get: async () => undefined }, origin), undefined);
    const unserved = async () => {
      throw new KubeApiError(404, 'the server does not serve kind "Rollout"', 'NotFound');
    };
    assert.equal(await rolloutInCluster({ get: unserved }, origin), undefined);
    assert.equal(await rolloutInCluster({ get: async () => undefined }, undefined), undefined);
  });
});
