/**
 * GitHub deployments (`deployment-status: true`): one per release, `in_progress` while it runs and
 * a final status at the end. The deployment's id is handed back as feedback for the caller to keep
 * in the release state, so a later promote or rollback run finishes the same deployment.
 */
import {
  gitHubClientOnDemand,
  deploymentStateFor,
  finishDeployment,
  startDeployment,
} from '../github/index.ts';
import type { RolloutRecord } from '../record/types.ts';
import type { Reporter, ReporterDeps } from './types.ts';

export function deploymentStatusReporter(deps: ReporterDeps): Reporter | undefined {
  const { config, github, warn } = deps;
  const repository = github.repository;
  if (!config.deploymentStatus || !repository) return undefined;
  // Created with the deployment: the GitHub toolkit is not loaded before.
  const client = gitHubClientOnDemand(config.githubToken, github.apiUrl);
  const environment = config.environment ?? 'production';
  const links = {
    environment,
    ...(config.environmentUrl ? { environmentUrl: config.environmentUrl } : {}),
    ...(github.runUrl ? { logUrl: github.runUrl } : {}),
  };
  // Started at most once per run, even when two step boundaries report before the id is stored.
  let started: Promise<number | undefined> | undefined;

  function deploymentOf(record: RolloutRecord): Promise<number | undefined> {
    if (record.deploymentId !== undefined) return Promise.resolve(record.deploymentId);
    started ??= client().then((octokit) =>
      startDeployment(octokit, {
        ...repository!,
        ...links,
        ref: github.headSha ?? github.sha ?? github.ref ?? 'HEAD',
        description: `${record.app} ${record.newVersion}`,
        payload: { app: record.app, version: record.newVersion },
        warn,
      }),
    );
    return started;
  }

  return {
    name: 'deployment status',
    async progress(record) {
      return { deploymentId: await deploymentOf(record) };
    },
    async final(record) {
      const state = deploymentStateFor(record.result);
      if (!state) return;
      const deploymentId = await deploymentOf(record);
      if (deploymentId === undefined) return;
      const serving = record.servingVersion ?? record.newVersion;
      await finishDeployment(await client(), {
        ...repository!,
        ...links,
        deploymentId,
        state,
        description: `${record.app} ${record.result}: ${serving}`,
        warn,
      });
      return { deploymentId };
    },
  };
}
