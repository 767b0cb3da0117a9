// The actions (deploy, promote, rollback, status) as flows over the cluster: validate and dry-run
// before the first write, take the app's lock, look up what the stored release and the requested
// action call for in the lifecycle table (lifecycle.ts), carry it out, and leave a RolloutRecord
// for the reporters.
import type { Cluster } from '../kube/types.ts';
import type { ManifestSet } from '../manifests/types.ts';
import type { ReleaseResult, RolloutRecord } from '../record/types.ts';
import { allOrInputErrors } from '../errors.ts';
import { preflight } from '../preflight/index.ts';
import { rulesReviews } from '../preflight/rules-review.ts';
import { loadReleaseState } from '../state/release-state.ts';
import { checkBeforeLock, readLiveChecked } from './before-lock.ts';
import { strategyFor } from '../strategies/index.ts';
import { workloadKey } from '../strategies/types.ts';
import { prepareForAutoscalers } from './autoscaler.ts';
import { dryRunAll } from './dry-run.ts';
import { transitionFor, type StoredPhase, type Transition } from './lifecycle.ts';
import { readLockInfo } from './lock.ts';
import {
  nothingToUndo,
  REQUESTED_ROLLBACK,
  restoreStable,
  resumeStored,
  startRelease,
  undoFinished,
  type Stored,
} from './release-flows.ts';
import { finish, newRecord, releaseName } from './run-context.ts';
import { withRunLock } from './run-lock.ts';

export { releaseName, storedManifests } from './run-context.ts';
export type { ReleaseDeps } from './deps.ts';
import type { ReleaseDeps } from './deps.ts';

function phaseOf(stored: Stored): StoredPhase {
  return stored?.state.phase ?? 'none';
}

export async function deploy(deps: ReleaseDeps): Promise<RolloutRecord> {
  const { config, cluster } = deps;
  if (!deps.manifests) throw new Error("action 'deploy' needs the 'manifests' input");
  const name = releaseName(config, deps.manifests);
  // Asked now, read by the pre-flight once the plan is known: one round trip less before the first write.
  const reviews = rulesReviews(cluster);
  void reviews.rulesIn(config.namespace);
  const reading = readLiveChecked(deps, name, deps.manifests);
  // HPAs own the replica counts of the workloads they target (see autoscaler.ts).
  const { manifests, notes } = await prepareForAutoscalers(
    cluster,
    deps.manifests,
    config.namespace,
    reading,
  );
  const live = await reading;
  // A first release has no stable version to compare against or fall back to: it is applied directly.
  const firstLive = live.get(workloadKey(manifests.workloads[0].object));
  const fallback = strategyFor(config.strategy).firstReleaseFallback;
  const strategy = fallback && !firstLive ? fallback : config.strategy;
  const plan = strategyFor(strategy).plan(config, manifests, { workloads: live });
  const overrides = new Map(manifests.workloads.map((w, i) => [w, plan.workloads[i]]));
  // The server's dry run goes out beside the pre-flight checks (it persists nothing); every
  // problem of both is reported at once, the pre-flight's first.
  const [, dryRun] = allOrInputErrors(
    await Promise.allSettled([
      preflight({ ...deps, reviews }, plan.strategy, manifests, { name, live }),
      dryRunAll(cluster, manifests.objects, overrides),
    ]),
  );
  deps.onStarted?.(name, config.namespace);
  await ensureReleaseNamespace(cluster, manifests, config.namespace);

  return withRunLock(deps, name, async (run) => {
    const stored = await loadReleaseState(run.cluster, config.namespace, name, run.secretStore);
    const same = stored?.state.newVersion === manifests.version && stored.state.strategy === strategy;
    const t = transitionFor(phaseOf(stored), same ? 'deploy-same' : 'deploy-other');
    const fresh = { manifests, live, strategy, dryRun, notes };
    switch (t.kind) {
      case 'start':
        return startRelease(deps, run, { ...fresh, stored });
      case 'resume':
        return resumeStored(deps, run, stored!);
      case 'supersede': {
        // As it was before being returned to stable, for the new release's report.
        const old = { ...stored!.state };
        deps.log.info(
          `superseding release ${old.newVersion} of ${name} (${old.phase}) with ${manifests.version}`,
        );
        const restored = await restoreStable(deps, run, stored!, `superseded by ${manifests.version}`);
        // A failed first release has nothing to return to; the new version replaces it all the same.
        if (restored.record.result !== 'rolled-back' && old.stableVersion) return restored.record;
        return startRelease(deps, run, { ...fresh, stored: restored.stored, superseded: old });
      }
      case 'restore-stable':
        return (await restoreStable(deps, run, stored!, 'finishing the rollback of a run that died')).record;
      case 'report':
      case 'undo':
        return reportOnly(deps, name, stored, t);
    }
  });
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
  const unknown = answerUnknown(deps, name, 'promote', await checkBeforeLock(deps, name, 'promote'));
  if (unknown) return unknown;
  deps.onStarted?.(name, deps.config.namespace);
  return withRunLock(deps, name, async (run) => {
    const stored = await loadReleaseState(run.cluster, deps.config.namespace, name, run.secretStore);
    const t = transitionFor(phaseOf(stored), 'promote');
    if (t.kind === 'resume') return resumeStored(deps, run, stored!);
    if (t.kind === 'restore-stable')
      return (await restoreStable(deps, run, stored!, 'finishing the rollback of a run that died')).record;
    return reportOnly(deps, name, stored, t);
  });
}

