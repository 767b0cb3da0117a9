import type { StrategyName } from '../config/types.ts';
import { blueGreen } from './blue-green.ts';
import { canary } from './canary.ts';
import { recreate } from './recreate.ts';
import { rolling } from './rolling.ts';
import type { Strategy } from './types.ts';

const STRATEGIES: Record<StrategyName, Strategy> = {
  rolling,
  recreate,
  canary,
  'blue-green': blueGreen,
};

export function strategyFor(name: StrategyName): Strategy {
  return STRATEGIES[name];
}
