/**
 * The step outputs (CONTRACT.md "Outputs"), including `summary`: the path of a file holding the
 * report's Markdown, for later steps that post it elsewhere.
 */
import { setReleaseOutputs, writeReportFile } from '../github/index.ts';
import { renderPlanReport, renderReport } from '../report/index.ts';
import type { Reporter, ReporterDeps } from './types.ts';

export function outputsReporter(deps: ReporterDeps): Reporter {
  const { setOutput, warn } = deps;
  return {
    name: 'outputs',
    async final(record) {
      const path = writeReportFile(renderReport(record), { name: record.app, warn });
      setReleaseOutputs(record, path, setOutput);
    },
    async plan(plan) {
      const path = writeReportFile(renderPlanReport(plan), { name: plan.name, warn });
      setOutput('result', 'planned');
      setOutput('summary', path ?? '');
    },
  };
}
