// Pre-flight: everything that can be known before the first write, checked at once and reported
// together — duplicate objects, metric URLs and templates, the state's size, the objects the
// router needs, and every permission the action needs (SelfSubjectAccessReview). Deploy runs all
// of it; promote and rollback run the cluster checks against the stored release.
import type { Config } from '../config/types.ts';
import { InputError, InputErrors } from '../errors.ts';
import { type Cluster, type KubeObject, KubeApiError, workloadKey } from '../kube/types.ts';
import type { ManifestSet } from '../manifests/types.ts';
import { specOf } from '../manifests/workload-views.ts';
import { releaseTemplate } from '../analysis/release-template.ts';
import { strategyFor } from '../strategies/index.ts';
import type { ReleaseScope } from '../strategies/scope.ts';
import { findLanesIn } from '../traffic/lanes.ts';
import { checkLaneNames } from './lane-names.ts';
import { routerDefinition } from '../traffic/index.ts';
import { accessChecks, deniedAccess, describeDenied, type AccessCheck } from './access-review.ts';
import {
  duplicateObjects,
  metricProblems,
  routerNeeds,
  stateSizeProblem,
  type TargetNeed,
} from './checks.ts';
import { APPLY_VERBS, requiredPermissions, type ManifestResource } from './permissions.ts';
import { secretStoreRef } from '../state/secret-store-io.ts';
import { rolloutInCluster } from '../argo/cluster.ts';
import type { RulesReviews } from './rules-review.ts';

export { requiredPermissions } from './permissions.ts';

export interface PreflightDeps {
  config: Config;
  cluster: Cluster;
  /** Rules reviews the caller asked for early (rules-review.ts), so their answer is waiting. */
  reviews?: RulesReviews;
}

export interface PreflightFacts {
  /** The release's name. */
  name: string;
  /** Live copies of the manifests' workloads (undefined: not in the cluster yet). */
  live: Map<string, KubeObject | undefined>;
  /** What the release changes (absent when the dry run could not tell). */
  scope?: ReleaseScope;
}

/**
 * Before a deploy: throws one InputErrors listing every problem found; resolves when the release
 * may start. `strategy` is the one the plan runs (a first canary release runs `rolling`).
 */
export async function preflight(
  deps: PreflightDeps,
  strategy: string,
  manifests: ManifestSet,
  facts: PreflightFacts,
): Promise<void> {
  const { config } = deps;
  const stable = facts.live.get(workloadKey(manifests.workloads[0].object));
  const template = releaseTemplate(config, manifests, {
    app: facts.name,
    canaryVersion: manifests.version,
    stableVersion: stable && specOf(stable)?.template?.metadata?.labels?.[config.versionLabel],
    ...(facts.scope ? { changed: facts.scope.changed, progressive: facts.scope.progressive } : {}),
  });
  const errors: InputError[] = [...duplicateObjects(manifests), ...metricProblems(config, template)];
  const tooLarge = stateSizeProblem(facts.name, manifests, facts.live);
  if (tooLarge) errors.push(tooLarge);
  const argoOwned = await rolloutInCluster(deps.cluster, config.manifestOrigin);
  if (argoOwned) errors.push(argoOwned);
  const lanes =
    facts.scope && strategyFor(strategy).movesTraffic
      ? await laneProblems(deps, manifests, facts.scope, strategy)
      : undefined;
  if (lanes) errors.push(...lanes);
  // A first release copies nothing (no lanes) yet still needs the router's objects later on.
  errors.push(
    ...(await clusterProblems(deps, strategy, manifests, {
      release: facts.name,
      lanesChecked: lanes !== undefined && hasProgressive(manifests, facts.scope),
    })),
  );
  if (errors.length) throw new InputErrors(errors);
}

/**
 * Before a promote or rollback takes the Lease: the router's targets and every permission the
 * action needs, for the release as stored (its settings, strategy and rendered objects) or, with
 * nothing stored, as the inputs describe it. Throws one InputErrors listing every problem.
 */
export async function preflightAction(
  deps: PreflightDeps,
  strategy: string,
  manifests: ManifestSet,
): Promise<void> {
  const errors = await clusterProblems(deps, strategy, manifests);
  if (errors.length) throw new InputErrors(errors);
}

/**
 * Every workload released as a copy has its chain: the workload, the Service that selects its
 * pods (from the manifests, else one that runs already), the router's object that routes there.
 */
function hasProgressive(manifests: ManifestSet, scope: ReleaseScope | undefined): boolean {
  return !!scope && manifests.workloads.some((w) => scope.progressive.has(workloadKey(w.object)));
}

async function laneProblems(
  { config, cluster }: PreflightDeps,
  manifests: ManifestSet,
  scope: ReleaseScope,
  strategy: string,
): Promise<InputError[]> {
  const progressive = manifests.workloads.filter((w) => scope.progressive.has(workloadKey(w.object)));
  if (!progressive.length) return [];
  const router = routerDefinition(config.traffic);
  const { lanes, errors } = await findLanesIn(cluster, { router, config, manifests, progressive });
  const suffix = strategyFor(strategy).copySuffix;
  return suffix ? [...errors, ...checkLaneNames(lanes, { manifests, suffix, router })] : errors;
}