export async function rollback(deps: ReleaseDeps): Promise<RolloutRecord> {
  const name = releaseName(deps.config, deps.manifests);
  const unknown = answerUnknown(deps, name, 'rollback', await checkBeforeLock(deps, name, 'rollback'));
  if (unknown) return unknown;
  deps.onStarted?.(name, deps.config.namespace);
  return withRunLock(deps, name, async (run) => {
    const stored = await loadReleaseState(run.cluster, deps.config.namespace, name, run.secretStore);
    const t = transitionFor(phaseOf(stored), 'rollback');
    if (t.kind === 'undo') return undoFinished(deps, run, name, stored);
    if (t.kind === 'restore-stable') {
      if (deps.config.toRevision)
        deps.log.warn(
          `'to-revision' is ignored: release ${name} is unfinished, so it returns to its stable version`,
        );
      return (await restoreStable(deps, run, stored!, REQUESTED_ROLLBACK)).record;
    }
    return reportOnly(deps, name, stored, t);
  });
}

/**
 * The post step after a cancelled job: an unfinished release of this job goes back to stable; a
 * release that ended (or that another run owns now) is left alone.
 */
export async function recoverAfterCancel(
  deps: ReleaseDeps,
  name: string,
): Promise<RolloutRecord | undefined> {
  return withRunLock(deps, name, async (run) => {
    const stored = await loadReleaseState(run.cluster, deps.config.namespace, name, run.secretStore);
    const phase = phaseOf(stored);
    if (phase !== 'progressing' && phase !== 'rolling-back') {
      deps.log.info(`release ${name} is ${phase}: nothing to recover`);
      return undefined;
    }
    return (await restoreStable(deps, run, stored!, 'the workflow was cancelled')).record;
  });
}

/**
 * Promote or rollback of a release nobody recorded (`stored`: as read before the Lease), with
 * nothing to act on, is answered before the Lease is taken (a refusal costs no write). A rollback
 * with manifests undoes to the previous revision under the lock as usual.
 */
function answerUnknown(
  deps: ReleaseDeps,
  name: string,
  action: 'promote' | 'rollback',
  stored: Stored,
): RolloutRecord | undefined {
  if (action === 'rollback' && deps.manifests) return undefined;
  if (stored) return undefined;
  const t = transitionFor('none', action);
  if (t.kind === 'undo') throw nothingToUndo(name, deps.config.namespace);
  return t.kind === 'report' ? reportOnly(deps, name, undefined, t) : undefined;
}

/** A transition that changes nothing: the stored record (or an empty one) with the stored result. */
function reportOnly(deps: ReleaseDeps, name: string, stored: Stored, t: Transition): RolloutRecord {
  const now = deps.now ?? (() => new Date());
  const phase = phaseOf(stored);
  const why = t.kind === 'report' ? t.why : 'nothing to do';
  const message = `release ${name} in namespace ${deps.config.namespace} is ${phase === 'none' ? 'not recorded' : phase}: ${why}`;
  deps.log.info(message);
  const record = stored
    ? { ...stored.state.record, action: deps.config.action, notes: [...stored.state.record.notes, message] }
    : { ...newRecord(deps, name, deps.manifests?.version ?? 'none', now()), notes: [message] };
  const result = t.kind === 'report' && t.result !== 'phase' ? t.result : (phase as ReleaseResult);
  if (stored?.state.servingVersion) record.servingVersion = stored.state.servingVersion;
  if (t.kind === 'report' && t.fails) record.rollbackReason ??= message;
  return finish(record, result, now());
}

export async function status(deps: ReleaseDeps): Promise<RolloutRecord> {
  const name = releaseName(deps.config, deps.manifests);
  const { namespace } = deps.config;
  const stored = await loadReleaseState(deps.cluster, namespace, name);
  const now = deps.now ?? (() => new Date());
  if (!stored) return reportOnly(deps, name, stored, transitionFor('none', 'status'));
  const { state } = stored;
  const record: RolloutRecord = { ...state.record, action: 'status', notes: [...state.record.notes] };
  record.result = state.phase;
  if (state.servingVersion) record.servingVersion = state.servingVersion;
  const lock = await readLockInfo(deps.cluster, namespace, name, now().getTime());
  if (lock) record.lock = lock;
  const unfinished = state.phase === 'progressing' || state.phase === 'rolling-back';
  if (lock && !lock.expired)
    record.notes.push(`run ${lock.holder} holds the release lock (renewed until ${lock.expiresAt})`);
  else if (unfinished)
    record.notes.push(
      `the run that was ${state.phase} ${state.newVersion} ${lock ? `(${lock.holder}) stopped renewing its lock, which expired at ${lock.expiresAt}` : 'is gone'}: the next deploy, promote or rollback takes the release over`,
    );
  deps.log.info(`release ${name}: ${state.phase} (serving ${record.servingVersion ?? 'unknown'})`);
  if (lock || unfinished) deps.log.info(record.notes.at(-1)!);
  return record;
}
