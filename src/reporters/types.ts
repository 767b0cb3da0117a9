/**
 * A Reporter tells people about a release: the job summary, the PR comment, GitHub deployments,
 * the step outputs. Each lives in its own file here and is listed once in ./index.ts.
 */
import type { Config } from '../config/types.ts';
import type { GitHubClient, GitHubContext, SetOutput, SummaryWriter, Warn } from '../github/index.ts';
import type { PlanReport } from '../report/plan.ts';
import type { GitHubLinks, RolloutRecord } from '../record/types.ts';

/**
 * What a reporter hands back for the caller to keep in the release state: the GitHub objects the
 * release reports to (`record.github`). Reporters never write into the record themselves: the
 * caller merges these fields in (applyReportFeedback), and the next state save stores them for a
 * later run (a promote job finishes the deployment a deploy job started).
 */
export type ReportFeedback = GitHubLinks;

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

/** What the caller gives to build the reporters of one run. */
export interface ReporterDeps {
  config: Config;
  github: GitHubContext;
  summary: SummaryWriter;
  setOutput: SetOutput;
  /** Each distinct warning reaches this once per run (GitHub shows only 10 per step). */
  warn: Warn;
  /** Lines for the log (`core.info`): rate-limit waits. */
  info?: (message: string) => void;
  /** The GitHub client; by default one made on first use from `github-token`. */
  client?: () => Promise<GitHubClient | undefined>;
}

/** What each reporter is built with: one warn-once, one GitHub client for all of them. */
export type RunReporterDeps = ReporterDeps & { client: () => Promise<GitHubClient | undefined> };
