// Many API requests at once, bounded: enough in flight to hide latency, few enough not to trip the
// API server's priority and fairness. One place decides how many.
import pMap from 'p-map';

export const API_CONCURRENCY = 8;

/** `fn` over `items`, several at a time, results in input order; the first error stops it. */
export function inParallel<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  return pMap(items, fn, { concurrency: API_CONCURRENCY });
}
