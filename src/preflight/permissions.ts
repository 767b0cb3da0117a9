// The one list of API access a release needs, per action, strategy and router: the pre-flight check
// asks the API server about every entry and the README's minimal Roles are generated from it.
// kube-apiserver authorizes a server-side apply that creates its object for `create` as well as
// `patch` (apiserver/pkg/endpoints/handlers/patch.go), so every kind the release applies and may
// not find in the cluster (its own objects on a first release, the copies, the routers' objects,
// its Secret store) needs both.
import type { Config } from '../config/types.ts';
import type { ApiAccess, ApiVerb } from '../kube/types.ts';
import { holdsSensitive } from '../state/secret-store.ts';
import { PROVIDERS, providerSettingValues, type ProviderSettings } from '../analysis/providers/index.ts';
import { routerDefinition } from '../traffic/index.ts';
import { strategyFor } from '../strategies/index.ts';
import { compareText } from '../compare.ts';

/** One verb on one resource, in a namespace or cluster-wide: what an access review asks. */
export interface AccessCheck {
  group: string;
  resource: string;
  verb: ApiVerb;
  /** Undefined for cluster-scoped resources. */
  namespace?: string;
}

/** A resource the release's manifests contain (resolved through discovery). */
export interface ManifestResource {
  group: string;
  resource: string;
}

/** What shapes the access list: the settings in effect and the resources of the manifests. */
export interface AccessInput {
  config: Pick<Config, 'action' | 'traffic' | 'previewService' | 'analysis' | 'steps'> &
    ProviderSettings &
    Partial<Pick<Config, 'prune'>>;
  /** The strategy the plan runs (a first canary release runs `rolling`): a registered name. */
  strategy: string;
  /** Resources of the manifests' objects in the release's namespace; workloads decide the waits. */
  resources: readonly ManifestResource[];
  /**
   * The release writes its Secret store for a reason `resources` does not show: the store exists
   * (an earlier release kept Secrets in it) or a Secret of the manifests is in another namespace.
   */
  writesSecretStore?: boolean;
}

/** Server-side apply of an object that may not exist yet, read back for the stable snapshot. */
export const APPLY_VERBS: readonly ApiVerb[] = ['get', 'create', 'patch'];

/** What prune never deletes (src/engine/steps/prune.ts): Namespaces, CRDs and volumes. */
const NEVER_PRUNED_RESOURCES = new Set([
  'namespaces',
  'customresourcedefinitions',
  'persistentvolumeclaims',
  'persistentvolumes',
]);

const WORKLOAD_RESOURCES = new Set(['deployments', 'statefulsets', 'daemonsets']);

/** Every release: the Lease that keeps runs apart, the state ConfigMap, the waits and pod evidence. */
const RELEASE_ACCESS: readonly ApiAccess[] = [
  { group: 'coordination.k8s.io', resource: 'leases', verbs: ['get', 'create', 'update'] },
  // The state ConfigMap is written conditionally: created once, then replaced at its resourceVersion.
  { group: '', resource: 'configmaps', verbs: ['get', 'create', 'update'] },
  // Every save reads the release's Secret store (src/state/secret-store-io.ts), held or not.
  { group: '', resource: 'secrets', verbs: ['get'] },
  { group: '', resource: 'pods', verbs: ['list', 'watch'] },
  // The last log lines of failing containers, for the failure's evidence.
  { group: '', resource: 'pods/log', verbs: ['get'] },
];

/** Secret kube-rollout-<name> holds the release's Secrets: applied, and deleted once emptied. */
const SECRET_STORE_ACCESS: readonly ApiAccess[] = [
  { group: '', resource: 'secrets', verbs: ['create', 'patch', 'delete'] },
];

