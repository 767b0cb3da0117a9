// The README's minimal Roles, generated from requiredPermissions so the documentation is the list
// the pre-flight check asks the API server about (scripts/gen-readme-tables.mjs writes them).
// A Role covers every action of its strategy and router (deploy, the first release's fallback,
// promote, rollback; status reads a subset) for the manifests it assumes, and nothing more.
import type { Config, StrategyName, TrafficName } from '../config/types.ts';
import type { ApiAccess } from '../kube/types.ts';
import { PROVIDERS } from '../analysis/providers/index.ts';
import { defaultRouter, strategiesFor, strategyFor } from '../strategies/index.ts';
import { ROUTERS, routerDefinition } from '../traffic/index.ts';
import { mergeAccess, requiredPermissions, type AccessInput, type ManifestResource } from './permissions.ts';

/** The manifests the documented Roles assume: a Deployment, its Service and a ConfigMap. */
export const TYPICAL_MANIFESTS: readonly ManifestResource[] = [
  { group: 'apps', resource: 'deployments' },
  { group: '', resource: 'services' },
  { group: '', resource: 'configmaps' },
];

/** The actions a Role is for (status only reads what they read). */
export const ROLE_ACTIONS = ['deploy', 'promote', 'rollback'] as const;

/** What a documented Role is generated for. */
export interface RoleScenario {
  strategy: StrategyName;
  traffic?: TrafficName;
  /** Settings beyond the defaults (a `job` metric, a preview Service). */
  config?: Partial<Pick<Config, 'previewService' | 'analysis' | 'steps'>>;
  /** The manifests' resources (default: the typical manifests); the router's target is added. */
  manifests?: readonly ManifestResource[];
}

/** The scenario's router: the one it names, else its strategy's default (any, for one that moves none). */
function trafficOf(scenario: RoleScenario): TrafficName {
  return (scenario.traffic ?? defaultRouter(scenario.strategy) ?? ROUTERS.names()[0]) as TrafficName;
}

/** The typical manifests plus the router's target when the router needs one in the manifests. */
export function scenarioResources(scenario: RoleScenario): ManifestResource[] {
  const resources = [...(scenario.manifests ?? TYPICAL_MANIFESTS)];
  const target = routerDefinition(trafficOf(scenario)).target;
  if (strategyFor(scenario.strategy).movesTraffic && target?.required)
    resources.push({ group: target.group, resource: target.resource });
  return resources;
}

/**
 * Each action's access input for a scenario: the strategy's own, and that of the plain rolling
 * update a canary or blue-green runs when it has nothing to copy (a first release, say).
 */
export function scenarioInputs(scenario: RoleScenario): AccessInput[] {
  const falls = strategyFor(scenario.strategy).cannotRun !== undefined;
  const strategies = falls ? (['rolling', scenario.strategy] as const) : [scenario.strategy];
  const resources = scenarioResources(scenario);
  return strategies.flatMap((strategy) =>
    ROLE_ACTIONS.map((action) => ({
      config: { steps: [], ...scenario.config, action, traffic: trafficOf(scenario) },
      strategy,
      resources,
    })),
  );
}

/** The access one scenario needs over all its actions. */
export function scenarioAccess(scenario: RoleScenario): ApiAccess[] {
  return mergeAccess(scenarioInputs(scenario).flatMap((input) => requiredPermissions(input)));
}

/** The access one strategy (and router) needs for the typical manifests. */
export function documentedAccess(strategy: StrategyName, traffic?: TrafficName): ApiAccess[] {
  return scenarioAccess({ strategy, ...(traffic ? { traffic } : {}) });
}

/** Each documented Role by name: rolling's, then one per router. */
export function documentedRoles(): { name: string; title: string; scenario: RoleScenario }[] {
  return [
    {
      name: 'kube-rollout',
      title:
        '**rolling / recreate** (and the first release of any strategy, which runs as a rolling update):',
      scenario: { strategy: 'rolling' },
    },
    ...ROUTERS.all().map((d) => ({
      name: `kube-rollout-${d.name}`,
      title: `<b>${strategiesFor(d).join(' / ')}</b> with <code>traffic: ${d.name}</code>`,
      scenario: { strategy: strategiesFor(d)[0] as StrategyName, traffic: d.name as TrafficName },
    })),
  ];
}

