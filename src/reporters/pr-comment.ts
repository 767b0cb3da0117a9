/** The sticky pull request comment (`comment: true`), edited at every step boundary. */
import {
  commentMarker,
  createGitHubClient,
  findPullRequestNumber,
  upsertPrComment,
} from '../github/index.ts';
import { renderPlanReport, renderReport } from '../report/index.ts';
import type { Reporter, ReporterDeps } from './types.ts';

export function prCommentReporter(deps: ReporterDeps): Reporter | undefined {
  const { config, github, warn } = deps;
  const repository = github.repository;
  if (!config.comment || !repository) return undefined;
  const octokit = createGitHubClient(config.githubToken, github.apiUrl);
  let prNumber: Promise<number | undefined> | undefined;

  async function comment(app: string, body: string): Promise<void> {
    prNumber ??= findPullRequestNumber(octokit, github, { prNumber: config.prNumber, warn });
    const issueNumber = await prNumber;
    if (issueNumber === undefined || !repository) return;
    const marker = commentMarker(app, config.environment);
    await upsertPrComment(octokit, { ...repository, issueNumber, marker, body, warn });
  }

  return {
    name: 'pull request comment',
    progress: (record) => comment(record.app, renderReport(record)),
    final: (record) => comment(record.app, renderReport(record)),
    plan: (plan) => comment(plan.name, renderPlanReport(plan)),
  };
}
