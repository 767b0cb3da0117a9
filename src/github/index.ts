/** The GitHub side of reporting: context, job summary, sticky PR comment, deployments, outputs. */
export {
  createGitHubClient,
  describeFailure,
  gitHubClientOnDemand,
  httpStatus,
  isRefusal,
  type ClientOptions,
  type GitHubClient,
  type Warn,
} from './client.ts';
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
  createDeployment,
  MAX_DESCRIPTION_LENGTH,
  postDeploymentStatus,
  shortDescription,
  type CreateDeploymentArgs,
  type DeploymentState,
  type DeploymentStatusArgs,
} from './deployment-status.ts';
export { permissionHint, type Permission } from './hints.ts';
export { releaseOutputs, setReleaseOutputs, type ReleaseOutputs, type SetOutput } from './outputs.ts';
