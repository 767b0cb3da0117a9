import type { ExecutionMode, Plan } from '../../../strategies/types.ts';
import type { ModeHandlers } from '../executor.ts';
import { nativeHandlers } from './native.ts';
import { partitionedHandlers } from './partitioned.ts';
import { createProgressiveHandlers } from './progressive.ts';

/** Each mode's handlers: a mode missing here, or a table missing a step of its mode, does not compile. */
const HANDLERS: { [M in ExecutionMode]: () => ModeHandlers<M> } = {
  'in-place': () => nativeHandlers,
  partition: () => partitionedHandlers,
  // A fresh set per run: progressive handlers own that run's copies, router and watchers.
  copies: createProgressiveHandlers,
};

/**
 * The handlers for one run of `plan`, those of its own mode (call once per run). Looked up by
 * `plan.mode`, so the table returned is the one of the plan's mode even when M is every mode.
 */
export function handlersFor<M extends ExecutionMode>(plan: Plan<M>): ModeHandlers<M> {
  return HANDLERS[plan.mode]();
}
