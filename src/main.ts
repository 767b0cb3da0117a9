// The main step: wires inputs → config → manifests → cluster → release → reporters. Nothing else
// lives here. The post step (post-step.ts) only recovers and reports; it never deploys.
import * as core from '@actions/core';
import { providerTable } from './analysis/index.ts';
import type { CancelWatch } from './cancel-signal.ts';
import { inputsForLoading, readConfig, readInputs, type ManifestSettings } from './config/index.ts';
import type { Inputs } from './config/inputs.ts';
import type { Config } from './config/types.ts';
import { planRelease } from './engine/actions/plan.ts';
import type { RolloutRecord } from './record/types.ts';
import {
  deploy,
  promote,
  releaseName,
  rollback,
  status,
  type ReleaseDeps,
} from './engine/actions/release.ts';
import { InputError, InputErrors } from './errors.ts';
import { readGitHubContext } from './github/index.ts';
import { releaseFromArgo } from './argo/index.ts';
import { loadReleaseSet, type ReleaseSetOptions } from './manifests/index.ts';
import type { ManifestSet } from './manifests/types.ts';
import { createReporters } from './reporters/index.ts';
import { renderPlanReport } from './report/index.ts';
import { mainStepState, type MainStepStateWriter } from './run-state.ts';
import {
  annotationAt,
  createLogger,
  createRedactor,
  holderId,
  inputsForReport,
  loadCluster,
  problemsOf,
  reportStoppedRun,
} from './run-setup.ts';
import { redactRecord } from './record/redact.ts';
import { secretValuesOf, type Redactor } from './secrets/redactor.ts';
import { credentialValues } from './analysis/credential-fields.ts';

type GitHubContext = ReturnType<typeof readGitHubContext>;

/** What a run that ended without a record knows about itself, for its report. */
interface RunFacts {
  inputs: Inputs;
  redactor: Redactor;
  config?: Config;
  manifests?: ManifestSet;
  /** Set once the run may have written to the cluster (it took, or waited for, the Lease). */
  wrote: boolean;
}

export async function run(cancel: CancelWatch): Promise<void> {
  const saved = mainStepState(core.saveState);
  saved.started();
  const inputs = readInputs((n) => core.getInput(n));
  const facts: RunFacts = { inputs, redactor: createRedactor(), wrote: false };
  const github = readGitHubContext(process.env, (m) => core.warning(m));
  try {
    await runAction(facts, github, cancel.signal, saved);
  } catch (err) {
    await reportStopped(facts, err, cancel.signal);
  } finally {
    saved.finished();
  }
}

async function runAction(
  facts: RunFacts,
  github: GitHubContext,
  signal: AbortSignal,
  saved: MainStepStateWriter,
): Promise<void> {
  const { config, manifests } = await readSetup(facts, github);
  Object.assign(facts, { config, ...(manifests ? { manifests } : {}) });
  const cluster = loadCluster(config, facts.redactor, (info) =>
    core.info(`retrying the Kubernetes API: ${JSON.stringify(info)}`),
  );
  const reporters = createReporters({
    config,
    github,
    summary: core.summary,
    setOutput: core.setOutput,
    warn: (m) => core.warning(m),
    info: (m) => core.info(m),
  });
  const holder = holderId();
  const deps: ReleaseDeps = {
    config,
    cluster,
    ...(manifests ? { manifests } : {}),
    log: createLogger(facts.redactor),
    signal,
    providers: providerTable(),
    holder,
    runUrl: github.runUrl,
    ...(github.run ? { workflowRun: github.run } : {}),
    commit: github.headSha ?? github.sha,
    // Reporters see the record with secrets redacted; the GitHub links they hand back (deployment,
    // PR comment) are kept in the release's history, so the next state save carries them to a later job.
    onProgress: (record) => reporters.progress(redactRecord(record, facts.redactor)),
    onStarted: (name) => {
      facts.wrote = true;
      saved.releaseStarting(name, holder);
    },
    // In place, like the reporters' copy: what is stored is what is reported.
    redactRecord: (record) => redactRecord(record, facts.redactor),
    redact: (text) => facts.redactor.redact(text),
  };
  if (config.action === 'plan') {
    const plan = await planRelease(deps);
    await reporters.plan(plan);
    core.info(renderPlanReport(plan));
    return;
  }
  const record = await ACTIONS[config.action](deps);
  await reporters.final(redactRecord(record, facts.redactor));
  conclude(config, record);
}

