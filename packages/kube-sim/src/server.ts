// The simulated API server: HTTP on 127.0.0.1 in front of the store. Per request: outage →
// authentication → (non-resource endpoints) → resource routing → fault rules → RBAC → verb.
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { SimStoreImpl } from './store.ts';
import type { SimOptions } from './types.ts';
import { SimApiError } from './types.ts';
import { Faults, RequestStats, faultStatus } from './faults.ts';
import type { ApiVerb, FaultEffect, RequestRecord } from './faults.ts';
import { parseResourcePath } from './http/router.ts';
import type { ResourceRoute } from './http/router.ts';
import { readBodyBytes, sendError, sendJson, sendText } from './http/respond.ts';
import { REVIEW_RESOURCES, selfReview } from './http/review.ts';
import { serveWatch } from './http/watch.ts';
import { getObject, listObjects, podLog, toScale } from './http/read.ts';
import { create, fieldManagerOf, patch, remove, removeCollection, update } from './http/write.ts';
import { renderTable, wantsTable } from './http/table.ts';
import {
  AGGREGATED_CONTENT_TYPE,
  SERVER_VERSION,
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  wantsAggregated,
} from './discovery.ts';
import { openApiV2, openApiV3GroupVersion, openApiV3Root } from './openapi.ts';
import { createOnApplyCheck, forbiddenError, isAllowed } from './rbac.ts';
import type { UserInfo } from './rbac.ts';
import { methodNotAllowed, pathNotFound } from './status.ts';

export interface ApiServerOptions {
  store: SimStoreImpl;
  faults?: Faults;
  stats?: RequestStats;
  port?: number;
  tokens?: SimOptions['tokens'];
  rbac?: boolean;
  anonymousAuth?: boolean;
  /** Served at GET /metrics (Prometheus text), unaffected by faults and auth. */
  metricsText?: () => string;
  /** Seconds between watch bookmarks (upstream bookmarkFrequency: 60). */
  watchBookmarkSeconds?: number;
  /** Serve HTTPS with this key and certificate (PEM), as a real API server does. */
  tls?: ServingCert;
}

export interface ServingCert {
  key: string;
  cert: string;
}

export interface ApiServer {
  url: string;
  port: number;
  faults: Faults;
  stats: RequestStats;
  /** Connections accepted since start. */
  connections(): number;
  close(): Promise<void>;
}

const ADMIN: UserInfo = { name: 'admin', groups: ['system:masters', 'system:authenticated'] };
const ANONYMOUS: UserInfo = { name: 'system:anonymous', groups: ['system:unauthenticated'] };

function verbOf(method: string, route: ResourceRoute, query: URLSearchParams): ApiVerb | undefined {
  if (route.subresource === 'eviction' && method !== 'POST') return undefined;
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (route.legacyWatch || query.get('watch') === 'true' || query.get('watch') === '1') {
        return route.subresource ? undefined : 'watch';
      }
      return route.name !== undefined ? 'get' : 'list';
    case 'POST':
      // Named POSTs only reach create-only subresources (pods/eviction).
      return route.name === undefined || route.subresource === 'eviction' ? 'create' : undefined;
    case 'PUT':
      return route.name !== undefined ? 'update' : undefined;
    case 'PATCH':
      return route.name !== undefined ? 'patch' : undefined;
    case 'DELETE':
      return route.name !== undefined ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}

