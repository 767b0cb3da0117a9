/** The GitHub REST client: made on first use, retrying and throttled as GitHub asks integrators to be. */
import type { getOctokit } from '@actions/github';

/** An Octokit from `github.getOctokit(token)`: REST endpoint methods plus `paginate`. */
export type GitHubClient = ReturnType<typeof getOctokit>;

/** Reports a problem that must not fail the release (usually `core.warning`). */
export type Warn = (message: string) => void;

/** The HTTP status of an Octokit RequestError, if the error has one. */
export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * GitHub said no, and asking again will not change its answer: the token lacks a permission (401,
 * 403 once rate limits are ruled out: those are retried before the error gets here) or cannot see
 * the object (404). A reporter stops asking for the rest of the run.
 */
export function isRefusal(error: unknown): boolean {
  const status = httpStatus(error);
  return status === 401 || status === 403 || status === 404;
}

/** One line for a warning: the status, GitHub's message, and for a refusal, what to change. */
export function describeFailure(what: string, error: unknown, permissionHint: string): string {
  const status = httpStatus(error);
  const message = error instanceof Error ? error.message : String(error);
  const hint = isRefusal(error) ? ` (${permissionHint})` : '';
  return `${what} failed${status ? ` with HTTP ${status}` : ''}: ${message}${hint}`;
}

/** Retries of a request that failed with a 5xx (plugin-retry waits 1 s, 4 s, 9 s). */
const SERVER_ERROR_RETRIES = 3;
/**
 * Rate limits are waited out (plugin-throttling reads `retry-after`, or `x-ratelimit-reset` when
 * the quota is spent) up to this long and this many times: a longer wait would hold the runner,
 * and its billed minutes, for a report.
 */
const MAX_RATE_LIMIT_WAIT_S = 60;
const RATE_LIMIT_RETRIES = 3;

/** Retryable statuses are 5xx only: 429 is plugin-throttling's, which honours `retry-after`. */
const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451];

export interface ClientOptions {
  /** Where a rate-limit wait is announced (`core.info`). */
  info?: (message: string) => void;
}

/** Whether to wait out a rate limit (the plugin's handler): short waits, a few times. */
export function rateLimitHandler(kind: 'primary' | 'secondary', info: (message: string) => void) {
  return (
    retryAfter: number,
    options: { method: string; url: string },
    _octokit: unknown,
    retryCount: number,
  ) => {
    const retry = retryCount < RATE_LIMIT_RETRIES && retryAfter <= MAX_RATE_LIMIT_WAIT_S;
    info(
      `GitHub's ${kind} rate limit answered ${options.method} ${options.url}: ${retry ? `retrying in ${retryAfter}s` : `not waiting ${retryAfter}s for it`}`,
    );
    return retry;
  };
}

/**
 * An Octokit for `token`, or undefined without one. The base URL is passed explicitly: the
 * toolkit reads GITHUB_API_URL once when first imported, this reads it at call time. The toolkit
 * and its plugins (about a tenth of the bundle) are loaded here, on first use, so a run that
 * reports nothing to GitHub does not load them at start-up.
 */
export async function createGitHubClient(
  token: string | undefined,
  apiUrl = process.env.GITHUB_API_URL,
  opts: ClientOptions = {},
): Promise<GitHubClient | undefined> {
  if (!token) return undefined;
  const [{ getOctokit }, { retry }, { throttling }] = await Promise.all([
    import('@actions/github'),
    import('@octokit/plugin-retry'),
    import('@octokit/plugin-throttling'),
  ]);
  const info = opts.info ?? (() => {});
  return getOctokit(
    token,
    {
      ...(apiUrl ? { baseUrl: apiUrl.replace(/\/+$/, '') } : {}),
      retry: { doNotRetry: DO_NOT_RETRY, retries: SERVER_ERROR_RETRIES },
      throttle: {
        onRateLimit: rateLimitHandler('primary', info),
        onSecondaryRateLimit: rateLimitHandler('secondary', info),
      },
    },
    retry,
    throttling,
  );
}

/** `createGitHubClient` on first call, the same client after: one client for every reporter of a run. */
export function gitHubClientOnDemand(
  token: string | undefined,
  apiUrl?: string,
  opts: ClientOptions = {},
): () => Promise<GitHubClient | undefined> {
  let client: Promise<GitHubClient | undefined> | undefined;
  return () => (client ??= createGitHubClient(token, apiUrl, opts));
}
