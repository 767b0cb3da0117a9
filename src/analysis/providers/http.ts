/** Shared HTTP plumbing for the prometheus and web providers. */

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

/** First characters of a body for an error message. */
export function snippet(body: string, max = 200): string {
  const oneLine = body.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 3)}...` : oneLine;
}
