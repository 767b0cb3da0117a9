// The strategy names: a leaf that config (which validates them) and the routers (which declare the
// strategies they drive) both import, so neither has to import the other for them.
export const STRATEGIES = ['rolling', 'recreate', 'canary', 'blue-green'] as const;
export type StrategyName = (typeof STRATEGIES)[number];
