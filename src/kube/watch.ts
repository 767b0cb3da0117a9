// List-then-watch until a predicate holds, the way informers do: the list gives a snapshot (one
// ADDED per object), the watch continues from the list's resourceVersion, a stream that ends or
// is cut resumes from the last resourceVersion seen, and 410 Gone (expired resourceVersion)
// re-lists. Timeout and abort stop it with an error that says what we were waiting for.
import type { ApiStatus, KubeObject, WaitOptions, WatchEvent } from './types.ts';
import { KubeApiError } from './types.ts';
import { formatDuration, sleep } from '../duration.ts';
import { backoffDelayMs, isRetryable } from './retry.ts';
import type { RetryInfo } from './retry.ts';

/** A raw event from the watch stream, including the kinds callers never see. */
export type RawWatchEvent =
  | WatchEvent
  | { type: 'BOOKMARK'; object?: { metadata?: { resourceVersion?: string } } }
  | { type: 'ERROR'; object?: ApiStatus };

export interface WatchSource {
  /** Complete list (all pages) and the collection's resourceVersion. */
  list(signal: AbortSignal): Promise<{ items: KubeObject[]; resourceVersion: string }>;
  /** Opens a watch from `resourceVersion`; throws KubeApiError (410 when it is too old). */
  watch(
    resourceVersion: string,
    timeoutSeconds: number,
    signal: AbortSignal,
  ): Promise<AsyncIterable<RawWatchEvent>>;
}

export interface WatchTuning {
  /** Consecutive failed (re)connections tolerated before giving up. */
  retries: number;
  minDelayMs: number;
  onRetry?: (info: RetryInfo) => void;
  /** For messages, e.g. `deployments.apps in prod`. */
  what: string;
}

/** The wait's deadline passed before the condition held. */
export class WaitTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WaitTimeoutError';
  }
}

/** The wait's signal was aborted (e.g. the workflow was cancelled). */
export class WaitAbortedError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'AbortError';
  }
}

