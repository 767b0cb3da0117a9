import type { ExecutionMode, Plan } from '../../strategies/types.ts';
import type { StrategyHandlers } from '../executor.ts';
import { nativeHandlers } from './native.ts';
import { partitionedHandlers } from './partitioned.ts';
import { createProgressiveHandlers } from './progressive.ts';

const HANDLERS: Record<ExecutionMode, () => StrategyHandlers> = {
  'in-place': () => nativeHandlers,
  partition: () => partitionedHandlers,
  // A fresh set per run: progressive handlers own that run's copies, router and watchers.
  copies: createProgressiveHandlers,
};

/** The handlers for one run of `plan` (call once per run). */
export function handlersFor(plan: Plan): StrategyHandlers {
  return HANDLERS[plan.mode]();
}
