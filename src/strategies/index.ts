// The one place strategies are registered: one line per strategy. Config validation (the names,
// the inputs each takes, the routers each can use), the engine and action.yml's `strategy` text
// read the definitions registered here.
import { createRegistry } from '../registry.ts';
import { ROUTERS } from '../traffic/index.ts';
import type { RouterCapabilities, RouterDefinition } from '../traffic/types.ts';
import { blueGreen } from './blue-green.ts';
import { canary } from './canary.ts';
import { recreate } from './recreate.ts';
import { rolling } from './rolling.ts';
import type { Strategy, StrategyInputs } from './types.ts';

const DEFINITIONS = [rolling, recreate, canary, blueGreen] as const;

/** A registered strategy's name: what the `strategy` input accepts. */
export type StrategyName = (typeof DEFINITIONS)[number]['name'];
const namesAreLiterals: string extends StrategyName ? never : true = true;
void namesAreLiterals;

/** Every strategy, by name; `register` is also the test seam (src/registry.ts). */
export const STRATEGIES = createRegistry<Strategy>('strategy', DEFINITIONS);

export function strategyFor(name: string): Strategy {
  return STRATEGIES.get(name);
}

/** Whether a router has every capability a strategy needs from one. */
function fits(router: RouterDefinition, needs: Partial<RouterCapabilities>): boolean {
  return Object.entries(needs).every(
    ([key, wanted]) => router.capabilities[key as keyof RouterCapabilities] === wanted,
  );
}

/** The routers that can drive `strategy`, in registry order (none for one that moves no traffic). */
export function routersFor(strategy: string): string[] {
  const definition = STRATEGIES.get(strategy);
  if (!definition.movesTraffic) return [];
  return ROUTERS.all()
    .filter((r) => fits(r, definition.routerNeeds ?? {}))
    .map((r) => r.name);
}

/** The router a strategy uses when the `traffic` input is not set: the first that can drive it. */
export function defaultRouter(strategy: string): string | undefined {
  return routersFor(strategy)[0];
}

/** The strategies `router` can drive, in registry order. */
export function strategiesFor(router: RouterDefinition): string[] {
  return STRATEGIES.all()
    .filter((s) => s.movesTraffic && fits(router, s.routerNeeds ?? {}))
    .map((s) => s.name);
}

/** What config asks of a strategy-specific input. */
export type StrategyInput = keyof StrategyInputs | 'previewService';

/** Whether `strategy` takes `input`. */
export function takes(strategy: Strategy, input: StrategyInput): boolean {
  return input === 'previewService' ? strategy.previewService : strategy.inputs[input];
}

/** The strategies that take `input`, for messages (`'canary' or 'blue-green'`). */
export function strategiesTaking(input: StrategyInput): string {
  return STRATEGIES.all()
    .filter((s) => takes(s, input))
    .map((s) => `'${s.name}'`)
    .join(' or ');
}
