/**
 * A Reporter tells people about a release: the job summary, the PR comment, GitHub deployments,
 * the step outputs. Each lives in its own file here and is listed once in ./index.ts.
 */
import type { Config } from '../config/types.ts';
import type { GitHubContext, SetOutput, SummaryWriter, Warn } from '../github/index.ts';
import type { PlanReport } from '../report/plan.ts';
import type { RolloutRecord } from '../record/types.ts';

/**
 * What a reporter hands back for the caller to keep in the release state. Reporters never write
 * into the record themselves: the caller copies these fields in, and the next state save stores
 * them for a later run (a promote job finishes the deployment a deploy job started).
 */
export interface ReportFeedback {
  /** The GitHub deployment of this release (read back from `record.deploymentId`). */
  deploymentId?: number;
}

export interface Reporter {
  /** Named in the warning when it fails. */
  readonly name: string;
  /** At each step boundary (after the state was saved). */
  progress?(record: RolloutRecord): Promise<ReportFeedback | void>;
  /** Once the run has its result. */
  final?(record: RolloutRecord): Promise<ReportFeedback | void>;
  /** `action: plan`: what a release would change. */
  plan?(plan: PlanReport): Promise<void>;
}

/** Everything a reporter may use, built once per run. */
export interface ReporterDeps {
  config: Config;
  github: GitHubContext;
  summary: SummaryWriter;
  setOutput: SetOutput;
  warn: Warn;
}
