/** The GitHub side of reporting: context, job summary, sticky PR comment, deployments, outputs. */
import type { GitHubClient } from './client.ts';

export { httpStatus, type GitHubClient, type Warn } from './client.ts';
export {
  findPullRequestNumber,
  readGitHubContext,
  type FindPullRequestOptions,
  type GitHubContext,
  type Repository,
} from './context.ts';
export {
  appendJobSummary,
  writeJobSummary,
  writeReportFile,
  type SummaryWriter,
  type WriteSummaryOptions,
} from './summary.ts';
export {
  commentBody,
  commentMarker,
  MAX_COMMENT_LENGTH,
  upsertPrComment,
  type UpsertedComment,
  type UpsertPrCommentArgs,
} from './pr-comment.ts';
export {
  deploymentStateFor,
  finishDeployment,
  isProductionName,
  MAX_DESCRIPTION_LENGTH,
  shortDescription,
  startDeployment,
  type DeploymentState,
  type FinishDeploymentArgs,
  type StartDeploymentArgs,
} from './deployment-status.ts';
export { releaseOutputs, setReleaseOutputs, type ReleaseOutputs, type SetOutput } from './outputs.ts';

/**
 * An Octokit for `token`, or undefined without one. The base URL is passed explicitly: the
 * toolkit reads GITHUB_API_URL once when first imported, this reads it at call time. The toolkit
 * (Octokit and its HTTP client, about a tenth of the bundle) is loaded here, on first use, so a
 * run that reports nothing to GitHub does not load it at start-up.
 */
/** `createGitHubClient` on first call, the same client after: the reporters' client on demand. */
export function gitHubClientOnDemand(
  token: string | undefined,
  apiUrl?: string,
): () => Promise<GitHubClient | undefined> {
  let client: Promise<GitHubClient | undefined> | undefined;
  return () => (client ??= createGitHubClient(token, apiUrl));
}

export async function createGitHubClient(
  token: string | undefined,
  apiUrl = process.env.GITHUB_API_URL,
): Promise<GitHubClient | undefined> {
  if (!token) return undefined;
  const { getOctokit } = await import('@actions/github');
  return getOctokit(token, apiUrl ? { baseUrl: apiUrl.replace(/\/+$/, '') } : {});
}
