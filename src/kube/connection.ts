// The one place a bare `connect ECONNREFUSED` or `socket hang up` gets its context: which API
// server (as the kubeconfig names it) and what the action was doing when it gave up.
import { isConnectionError, withRetry, type RetryOptions } from './retry.ts';
import { KubeConnectionError } from './types.ts';

/**
 * `err` itself unless it is a connection failure (and not an abort); then a KubeConnectionError
 * whose message is `<what> <server>: <socket error>` with the socket error as its cause.
 */
export function withServerContext(err: unknown, what: string, aborted = false): unknown {
  if (aborted || err instanceof KubeConnectionError || !isConnectionError(err)) return err;
  return new KubeConnectionError(`${what}: ${(err as Error).message}`, err);
}

/** withRetry, and a connection failure that outlasts the retries names `server` and the operation. */
export async function retryNamingServer<T>(
  fn: (attempt: number) => Promise<T>,
  opts: RetryOptions & { retries: number; operation: string },
  server: string,
): Promise<T> {
  try {
    return await withRetry(fn, opts);
  } catch (err) {
    const doing = `${opts.operation} after ${opts.retries + 1} attempts`;
    throw withServerContext(
      err,
      `could not reach the Kubernetes API server ${server} for ${doing}`,
      opts.signal?.aborted,
    );
  }
}
