// The `recover` cell of the lifecycle table: a release whose state is gone or damaged is returned
// to stable from what the cluster runs (orphans.ts rebuilds it), and a fresh state is written.
import type { StateDamagedError } from '../../errors.ts';
import { ownedObjectName } from '../../names.ts';
import type { ReleaseState, RolloutRecord } from '../../record/types.ts';
import type { ReleaseDeps } from '../run/deps.ts';
import type { Request } from './lifecycle.ts';
import { restoreStable, startRelease, type FreshRelease } from './release-flows.ts';
import type { RunLock } from '../run/run-lock.ts';

export interface RecoverOptions {
  /** Why the state could not be read; undefined: its ConfigMap is gone. */
  damage?: StateDamagedError;
  request: Request;
  /** A deploy's release, started once the old one is back on stable. */
  fresh?: FreshRelease;
}

/** Why the stored release could not be used, in one clause. */
export function whyRebuilt(name: string, damage: StateDamagedError | undefined): string {
  return damage
    ? `its state in ConfigMap ${damage.configMap} is damaged (${damage.problem})`
    : `its state ConfigMap ${ownedObjectName(name)} is gone`;
}

/** Returns the rebuilt release to stable (a fresh state is written), then starts `fresh` if given. */
export async function recoverRelease(
  deps: ReleaseDeps,
  run: RunLock,
  state: ReleaseState,
  opts: RecoverOptions,
): Promise<RolloutRecord> {
  const why = whyRebuilt(state.name, opts.damage);
  const stable = state.stableVersion ?? 'stable';
  const note = `release ${state.name}: ${why}; rebuilt from the cluster (${state.newVersion} beside ${stable}, traffic ${state.traffic}) and returned to ${stable}`;
  deps.log.warn(note);
  state.record.notes.push(note);
  const restored = await restoreStable(
    deps,
    run,
    { state, resourceVersion: opts.damage?.resourceVersion ?? '' },
    { reason: `${why}: returned to stable from the cluster`, label: 'rollback (from the cluster)' },
  );
  if (opts.fresh && restored.record.result === 'rolled-back') {
    const started = await startRelease(deps, run, { ...opts.fresh, stored: restored.stored });
    started.notes.push(note);
    return started;
  }
  if (opts.request === 'promote')
    restored.record.rollbackReason = `cannot promote ${state.newVersion}: ${why}, and with it the release's plan; traffic went back to ${stable} and its copies were removed: deploy ${state.newVersion} again to release it`;
  return restored.record;
}
