// Issue 22's "done when": a router of a new target kind, a metric provider with a run-wide setting
// and a strategy, each written as its own file (test/fixtures/registry/) and registered with one
// line, are picked up by config validation, the pre-flight, the stored settings, the README's Roles,
// action.yml's generated text and the rebuild of a lost release, with no other file touched.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { PROVIDERS } from '../../src/analysis/providers/index.ts';
import { credentialValues } from '../../src/analysis/credential-fields.ts';
import { buildConfig, inputNames, inputsOf, type Config, type Inputs } from '../../src/config/index.ts';
import { generateActionText } from '../../src/docs/action-yml.ts';
import { describeRouter } from '../../src/docs/action-text.ts';
import { releaseSettings } from '../../src/engine/run/run-context.ts';
import { routerOf } from '../../src/engine/recovery/orphans.ts';
import { InputErrors } from '../../src/errors.ts';
import type { ManifestSet, SourcedObject } from '../../src/manifests/types.ts';
import { metricProblems, routerNeeds } from '../../src/preflight/checks.ts';
import { requiredPermissions } from '../../src/preflight/permissions.ts';
import { roleSection } from '../../src/preflight/role.ts';
import { routersFor, STRATEGIES } from '../../src/strategies/index.ts';
import { ROUTERS } from '../../src/traffic/index.ts';
import { meshRouter } from '../fixtures/registry/mesh-router.ts';
import { mirror } from '../fixtures/registry/mirror-strategy.ts';
import { probeProvider } from '../fixtures/registry/probe-provider.ts';

const ACTION_YML = readFileSync(new URL('../../action.yml', import.meta.url), 'utf8');
const PROBE_METRIC =
  'metrics:\n  - name: reach\n    provider: probe\n    check: healthz\n    threshold: {max: 1}';

const build = (given: Record<string, string>): Config =>
  buildConfig(inputsOf({ manifests: 'app.yaml', ...given } as Partial<Inputs>), { GITHUB_WORKSPACE: '/tmp' });
const mirrorOverMesh = (given: Record<string, string> = {}) =>
  build({ strategy: 'mirror', traffic: 'mesh', 'mesh-route': 'shop', ...given });

/** The input each collected error names, with its message. */
function problemsOf(given: Record<string, string>): [string | undefined, string][] {
  try {
    build(given);
  } catch (err) {
    assert.ok(err instanceof InputErrors, String(err));
    return err.errors.map((e) => [e.location.input, e.message]);
  }
  return [];
}

const object = (apiVersion: string, kind: string, name: string, spec = {}): SourcedObject => ({
  object: { apiVersion, kind, metadata: { name }, spec },
  file: 'app.yaml',
  line: 1,
});
const manifests: ManifestSet = {
  objects: [
    object('apps/v1', 'Deployment', 'shop'),
    object('v1', 'Service', 'shop'),
    object('mesh.example.com/v1', 'MeshRoute', 'shop', { backends: [{ service: 'shop' }] }),
  ],
  workloads: [object('apps/v1', 'Deployment', 'shop')],
  version: 'v2',
};

