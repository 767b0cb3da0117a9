import type { Plan } from '../../strategies/types.ts';
import type { StrategyHandlers } from '../executor.ts';
import { nativeHandlers } from './native.ts';
import { partitionedHandlers } from './partitioned.ts';
import { createProgressiveHandlers } from './progressive.ts';

/**
 * The handlers for one run (call once per run: progressive handlers own that run's watchers).
 * Canary and blue-green run the new version as Deployment copies; a canary of StatefulSets (with
 * no Deployment to copy) moves each StatefulSet's partition instead.
 */
export function handlersFor(plan: Plan): StrategyHandlers {
  if (plan.strategy === 'rolling' || plan.strategy === 'recreate') return nativeHandlers;
  const hasDeployment = plan.workloads.some((w) => w.kind === 'Deployment');
  return plan.strategy === 'canary' && !hasDeployment ? partitionedHandlers : createProgressiveHandlers();
}
