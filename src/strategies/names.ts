// The strategy names: a leaf that config (which validates them) and the routers (which declare the
// strategies they drive) both import, so neither has to import the other for them.
export const STRATEGIES = ['rolling', 'recreate', 'canary', 'blue-green'] as const;
export type StrategyName = (typeof STRATEGIES)[number];

/** The strategy-specific inputs each strategy takes (config validates them; the strategy objects in
 * ./index.ts say everything else about a strategy). */
export const STRATEGY_INPUTS: Record<
  StrategyName,
  { steps: boolean; previewService: boolean; workloads: boolean }
> = {
  rolling: { steps: false, previewService: false, workloads: false },
  recreate: { steps: false, previewService: false, workloads: false },
  canary: { steps: true, previewService: false, workloads: true },
  'blue-green': { steps: false, previewService: true, workloads: true },
};

/** The strategies that take `input`, for messages (`'canary'`, `'blue-green'`). */
export function strategiesTaking(input: keyof (typeof STRATEGY_INPUTS)[StrategyName]): string {
  return STRATEGIES.filter((s) => STRATEGY_INPUTS[s][input])
    .map((s) => `'${s}'`)
    .join(' or ');
}
