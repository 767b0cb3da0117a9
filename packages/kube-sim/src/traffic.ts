// Synthetic load through the simulated cluster: every entry point (Ingress location, HTTPRoute,
// VirtualService, TrafficSplit, Service) gets `rps` requests per second, routed like the real data
// plane to ready pods, answered per the pod's SIM_ERROR_RATE / SIM_LATENCY_MS, and counted in
// Prometheus metrics, a timeline and a ledger tests can query.
import type { SimClock, SimStore, TimelineSample } from './types.ts';
import type { PodView, ServiceView } from './views.ts';
import { SimMetrics } from './metrics.ts';
import { entryMatches, findEntry, listEntries, type Entry } from './traffic/entries.ts';
import {
  podApp,
  podBehaviour,
  podServes,
  podVersion,
  sampleLatencyMs,
  seededRandom,
} from './traffic/pods.ts';
import type { SimRequest } from './traffic/routing.ts';
import { readCluster, type ClusterView } from './traffic/view.ts';

export interface MarkedTraffic {
  /** Share (0..1) of generated requests that carry the headers/cookies below. */
  share: number;
  headers?: Record<string, string>;
  cookies?: Record<string, string>;
}

export interface TrafficOptions {
  /** Requests per second per entry point (default 50; 0 disables generated load). */
  rps?: number;
  markedTraffic?: MarkedTraffic;
  /** PRNG seed (default 1). */
  seed?: number;
  /** Load generation tick (default 100 ms) and timeline sampling period (default 250 ms). */
  tickMs?: number;
  sampleMs?: number;
  /** How long timeline samples and ledger entries are kept (default 10 minutes). */
  historyMs?: number;
}

/** What happened to one request. `version` is "none" and `pod` "" when no pod answered. */
export interface RequestResult {
  entry: string;
  code: number;
  namespace: string;
  app: string;
  version: string;
  pod: string;
  service: string;
  latencyMs: number;
  /** For Ingress entries: the canary Ingress that served it, else "". */
  canary?: string;
  reason?: string;
}

export interface VersionCounts {
  requests: number;
  /** Responses with a 5xx code. */
  errors: number;
  codes: Record<string, number>;
}

export interface CountFilter {
  /** Only requests at or after this epoch ms (clock.now()). */
  since?: number;
  /** Entry id or a prefix of it (`ingress/default/web`). */
  entry?: string;
  namespace?: string;
  app?: string;
}

export interface SimTraffic {
  stop(): void;
  metricsText(): string;
  timeline(): TimelineSample[];
  /** Requests by version (incl. "none") that match the filter. */
  counts(filter?: CountFilter): Record<string, VersionCounts>;
  /** One request through an entry point, now; counted like generated load. */
  sendRequest(entry: string, req?: Partial<SimRequest>): RequestResult;
  /** Current entry point ids. */
  entries(): string[];
}

const WATCHED_KINDS = new Set([
  'Pod',
  'Service',
  'Ingress',
  'HTTPRoute',
  'VirtualService',
  'DestinationRule',
  'TrafficSplit',
]);

interface LedgerRow {
  entry: string;
  namespace: string;
  app: string;
  version: string;
  code: number;
}

/** Requests aggregated per timestamp: generated load arrives in ticks, so this stays small. */
interface LedgerBucket {
  at: number;
  rows: Map<string, { row: LedgerRow; count: number }>;
}

