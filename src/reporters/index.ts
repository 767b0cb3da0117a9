/**
 * The reporters of one run, composed: all are called at once and a failing one is a warning,
 * never a failed release. Adding a reporter (a check run, a chat message) is its file
 * plus one line in REPORTERS.
 */
import { gitHubClientOnDemand } from '../github/index.ts';
import type { PlanReport } from '../report/plan.ts';
import type { RolloutRecord } from '../record/types.ts';
import { deploymentStatusReporter } from './deployment-status.ts';
import { outputsReporter } from './outputs.ts';
import { prCommentReporter } from './pr-comment.ts';
import { jobSummaryReporter } from './summary.ts';
import type { ReportFeedback, Reporter, ReporterDeps, RunReporterDeps } from './types.ts';

export type { ReportFeedback, Reporter, ReporterDeps, RunReporterDeps } from './types.ts';

/** Each returns undefined when its inputs turn it off. */
const REPORTERS: ReadonlyArray<(deps: RunReporterDeps) => Reporter | undefined> = [
  jobSummaryReporter,
  prCommentReporter,
  deploymentStatusReporter,
  outputsReporter,
];

/** The composed reporters: the same three calls, fanned out. */
export interface Reporters {
  progress(record: RolloutRecord): Promise<ReportFeedback>;
  final(record: RolloutRecord): Promise<ReportFeedback>;
  plan(plan: PlanReport): Promise<void>;
}

export function createReporters(deps: ReporterDeps, factories = REPORTERS): Reporters {
  const warn = warnOnce(deps.warn);
  const client =
    deps.client ?? gitHubClientOnDemand(deps.config.githubToken, deps.github.apiUrl, { info: deps.info });
  const run: RunReporterDeps = { ...deps, warn, client };
  const reporters = factories.map((make) => make(run)).filter((r) => r !== undefined);
  return composeReporters(reporters, warn);
}

/** `warn`, passing each distinct message once: a step boundary that fails alike does not repeat it. */
export function warnOnce(warn: (message: string) => void): (message: string) => void {
  const said = new Set<string>();
  return (message) => {
    if (said.has(message)) return;
    said.add(message);
    warn(message);
  };
}

/** Keeps what the reporters handed back in the record (the release state stores it at its next save). */
export { mergeGitHubLinks as applyReportFeedback } from '../record/github-links.ts';

/** Calls every reporter at once; rejections become warnings naming the reporter. */
export function composeReporters(reporters: readonly Reporter[], warn: (m: string) => void): Reporters {
  async function fanOut(
    call: (r: Reporter) => Promise<ReportFeedback | void> | undefined,
  ): Promise<ReportFeedback> {
    const settled = await Promise.allSettled(reporters.map(async (r) => call(r)));
    const feedback: ReportFeedback = {};
    settled.forEach((outcome, i) => {
      if (outcome.status === 'rejected') {
        const reason = outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason);
        warn(`the ${reporters[i]!.name} report failed: ${reason}`);
      } else if (outcome.value) Object.assign(feedback, definedFields(outcome.value));
    });
    return feedback;
  }
  return {
    progress: (record) => fanOut((r) => r.progress?.(record)),
    final: (record) => fanOut((r) => r.final?.(record)),
    plan: async (plan) => void (await fanOut((r) => r.plan?.(plan))),
  };
}

function definedFields(feedback: ReportFeedback): ReportFeedback {
  return Object.fromEntries(Object.entries(feedback).filter(([, v]) => v !== undefined));
}
