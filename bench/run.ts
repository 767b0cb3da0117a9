// `npm run bench`: figures, never pass/fail. Prints each benchmark as it runs, then one table
// (quoted in the README). The cluster benchmarks run the action as the runner does (dist/index.js)
// and, in the same run on the same simulated cluster, plain kubectl:
//
//   (a) manifest pipeline, (b) report rendering: in-process, for scale
//   (1) rolling update of 10 replicas: ours ÷ kubectl, ours ÷ the cluster's own convergence time
//   (2) broken release: first fatal pod status → rollback started, against kubectl giving up
//   (3) 4-step canary with pauses: wall ÷ (readiness + pauses)
//   (4) API requests per second while waiting on a pause and on slow readiness
//   (5) 1,000 objects with 10 ms of added API latency: wall and peak RSS, ours and kubectl
//   (6) cold start of the bundle, and of a minified build of it
//   (7) the post step of a finished run (the entry action.yml names as `post`)
//   (8) an app of 12 Deployments where one image changes: restarts, copies, wall ÷ its own rollout,
//       again on a simulator at real time
//
// The simulator runs at a quarter of real time (pods start 4× faster than they say); the action's
// own overhead is real time, so ratios against the cluster are if anything pessimistic.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadManifests, renderManifests, validateReferences } from '../src/manifests/index.ts';
import { renderReport } from '../src/report/index.ts';
import { DIST } from '../test/helpers/action.ts';
import { startSimCluster, type ServingCert, type SimCluster } from '@kube-rollout/kube-sim';
import { selfSignedCert } from '../test/helpers/tls.ts';
import { coldStart } from './cold-start.ts';
import { postStep } from './post-step.ts';
import { manyWorkloads } from './many-workloads.ts';
import { BENCH_IMAGE, largeRecord, writeManifestTree } from './fixtures.ts';
import {
  brokenRelease,
  canaryWithPauses,
  idleRequestRates,
  rollingUpdate,
  thousandObjects,
  type BenchContext,
} from './side-by-side.ts';
import { median, mib, ms, Table, timeRuns } from './stats.ts';

const ROOT = resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** `npm run bench -- --only rolling,bulk` runs just those benchmarks (for profiling one of them). */
const ONLY = onlyArgument(process.argv.slice(2));
const table = new Table();
const figure = (name: string, value: string) => table.add(name, value);
/** Temp directories (app manifests, RSS records, builds) removed at the end. */
const tempDirs: string[] = [];

