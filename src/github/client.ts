/** The GitHub REST client type and the small helpers every reporter shares. */
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

/** One line for a warning: the status, GitHub's message, and a hint for permission problems. */
export function describeFailure(what: string, error: unknown, permissionHint: string): string {
  const status = httpStatus(error);
  const message = error instanceof Error ? error.message : String(error);
  const hint = status === 403 || status === 404 ? ` (${permissionHint})` : '';
  return `${what} failed${status ? ` with HTTP ${status}` : ''}: ${message}${hint}`;
}
