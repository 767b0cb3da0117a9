// The actions (deploy, promote, rollback, status) and the post step's cancel, as requests to the
// lifecycle table: each does its own checks before the Lease (deploy renders, plans, pre-flights
// and dry-runs; promote and rollback check the stored release's needs), then names its column and
// leaves the rest to the dispatcher (dispatch.ts), which carries out the cell.
import { type Cluster, workloadKey, KubeApiError, type KubeObject } from '../../kube/types.ts';
import type { ManifestSet, SourcedObject } from '../../manifests/types.ts';
import type { RolloutRecord } from '../../record/types.ts';
import { allOrInputErrors, InputError } from '../../errors.ts';
import { preflight } from '../../preflight/index.ts';
import { rulesReviews, type RulesReviews } from '../../preflight/rules-review.ts';
import { checkBeforeLock, readLiveChecked } from './before-lock.ts';
import { strategyFor } from '../../strategies/index.ts';
import { prepareForAutoscalers } from '../objects/autoscaler.ts';
import { carryOut, dispatch, dispatchReadOnly } from '../lifecycle/dispatch.ts';
import { dryRunAll, type DryRunResult } from '../prepare/dry-run.ts';
import { changeProbes, findChanges } from '../prepare/changes.ts';
import { releaseScope } from '../../strategies/scope.ts';
import { asBeforeUnfinished } from '../prepare/unfinished.ts';
import { hasReadableState } from '../../state/release-state.ts';
import { transitionFor, writes } from '../lifecycle/lifecycle.ts';
import { nothingToUndo, type FreshRelease } from '../lifecycle/release-flows.ts';
import { phaseOf } from '../lifecycle/find-release.ts';
import { isLaterRun } from '../../record/workflow-run.ts';
import { readCurrent, releaseName } from '../run/run-context.ts';

export { releaseName } from '../run/run-context.ts';
export type { ReleaseDeps } from '../run/deps.ts';
import type { ReleaseDeps } from '../run/deps.ts';

export async function deploy(deps: ReleaseDeps): Promise<RolloutRecord> {
  if (!deps.manifests) throw new Error("action 'deploy' needs the 'manifests' input");
  const name = releaseName(deps.config, deps.manifests);
  const fresh = await prepareRelease(deps, name, deps.manifests);
  const { version } = fresh.manifests;
  return dispatch(
    deps,
    name,
    (stored) =>
      isLaterRun(stored?.state.startedBy, deps.workflowRun)
        ? 'deploy-older'
        : stored?.state.newVersion === version && stored.state.strategy === fresh.strategy
          ? 'deploy-same'
          : 'deploy-other',
    {
      fresh,
      beforeLock: () => ensureReleaseNamespace(deps.cluster, fresh.manifests, deps.config.namespace),
      current: (cluster) => readCurrent(cluster, fresh.manifests),
    },
  );
}

/**
 * Reads what runs now, finds which workloads change (a server dry run), plans, and checks
 * everything (pre-flight) before the Lease.
 */
async function prepareRelease(deps: ReleaseDeps, name: string, given: ManifestSet): Promise<FreshRelease> {
  const { config, cluster } = deps;
  // Asked now, read by the pre-flight once the plan is known: one round trip less before the first write.
  const reviews = rulesReviews(cluster);
  void reviews.rulesIn(config.namespace);
  const reading = readLiveChecked(deps, name, given);
  // HPAs own the replica counts of the workloads they target (see autoscaler.ts).
  const { manifests: sized, notes } = await prepareForAutoscalers(cluster, given, config.namespace, reading);
  // A Deployment killed half-way with its state lost counts from the revision before (unfinished.ts).
  const unfinished = await asBeforeUnfinished(
    cluster,
    await reading,
    async () => !(await hasReadableState(cluster, config.namespace, name)),
  );
  const { live } = unfinished;
  const requested = strategyFor(config.strategy);
  const first = requested.plan(config, sized, { workloads: live });
  const probes = changeProbes(sized.workloads, first.workloads, live, config.versionLabel);
  const dryRun = await dryRunOrPreflight(deps, name, sized, live, probes, reviews);
  const { manifests, changed, changes } = findChanges(sized, live, dryRun, probes);
  const copies = requested.copySuffix !== undefined;
  const scope = releaseScope(config, manifests, live, changed, copies);
  // A canary or blue-green with nothing to copy (a first release, say) is a plain rolling update.
  const cannotRun = requested.cannotRun?.(scope, manifests);
  const strategy = cannotRun ? 'rolling' : config.strategy;
  const plan = strategyFor(strategy).plan(config, manifests, { workloads: live, scope });
  await preflight({ ...deps, reviews }, plan.strategy, manifests, { name, live, scope });
  // One change per workload, in the manifests' order.
  const withWhy = changes.map((c, i) => {
    const why = scope.inPlace.get(workloadKey(manifests.workloads[i]!.object));
    return why && !cannotRun ? { ...c, how: `in place: ${why}` } : c;
  });
  return {
    manifests,
    live,
    strategy,
    dryRun,
    notes: [
      ...notes,
      ...unfinished.notes,
      ...(cannotRun ? [`${cannotRun}, so it was applied with a plain rolling update`] : []),
    ],
    scope,
    changes: withWhy,
  };
}

