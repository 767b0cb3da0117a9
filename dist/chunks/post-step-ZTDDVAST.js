import { createRequire as __krCreateRequire } from 'node:module'; const require = __krCreateRequire(import.meta.url);
import {
  ExitCode,
  cancel,
  createLogger,
  createRedactor,
  createReporters,
  credentialValues,
  error,
  getInput,
  holderId,
  info,
  inputsForReport,
  loadCluster,
  problemsOf,
  providerTable,
  readConfig,
  readGitHubContext,
  readInputs,
  redactRecord,
  reportStoppedRun,
  setOutput,
  summary,
  warning
} from "./chunk-PMBPZ5EO.js";
import "./chunk-ALNII3A7.js";
import "./chunk-2G5UZ7J5.js";

// src/post-step.ts
async function recoverUnfinished(main) {
  const redactor = createRedactor();
  const inputs = readInputs((n) => getInput(n));
  const { config } = readConfig(inputs, process.env);
  redactor.add(credentialValues(config));
  const shown = () => inputsForReport(inputs, redactor);
  if (!main.release) {
    warning("the main step did not finish (cancelled?) before it changed anything");
    await reportStoppedRun({
      action: config.action,
      kind: "cancelled",
      problems: ["the run stopped before the release began: nothing was changed"],
      inputs: shown()
    });
    return;
  }
  const name = main.release;
  warning(`the release of ${name} did not finish (cancelled?): recovering it`);
  const github = readGitHubContext(process.env, (m) => warning(m));
  try {
    const deps = {
      config,
      cluster: loadCluster(config, redactor),
      log: createLogger(redactor),
      // The post step itself is not cancelled by the runner.
      signal: new AbortController().signal,
      providers: providerTable(),
      // The main step's identity: its Lease is taken back at once instead of waiting for it to expire.
      holder: main.holder ?? `post-${holderId()}`,
      runUrl: github.runUrl,
      ...github.run ? { workflowRun: github.run } : {},
      redactRecord: (record2) => redactRecord(record2, redactor),
      redact: (text) => redactor.redact(text)
    };
    const record = await cancel(deps, name);
    const reporters = createReporters({
      config,
      github,
      summary,
      setOutput,
      warn: (m) => warning(m),
      info: (m) => info(m)
    });
    await reporters.final(redactRecord(record, redactor));
    info(`post: ${name} is ${record.result}, serving ${record.servingVersion ?? "unknown"}`);
  } catch (err) {
    const problems = problemsOf(err, redactor);
    error(`could not recover the release of ${name} after the cancel: ${problems[0]}`);
    await reportStoppedRun({ app: name, action: config.action, kind: "stopped", problems, inputs: shown() });
    process.exitCode = ExitCode.Failure;
  }
}
export {
  recoverUnfinished
};