async function benchManifests(): Promise<void> {
  console.log('\n(a) manifest pipeline: 200 Deployments + 200 Services in 20 files');
  const dir = writeManifestTree(200);
  const opts = { images: [`${BENCH_IMAGE}:v2`], namespace: 'default', versionLabel: 'version' };
  try {
    const objects = await loadManifests(['.'], dir);
    const n = 20;
    const load = await timeRuns(n, 2, () => loadManifests(['.'], dir));
    const render = await timeRuns(n, 2, () => validateReferences(renderManifests(objects, opts)));
    const whole = median(load) + median(render);
    figure('manifests: load (read + parse YAML), median', ms(median(load)));
    figure('manifests: render + validate, median', ms(median(render)));
    figure(
      'manifests: whole pipeline',
      `${ms(whole)} per run, ${Math.round((objects.length / whole) * 1000).toLocaleString('en')} objects/s (${objects.length} objects, ${n} runs)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchReport(): Promise<void> {
  console.log('\n(b) report rendering: 50 steps, 2000 measurements, 20 evidence entries × 50 log lines');
  const record = largeRecord();
  const bounded = renderReport(record);
  const full = renderReport(record, { maxLength: Number.MAX_SAFE_INTEGER });
  const n = 30;
  figure(
    'report: render (default 60,000-char bound), median',
    `${ms(median(await timeRuns(n, 3, () => renderReport(record))))}, ${bounded.length.toLocaleString('en')} chars / ${Buffer.byteLength(bounded).toLocaleString('en')} bytes`,
  );
  figure(
    'report: render (unbounded), median',
    `${ms(median(await timeRuns(n, 3, () => renderReport(record, { maxLength: Number.MAX_SAFE_INTEGER }))))}, ${full.length.toLocaleString('en')} chars / ${Buffer.byteLength(full).toLocaleString('en')} bytes`,
  );
}

/** Peak RSS (KiB) recorded by bench/rss-probe.mjs for every action process that ran with its env. */
function rssProbe(): BenchContext['rss'] {
  const dir = mkdtempSync(join(tmpdir(), 'kr-bench-rss-'));
  tempDirs.push(dir);
  const file = join(dir, 'rss');
  const probe = resolve(import.meta.dirname, 'rss-probe.mjs');
  return {
    // BENCH_NODE_OPTIONS adds flags to the action's node (e.g. --cpu-prof) when profiling.
    env: {
      NODE_OPTIONS: `--import ${probe} ${process.env.BENCH_NODE_OPTIONS ?? ''}`.trim(),
      KR_BENCH_RSS_FILE: file,
    },
    readKiB: () => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').map(Number) : []),
  };
}

/** Builds dist/index.js when missing, like the demo. */
async function ensureBundle(): Promise<void> {
  if (existsSync(DIST)) return;
  console.log('building dist/index.js …');
  const code = await new Promise<number>((done) =>
    spawn(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' }).on('close', (c) =>
      done(c ?? 1),
    ),
  );
  if (code !== 0) throw new Error(`build failed (exit code ${code})`);
}

/**
 * The 1,000-object set on a simulator of its own: on the shared one, everything the earlier
 * benchmarks left behind slows every request of both tools.
 */
async function bulkOnFreshCluster(ctx: BenchContext): Promise<void> {
  await onFreshCluster(0.25, (sim) => thousandObjects({ ...ctx, sim }));
}

async function onFreshCluster(
  timeScale: number,
  run: (sim: SimCluster) => Promise<void>,
  options: { tls?: ServingCert } = {},
): Promise<void> {
  const sim = await startSimCluster({ timeScale, ...options });
  try {
    await run(sim);
  } finally {
    await sim.stop();
  }
}

/**
 * (8) again as a real cluster runs it: pods that take the time they declare (at quarter time the
 * rollout the release is measured against is 4× shorter than its pods say, while the action's own
 * work is not) and the API served over HTTPS, with a certificate the kubeconfig trusts.
 */
async function manyAtRealTime(ctx: BenchContext): Promise<void> {
  await onFreshCluster(1, (sim) => manyWorkloads({ ...ctx, sim }, RUNS, 'pods at real time, HTTPS'), {
    tls: selfSignedCert(),
  });
}

async function main(): Promise<void> {
  const began = performance.now();
  console.log(
    `kube-rollout benchmarks — Node ${process.version}, ${process.platform}/${process.arch}, ${RUNS} runs`,
  );
  if (selected('manifests')) await benchManifests();
  if (selected('report')) await benchReport();
  await ensureBundle();
  const sim = await startSimCluster({ timeScale: 0.25 });
  const ctx: BenchContext = { sim, table, dirs: tempDirs, rss: rssProbe() };
  try {
    if (selected('rolling')) await rollingUpdate(ctx, RUNS);
    if (selected('broken')) {
      await brokenRelease(ctx, RUNS, 30);
      table.add('peak RSS: broken release with rollback', mib(ctx.rss.readKiB().slice(0, 1)));
    }
    if (selected('canary')) await canaryWithPauses(ctx, RUNS);
    if (selected('idle')) await idleRequestRates(ctx, 1);
    if (selected('bulk')) await bulkOnFreshCluster(ctx);
    if (selected('cold-start')) await coldStart(sim, table, tempDirs, RUNS + 2);
    if (selected('post')) await postStep(ctx, RUNS + 2);
    if (selected('many')) {
      await manyWorkloads(ctx, RUNS);
      await manyAtRealTime(ctx);
    }
  } finally {
    await sim.stop();
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  }
  table.print();
  console.log(`\n(total ${ms(performance.now() - began)})`);
}

function onlyArgument(args: string[]): Set<string> | undefined {
  const at = args.indexOf('--only');
  return at < 0 ? undefined : new Set(args[at + 1]?.split(',') ?? []);
}

function selected(name: string): boolean {
  return !ONLY || ONLY.has(name);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
