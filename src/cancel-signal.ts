// Cancellation from the runner: SIGINT first, SIGTERM 7.5 s later, SIGKILL 2.5 s after that. The
// main entry installs this before it loads anything else, so a cancel in the first milliseconds
// is seen too (the default action would kill the process with nothing saved, and the post step
// would have no way to tell what happened). No imports beyond Node's own.

export interface CancelWatch {
  /** Aborted by the first SIGINT or SIGTERM, with the signal named in its reason. */
  readonly signal: AbortSignal;
}

export function watchForCancel(proc: NodeJS.Process = process): CancelWatch {
  const controller = new AbortController();
  const onSignal = (name: string) => {
    if (!controller.signal.aborted)
      controller.abort(new Error(`received ${name}: the workflow was cancelled`));
  };
  // `on`, not `once`: a second SIGINT must not fall back to the default action (die at once)
  // while the run is returning traffic to stable; only the runner's SIGKILL can cut that short.
  proc.on('SIGINT', onSignal);
  proc.on('SIGTERM', onSignal);
  return { signal: controller.signal };
}
