// The README's minimal Roles, generated from requiredPermissions so the documentation is the list
// the pre-flight check asks the API server about (scripts/gen-readme-tables.mjs writes them).
import type { Config, StrategyName, TrafficName } from '../config/types.ts';
import type { ApiAccess } from '../kube/types.ts';
import { ROUTERS } from '../traffic/index.ts';
import { requiredPermissions, type ManifestResource } from './permissions.ts';

/** The manifests the documented Roles assume: a Deployment, its Service and a ConfigMap. */
export const TYPICAL_MANIFESTS: readonly ManifestResource[] = [
  { group: 'apps', resource: 'deployments' },
  { group: '', resource: 'services' },
  { group: '', resource: 'configmaps' },
];

const NO_EXTRAS: Pick<Config, 'previewService' | 'analysis' | 'steps'> = { steps: [] };

/** The access one strategy (and router) needs for a deploy of the typical manifests. */
export function documentedAccess(strategy: StrategyName, traffic: TrafficName = 'replicas'): ApiAccess[] {
  const config = { ...NO_EXTRAS, action: 'deploy' as const, traffic };
  return requiredPermissions({ config, strategy, resources: TYPICAL_MANIFESTS });
}

/** Rules needed beyond `base` (verbs it already grants dropped). */
function extraAccess(all: readonly ApiAccess[], base: readonly ApiAccess[]): ApiAccess[] {
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

/** One Role per router (canary and blue-green over a router need the same), plus rolling's. */
export function roleSection(): string {
  const parts = [
    '**rolling / recreate** (and the first release of any strategy, which runs as a rolling update):',
    '',
    yamlBlock(roleYaml('kube-rollout', documentedAccess('rolling'))),
  ];
  for (const definition of Object.values(ROUTERS)) {
    const strategies = definition.strategies.join(' / ');
    parts.push(
      '',
      `<details><summary><b>${strategies}</b> with <code>traffic: ${definition.name}</code></summary>`,
      '',
      yamlBlock(
        roleYaml(
          `kube-rollout-${definition.name}`,
          documentedAccess(definition.strategies[0], definition.name),
        ),
      ),
      '',
      '</details>',
    );
  }
  const canary = documentedAccess('canary', 'replicas');
  const jobs = requiredPermissions({
    config: {
      action: 'deploy',
      traffic: 'replicas',
      steps: [],
      analysis: { metrics: [{ provider: 'job' } as never] },
    },
    strategy: 'canary',
    resources: TYPICAL_MANIFESTS,
  });
  parts.push('', 'A `job` metric adds:', '', yamlBlock(ruleLines(extraAccess(jobs, canary), '').join('\n')));
  return parts.join('\n');
}
