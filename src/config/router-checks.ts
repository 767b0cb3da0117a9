/** Checks of canary steps and analysis against what the chosen traffic router can do. */
import type { AnalysisSpec, MetricSpec } from '../analysis/spec.ts';
import { InputError } from '../errors.ts';
import { routerDefinition } from '../traffic/index.ts';
import type { CanaryStep, TrafficName } from './types.ts';

/** Refuses steps the router cannot carry out, and analysis steps with nothing to run. */
export function checkStepsFitRouter(
  steps: CanaryStep[],
  traffic: TrafficName,
  analysis: AnalysisSpec | undefined,
  errors: InputError[],
): void {
  const capabilities = routerDefinition(traffic).capabilities;
  for (const step of steps) {
    if ('setHeaderRoute' in step && !capabilities.headerRoutes) {
      errors.push(
        new InputError(
          `setHeaderRoute '${step.setHeaderRoute.name}' needs a router that matches headers (nginx, gateway-api, istio), not '${traffic}'`,
          { input: 'steps' },
        ),
      );
    }
    if ('setCanaryScale' in step && capabilities.sizesCopies) {
      errors.push(
        new InputError(
          `setCanaryScale: traffic '${traffic}' sizes the canary from the weight itself; setCanaryScale needs a router that moves traffic (nginx, gateway-api, istio, smi)`,
          { input: 'steps' },
        ),
      );
    }
    if ('setWeight' in step && !capabilities.weightsBetween && step.setWeight % 100 !== 0) {
      errors.push(
        new InputError(
          `setWeight ${step.setWeight}: traffic '${traffic}' switches all traffic at once (0 or 100 only)`,
          { input: 'steps' },
        ),
      );
    }
    if ('analysis' in step && !step.analysis.metrics?.length && !analysis) {
      errors.push(
        new InputError(
          "an `analysis` step without `metrics` runs the 'analysis' input's metrics, but 'analysis' is not set",
          { input: 'steps' },
        ),
      );
    }
  }
}

/** Refuses plans that hold more header routes at once than the router can (nginx: one). */
export function checkHeaderRouteCount(steps: CanaryStep[], traffic: TrafficName, errors: InputError[]): void {
  const { headerRoutes, maxHeaderRoutes } = routerDefinition(traffic).capabilities;
  if (!headerRoutes) return; // refused per step above
  const active = new Set<string>();
  steps.forEach((step, i) => {
    if ('removeHeaderRoute' in step) active.delete(step.removeHeaderRoute);
    if (!('setHeaderRoute' in step)) return;
    active.add(step.setHeaderRoute.name);
    if (active.size <= maxHeaderRoutes) return;
    errors.push(
      new InputError(
        `step ${i + 1}: setHeaderRoute '${step.setHeaderRoute.name}' would make ${active.size} header routes active at once (${[...active].join(', ')}), but traffic '${traffic}' holds at most ${maxHeaderRoutes}; remove one first with \`setHeaderRoute: {name: ${[...active][0]}}\``,
        { input: 'steps' },
      ),
    );
    active.delete(step.setHeaderRoute.name);
  });
}

export function allMetrics(analysis: AnalysisSpec | undefined, steps: CanaryStep[]): MetricSpec[] {
  const fromSteps = steps.flatMap((s) => ('analysis' in s ? (s.analysis.metrics ?? []) : []));
  return [...(analysis?.metrics ?? []), ...fromSteps];
}
