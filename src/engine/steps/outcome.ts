import type { PodEvidence } from '../../record/types.ts';

/** What a step handler reports back to the executor. */
export type StepOutcome =
  | { kind: 'continue'; detail?: string }
  /**
   * Stop the run with `result=paused`; a later `action: promote` continues after this step, or
   * with `again` runs this step again (its own work has not happened yet).
   */
  | { kind: 'pause'; detail?: string; inconclusive?: boolean; again?: boolean }
  /** A gate failed: the executor rolls back (with `rollback-on-failure`). */
  | { kind: 'fail'; reason: string; evidence?: PodEvidence[] };
