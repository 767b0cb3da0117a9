/** Shared HTTP plumbing for the prometheus and web providers. */
import { cutText, keepText, type Redact } from '../../cut.ts';

export const DEFAULT_TIMEOUT_MS = 30_000;

/** The caller's signal combined with a per-request timeout. */
export function requestSignal(signal: AbortSignal, timeoutMs: number | undefined): AbortSignal {
  return AbortSignal.any([signal, AbortSignal.timeout(timeoutMs ?? DEFAULT_TIMEOUT_MS)]);
}

/**
 * Readable text for a failed fetch. Node's fetch says only "fetch failed" and hides the useful part
 * (`connect ECONNREFUSED 127.0.0.1:9`, `getaddrinfo ENOTFOUND ...`) in `cause`.
 */
export function describeFetchError(err: unknown, timeoutMs: number | undefined): string {
  if (err instanceof Error && err.name === 'TimeoutError')
    return `timed out after ${(timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000} s`;
  if (err instanceof Error && err.name === 'AbortError') return 'aborted';
  let current: unknown = err;
  let text = '';
  for (let depth = 0; current instanceof Error && depth < 4; depth++) {
    const nested = current instanceof AggregateError ? current.errors[0] : undefined;
    const message = current.message || (current as NodeJS.ErrnoException).code || '';
    if (message && message !== 'fetch failed') text = message;
    current = (current as Error & { cause?: unknown }).cause ?? nested;
  }
  return text || (err instanceof Error ? err.message : String(err));
}

/**
 * First characters of a body for a message, on one line: redacted before anything else, so a
 * value a line break or the cut would have split is still found whole.
 */
export function snippet(body: string, max = 200, redact: Redact = keepText): string {
  return cutText(redact(body).replace(/\s+/g, ' ').trim(), max);
}

/**
 * The request for a URL that may carry `user:password@`: fetch refuses such a URL, so it goes
 * without them and they travel as a Basic Authorization header (unless the metric sets its own).
 */
export function requestWithCredentials(
  url: string | URL,
  headers: Record<string, string> = {},
): { url: URL; headers: Record<string, string> } {
  const target = new URL(url);
  if (!target.username && !target.password) return { url: target, headers };
  const user = decodeURIComponent(target.username);
  const password = decodeURIComponent(target.password);
  target.username = '';
  target.password = '';
  const hasAuthorization = Object.keys(headers).some((h) => h.toLowerCase() === 'authorization');
  if (hasAuthorization) return { url: target, headers };
  const basic = Buffer.from(`${user}:${password}`).toString('base64');
  return { url: target, headers: { ...headers, authorization: `Basic ${basic}` } };
}
