// Which API failures are worth another attempt, and the retry loop itself (p-retry).
// Retryable: 429 (honouring Retry-After), 5xx, and connection-level errors. Every other 4xx is an
// answer, not an accident: retrying a 404, 409 or 422 would only repeat it.
import { sleep } from '../duration.ts';
import pRetry from 'p-retry';
import { KubeApiError } from './types.ts';
import { valueAt } from '../plain-values.ts';

/** Error codes of sockets that failed or were cut before an answer arrived. */
const CONNECTION_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
const CONNECTION_MESSAGES = ['socket hang up', 'fetch failed', 'other side closed'];

/** HTTP status of an error, whether a KubeApiError or client-node's ApiException. */
export function statusCodeOf(err: unknown): number | undefined {
  if (err instanceof KubeApiError) return err.code;
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

export function isConnectionError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message !== 'string') continue;
    const lower = message.toLowerCase();
    // undici reports a body cut mid-stream as a bare `terminated`.
    if (lower === 'terminated' || CONNECTION_MESSAGES.some((m) => lower.includes(m))) return true;
  }
  return false;
}

/**
 * Server-side apply answers an applied object that does not fit the kind's schema with a plain 500
 * (`failed to create typed patch object (…): .spec.replicas: expected numeric …`): the same body
 * fails the same way every time, so it is an answer, not an accident.
 */
function isSchemaRejection(err: unknown): boolean {
  const message = (err as { status?: { message?: unknown } } | undefined)?.status?.message;
  const text = typeof message === 'string' ? message : (err as Error | undefined)?.message;
  return typeof text === 'string' && text.includes('failed to create typed patch object');
}

export function isRetryable(err: unknown): boolean {
  const status = statusCodeOf(err);
  if (status === 500 && isSchemaRejection(err)) return false;
  if (status !== undefined) return status === 429 || status >= 500;
  return isConnectionError(err);
}

/** `Retry-After` header value in milliseconds (seconds or HTTP date), or undefined. */
export function parseRetryAfter(value: string | undefined | null, now = Date.now()): number | undefined {
  if (value === undefined || value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * How long the server asked us to wait: the `retryAfterMs` the transport attached from the
 * Retry-After header, else the Status body's `details.retryAfterSeconds`.
 */
export function retryAfterMsOf(err: unknown): number | undefined {
  const attached = (err as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
  if (typeof attached === 'number') return attached;
  if (err instanceof KubeApiError) {
    const seconds = valueAt(err.status, ['details', 'retryAfterSeconds']);
    if (typeof seconds === 'number' && seconds > 0) return seconds * 1000;
  }
  return undefined;
}

export interface RetryInfo {
  /** The attempt that failed (1-based). */
  attempt: number;
  retriesLeft: number;
  /** How long we wait before the next attempt. */
  delayMs: number;
  error: unknown;
  /** What was being done, e.g. `GET /api/v1/namespaces/default/pods`. */
  operation?: string;
}

export interface RetryOptions {
  /** Retries after the first attempt (default 4). */
  retries?: number;
  /** First backoff delay; doubles per retry (default 250 ms). Tests shrink it. */
  minDelayMs?: number;
  /** Longest backoff delay (default 8 s). */
  maxDelayMs?: number;
  /** Longest Retry-After we honour (default 60 s); longer requests are capped. */
  maxRetryAfterMs?: number;
  signal?: AbortSignal;
  onRetry?: (info: RetryInfo) => void;
  operation?: string;
}

export const DEFAULT_RETRIES = 4;
export const DEFAULT_MIN_DELAY_MS = 250;
const FACTOR = 2;

export function backoffDelayMs(retriesConsumed: number, minDelayMs: number, maxDelayMs: number): number {
  return Math.min(maxDelayMs, Math.round(minDelayMs * FACTOR ** retriesConsumed));
}

/** Runs `fn`, retrying retryable failures with exponential backoff; other errors pass through at once. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const retries = opts.retries ?? DEFAULT_RETRIES;
  const minDelayMs = opts.minDelayMs ?? DEFAULT_MIN_DELAY_MS;
  const maxDelayMs = Math.max(minDelayMs, opts.maxDelayMs ?? 8000);
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? 60_000;
  return pRetry(fn, {
    retries,
    factor: FACTOR,
    minTimeout: minDelayMs,
    maxTimeout: maxDelayMs,
    randomize: false,
    signal: opts.signal,
    shouldRetry: async ({ error, retriesConsumed, retriesLeft, attemptNumber }) => {
      if (!isRetryable(error)) return false;
      // p-retry sleeps the backoff after this returns; top it up to what Retry-After asked for.
      const backoff = backoffDelayMs(retriesConsumed, minDelayMs, maxDelayMs);
      const asked = retryAfterMsOf(error);
      const wanted = asked === undefined ? backoff : Math.max(backoff, Math.min(asked, maxRetryAfterMs));
      opts.onRetry?.({
        attempt: attemptNumber,
        retriesLeft,
        delayMs: wanted,
        error,
        operation: opts.operation,
      });
      if (wanted > backoff) await sleep(wanted - backoff, opts.signal);
      return true;
    },
  });
}

/** Kept for callers that import it from here (src/engine/lease/lock.ts). */
export { sleep };
