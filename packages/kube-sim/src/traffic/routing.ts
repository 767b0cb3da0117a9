// Pure routing decisions of the traffic model: given a routing object and a request, where does
// the request go? No store access here, so every rule can be tested with a table.
import type { KubeObject } from '../types.ts';
import { view, viewAll, type TypedObject } from '../views.ts';

export type Random = () => number;

export interface SimRequest {
  path: string;
  /** Header names in any case. */
  headers: Record<string, string>;
  cookies: Record<string, string>;
}

/** A Service (optionally narrowed to a DestinationRule subset's labels) that should serve the request. */
export interface BackendTarget {
  namespace: string;
  service: string;
  subset?: string;
  subsetLabels?: Record<string, string>;
}

export type RouteDecision =
  { kind: 'backend'; target: BackendTarget } | { kind: 'fail'; code: number; reason: string };

/** Lower-cased header map; cookies become a `cookie` header unless one was given (Istio/Gateway match on it). */
export function normalizedHeaders(req: SimRequest): Map<string, string> {
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(req.headers)) headers.set(name.toLowerCase(), value);
  const cookies = Object.entries(req.cookies);
  if (cookies.length > 0 && !headers.has('cookie')) {
    headers.set('cookie', cookies.map(([k, v]) => `${k}=${v}`).join('; '));
  }
  return headers;
}

/** Picks one value with probability weight / sum; undefined when every weight is 0. */
export function pickWeighted<T>(items: { weight: number; value: T }[], rand: Random): T | undefined {
  const total = items.reduce((sum, item) => sum + Math.max(0, item.weight), 0);
  if (!(total > 0)) return undefined;
  let point = rand() * total;
  for (const item of items) {
    const weight = Math.max(0, item.weight);
    if (weight <= 0) continue;
    if (point < weight) return item.value;
    point -= weight;
  }
  // Floating-point leftovers: the last positive item.
  return [...items].reverse().find((item) => item.weight > 0)?.value;
}

