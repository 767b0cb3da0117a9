// The release lifecycle in one table: for every stored phase and every request (the four actions,
// deploy split by version, and the post step's `cancel`), what a run does. One dispatcher
// (dispatch.ts) carries every cell out; the README's lifecycle table is checked against this one
// by a unit test, so the two cannot drift.
import type { ReleasePhase, ReleaseResult } from '../../record/types.ts';

/**
 * The stored phase as a run finds it: `none`, no release recorded under this name; `damaged`, its
 * ConfigMap exists but holds no readable release (edited by hand); `orphaned`, no ConfigMap, but
 * the cluster runs copies labelled with the release (the state was deleted mid-release).
 */
export type StoredPhase = 'none' | 'damaged' | 'orphaned' | ReleasePhase;

/**
 * What was asked, relative to the stored release. `deploy-older` is a deploy from an earlier run
 * of the workflow than the one that started the stored release (record/workflow-run.ts): of two
 * runs racing, the later one's release stands. `cancel` is the post step of a main step that did
 * not finish (cancelled, or its runner killed it): it never deploys, it only recovers.
 */
export const REQUESTS = [
  'deploy-same',
  'deploy-other',
  'deploy-older',
  'promote',
  'rollback',
  'status',
  'cancel',
] as const;
export type Request = (typeof REQUESTS)[number];

/** Why a release goes back to stable: it names the rollback step and the report's reason. */
export type RestoreCause = 'requested' | 'takeover' | 'cancelled';

export type Transition =
  /** A new release from step 1 (nothing to do when every workload already runs the new template). */
  | { kind: 'start' }
  /** Continue the stored release at its stored step (a takeover when its run died). */
  | { kind: 'resume' }
  /** Return the stored release to stable (traffic first, copies removed), then start the new one. */
  | { kind: 'supersede' }
  /** Return an unfinished release to stable: traffic first, then copies and templates. */
  | { kind: 'restore-stable'; cause: RestoreCause }
  /** Put a finished release's workloads back on the stable version (or `to-revision`). */
  | { kind: 'undo' }
  /**
   * The state is gone or unreadable: the release is rebuilt from what the cluster runs (its copies'
   * labels, the routers' annotations), returned to stable and written as a fresh state; `then`,
   * the new release starts. Without copies a damaged ConfigMap is removed and the `none` row applies.
   */
  | { kind: 'recover'; then?: 'start' }
  /** Change nothing and report the stored release, its serving version and who holds its lock. */
  | { kind: 'describe' }
  /** Change nothing and report the stored result; `fails` fails the step. */
  | { kind: 'report'; result: ReleaseResult | 'phase'; why: string; fails?: boolean };

export type TransitionKind = Transition['kind'];

const report = (result: ReleaseResult | 'phase', why: string, fails = false): Transition => ({
  kind: 'report',
  result,
  why,
  ...(fails ? { fails } : {}),
});
const start: Transition = { kind: 'start' };
const resume: Transition = { kind: 'resume' };
const supersede: Transition = { kind: 'supersede' };
const restore = (cause: RestoreCause): Transition => ({ kind: 'restore-stable', cause });
const undo: Transition = { kind: 'undo' };
const describe: Transition = { kind: 'describe' };
const nothingToRecover = report('phase', 'the release was not in progress: nothing to recover');
/** Only a stored release names the run that started it: the rows without one never see it. */
const olderRun = report('unchanged', 'superseded by a later run of this workflow: this run changes nothing');
const recover: Transition = { kind: 'recover' };
const recoverThenStart: Transition = { kind: 'recover', then: 'start' };
/** A release whose state cannot be read: what every request does (status only reports). */
const fromCluster = (status: Transition): Record<Request, Transition> => ({
  'deploy-same': recoverThenStart,
  'deploy-other': recoverThenStart,
  'deploy-older': recoverThenStart,
  promote: recover,
  rollback: recover,
  status,
  cancel: recover,
});

/**
 * Write actions run under the release's Lease, so a run that finds `progressing` or
 * `rolling-back` has taken the Lease over from a run that died (its Lease expired). The post
 * step takes back its own main step's Lease at once and never waits for another run's.
 */
export const LIFECYCLE: Record<StoredPhase, Record<Request, Transition>> = {
  none: {
    'deploy-same': start,
    'deploy-other': start,
    'deploy-older': start,
    promote: report('failed', 'there is no release to promote', true),
    rollback: undo,
    status: report('unchanged', 'no release has been recorded'),
    cancel: report('unchanged', 'the run was cancelled before it recorded a release: nothing changed'),
  },
  damaged: fromCluster(
    report(
      'failed',
      'its state cannot be read: run `action: rollback`, or delete the ConfigMap to start afresh',
    ),
  ),
  orphaned: fromCluster(
    report(
      'failed',
      "its state is gone but its copies or its router's objects are still in the cluster: run `action: rollback` to return to stable",
    ),
  ),
  progressing: {
    'deploy-same': resume,
    'deploy-other': supersede,
    'deploy-older': olderRun,
    promote: resume,
    rollback: restore('requested'),
    status: describe,
    cancel: restore('cancelled'),
  },
  'rolling-back': {
    'deploy-same': restore('takeover'),
    'deploy-other': supersede,
    'deploy-older': olderRun,
    promote: restore('takeover'),
    rollback: restore('requested'),
    status: describe,
    cancel: restore('cancelled'),
  },
  paused: {
    'deploy-same': report('paused', 'this version is already paused: run `action: promote` to continue'),
    'deploy-other': supersede,
    'deploy-older': olderRun,
    promote: resume,
    rollback: restore('requested'),
    status: describe,
    cancel: nothingToRecover,
  },
  promoted: {
    'deploy-same': start,
    'deploy-other': start,
    'deploy-older': olderRun,
    promote: report('promoted', 'this release is already promoted'),
    rollback: undo,
    status: describe,
    cancel: nothingToRecover,
  },
  'rolled-back': {
    'deploy-same': start,
    'deploy-other': start,
    'deploy-older': olderRun,
    promote: report('rolled-back', 'this release was rolled back: deploy it again to retry', true),
    rollback: undo,
    status: describe,
    cancel: nothingToRecover,
  },
  failed: {
    'deploy-same': supersede,
    'deploy-other': supersede,
    'deploy-older': olderRun,
    promote: report('failed', 'this release failed: deploy again, or roll back', true),
    rollback: restore('requested'),
    status: describe,
    // A failed release may still serve the new version: a cancelled run must not leave it serving.
    cancel: restore('cancelled'),
  },
};

export function transitionFor(phase: StoredPhase, request: Request): Transition {
  return LIFECYCLE[phase][request];
}

/** Transitions that change nothing in the cluster: they need no Lease. */
export function writes(t: Transition): boolean {
  return t.kind !== 'report' && t.kind !== 'describe';
}

/** How the README's lifecycle table names a transition. */
export function describeTransition(t: Transition): string {
  switch (t.kind) {
    case 'start':
    case 'resume':
    case 'supersede':
    case 'undo':
    case 'describe':
      return t.kind;
    case 'recover':
      return t.then ? `recover, then ${t.then}` : 'recover';
    case 'restore-stable':
      return t.cause === 'takeover' ? 'restore stable' : `restore stable (${t.cause})`;
    case 'report':
      return t.result === 'phase' ? 'report' : `report ${t.result}${t.fails ? ' (fails)' : ''}`;
  }
}
