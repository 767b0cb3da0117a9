// The release lifecycle in one table: for every stored phase and every requested action, what a
// run does. The flows in release.ts carry these decisions out; the README's lifecycle table is
// checked against this one by a unit test, so the two cannot drift.
import type { ReleasePhase, ReleaseResult } from '../record/types.ts';

/** The stored phase as a run finds it (`none`: no release recorded under this name). */
export type StoredPhase = 'none' | ReleasePhase;

/** What was asked, relative to the stored release. */
export type Request = 'deploy-same' | 'deploy-other' | 'promote' | 'rollback' | 'status';

export type Transition =
  /** A new release from step 1 (nothing to do when every workload already runs the new template). */
  | { kind: 'start' }
  /** Continue the stored release at its stored step (a takeover when its run died). */
  | { kind: 'resume' }
  /** Return the stored release to stable (traffic first, copies removed), then start the new one. */
  | { kind: 'supersede' }
  /** Return an unfinished release to stable: traffic first, then copies and templates. */
  | { kind: 'restore-stable' }
  /** Put a finished release's workloads back on the stable version (or `to-revision`). */
  | { kind: 'undo' }
  /** Change nothing and report the stored result; `fails` fails the step. */
  | { kind: 'report'; result: ReleaseResult | 'phase'; why: string; fails?: boolean };

const report = (result: ReleaseResult | 'phase', why: string, fails = false): Transition => ({
  kind: 'report',
  result,
  why,
  ...(fails ? { fails } : {}),
});
const start: Transition = { kind: 'start' };
const resume: Transition = { kind: 'resume' };
const supersede: Transition = { kind: 'supersede' };
const restore: Transition = { kind: 'restore-stable' };
const undo: Transition = { kind: 'undo' };
const status = report('phase', 'status only reads');

/**
 * Write actions run under the release's Lease, so a run that finds `progressing` or
 * `rolling-back` has taken the Lease over from a run that died (its Lease expired).
 */
export const LIFECYCLE: Record<StoredPhase, Record<Request, Transition>> = {
  none: {
    'deploy-same': start,
    'deploy-other': start,
    promote: report('failed', 'there is no release to promote', true),
    rollback: undo,
    status: report('unchanged', 'no release has been recorded'),
  },
  progressing: {
    'deploy-same': resume,
    'deploy-other': supersede,
    promote: resume,
    rollback: restore,
    status,
  },
  'rolling-back': {
    'deploy-same': restore,
    'deploy-other': supersede,
    promote: restore,
    rollback: restore,
    status,
  },
  paused: {
    'deploy-same': report('paused', 'this version is already paused: run `action: promote` to continue'),
    'deploy-other': supersede,
    promote: resume,
    rollback: restore,
    status,
  },
  promoted: {
    'deploy-same': start,
    'deploy-other': start,
    promote: report('promoted', 'this release is already promoted'),
    rollback: undo,
    status,
  },
  'rolled-back': {
    'deploy-same': start,
    'deploy-other': start,
    promote: report('rolled-back', 'this release was rolled back: deploy it again to retry', true),
    rollback: undo,
    status,
  },
  failed: {
    'deploy-same': supersede,
    'deploy-other': supersede,
    promote: report('failed', 'this release failed: deploy again, or roll back', true),
    rollback: restore,
    status,
  },
};

export function transitionFor(phase: StoredPhase, request: Request): Transition {
  return LIFECYCLE[phase][request];
}

/** How the README's lifecycle table names a transition. */
export function describeTransition(t: Transition): string {
  switch (t.kind) {
    case 'start':
      return 'start';
    case 'resume':
      return 'resume';
    case 'supersede':
      return 'supersede';
    case 'restore-stable':
      return 'restore stable';
    case 'undo':
      return 'undo';
    case 'report':
      return t.result === 'phase' ? 'report' : `report ${t.result}${t.fails ? ' (fails)' : ''}`;
  }
}
