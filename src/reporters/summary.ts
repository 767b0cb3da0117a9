/** The job summary on the run page: the full report, or the plan. */
import { appendJobSummary } from '../github/index.ts';
import { renderPlanReport, renderReport } from '../report/index.ts';
import type { Reporter, ReporterDeps } from './types.ts';

export function jobSummaryReporter(deps: ReporterDeps): Reporter {
  return {
    name: 'job summary',
    final: (record) => appendJobSummary(renderReport(record), deps.summary, deps.warn),
    plan: (plan) => appendJobSummary(renderPlanReport(plan), deps.summary, deps.warn),
  };
}
