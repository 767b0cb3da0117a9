// Runs a plan's steps from the stored position, saving the release state after every step, and
// turns a failed gate into a rollback. Step handlers live in src/engine/handlers/.
import { saveReleaseState } from '../state/release-state.ts';
import type { PlanStep } from '../strategies/types.ts';
import { stepLabel } from '../strategies/types.ts';
import type { RunContext } from './context.ts';
import type { StepOutcome } from './outcome.ts';
import type { ReleasePhase, ReleaseResult } from '../record/types.ts';
import { beginStep, endStep, recordEvidence } from '../record/steps.ts';

export type StepHandler = (ctx: RunContext, step: PlanStep, index: number) => Promise<StepOutcome>;

export interface StrategyHandlers {
  steps: Partial<Record<PlanStep['kind'], StepHandler>>;
  /** Returns traffic to stable first, then removes or reverts the new version. */
  rollback(ctx: RunContext, reason: string): Promise<void>;
  /** Stops watchers a run started (called once the run ends, however it ends). */
  dispose?(ctx: RunContext): void;
}

export async function saveState(ctx: RunContext, phase?: ReleasePhase): Promise<void> {
  if (phase) ctx.state.phase = phase;
  ctx.state.updatedAt = ctx.now().toISOString();
  ctx.state.record = ctx.record;
  await saveReleaseState(ctx.cluster, ctx.state, ctx.namespace);
  await ctx
    .onProgress?.(ctx.record)
    .catch((err) => ctx.log.warn(`report update failed: ${(err as Error).message}`));
}

export async function runPlan(ctx: RunContext, handlers: StrategyHandlers): Promise<ReleaseResult> {
  try {
    return await runSteps(ctx, handlers);
  } finally {
    handlers.dispose?.(ctx);
  }
}

async function runSteps(ctx: RunContext, handlers: StrategyHandlers): Promise<ReleaseResult> {
  const steps = ctx.plan.steps;
  for (let index = ctx.state.currentStep; index < steps.length; index++) {
    const step = steps[index];
    const handler = handlers.steps[step.kind];
    if (!handler) throw new Error(`the ${ctx.plan.strategy} strategy has no handler for step '${step.kind}'`);
    const label = stepLabel(step);
    const record = beginStep(
      ctx.record,
      index,
      step.kind,
      label,
      ctx.now(),
      step.kind === 'setWeight' ? step.weight : undefined,
    );
    await saveState(ctx, 'progressing');
    let outcome: StepOutcome;
    try {
      outcome = await ctx.log.group(`step ${index + 1}/${steps.length} ${label}`, () =>
        handler(ctx, step, index),
      );
    } catch (err) {
      const cancelled = ctx.signal.aborted;
      outcome = {
        kind: 'fail',
        reason: cancelled
          ? `cancelled during step '${label}'`
          : `step '${label}' failed: ${(err as Error).message}`,
      };
    }
    if (outcome.kind === 'continue') {
      endStep(record, 'passed', ctx.now(), outcome.detail);
      ctx.state.currentStep = index + 1;
      continue;
    }
    if (outcome.kind === 'pause') {
      endStep(record, outcome.inconclusive ? 'inconclusive' : 'paused', ctx.now(), outcome.detail);
      // An inconclusive gate is decided by a human: promote re-runs nothing (unless the step asks
      // to run again because it paused before doing its own work), rollback undoes.
      ctx.state.currentStep = outcome.again ? index : index + 1;
      await saveState(ctx, 'paused');
      return 'paused';
    }
    endStep(record, 'failed', ctx.now(), outcome.reason);
    recordEvidence(ctx.record, outcome.evidence ?? []);
    ctx.record.rollbackReason = outcome.reason;
    return failRelease(ctx, handlers, outcome.reason);
  }
  await saveState(ctx, 'promoted');
  return 'promoted';
}

/** A failed gate: roll back when allowed, else leave everything as it is for a human. */
export async function failRelease(
  ctx: RunContext,
  handlers: StrategyHandlers,
  reason: string,
): Promise<ReleaseResult> {
  ctx.log.warn(`release failed: ${reason}`);
  if (!ctx.config.rollbackOnFailure) {
    await saveState(ctx, 'failed');
    return 'failed';
  }
  const index = ctx.record.steps.length;
  const record = beginStep(ctx.record, index, 'rollback', 'rollback', ctx.now());
  try {
    await ctx.log.group('rollback', () => handlers.rollback(ctx, reason));
    endStep(record, 'passed', ctx.now());
    await saveState(ctx, 'rolled-back');
    return 'rolled-back';
  } catch (err) {
    endStep(record, 'failed', ctx.now(), (err as Error).message);
    ctx.record.notes.push(`rollback did not complete: ${(err as Error).message}`);
    await saveState(ctx, 'failed');
    return 'failed';
  }
}
