// The cases of test/integration/rbac-roles.test.ts: each documented Role (src/preflight/role.ts)
// and each documented addition to one, with the manifests and inputs that make a release of it
// use every rule. The rules themselves always come from the generator, never from this file.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { parse, stringify } from 'yaml';
import type { Inputs } from '../../src/config/inputs.ts';
import type { ApiAccess, ApiVerb, KubeObject } from '../../src/kube/types.ts';
import { requiredPermissions } from '../../src/preflight/permissions.ts';
import {
  documentedRoles,
  extraAccess,
  roleAdditions,
  roleYaml,
  scenarioAccess,
  scenarioInputs,
  type RoleScenario,
} from '../../src/preflight/role.ts';
import { strategyFor } from '../../src/strategies/index.ts';
import { appObjects } from './manifests.ts';

const README = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');

export type Step = 'deploy' | 'promote' | 'rollback';

export interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: ApiVerb[];
}

export interface RoleCase {
  title: string;
  /** The Role's name and its rules as documented. */
  name: string;
  rules: Rule[];
  scenario: RoleScenario;
  /** The manifests of one version in `namespace` (`env`: the simulator's knobs for the app). */
  objects(namespace: string, env: Record<string, string>): object[];
  inputs: Partial<Inputs>;
  /** For the last run: manifests that drop what `objects` added (a Secret store is then emptied). */
  finalObjects?(namespace: string): object[];
}

/** The Role named `name` from the README's generated YAML blocks. */
function readmeRole(name: string): Rule[] {
  const role = [...README.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .filter((m) => m[1].includes('kind: Role'))
    .map((m) => parse(m[1]))
    .find((doc) => doc?.kind === 'Role' && doc.metadata?.name === name);
  assert.ok(role, `README documents Role ${name}`);
  assert.deepEqual(
    role,
    parse(roleYaml(name, scenarioAccess(ROLES[name]))),
    `README Role ${name} is current`,
  );
  return role.rules as Rule[];
}

function rulesOf(access: readonly ApiAccess[]): Rule[] {
  return access.map((a) => ({ apiGroups: [a.group], resources: [a.resource], verbs: [...a.verbs] }));
}

const ROLES: Record<string, RoleScenario> = Object.fromEntries(
  documentedRoles().map((r) => [r.name, r.scenario]),
);

function virtualService(namespace: string): object {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'web', namespace },
    spec: { hosts: ['web'], http: [{ route: [{ destination: { host: 'web' } }] }] },
  };
}

function statefulSet(namespace: string, env: Record<string, string>): object {
  const labels = { app: 'db' };
  const vars = Object.entries({ ...SLOW_START, ...env }).map(([name, value]) => ({ name, value }));
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace, labels },
    spec: {
      replicas: 2,
      serviceName: 'db',
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'db', image: 'registry.local:5000/acme/db:v1', env: vars }] },
      },
    },
  };
}

const configMap = (namespace: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'web-config', namespace },
  data: { a: '1' },
});

/**
 * Pods that take a moment to start: every wait then gets to watch them (a rollout done in the time
 * of a list would use no watch, and the Role's `watch pods` would look unused).
 */
const SLOW_START = { SIM_STARTUP_SECONDS: '4' };

/** The typical manifests (a Deployment, its Service, a ConfigMap) and the router's target. */
function typicalObjects(scenario: RoleScenario, namespace: string, env: Record<string, string>): object[] {
  const target = strategyFor(scenario.strategy).movesTraffic ? scenario.traffic : undefined;
  return appObjects({
    namespace,
    replicas: 2,
    env: { ...SLOW_START, ...env },
    ingress: target === 'nginx',
    httpRoute: target === 'gateway-api',
    extra: [configMap(namespace), ...(target === 'istio' ? [virtualService(namespace)] : [])],
  });
}

const STEPS: Partial<Record<RoleScenario['strategy'], Partial<Inputs>>> = {
  canary: { steps: '- setWeight: 50\n- pause: {}' },
  'blue-green': { 'auto-promote': 'false' },
};

const JOB_METRIC = `metrics:
  - name: smoke
    provider: job
    job: {template: {spec: {containers: [{name: check, image: busybox, command: [sh, -c, 'exit 0']}]}}}`;

