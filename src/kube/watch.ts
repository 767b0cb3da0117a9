// List-then-watch until a predicate holds, the way informers do: the list gives a snapshot (one
// ADDED per object), the watch continues from the list's resourceVersion, a stream that ends or
// is cut resumes from the last resourceVersion seen, and 410 Gone (expired resourceVersion)
// re-lists. Timeout and abort stop it with an error that says what we were waiting for.
import type { KubeObject, WaitOptions, WatchEvent } from './types.ts';
import { KubeApiError } from './types.ts';
import { formatDuration, sleep } from '../duration.ts';
import { backoffDelayMs, isRetryable } from './retry.ts';
import type { RetryInfo } from './retry.ts';

/** A raw event from the watch stream, including the kinds callers never see. */
export interface RawWatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: any;
}

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

export async function watchUntil<T>(
  source: WatchSource,
  onEvent: (event: WatchEvent, snapshot: Map<string, KubeObject>) => T | undefined,
  wait: WaitOptions,
  tuning: WatchTuning,
): Promise<T> {
  const description = wait.description ?? tuning.what;
  const ctl = new AbortController();
  const started = Date.now();
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

  const snapshot = new Map<string, KubeObject>();
  let resourceVersion = '';
  let needList = true;
  let failures = 0;
  try {
    for (;;) {
      ctl.signal.throwIfAborted();
      if (needList) {
        const { items, resourceVersion: rv } = await source.list(ctl.signal);
        resourceVersion = rv;
        needList = false;
        const previous = new Map(snapshot);
        snapshot.clear();
        for (const item of items) snapshot.set(objectKey(item), item);
        for (const item of items) {
          const result = onEvent({ type: 'ADDED', object: item }, snapshot);
          if (result !== undefined) return result;
        }
        for (const [key, gone] of previous) {
          if (snapshot.has(key)) continue;
          const result = onEvent({ type: 'DELETED', object: gone }, snapshot);
          if (result !== undefined) return result;
        }
      }
      let received = 0;
      try {
        const remaining = wait.timeoutMs - (Date.now() - started);
        const timeoutSeconds = Math.min(300, Math.max(1, Math.ceil(remaining / 1000)));
        const stream = await source.watch(resourceVersion, timeoutSeconds, ctl.signal);
        for await (const raw of stream) {
          received++;
          failures = 0;
          if (raw.type === 'BOOKMARK') {
            resourceVersion = raw.object?.metadata?.resourceVersion ?? resourceVersion;
            continue;
          }
          if (raw.type === 'ERROR') throw statusEventError(raw.object, tuning.what);
          const obj = raw.object as KubeObject;
          resourceVersion = obj.metadata?.resourceVersion ?? resourceVersion;
          if (raw.type === 'DELETED') snapshot.delete(objectKey(obj));
          else snapshot.set(objectKey(obj), obj);
          const result = onEvent({ type: raw.type, object: obj }, snapshot);
          if (result !== undefined) return result;
        }
        // The server closed the stream (its timeout, or a restart): resume where we were. A
        // stream that ends without a single event is paused briefly so we never spin.
        if (received === 0) await sleep(tuning.minDelayMs, ctl.signal);
      } catch (err) {
        if (ctl.signal.aborted) throw ctl.signal.reason;
        if (err instanceof Relist || (err instanceof KubeApiError && err.code === 410)) {
          needList = true;
          continue;
        }
        if (!isRetryable(err)) throw err;
        if (received === 0) failures++;
        if (failures > tuning.retries) throw err;
        const delayMs = backoffDelayMs(Math.max(0, failures - 1), tuning.minDelayMs, 5000);
        tuning.onRetry?.({
          attempt: failures,
          retriesLeft: tuning.retries - failures,
          delayMs,
          error: err,
          operation: `watch ${tuning.what}`,
        });
        await sleep(delayMs, ctl.signal);
      }
    }
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

/** An ERROR event carries a Status: 410 means "re-list", anything else is a failure. */
function statusEventError(status: any, what: string): Error {
  const code = typeof status?.code === 'number' ? status.code : 500;
  if (code === 410) return new Relist();
  return new KubeApiError(
    code,
    `watch ${what}: ${status?.message ?? 'error event'} (${code})`,
    status?.reason,
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
