// Fault injection and request accounting for the simulated API server.
//
// Rules match requests by verb / resource / namespace / name and inject: an HTTP error Status
// (429 with Retry-After, 500, 503, ...), a connection reset (socket destroyed, no answer), added
// latency, or (for watches) a stream cut after N events. An outage window fails every request.
import { REVIEW_RESOURCES } from './http/review.ts';

export type ApiVerb =
  'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface FaultRule {
  /** Verbs to match (default all). */
  verb?: ApiVerb | ApiVerb[];
  /** `deployments`, `deployments/scale`, `pods/log` … (default all). `deployments` matches only the main resource. */
  resource?: string | string[];
  namespace?: string;
  name?: string;
  /** Answer with this HTTP status and a matching Status body (429 → TooManyRequests, 500, 503 …). */
  status?: number;
  /** Retry-After header in seconds (default 1 for 429 and 503). */
  retryAfterSeconds?: number;
  /** Status message (default the real server's wording for the code). */
  message?: string;
  /** Destroy the connection without answering. */
  reset?: boolean;
  /** Delay before handling (combines with the other effects; alone it only slows the request). */
  latencyMs?: number;
  /** For watches: end the stream after this many events have been sent. */
  cutWatchAfterEvents?: number;
  /** Let this many matching requests through untouched first (default 0). */
  skip?: number;
  /** Only affect this many matching requests, then the rule retires (default unlimited). */
  times?: number;
}

export interface RequestInfo {
  verb: ApiVerb;
  /** Resource with subresource, e.g. `deployments/scale`. */
  resource: string;
  namespace?: string;
  name?: string;
}

export interface FaultEffect {
  status?: number;
  retryAfterSeconds?: number;
  message?: string;
  reset?: boolean;
  latencyMs?: number;
  cutWatchAfterEvents?: number;
}

export interface RequestRecord {
  at: number;
  method: string;
  path: string;
  verb: ApiVerb | 'nonresource';
  resource?: string;
  namespace?: string;
  name?: string;
  dryRun: boolean;
  user: string;
  fieldManager?: string;
  /** Content type of a PATCH body. */
  patchType?: string;
  /** HTTP status answered (0 for a reset connection). */
  code: number;
  /** Set when a fault rule or the outage decided the answer. */
  fault?: string;
}

export interface SimStats {
  /** Resource requests (not discovery/health/metrics), dry runs included. */
  total: number;
  /** Non-dry-run resource requests by verb. */
  byVerb: Partial<Record<ApiVerb, number>>;
  /** Non-dry-run requests by resource (with subresource) then verb. */
  byResource: Record<string, Partial<Record<ApiVerb, number>>>;
  /** Dry-run requests by verb. */
  dryRun: Partial<Record<ApiVerb, number>>;
  /**
   * Non-dry-run create/update/patch/delete/deletecollection requests (attempts, failed ones too);
   * self access/rules reviews are not writes.
   */
  writes: number;
  /** Requests answered by a fault rule or the outage. */
  faults: number;
  /** Every request, oldest first (the last 10 000). */
  requests: RequestRecord[];
}

const WRITE_VERBS = new Set<ApiVerb | 'nonresource'>([
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
]);

interface ActiveRule extends FaultRule {
  id: number;
  seen: number;
  applied: number;
}

export class Faults {
  private rules: ActiveRule[] = [];
  private nextId = 1;
  private outageUntil = 0;
  private outageMode: 'reset' | 503 = 503;

  /** Add a rule; returns its id (for `remove`). */
  add(rule: FaultRule): number {
    const id = this.nextId++;
    this.rules.push({ ...rule, id, seen: 0, applied: 0 });
    return id;
  }

  remove(id: number): void {
    this.rules = this.rules.filter((r) => r.id !== id);
  }

  /** Remove every rule and end any outage. */
  clear(): void {
    this.rules = [];
    this.outageUntil = 0;
  }

  /** Fail every API request (discovery included; /metrics and health excepted) until `until` (epoch ms) or for `durationMs`. */
  outage(opts: { durationMs?: number; until?: number; mode?: 'reset' | 503 }): void {
    this.outageUntil = opts.until ?? Date.now() + (opts.durationMs ?? 0);
    this.outageMode = opts.mode ?? 503;
  }

  endOutage(): void {
    this.outageUntil = 0;
  }

  /** The outage answer for any request right now, if one is in force. */
  outageEffect(now = Date.now()): FaultEffect | undefined {
    if (now >= this.outageUntil) return undefined;
    if (this.outageMode === 'reset') return { reset: true };
    return {
      status: 503,
      retryAfterSeconds: Math.max(1, Math.ceil((this.outageUntil - now) / 1000)),
      message: 'the simulated API server is unavailable',
    };
  }

