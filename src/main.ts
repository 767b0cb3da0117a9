// Wires inputs → config → manifests → cluster → release → reporters. Nothing else lives here.
import * as core from '@actions/core';
import { providers } from './analysis/index.ts';
import { buildConfig, inputsForLoading, readInputs, type ManifestSettings } from './config/index.ts';
import type { Config } from './config/types.ts';
import { planRelease } from './engine/plan.ts';
import type { RolloutRecord } from './record/types.ts';
import { deploy, promote, recoverAfterCancel, rollback, status, type ReleaseDeps } from './engine/release.ts';
import { InputError, InputErrors } from './errors.ts';
import { readGitHubContext } from './github/index.ts';
import {
  createCluster,
  kubeConfigSecrets,
  loadKubeConfig,
  type Cluster,
  type ClusterOptions,
} from './kube/index.ts';
import { releaseFromArgo } from './argo/index.ts';
import { loadReleaseSet, type ReleaseSetOptions } from './manifests/index.ts';
import type { ManifestSet } from './manifests/types.ts';
import { createReporters } from './reporters/index.ts';
import { renderPlanReport } from './report/index.ts';
import { observeSecrets } from './secrets/observe.ts';
import { Redactor, redactRecord, secretValuesOf } from './secrets/redactor.ts';
import { credentialValues } from './secrets/credential-fields.ts';

const STATE_RELEASE = 'release';
const STATE_FINISHED = 'finished';
const STATE_HOLDER = 'holder';

/** This job's identity in a release's Lease; the post step uses the same one to take it back. */
function holderId(): string {
  const env = process.env;
  return `${env.GITHUB_RUN_ID ?? 'local'}-${env.GITHUB_RUN_ATTEMPT ?? '1'}-${env.GITHUB_JOB ?? 'job'}-${process.pid}`;
}

/**
 * Every secret value this run learns is masked on the runner (core.setSecret) the moment it is
 * known, and redacted from what the action quotes (logs, messages) before it is printed.
 */
function createRedactor(): Redactor {
  const redactor = new Redactor((value) => core.setSecret(value));
  redactor.add([core.getInput('github-token')]);
  // The kubeconfig as a whole only (its lines are mostly plain settings); the credentials in it
  // are added one by one once it is parsed.
  const kubeconfig = core.getInput('kubeconfig');
  if (kubeconfig) core.setSecret(kubeconfig);
  return redactor;
}

function createLogger(redactor: Redactor) {
  return {
    info: (m: string) => core.info(redactor.redact(m)),
    warn: (m: string) => core.warning(redactor.redact(m)),
    group: <T>(name: string, fn: () => Promise<T>) => core.group(name, fn),
  };
}

/** Where an input or manifest problem shows as a workflow annotation: its file and line. */
function annotationAt(e: InputError, title = 'kube-rollout: invalid input'): core.AnnotationProperties {
  const { file, line, column } = e.location;
  return {
    title,
    ...(file ? { file } : {}),
    ...(line ? { startLine: line } : {}),
    ...(column ? { startColumn: column } : {}),
  };
}

/** Input and manifest errors as annotations on the file and line, then a failed step. */
function reportInputError(err: InputError): void {
  const errors = err instanceof InputErrors ? err.errors : [err];
  for (const e of errors) core.error(e.message, annotationAt(e));
  core.setOutput('result', 'failed');
  // Not core.setFailed: it would print the same message again as a second ::error.
  process.exitCode = core.ExitCode.Failure;
}

/** The cluster's kubeconfig, its credentials masked before anything can print them. */
function loadCluster(config: Config, redactor: Redactor, onRetry?: ClusterOptions['onRetry']): Cluster {
  const kc = loadKubeConfig({ kubeconfig: config.kubeconfig, context: config.context, env: process.env });
  redactor.add(kubeConfigSecrets(kc));
  return observeSecrets(createCluster(kc, onRetry ? { onRetry } : {}), redactor);
}

