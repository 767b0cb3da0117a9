/**
 * The sticky pull request comment (`comment: true`), edited at step boundaries without holding the
 * release up (latest-wins.ts), and once more with the result. Its id is kept (in memory, and
 * handed back for the release state), so an edit is one request rather than a listing of the
 * PR's comments; after GitHub refuses (a permission) the run stops asking, with one warning.
 */
import {
  commentMarker,
  describeFailure,
  findPullRequestNumber,
  isRefusal,
  permissionHint,
  upsertPrComment,
} from '../github/index.ts';
import { renderPlanReport, renderReport } from '../report/index.ts';
import type { GitHubLinks, RolloutRecord } from '../record/types.ts';
import { latestWins } from './latest-wins.ts';
import type { Reporter, RunReporterDeps } from './types.ts';

type CommentLink = NonNullable<GitHubLinks['comment']>;

export function prCommentReporter(deps: RunReporterDeps): Reporter | undefined {
  const { config, github, warn } = deps;
  const repository = github.repository;
  if (!config.comment || !repository) return undefined;
  let prNumber: Promise<number | undefined> | undefined;
  /** The comment as this run last wrote it (or as the release state remembers it). */
  let written: CommentLink | undefined;
  let refused = false;

  /** `target`: the release (app, and environment as the deploy run named it) or the plan's name. */
  async function comment(
    target: { app: string; environment?: string },
    body: string,
    stored?: CommentLink,
  ): Promise<void> {
    if (refused) return;
    const client = await deps.client();
    // The PR first: a run with no pull request needs no token.
    prNumber ??= findPullRequestNumber(client, github, { prNumber: config.prNumber, warn });
    const issueNumber = await prNumber;
    if (issueNumber === undefined || refused) return;
    if (!client) {
      refused = true;
      return warn('no github-token: the pull request comment was not written');
    }
    const known = [written, stored].find((c) => c?.issueNumber === issueNumber);
    const marker = commentMarker(target.app, target.environment ?? config.environment);
    try {
      const { id } = await upsertPrComment(client, {
        ...repository!,
        issueNumber,
        marker,
        body,
        ...(known ? { knownId: known.id } : {}),
      });
      written = { issueNumber, id };
    } catch (error) {
      if (isRefusal(error)) refused = true;
      const hint = permissionHint('pull-requests: write', github);
      warn(describeFailure(`writing the comment on pull request #${issueNumber}`, error, hint));
    }
  }
  // Step boundaries do not wait for GitHub; the final report waits for the edit that is out.
  const edits = latestWins(
    (record: RolloutRecord) => comment(record, renderReport(record), record.github?.comment),
    (err) => warn(`the pull request comment report failed: ${(err as Error).message}`),
  );
  /** The id for the release state, once known and when it is news to the record. */
  const feedback = (record: RolloutRecord) =>
    written && written.id !== record.github?.comment?.id ? { comment: written } : undefined;

  return {
    name: 'pull request comment',
    progress: async (record) => {
      edits.push(record);
      return feedback(record);
    },
    final: async (record) => {
      await edits.settle();
      await comment(record, renderReport(record), record.github?.comment);
      return feedback(record);
    },
    plan: (plan) => comment({ app: plan.name }, renderPlanReport(plan)),
  };
}
