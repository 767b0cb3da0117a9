// Cold start: process start → first API request of the bundle, for dist/index.js as committed and
// for a minified build of the same source (written to a temp directory; dist/ is not changed).
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildBundle } from '../scripts/bundle-options.mjs';
import { DIST } from '../test/helpers/action.ts';
import type { SimCluster } from '@kube-rollout/kube-sim';
import { loadedSize } from './bundle-size.ts';
import { spread, type Table } from './stats.ts';

const ROOT = resolve(import.meta.dirname, '..');

/** The committed build's esbuild options (scripts/bundle-options.mjs), plus minify. */
async function minifiedBundle(dirs: string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'kr-bench-min-'));
  dirs.push(dir);
  await buildBundle({ outdir: dir, minify: true, absWorkingDir: ROOT });
  return join(dir, 'index.js');
}

/** Milliseconds from spawning `bundle` (action: status) to the simulator's first request. */
async function timeToFirstRequest(sim: SimCluster, bundle: string): Promise<number> {
  sim.resetStats();
  const env = {
    PATH: process.env.PATH ?? '',
    INPUT_ACTION: 'status',
    INPUT_NAME: 'shop',
    INPUT_NAMESPACE: 'bench-rolling',
    INPUT_KUBECONFIG: sim.kubeconfig,
    INPUT_COMMENT: 'false',
  };
  const started = Date.now();
  await new Promise<void>((done) =>
    spawn(process.execPath, [bundle], { env, stdio: 'ignore' }).on('close', () => done()),
  );
  const first = sim.stats().requests[0];
  if (!first) throw new Error(`${bundle} made no API request`);
  return first.at - started;
}

export async function coldStart(sim: SimCluster, table: Table, dirs: string[], runs: number): Promise<void> {
  console.log(`\n(6) cold start: process start → first API request, action: status (${runs} runs each)`);
  const minified = await minifiedBundle(dirs);
  const plain: number[] = [];
  const small: number[] = [];
  await timeToFirstRequest(sim, DIST); // warm the file cache, as a runner's checkout would be
  for (let i = 0; i < runs; i++) {
    plain.push(await timeToFirstRequest(sim, DIST));
    small.push(await timeToFirstRequest(sim, minified));
  }
  table.add(`cold start: dist/index.js (${loadedSize(DIST)})`, spread(plain), '≤ 300 ms');
  table.add(`cold start: minified build (${loadedSize(minified)}), not committed`, spread(small));
}
