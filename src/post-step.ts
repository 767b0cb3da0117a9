// The post step of a main step that did not finish (cancelled, or killed by its runner): the
// release it was changing is recovered as the lifecycle table's `cancel` column says (an
// unfinished release returns to stable), and the job summary, PR comment and deployment status
// say that the run was cancelled. Nothing here can start a release.
import * as core from '@actions/core';
import { providerTable } from './analysis/index.ts';
import { readConfig, readInputs } from './config/index.ts';
import { cancel, type ReleaseDeps } from './engine/actions/release.ts';
import { readGitHubContext } from './github/index.ts';
import { createReporters } from './reporters/index.ts';
import type { MainStepState } from './run-state.ts';
import {
  createLogger,
  createRedactor,
  holderId,
  inputsForReport,
  loadCluster,
  problemsOf,
  reportStoppedRun,
} from './run-setup.ts';
import { credentialValues } from './analysis/credential-fields.ts';
import { redactRecord } from './record/redact.ts';

export async function recoverUnfinished(main: MainStepState): Promise<void> {
  const redactor = createRedactor();
  const inputs = readInputs((n) => core.getInput(n));
  const { config } = readConfig(inputs, process.env);
  redactor.add(credentialValues(config));
  const shown = () => inputsForReport(inputs, redactor);
  if (!main.release) {
    // The main step stopped before it named a release: it wrote nothing.
    core.warning('the main step did not finish (cancelled?) before it changed anything');
    await reportStoppedRun({
      action: config.action,
      kind: 'cancelled',
      problems: ['the run stopped before the release began: nothing was changed'],
      inputs: shown(),
    });
    return;
  }
  const name = main.release;
  core.warning(`the release of ${name} did not finish (cancelled?): recovering it`);
  const github = readGitHubContext(process.env, (m) => core.warning(m));
  try {
    const deps: ReleaseDeps = {
      config,
      cluster: loadCluster(config, redactor),
      log: createLogger(redactor),
      // The post step itself is not cancelled by the runner.
      signal: new AbortController().signal,
      providers: providerTable(),
      // The main step's identity: its Lease is taken back at once instead of waiting for it to expire.
      holder: main.holder ?? `post-${holderId()}`,
      runUrl: github.runUrl,
      ...(github.run ? { workflowRun: github.run } : {}),
      redactRecord: (record) => redactRecord(record, redactor),
      redact: (text) => redactor.redact(text),
    };
    const record = await cancel(deps, name);
    const reporters = createReporters({
      config,
      github,
      summary: core.summary,
      setOutput: core.setOutput,
      warn: (m) => core.warning(m),
      info: (m) => core.info(m),
    });
    await reporters.final(redactRecord(record, redactor));
    core.info(`post: ${name} is ${record.result}, serving ${record.servingVersion ?? 'unknown'}`);
  } catch (err) {
    const problems = problemsOf(err, redactor);
    core.error(`could not recover the release of ${name} after the cancel: ${problems[0]}`);
    await reportStoppedRun({ app: name, action: config.action, kind: 'stopped', problems, inputs: shown() });
    process.exitCode = core.ExitCode.Failure;
  }
}
