/**
 * The GitHub deployments API calls behind `deployment-status: true`: create a release's deployment,
 * post a status on it. Which status goes where is decided in src/reporters/deployment-updates.ts;
 * failures are thrown for the reporter to turn into one warning.
 */
import type { GitHubClient } from './client.ts';

/** GitHub's limit on a deployment status description. */
export const MAX_DESCRIPTION_LENGTH = 140;

export type DeploymentState =
  'queued' | 'pending' | 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';

export function shortDescription(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= MAX_DESCRIPTION_LENGTH
    ? oneLine
    : `${oneLine.slice(0, MAX_DESCRIPTION_LENGTH - 1)}…`;
}

export interface CreateDeploymentArgs {
  owner: string;
  repo: string;
  /** Branch, tag or SHA being deployed (the PR head for pull_request events). */
  ref: string;
  environment: string;
  /** From the `production-environment` input, never guessed from the environment's name. */
  productionEnvironment: boolean;
  transientEnvironment: boolean;
  description: string;
  /** Free-form JSON kept with the deployment (app and version). */
  payload: Record<string, unknown>;
}

/**
 * Creates the deployment; returns its id. Throws GitHub's error, or when GitHub answers 202 (it
 * merged the default branch into the ref instead of deploying; not with `auto_merge: false`).
 */
export async function createDeployment(octokit: GitHubClient, args: CreateDeploymentArgs): Promise<number> {
  const response = await octokit.rest.repos.createDeployment({
    owner: args.owner,
    repo: args.repo,
    ref: args.ref,
    environment: args.environment,
    auto_merge: false,
    required_contexts: [],
    transient_environment: args.transientEnvironment,
    production_environment: args.productionEnvironment,
    description: shortDescription(args.description),
    payload: args.payload,
  });
  const id = response.status === 201 ? (response.data as { id?: unknown }).id : undefined;
  if (typeof id !== 'number')
    throw new Error(`GitHub did not create a deployment for ${args.ref} (HTTP ${response.status})`);
  return id;
}

export interface DeploymentStatusArgs {
  owner: string;
  repo: string;
  deploymentId: number;
  state: DeploymentState;
  /** The deployment's own environment: a status naming another one moves the deployment there. */
  environment: string;
  environmentUrl?: string;
  /** The run that posts the status. */
  logUrl?: string;
  description: string;
}

/**
 * Posts one status. `success` does not mark older deployments `inactive` on its own (GitHub would,
 * for non-production environments only): the reporter marks the one this release replaced.
 */
export async function postDeploymentStatus(octokit: GitHubClient, args: DeploymentStatusArgs): Promise<void> {
  await octokit.rest.repos.createDeploymentStatus({
    owner: args.owner,
    repo: args.repo,
    deployment_id: args.deploymentId,
    state: args.state,
    environment: args.environment,
    ...(args.environmentUrl ? { environment_url: args.environmentUrl } : {}),
    ...(args.logUrl ? { log_url: args.logUrl } : {}),
    description: shortDescription(args.description),
    ...(args.state === 'success' ? { auto_inactive: false } : {}),
  });
}
