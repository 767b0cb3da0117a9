// `npm run bench`: figures, never pass/fail. Prints each benchmark as it runs, then one table.
//
//   (a) manifest pipeline: load 200 Deployments + 200 Services from disk, render, validate
//   (b) report rendering: renderReport on a record far larger than a real release
//   (c) a rolling update of 10 replicas v1 → v2 through dist/index.js: wall time, API requests
//   (d) fail-fast: first fatal pod status → rollback write, for a crash-looping image
//   (e) peak RSS of the action process
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadManifests, renderManifests, validateReferences } from '../src/manifests/index.ts';
import { renderReport } from '../src/report/index.ts';
import { DIST, runAction, type ActionRun } from '../test/helpers/action.ts';
import { writeApp, type AppOptions } from '../test/helpers/manifests.ts';
import { startSimCluster, type SimCluster } from '../test/sim/index.ts';
import { BENCH_IMAGE, largeRecord, writeManifestTree } from './fixtures.ts';

const ROOT = resolve(import.meta.dirname, '..');
const rows: [figure: string, value: string][] = [];
/** Temp directories (app manifests, RSS records) removed at the end. */
const tempDirs: string[] = [];

function appDir(opts: AppOptions): string {
  const dir = writeApp(opts);
  tempDirs.push(dir);
  return dir;
}

function figure(name: string, value: string): void {
  rows.push([name, value]);
  console.log(`  ${name}: ${value}`);
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)];
const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;
const spread = (xs: number[]) => `${ms(Math.min(...xs))} / ${ms(median(xs))} / ${ms(Math.max(...xs))}`;

/** Runs `fn` `warmup` times untimed, then `n` times timed; returns the durations in ms. */
async function timeRuns(n: number, warmup: number, fn: () => unknown): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

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

/** Peak RSS (KiB) recorded by bench/rss-probe.mjs for every action process that ran with `rssEnv`. */
function rssProbe(): { env: Record<string, string>; readKiB: () => number[] } {
  const dir = mkdtempSync(join(tmpdir(), 'kr-bench-rss-'));
  tempDirs.push(dir);
  const file = join(dir, 'rss');
  const probe = resolve(import.meta.dirname, 'rss-probe.mjs');
  return {
    env: { NODE_OPTIONS: `--import ${probe}`, KR_BENCH_RSS_FILE: file },
    readKiB: () => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').map(Number) : []),
  };
}

function expectResult(run: ActionRun, result: string): void {
  if (run.outputs.result !== result)
    throw new Error(`expected ${result}, got ${run.outputs.result}\n${run.stdout}\n${run.stderr}`);
}

async function benchRelease(sim: SimCluster, rss: ReturnType<typeof rssProbe>): Promise<void> {
  console.log('\n(c) rolling update, 10 replicas, maxSurge 1 / maxUnavailable 0, through dist/index.js');
  const inputs = {
    kubeconfig: sim.kubeconfig,
    namespace: 'default',
    'version-label': 'version',
    comment: 'false',
  };
  const dir = appDir({ name: 'shop', replicas: 10, maxSurge: 1, maxUnavailable: 0 });
  expectResult(
    await runAction({ ...inputs, manifests: dir, images: 'registry.local:5000/acme/shop:v1' }),
    'promoted',
  );
  const walls: number[] = [];
  for (const [i, version] of ['v2', 'v3', 'v4'].entries()) {
    sim.resetStats();
    const t = performance.now();
    const env = i === 0 ? rss.env : {};
    expectResult(
      await runAction(
        { ...inputs, manifests: dir, images: `registry.local:5000/acme/shop:${version}` },
        { env },
      ),
      'promoted',
    );
    walls.push(performance.now() - t);
    if (i === 0) {
      const stats = sim.stats();
      const verbs = Object.entries(stats.byVerb)
        .map(([verb, count]) => `${verb} ${count}`)
        .join(', ');
      figure('release v1 → v2: wall time (process start to exit)', ms(walls[0]));
      figure('release v1 → v2: API requests', `${stats.total} (${verbs}; writes ${stats.writes})`);
    }
  }
  figure('release: wall time over 3 updates, min / median / max', spread(walls));
}