/** Copies beside stable (canary/blue-green of Deployments): applied, scaled, watched, deleted. */
const COPIES_ACCESS: readonly ApiAccess[] = [
  { group: 'apps', resource: 'deployments', verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'] },
];

/**
 * A canary of StatefulSets moves partitions (a patch, which the StatefulSet's apply grants) and
 * deletes pods of a bad revision on rollback.
 */
const PARTITION_ACCESS: readonly ApiAccess[] = [{ group: '', resource: 'pods', verbs: ['delete'] }];

/** A workload's waits; a Deployment's new pods are found through its newest ReplicaSet. */
function workloadAccess(resource: ManifestResource): ApiAccess[] {
  const access: ApiAccess[] = [
    { group: 'apps', resource: resource.resource, verbs: ['get', 'list', 'watch'] },
  ];
  if (resource.resource === 'deployments')
    access.push({ group: 'apps', resource: 'replicasets', verbs: ['list'] });
  return access;
}

/**
 * `action: rollback` of a rolling/recreate release finds the previous revision (engine/steps/undo.ts):
 * a StatefulSet's or DaemonSet's in its ControllerRevisions. (A Deployment's are its ReplicaSets,
 * which every wait lists already: workloadAccess.)
 */
function revisionHistoryAccess(resource: ManifestResource): ApiAccess[] {
  return resource.resource === 'deployments'
    ? []
    : [{ group: 'apps', resource: 'controllerrevisions', verbs: ['list'] }];
}

/** What the metrics' providers need to measure (a `job` metric creates Jobs, say), as each declares. */
function metricAccess(config: AccessInput['config']): ApiAccess[] {
  const fromSteps = config.steps.flatMap((s) => ('analysis' in s ? (s.analysis.metrics ?? []) : []));
  const providers = new Set([...(config.analysis?.metrics ?? []), ...fromSteps].map((m) => m.provider));
  return [...providers].flatMap((name) => PROVIDERS.find(name)?.access ?? []);
}

/** Whether this release puts something into its Secret store (src/state/secret-store.ts). */
function writesSecretStore(input: AccessInput): boolean {
  const { config, resources } = input;
  const settings = { steps: config.steps, analysis: config.analysis, ...providerSettingValues(config) };
  return (
    input.writesSecretStore === true ||
    resources.some((r) => r.group === '' && r.resource === 'secrets') ||
    holdsSensitive(settings)
  );
}

/** The access the chosen plan needs, merged per resource, sorted by group and resource. */
export function requiredPermissions(input: AccessInput): ApiAccess[] {
  const { config, strategy, resources } = input;
  const progressive = strategyFor(strategy).movesTraffic;
  const isWorkload = (r: ManifestResource) => r.group === 'apps' && WORKLOAD_RESOURCES.has(r.resource);
  const hasDeployment = resources.some((r) => r.group === 'apps' && r.resource === 'deployments');
  const list: ApiAccess[] = [...RELEASE_ACCESS];
  for (const r of resources) {
    list.push({ group: r.group, resource: r.resource, verbs: APPLY_VERBS });
    if (isWorkload(r)) list.push(...workloadAccess(r));
    if (isWorkload(r) && config.action === 'rollback' && !progressive) list.push(...revisionHistoryAccess(r));
  }
  if (writesSecretStore(input)) list.push(...SECRET_STORE_ACCESS);
  if (progressive && hasDeployment) list.push(...COPIES_ACCESS, ...routerDefinition(config.traffic).access);
  if (progressive && !hasDeployment) list.push(...PARTITION_ACCESS);
  // Config accepts a preview Service only for a strategy that has one (blue-green): applied, deleted.
  if (progressive && config.previewService)
    list.push({ group: '', resource: 'services', verbs: ['create', 'patch', 'delete'] });
  list.push(...metricAccess(config));
  // `prune: true` deletes, after promotion, what the previous release applied and no longer lists.
  if (config.prune && config.action === 'deploy')
    for (const r of resources)
      if (!NEVER_PRUNED_RESOURCES.has(r.resource)) list.push({ ...r, verbs: ['delete'] });
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
