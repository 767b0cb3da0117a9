/**
 * The sticky pull request comment (`comment: true`), edited at step boundaries without holding the
 * release up (latest-wins.ts), and once more with the result.
 */
import {
  commentMarker,
  gitHubClientOnDemand,
  findPullRequestNumber,
  upsertPrComment,
} from '../github/index.ts';
import { renderPlanReport, renderReport } from '../report/index.ts';
import type { RolloutRecord } from '../record/types.ts';
import { latestWins } from './latest-wins.ts';
import type { Reporter, ReporterDeps } from './types.ts';

export function prCommentReporter(deps: ReporterDeps): Reporter | undefined {
  const { config, github, warn } = deps;
  const repository = github.repository;
  if (!config.comment || !repository) return undefined;
  // Created on first use: a run that never comments never loads the GitHub toolkit.
  const octokit = gitHubClientOnDemand(config.githubToken, github.apiUrl);
  let prNumber: Promise<number | undefined> | undefined;

  async function comment(app: string, body: string): Promise<void> {
    const client = await octokit();
    prNumber ??= findPullRequestNumber(client, github, { prNumber: config.prNumber, warn });
    const issueNumber = await prNumber;
    if (issueNumber === undefined || !repository) return;
    const marker = commentMarker(app, config.environment);
    await upsertPrComment(client, { ...repository, issueNumber, marker, body, warn });
  }
  // Step boundaries do not wait for GitHub; the final report waits for the edit that is out.
  const edits = latestWins(
    (record: RolloutRecord) => comment(record.app, renderReport(record)),
    (err) => warn(`the pull request comment report failed: ${(err as Error).message}`),
  );

  return {
    name: 'pull request comment',
    progress: async (record) => edits.push(record),
    final: async (record) => {
      await edits.settle();
      await comment(record.app, renderReport(record));
    },
    plan: (plan) => comment(plan.name, renderPlanReport(plan)),
  };
}