async function renderedManifests(
  config: Config,
  redactor: Redactor,
  opts: Pick<ReleaseSetOptions, 'commit' | 'runUrl' | 'translate'>,
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

export async function run(): Promise<void> {
  const isPost = core.getState(STATE_RELEASE) !== '' || core.getState('main-ran') === 'true';
  const redactor = createRedactor();
  if (isPost) return post(redactor);
  core.saveState('main-ran', 'true');
  const abort = new AbortController();
  const onSignal = (signal: string) =>
    abort.abort(new Error(`received ${signal}: the workflow was cancelled`));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const github = readGitHubContext(process.env, (m) => core.warning(m));
  let setup: Awaited<ReturnType<typeof readSetup>>;
  try {
    setup = await readSetup(redactor, github);
  } catch (err) {
    if (err instanceof InputError) return reportInputError(err);
    throw err;
  }
  const { config } = setup;
  const reporters = createReporters({
    config,
    github,
    summary: core.summary,
    setOutput: core.setOutput,
    warn: (m) => core.warning(m),
  });
  const deps = releaseDeps(setup, redactor, reporters, github, abort.signal);
  try {
    if (config.action === 'plan') {
      const plan = await planRelease(deps);
      await reporters.plan(plan);
      core.info(renderPlanReport(plan));
      core.saveState(STATE_FINISHED, 'true');
      return;
    }
    const record = await runAction(config, deps);
    core.saveState(STATE_FINISHED, 'true');
    await reporters.final(redactRecord(record, redactor));
    conclude(config, record);
  } catch (err) {
    core.saveState(STATE_FINISHED, 'true');
    if (err instanceof InputError) return reportInputError(err);
    core.setOutput('result', 'failed');
    core.setFailed(redactor.redact((err as Error).message));
  }
}

type GitHubContext = ReturnType<typeof readGitHubContext>;

/** Inputs, manifests and the cluster: everything that can be wrong before the first request. */
async function readSetup(redactor: Redactor, github: GitHubContext) {
  const inputs = readInputs((n) => core.getInput(n));
  const build = (fromManifests?: ManifestSettings) => buildConfig(inputs, process.env, fromManifests);
  // The manifests are read with the inputs that locate and render them; every input is checked
  // once they are read, since an Argo Rollout among them sets the strategy, steps, analysis…
  const loading = buildConfig(inputsForLoading(inputs), process.env);
  const loaded = await renderedManifests(loading, redactor, {
    commit: github.headSha ?? github.sha,
    runUrl: github.runUrl,
    translate: (objects) => releaseFromArgo(objects, loading.namespace, build),
  });
  const { manifests } = loaded;
  const config = loaded.config ?? build();
  redactor.add(credentialValues(config));
  const cluster = loadCluster(config, redactor, (info) =>
    core.info(`retrying the Kubernetes API: ${JSON.stringify(info)}`),
  );
  return { config, manifests, cluster };
}

function releaseDeps(
  setup: Awaited<ReturnType<typeof readSetup>>,
  redactor: Redactor,
  reporters: ReturnType<typeof createReporters>,
  github: GitHubContext,
  signal: AbortSignal,
): ReleaseDeps {
  const holder = holderId();
  core.saveState(STATE_HOLDER, holder);
  return {
    ...setup,
    log: createLogger(redactor),
    signal,
    providers,
    holder,
    runUrl: github.runUrl,
    commit: github.headSha ?? github.sha,
    onProgress: async (record) => {
      // Reporters see the record with secrets redacted; the deployment id they hand back is kept
      // in it, so the next state save carries it to a later promote/rollback run.
      const { deploymentId } = await reporters.progress(redactRecord(record, redactor));
      if (deploymentId !== undefined) record.deploymentId = deploymentId;
    },
    onStarted: (name) => core.saveState(STATE_RELEASE, name),
    // In place, like the reporters' copy: what is stored is what is reported.
    redactRecord: (record) => redactRecord(record, redactor),
  };
}

function runAction(config: Config, deps: ReleaseDeps): Promise<RolloutRecord> {
  switch (config.action) {
    case 'deploy':
      return deploy(deps);
    case 'promote':
      return promote(deps);
    case 'rollback':
      return rollback(deps);
    case 'status':
      return status(deps);
    case 'plan':
      throw new Error('plan is handled separately');
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

/**
 * The post step: runs after the job, also when it was cancelled. A release the main step left
 * unfinished (cancelled, runner lost) is rolled back so traffic returns to stable.
 */
async function post(redactor: Redactor): Promise<void> {
  const name = core.getState(STATE_RELEASE);
  if (!name || core.getState(STATE_FINISHED) === 'true') return;
  core.warning(`the release of ${name} did not finish (cancelled?): rolling back to stable`);
  const config = buildConfig(
    readInputs((n) => core.getInput(n)),
    process.env,
  );
  if (config.action === 'plan' || config.action === 'status') return;
  redactor.add(credentialValues(config));
  let cluster: Cluster;
  try {
    cluster = loadCluster(config, redactor);
  } catch (err) {
    core.warning(`could not roll back after cancellation: ${(err as Error).message}`);
    return;
  }
  const github = readGitHubContext(process.env, (m) => core.warning(m));
  const deps: ReleaseDeps = {
    config: { ...config, action: 'rollback', name },
    cluster,
    log: createLogger(redactor),
    signal: new AbortController().signal,
    providers,
    // The main step's identity: its Lease is taken back at once instead of waiting for it to expire.
    holder: core.getState(STATE_HOLDER) || `post-${process.env.GITHUB_RUN_ID ?? 'local'}-${process.pid}`,
    runUrl: github.runUrl,
    redactRecord: (record) => redactRecord(record, redactor),
  };
  const record = await recoverAfterCancel(deps, name).catch((err: Error) => {
    core.warning(`could not roll back after cancellation: ${err.message}`);
    return undefined;
  });
  core.info(`post: ${record ? record.result : 'nothing to recover'}`);
}
