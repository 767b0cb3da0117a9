// What the main step and the post step both build from the runner's environment: the redactor
// that masks every secret it learns, the logger, the cluster, and the reports of a run that ended
// without a release record.
import * as core from '@actions/core';
import type { Config } from './config/types.ts';
import type { Inputs } from './config/inputs.ts';
import { InputError, InputErrors } from './errors.ts';
import { writeReportFile } from './github/index.ts';
import {
  createCluster,
  kubeConfigSecrets,
  loadKubeConfig,
  type Cluster,
  type ClusterOptions,
} from './kube/index.ts';
import { renderStoppedRun, type StoppedRun } from './report/stopped.ts';
import { observeSecrets } from './secrets/observe.ts';
import { Redactor } from './secrets/redactor.ts';

/** This job's identity in a release's Lease; the post step uses the same one to take it back. */
export function holderId(env: NodeJS.ProcessEnv = process.env): string {
  return `${env.GITHUB_RUN_ID ?? 'local'}-${env.GITHUB_RUN_ATTEMPT ?? '1'}-${env.GITHUB_JOB ?? 'job'}-${process.pid}`;
}

/**
 * Every secret value this run learns is masked on the runner (core.setSecret) the moment it is
 * known, and redacted from what the action quotes (logs, messages) before it is printed.
 */
export function createRedactor(): Redactor {
  const redactor = new Redactor((value) => core.setSecret(value));
  redactor.add([core.getInput('github-token')]);
  // The kubeconfig as a whole only (its lines are mostly plain settings); the credentials in it
  // are added one by one once it is parsed.
  const kubeconfig = core.getInput('kubeconfig');
  if (kubeconfig) core.setSecret(kubeconfig);
  return redactor;
}

export function createLogger(redactor: Redactor) {
  return {
    info: (m: string) => core.info(redactor.redact(m)),
    warn: (m: string) => core.warning(redactor.redact(m)),
    group: <T>(name: string, fn: () => Promise<T>) => core.group(name, fn),
  };
}

/** The cluster's kubeconfig, its credentials masked before anything can print them. */
export function loadCluster(
  config: Config,
  redactor: Redactor,
  onRetry?: ClusterOptions['onRetry'],
): Cluster {
  const kc = loadKubeConfig({ kubeconfig: config.kubeconfig, context: config.context, env: process.env });
  redactor.add(kubeConfigSecrets(kc));
  const redact = (text: string) => redactor.redact(text);
  return observeSecrets(createCluster(kc, { redact, ...(onRetry ? { onRetry } : {}) }), redactor);
}

/** Where an input or manifest problem shows as a workflow annotation: its file and line. */
export function annotationAt(
  e: InputError,
  title = 'kube-rollout: invalid input',
): core.AnnotationProperties {
  const { file, line, column } = e.location;
  return {
    title,
    ...(file ? { file } : {}),
    ...(line ? { startLine: line } : {}),
    ...(column ? { startColumn: column } : {}),
  };
}

/** Inputs whose whole value is a credential: the report says they were given, never what they are. */
const SECRET_INPUTS: ReadonlySet<string> = new Set(['kubeconfig', 'github-token']);

/** The inputs of this run as a report may show them: secrets left out, known secret values redacted. */
export function inputsForReport(inputs: Inputs, redactor: Redactor): Record<string, string> {
  return Object.fromEntries(
    Object.entries(inputs)
      .filter(([, v]) => v !== '')
      .map(([k, v]) => [k, SECRET_INPUTS.has(k) ? '(given)' : redactor.redact(v)]),
  );
}

/** The problems an error stands for: every input and manifest error, else its message. */
export function problemsOf(err: unknown, redactor: Redactor): string[] {
  if (err instanceof InputErrors) return err.errors.map((e) => redactor.redact(e.message));
  return [redactor.redact(err instanceof Error ? err.message : String(err))];
}

/** The job summary (and the `summary` output's file) of a run that ended without a release record. */
export async function reportStoppedRun(run: StoppedRun): Promise<void> {
  const markdown = renderStoppedRun(run);
  const path = writeReportFile(markdown, { name: run.app ?? 'run', warn: (m) => core.warning(m) });
  if (path) core.setOutput('summary', path);
  try {
    await core.summary.addRaw(markdown, true).write();
  } catch (err) {
    core.warning(`could not write the job summary: ${(err as Error).message}`);
  }
}
