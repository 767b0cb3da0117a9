// The one place reporters' RolloutRecord is built: the release's history as its state stores it,
// with the position (strategy, versions, weight) read from the state, which owns it.
import type { ReleasePosition, ReleaseState, RolloutRecord } from './types.ts';

/** The position facts of a state, and only those. */
export function positionOf(state: ReleasePosition): ReleasePosition {
  return {
    strategy: state.strategy,
    ...(state.traffic ? { traffic: state.traffic } : {}),
    newVersion: state.newVersion,
    ...(state.servingVersion ? { servingVersion: state.servingVersion } : {}),
    canaryWeight: state.canaryWeight,
    ...(state.runUrl ? { runUrl: state.runUrl } : {}),
  };
}

/**
 * What reporters read of a release: a new object over the state's history (its lists are the
 * history's own, so what a reporter's redaction changes is changed in the history too).
 */
export function reportOf(state: Pick<ReleaseState, keyof ReleasePosition | 'record'>): RolloutRecord {
  return { ...state.record, ...positionOf(state) };
}