/**
 * The server's dry run of every object (workloads as they run now: see changes.ts). When it finds
 * problems, or may not run, the pre-flight runs too, so every problem is reported at once (the
 * pre-flight's first, with everything the credentials may not do).
 */
async function dryRunOrPreflight(
  deps: ReleaseDeps,
  name: string,
  manifests: ManifestSet,
  live: Map<string, KubeObject | undefined>,
  probes: Map<SourcedObject, KubeObject>,
  reviews: RulesReviews,
): Promise<DryRunResult[]> {
  try {
    return await dryRunAll(deps.cluster, manifests.objects, probes);
  } catch (err) {
    if (!(err instanceof InputError || (err instanceof KubeApiError && err.code === 403))) throw err;
    allOrInputErrors(
      await Promise.allSettled([
        preflight({ ...deps, reviews }, deps.config.strategy, manifests, { name, live }),
        Promise.reject(err),
      ]),
    );
    throw err;
  }
}

/**
 * The lock and the state live in the release's namespace: a first release whose manifests bring
 * that Namespace creates it before taking the lock (everything else waits for the lock).
 */
async function ensureReleaseNamespace(
  cluster: Cluster,
  manifests: ManifestSet,
  namespace: string,
): Promise<void> {
  const own = manifests.objects.find(
    (o) => o.object.kind === 'Namespace' && o.object.metadata.name === namespace,
  );
  if (!own || (await cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: namespace }))) return;
  await cluster.apply(own.object);
}

/** Continues a paused release from its stored step (or to the end with `promote-full`). */
export async function promote(deps: ReleaseDeps): Promise<RolloutRecord> {
  const name = releaseName(deps.config, deps.manifests);
  const answered = await answerBeforeLock(deps, name, 'promote');
  return answered ?? dispatch(deps, name, () => 'promote');
}

/** Unfinished releases return to stable; finished ones undo to the stable version (or `to-revision`). */
export async function rollback(deps: ReleaseDeps): Promise<RolloutRecord> {
  const name = releaseName(deps.config, deps.manifests);
  const answered = await answerBeforeLock(deps, name, 'rollback');
  return answered ?? dispatch(deps, name, () => 'rollback');
}

export function status(deps: ReleaseDeps): Promise<RolloutRecord> {
  return dispatchReadOnly(deps, releaseName(deps.config, deps.manifests), 'status');
}

/**
 * The post step of a main step that did not finish: the release it worked on is recovered as the
 * table's `cancel` column says. The post step runs as the main step's Lease holder, so it takes
 * that Lease back at once; it never waits for another run's.
 */
export function cancel(deps: ReleaseDeps, name: string): Promise<RolloutRecord> {
  return dispatch({ ...deps, config: { ...deps.config, lockTimeoutMs: 0 } }, name, () => 'cancel');
}

/**
 * Promote and rollback check, before the Lease, what the stored release needs (pre-flight). A
 * release nobody recorded, with nothing to act on, is answered there: a refusal costs no write.
 */
async function answerBeforeLock(
  deps: ReleaseDeps,
  name: string,
  request: 'promote' | 'rollback',
): Promise<RolloutRecord | undefined> {
  const found = await checkBeforeLock(deps, name, request);
  if (phaseOf(found) !== 'none') return undefined;
  const t = transitionFor('none', request);
  if (!writes(t)) return carryOut(t, { deps, name, request, stored: undefined });
  // Undo needs the workloads: from the manifests, since nothing is stored.
  if (t.kind === 'undo' && !deps.manifests) throw nothingToUndo(name, deps.config.namespace);
  return undefined;
}
