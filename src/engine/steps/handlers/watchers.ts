// Work that runs beside the steps of one run and belongs to it: the pod guard (fails the step in
// progress on the first fatal pod status of the new version) and background analysis. A watcher
// ends in one of three ways: a failing verdict, a requested stop, or an error. An error is logged,
// noted in the report and fails the step too: a guard that can no longer watch is no guard.
import type { RunContext } from '../../run/context.ts';
import type { StepOutcome } from '../outcome.ts';

export interface Watcher {
  /** Settles with a failing outcome when the watcher fails or breaks; stays pending once stopped. */
  readonly failed: Promise<StepOutcome>;
  stop(): void;
}

/**
 * Starts `watch` (which resolves with a failing outcome, or rejects) under a signal of its own.
 * `what` names it in the message when it breaks, e.g. "the pod guard of the new version".
 */
export function startWatcher(
  ctx: RunContext,
  what: string,
  watch: (signal: AbortSignal) => Promise<StepOutcome>,
): Watcher {
  const stop = new AbortController();
  const signal = AbortSignal.any([ctx.signal, stop.signal]);
  const failed = watch(signal).then(
    (outcome) => outcome,
    (err: unknown) => {
      // A requested stop (or the run's own end) is not a failure: nothing waits for it then.
      if (signal.aborted) return new Promise<StepOutcome>(() => {});
      const reason = `${what} stopped unexpectedly: ${(err as Error).message}`;
      ctx.log.warn(reason);
      ctx.record.notes.push(reason);
      return { kind: 'fail', reason } satisfies StepOutcome;
    },
  );
  return { failed, stop: () => stop.abort() };
}
