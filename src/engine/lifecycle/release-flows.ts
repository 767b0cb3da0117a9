// The transitions of the lifecycle table that change the cluster: start a release, resume a stored
// one, return an unfinished one to stable, undo a finished one. Each runs under the release lock
// (RunLock) and writes the state only over the version it read.
import { type KubeObject, workloadKey } from '../../kube/types.ts';
import type { ManifestSet } from '../../manifests/types.ts';
import {
  REQUESTED_ROLLBACK,
  type ReleaseResult,
  type ReleaseState,
  type RolloutRecord,
  type WorkloadChange,
} from '../../record/types.ts';
import { inheritedGitHubLinks } from '../../record/github-links.ts';
import { reportOf } from '../../record/report.ts';
import { changedAmong, storedScope, type ReleaseScope } from '../../strategies/scope.ts';
import { strategyFor } from '../../strategies/index.ts';
import { routerDefinition } from '../../traffic/index.ts';
import { findLanesIn } from '../../traffic/lanes.ts';
import { isUnchanged } from '../prepare/diff.ts';
import { loadReleaseState, saveReleaseState } from '../../state/release-state.ts';
import type { StrategyName } from '../../config/types.ts';
import { skipToPromotion } from '../../strategies/promote-full.ts';
import type { DryRunResult } from '../prepare/dry-run.ts';
import type { RestoreCause } from './lifecycle.ts';
import { rollBack, runPlan, saveState, stampState } from '../steps/executor.ts';
import { noLongerListed, noteUnlisted, pruneUnlisted } from '../steps/prune.ts';
import { handlersFor } from '../steps/handlers/index.ts';
import { restoreSnapshotObjects } from '../steps/handlers/native.ts';
import type { ReleaseDeps } from '../run/deps.ts';
import { noOpProofs } from '../objects/no-op-apply.ts';
import {
  buildContext,
  draftState,
  finish,
  readCurrent,
  releaseSettings,
  releaseWorkloads,
  snapshotStable,
  storedManifests,
} from '../run/run-context.ts';
import { recordWeight } from '../../record/steps.ts';
import type { RunLock } from '../run/run-lock.ts';
import { undoTargets, undoWorkloads } from '../steps/undo.ts';
import { readLive, revisionOf, versionOf } from '../objects/workloads.ts';
import { snapshotCopy } from '../../state/release-state.ts';

export type Stored = Awaited<ReturnType<typeof loadReleaseState>>;

const clock = (deps: ReleaseDeps) => deps.now ?? (() => new Date());

/** A deploy's release, rendered, planned and checked before the Lease (deploy in release.ts). */
export interface FreshRelease {
  manifests: ManifestSet;
  live: Map<string, KubeObject | undefined>;
  strategy: StrategyName;
  dryRun: DryRunResult[];
  /** What the checks before the run found (HPAs, disruption budgets: autoscaler.ts). */
  notes?: string[];
  /** Which workloads change and which run as copies. */
  scope: ReleaseScope;
  /** Per workload, for the report. */
  changes: WorkloadChange[];
}

export interface StartOptions extends FreshRelease {
  /** The state this run read (its resourceVersion is where the first write goes). */
  stored: Stored;
  /** The release this one replaces: its stable snapshot is the one to start from. */
  superseded?: ReleaseState;
  /**
   * The objects as read under the Lease beside the stored release (nothing was written since);
   * undefined: read them now.
   */
  current?: Promise<Map<string, KubeObject>>;
}

/**
 * Nothing would change: no pod template, and every object's dry run equals what runs now (`live`:
 * the live copy of every object of the manifests).
 */
function nothingToRollOut(opts: StartOptions, live: KubeObject[]): boolean {
  if (opts.scope.changed.size > 0) return false;
  const current = new Map(live.map((o) => [workloadKey(o), o] as const));
  return opts.dryRun.every(({ source, result }) => {
    const before = current.get(workloadKey(source.object));
    return before !== undefined && result !== undefined && isUnchanged(before, result);
  });
}

/**
 * Services outside the manifests that front a workload released as a copy: the router changes
 * them, so the snapshot keeps them (later runs find them there, a rollback restores them).
 */
async function runningLaneServices(
  deps: ReleaseDeps,
  run: RunLock,
  opts: StartOptions,
): Promise<KubeObject[]> {
  const strategy = strategyFor(opts.strategy);
  if (!strategy.movesTraffic || opts.scope.progressive.size === 0) return [];
  const progressive = opts.manifests.workloads.filter((w) =>
    opts.scope.progressive.has(workloadKey(w.object)),
  );
  const { lanes } = await findLanesIn(run.cluster, {
    router: routerDefinition(deps.config.traffic),
    config: deps.config,
    manifests: opts.manifests,
    progressive,
  });
  const inManifests = new Set(opts.manifests.objects.map((o) => workloadKey(o.object)));
  return lanes.flatMap((lane) =>
    lane.service && !inManifests.has(workloadKey(lane.service)) ? [snapshotCopy(lane.service)] : [],
  );
}