describe('registering a router, a metric provider and a strategy', () => {
  let unregister: (() => void)[] = [];
  before(() => {
    assert.ok(
      problemsOf({ strategy: 'mirror' }).some(([input]) => input === 'strategy'),
      'unknown before',
    );
    unregister = [
      ROUTERS.register(meshRouter),
      PROVIDERS.register(probeProvider),
      STRATEGIES.register(mirror),
    ];
  });
  after(() => {
    for (const remove of unregister.reverse()) remove();
    assert.equal(generateActionText(ACTION_YML), ACTION_YML, 'unregistered, the docs are as committed');
  });

  it('config reads the strategy, the router, its target input and the provider setting', () => {
    assert.ok(inputNames().includes('mesh-route' as never) && inputNames().includes('probe-url' as never));
    const config = mirrorOverMesh({ analysis: PROBE_METRIC, 'probe-url': 'http://probe.local' });
    assert.equal(config.strategy, 'mirror');
    assert.equal(config.traffic, 'mesh');
    const derived = config as unknown as Record<string, unknown>;
    assert.equal(derived.meshRoute, 'shop');
    assert.equal(derived.probeUrl, 'http://probe.local');
    assert.equal(config.analysis?.metrics[0]?.provider, 'probe');
  });

  it('a release whose state is lost is rebuilt through the router its marks name', () => {
    const route = (annotations: Record<string, string>) => ({
      apiVersion: 'mesh.example.com/v1',
      kind: 'MeshRoute',
      metadata: { name: 'shop', annotations },
    });
    assert.deepEqual(routerOf('canary', [route({ 'mesh.example.com/original-backends': '[]' })]), {
      traffic: 'mesh',
      settings: { meshRoute: 'shop' },
    });
    assert.notEqual(routerOf('canary', [route({})]).traffic, 'mesh', 'unmarked, it is not the router');
  });

  it('config refuses what the definitions rule out, naming the input', () => {
    assert.deepEqual(
      problemsOf({ strategy: 'mirror', traffic: 'mesh', 'mesh-route': 'shop', analysis: PROBE_METRIC }),
      [
        [
          'probe-url',
          "input 'probe-url': metric 'reach' uses provider probe: set 'probe-url' or the metric's `endpoint`",
        ],
      ],
    );
    assert.deepEqual(
      problemsOf({ strategy: 'mirror', traffic: 'mesh', 'mesh-route': 'Not_A_Name' }).map(([input]) => input),
      ['mesh-route'],
    );
    assert.deepEqual(
      problemsOf({ strategy: 'mirror', traffic: 'mesh', 'probe-url': 'ftp://probe' }).map(([input]) => input),
      ['probe-url'],
    );
    // The replicas router sizes copies itself; the mirror's copy runs at full size.
    assert.ok(!routersFor('mirror').includes('replicas'));
    assert.ok(routersFor('mirror').includes('mesh') && routersFor('canary').includes('mesh'));
    assert.deepEqual(
      problemsOf({ strategy: 'mirror', traffic: 'replicas' }).map(([input]) => input),
      ['traffic'],
    );
    assert.deepEqual(
      problemsOf({ strategy: 'mirror', traffic: 'mesh', steps: '- setWeight: 5' }).map(([input]) => input),
      ['steps'],
    );
  });

  it("the pre-flight looks for the router's object and asks for the router's and provider's access", () => {
    const config = mirrorOverMesh({ analysis: PROBE_METRIC, 'probe-url': 'http://probe.local' });
    assert.deepEqual(routerNeeds(config, manifests), [
      { kind: 'Service', input: 'manifests', inManifests: true },
      { kind: 'MeshRoute', input: 'mesh-route', inManifests: true, name: 'shop' },
    ]);
    const access = requiredPermissions({
      config,
      strategy: 'mirror',
      resources: [
        { group: 'apps', resource: 'deployments' },
        { group: '', resource: 'services' },
      ],
    });
    const verbs = (group: string, resource: string) =>
      access.find((a) => a.group === group && a.resource === resource)?.verbs ?? [];
    assert.deepEqual([...verbs('mesh.example.com', 'meshroutes')].sort(), ['get', 'patch']);
    assert.deepEqual(verbs('', 'endpoints'), ['get']);
    const template = { app: 'shop', namespace: 'default', canaryVersion: 'v2', stableVersion: 'v1' };
    const badEndpoint = PROBE_METRIC.replace('check: healthz', 'check: healthz\n    endpoint: ftp://probe');
    assert.match(
      metricProblems(mirrorOverMesh({ analysis: badEndpoint }), template)
        .map((e) => e.message)
        .join('\n'),
      /metric 'reach': endpoint: .*http/,
    );
  });

  it("the release state keeps the router's object name and the provider setting", () => {
    const config = mirrorOverMesh({ 'probe-url': 'http://probe.local' });
    const settings = releaseSettings(config) as unknown as Record<string, unknown>;
    assert.deepEqual(
      { meshRoute: settings.meshRoute, probeUrl: settings.probeUrl },
      { meshRoute: 'shop', probeUrl: 'http://probe.local' },
    );
  });

  it("credentials in the provider's URL fields and its setting are masked and kept out of the state", () => {
    const config = mirrorOverMesh({ 'probe-url': 'http://user:probe-pass@probe.local' });
    const settings = {
      ...releaseSettings(config),
      analysis: { metrics: [{ name: 'reach', endpoint: 'http://probe.local/?token=probe-token' }] },
    };
    const found = credentialValues(settings);
    assert.ok(found.includes('probe-pass'), found.join(', '));
    assert.ok(found.includes('probe-token'), found.join(', '));
  });

  it("the README's Roles have one for the router, and what a probe metric adds", () => {
    // The MeshRoute is in the typical manifests (the router requires one): applied, so also `create`.
    const roles = roleSection();
    assert.match(roles, /<b>canary \/ blue-green \/ mirror<\/b> with <code>traffic: mesh<\/code>/);
    const meshRole = roles.slice(roles.indexOf('name: kube-rollout-mesh '));
    assert.match(
      meshRole.slice(0, meshRole.indexOf('```')),
      /resources: \[meshroutes\], verbs: \[get, create, patch\]/,
    );
    const probe = roles.slice(roles.indexOf('A `probe` metric adds:'));
    assert.match(
      probe.slice(0, probe.indexOf('```\n', probe.indexOf('```') + 3)),
      /resources: \[endpoints\], verbs: \[get\]/,
    );
  });

  it("action.yml's generated text lists the strategy, the router and both new inputs", () => {
    const action = parse(generateActionText(ACTION_YML));
    assert.match(action.inputs.strategy.description, /`mirror`: the new version as `<workload>-mirror`/);
    assert.ok(action.inputs.traffic.description.includes(describeRouter(meshRouter)));
    assert.match(describeRouter(meshRouter), /^`mesh` \(canary, blue-green, mirror\): .*input `mesh-route`/);
    assert.equal(
      action.inputs['mesh-route'].description,
      'Name of the Mesh MeshRoute to drive when the manifests hold more than one.',
    );
    assert.equal(action.inputs['probe-url'].description, 'Default address for `provider: probe` metrics.');
    assert.match(action.inputs.traffic.description, /`nginx` \(canary, blue-green, mirror\)/);
  });

  it('refuses a second router that takes another kind’s input', () => {
    const clash = { ...meshRouter, name: 'mesh2', target: { ...meshRouter.target, input: 'ingress' } };
    assert.throws(() => ROUTERS.register(clash as never), /input 'ingress' is router 'nginx''s, for Ingress/);
  });
});