/** What only the cluster can tell: the router's targets and the permissions. */
async function clusterProblems(
  { config, cluster, reviews }: PreflightDeps,
  strategy: string,
  manifests: ManifestSet,
  opts: { release?: string; lanesChecked?: boolean } = {},
): Promise<InputError[]> {
  const errors: InputError[] = [];
  // The router's needs are those of the requested strategy, also when a first release falls back.
  // With the lanes checked (a deploy), only the objects named by inputs are left to look up.
  if (usesRouter(config.strategy, manifests)) {
    const needs = routerNeeds(config, manifests).filter((need) => !opts.lanesChecked || need.name);
    errors.push(...(await missingTargets(cluster, config, needs)));
  }
  const checks = await requiredAccessChecks(cluster, config, strategy, manifests, opts.release);
  const denied = await deniedAccess(cluster, checks, reviews);
  if (denied.length) errors.push(permissionError(denied));
  return errors;
}

function usesRouter(strategy: string, manifests: ManifestSet): boolean {
  return (
    strategyFor(strategy).movesTraffic && manifests.workloads.some((w) => w.object.kind === 'Deployment')
  );
}

/**
 * Every verb × resource the action needs, in the namespace each applies to. With `release`, a
 * deploy also learns whether an earlier release left Secrets in the store that this one rewrites.
 */
async function requiredAccessChecks(
  cluster: Cluster,
  config: Config,
  strategy: string,
  manifests: ManifestSet,
  release?: string,
): Promise<AccessCheck[]> {
  const storeKept = release ? storeExists(cluster, release, config.namespace) : Promise.resolve(false);
  const resources: ManifestResource[] = [];
  const elsewhere: AccessCheck[] = [];
  for (const { object } of manifests.objects) {
    const res = await cluster.resourceOf(object.apiVersion, object.kind).catch((err) => {
      // A kind defined by a CRD in these same manifests is not served yet: the dry run allowed it.
      if (err instanceof KubeApiError && err.code === 404) return undefined;
      throw err;
    });
    if (!res) continue;
    const ns = res.namespaced ? (object.metadata.namespace ?? config.namespace) : undefined;
    if (ns === config.namespace) resources.push(res);
    else elsewhere.push(...accessChecks([{ ...res, verbs: APPLY_VERBS }], ns));
  }
  const secretElsewhere = manifests.objects.some(
    ({ object }) =>
      object.kind === 'Secret' && (object.metadata.namespace ?? config.namespace) !== config.namespace,
  );
  const writesSecretStore = secretElsewhere || (await storeKept);
  const list = requiredPermissions({ config, strategy, resources, writesSecretStore });
  const checks = [...accessChecks(list, config.namespace), ...elsewhere];
  const seen = new Set<string>();
  return checks.filter((c) => {
    const key = `${c.verb} ${c.group}/${c.resource} ${c.namespace ?? ''}`;
    return !seen.has(key) && seen.add(key);
  });
}

/** Whether Secret kube-rollout-<name> exists (false when it cannot be read: that get is checked too). */
function storeExists(cluster: Cluster, release: string, namespace: string): Promise<boolean> {
  return cluster.get(secretStoreRef(release, namespace)).then(Boolean, () => false);
}

function permissionError(denied: AccessCheck[]): InputError {
  const lines = describeDenied(denied);
  return new InputError(
    `the credentials may not do what this release needs (SelfSubjectAccessReview denied ${denied.length}):\n  - ${lines.join('\n  - ')}\nGrant them (see "Permissions" in the README for the minimal Role) and run again; nothing was written.`,
    { input: 'kubeconfig' },
  );
}

/** Router targets the manifests do not hold (a named one that exists only in the cluster included). */
async function missingTargets(cluster: Cluster, config: Config, needs: TargetNeed[]): Promise<InputError[]> {
  const errors: InputError[] = [];
  const router = routerDefinition(config.traffic);
  for (const need of needs) {
    if (need.inManifests) continue;
    const what = `traffic '${config.traffic}' needs ${/^(?:[AEIOU]|HTTP)/.test(need.kind) ? 'an' : 'a'} ${need.kind}`;
    if (!need.name) {
      const hint =
        router.target?.kind === need.kind
          ? ` (input '${router.target.input}' picks one when the manifests hold several)`
          : '';
      errors.push(new InputError(`${what}: none is in the manifests; add one${hint}`, { input: need.input }));
      continue;
    }
    const found = await whyNotUsable(
      cluster,
      router.target?.group ?? '',
      need.kind,
      need.name,
      config.namespace,
    );
    errors.push(new InputError(`${what}: ${found}`, { input: need.input }));
  }
  return errors;
}

/** Why a named target that is not in the manifests cannot be used. */
async function whyNotUsable(
  cluster: Cluster,
  group: string,
  kind: string,
  name: string,
  namespace: string,
): Promise<string> {
  const [version] = await cluster.groupVersions(group);
  if (!version) return `the cluster does not serve ${kind} (API group ${group})`;
  const apiVersion = group ? `${group}/${version}` : version;
  const live = await cluster.get({ apiVersion, kind, name, namespace });
  // The router changes its target and a rollback restores it from the release's own copies (the
  // rendered manifests and the stable snapshot): an object outside them has no copy to return to.
  if (live)
    return `${kind} '${name}' exists in namespace ${namespace} but is not in the manifests; add it to the manifests so the release owns what it routes through (and can restore it on rollback)`;
  return `${kind} '${name}' is neither in the manifests nor in namespace ${namespace}`;
}
