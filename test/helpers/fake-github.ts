/**
 * A local fake of the GitHub REST API (the parts kube-rollout uses), reached by pointing
 * GITHUB_API_URL at it. Records every request so tests can assert what was sent and in what order.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  body: unknown;
  authorization?: string;
  /** The status the fake answered with. */
  status?: number;
}

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: 'Bot' | 'User' };
  created_at: string;
  updated_at: string;
  html_url: string;
  issue_url: string;
}

export interface FakePull {
  number: number;
  state: 'open' | 'closed';
  merged_at?: string | null;
}

export interface FakeDeployment {
  id: number;
  owner: string;
  repo: string;
  body: Record<string, unknown>;
}

export interface FakeDeploymentStatus {
  id: number;
  deploymentId: number;
  state: string;
  body: Record<string, unknown>;
}

export interface FakeGitHub {
  /** Base URL for GITHUB_API_URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  requests: RecordedRequest[];
  comments(owner: string, repo: string, issueNumber: number): FakeComment[];
  /** Preloads a comment (by default from a bot); returns it. */
  addComment(
    owner: string,
    repo: string,
    issueNumber: number,
    body: string,
    user?: FakeComment['user'],
  ): FakeComment;
  deployments: FakeDeployment[];
  statuses: FakeDeploymentStatus[];
  setPullsForCommit(sha: string, prs: FakePull[]): void;
  /** Every later request whose path matches answers `status` (until `clearFailures`). */
  failWith(status: number, pathRegex: RegExp): void;
  /**
   * The next `fault.times` requests whose path matches (and method, when given) get the fault's
   * answer instead of their own, as GitHub answers them: see `secondaryRateLimit`,
   * `primaryRateLimit` and `serverError`.
   */
  inject(fault: Fault): void;
  clearFailures(): void;
  stop(): Promise<void>;
}

const BOT = { login: 'github-actions[bot]', type: 'Bot' as const };

export interface Fault {
  pattern: RegExp;
  method?: string;
  times: number;
  status: number;
  message: string;
  headers?: Record<string, string>;
}

/**
 * GitHub's secondary rate limit: 429 (or 403) with this message and, often, `retry-after`
 * (docs.github.com, "Rate limits for the REST API": "exceeding a secondary rate limit").
 */
export function secondaryRateLimit(pattern: RegExp, times: number, retryAfterSeconds: number): Fault {
  return {
    pattern,
    times,
    status: 429,
    message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
    headers: { 'retry-after': String(retryAfterSeconds) },
  };
}

/** The primary rate limit: 403 with no requests left until `x-ratelimit-reset` (epoch seconds). */
export function primaryRateLimit(pattern: RegExp, times: number, resetInSeconds: number): Fault {
  return {
    pattern,
    times,
    status: 403,
    message: 'API rate limit exceeded for installation.',
    headers: {
      'x-ratelimit-limit': '1000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + resetInSeconds),
    },
  };
}

