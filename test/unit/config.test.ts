import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseDocument } from 'yaml';
import {
  buildConfig,
  inputDefault,
  inputNames,
  inputsOf,
  parseBoolean,
  parseDuration,
  parseIntOrPercent,
  parseList,
  parsePercent,
  readInputs,
  tryParseDuration,
  type Inputs,
} from '../../src/config/index.ts';
import { InputError, InputErrors } from '../../src/errors.ts';
import { strategiesFor } from '../../src/strategies/index.ts';
import { ROUTERS } from '../../src/traffic/index.ts';

const actionDoc = parseDocument(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8'));
const actionYml = actionDoc.toJS() as { inputs: Record<string, { default?: string }> };
const env = { GITHUB_WORKSPACE: '/ws' };
const base: Partial<Inputs> = { manifests: 'k8s/' };

function build(values: Partial<Inputs>, e: Record<string, string | undefined> = env) {
  return buildConfig(inputsOf({ ...base, ...values }), e);
}

function errorsOf(values: Partial<Inputs>): InputError[] {
  try {
    build(values);
  } catch (err) {
    assert.ok(err instanceof InputErrors, `expected InputErrors, got ${err}`);
    return err.errors;
  }
  assert.fail('expected buildConfig to throw');
}

describe('input list', () => {
  it('action.yml is valid YAML', () => {
    assert.deepEqual(
      actionDoc.errors.map((e) => e.message),
      [],
    );
  });
  it('names exactly the inputs of action.yml', () => {
    assert.deepEqual([...inputNames()].sort(), Object.keys(actionYml.inputs).sort());
  });
  it('has the defaults of action.yml (except the runner-expanded github-token)', () => {
    for (const name of inputNames()) {
      const expected = name === 'github-token' ? undefined : actionYml.inputs[name].default;
      assert.equal(inputDefault(name), expected === undefined ? undefined : String(expected), name);
    }
  });
  it('readInputs asks for every input by name', () => {
    const asked: string[] = [];
    const inputs = readInputs((name) => {
      asked.push(name);
      return name === 'strategy' ? 'canary' : '';
    });
    assert.deepEqual(asked, inputNames());
    assert.equal(inputs.strategy, 'canary');
    assert.equal(inputs['max-surge'], '');
  });
});

describe('scalar parsers', () => {
  const durations: Array<[string | number, number | undefined]> = [
    ['90s', 90_000],
    ['2m', 120_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['1.5s', 1500],
    ['45', 45_000],
    [30, 30_000],
    ['1d', 86_400_000],
    ['5 minutes', undefined],
    ['2x', undefined],
    ['m', undefined],
    ['', undefined],
    ['-5s', undefined],
  ];
  for (const [text, ms] of durations) {
    it(`duration ${JSON.stringify(text)} → ${ms}`, () => assert.equal(tryParseDuration(text), ms));
  }
  it('duration errors name the input', () => {
    assert.throws(() => parseDuration('5 minutes', { input: 'timeout' }), {
      message: /^input 'timeout': invalid duration '5 minutes' \(use e\.g\. 90s/,
    });
  });

  const intOrPercent: Array<[string, number | string | undefined]> = [
    ['1', 1],
    ['0', 0],
    ['25%', '25%'],
    ['100%', '100%'],
    ['101%', undefined],
    ['1.5', undefined],
    ['-1', undefined],
    ['abc', undefined],
  ];
  for (const [text, want] of intOrPercent) {
    it(`int-or-percent ${text}`, () => {
      if (want === undefined)
        assert.throws(() => parseIntOrPercent(text, { input: 'max-surge' }), /input 'max-surge'/);
      else assert.equal(parseIntOrPercent(text, { input: 'max-surge' }), want);
    });
  }
  it('percentages', () => {
    assert.equal(parsePercent('25%', {}), 25);
    assert.equal(parsePercent('12.5 %', {}), 12.5);
    assert.throws(() => parsePercent('25', { input: 'x' }), /input 'x': invalid percentage/);
  });

  const booleans: Array<[string, boolean | undefined]> = [
    ['true', true],
    ['TRUE', true],
    ['Yes', true],
    ['false', false],
    ['no', false],
    ['NO', false],
    ['1', undefined],
    ['on', undefined],
  ];
  for (const [text, want] of booleans) {
    it(`boolean ${text}`, () => {
      if (want === undefined)
        assert.throws(() => parseBoolean(text, { input: 'comment' }), /input 'comment': invalid boolean/);
      else assert.equal(parseBoolean(text, { input: 'comment' }), want);
    });
  }

  const lists: Array<[string, string[]]> = [
    ['a\nb', ['a', 'b']],
    ['a, b,,c', ['a', 'b', 'c']],
    ['  a  \n\n  b , \n', ['a', 'b']],
    ['', []],
  ];
  for (const [text, want] of lists)
    it(`list ${JSON.stringify(text)}`, () => assert.deepEqual(parseList(text), want));
});

describe('buildConfig', () => {
  it('applies the defaults', () => {
    const config = buildConfig(inputsOf({ manifests: 'k8s/' }), {});
    assert.equal(config.action, 'deploy');
    assert.equal(config.strategy, 'rolling');
    assert.deepEqual(config.manifests, ['k8s/']);
    assert.deepEqual(config.images, []);
    assert.equal(config.namespace, 'default');
    assert.equal(config.versionLabel, 'app.kubernetes.io/version');
    assert.equal(config.traffic, 'replicas');
    assert.deepEqual(config.steps, [
      { setWeight: 10 },
      { pause: { durationMs: 120_000 } },
      { setWeight: 50 },
      { pause: { durationMs: 120_000 } },
    ]);
    assert.equal(config.autoPromote, true);
    // No wait by default: post-promotion checks already run while the previous version is ready.
    assert.equal(config.scaleDownDelayMs, 0);
    assert.equal(config.timeoutMs, 1_800_000);
    assert.equal(config.lockTimeoutMs, 300_000);
    assert.equal(config.rollbackOnFailure, true);
    assert.equal(config.promoteFull, false);
    assert.equal(config.comment, true);
    assert.equal(config.deploymentStatus, false);
    assert.equal(config.versionedConfig, false);
    assert.equal(config.workspace, process.cwd());
    assert.equal('analysis' in config, false);
    assert.equal('progressDeadlineMs' in config, false);
  });

  it('reads every input', () => {
    const config = build({
      action: 'plan',
      strategy: 'canary',
      manifests: 'k8s/app.yaml\nk8s/svc.yaml, extra/*.yml',
      images: 'ghcr.io/acme/shop:v2\nlocalhost:5000/side:1',
      name: 'shop',
      namespace: 'prod',
      version: 'v2',
      'version-label': 'version',
      traffic: 'nginx',
      steps: '- setWeight: 20\n- pause: {}\n- setHeaderRoute: {name: beta, header: x-beta, value: "1"}',
      analysis:
        'metrics:\n  - name: ok\n    provider: web\n    url: http://x/{{app}}\n    successCondition: result == 1',
      'prometheus-url': 'http://prom:9090',
      'max-surge': '25%',
      'max-unavailable': '0',
      ingress: 'shop',
      'scale-down-delay': '0',
      timeout: '1h',
      'progress-deadline': '5m',
      'rollback-on-failure': 'no',
      'promote-full': 'YES',
      'versioned-config': 'true',
      kubeconfig: 'apiVersion: v1',
      context: 'kind-dev',
      'lock-timeout': '90s',
      'github-token': 'tok',
      comment: 'false',
      'pr-number': '12',
      environment: 'production',
      'environment-url': 'https://shop.example',
      'deployment-status': 'true',
    });
    assert.deepEqual(config.manifests, ['k8s/app.yaml', 'k8s/svc.yaml', 'extra/*.yml']);
    assert.deepEqual(config.images, ['ghcr.io/acme/shop:v2', 'localhost:5000/side:1']);
    assert.equal(config.traffic, 'nginx');
    assert.deepEqual(config.steps, [
      { setWeight: 20 },
      { pause: {} },
      { setHeaderRoute: { name: 'beta', header: 'x-beta', match: { exact: '1' } } },
    ]);
    assert.equal(config.analysis?.metrics[0].name, 'ok');
    assert.equal(config.maxSurge, '25%');
    assert.equal(config.maxUnavailable, 0);
    assert.equal(config.scaleDownDelayMs, 0);
    assert.equal(config.timeoutMs, 3_600_000);
    assert.equal(config.progressDeadlineMs, 300_000);
    assert.equal(config.rollbackOnFailure, false);
    assert.equal(config.promoteFull, true);
    assert.equal(config.versionedConfig, true);
    assert.equal(config.lockTimeoutMs, 90_000);
    assert.equal(config.githubToken, 'tok');
    assert.equal(config.comment, false);
    assert.equal(config.prNumber, 12);
    assert.equal(config.deploymentStatus, true);
    assert.equal(config.workspace, '/ws');
    assert.equal(config.versionLabel, 'version');
    assert.equal(config.name, 'shop');
    assert.equal(config.environmentUrl, 'https://shop.example');
  });

  const trafficDefaults: Array<[string, string]> = [
    ['canary', 'replicas'],
    ['blue-green', 'service'],
  ];
  for (const [strategy, traffic] of trafficDefaults) {
    it(`traffic defaults to ${traffic} for ${strategy}`, () =>
      assert.equal(build({ strategy }).traffic, traffic));
  }

  it('accepts every registered router, by its name, for the strategies it drives', () => {
    for (const d of ROUTERS.all()) {
      for (const strategy of strategiesFor(d)) {
        const target = d.target ? { [d.target.input]: 'shop' } : {};
        assert.equal(
          build({ strategy, traffic: d.name, ...target }).traffic,
          d.name,
          `${d.name} ${strategy}`,
        );
      }
    }
  });

  it('takes the token from GITHUB_TOKEN when the input is empty', () => {
    assert.equal(build({}, { GITHUB_TOKEN: 'env-token' }).githubToken, 'env-token');
  });

  it('does not need manifests for promote, rollback and status', () => {
    for (const action of ['promote', 'rollback', 'status']) {
      assert.deepEqual(buildConfig(inputsOf({ action }), env).manifests, []);
    }
  });

  const invalid: Array<{ name: string; inputs: Partial<Inputs>; input: string; message: RegExp }> = [
    {
      name: 'unknown strategy',
      inputs: { strategy: 'linear' },
      input: 'strategy',
      message: /input 'strategy': unknown value 'linear' \(valid: rolling, recreate, canary, blue-green\)/,
    },
    {
      name: 'unknown action',
      inputs: { action: 'ship' },
      input: 'action',
      message: /valid: deploy, promote, rollback, plan, status/,
    },
    {
      name: 'bad duration',
      inputs: { timeout: '5 minutes' },
      input: 'timeout',
      message: /input 'timeout': invalid duration '5 minutes'/,
    },
    { name: 'zero timeout', inputs: { timeout: '0s' }, input: 'timeout', message: /longer than 0/ },
    {
      name: 'manifests missing for deploy',
      inputs: { manifests: '' },
      input: 'manifests',
      message: /required for action 'deploy'/,
    },
    {
      name: 'manifests missing for plan',
      inputs: { manifests: ' , ', action: 'plan' },
      input: 'manifests',
      message: /required for action 'plan'/,
    },
    {
      name: 'traffic with rolling',
      inputs: { traffic: 'nginx' },
      input: 'traffic',
      message: /strategy 'rolling' moves no traffic/,
    },
    {
      name: 'unknown traffic',
      inputs: { strategy: 'canary', traffic: 'linkerd' },
      input: 'traffic',
      message: /valid: replicas, service, nginx, gateway-api, istio, smi/,
    },
    {
      name: 'service router for canary',
      inputs: { strategy: 'canary', traffic: 'service' },
      input: 'traffic',
      message: /'service' cannot drive strategy 'canary'/,
    },
    {
      name: 'steps outside canary',
      inputs: { steps: '- setWeight: 5' },
      input: 'steps',
      message: /only to strategy 'canary'/,
    },
    {
      name: 'header route on replicas',
      inputs: { strategy: 'canary', steps: '- setHeaderRoute: {name: a, header: x, value: y}' },
      input: 'steps',
      message: /needs a router that matches headers/,
    },
    {
      name: 'analysis step without analysis',
      inputs: { strategy: 'canary', steps: '- analysis: {}' },
      input: 'steps',
      message: /'analysis' is not set/,
    },
    {
      name: 'bad image',
      inputs: { images: 'Acme/Web:v1:x' },
      input: 'images',
      message: /invalid image reference/,
    },
    {
      name: 'bad max-surge',
      inputs: { 'max-surge': 'lots' },
      input: 'max-surge',
      message: /input 'max-surge'/,
    },
    {
      name: 'both bounds zero',
      inputs: { 'max-surge': '0', 'max-unavailable': '0%' },
      input: 'max-unavailable',
      message: /cannot both be 0/,
    },
    {
      name: 'bad boolean',
      inputs: { 'auto-promote': 'maybe' },
      input: 'auto-promote',
      message: /invalid boolean 'maybe'/,
    },
    {
      name: 'bad namespace',
      inputs: { namespace: 'Prod_1' },
      input: 'namespace',
      message: /invalid namespace/,
    },
    { name: 'bad version', inputs: { version: 'v 2' }, input: 'version', message: /label value/ },
    {
      name: 'bad version label',
      inputs: { 'version-label': 'a/b/c' },
      input: 'version-label',
      message: /invalid label key/,
    },
    {
      name: 'prometheus without url',
      inputs: { analysis: 'metrics:\n  - {name: e, provider: prometheus, query: up, threshold: {max: 1}}' },
      input: 'prometheus-url',
      message: /metric 'e' uses provider prometheus/,
    },
    {
      name: 'preview-service outside blue-green',
      inputs: { 'preview-service': 'web-preview' },
      input: 'preview-service',
      message: /only to strategy 'blue-green'/,
    },
    {
      name: 'to-revision outside rollback',
      inputs: { 'to-revision': '3' },
      input: 'to-revision',
      message: /only to action 'rollback'/,
    },
    {
      name: 'bad to-revision',
      inputs: { action: 'rollback', 'to-revision': '0' },
      input: 'to-revision',
      message: /whole number ≥ 1/,
    },
    { name: 'bad pr-number', inputs: { 'pr-number': 'x' }, input: 'pr-number', message: /whole number/ },
    {
      name: 'bad url',
      inputs: { 'prometheus-url': 'prom:9090' },
      input: 'prometheus-url',
      message: /invalid URL/,
    },
    {
      name: 'analysis YAML error line',
      inputs: { analysis: 'metrics:\n  - name: a\n    provider: nope\n' },
      input: 'analysis',
      message: /^input 'analysis' line 3: metric 'a': unknown provider 'nope'/,
    },
    {
      name: 'steps YAML error line',
      inputs: { strategy: 'canary', steps: '- setWeight: 10\n- wait: 1m\n' },
      input: 'steps',
      message: /^input 'steps' line 2: unknown step 'wait'/,
    },
  ];
  for (const c of invalid) {
    it(`rejects ${c.name}`, () => {
      const errors = errorsOf(c.inputs);
      const match = errors.find((e) => e.location.input === c.input);
      assert.ok(match, `no error for input ${c.input}: ${errors.map((e) => e.message).join(' | ')}`);
      assert.match(match.message, c.message);
    });
  }

  it('collects every error in one throw', () => {
    const errors = errorsOf({ strategy: 'linear', timeout: 'soon', comment: 'perhaps', manifests: '' });
    assert.deepEqual(errors.map((e) => e.location.input).sort(), [
      'comment',
      'manifests',
      'strategy',
      'timeout',
    ]);
  });
});