/** The version served before: that of the first changed workload that runs already. */
function servedBefore(opts: StartOptions, versionLabel: string): string | undefined {
  const keys = opts.manifests.workloads.map((w) => workloadKey(w.object));
  const first = keys.find((k) => opts.scope.running.has(k)) ?? keys[0];
  return versionOf(first ? opts.live.get(first) : undefined, versionLabel);
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
  const state = draftState(deps, name, manifests.version, now());
  const { record } = state;
  state.strategy = opts.strategy;
  record.notes.push(...(opts.notes ?? []));
  record.workloads = opts.changes;
  const previousVersion = superseded ? superseded.stableVersion : servedBefore(opts, config.versionLabel);
  if (previousVersion) {
    record.previousVersion = previousVersion;
    Object.assign(state, { stableVersion: previousVersion, servingVersion: previousVersion });
  }
  if (superseded) {
    record.supersededVersion = superseded.newVersion;
    record.notes.push(
      `superseded ${superseded.newVersion} (${superseded.phase} at step ${superseded.currentStep + 1}): traffic went back to ${superseded.stableVersion ?? 'stable'} and its copies were removed before ${manifests.version} started`,
    );
  }
  // Read under the Lease, after the dry runs: the snapshot's other objects, and the no-op proofs.
  const current = await (opts.current ?? readCurrent(run.cluster, manifests));
  const snapshot = superseded?.stableSnapshot ?? [
    ...snapshotStable(manifests, opts.live, current),
    ...(await runningLaneServices(deps, run, opts)),
  ];
  if (!superseded && nothingToRollOut(opts, snapshot)) {
    deps.log.info(`every object already runs as given: nothing to roll out`);
    record.revision = revisionOf(opts.live.get(workloadKey(manifests.workloads[0].object)));
    return finish(state, 'unchanged', now());
  }
  // GitHub deployments and the PR comment follow the release (src/record/github-links.ts).
  const github = inheritedGitHubLinks(opts.stored && reportOf(opts.stored.state), record);
  if (github) record.github = github;
  Object.assign(state, {
    rendered: manifests.objects.map((o) => o.object),
    settings: releaseSettings(config),
    stableSnapshot: snapshot,
    scope: storedScope(opts.scope),
    ...(deps.workflowRun ? { startedBy: deps.workflowRun } : {}),
  });
  const unlisted = noLongerListed(opts.stored?.state, manifests);
  noteUnlisted(record, unlisted, config.prune);
  if (unlisted.length) state.leftRunning = unlisted;
  const proofs = noOpProofs(opts.dryRun, current);
  const ctx = buildContext(deps, run, manifests, state, opts.stored?.resourceVersion, proofs);
  const result = await runPlan(ctx, handlersFor(ctx.plan));
  if (result === 'promoted' && config.prune && unlisted.length) {
    await pruneUnlisted(ctx, unlisted);
    await saveState(ctx);
  }
  return finish(state, result, now());
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
  if (stored.lostSecrets)
    throw new Error(
      `release ${state.newVersion} of ${state.name} cannot continue: ${stored.lostSecrets.join('; ')}. Run \`action: rollback\` (it returns to stable without them), or deploy again`,
    );
  noteTakeover(deps, run, state);
  state.record.action = deps.config.action;
  deps.log.info(`continuing release ${state.newVersion} of ${state.name} at step ${state.currentStep + 1}`);
  const ctx = buildContext(deps, run, storedManifests(state), state, stored.resourceVersion);
  if (deps.config.action === 'promote' && deps.config.promoteFull)
    ctx.plan = skipToPromotion(ctx.plan, state.currentStep);
  return finish(state, await runPlan(ctx, handlersFor(ctx.plan)), clock(deps)());
}

/** What a return to stable says, by why it happens (the lifecycle table's cause). */
const RESTORE_WORDING: Record<RestoreCause, { reason: string; label: string }> = {
  requested: { reason: REQUESTED_ROLLBACK, label: 'rollback (requested)' },
  takeover: { reason: 'finishing the rollback of a run that died', label: 'rollback' },
  cancelled: { reason: 'the workflow was cancelled', label: 'rollback (cancelled)' },
};

/** Returns an unfinished (or failed) release to stable; `stored` is then the state as written. */
export async function restoreStable(
  deps: ReleaseDeps,
  run: RunLock,
  stored: NonNullable<Stored>,
  cause: RestoreCause | { reason: string; label: string },
): Promise<{ record: RolloutRecord; stored: NonNullable<Stored> }> {
  const { state } = stored;
  const { reason, label } = typeof cause === 'string' ? RESTORE_WORDING[cause] : cause;
  if (cause === 'requested' && deps.config.toRevision)
    deps.log.warn(
      `'to-revision' is ignored: release ${state.name} is unfinished, so it returns to its stable version`,
    );
  noteTakeover(deps, run, state);
  state.record.action = deps.config.action;
  if (cause === 'cancelled') state.record.cancelled = true;
  for (const lost of stored.lostSecrets ?? []) state.record.notes.push(`not restored: ${lost}`);
  deps.log.info(
    `returning release ${state.newVersion} of ${state.name} to ${state.stableVersion ?? 'stable'}: ${reason}`,
  );
  const ctx = buildContext(deps, run, storedManifests(state), state, stored.resourceVersion);
  const handlers = handlersFor(ctx.plan);
  let result: ReleaseResult;
  try {
    result = await rollBack(ctx, handlers, reason, label);
  } finally {
    handlers.dispose?.();
  }
  return {
    record: finish(state, result, clock(deps)()),
    stored: { state, resourceVersion: ctx.stateVersion ?? '' },
  };
}

