// The transitions of the lifecycle table that change the cluster: start a release, resume a stored
// one, return an unfinished one to stable, undo a finished one. Each runs under the release lock
// (RunLock) and writes the state only over the version it read.
import type { KubeObject } from '../kube/types.ts';
import type { ManifestSet } from '../manifests/types.ts';
import {
  REQUESTED_ROLLBACK,
  type ReleaseResult,
  type ReleaseState,
  type RolloutRecord,
} from '../record/types.ts';
import { inheritedGitHubLinks } from '../record/github-links.ts';
import { loadReleaseState, saveReleaseState } from '../state/release-state.ts';
import type { StrategyName } from '../config/types.ts';
import { workloadKey } from '../strategies/types.ts';
import { skipToPromotion } from '../strategies/promote-full.ts';
import type { DryRunResult } from './dry-run.ts';
import { rollBack, runPlan, stampState } from './executor.ts';
import { handlersFor } from './handlers/index.ts';
import { restoreSnapshotObjects } from './handlers/native.ts';
import type { ReleaseDeps } from './deps.ts';
import {
  buildContext,
  finish,
  newRecord,
  releaseSettings,
  releaseWorkloads,
  snapshotStable,
  storedManifests,
} from './run-context.ts';
import { recordWeight } from '../record/steps.ts';
import type { RunLock } from './run-lock.ts';
import { undoTargets, undoWorkloads } from './undo.ts';
import { readLive, revisionOf, versionOf } from './workloads.ts';

export type Stored = Awaited<ReturnType<typeof loadReleaseState>>;

const clock = (deps: ReleaseDeps) => deps.now ?? (() => new Date());
export { REQUESTED_ROLLBACK } from '../record/types.ts';

export interface StartOptions {
  manifests: ManifestSet;
  live: Map<string, KubeObject | undefined>;
  strategy: StrategyName;
  dryRun: DryRunResult[];
  /** The state this run read (its resourceVersion is where the first write goes). */
  stored: Stored;
  /** The release this one replaces: its stable snapshot is the one to start from. */
  superseded?: ReleaseState;
  /** What the checks before the run found (HPAs, disruption budgets: autoscaler.ts). */
  notes?: string[];
}

/** Every workload's dry-run shows no change from what runs now. */
function nothingToRollOut(opts: StartOptions): boolean {
  return opts.dryRun
    .filter((r) => opts.manifests.workloads.includes(r.source))
    .every((r) => {
      const before = opts.live.get(workloadKey(r.source.object));
      return before && r.result && r.result.metadata.generation === before.metadata.generation;
    });
}

export async function startRelease(
  deps: ReleaseDeps,
  run: RunLock,
  opts: StartOptions,
): Promise<RolloutRecord> {
  const { config } = deps;
  const now = clock(deps);
  const { manifests, superseded } = opts;
  const name = opts.stored?.state.name ?? deps.config.name ?? manifests.workloads[0].object.metadata.name!;
  const record = newRecord(deps, name, manifests.version, now());
  record.strategy = opts.strategy;
  record.notes.push(...(opts.notes ?? []));
  if (opts.strategy !== config.strategy) {
    record.notes.push(
      `first release of ${name}: there is no stable version yet, so it was applied with a plain rolling update`,
    );
  }
  const firstLive = opts.live.get(workloadKey(manifests.workloads[0].object));
  const previousVersion = superseded ? superseded.stableVersion : versionOf(firstLive, config.versionLabel);
  if (previousVersion) {
    record.previousVersion = previousVersion;
    record.servingVersion = previousVersion;
  }
  if (superseded) {
    record.supersededVersion = superseded.newVersion;
    record.notes.push(
      `superseded ${superseded.newVersion} (${superseded.phase} at step ${superseded.currentStep + 1}): traffic went back to ${superseded.stableVersion ?? 'stable'} and its copies were removed before ${manifests.version} started`,
    );
  } else if (nothingToRollOut(opts)) {
    deps.log.info(`every workload already runs this template: nothing to roll out`);
    record.revision = revisionOf(firstLive);
    return finish(record, 'unchanged', now());
  }
  // GitHub deployments and the PR comment follow the release (src/record/github-links.ts).
  const github = inheritedGitHubLinks(opts.stored?.state.record, record);
  if (github) record.github = github;
  const snapshot = superseded?.stableSnapshot ?? (await snapshotStable(run.cluster, manifests, opts.live));
  const state: ReleaseState = {
    schema: 1,
    name,
    phase: 'progressing',
    strategy: opts.strategy,
    ...(record.traffic ? { traffic: record.traffic } : {}),
    ...(previousVersion ? { stableVersion: previousVersion, servingVersion: previousVersion } : {}),
    newVersion: manifests.version,
    currentStep: 0,
    canaryWeight: 0,
    rendered: manifests.objects.map((o) => o.object),
    settings: releaseSettings(config),
    stableSnapshot: snapshot,
    updatedAt: now().toISOString(),
    ...(deps.runUrl ? { runUrl: deps.runUrl } : {}),
    record,
  };
  const ctx = buildContext(deps, run, manifests, state, opts.stored?.resourceVersion);
  return finish(record, await runPlan(ctx, handlersFor(ctx.plan)), now());
}

