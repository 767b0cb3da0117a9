// Runs a plan's steps from the stored position, saving the release state after every step, and
// turns a failed gate into a rollback. Step handlers live in src/engine/steps/handlers/.
import { LockLostError, StateConflictError } from '../../errors.ts';
import { saveReleaseState } from '../../state/release-state.ts';
import type {
  ExecutionMode,
  ModeStepKind,
  Plan,
  PlanStep,
  StepKind,
  StepOf,
} from '../../strategies/types.ts';
import { stepLabel } from '../../strategies/types.ts';
import type { RunContext } from '../run/context.ts';
import type { StepOutcome } from './outcome.ts';
import { mergeGitHubLinks } from '../../record/github-links.ts';
import { reportOf } from '../../record/report.ts';
import type { ReleaseHistory, ReleasePhase, ReleaseResult, ReleaseState } from '../../record/types.ts';
import { beginStep, endStep, recordEvidence } from '../../record/steps.ts';

/** A handler for one kind of step, given that step's own type. */
export type StepHandler<K extends StepKind> = (
  ctx: RunContext,
  step: StepOf<K>,
  index: number,
) => Promise<StepOutcome>;

/**
 * One handler for every kind of step a mode's plans hold, and for no other: a table that leaves
 * one out does not compile (nor does a strategy emitting a step its mode cannot run).
 */
export type StepHandlers<M extends ExecutionMode> = { [K in ModeStepKind<M>]: StepHandler<K> };

/** What a mode does besides its steps. */
export interface RollbackHandlers {
  /** Returns traffic to stable first, then removes or reverts the new version. */
  rollback(ctx: RunContext, reason: string): Promise<void>;
  /** Stops the work this run started in the background (called once the run ends, however it ends). */
  dispose?(): void;
}

/** The handlers of one execution mode (steps/handlers/index.ts picks them by the plan's mode). */
export interface ModeHandlers<M extends ExecutionMode> extends RollbackHandlers {
  steps: StepHandlers<M>;
}

/**
 * Writes the state over the version this run last saw. Promotion and rollback also say which
 * version the cluster now serves, so the state never claims one the cluster does not run.
 */
export async function saveState(ctx: RunContext, phase?: ReleasePhase): Promise<void> {
  stampState(ctx.state, ctx.record, { phase, holder: ctx.holder, now: ctx.now() });
  ctx.stateVersion = await saveReleaseState(ctx.cluster, ctx.state, ctx.namespace, ctx.stateVersion, {
    redactRecord: ctx.redactRecord,
    store: ctx.secretStore,
  });
  const links = await ctx
    .onProgress?.(reportOf(ctx.state))
    .catch((err) => void ctx.log.warn(`report update failed: ${(err as Error).message}`));
  // Kept in the history: the next save carries them to a later job.
  if (links) mergeGitHubLinks(ctx.record, links);
}

/**
 * The state as a run writes it: its phase, the version served (promotion serves the new one), the
 * writing run and time, and the record. Pure: the callers write it.
 */
export function stampState(
  state: ReleaseState,
  record: ReleaseHistory,
  opts: { phase?: ReleasePhase; holder: string; now: Date },
): void {
  if (opts.phase) state.phase = opts.phase;
  if (opts.phase === 'promoted') state.servingVersion = state.newVersion;
  state.holder = opts.holder;
  state.updatedAt = opts.now.toISOString();
  state.record = record;
}

/** The run lost its lock (or the state changed under it): it must stop, not roll back. */
export function isAbandoned(ctx: RunContext, err: unknown): boolean {
  return (
    err instanceof LockLostError ||
    err instanceof StateConflictError ||
    ctx.signal.reason instanceof LockLostError
  );
}

/** Runs the context's plan with the handlers of its mode (M is the plan's mode). */
export async function runPlan<M extends ExecutionMode>(
  ctx: RunContext & { plan: Plan<M> },
  handlers: ModeHandlers<M>,
): Promise<ReleaseResult> {
  try {
    return await runSteps(ctx, handlers);
  } finally {
    handlers.dispose?.();
  }
}

async function runSteps<M extends ExecutionMode>(
  ctx: RunContext & { plan: Plan<M> },
  handlers: ModeHandlers<M>,
): Promise<ReleaseResult> {
  const steps = ctx.plan.steps;
  for (let index = ctx.state.currentStep; index < steps.length; index++) {
    const step = steps[index];
    // Typed by the step's kind: the table of mode M has a handler for every kind of step M runs.
    const handler = handlers.steps[step.kind];
    const label = stepLabel(step);
    const record = beginStep(ctx.record, index, step.kind, label, ctx.now(), weightOf(step));
    await saveState(ctx, 'progressing');
    let outcome: StepOutcome;
    try {
      outcome = await ctx.log.group(`step ${index + 1}/${steps.length} ${label}`, () =>
        handler(ctx, step, index),
      );
    } catch (err) {
      if (isAbandoned(ctx, err)) throw abandonment(ctx, err);
      outcome = { kind: 'fail', reason: `step '${label}' failed: ${(err as Error).message}` };
    }
    // A cancel ends whatever the step was waiting for; what it ran into then is not the reason.
    if (outcome.kind === 'fail' && ctx.signal.aborted) {
      ctx.record.cancelled = true;
      outcome = { kind: 'fail', reason: `cancelled during step '${label}'` };
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

/** The weight a step sets, recorded with the step. */
function weightOf(step: PlanStep): number | undefined {
  return step.kind === 'setWeight' ? step.weight : undefined;
}

/** The error a run ends with when it lost its lock: the reason the lock went, not a step's symptom. */
function abandonment(ctx: RunContext, err: unknown): Error {
  const reason = ctx.signal.reason instanceof LockLostError ? ctx.signal.reason : (err as Error);
  ctx.log.warn(reason.message);
  return reason;
}

/** A failed gate: roll back when allowed, else leave everything as it is for a human. */
export async function failRelease(
  ctx: RunContext,
  handlers: RollbackHandlers,
  reason: string,
): Promise<ReleaseResult> {
  ctx.log.warn(`release failed: ${reason}`);
  if (!ctx.config.rollbackOnFailure) {
    await saveState(ctx, 'failed');
    return 'failed';
  }
  return rollBack(ctx, handlers, reason, ctx.record.cancelled ? 'rollback (cancelled)' : 'rollback');
}

/**
 * Returns the release to stable. `rolling-back` is saved first, so a run that takes over from one
 * that died half-way finishes the rollback rather than redoing the release.
 */
export async function rollBack(
  ctx: RunContext,
  handlers: RollbackHandlers,
  reason: string,
  label: string,
): Promise<ReleaseResult> {
  ctx.record.rollbackReason = reason;
  const record = beginStep(ctx.record, ctx.record.steps.length, 'rollback', label, ctx.now());
  await saveState(ctx, 'rolling-back');
  try {
    await ctx.log.group(label, () => handlers.rollback(ctx, reason));
    endStep(record, 'passed', ctx.now());
    await saveState(ctx, 'rolled-back');
    return 'rolled-back';
  } catch (err) {
    if (isAbandoned(ctx, err)) throw abandonment(ctx, err);
    endStep(record, 'failed', ctx.now(), (err as Error).message);
    ctx.record.notes.push(`rollback did not complete: ${(err as Error).message}`);
    await saveState(ctx, 'failed');
    return 'failed';
  }
}
