// The one list of API access a release needs, per strategy and router: the pre-flight check asks
// the API server about every entry and the README's minimal Role is generated from it.
import type { Config } from '../config/types.ts';
import type { ApiAccess, ApiVerb } from '../kube/types.ts';
import { routerDefinition } from '../traffic/index.ts';
import { strategyFor } from '../strategies/index.ts';
import { compareText } from '../compare.ts';

/** A resource the release's manifests contain (resolved through discovery). */
/** One verb on one resource, in a namespace or cluster-wide: what an access review asks. */
export interface AccessCheck {
  group: string;
  resource: string;
  verb: ApiVerb;
  /** Undefined for cluster-scoped resources. */
  namespace?: string;
}

export interface ManifestResource {
  group: string;
  resource: string;
}

/** What shapes the access list: the settings in effect and the resources of the manifests. */
export interface AccessInput {
  config: Pick<Config, 'action' | 'traffic' | 'previewService' | 'analysis' | 'steps'>;
  /** The strategy the plan runs (a first canary release runs `rolling`). */
  strategy: Config['strategy'];
  /** Resources of the manifests' objects; workloads among them decide the waits. */
  resources: readonly ManifestResource[];
}

const WORKLOAD_RESOURCES = new Set(['deployments', 'statefulsets', 'daemonsets']);

/** Every release: the Lease that keeps runs apart, the state ConfigMap, the waits and pod evidence. */
const RELEASE_ACCESS: readonly ApiAccess[] = [
  { group: 'coordination.k8s.io', resource: 'leases', verbs: ['get', 'create', 'update'] },
  // The state ConfigMap is written conditionally: created once, then replaced at its resourceVersion.
  { group: '', resource: 'configmaps', verbs: ['get', 'create', 'update'] },
  // Secret values of the release live in Secret kube-rollout-<name> (src/state/secret-store.ts).
  { group: '', resource: 'secrets', verbs: ['get', 'patch', 'delete'] },
  { group: '', resource: 'pods', verbs: ['list', 'watch'] },
  { group: '', resource: 'pods/log', verbs: ['get'] },
];

/** Copies beside stable (canary/blue-green of Deployments): created, scaled, watched, deleted. */
const COPIES_ACCESS: readonly ApiAccess[] = [
  { group: 'apps', resource: 'deployments', verbs: ['get', 'list', 'watch', 'patch', 'delete'] },
];

/** A canary of StatefulSets moves partitions and deletes pods of a bad revision on rollback. */
const PARTITION_ACCESS: readonly ApiAccess[] = [
  { group: 'apps', resource: 'statefulsets', verbs: ['get', 'patch'] },
  { group: '', resource: 'pods', verbs: ['delete'] },
];

/** A `job` metric runs a Job and reads its pods' logs. */
const JOB_METRIC_ACCESS: readonly ApiAccess[] = [
  { group: 'batch', resource: 'jobs', verbs: ['create', 'list', 'watch', 'delete'] },
  { group: '', resource: 'pods', verbs: ['list'] },
  { group: '', resource: 'pods/log', verbs: ['get'] },
];

/** `action: rollback` of a rolling/recreate release finds the previous revision. */
const UNDO_ACCESS: readonly ApiAccess[] = [
  { group: 'apps', resource: 'replicasets', verbs: ['list'] },
  { group: 'apps', resource: 'controllerrevisions', verbs: ['list'] },
];

function workloadAccess(resource: ManifestResource): ApiAccess[] {
  const access: ApiAccess[] = [
    { group: 'apps', resource: resource.resource, verbs: ['get', 'list', 'watch'] },
  ];
  // The new pods of a Deployment are found through its newest ReplicaSet.
  if (resource.resource === 'deployments')
    access.push({ group: 'apps', resource: 'replicasets', verbs: ['list'] });
  return access;
}

function usesJobMetrics(config: AccessInput['config']): boolean {
  const fromSteps = config.steps.flatMap((s) => ('analysis' in s ? (s.analysis.metrics ?? []) : []));
  return [...(config.analysis?.metrics ?? []), ...fromSteps].some((m) => m.provider === 'job');
}

/** The access the chosen plan needs, merged per resource, sorted by group and resource. */
export function requiredPermissions(input: AccessInput): ApiAccess[] {
  const { config, strategy, resources } = input;
  const progressive = strategyFor(strategy).movesTraffic;
  const hasDeployment = resources.some((r) => r.group === 'apps' && r.resource === 'deployments');
  const list: ApiAccess[] = [...RELEASE_ACCESS];
  for (const r of resources) {
    // Applied with server-side apply (a PATCH, dry run first) and read back for the stable snapshot.
    list.push({ group: r.group, resource: r.resource, verbs: ['get', 'patch'] });
    if (r.group === 'apps' && WORKLOAD_RESOURCES.has(r.resource)) list.push(...workloadAccess(r));
  }
  if (progressive && hasDeployment) list.push(...COPIES_ACCESS, ...routerDefinition(config.traffic).access);
  if (progressive && !hasDeployment) list.push(...PARTITION_ACCESS);
  // Config accepts a preview Service only for a strategy that has one (blue-green).
  if (progressive && config.previewService)
    list.push({ group: '', resource: 'services', verbs: ['patch', 'delete'] });
  if (usesJobMetrics(config)) list.push(...JOB_METRIC_ACCESS);
  if (config.action === 'rollback' && !progressive) list.push(...UNDO_ACCESS);
  return mergeAccess(list);
}

const VERB_ORDER: readonly ApiVerb[] = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/** One entry per group/resource with the union of its verbs, in a stable order. */
export function mergeAccess(list: readonly ApiAccess[]): ApiAccess[] {
  const byKey = new Map<string, { group: string; resource: string; verbs: Set<ApiVerb> }>();
  for (const a of list) {
    const key = `${a.group}/${a.resource}`;
    const entry = byKey.get(key) ?? { group: a.group, resource: a.resource, verbs: new Set<ApiVerb>() };
    for (const v of a.verbs) entry.verbs.add(v);
    byKey.set(key, entry);
  }
  return [...byKey.values()]
    .sort((a, b) => compareText(a.group, b.group) || compareText(a.resource, b.resource))
    .map((e) => ({ group: e.group, resource: e.resource, verbs: VERB_ORDER.filter((v) => e.verbs.has(v)) }));
}

/** `deployments.apps`, `pods/log`: how RBAC messages name a resource. */
export function qualifiedResource(a: { group: string; resource: string }): string {
  return a.group ? `${a.resource}.${a.group}` : a.resource;
}
