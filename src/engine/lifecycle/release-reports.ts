// The cells of the lifecycle table that change nothing: `report` (the stored result, or a
// refusal) and `describe` (action: status: the stored release and who holds its lock).
import { reportOf } from '../../record/report.ts';
import type { ReleaseResult, RolloutRecord } from '../../record/types.ts';
import type { ReleaseDeps } from '../run/deps.ts';
import type { Transition } from './lifecycle.ts';
import { lockNote, readLockInfo } from '../lease/lock-status.ts';
import type { Stored } from './release-flows.ts';
import type { Found } from './find-release.ts';
import { draftState, finish } from '../run/run-context.ts';

const clock = (deps: ReleaseDeps) => deps.now ?? (() => new Date());

/** A transition that changes nothing: the stored record (or an empty one) with the stored result. */
export function reportOnly(
  deps: ReleaseDeps,
  name: string,
  stored: Stored,
  t: Extract<Transition, { kind: 'report' }>,
  found?: Omit<Found, 'stored'>,
): RolloutRecord {
  const now = clock(deps);
  const phase = stored?.state.phase ?? 'none';
  const message = `release ${name} in namespace ${deps.config.namespace} is ${describePhase(phase, found)}: ${t.why}`;
  if (found?.damage || found?.copies.length) deps.log.warn(message);
  else deps.log.info(message);
  // A copy: what a run that changes nothing reports is never stored.
  const state = stored
    ? { ...stored.state, record: { ...stored.state.record, action: deps.config.action } }
    : draftState(deps, name, deps.manifests?.version ?? 'none', now());
  state.record.notes = [...state.record.notes, message];
  const result = t.result !== 'phase' ? t.result : (phase as ReleaseResult);
  // What went wrong with the state is the one line a status run hands on (`rollback-reason`).
  if (t.fails || found?.damage || found?.copies.length) state.record.rollbackReason ??= message;
  return finish(state, result, now());
}

/** How a report names where the release stands, with what was found instead of a state. */
function describePhase(phase: string, found: Omit<Found, 'stored'> | undefined): string {
  if (found?.damage) return `damaged (${found.damage.message})`;
  if (found?.copies.length)
    return `not recorded (its state ConfigMap is gone) but its copies run: ${found.copies.map((c) => `Deployment ${c.metadata.name}`).join(', ')}`;
  return phase === 'none' ? 'not recorded' : phase;
}

/** `action: status` of a recorded release: its phase, the version it serves and its lock. */
export async function describeRelease(
  deps: ReleaseDeps,
  name: string,
  stored: NonNullable<Stored>,
): Promise<RolloutRecord> {
  const { namespace } = deps.config;
  const { state } = stored;
  const record: RolloutRecord = { ...reportOf(state), action: 'status', notes: [...state.record.notes] };
  record.result = state.phase;
  const lock = await readLockInfo(deps.cluster, namespace, name, clock(deps)());
  if (lock) record.lock = lock;
  const unfinished = state.phase === 'progressing' || state.phase === 'rolling-back';
  const note = lockNote(lock, unfinished ? `${state.phase} ${state.newVersion}` : undefined);
  if (note) record.notes.push(note);
  deps.log.info(`release ${name}: ${state.phase} (serving ${record.servingVersion ?? 'unknown'})`);
  if (note) deps.log.info(note);
  return record;
}
