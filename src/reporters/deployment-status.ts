/**
 * GitHub deployments: one per release, created by the deploy run that has `deployment-status: true`
 * and kept in the release state (`record.github`), so the promote, rollback and status jobs follow
 * it with no deployment inputs of their own. Which status goes where: ./deployment-updates.ts.
 */
import {
  createDeployment,
  describeFailure,
  isRefusal,
  postDeploymentStatus,
  type GitHubClient,
} from '../github/index.ts';
import { permissionHint } from '../github/hints.ts';
import { currentDeployment } from '../record/github-links.ts';
import type { DeploymentRef, ReleaseDeployment, RolloutRecord } from '../record/types.ts';
import { drivesRelease, finalUpdates, startUpdates, type StatusUpdate } from './deployment-updates.ts';
import type { Reporter, RunReporterDeps } from './types.ts';

export function deploymentStatusReporter(deps: RunReporterDeps): Reporter | undefined {
  const { config, github, warn } = deps;
  const repository = github.repository;
  if (!repository) return undefined;
  const hint = permissionHint('deployments: write', github);
  /** After GitHub refused once (a permission), this run asks no more. */
  let refused = false;
  /** This run's new deployment: created at most once, even when two step boundaries report at once. */
  let created: Promise<ReleaseDeployment> | undefined;
  let started = false;
  /** Statuses go out one after another, behind the release; `final` waits for them. */
  let queue: Promise<void> = Promise.resolve();

  function failed(what: string, error: unknown): void {
    if (isRefusal(error)) refused = true;
    warn(describeFailure(what, error, hint));
  }

  /** The release's deployment settings: as stored, else what this run created (or a legacy id). */
  async function deploymentOf(record: RolloutRecord): Promise<ReleaseDeployment | undefined> {
    const legacy =
      record.deploymentId === undefined ? undefined : { ...settingsFromInputs(), id: record.deploymentId };
    return record.github?.deployment ?? (created ? await created : legacy);
  }

  function settingsFromInputs(): ReleaseDeployment {
    return {
      environment: config.environment ?? 'production',
      ...(config.environmentUrl ? { environmentUrl: config.environmentUrl } : {}),
      productionEnvironment: config.productionEnvironment,
      transientEnvironment: config.transientEnvironment,
    };
  }

  async function create(client: GitHubClient | undefined, record: RolloutRecord): Promise<ReleaseDeployment> {
    const settings = settingsFromInputs();
    if (!client) {
      warn('no github-token: deployment statuses were not recorded');
      return settings;
    }
    try {
      const id = await createDeployment(client, {
        ...repository!,
        ...settings,
        ref: github.headSha ?? github.sha ?? github.ref ?? 'HEAD',
        description: `${record.app} ${record.newVersion}`,
        payload: { app: record.app, version: record.newVersion },
      });
      return { ...settings, id };
    } catch (error) {
      failed(`recording the deployment to ${settings.environment}`, error);
      return settings;
    }
  }

  function send(updates: StatusUpdate[], deployment: ReleaseDeployment | undefined): Promise<void> {
    queue = queue.then(async () => {
      const client = await deps.client().catch(() => undefined);
      for (const update of updates) {
        if (refused || !client) return;
        const status = { ...repository!, ...update, ...where(update.deployment, deployment) };
        await postDeploymentStatus(client, { ...status, deploymentId: update.deployment.id }).catch(
          (error: unknown) =>
            failed(`recording the ${update.state} status of deployment ${update.deployment.id}`, error),
        );
      }
    });
    return queue;
  }

  /** A status names its deployment's environment, this run's log and the environment's URL. */
  function where(ref: DeploymentRef, deployment: ReleaseDeployment | undefined) {
    const ours = ref.environment === deployment?.environment;
    const url = ours ? (config.environmentUrl ?? deployment.environmentUrl) : undefined;
    return {
      environment: ref.environment,
      ...(url ? { environmentUrl: url } : {}),
      ...(github.runUrl ? { logUrl: github.runUrl } : {}),
    };
  }

  return {
    name: 'deployment status',
    async progress(record) {
      if (refused || !drivesRelease(record)) return;
      let deployment = await deploymentOf(record);
      let feedback;
      if (!deployment && config.deploymentStatus) {
        // Blocking: the id must be in the state before the run can pause and end.
        created ??= deps.client().then((client) => create(client, record));
        deployment = await created;
        feedback = { deployment };
      }
      if (!started) {
        started = true;
        const current = currentDeployment({ ...record, github: { ...record.github, deployment } });
        // The deploy run that superseded a release retires its deployment; later jobs do not again.
        const superseded = record.action === 'deploy' ? record.github?.supersededDeployment : undefined;
        void send(startUpdates(record, current, superseded), deployment);
      }
      return feedback;
    },
    async final(record) {
      if (record.action === 'status' || record.action === 'plan') return;
      const deployment = await deploymentOf(record);
      const current = currentDeployment({ ...record, github: { ...record.github, deployment } });
      await send(finalUpdates(record, current, record.github?.stableDeployment), deployment);
    },
  };
}
