// One HTTP request to the API server, with the TLS and auth options client-node derives from the
// kubeconfig (`KubeConfig.applyToHTTPSOptions`: CA, client cert/key, bearer token, exec and
// auth-provider plugins, basic auth, proxy agent). We issue the requests ourselves so callers get
// the JSON exactly as the server sent it (client-node's typed models turn timestamps into Dates).
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import { type ApiStatus, KubeApiError } from './types.ts';
import { parseRetryAfter } from './retry.ts';
import { keepText, redactThenCut, type Redact } from '../cut.ts';

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** API path without the server's own prefix, e.g. `/api/v1/namespaces/default/pods`. */
  path: string;
  query?: Query;
  /** Object bodies are sent as JSON. */
  body?: unknown;
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
  /** Socket idle timeout (default 60 s). */
  idleTimeoutMs?: number;
}

export interface TextResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const USER_AGENT = 'kube-rollout';
// Connections stay open between requests, as kubectl's do. client-node's agents close each one
// after its request, so over TLS every request paid a new handshake, and a release of many
// objects sends a hundred requests or more.
/** For plain-http servers (local proxies, tests): client-node refuses them, kubectl does not. */
const plainAgent = new http.Agent({ keepAlive: true });
/** client-node's TLS agent (one per cluster and user) → its twin that keeps connections open. */
const keptAlive = new WeakMap<https.Agent, https.Agent>();

/**
 * The agent of a request: client-node's own, with its TLS settings, but keeping connections
 * open. A proxy agent (client-node's for `proxy-url`) is used as it is.
 */
function agentFor(agent: http.Agent | undefined, protocol: string): http.Agent | undefined {
  if (protocol === 'http:' && (!agent || agent.constructor === http.Agent)) return plainAgent;
  if (!(agent instanceof https.Agent) || agent.constructor !== https.Agent) return agent;
  let twin = keptAlive.get(agent);
  if (!twin) {
    twin = new https.Agent({ ...agent.options, keepAlive: true });
    keptAlive.set(agent, twin);
  }
  return twin;
}

export class KubeTransport {
  readonly server: URL;
  private readonly kc: KubeConfig;

  constructor(
    kc: KubeConfig,
    /** Scrubs known secret values from server answers quoted in errors, before they are cut. */
    private readonly redact: Redact = keepText,
  ) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error(`kubeconfig context "${kc.getCurrentContext()}" names no cluster`);
    this.kc = kc;
    this.server = new URL(cluster.server);
  }

  /** Namespace of the current context, or `default`. */
  defaultNamespace(): string {
    return this.kc.getContextObject(this.kc.getCurrentContext())?.namespace || 'default';
  }

  describe(spec: Pick<RequestSpec, 'method' | 'path'>): string {
    return `${spec.method} ${spec.path}`;
  }

  /** `https://host:6443 (context "ci", cluster "prod")`: which API server, as the kubeconfig names it. */
  describeServer(): string {
    const context = this.kc.getCurrentContext();
    const cluster = this.kc.getCurrentCluster()?.name;
    return `${this.server.origin}${this.server.pathname.replace(/\/+$/, '')} (context "${context}", cluster "${cluster}")`;
  }

  /** Sends one request and returns the response stream on 2xx; throws KubeApiError otherwise. */
  async open(spec: RequestSpec): Promise<IncomingMessage> {
    const payload = encodeBody(spec.body);
    const options = await this.requestOptions(spec, payload);
    const transport = this.server.protocol === 'http:' ? http : https;
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = transport.request(options, resolve);
      req.on('error', reject);
      req.setTimeout(spec.idleTimeoutMs ?? 60_000, () => {
        req.destroy(
          Object.assign(new Error(`${this.describe(spec)}: no answer, timed out`), { code: 'ETIMEDOUT' }),
        );
      });
      req.end(payload);
    });
    const status = res.statusCode ?? 0;
    if (status >= 200 && status < 300) return res;
    const body = await readAll(res);
    throw apiError(status, body, res.headers, this.describe(spec), this.redact);
  }

  /** Sends one request and reads the whole answer (2xx only). */
  async text(spec: RequestSpec): Promise<TextResponse> {
    const res = await this.open(spec);
    return { status: res.statusCode ?? 0, headers: res.headers, body: await readAll(res) };
  }

  /** Sends one request and parses the JSON answer. */
  async json<T = unknown>(spec: RequestSpec): Promise<T> {
    const { body } = await this.text({ accept: 'application/json', ...spec });
    try {
      return JSON.parse(body) as T;
    } catch {
      throw new Error(
        `${this.describe(spec)}: the server answered with something that is not JSON: ${redactThenCut(body, 200, this.redact)}`,
      );
    }
  }

  private async requestOptions(
    spec: RequestSpec,
    payload: string | undefined,
  ): Promise<https.RequestOptions> {
    const opts: https.RequestOptions = { headers: {} };
    try {
      await this.kc.applyToHTTPSOptions(opts);
    } catch (err) {
      // Thrown only when choosing the agent, after headers and TLS options are set.
      if (!(this.server.protocol === 'http:' && /HTTP protocol is not allowed/.test(String(err)))) throw err;
    }
    const agent = agentFor(opts.agent as http.Agent | undefined, this.server.protocol);
    if (agent) opts.agent = agent;
    const prefix = this.server.pathname.replace(/\/+$/, '');
    const headers: Record<string, string> = {
      ...(opts.headers as Record<string, string>),
      'User-Agent': USER_AGENT,
    };
    headers.Accept = spec.accept ?? 'application/json';
    if (payload !== undefined) {
      headers['Content-Type'] = spec.contentType ?? 'application/json';
      // Explicit length: Node sends a DELETE body neither chunked nor sized otherwise.
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    return {
      ...opts,
      protocol: this.server.protocol,
      hostname: this.server.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: this.server.port || undefined,
      method: spec.method,
      path: prefix + spec.path + queryString(spec.query),
      headers,
      signal: spec.signal,
    };
  }
}

export function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

function encodeBody(body: unknown): string | undefined {
  if (body === undefined) return undefined;
  return typeof body === 'string' ? body : JSON.stringify(body);
}

export async function readAll(res: IncomingMessage): Promise<string> {
  res.setEncoding('utf8');
  let text = '';
  for await (const chunk of res) text += chunk;
  return text;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** KubeApiError from an error answer: the Status body when there is one, else the raw text. */
export function apiError(
  status: number,
  body: string,
  headers: http.IncomingHttpHeaders,
  what: string,
  redact: Redact = keepText,
): KubeApiError {
  const parsed = parseJson(body) as ApiStatus | null | undefined;
  const isStatus = parsed && typeof parsed === 'object' && parsed.kind === 'Status';
  const message =
    isStatus && parsed.message
      ? String(parsed.message)
      : redactThenCut(body.trim(), 300, redact) || `HTTP ${status}`;
  const err = new KubeApiError(
    status,
    `${what}: ${message} (${status})`,
    isStatus && typeof parsed.reason === 'string' ? parsed.reason : undefined,
    isStatus ? parsed : undefined,
  );
  const retryAfter = parseRetryAfter(firstHeader(headers['retry-after']));
  if (retryAfter !== undefined) Object.assign(err, { retryAfterMs: retryAfter });
  return err;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
