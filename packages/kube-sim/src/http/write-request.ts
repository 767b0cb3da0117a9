// What every write verb gets and returns (write.ts, eviction.ts), and the dryRun check they share.
import type { ResourceEntry } from '../registry.ts';
import type { SimStoreImpl } from '../store.ts';
import { badRequest } from '../status.ts';

export interface WriteRequest {
  store: SimStoreImpl;
  entry: ResourceEntry;
  namespace?: string;
  name?: string;
  subresource?: string;
  query: URLSearchParams;
  body: string;
  contentType: string;
  userAgent: string;
  /**
   * Server-side apply that creates the object also needs `create` (upstream patch.go's
   * createAuthorizerAttributes): throws 403 when the caller may not create. Unset without RBAC.
   */
  authorizeCreate?: () => void;
}

export interface WriteResult {
  code: number;
  body: unknown;
}

export function isDryRun(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  for (const v of values)
    if (v !== 'All') throw badRequest(`Invalid dry run value: ${v}; only "All" is supported`);
  return values.length > 0;
}
