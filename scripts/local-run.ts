// `npm run local -- INPUTS.yml [--sim | --kubeconfig FILE] [--event FILE --event-name NAME]`
//
// Runs the bundled action (dist/, built when missing) on this machine as a GitHub runner would:
// the inputs from a YAML file as INPUT_* variables, the runner's files for outputs, state and the
// job summary, its masking of secrets in the log, then the post step with the saved state. Against
// the cluster of a kubeconfig (`--kubeconfig`, the `kubeconfig` input, $KUBECONFIG or
// ~/.kube/config), or with `--sim` against the simulated cluster started for the run, as the demo
// does. Exits with the main step's exit code.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';
import { InputError } from '../src/errors.ts';
import { DIST, RunnerMask, runAction } from '../test/helpers/action.ts';
import { readInputsFile } from './local-inputs.ts';

const ROOT = resolve(import.meta.dirname, '..');
const USAGE =
  'usage: npm run local -- INPUTS.yml [--sim | --kubeconfig FILE] [--event FILE] [--event-name NAME]';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    sim: { type: 'boolean' },
    kubeconfig: { type: 'string' },
    event: { type: 'string' },
    'event-name': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help || positionals.length !== 1) {
  console.log(USAGE);
  process.exit(values.help ? 0 : 2);
}
// npm runs scripts in the package root; paths are the caller's.
const cwd = process.env.INIT_CWD ?? process.cwd();
const file = resolve(cwd, positionals[0]!);

function readInputs(): Record<string, string> {
  try {
    return readInputsFile(file, relative(cwd, file) || file);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    console.error(err.message);
    process.exit(2);
  }
}

/** Builds dist/ when it is missing, like the demo and the benchmarks. */
function ensureBundle(): void {
  if (existsSync(DIST)) return;
  console.log('building dist/ …');
  const built = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

/** The commit checked out in `dir`, if it is a git checkout. */
function headCommit(dir: string): string {
  const git = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8' });
  return git.status === 0 ? git.stdout.trim() : '';
}

/**
 * What the run passes on from this shell: where the cluster is, and GitHub when you set a token
 * and a repository. Nothing else: no made-up repository, run or commit in the reports.
 */
function passedEnv(inputs: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {
    GITHUB_REPOSITORY: process.env.GITHUB_REPOSITORY ?? '',
    GITHUB_RUN_ID: process.env.GITHUB_RUN_ID ?? '',
    GITHUB_SHA: process.env.GITHUB_SHA ?? headCommit(cwd),
    GITHUB_API_URL: process.env.GITHUB_API_URL ?? 'https://api.github.com',
  };
  if (process.env.GITHUB_TOKEN) env.GITHUB_TOKEN = process.env.GITHUB_TOKEN;
  const defaultConfig = join(homedir(), '.kube', 'config');
  if (!inputs.kubeconfig) {
    const kubeconfig = process.env.KUBECONFIG ?? (existsSync(defaultConfig) ? defaultConfig : undefined);
    if (kubeconfig) env.KUBECONFIG = kubeconfig;
  }
  return env;
}

/** The action's log, streamed as the runner shows it (secrets masked, mask commands hidden). */
function streamMasked(): (chunk: string) => void {
  const mask = new RunnerMask();
  let partial = '';
  return (chunk) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      const shown = mask.show(line);
      if (shown !== undefined) console.log(shown);
    }
  };
}

async function main(): Promise<number> {
  const inputs = readInputs();
  ensureBundle();
  let sim: SimCluster | undefined;
  if (values.sim) {
    sim = await startSimCluster();
    inputs.kubeconfig = sim.kubeconfig;
    const namespace = inputs.namespace || 'default';
    if (!sim.store.get('v1', 'Namespace', undefined, namespace))
      sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    console.log(`simulated cluster at ${sim.url} (kubeconfig ${sim.kubeconfigPath})`);
  } else if (values.kubeconfig) {
    inputs.kubeconfig = readFileSync(resolve(cwd, values.kubeconfig), 'utf8');
  }
  try {
    const run = await runAction(inputs, {
      cwd,
      env: passedEnv(inputs),
      post: true,
      onStdout: streamMasked(),
      ...(values.event ? { event: JSON.parse(readFileSync(resolve(cwd, values.event), 'utf8')) } : {}),
      ...(values['event-name'] ? { eventName: values['event-name'] } : {}),
    });
    console.log('\noutputs:');
    for (const [name, value] of Object.entries(run.outputs)) console.log(`  ${name}: ${value}`);
    if (run.summary) console.log(`\njob summary:\n${run.summary}`);
    if (run.stderr.trim()) console.error(run.stderr);
    return run.code;
  } finally {
    await sim?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