/** Rules needed beyond `base` (verbs it already grants dropped). */
export function extraAccess(all: readonly ApiAccess[], base: readonly ApiAccess[]): ApiAccess[] {
  return all
    .map((a) => {
      const had = base.find((b) => b.group === a.group && b.resource === a.resource)?.verbs ?? [];
      return { ...a, verbs: a.verbs.filter((v) => !had.includes(v)) };
    })
    .filter((a) => a.verbs.length > 0);
}

/** `- {apiGroups: [apps], resources: [deployments], verbs: [get, patch]}`: one rule per line. */
function ruleLines(access: readonly ApiAccess[], indent: string): string[] {
  return access.map(
    (a) =>
      `${indent}- { apiGroups: [${JSON.stringify(a.group)}], resources: [${a.resource}], verbs: [${a.verbs.join(', ')}] }`,
  );
}

/** A namespaced Role granting exactly `access`, as YAML one rule per line. */
export function roleYaml(name: string, access: readonly ApiAccess[]): string {
  return [
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: Role',
    `metadata: { name: ${name} }`,
    'rules:',
    ...ruleLines(access, '  '),
  ].join('\n');
}

function yamlBlock(lines: string): string {
  return ['```yaml', lines, '```'].join('\n');
}

const STATEFUL_SETS: ManifestResource = { group: 'apps', resource: 'statefulsets' };

/** One addition per metric provider that needs API access to measure (a `job` metric's Jobs). */
function providerAdditions(): RoleAddition[] {
  return PROVIDERS.all()
    .filter((p) => p.access?.length)
    .map((p) => ({
      title: `A \`${p.name}\` metric adds`,
      base: { strategy: 'canary' },
      with: { strategy: 'canary', config: { analysis: { metrics: [{ provider: p.name } as never] } } },
    }));
}

/** What one more setting or kind adds to a Role, documented beside the Roles. */
export interface RoleAddition {
  title: string;
  base: RoleScenario;
  with: RoleScenario;
}

/** The additions beside the Roles: the metric providers' first, then the settings' and kinds'. */
export function roleAdditions(): RoleAddition[] {
  return [...providerAdditions(), ...KIND_ADDITIONS];
}

const KIND_ADDITIONS: RoleAddition[] = [
  {
    title:
      "A Secret in the manifests (with `versioned-config`, each changed Secret is a new one) adds, for it and for the release's Secret store `kube-rollout-<name>` (also needed when a metric sends `headers` or a URL with credentials)",
    base: { strategy: 'rolling' },
    with: { strategy: 'rolling', manifests: [...TYPICAL_MANIFESTS, { group: '', resource: 'secrets' }] },
  },
  {
    title:
      'A StatefulSet in the manifests (a DaemonSet likewise) adds its waits and, for `action: rollback`, its revision history',
    base: { strategy: 'rolling' },
    with: { strategy: 'rolling', manifests: [...TYPICAL_MANIFESTS, STATEFUL_SETS] },
  },
  {
    title:
      'A canary of StatefulSets (no Deployment in the manifests: it moves partitions) needs, beyond the rolling Role for its kinds',
    base: { strategy: 'rolling', manifests: [STATEFUL_SETS, { group: '', resource: 'services' }] },
    with: { strategy: 'canary', manifests: [STATEFUL_SETS, { group: '', resource: 'services' }] },
  },
];

/** One Role per router (canary and blue-green over a router need the same), plus rolling's. */
export function roleSection(): string {
  const [rolling, ...routers] = documentedRoles();
  const parts = [rolling.title, '', yamlBlock(roleYaml(rolling.name, scenarioAccess(rolling.scenario)))];
  for (const role of routers)
    parts.push(
      '',
      `<details><summary>${role.title}</summary>`,
      '',
      yamlBlock(roleYaml(role.name, scenarioAccess(role.scenario))),
      '',
      '</details>',
    );
  for (const addition of roleAdditions()) {
    const extra = extraAccess(scenarioAccess(addition.with), scenarioAccess(addition.base));
    parts.push('', `${addition.title}:`, '', yamlBlock(ruleLines(extra, '').join('\n')));
  }
  return parts.join('\n');
}
