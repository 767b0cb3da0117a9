/**
 * Manifests that a tool renders: a kustomization directory (`kubectl kustomize`) or a Helm chart
 * (`helm template`). Both run without a shell; a missing binary or a failed render becomes an
 * InputError naming the overlay's kustomization file or the chart.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { InputError, type InputLocation } from '../errors.ts';

/** The file names `kubectl kustomize` accepts, in its order of preference. */
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** Runs a program (no shell) and resolves with its stdout; for tests, a stand-in can be passed. */
export type RunTool = (program: string, args: string[], cwd: string) => Promise<string>;

/** Rendered output can be large (1,000 objects); execFile's default 1 MB buffer is too small. */
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

export const runTool: RunTool = (program, args, cwd) =>
  new Promise((resolve, reject) => {
    execFile(program, args, { cwd, maxBuffer: MAX_OUTPUT_BYTES, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { stderr }));
      else resolve(stdout);
    });
  });

/** The kustomization file in `dir`, or undefined when `dir` is not a kustomization. */
export function kustomizationFile(dir: string): string | undefined {
  return KUSTOMIZATION_FILES.map((name) => path.join(dir, name)).find((file) => existsSync(file));
}

/** `kubectl kustomize <dir>`'s YAML; errors name `displayFile` (the kustomization file). */
export function kustomize(dir: string, displayFile: string, run: RunTool = runTool): Promise<string> {
  const where = { input: 'manifests', file: displayFile };
  return runOrExplain(run, 'kubectl', ['kustomize', dir], path.dirname(dir), where, {
    missing: `kubectl is not on PATH; it renders the kustomization in ${path.dirname(displayFile)}`,
    failed: 'kubectl kustomize failed',
  });
}

export interface HelmSource {
  chart: string;
  release: string;
  namespace: string;
  values: string[];
  set: string[];
}

/** The `helm template` argv for a chart, values files and `--set` pairs (in the inputs' order). */
export function helmTemplateArgs(source: HelmSource): string[] {
  return [
    'template',
    source.release,
    source.chart,
    '--namespace',
    source.namespace,
    ...source.values.flatMap((file) => ['-f', file]),
    ...source.set.flatMap((pair) => ['--set', pair]),
  ];
}

/** `helm template …`'s YAML, run in the workspace; errors name `displayFile` (the chart). */
export async function helmTemplate(
  source: HelmSource,
  workspace: string,
  displayFile: string,
  run: RunTool = runTool,
): Promise<string> {
  const where = { input: 'helm-chart', file: displayFile };
  for (const file of source.values) {
    if (!existsSync(path.resolve(workspace, file)))
      throw new InputError(`values file '${file}' does not exist (in ${workspace})`, {
        input: 'helm-values',
      });
  }
  return runOrExplain(run, 'helm', helmTemplateArgs(source), workspace, where, {
    missing:
      "helm is not on PATH: install it (e.g. azure/setup-helm) or render in an earlier step with 'helm template … > out.yaml' and pass that file as 'manifests'",
    failed: 'helm template failed',
  });
}

async function runOrExplain(
  run: RunTool,
  program: string,
  args: string[],
  cwd: string,
  where: InputLocation,
  messages: { missing: string; failed: string },
): Promise<string> {
  try {
    return await run(program, args, cwd);
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new InputError(messages.missing, where);
    const detail = toolMessage(e.stderr ?? '') || e.message;
    throw new InputError(`${messages.failed}: ${detail}`, where);
  }
}

/** kubectl prints failures as a klog line (`E1130 … "command failed" err="…"`): keep the reason. */
function toolMessage(stderr: string): string {
  const klog = stderr.match(/"command failed" err="(.*)"\s*$/s);
  return (klog ? klog[1].replace(/\\"/g, '"') : stderr).trim();
}
