// The Reporter set of one run: job summary, sticky PR comment, deployment statuses and outputs,
// all fed from the RolloutRecord. Reporting problems are warnings; they never fail a release.
import type { Config } from './config/types.ts';
import type { RolloutRecord } from './record/types.ts';
import {
  commentMarker,
  createGitHubClient,
  deploymentStateFor,
  findPullRequestNumber,
  finishDeployment,
  setReleaseOutputs,
  startDeployment,
  upsertPrComment,
  writeJobSummary,
  type GitHubContext,
  type SetOutput,
  type SummaryWriter,
} from './github/index.ts';
import { renderReport } from './report/index.ts';

export interface ReporterDeps {
  config: Config;
  github: GitHubContext;
  summary: SummaryWriter;
  setOutput: SetOutput;
  warn: (message: string) => void;
}

export interface Reporters {
  /** At each step boundary: edits the PR comment. */
  progress(record: RolloutRecord): Promise<void>;
  /** At the end: summary, comment, deployment status, outputs. */
  final(record: RolloutRecord): Promise<void>;
  /** Plan output (action: plan): summary and comment with the given Markdown. */
  markdown(name: string, body: string, result: 'planned'): Promise<void>;
}

export function createReporters(deps: ReporterDeps): Reporters {
  const { config, github, warn } = deps;
  const octokit = createGitHubClient(config.githubToken, github.apiUrl);
  let prNumber: Promise<number | undefined> | undefined;
  let deploymentId: Promise<number | undefined> | undefined;

  const pr = () =>
    (prNumber ??=
      config.comment && github.repository
        ? findPullRequestNumber(octokit, github, { prNumber: config.prNumber, warn })
        : Promise.resolve(undefined));

  async function comment(app: string, body: string): Promise<void> {
    const number = await pr();
    if (number === undefined || !github.repository) return;
    await upsertPrComment(octokit, {
      ...github.repository,
      issueNumber: number,
      marker: commentMarker(app, config.environment),
      body,
      warn,
    });
  }

  /**
   * The release's GitHub deployment: the one an earlier run of the same release started (its id
   * is kept in the record, which the release state stores), else a new one. The id is written
   * into the record so the next state save carries it to a later promote or rollback run.
   */
  function deployment(record: RolloutRecord): Promise<number | undefined> {
    if (!config.deploymentStatus || !github.repository) return Promise.resolve(undefined);
    if (record.deploymentId !== undefined) deploymentId ??= Promise.resolve(record.deploymentId);
    deploymentId ??= startDeployment(octokit, {
      ...github.repository,
      ref: github.headSha ?? github.sha ?? github.ref ?? 'HEAD',
      environment: config.environment ?? 'production',
      ...(config.environmentUrl ? { environmentUrl: config.environmentUrl } : {}),
      ...(github.runUrl ? { logUrl: github.runUrl } : {}),
      description: `${record.app} ${record.newVersion}`,
      payload: { app: record.app, version: record.newVersion },
      warn,
    }).then((id) => {
      if (id !== undefined) record.deploymentId = id;
      return id;
    });
    return deploymentId;
  }

  return {
    async progress(record) {
      await Promise.all([comment(record.app, renderReport(record)), deployment(record)]);
    },
    async final(record) {
      const markdown = renderReport(record);
      const path = await writeJobSummary(markdown, { summary: deps.summary, name: record.app, warn });
      setReleaseOutputs(record, path, deps.setOutput);
      await comment(record.app, markdown);
      const state = deploymentStateFor(record.result);
      if (state && config.deploymentStatus && github.repository) {
        const id = await deployment(record);
        if (id !== undefined) {
          await finishDeployment(octokit, {
            ...github.repository,
            deploymentId: id,
            state,
            environment: config.environment ?? 'production',
            ...(config.environmentUrl ? { environmentUrl: config.environmentUrl } : {}),
            ...(github.runUrl ? { logUrl: github.runUrl } : {}),
            description: `${record.app} ${record.result}: ${record.servingVersion ?? record.newVersion}`,
            warn,
          });
        }
      }
    },
    async markdown(name, body, result) {
      const path = await writeJobSummary(body, { summary: deps.summary, name, warn });
      deps.setOutput('result', result);
      deps.setOutput('summary', path ?? '');
      await comment(name, body);
    },
  };
}
