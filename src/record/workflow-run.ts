// Ordering the workflow runs that release one app: of two deploys started at once, the one of the
// later run must win, whichever takes the release's Lease first. Pure.
import type { WorkflowRun } from './types.ts';

/**
 * Whether `other` is a later run of the same workflow (same repository and workflow name) than
 * `mine`: a higher run number, or the same number re-run (a higher attempt). Runs whose number is
 * unknown (outside GitHub Actions, states written before runs were recorded) are never later.
 */
export function isLaterRun(other: WorkflowRun | undefined, mine: WorkflowRun | undefined): boolean {
  if (other?.number === undefined || mine?.number === undefined) return false;
  if (other.repository !== mine.repository || other.workflow !== mine.workflow) return false;
  if (other.number !== mine.number) return other.number > mine.number;
  return (other.attempt ?? 1) > (mine.attempt ?? 1);
}

/** How a report names a run: `run 12 (attempt 2) of workflow "deploy"`. */
export function describeRun(run: WorkflowRun): string {
  const attempt = (run.attempt ?? 1) > 1 ? ` (attempt ${run.attempt})` : '';
  const workflow = run.workflow ? ` of workflow "${run.workflow}"` : '';
  return `run ${run.number ?? run.id ?? '?'}${attempt}${workflow}`;
}

/** The run from the runner's environment and the event payload (`head_commit.timestamp` of a push). */
export function workflowRunOf(env: NodeJS.ProcessEnv, payload: Record<string, unknown>): WorkflowRun {
  const number = positive(env.GITHUB_RUN_NUMBER);
  const attempt = positive(env.GITHUB_RUN_ATTEMPT);
  const headCommit = payload.head_commit as { timestamp?: unknown } | undefined;
  const commitTime = typeof headCommit?.timestamp === 'string' ? headCommit.timestamp : undefined;
  return {
    ...(env.GITHUB_REPOSITORY ? { repository: env.GITHUB_REPOSITORY } : {}),
    ...(env.GITHUB_WORKFLOW ? { workflow: env.GITHUB_WORKFLOW } : {}),
    ...(env.GITHUB_RUN_ID ? { id: env.GITHUB_RUN_ID } : {}),
    ...(number !== undefined ? { number } : {}),
    ...(attempt !== undefined ? { attempt } : {}),
    ...(commitTime ? { commitTime } : {}),
  };
}

function positive(text: string | undefined): number | undefined {
  const n = Number(text);
  return text && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
