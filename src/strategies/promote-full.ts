// `promote-full`: a resumed release goes straight to promotion.
import type { CopiesStep, Plan, StepOf } from './types.ts';

/**
 * The plan with every step from `from` on that only leads up to promotion (weights, pauses,
 * analysis, header routes) turned into a zero-length pause, so the stored step index still points
 * at the same step. The steps that carry out the release run as planned: deploy-new, switch,
 * promote, and all of an in-place plan (its apply and wait are the release itself).
 */
export function skipToPromotion(plan: Plan, from: number): Plan {
  switch (plan.mode) {
    case 'in-place':
      return plan;
    case 'copies':
      return { ...plan, steps: plan.steps.map((s, i) => (i < from ? s : skipped(s))) };
    case 'partition':
      return { ...plan, steps: plan.steps.map((s, i) => (i < from ? s : skipped(s))) };
  }
}

function skipped<S extends CopiesStep>(step: S): S | StepOf<'pause'> {
  if (step.kind === 'deploy-new' || step.kind === 'switch' || step.kind === 'promote') return step;
  return { kind: 'pause', durationMs: 0 };
}