/** Steps a run that died left `running` are marked interrupted; the takeover is noted. */
function noteTakeover(deps: ReleaseDeps, run: RunLock, state: ReleaseState): void {
  if (state.phase !== 'progressing' && state.phase !== 'rolling-back') return;
  const at = clock(deps)().toISOString();
  for (const step of state.record.steps) {
    if (step.verdict !== 'running') continue;
    step.verdict = 'interrupted';
    step.finishedAt = at;
    step.detail = 'the run doing this step stopped before it ended';
  }
  const previous = run.lock.tookOverFrom ?? state.holder;
  state.record.notes.push(
    `took over ${state.phase} release ${state.newVersion} from ${previous ?? 'a run that stopped'} (its lock had expired)`,
  );
}

/** Continues the stored release at its stored step; `promote-full` skips the remaining steps. */
export async function resumeStored(
  deps: ReleaseDeps,
  run: RunLock,
  stored: NonNullable<Stored>,
): Promise<RolloutRecord> {
  const { state } = stored;
  noteTakeover(deps, run, state);
  state.record.action = deps.config.action;
  deps.log.info(`continuing release ${state.newVersion} of ${state.name} at step ${state.currentStep + 1}`);
  const ctx = buildContext(deps, run, storedManifests(state), state, stored.resourceVersion);
  if (deps.config.action === 'promote' && deps.config.promoteFull)
    ctx.plan = skipToPromotion(ctx.plan, state.currentStep);
  return finish(state.record, await runPlan(ctx, handlersFor(ctx.plan)), clock(deps)());
}

/** Returns an unfinished (or failed) release to stable; `stored` is then the state as written. */
export async function restoreStable(
  deps: ReleaseDeps,
  run: RunLock,
  stored: NonNullable<Stored>,
  reason: string,
): Promise<{ record: RolloutRecord; stored: NonNullable<Stored> }> {
  const { state } = stored;
  noteTakeover(deps, run, state);
  state.record.action = deps.config.action;
  deps.log.info(
    `returning release ${state.newVersion} of ${state.name} to ${state.stableVersion ?? 'stable'}: ${reason}`,
  );
  const ctx = buildContext(deps, run, storedManifests(state), state, stored.resourceVersion);
  const handlers = handlersFor(ctx.plan);
  let result: ReleaseResult;
  try {
    result = await rollBack(
      ctx,
      handlers,
      reason,
      reason === REQUESTED_ROLLBACK ? 'rollback (requested)' : 'rollback',
    );
  } finally {
    handlers.dispose?.();
  }
  return {
    record: finish(state.record, result, clock(deps)()),
    stored: { state, resourceVersion: ctx.stateVersion ?? '' },
  };
}

/**
 * `rollback` of a finished release: its workloads go back to the stable version (or `to-revision`)
 * like `kubectl rollout undo`; nothing changes when the cluster already serves the stable version.
 */
export function nothingToUndo(name: string, namespace: string): Error {
  return new Error(
    `no release named '${name}' is recorded in namespace '${namespace}', and no 'manifests' were given to find its workloads: nothing to roll back`,
  );
}

export async function undoFinished(
  deps: ReleaseDeps,
  run: RunLock,
  name: string,
  stored: Stored,
): Promise<RolloutRecord> {
  const { config, log } = deps;
  const now = clock(deps);
  const workloads = releaseWorkloads(deps, stored?.state);
  if (workloads.length === 0) throw nothingToUndo(name, config.namespace);
  const live = await readLive(run.cluster, workloads);
  const served = versionOf(live.get(workloadKey(workloads[0])), config.versionLabel);
  const state = stored?.state;
  const stable = state?.stableVersion;
  const record = state ? state.record : newRecord(deps, name, served ?? 'unknown', now());
  record.action = 'rollback';
  if (!state) record.previousVersion = served;
  let result: ReleaseResult;
  let version = stored?.resourceVersion;
  if (!config.toRevision && stable && served === stable) {
    const message = `${name} already serves ${stable}, the stable version: nothing to roll back`;
    log.info(message);
    record.notes.push(message);
    record.servingVersion = served;
    result = 'unchanged';
  } else {
    const ctx = { cluster: run.cluster, config, log, signal: run.signal, now };
    const to = config.toRevision ? undefined : stable;
    const targets = await undoTargets(ctx, workloads, to);
    // Said before it starts: a run that takes over from one that died half-way finishes it.
    if (stored && state) version = await saveUndo(deps, run, state, record, 'rolling-back', version);
    const label = config.toRevision
      ? `rollback to revision ${config.toRevision}`
      : `rollback to ${to ?? 'the previous revision'}`;
    result = await undoWorkloads(ctx, targets, record, label);
    if (result === 'rolled-back' && state && !config.toRevision)
      await restoreSnapshotObjects(ctx, state.stableSnapshot);
    if (result === 'rolled-back') record.rollbackReason = REQUESTED_ROLLBACK;
    if (result === 'rolled-back' && record.traffic) recordWeight(record, 0, now());
  }
  if (stored && state && (result !== 'unchanged' || state.phase === 'promoted'))
    await saveUndo(deps, run, state, record, result === 'failed' ? 'failed' : 'rolled-back', version);
  return finish(record, result, now());
}

/** The state of an undone release, written over the version this run last saw; returns the new one. */
async function saveUndo(
  deps: ReleaseDeps,
  run: RunLock,
  state: ReleaseState,
  record: RolloutRecord,
  phase: ReleaseState['phase'],
  expected: string | undefined,
): Promise<string> {
  if (phase === 'rolling-back') record.rollbackReason = REQUESTED_ROLLBACK;
  stampState(state, record, { phase, holder: deps.holder, now: clock(deps)() });
  return saveReleaseState(run.cluster, state, deps.config.namespace, expected, {
    redactRecord: deps.redactRecord,
    store: run.secretStore,
  });
}
