// Reports that trail the release instead of holding it up: a step boundary hands its record over and
// the release goes on while the report is sent (a PR comment edit is a few GitHub round trips).
// One report is out at a time; of those that arrive meanwhile only the newest waits, since the
// others are stale by the time they could go.

export interface LatestWins<T> {
  /** Queues `value` in place of any still waiting; returns at once. */
  push(value: T): void;
  /** Drops what waits and resolves once the report that is out has gone. */
  settle(): Promise<void>;
}

/** `send` for the newest value only, one at a time; a failed send is passed to `onError`. */
export function latestWins<T>(
  send: (value: T) => Promise<void>,
  onError: (err: unknown) => void,
): LatestWins<T> {
  let waiting: { value: T } | undefined;
  let running: Promise<void> | undefined;
  async function drain(): Promise<void> {
    while (waiting) {
      const { value } = waiting;
      waiting = undefined;
      await send(value).catch(onError);
    }
    running = undefined;
  }
  return {
    push(value) {
      waiting = { value };
      running ??= drain();
    },
    async settle() {
      waiting = undefined;
      await running;
    },
  };
}
