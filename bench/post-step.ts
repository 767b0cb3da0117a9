// The post step of a finished run: process start → exit of the entry action.yml names as `post`
// (dist/index.js today; dist/post.js once the post step has its own entry), started as the runner
// starts it: the main step's inputs, and its saved state as STATE_* variables. The state is the
// one a real main step left after a release that finished, so the post step must find nothing to
// do; the figure also counts the API requests it made (should be none).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from 'yaml';
import { runAction } from '../test/helpers/action.ts';
import { writeApp } from '../test/helpers/manifests.ts';
import { loadedSize } from './bundle-size.ts';
import { spread } from './stats.ts';
import type { BenchContext } from './side-by-side.ts';

const ROOT = resolve(import.meta.dirname, '..');

/** The file the runner starts for the post step (action.yml `runs.post`). */
export function postEntry(): string {
  const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { runs: { post: string } };
  return join(ROOT, action.runs.post);
}

const inputEnv = (inputs: Record<string, string>) =>
  Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));

/** Milliseconds from spawning node with `args` to its exit. */
function timeNode(args: string[], env: Record<string, string>): Promise<number> {
  const started = performance.now();
  return new Promise((done, fail) =>
    spawn(process.execPath, args, { env, stdio: 'ignore' }).on('close', (code) =>
      code === 0
        ? done(performance.now() - started)
        : fail(new Error(`node ${args.join(' ')}: exit ${code}`)),
    ),
  );
}

export async function postStep(ctx: BenchContext, runs: number): Promise<void> {
  const entry = postEntry();
  console.log(`\n(7) post step of a finished run: ${entry.slice(ROOT.length + 1)} (${runs} runs)`);
  const namespace = 'bench-post';
  ctx.sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  const dir = writeApp({ name: 'post', replicas: 2 });
  ctx.dirs.push(dir);
  const inputs = {
    kubeconfig: ctx.sim.kubeconfig,
    namespace,
    manifests: dir,
    comment: 'false',
    'version-label': 'version',
  };
  const main = await runAction(inputs);
  if (main.outputs.result !== 'promoted') throw new Error(`the main step did not finish:\n${main.stdout}`);
  const files = mkdtempSync(join(tmpdir(), 'kr-bench-post-'));
  ctx.dirs.push(files);
  for (const f of ['state', 'output', 'summary']) writeFileSync(join(files, f), '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: files,
    RUNNER_TEMP: files,
    GITHUB_ACTIONS: 'true',
    GITHUB_STATE: join(files, 'state'),
    GITHUB_OUTPUT: join(files, 'output'),
    GITHUB_STEP_SUMMARY: join(files, 'summary'),
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_RUN_ID: '4242',
    ...inputEnv(inputs),
    ...Object.fromEntries(Object.entries(main.state).map(([k, v]) => [`STATE_${k}`, v])),
  };
  await timeNode([entry], env); // warm the file cache, as on a runner that just ran the main step
  ctx.sim.resetStats();
  const times: number[] = [];
  // Node itself, started the same way: the floor no entry file goes under (on a loaded machine,
  // most of the figure).
  const bare: number[] = [];
  for (let i = 0; i < runs; i++) {
    times.push(await timeNode([entry], env));
    bare.push(await timeNode(['-e', '0'], env));
  }
  const requests = ctx.sim.stats().requests.length;
  const size = loadedSize(entry);
  ctx.table.add(
    `post step of a finished run: ${entry.slice(ROOT.length + 1)} (${size})`,
    spread(times),
    '≤ 150 ms',
  );
  ctx.table.add('post step of a finished run: node -e 0, the floor', spread(bare));
  ctx.table.add('post step of a finished run: API requests', `${requests / runs} per run`, '0');
}