export function objectKey(obj: KubeObject): string {
  return `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
}

class Relist extends Error {}

type OnEvent<T> = (event: WatchEvent, snapshot: Map<string, KubeObject>) => T | undefined;

/**
 * Lists, then watches from the list's resourceVersion, calling `onEvent` for every change until it
 * returns a value. Re-lists on 410 Gone; retries retryable stream failures with backoff; fails with
 * WaitTimeoutError after `wait.timeoutMs` and WaitAbortedError when `wait.signal` aborts.
 */
export async function watchUntil<T>(
  source: WatchSource,
  onEvent: OnEvent<T>,
  wait: WaitOptions,
  tuning: WatchTuning,
): Promise<T> {
  const description = wait.description ?? tuning.what;
  const ctl = new AbortController();
  const timer = setTimeout(
    () =>
      ctl.abort(
        new WaitTimeoutError(`timed out after ${formatDuration(wait.timeoutMs)} waiting for ${description}`),
      ),
    wait.timeoutMs,
  );
  const onAbort = () =>
    ctl.abort(new WaitAbortedError(`stopped waiting for ${description}: aborted`, wait.signal?.reason));
  if (wait.signal?.aborted) onAbort();
  else wait.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    return await new ListWatch(source, onEvent, tuning, ctl.signal, Date.now() + wait.timeoutMs).run();
  } catch (err) {
    if (ctl.signal.aborted && err !== ctl.signal.reason) throw ctl.signal.reason;
    throw err;
  } finally {
    clearTimeout(timer);
    wait.signal?.removeEventListener('abort', onAbort);
    // Closes any stream still open.
    if (!ctl.signal.aborted) ctl.abort(new Error('watch finished'));
  }
}

/** One list-then-watch loop: the snapshot of objects, where to resume, and the failure count. */
class ListWatch<T> {
  private readonly snapshot = new Map<string, KubeObject>();
  private resourceVersion = '';
  private failures = 0;
  /** Events received on the current stream. */
  private received = 0;

  constructor(
    private readonly source: WatchSource,
    private readonly onEvent: OnEvent<T>,
    private readonly tuning: WatchTuning,
    private readonly signal: AbortSignal,
    private readonly deadline: number,
  ) {}

  async run(): Promise<T> {
    let needList = true;
    for (;;) {
      this.signal.throwIfAborted();
      if (needList) {
        const found = await this.relist();
        if (found) return found.value;
        needList = false;
      }
      try {
        const found = await this.streamOnce();
        if (found) return found.value;
      } catch (err) {
        needList = await this.recover(err);
      }
    }
  }

  /** Lists afresh: every item is ADDED, and objects gone since the last list are DELETED. */
  private async relist(): Promise<{ value: T } | undefined> {
    const { items, resourceVersion } = await this.source.list(this.signal);
    this.resourceVersion = resourceVersion;
    const previous = new Map(this.snapshot);
    this.snapshot.clear();
    for (const item of items) this.snapshot.set(objectKey(item), item);
    for (const item of items) {
      const result = this.onEvent({ type: 'ADDED', object: item }, this.snapshot);
      if (result !== undefined) return { value: result };
    }
    for (const [key, gone] of previous) {
      if (this.snapshot.has(key)) continue;
      const result = this.onEvent({ type: 'DELETED', object: gone }, this.snapshot);
      if (result !== undefined) return { value: result };
    }
    return undefined;
  }

  /** Follows one watch stream until it ends (undefined) or an event decides. */
  private async streamOnce(): Promise<{ value: T } | undefined> {
    this.received = 0;
    const remaining = this.deadline - Date.now();
    const timeoutSeconds = Math.min(300, Math.max(1, Math.ceil(remaining / 1000)));
    const stream = await this.source.watch(this.resourceVersion, timeoutSeconds, this.signal);
    for await (const raw of stream) {
      this.received++;
      this.failures = 0;
      if (raw.type === 'BOOKMARK') {
        this.resourceVersion = raw.object?.metadata?.resourceVersion ?? this.resourceVersion;
        continue;
      }
      if (raw.type === 'ERROR') throw statusEventError(raw.object, this.tuning.what);
      const obj = raw.object;
      this.resourceVersion = obj.metadata?.resourceVersion ?? this.resourceVersion;
      if (raw.type === 'DELETED') this.snapshot.delete(objectKey(obj));
      else this.snapshot.set(objectKey(obj), obj);
      const result = this.onEvent({ type: raw.type, object: obj }, this.snapshot);
      if (result !== undefined) return { value: result };
    }
    // The server closed the stream (its timeout, or a restart): resume where we were. A stream
    // that ends without a single event is paused briefly so we never spin.
    if (this.received === 0) await sleep(this.tuning.minDelayMs, this.signal);
    return undefined;
  }

  /** After a stream failure: true to re-list (410 Gone), false to resume after a backoff; else throws. */
  private async recover(err: unknown): Promise<boolean> {
    if (this.signal.aborted) throw this.signal.reason;
    if (err instanceof Relist || (err instanceof KubeApiError && err.code === 410)) return true;
    if (!isRetryable(err)) throw err;
    if (this.received === 0) this.failures++;
    if (this.failures > this.tuning.retries) throw err;
    const delayMs = backoffDelayMs(Math.max(0, this.failures - 1), this.tuning.minDelayMs, 5000);
    this.tuning.onRetry?.({
      attempt: this.failures,
      retriesLeft: this.tuning.retries - this.failures,
      delayMs,
      error: err,
      operation: `watch ${this.tuning.what}`,
    });
    await sleep(delayMs, this.signal);
    return false;
  }
}

/** An ERROR event carries a Status: 410 means "re-list", anything else is a failure. */
function statusEventError(status: ApiStatus | undefined, what: string): Error {
  const code = typeof status?.code === 'number' ? status.code : 500;
  if (code === 410) return new Relist();
  return new KubeApiError(
    code,
    `watch ${what}: ${typeof status?.message === 'string' ? status.message : 'error event'} (${code})`,
    typeof status?.reason === 'string' ? status.reason : undefined,
    status,
  );
}

/** Splits a newline-delimited JSON stream into watch events. */
export async function* parseWatchStream(
  stream: AsyncIterable<string | Buffer>,
): AsyncGenerator<RawWatchEvent> {
  let buffered = '';
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    buffered += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line) yield JSON.parse(line) as RawWatchEvent;
    }
  }
  // A half line at the very end is an event cut in transit: the resumed watch sends it again.
  const rest = buffered.trim();
  if (!rest) return;
  let last: RawWatchEvent | undefined;
  try {
    last = JSON.parse(rest) as RawWatchEvent;
  } catch {
    last = undefined;
  }
  if (last) yield last;
}