/** Time from the first fatal status of a `version` pod to the Deployment's template leaving it. */
function watchRollbackDelay(sim: SimCluster, app: string, version: string): () => number | undefined {
  let fatalAt: number | undefined;
  let revertedAt: number | undefined;
  const fatal = new Set(['CrashLoopBackOff', 'ErrImagePull', 'ImagePullBackOff']);
  const unsubscribe = sim.store.subscribe(({ object: o }) => {
    if (
      o.kind === 'Pod' &&
      o.metadata.labels?.app === app &&
      o.metadata.labels?.version === version &&
      fatalAt === undefined
    ) {
      const reasons: unknown[] = (o.status?.containerStatuses ?? []).map(
        (c: { state?: { waiting?: { reason?: string } } }) => c.state?.waiting?.reason,
      );
      if (reasons.some((r) => fatal.has(r as string))) fatalAt = performance.now();
    }
    if (
      o.kind === 'Deployment' &&
      o.metadata.name === app &&
      fatalAt !== undefined &&
      revertedAt === undefined &&
      o.spec.template.metadata.labels.version !== version
    ) {
      revertedAt = performance.now();
    }
  });
  return () => {
    unsubscribe();
    return fatalAt !== undefined && revertedAt !== undefined ? revertedAt - fatalAt : undefined;
  };
}

async function benchFailFast(sim: SimCluster, rss: ReturnType<typeof rssProbe>): Promise<void> {
  console.log('\n(d) fail-fast: crash-looping image, first fatal pod status → rollback write (3 runs)');
  const inputs = {
    kubeconfig: sim.kubeconfig,
    namespace: 'default',
    'version-label': 'version',
    comment: 'false',
  };
  const image = 'registry.local:5000/acme/ff';
  expectResult(
    await runAction({ ...inputs, manifests: appDir({ name: 'ff', replicas: 10 }), images: `${image}:v1` }),
    'promoted',
  );
  const crashing = appDir({ name: 'ff', replicas: 10, env: { SIM_CRASH: 'true' } });
  const delays: number[] = [];
  for (let i = 1; i <= 3; i++) {
    const version = `bad${i}`;
    const delay = watchRollbackDelay(sim, 'ff', version);
    const run = await runAction(
      { ...inputs, manifests: crashing, images: `${image}:${version}` },
      { env: i === 1 ? rss.env : {} },
    );
    const took = delay();
    expectResult(run, 'rolled-back');
    if (took === undefined) throw new Error('the simulator saw no fatal status or no rollback');
    delays.push(took);
  }
  figure('fail-fast: fatal status → rollback, min / median / max', spread(delays));
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

function printTable(): void {
  const width = Math.max(...rows.map(([name]) => name.length));
  console.log(`\n${'figure'.padEnd(width)}  value`);
  console.log(`${'-'.repeat(width)}  ${'-'.repeat(40)}`);
  for (const [name, value] of rows) console.log(`${name.padEnd(width)}  ${value}`);
}

async function main(): Promise<void> {
  const began = performance.now();
  console.log(`kube-rollout benchmarks — Node ${process.version}, ${process.platform}/${process.arch}`);
  await benchManifests();
  await benchReport();
  await ensureBundle();
  const sim = await startSimCluster();
  const rss = rssProbe();
  try {
    await benchRelease(sim, rss);
    await benchFailFast(sim, rss);
    console.log('\n(e) peak RSS of the action process (getrusage maxRSS, recorded at exit)');
    const [rolling, failFast] = rss.readKiB();
    const mib = (kib: number | undefined) => (kib ? `${(kib / 1024).toFixed(1)} MiB` : 'n/a');
    figure('peak RSS: rolling update v1 → v2', mib(rolling));
    figure('peak RSS: fail-fast release with rollback', mib(failFast));
  } finally {
    await sim.stop();
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  }
  printTable();
  console.log(`\n(total ${((performance.now() - began) / 1000).toFixed(1)} s)`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
