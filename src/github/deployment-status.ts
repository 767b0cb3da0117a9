/**
 * GitHub deployments for `deployment-status: true`: one deployment per release, an `in_progress`
 * status when it starts and a final one when it ends, so the environment page shows releases.
 */
import type { ReleaseResult } from '../record/types.ts';
import { describeFailure, type GitHubClient, type Warn } from './client.ts';

/** GitHub's limit on a deployment status description. */
export const MAX_DESCRIPTION_LENGTH = 140;

export type DeploymentState =
  'queued' | 'pending' | 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';

const PERMISSION_HINT = 'the token needs `deployments: write`';

export function shortDescription(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= MAX_DESCRIPTION_LENGTH
    ? oneLine
    : `${oneLine.slice(0, MAX_DESCRIPTION_LENGTH - 1)}…`;
}

/** Environments named like production count as production unless the caller says otherwise. */
export function isProductionName(environment: string): boolean {
  return /^prod(uction)?$/i.test(environment);
}

export interface StartDeploymentArgs {
  owner: string;
  repo: string;
  /** Branch, tag or SHA being deployed (the PR head for pull_request events). */
  ref: string;
  environment: string;
  productionEnvironment?: boolean;
  environmentUrl?: string;
  /** The workflow run URL. */
  logUrl?: string;
  description?: string;
  /** Free-form JSON kept with the deployment (e.g. app and version). */
  payload?: Record<string, unknown>;
  warn?: Warn;
}

/**
 * Creates the deployment and marks it `in_progress`. Returns the deployment id, or undefined
 * (after a warning) when there is no client or GitHub refuses; never throws.
 */
export async function startDeployment(
  octokit: GitHubClient | undefined,
  args: StartDeploymentArgs,
): Promise<number | undefined> {
  const warn = args.warn ?? (() => {});
  if (!octokit) {
    warn('no github-token: deployment statuses were not recorded');
    return undefined;
  }
  const description = shortDescription(args.description ?? `Releasing to ${args.environment}`);
  try {
    const response = await octokit.rest.repos.createDeployment({
      owner: args.owner,
      repo: args.repo,
      ref: args.ref,
      environment: args.environment,
      auto_merge: false,
      required_contexts: [],
      transient_environment: false,
      production_environment: args.productionEnvironment ?? isProductionName(args.environment),
      description,
      payload: args.payload ?? {},
    });
    // 202 means GitHub merged the default branch into the ref instead of creating a deployment.
    const id = response.status === 201 ? (response.data as { id?: unknown }).id : undefined;
    if (typeof id !== 'number') {
      warn(`GitHub did not create a deployment for ${args.ref} (HTTP ${response.status})`);
      return undefined;
    }
    await octokit.rest.repos.createDeploymentStatus({
      owner: args.owner,
      repo: args.repo,
      deployment_id: id,
      state: 'in_progress',
      environment: args.environment,
      ...(args.environmentUrl ? { environment_url: args.environmentUrl } : {}),
      ...(args.logUrl ? { log_url: args.logUrl } : {}),
      description,
    });
    return id;
  } catch (error) {
    warn(describeFailure(`recording the deployment to ${args.environment}`, error, PERMISSION_HINT));
    return undefined;
  }
}

export interface FinishDeploymentArgs {
  owner: string;
  repo: string;
  deploymentId: number;
  state: DeploymentState;
  environment: string;
  environmentUrl?: string;
  logUrl?: string;
  description?: string;
  warn?: Warn;
}

/** Posts a status (normally the final one) on a deployment. Returns false after a warning. */
export async function finishDeployment(
  octokit: GitHubClient | undefined,
  args: FinishDeploymentArgs,
): Promise<boolean> {
  const warn = args.warn ?? (() => {});
  if (!octokit) {
    warn('no github-token: deployment statuses were not recorded');
    return false;
  }
  try {
    await octokit.rest.repos.createDeploymentStatus({
      owner: args.owner,
      repo: args.repo,
      deployment_id: args.deploymentId,
      state: args.state,
      environment: args.environment,
      ...(args.environmentUrl ? { environment_url: args.environmentUrl } : {}),
      ...(args.logUrl ? { log_url: args.logUrl } : {}),
      ...(args.description ? { description: shortDescription(args.description) } : {}),
    });
    return true;
  } catch (error) {
    warn(
      describeFailure(
        `recording the ${args.state} status of deployment ${args.deploymentId}`,
        error,
        PERMISSION_HINT,
      ),
    );
    return false;
  }
}

/**
 * The deployment state for a release result: a rollback or failure is `failure`; a paused
 * release is still `in_progress` (the promote run finishes it); a plan is no deployment.
 */
export function deploymentStateFor(result: ReleaseResult | undefined): DeploymentState | undefined {
  switch (result) {
    case 'promoted':
    case 'unchanged':
      return 'success';
    case 'rolled-back':
    case 'failed':
      return 'failure';
    case 'paused':
    case 'progressing':
    case 'rolling-back':
      return 'in_progress';
    case 'planned':
      return undefined;
    default:
      return 'error';
  }
}