/**
 * A new version replaces an unfinished (or failed) one: the stored release goes back to stable,
 * then the new one starts from step 1 against the original stable snapshot.
 */
export async function supersede(
  deps: ReleaseDeps,
  run: RunLock,
  stored: NonNullable<Stored>,
  fresh: FreshRelease,
): Promise<RolloutRecord> {
  // As it was before being returned to stable, for the new release's report.
  const old = { ...stored.state };
  const version = fresh.manifests.version;
  deps.log.info(`superseding release ${old.newVersion} of ${old.name} (${old.phase}) with ${version}`);
  const restored = await restoreStable(deps, run, stored, {
    reason: `superseded by ${version}`,
    label: 'rollback',
  });
  // A failed first release has nothing to return to; the new version replaces it all the same.
  if (restored.record.result !== 'rolled-back' && old.stableVersion) return restored.record;
  return startRelease(deps, run, { ...fresh, stored: restored.stored, superseded: old });
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

/**
 * The workloads a release changed (its stored scope), the ones an undo returns: the others kept
 * their own template and version label, so they say nothing of what the release serves. All of
 * them when the state has no scope (older states) or the release changed none.
 */
function changedByRelease(workloads: KubeObject[], state: ReleaseState | undefined): KubeObject[] {
  const mine = changedAmong(workloads, state?.scope?.changed ?? []);
  return mine.length ? mine : workloads;
}

export async function undoFinished(
  deps: ReleaseDeps,
  run: RunLock,
  name: string,
  stored: Stored,
): Promise<RolloutRecord> {
  const { config, log } = deps;
  const now = clock(deps);
  const workloads = changedByRelease(releaseWorkloads(deps, stored?.state), stored?.state);
  if (workloads.length === 0) throw nothingToUndo(name, config.namespace);
  const live = await readLive(run.cluster, workloads);
  const served = versionOf(live.get(workloadKey(workloads[0])), config.versionLabel);
  // Nothing stored: the undo reports from a state it never writes.
  const state = stored?.state ?? draftState(deps, name, served ?? 'unknown', now());
  const { record } = state;
  const stable = stored?.state.stableVersion;
  record.action = 'rollback';
  if (!stored) record.previousVersion = served;
  let result: ReleaseResult;
  let version = stored?.resourceVersion;
  if (!config.toRevision && stable && served === stable) {
    const message = `${name} already serves ${stable}, the stable version: nothing to roll back`;
    log.info(message);
    record.notes.push(message);
    state.servingVersion = served;
    result = 'unchanged';
  } else {
    const ctx = { cluster: run.cluster, config, log, signal: run.signal, now };
    const to = config.toRevision ? undefined : stable;
    const targets = await undoTargets(ctx, workloads, to);
    // Said before it starts: a run that takes over from one that died half-way finishes it.
    if (stored) version = await saveUndo(deps, run, state, 'rolling-back', version);
    const label = config.toRevision
      ? `rollback to revision ${config.toRevision}`
      : `rollback to ${to ?? 'the previous revision'}`;
    result = await undoWorkloads(ctx, targets, state, label);
    if (result === 'rolled-back' && stored && !config.toRevision)
      await restoreSnapshotObjects(ctx, state.stableSnapshot);
    if (result === 'rolled-back') record.rollbackReason = REQUESTED_ROLLBACK;
    if (result === 'rolled-back' && state.traffic) recordWeight(state, 0, now());
  }
  if (stored && (result !== 'unchanged' || state.phase === 'promoted'))
    await saveUndo(deps, run, state, result === 'failed' ? 'failed' : 'rolled-back', version);
  return finish(state, result, now());
}

/** The state of an undone release, written over the version this run last saw; returns the new one. */
async function saveUndo(
  deps: ReleaseDeps,
  run: RunLock,
  state: ReleaseState,
  phase: ReleaseState['phase'],
  expected: string | undefined,
): Promise<string> {
  if (phase === 'rolling-back') state.record.rollbackReason = REQUESTED_ROLLBACK;
  stampState(state, state.record, { phase, holder: deps.holder, now: clock(deps)() });
  return saveReleaseState(run.cluster, state, deps.config.namespace, expected, {
    redactRecord: deps.redactRecord,
    store: run.secretStore,
  });
}