export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const { store } = opts;
  const faults = opts.faults ?? new Faults();
  const stats = opts.stats ?? new RequestStats();
  const watches = new Set<() => void>();
  const sockets = new Set<Socket>();
  let host = '127.0.0.1:0';

  function authenticate(req: IncomingMessage): UserInfo | undefined {
    if (!opts.tokens) return ADMIN;
    if (!req.headers.authorization && opts.anonymousAuth) return ANONYMOUS;
    const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    const t = m ? opts.tokens[m[1].trim()] : undefined;
    if (!t) return undefined;
    return { name: t.user, groups: [...(t.groups ?? []), 'system:authenticated'] };
  }

  function nonResource(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    const accept = req.headers.accept;
    const aggregated = wantsAggregated(accept);
    if (path === '/version' || path === '/version/') sendJson(res, 200, SERVER_VERSION);
    else if (path === '/api' || path === '/api/') {
      if (aggregated)
        sendJson(res, 200, aggregatedDiscovery(store.registry, true), {
          'Content-Type': AGGREGATED_CONTENT_TYPE,
        });
      else sendJson(res, 200, apiVersions(host));
    } else if (path === '/apis' || path === '/apis/') {
      if (aggregated)
        sendJson(res, 200, aggregatedDiscovery(store.registry, false), {
          'Content-Type': AGGREGATED_CONTENT_TYPE,
        });
      else sendJson(res, 200, apiGroupList(store.registry));
    } else if (/^\/api\/[^/]+\/?$/.test(path)) {
      const doc = apiResourceList(store.registry, '', path.split('/')[2]);
      if (!doc) return false;
      sendJson(res, 200, doc);
    } else if (/^\/apis\/[^/]+\/?$/.test(path)) {
      const doc = apiGroup(store.registry, path.split('/')[2]);
      if (!doc) return false;
      sendJson(res, 200, doc);
    } else if (/^\/apis\/[^/]+\/[^/]+\/?$/.test(path)) {
      const [, , group, version] = path.split('/');
      const doc = apiResourceList(store.registry, group, version);
      if (!doc) return false;
      sendJson(res, 200, doc);
    } else if (path === '/openapi/v3' || path === '/openapi/v3/')
      sendJson(res, 200, openApiV3Root(store.registry));
    else if (path.startsWith('/openapi/v3/')) {
      const parts = path.slice('/openapi/v3/'.length).split('/');
      const doc =
        parts[0] === 'api'
          ? openApiV3GroupVersion(store.registry, '', parts[1])
          : openApiV3GroupVersion(store.registry, parts[1], parts[2]);
      if (!doc) return false;
      sendJson(res, 200, doc);
    } else if (path === '/openapi/v2') {
      if ((accept ?? '').includes('protobuf') && !(accept ?? '').includes('application/json')) {
        sendError(
          res,
          new SimApiError(
            406,
            'NotAcceptable',
            'only the following media types are accepted: application/json',
          ),
        );
      } else sendJson(res, 200, openApiV2());
    } else return false;
    return true;
  }

  async function applyEffect(
    res: ServerResponse,
    effect: FaultEffect | undefined,
  ): Promise<number | undefined> {
    if (!effect) return undefined;
    if (effect.latencyMs) await new Promise((r) => setTimeout(r, effect.latencyMs));
    if (effect.reset) {
      res.socket?.destroy();
      return 0;
    }
    if (effect.status) {
      const { reason, message } = faultStatus(effect.status);
      const retry =
        effect.retryAfterSeconds ?? (effect.status === 429 || effect.status === 503 ? 1 : undefined);
      const headers: Record<string, string> = retry !== undefined ? { 'Retry-After': String(retry) } : {};
      const details = retry !== undefined ? { retryAfterSeconds: retry } : undefined;
      sendError(res, new SimApiError(effect.status, reason, effect.message ?? message, details), headers);
      return effect.status;
    }
    return undefined;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const query = url.searchParams;
    const rec: RequestRecord = {
      at: Date.now(),
      method,
      path,
      verb: 'nonresource',
      dryRun: query.has('dryRun'),
      user: '',
      code: 0,
    };
    try {
      if (path === '/metrics' && opts.metricsText) {
        sendText(res, 200, opts.metricsText(), 'text/plain; version=0.0.4; charset=utf-8');
        return;
      }
      const outage = faults.outageEffect();
      if (outage) {
        rec.fault = 'outage';
        rec.code = (await applyEffect(res, outage)) ?? 0;
        return;
      }
      if (path === '/healthz' || path === '/readyz' || path === '/livez') {
        sendText(res, 200, 'ok');
        rec.code = 200;
        return;
      }
      const user = authenticate(req);
      if (!user) {
        rec.code = sendError(res, new SimApiError(401, 'Unauthorized', 'Unauthorized'));
        return;
      }
      rec.user = user.name;
      const route = parseResourcePath(path, store.registry);
      if (route === undefined || route === 'notfound') {
        if (method === 'GET' && route === undefined && nonResource(req, res, path)) {
          rec.code = 200;
          return;
        }
        rec.code = sendError(res, pathNotFound());
        return;
      }
      const verb = verbOf(method, route, query);
      if (!verb) {
        rec.code = sendError(res, methodNotAllowed());
        return;
      }
      const resource = route.subresource
        ? `${route.entry.resource}/${route.subresource}`
        : route.entry.resource;
      Object.assign(rec, { verb, resource, namespace: route.namespace, name: route.name });
      if (method === 'PATCH') rec.patchType = (req.headers['content-type'] ?? '').split(';')[0].trim();
      const bytes = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method)
        ? await readBodyBytes(req)
        : undefined;
      const body = bytes?.toString('utf8') ?? '';
      if (verb === 'delete' || verb === 'deletecollection')
        rec.dryRun ||= /"dryRun"\s*:\s*\[\s*"All"/.test(body);
      if (['create', 'update', 'patch'].includes(verb)) {
        try {
          rec.fieldManager = fieldManagerOf(query, req.headers['user-agent'] ?? '');
        } catch {
          /* reported by the handler */
        }
      }
      const effect = faults.match({ verb, resource, namespace: route.namespace, name: route.name });
      if (effect && (effect.status || effect.reset))
        rec.fault = effect.reset ? 'reset' : String(effect.status);
      const faulted = await applyEffect(res, effect);
      if (faulted !== undefined) {
        rec.code = faulted;
        return;
      }
      if (route.entry.group === 'authorization.k8s.io' && REVIEW_RESOURCES.has(route.entry.resource)) {
        if (verb !== 'create') {
          rec.code = sendError(res, methodNotAllowed());
          return;
        }
        const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim();
        const review = selfReview(
          store,
          user,
          route.entry.resource,
          { bytes, contentType },
          opts.rbac ?? false,
        );
        sendJson(res, review.code, review.body);
        rec.code = review.code;
        return;
      }
      const attrs = {
        verb,
        entry: route.entry,
        subresource: route.subresource,
        namespace: route.namespace,
        name: route.name,
      };
      if (opts.rbac && !isAllowed(store, user, attrs)) {
        rec.code = sendError(res, forbiddenError(user, attrs));
        return;
      }
      // Only an apply that creates its object asks this (write.ts).
      const authorizeCreate =
        opts.rbac && verb === 'patch' ? createOnApplyCheck(store, user, attrs) : undefined;
      rec.code = dispatch(req, res, route, verb, query, body, effect, authorizeCreate);
    } catch (err) {
      rec.code = sendError(res, err);
    } finally {
      stats.record(rec);
    }
  }

  function dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    route: ResourceRoute,
    verb: ApiVerb,
    query: URLSearchParams,
    body: string,
    effect: FaultEffect | undefined,
    authorizeCreate: (() => void) | undefined,
  ): number {
    const { entry, namespace, name, subresource } = route;
    if (verb === 'watch') {
      // Watching one object by URL is the legacy form of fieldSelector=metadata.name=<name>.
      if (name !== undefined) {
        const fs = query.get('fieldSelector');
        query.set('fieldSelector', `metadata.name=${name}${fs ? `,${fs}` : ''}`);
      }
      serveWatch(req, res, {
        store,
        entry,
        namespace,
        query,
        table: wantsTable(req.headers.accept),
        cutAfterEvents: effect?.cutWatchAfterEvents,
        bookmarkSeconds: opts.watchBookmarkSeconds,
        track: (close) => {
          watches.add(close);
          return () => watches.delete(close);
        },
      });
      return 200;
    }
    if (verb === 'list') {
      const list = listObjects(store, entry, namespace, query);
      const table = wantsTable(req.headers.accept);
      sendJson(res, 200, table ? renderTable(entry, list, query.get('includeObject')) : list);
      return 200;
    }
    if (verb === 'get') {
      if (subresource === 'log') {
        sendText(res, 200, podLog(store, entry, namespace, name!, query));
        return 200;
      }
      const obj = getObject(store, entry, namespace, name!);
      if (subresource === 'scale') sendJson(res, 200, toScale(entry, obj));
      else if (!subresource && wantsTable(req.headers.accept)) {
        sendJson(
          res,
          200,
          renderTable(
            entry,
            {
              kind: `${entry.kind}List`,
              metadata: { resourceVersion: obj.metadata.resourceVersion },
              items: [obj],
            },
            query.get('includeObject'),
          ),
        );
      } else sendJson(res, 200, obj);
      return 200;
    }
    if (subresource === 'log') throw methodNotAllowed();
    const w = {
      store,
      entry,
      namespace,
      name,
      subresource,
      query,
      body,
      contentType: (req.headers['content-type'] ?? 'application/json').split(';')[0].trim(),
      userAgent: req.headers['user-agent'] ?? '',
      authorizeCreate,
    };
    const result =
      verb === 'create'
        ? create(w)
        : verb === 'update'
          ? update(w)
          : verb === 'patch'
            ? patch(w)
            : verb === 'delete'
              ? remove(w)
              : removeCollection(w);
    sendJson(res, result.code, result.body);
    return result.code;
  }

  const respond = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err) => sendError(res, err));
  };
  const server = opts.tls ? createHttpsServer(opts.tls, respond) : createServer(respond);
  let connections = 0;
  server.on('connection', (s: Socket) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  host = `127.0.0.1:${port}`;
  return {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    faults,
    stats,
    connections: () => connections,
    close: async () => {
      for (const close of [...watches]) close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