/** What each documented addition needs beyond its base case to use its rules. */
const ADDITION_SHAPES: Pick<RoleCase, 'objects' | 'inputs' | 'finalObjects'>[] = [
  {
    objects: (ns, env) => typicalObjects({ strategy: 'canary' }, ns, env),
    inputs: { ...STEPS.canary, steps: '- setWeight: 50\n- analysis: {}\n- pause: {}', analysis: JOB_METRIC },
  },
  {
    objects: (ns, env) => [
      ...typicalObjects({ strategy: 'rolling' }, ns, env),
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'web-secret', namespace: ns },
        stringData: { k: 'v' },
      },
    ],
    inputs: {},
    finalObjects: (ns) => typicalObjects({ strategy: 'rolling' }, ns, {}),
  },
  {
    // The Deployment fails a bad version fast; the StatefulSet is the same in every version.
    objects: (ns, env) => [...typicalObjects({ strategy: 'rolling' }, ns, env), statefulSet(ns, {})],
    inputs: {},
  },
  {
    objects: (ns, env) => [
      statefulSet(ns, env),
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'db', namespace: ns },
        spec: { selector: { app: 'db' }, ports: [{ port: 80 }] },
      },
    ],
    inputs: { ...STEPS.canary, name: 'db' },
  },
];

/** Every documented Role, then every documented addition (its base Role plus what it adds). */
export function roleCases(): RoleCase[] {
  const roles = documentedRoles().map(({ name, scenario }) => ({
    title: `Role ${name} (${scenario.traffic ? `${scenario.strategy} over ${scenario.traffic}` : scenario.strategy})`,
    name,
    rules: readmeRole(name),
    scenario,
    objects: (ns: string, env: Record<string, string>) => typicalObjects(scenario, ns, env),
    inputs: { ...STEPS[scenario.strategy] },
  }));
  assert.equal(ADDITION_SHAPES.length, roleAdditions().length, 'a shape for every documented addition');
  const additions = roleAdditions().map((addition, i) => {
    const extra = extraAccess(scenarioAccess(addition.with), scenarioAccess(addition.base));
    for (const line of roleYaml('x', extra)
      .split('\n')
      .filter((l) => l.startsWith('  - ')))
      assert.ok(
        README.includes(`\n${line.trim()}\n`),
        `README lists ${line.trim()} under "${addition.title}"`,
      );
    return {
      title: `${addition.title} (${i + 1})`,
      name: `kube-rollout-addition-${i + 1}`,
      rules: rulesOf(scenarioAccess(addition.with)),
      scenario: addition.with,
      ...ADDITION_SHAPES[i],
    };
  });
  return [...roles, ...additions];
}

/** Where a rule's refusal is tried: right after the first release, or once a release is stored. */
export interface RefusalStep {
  step: Step;
  /** The action checks the first release (which ran as the strategy's fallback), not a later one. */
  afterFirst: boolean;
}

/**
 * The action whose pre-flight asks for `verb` on `access`: the first of the scenario's inputs that
 * does. A deploy with a stable version runs the strategy itself, whose needs include its first
 * release's. Promote and rollback check the release as stored: the first release (run as the
 * strategy's fallback) or a later one of the strategy itself; only a progressive release has
 * something to promote.
 */
export function stepAsking(scenario: RoleScenario, access: ApiAccess, verb: ApiVerb): RefusalStep {
  const input = scenarioInputs(scenario).find((i) =>
    requiredPermissions(i).some(
      (a) => a.group === access.group && a.resource === access.resource && a.verbs.includes(verb),
    ),
  );
  assert.ok(input, `some action of ${JSON.stringify(scenario)} asks for ${verb} ${access.resource}`);
  const step = input.config.action as Step;
  const progressive = strategyFor(input.strategy).movesTraffic;
  assert.ok(step !== 'promote' || progressive, `${verb} ${access.resource}: nothing to promote`);
  return { step, afterFirst: step !== 'deploy' && input.strategy !== scenario.strategy };
}

/** The Role without one verb of one rule (the rule goes when it was its only verb). */
export function without(rules: Rule[], index: number, verb: ApiVerb): Rule[] {
  return rules.flatMap((r, i) => {
    if (i !== index) return [r];
    const verbs = r.verbs.filter((v) => v !== verb);
    return verbs.length ? [{ ...r, verbs }] : [];
  });
}

/** Writes `objects` as one multi-document file and returns its directory. */
export function writeObjects(objects: object[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'kr-roles-'));
  writeFileSync(join(dir, 'app.yaml'), objects.map((o) => stringify(o)).join('---\n'));
  return dir;
}

export type { KubeObject };
