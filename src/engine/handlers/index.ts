import type { StrategyName } from '../../config/types.ts';
import type { StrategyHandlers } from '../executor.ts';
import { nativeHandlers } from './native.ts';
import { progressiveHandlers } from './progressive.ts';

export function handlersFor(strategy: StrategyName): StrategyHandlers {
  return strategy === 'canary' || strategy === 'blue-green' ? progressiveHandlers : nativeHandlers;
}