export function serverError(pattern: RegExp, times: number, status = 502): Fault {
  return { pattern, times, status, message: 'Server Error' };
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function startFakeGitHub(): Promise<FakeGitHub> {
  const commentsByIssue = new Map<string, FakeComment[]>();
  const pullsByCommit = new Map<string, FakePull[]>();
  const deployments: FakeDeployment[] = [];
  const statuses: FakeDeploymentStatus[] = [];
  const requests: RecordedRequest[] = [];
  const failures: { status: number; pattern: RegExp }[] = [];
  const faults: Fault[] = [];
  let nextId = 1000;
  let baseUrl = '';

  const issueKey = (o: string, r: string, n: number): string => `${o}/${r}#${n}`;
  const listFor = (o: string, r: string, n: number): FakeComment[] => {
    const key = issueKey(o, r, n);
    let list = commentsByIssue.get(key);
    if (!list) commentsByIssue.set(key, (list = []));
    return list;
  };
  const addComment = (
    o: string,
    r: string,
    n: number,
    body: string,
    user: FakeComment['user'] = BOT,
  ): FakeComment => {
    const now = new Date().toISOString();
    const id = nextId++;
    const comment: FakeComment = {
      id,
      body,
      user,
      created_at: now,
      updated_at: now,
      html_url: `https://github.com/${o}/${r}/pull/${n}#issuecomment-${id}`,
      issue_url: `${baseUrl}/repos/${o}/${r}/issues/${n}`,
    };
    listFor(o, r, n).push(comment);
    return comment;
  };

  function listComments(
    res: ServerResponse,
    path: string,
    query: Record<string, string>,
    list: FakeComment[],
  ): void {
    const perPage = Math.min(100, Math.max(1, Number(query.per_page ?? 30)));
    const page = Math.max(1, Number(query.page ?? 1));
    const last = Math.max(1, Math.ceil(list.length / perPage));
    const links: string[] = [];
    const link = (p: number, rel: string): string =>
      `<${baseUrl}${path}?per_page=${perPage}&page=${p}>; rel="${rel}"`;
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
    if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'));
    send(
      res,
      200,
      list.slice((page - 1) * perPage, page * perPage),
      links.length ? { link: links.join(', ') } : {},
    );
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', baseUrl);
    const path = url.pathname;
    const query = Object.fromEntries(url.searchParams);
    const body = await readBody(req);
    const method = req.method ?? 'GET';
    const recorded: RecordedRequest = { method, path, query, body, authorization: req.headers.authorization };
    requests.push(recorded);
    res.on('finish', () => (recorded.status = res.statusCode));

    const fault = faults.find(
      (f) => f.times > 0 && f.pattern.test(path) && (!f.method || f.method === method),
    );
    if (fault) {
      fault.times--;
      send(res, fault.status, { message: fault.message, status: String(fault.status) }, fault.headers);
      return;
    }
    const failure = failures.find((f) => f.pattern.test(path));
    if (failure) {
      send(res, failure.status, {
        message: failure.status === 403 ? 'Resource not accessible by integration' : 'Failure',
        status: String(failure.status),
      });
      return;
    }
    const input = (body ?? {}) as Record<string, unknown>;
    let m: RegExpMatchArray | null;

    if ((m = path.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/))) {
      const [, o, r, n] = m as unknown as [string, string, string, string];
      const list = listFor(o, r, Number(n));
      if (method === 'GET') return listComments(res, path, query, list);
      if (method === 'POST') {
        if (typeof input.body !== 'string') return send(res, 422, { message: 'body is required' });
        return send(res, 201, addComment(o, r, Number(n), input.body));
      }
    }
    if ((m = path.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/)) && method === 'PATCH') {
      const id = Number(m[3]);
      const comment = [...commentsByIssue.values()].flat().find((c) => c.id === id);
      if (!comment) return send(res, 404, { message: 'Not Found' });
      if (typeof input.body !== 'string') return send(res, 422, { message: 'body is required' });
      comment.body = input.body;
      comment.updated_at = new Date().toISOString();
      return send(res, 200, comment);
    }
    if ((m = path.match(/^\/repos\/([^/]+)\/([^/]+)\/commits\/([^/]+)\/pulls$/)) && method === 'GET') {
      return send(
        res,
        200,
        (pullsByCommit.get(m[3]!) ?? []).map((p) => ({ merged_at: null, ...p })),
      );
    }
    if ((m = path.match(/^\/repos\/([^/]+)\/([^/]+)\/deployments$/)) && method === 'POST') {
      const deployment: FakeDeployment = { id: nextId++, owner: m[1]!, repo: m[2]!, body: input };
      deployments.push(deployment);
      return send(res, 201, { id: deployment.id, ...input, created_at: new Date().toISOString() });
    }
    if ((m = path.match(/^\/repos\/([^/]+)\/([^/]+)\/deployments\/(\d+)\/statuses$/)) && method === 'POST') {
      const deploymentId = Number(m[3]);
      if (!deployments.some((d) => d.id === deploymentId)) return send(res, 404, { message: 'Not Found' });
      const status: FakeDeploymentStatus = {
        id: nextId++,
        deploymentId,
        state: String(input.state),
        body: input,
      };
      statuses.push(status);
      return send(res, 201, { id: status.id, ...input });
    }
    send(res, 404, { message: `fake-github: no route for ${method} ${path}` });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    requests,
    comments: (o, r, n) => listFor(o, r, n),
    addComment,
    deployments,
    statuses,
    setPullsForCommit: (sha, prs) => pullsByCommit.set(sha, prs),
    failWith: (status, pattern) => failures.push({ status, pattern }),
    inject: (fault) => faults.push({ ...fault }),
    clearFailures: () => {
      failures.length = 0;
      faults.length = 0;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