/** Whole-string regex match (Envoy's safe_regex, used by Istio and most Gateway implementations). */
function fullMatch(pattern: string, value: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// ingress-nginx canary

const NGINX = 'nginx.ingress.kubernetes.io/';

export function isNginxCanary(ingress: KubeObject): boolean {
  return ingress.metadata.annotations?.[`${NGINX}canary`] === 'true';
}

/**
 * ingress-nginx's choice between the main and the canary backend of one host+path. Precedence:
 * header, cookie, weight. With `canary-by-header-value` (or `-pattern`) only a matching value
 * selects the canary and `always`/`never` lose their meaning; anything else falls through.
 */
export function nginxRoutesToCanary(
  annotations: Record<string, string>,
  req: SimRequest,
  rand: Random,
): boolean {
  const ann = (key: string): string => annotations[`${NGINX}${key}`] ?? '';
  const byHeader = ann('canary-by-header');
  if (byHeader) {
    const value = normalizedHeaders(req).get(byHeader.toLowerCase());
    if (value !== undefined) {
      const exact = ann('canary-by-header-value');
      const pattern = ann('canary-by-header-pattern');
      if (exact) {
        if (value === exact) return true;
      } else if (pattern) {
        if (regexFinds(pattern, value)) return true;
      } else if (value === 'always') {
        return true;
      } else if (value === 'never') {
        return false;
      }
    }
  }
  const byCookie = ann('canary-by-cookie');
  if (byCookie) {
    const cookie = req.cookies[byCookie];
    if (cookie === 'always') return true;
    if (cookie === 'never') return false;
  }
  const weight = Number(ann('canary-weight') || 0);
  const totalRaw = Number(ann('canary-weight-total') || 100);
  const total = Number.isFinite(totalRaw) && totalRaw > 0 ? totalRaw : 100;
  if (!(weight > 0)) return false;
  // nginx: math.random(total) <= weight, i.e. an integer draw in 1..total.
  return Math.floor(rand() * total) + 1 <= weight;
}

/** PCRE-style search (unanchored), as ngx.re.match does. */
function regexFinds(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern).test(value);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Gateway API HTTPRoute

interface HttpRouteMatch {
  path?: { type?: string; value?: string };
  headers?: { type?: string; name: string; value: string }[];
  method?: string;
  queryParams?: unknown[];
}

/** The parts of an HTTPRoute, VirtualService, DestinationRule and TrafficSplit that routing reads. */
interface HttpRouteRule {
  matches?: HttpRouteMatch[];
  backendRefs?: { kind?: string; name?: string; namespace?: string; weight?: number }[];
}
type HttpRouteView = TypedObject<{ rules?: HttpRouteRule[] }>;

interface IstioMatch {
  uri?: StringMatch;
  headers?: Record<string, StringMatch>;
  withoutHeaders?: Record<string, StringMatch>;
}
interface IstioHttpRoute {
  match?: IstioMatch[];
  route?: { weight?: number; destination?: { host?: string; subset?: string } }[];
}
type VirtualServiceView = TypedObject<{ http?: IstioHttpRoute[] }>;
type DestinationRuleView = TypedObject<{
  host?: string;
  subsets?: { name: string; labels?: Record<string, string> }[];
}>;
type TrafficSplitView = TypedObject<{ backends?: { service?: string; weight?: unknown }[] }>;

function pathMatches(match: HttpRouteMatch['path'], path: string): boolean {
  const type = match?.type ?? 'PathPrefix';
  const value = match?.value ?? '/';
  if (type === 'Exact') return path === value;
  if (type === 'RegularExpression') return fullMatch(value, path);
  if (value === '/' || path === value) return true;
  const prefix = value.endsWith('/') ? value : `${value}/`;
  return path.startsWith(prefix);
}

function httpRouteMatchHolds(match: HttpRouteMatch, req: SimRequest, headers: Map<string, string>): boolean {
  if (!pathMatches(match.path, req.path)) return false;
  if (match.method && match.method !== 'GET') return false;
  for (const condition of match.headers ?? []) {
    const value = headers.get(condition.name.toLowerCase());
    if (value === undefined) return false;
    const ok =
      condition.type === 'RegularExpression' ? fullMatch(condition.value, value) : value === condition.value;
    if (!ok) return false;
  }
  return true;
}

/** Gateway API match precedence: exact path, longest prefix, method, most headers, most query params, then order. */
function precedence(match: HttpRouteMatch): number[] {
  const exact = match.path?.type === 'Exact' ? 1 : 0;
  const length = (match.path?.value ?? '/').length;
  return [exact, length, match.method ? 1 : 0, match.headers?.length ?? 0, match.queryParams?.length ?? 0];
}

export function routeHttpRoute(route: KubeObject, req: SimRequest, rand: Random): RouteDecision {
  const namespace = route.metadata.namespace ?? 'default';
  const rules: HttpRouteRule[] = view<HttpRouteView>(route).spec?.rules ?? [];
  const candidates: { match: HttpRouteMatch; rule: HttpRouteRule; order: number }[] = [];
  rules.forEach((rule, ruleIndex) => {
    const matches: HttpRouteMatch[] = rule.matches?.length ? rule.matches : [{}];
    matches.forEach((match, matchIndex) =>
      candidates.push({ match, rule, order: ruleIndex * 1000 + matchIndex }),
    );
  });
  candidates.sort((a, b) => {
    const pa = precedence(a.match);
    const pb = precedence(b.match);
    for (let i = 0; i < pa.length; i++) if (pa[i] !== pb[i]) return pb[i] - pa[i];
    return a.order - b.order;
  });
  const headers = normalizedHeaders(req);
  const chosen = candidates.find((c) => httpRouteMatchHolds(c.match, req, headers));
  if (!chosen) return { kind: 'fail', code: 404, reason: 'no HTTPRoute rule matches' };
  const refs = (chosen.rule.backendRefs ?? []).filter((ref) => (ref.kind ?? 'Service') === 'Service');
  const target = pickWeighted(
    refs.map((ref) => ({
      weight: ref.weight ?? 1,
      value: { namespace: ref.namespace ?? namespace, service: String(ref.name) } as BackendTarget,
    })),
    rand,
  );
  // The spec asks for a 500 when a rule has no backend with a positive weight.
  if (!target) return { kind: 'fail', code: 500, reason: 'HTTPRoute rule has no backend with weight > 0' };
  return { kind: 'backend', target };
}

// ---------------------------------------------------------------------------------------------
// Istio VirtualService

/** `web`, `web.ns`, `web.ns.svc` and `web.ns.svc.cluster.local` name the Service `web` in `ns`. */
export function resolveServiceHost(
  host: string,
  defaultNamespace: string,
): { namespace: string; service: string } {
  const parts = host.split('.');
  if (parts.length === 1) return { namespace: defaultNamespace, service: parts[0] };
  return { namespace: parts[1], service: parts[0] };
}

type StringMatch = { exact?: string; prefix?: string; regex?: string };

function stringMatchHolds(condition: StringMatch, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (condition.exact !== undefined) return value === condition.exact;
  if (condition.prefix !== undefined) return value.startsWith(condition.prefix);
  if (condition.regex !== undefined) return fullMatch(condition.regex, value);
  return true;
}

function istioMatchHolds(match: IstioMatch, req: SimRequest, headers: Map<string, string>): boolean {
  if (match.uri && !stringMatchHolds(match.uri, req.path)) return false;
  for (const [name, condition] of Object.entries<StringMatch>(match.headers ?? {})) {
    if (!stringMatchHolds(condition, headers.get(name.toLowerCase()))) return false;
  }
  for (const name of Object.keys(match.withoutHeaders ?? {})) {
    const condition = match.withoutHeaders?.[name] as StringMatch;
    if (stringMatchHolds(condition, headers.get(name.toLowerCase()))) return false;
  }
  return true;
}

/** Looks up a DestinationRule subset's labels for a Service; undefined when no such subset exists. */
export type SubsetLookup = (
  namespace: string,
  service: string,
  subset: string,
) => Record<string, string> | undefined;

export function routeVirtualService(
  vs: KubeObject,
  req: SimRequest,
  rand: Random,
  subsets: SubsetLookup,
): RouteDecision {
  const namespace = vs.metadata.namespace ?? 'default';
  const headers = normalizedHeaders(req);
  const http: IstioHttpRoute[] = view<VirtualServiceView>(vs).spec?.http ?? [];
  const chosen = http.find(
    (entry) => !entry.match?.length || entry.match.some((m) => istioMatchHolds(m, req, headers)),
  );
  if (!chosen) return { kind: 'fail', code: 404, reason: 'no VirtualService http route matches' };
  const routes = chosen.route ?? [];
  // A single destination takes everything; with several, a missing weight counts as 0.
  const destination = pickWeighted(
    routes.map((route) => ({
      weight: route.weight ?? (routes.length === 1 ? 100 : 0),
      value: route.destination,
    })),
    rand,
  );
  if (!destination?.host)
    return { kind: 'fail', code: 503, reason: 'VirtualService route has no destination with weight > 0' };
  const service = resolveServiceHost(String(destination.host), namespace);
  if (!destination.subset) return { kind: 'backend', target: service };
  const labels = subsets(service.namespace, service.service, String(destination.subset));
  // Envoy answers "no cluster found" with 503 when the subset is unknown.
  if (!labels) return { kind: 'fail', code: 503, reason: `unknown subset ${destination.subset}` };
  return {
    kind: 'backend',
    target: { ...service, subset: String(destination.subset), subsetLabels: labels },
  };
}

/** Subset labels from DestinationRules (any namespace) whose host resolves to the Service. */
export function subsetLookupFrom(destinationRules: KubeObject[]): SubsetLookup {
  return (namespace, service, subset) => {
    for (const rule of viewAll<DestinationRuleView>(destinationRules)) {
      const host = resolveServiceHost(String(rule.spec?.host ?? ''), rule.metadata.namespace ?? 'default');
      if (host.namespace !== namespace || host.service !== service) continue;
      const found = (rule.spec?.subsets ?? []).find((s) => s.name === subset);
      if (found) return { ...(found.labels ?? {}) };
    }
    return undefined;
  };
}

// ---------------------------------------------------------------------------------------------
// SMI TrafficSplit

const QUANTITY_SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** Kubernetes Quantity (`900m`, `1`, `2k`, `1Ki`) or plain number → number; NaN when unreadable. */
export function parseQuantity(value: unknown): number {
  if (typeof value === 'number') return value;
  const match = /^\s*([+-]?\d*\.?\d+(?:[eE][+-]?\d+)?)([a-zA-Z]*)\s*$/.exec(String(value ?? ''));
  if (!match) return Number.NaN;
  const factor = QUANTITY_SUFFIX[match[2]];
  return factor === undefined ? Number.NaN : Number(match[1]) * factor;
}

export function routeTrafficSplit(split: KubeObject, rand: Random): RouteDecision {
  const namespace = split.metadata.namespace ?? 'default';
  const backends = view<TrafficSplitView>(split).spec?.backends ?? [];
  const service = pickWeighted(
    backends.map((b) => ({ weight: parseQuantity(b.weight) || 0, value: String(b.service) })),
    rand,
  );
  if (!service) return { kind: 'fail', code: 503, reason: 'TrafficSplit has no backend with weight > 0' };
  return { kind: 'backend', target: { namespace, service } };
}