  /** The combined effect of the rules matching one resource request (consumes skip/times). */
  match(req: RequestInfo): FaultEffect | undefined {
    let effect: FaultEffect | undefined;
    for (const r of this.rules) {
      if (!matches(r, req)) continue;
      r.seen++;
      if (r.seen <= (r.skip ?? 0)) continue;
      if (r.times !== undefined && r.applied >= r.times) continue;
      r.applied++;
      effect ??= {};
      if (r.latencyMs) effect.latencyMs = (effect.latencyMs ?? 0) + r.latencyMs;
      if (r.cutWatchAfterEvents !== undefined) effect.cutWatchAfterEvents = r.cutWatchAfterEvents;
      if (effect.status === undefined && !effect.reset) {
        if (r.reset) effect.reset = true;
        else if (r.status) {
          effect.status = r.status;
          if (r.retryAfterSeconds !== undefined) effect.retryAfterSeconds = r.retryAfterSeconds;
          if (r.message) effect.message = r.message;
        }
      }
    }
    this.rules = this.rules.filter((r) => r.times === undefined || r.applied < r.times);
    return effect;
  }
}

function matches(r: FaultRule, req: RequestInfo): boolean {
  const verbs = r.verb === undefined ? undefined : Array.isArray(r.verb) ? r.verb : [r.verb];
  if (verbs && !verbs.includes(req.verb)) return false;
  const resources =
    r.resource === undefined ? undefined : Array.isArray(r.resource) ? r.resource : [r.resource];
  if (resources && !resources.includes(req.resource) && !resources.includes('*')) return false;
  if (r.namespace !== undefined && r.namespace !== req.namespace) return false;
  if (r.name !== undefined && r.name !== req.name) return false;
  return true;
}

/** Request counters and a bounded request log. */
export class RequestStats {
  private records: RequestRecord[] = [];
  private counters = { total: 0, writes: 0, faults: 0 };
  private byVerb: Partial<Record<ApiVerb, number>> = {};
  private byResource: Record<string, Partial<Record<ApiVerb, number>>> = {};
  private dryRun: Partial<Record<ApiVerb, number>> = {};

  record(rec: RequestRecord): void {
    this.records.push(rec);
    if (this.records.length > 10_000) this.records.splice(0, this.records.length - 10_000);
    if (rec.fault) this.counters.faults++;
    if (rec.verb === 'nonresource') return;
    this.counters.total++;
    if (rec.dryRun) {
      this.dryRun[rec.verb] = (this.dryRun[rec.verb] ?? 0) + 1;
      return;
    }
    this.byVerb[rec.verb] = (this.byVerb[rec.verb] ?? 0) + 1;
    const r = (this.byResource[rec.resource ?? ''] ??= {});
    r[rec.verb] = (r[rec.verb] ?? 0) + 1;
    if (WRITE_VERBS.has(rec.verb) && !REVIEW_RESOURCES.has(rec.resource ?? '')) this.counters.writes++;
  }

  snapshot(): SimStats {
    return {
      ...this.counters,
      byVerb: { ...this.byVerb },
      byResource: structuredClone(this.byResource),
      dryRun: { ...this.dryRun },
      requests: this.records.slice(),
    };
  }

  reset(): void {
    this.records = [];
    this.counters = { total: 0, writes: 0, faults: 0 };
    this.byVerb = {};
    this.byResource = {};
    this.dryRun = {};
  }
}

/** The real server's reason and message for a status code. */
export function faultStatus(code: number): { reason: string; message: string } {
  switch (code) {
    case 429:
      return { reason: 'TooManyRequests', message: 'Too many requests, please try again later.' };
    case 500:
      return { reason: 'InternalError', message: 'Internal error occurred: simulated fault' };
    case 503:
      return {
        reason: 'ServiceUnavailable',
        message: 'the server is currently unable to handle the request',
      };
    case 504:
      return {
        reason: 'Timeout',
        message:
          'the server was unable to return a response in the time allotted, but may still be processing the request',
      };
    case 400:
      return { reason: 'BadRequest', message: 'the server rejected our request for an unknown reason' };
    case 401:
      return { reason: 'Unauthorized', message: 'Unauthorized' };
    case 403:
      return { reason: 'Forbidden', message: 'forbidden: simulated fault' };
    case 404:
      return { reason: 'NotFound', message: 'the server could not find the requested resource' };
    case 410:
      return { reason: 'Expired', message: 'too old resource version: 1 (2)' };
    case 422:
      return { reason: 'Invalid', message: 'the object is invalid: simulated fault' };
    case 409:
      return {
        reason: 'Conflict',
        message:
          'Operation cannot be fulfilled: the object has been modified; please apply your changes to the latest version and try again',
      };
    default:
      return { reason: 'InternalError', message: `simulated fault ${code}` };
  }
}
