/**
 * The workflow run's GitHub context, read from the runner's environment and event payload, and
 * the pull request a report belongs to.
 *
 * Read here rather than through `github.context`, which reads the environment once at import:
 * a function of `env` is testable and sees the values of the moment.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describeFailure, type GitHubClient, type Warn } from './client.ts';
import { permissionHint, type ReadOnlyToken } from './hints.ts';
import type { WorkflowRun } from '../record/types.ts';
import { workflowRunOf } from '../record/workflow-run.ts';

export interface Repository {
  owner: string;
  repo: string;
}

export interface GitHubContext {
  /** Undefined outside GitHub Actions (no GITHUB_REPOSITORY and no repository in the event). */
  repository?: Repository;
  eventName?: string;
  /** GITHUB_SHA: for pull_request events, the merge commit. */
  sha?: string;
  /** The commit that was built: the PR head for pull_request events, else GITHUB_SHA. */
  headSha?: string;
  ref?: string;
  serverUrl: string;
  apiUrl: string;
  runId?: string;
  /** The workflow, run number and attempt (and the commit's time), to order racing runs. */
  run?: WorkflowRun;
  /** `${serverUrl}/${owner}/${repo}/actions/runs/${runId}`. */
  runUrl?: string;
  /** The PR of a pull_request / pull_request_target event (or an issue_comment on a PR). */
  eventPrNumber?: number;
  /**
   * Why this run's GITHUB_TOKEN is read-only whatever `permissions:` says, when GitHub makes it so:
   * a `pull_request` event from a fork, or a run Dependabot started.
   */
  readOnlyToken?: ReadOnlyToken;
  payload: Record<string, unknown>;
}

type Json = Record<string, unknown>;

function obj(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function readPayload(path: string | undefined, warn?: Warn): Json {
  if (!path || !existsSync(path)) return {};
  try {
    return obj(JSON.parse(readFileSync(path, 'utf8'))) ?? {};
  } catch (error) {
    warn?.(`could not read the event payload ${path}: ${(error as Error).message}`);
    return {};
  }
}

function repositoryOf(env: NodeJS.ProcessEnv, payload: Json): Repository | undefined {
  const full = str(env.GITHUB_REPOSITORY);
  if (full && full.includes('/')) {
    const [owner, repo] = full.split('/', 2) as [string, string];
    if (owner && repo) return { owner, repo };
  }
  const repository = obj(payload.repository);
  const owner = str(obj(repository?.owner)?.login);
  const repo = str(repository?.name);
  return owner && repo ? { owner, repo } : undefined;
}

function eventPrNumber(eventName: string | undefined, payload: Json): number | undefined {
  if (eventName === 'pull_request' || eventName === 'pull_request_target') {
    const n = obj(payload.pull_request)?.number ?? payload.number;
    return typeof n === 'number' ? n : undefined;
  }
  // A comment on a pull request (e.g. a ChatOps "/promote") arrives as an issue event.
  const issue = obj(payload.issue);
  if (eventName === 'issue_comment' && issue?.pull_request && typeof issue.number === 'number')
    return issue.number;
  return undefined;
}

/** A pull_request event whose head lives in another repository than its base: a fork's. */
function fromFork(eventName: string | undefined, payload: Json): boolean {
  if (eventName !== 'pull_request') return false;
  const pr = obj(payload.pull_request);
  const head = str(obj(obj(pr?.head)?.repo)?.full_name);
  const base = str(obj(obj(pr?.base)?.repo)?.full_name);
  return (
    obj(obj(pr?.head)?.repo)?.fork === true || (head !== undefined && base !== undefined && head !== base)
  );
}

function readOnlyToken(env: NodeJS.ProcessEnv, eventName: string | undefined, payload: Json) {
  if (fromFork(eventName, payload)) return 'fork' as const;
  // GitHub treats runs Dependabot triggers like forks (read-only token, no secrets).
  if (env.GITHUB_ACTOR === 'dependabot[bot]' && eventName !== 'pull_request_target')
    return 'dependabot' as const;
  return undefined;
}

/** The run's context from `GITHUB_*` variables and the event file at `GITHUB_EVENT_PATH`. */
export function readGitHubContext(env: NodeJS.ProcessEnv = process.env, warn?: Warn): GitHubContext {
  const payload = readPayload(env.GITHUB_EVENT_PATH, warn);
  const repository = repositoryOf(env, payload);
  const eventName = str(env.GITHUB_EVENT_NAME);
  const serverUrl = (str(env.GITHUB_SERVER_URL) ?? 'https://github.com').replace(/\/+$/, '');
  const apiUrl = (str(env.GITHUB_API_URL) ?? 'https://api.github.com').replace(/\/+$/, '');
  const runId = str(env.GITHUB_RUN_ID);
  const sha = str(env.GITHUB_SHA);
  const prHead = str(obj(obj(payload.pull_request)?.head)?.sha);
  const readOnly = readOnlyToken(env, eventName, payload);
  return {
    repository,
    eventName,
    sha,
    headSha: prHead ?? sha,
    ref: str(env.GITHUB_REF),
    serverUrl,
    apiUrl,
    runId,
    run: workflowRunOf(env, payload),
    runUrl:
      repository && runId
        ? `${serverUrl}/${repository.owner}/${repository.repo}/actions/runs/${runId}`
        : undefined,
    eventPrNumber: eventPrNumber(eventName, payload),
    ...(readOnly ? { readOnlyToken: readOnly } : {}),
    payload,
  };
}

export interface FindPullRequestOptions {
  /** The `pr-number` input: wins over everything else. */
  prNumber?: number;
  warn: Warn;
}

/**
 * The pull request to report on: `pr-number`, else the event's PR, else for a push the PR
 * associated with the pushed commit (an open one first, else the merged one). Undefined when
 * there is none or the lookup fails (with a warning): a report never fails the release.
 */
export async function findPullRequestNumber(
  octokit: GitHubClient | undefined,
  ctx: GitHubContext,
  opts: FindPullRequestOptions,
): Promise<number | undefined> {
  if (opts.prNumber !== undefined) return opts.prNumber;
  if (ctx.eventPrNumber !== undefined) return ctx.eventPrNumber;
  if (ctx.eventName !== 'push' || !ctx.repository || !ctx.sha) return undefined;
  if (!octokit) {
    opts.warn('no github-token: cannot look up the pull request of the pushed commit');
    return undefined;
  }
  try {
    const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
      owner: ctx.repository.owner,
      repo: ctx.repository.repo,
      commit_sha: ctx.sha,
      per_page: 100,
    });
    const open = data.find((pr) => pr.state === 'open');
    return (open ?? data[0])?.number;
  } catch (error) {
    opts.warn(
      describeFailure(
        'looking up the pull request of the pushed commit',
        error,
        permissionHint('pull-requests: read', ctx),
      ),
    );
    return undefined;
  }
}