const ACTIONS: Record<Exclude<Config['action'], 'plan'>, (deps: ReleaseDeps) => Promise<RolloutRecord>> = {
  deploy,
  promote,
  rollback,
  status,
};

/**
 * Inputs and manifests, every problem of both reported at once. The manifests are read with the
 * inputs that locate and render them; every input is checked once they are read, since an Argo
 * Rollout among them sets the strategy, steps, analysis… (src/argo/). An invalid input is read at
 * its default meanwhile, so the manifests' own problems are found in the same run.
 */
async function readSetup(facts: RunFacts, github: GitHubContext) {
  const { redactor, inputs } = facts;
  let read = readConfig(inputs, process.env);
  const build = (settings?: ManifestSettings) => (read = readConfig(inputs, process.env, settings)).config;
  const loading = readConfig(inputsForLoading(inputs), process.env).config;
  redactor.add(credentialValues(read.config));
  const manifestProblems: InputError[] = [];
  const loaded = await renderedManifests(loading, redactor, {
    commit: github.headSha ?? github.sha,
    runUrl: github.runUrl,
    translate: (objects) => releaseFromArgo(objects, loading.namespace, build),
  }).catch((err: unknown) => {
    if (!(err instanceof InputError)) throw err;
    manifestProblems.push(...(err instanceof InputErrors ? err.errors : [err]));
    return undefined;
  });
  const { config, errors } = read;
  redactor.add(credentialValues(config));
  const problems = [...errors, ...manifestProblems];
  if (problems.length) throw problems.length === 1 ? problems[0] : new InputErrors(problems);
  return { config, manifests: loaded?.manifests };
}

async function renderedManifests(
  config: Config,
  redactor: Redactor,
  opts: Pick<ReleaseSetOptions<Config>, 'commit' | 'runUrl' | 'translate'>,
): Promise<{ manifests?: ManifestSet; config?: Config }> {
  const loaded = await loadReleaseSet(config, {
    ...opts,
    // Masked before anything about the manifests is printed.
    onLoaded: (objects) => redactor.add(objects.flatMap((o) => secretValuesOf(o.object))),
  });
  for (const note of loaded?.notes ?? []) core.info(note);
  for (const w of loaded?.warnings ?? [])
    core.warning(w.message, annotationAt(w, 'kube-rollout: manifest warning'));
  return { manifests: loaded?.set, config: loaded?.config };
}

/**
 * A run that ended without a release record still reports: input and manifest errors as
 * annotations on their file and line, and a job summary with every problem and the inputs.
 * `status` never fails the step: it reports that it could not tell.
 */
async function reportStopped(facts: RunFacts, err: unknown, signal: AbortSignal): Promise<void> {
  const { redactor, config } = facts;
  const problems = problemsOf(err, redactor);
  const action = config?.action ?? facts.inputs.action ?? 'deploy';
  if (err instanceof InputError) {
    for (const e of err instanceof InputErrors ? err.errors : [err]) core.error(e.message, annotationAt(e));
  } else if (action === 'status') {
    core.warning(`could not read the release's status: ${problems[0]}`);
  } else {
    core.error(problems[0]!);
  }
  // A cancel that ends a run here came before the release began (once it has, the release itself
  // goes back to stable and reports): the run changed nothing.
  const cancelled = signal.aborted;
  await reportStoppedRun({
    ...(config ? { app: appName(facts) } : {}),
    action,
    kind: cancelled ? 'cancelled' : !facts.wrote ? 'refused' : 'stopped',
    problems: cancelled
      ? ['the workflow was cancelled before the release began: nothing was changed']
      : problems,
    inputs: inputsForReport(facts.inputs, redactor),
  });
  if (action === 'status') return;
  core.setOutput('result', 'failed');
  // Not core.setFailed: the message was printed above as an ::error already.
  process.exitCode = core.ExitCode.Failure;
}

function appName(facts: RunFacts): string | undefined {
  try {
    return releaseName(facts.config!, facts.manifests);
  } catch {
    return undefined;
  }
}

/**
 * A rollback or failure fails the step, except an explicit `action: rollback` that worked; `status`
 * only reports and never fails the step.
 */
function conclude(config: Config, record: RolloutRecord): void {
  core.info(`result: ${record.result}${record.rollbackReason ? ` — ${record.rollbackReason}` : ''}`);
  if (config.action === 'status') return;
  const requested = config.action === 'rollback' && record.result === 'rolled-back';
  if ((record.result === 'rolled-back' && !requested) || record.result === 'failed') {
    core.setFailed(`release ${record.result}: ${record.rollbackReason ?? 'see the summary'}`);
  }
}
