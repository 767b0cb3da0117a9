// What a new release keeps of the GitHub links of the release before it (the one stored under the
// same name): the deployment of the version that serves now, so a rollback can mark it `success`
// again; the deployment of a release it supersedes, so that one can be marked `inactive`; and the
// PR comment's id. Pure: the engine calls it when a release starts, the reporters act on it.
import type { DeploymentRef, GitHubLinks, ReleaseHistory, RolloutRecord } from './types.ts';

/** The release's own deployment as a reference, once GitHub has created it. */
export function currentDeployment(record: RolloutRecord): DeploymentRef | undefined {
  const deployment = record.github?.deployment;
  if (deployment?.id === undefined) return undefined;
  return { id: deployment.id, version: record.newVersion, environment: deployment.environment };
}

/**
 * The links `next` (a release just started) inherits from `previous` (the stored release it
 * follows or supersedes); undefined when there is nothing to inherit.
 */
export function inheritedGitHubLinks(
  previous: RolloutRecord | undefined,
  next: Pick<RolloutRecord, 'previousVersion' | 'supersededVersion'>,
): GitHubLinks | undefined {
  if (!previous?.github) return undefined;
  const current = currentDeployment(previous);
  const known = [current, previous.github.stableDeployment].filter((d) => d !== undefined);
  const stable = known.find((d) => d.version === next.previousVersion);
  const superseded =
    next.supersededVersion !== undefined && current?.version === next.supersededVersion ? current : undefined;
  const links: GitHubLinks = {
    ...(stable ? { stableDeployment: stable } : {}),
    ...(superseded ? { supersededDeployment: superseded } : {}),
    ...(previous.github.comment ? { comment: previous.github.comment } : {}),
  };
  return Object.keys(links).length ? links : undefined;
}

/** Keeps the links the reporters handed back in the history (the next state save stores them). */
export function mergeGitHubLinks(history: Pick<ReleaseHistory, 'github'>, links: GitHubLinks): void {
  if (Object.keys(links).length === 0) return;
  history.github = { ...history.github, ...links };
}