export function startTraffic(store: SimStore, clock: SimClock, opts: TrafficOptions = {}): SimTraffic {
  const rps = opts.rps ?? 50;
  const tickMs = opts.tickMs ?? 100;
  const sampleMs = opts.sampleMs ?? 250;
  const historyMs = opts.historyMs ?? 10 * 60_000;
  const rand = seededRandom(opts.seed ?? 1);
  const metrics = new SimMetrics();

  let view: ClusterView | undefined;
  let entries: Entry[] = [];
  const unsubscribe = store.subscribe((event) => {
    if (WATCHED_KINDS.has(event.object.kind)) view = undefined;
  });
  const current = (): ClusterView => {
    if (!view) {
      view = readCluster(store);
      entries = listEntries(view);
    }
    return view;
  };

  const ledger: LedgerBucket[] = [];
  let windowTraffic = new Map<string, { entry: string; version: string; requests: number; errors: number }>();
  const samples: TimelineSample[] = [];

  function record(result: RequestResult, at: number): void {
    let bucket = ledger[ledger.length - 1];
    if (!bucket || bucket.at !== at) {
      bucket = { at, rows: new Map() };
      ledger.push(bucket);
    }
    const row: LedgerRow = {
      entry: result.entry,
      namespace: result.namespace,
      app: result.app,
      version: result.version,
      code: result.code,
    };
    const key = `${row.entry}\u0000${row.namespace}\u0000${row.app}\u0000${row.version}\u0000${row.code}`;
    const found = bucket.rows.get(key);
    if (found) found.count++;
    else bucket.rows.set(key, { row, count: 1 });

    const windowKey = `${result.entry}\u0000${result.version}`;
    const win = windowTraffic.get(windowKey) ?? {
      entry: result.entry,
      version: result.version,
      requests: 0,
      errors: 0,
    };
    win.requests++;
    if (result.code >= 500) win.errors++;
    windowTraffic.set(windowKey, win);
  }

  function serve(entry: Entry, req: SimRequest, at: number): RequestResult {
    const cluster = current();
    const decision = entry.route(req, rand);
    let result: RequestResult;
    if (decision.kind === 'fail') {
      result = failure(entry.id, entry.namespace, entry.name, '', decision.code, decision.reason);
    } else {
      const { target } = decision;
      const endpoints = cluster.readyEndpoints(target);
      if (endpoints.length === 0) {
        const app = appOfService(cluster.service(target.namespace, target.service)) || target.service;
        result = failure(entry.id, target.namespace, app, target.service, 503, 'no ready endpoints');
      } else {
        const pod = endpoints[Math.floor(rand() * endpoints.length)];
        const behaviour = podBehaviour(pod);
        result = {
          entry: entry.id,
          code: rand() < behaviour.errorRate ? 500 : 200,
          namespace: target.namespace,
          app: podApp(pod),
          version: podVersion(pod),
          pod: String(pod.metadata.name),
          service: target.service,
          latencyMs: sampleLatencyMs(behaviour.latencyMs, rand),
        };
      }
      if (decision.ingress) result.canary = decision.ingress.canary;
      if (decision.ingress) {
        metrics.recordIngress({
          namespace: entry.namespace,
          ingress: decision.ingress.name,
          service: target.service,
          status: String(result.code),
          canary: decision.ingress.canary,
        });
      }
    }
    const { namespace, app, version, pod, code } = result;
    metrics.recordRequest({ namespace, app, version, pod, code: String(code) }, result.latencyMs / 1000);
    record(result, at);
    return result;
  }

  function generatedRequest(path: string): SimRequest {
    const marked = opts.markedTraffic;
    if (marked && marked.share > 0 && rand() < marked.share) {
      return { path, headers: { ...(marked.headers ?? {}) }, cookies: { ...(marked.cookies ?? {}) } };
    }
    return { path, headers: {}, cookies: {} };
  }

  // Load: rps × elapsed time per entry, carrying fractions so every rate is met on average.
  const carry = new Map<string, number>();
  let lastTick = Date.now();
  function tick(): void {
    const nowReal = Date.now();
    const elapsed = Math.min(1000, nowReal - lastTick);
    lastTick = nowReal;
    if (rps <= 0) return;
    current();
    const at = clock.now();
    for (const entry of entries) {
      const budget = (carry.get(entry.id) ?? 0) + (rps * elapsed) / 1000;
      const count = Math.floor(budget);
      carry.set(entry.id, budget - count);
      for (let i = 0; i < count; i++) serve(entry, generatedRequest(entry.path), at);
    }
  }

  function sample(): void {
    const at = clock.now();
    const cluster = current();
    samples.push({ at, pods: podSummary(cluster.pods), traffic: [...windowTraffic.values()] });
    windowTraffic = new Map();
    while (samples.length > 0 && samples[0].at < at - historyMs) samples.shift();
    while (ledger.length > 0 && ledger[0].at < at - historyMs) ledger.shift();
  }

  const tickTimer = setInterval(tick, tickMs);
  const sampleTimer = setInterval(sample, sampleMs);
  tickTimer.unref();
  sampleTimer.unref();

  return {
    stop() {
      clearInterval(tickTimer);
      clearInterval(sampleTimer);
      unsubscribe();
    },
    metricsText: () => metrics.text(),
    timeline: () => samples.map((s) => structuredClone(s)),
    counts(filter = {}) {
      const out: Record<string, VersionCounts> = {};
      for (const bucket of ledger) {
        if (filter.since !== undefined && bucket.at < filter.since) continue;
        for (const { row, count } of bucket.rows.values()) {
          if (filter.entry !== undefined && !entryMatches(row.entry, filter.entry)) continue;
          if (filter.namespace !== undefined && row.namespace !== filter.namespace) continue;
          if (filter.app !== undefined && row.app !== filter.app) continue;
          const counts = (out[row.version] ??= { requests: 0, errors: 0, codes: {} });
          counts.requests += count;
          if (row.code >= 500) counts.errors += count;
          counts.codes[row.code] = (counts.codes[row.code] ?? 0) + count;
        }
      }
      return out;
    },
    sendRequest(entryId, req = {}) {
      current();
      const entry = findEntry(entries, entryId);
      if (!entry)
        throw new Error(`no traffic entry point ${entryId}; known: ${entries.map((e) => e.id).join(', ')}`);
      return serve(
        entry,
        { path: req.path ?? entry.path, headers: req.headers ?? {}, cookies: req.cookies ?? {} },
        clock.now(),
      );
    },
    entries() {
      current();
      return entries.map((e) => e.id);
    },
  };
}

function failure(
  entry: string,
  namespace: string,
  app: string,
  service: string,
  code: number,
  reason: string,
): RequestResult {
  return { entry, code, namespace, app, version: 'none', pod: '', service, latencyMs: 1, reason };
}

function appOfService(service: ServiceView | undefined): string {
  const selector = service?.spec?.selector ?? {};
  return selector.app ?? selector['app.kubernetes.io/name'] ?? '';
}

function podSummary(pods: PodView[]): TimelineSample['pods'] {
  const groups = new Map<string, TimelineSample['pods'][number]>();
  for (const pod of pods) {
    const namespace = pod.metadata.namespace ?? 'default';
    const app = podApp(pod);
    const version = podVersion(pod);
    const key = `${namespace}\u0000${app}\u0000${version}`;
    let group = groups.get(key);
    if (!group) {
      group = { namespace, app, version, total: 0, ready: 0, phase: {} };
      groups.set(key, group);
    }
    group.total++;
    if (podServes(pod)) group.ready++;
    const phase = String(pod.status?.phase ?? 'Pending');
    group.phase[phase] = (group.phase[phase] ?? 0) + 1;
  }
  return [...groups.values()];
}
