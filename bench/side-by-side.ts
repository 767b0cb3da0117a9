// The side-by-side benchmarks: the action (dist/index.js, as the runner starts it) against plain
// `kubectl apply --server-side` + `kubectl rollout status` on the same simulated cluster, and against
// the physical minimum (the time the cluster itself needs to make the pods ready).
import { performance } from 'node:perf_hooks';
import { runAction, type ActionRun } from '../test/helpers/action.ts';
import type { SimCluster } from '@kube-rollout/kube-sim';
import { bulkApps, versionedApp } from './apps.ts';
import {
  kubectl,
  kubectlRelease,
  overheadOf,
  requestRate,
  trackConvergence,
  watchFirstFatal,
  watchReverted,
} from './cluster.ts';
import { mib, ms, perSecond, ratios, spread, type Table } from './stats.ts';

export interface BenchContext {
  sim: SimCluster;
  table: Table;
  /** Temp directories removed at the end. */
  dirs: string[];
  /** Env that makes an action process record its peak RSS, and the records so far (KiB). */
  rss: { env: Record<string, string>; readKiB: () => number[] };
}

function ours(
  ctx: BenchContext,
  namespace: string,
  inputs: Record<string, string>,
  opts = {},
): Promise<ActionRun> {
  return runAction(
    {
      kubeconfig: ctx.sim.kubeconfig,
      namespace,
      'version-label': 'version',
      comment: 'false',
      'scale-down-delay': '0s',
      ...inputs,
    },
    opts,
  );
}

/** The action's inputs for `app` at `version`: its manifests and the version they carry. */
function versioned(ctx: BenchContext, app: Parameters<typeof versionedApp>[0], version: string) {
  return { manifests: versionedApp(app, version, ctx.dirs), version };
}

function expect(run: ActionRun, result: string): void {
  if (run.outputs.result !== result)
    throw new Error(`expected ${result}, got ${run.outputs.result}\n${run.stdout}\n${run.stderr}`);
}

function namespace(ctx: BenchContext, name: string): string {
  ctx.sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return name;
}

/** Rolling update of 10 replicas (maxSurge 1, maxUnavailable 0), the action and kubectl taking turns. */
export async function rollingUpdate(ctx: BenchContext, runs: number): Promise<void> {
  console.log(`\n(1) rolling update, 10 replicas, maxSurge 1 / maxUnavailable 0 (${runs} runs each)`);
  const ns = namespace(ctx, 'bench-rolling');
  const app = { name: 'shop', replicas: 10, maxSurge: 1, maxUnavailable: 0 };
  expect(await ours(ctx, ns, { ...versioned(ctx, app, 'v1') }), 'promoted');
  const a = { wall: [] as number[], min: [] as number[], start: [] as number[], tail: [] as number[] };
  const k = { wall: [] as number[], min: [] as number[] };
  for (let i = 0; i < runs; i++) {
    let converged = trackConvergence(ctx.sim, ns);
    const startedAt = Date.now();
    let t = performance.now();
    expect(await ours(ctx, ns, { ...versioned(ctx, app, `a${i}`) }), 'promoted');
    a.wall.push(performance.now() - t);
    const settled = converged();
    a.min.push(settled.ms);
    const overhead = overheadOf(ctx.sim, startedAt, settled.settledAt, Date.now());
    a.start.push(overhead.beforeFirstWrite);
    a.tail.push(overhead.afterSettled);
    converged = trackConvergence(ctx.sim, ns);
    t = performance.now();
    const run = await kubectlRelease(ctx.sim, versionedApp(app, `k${i}`, ctx.dirs), ns, ['deployment/shop']);
    if (run.code !== 0) throw new Error(`kubectl rollout status failed: ${run.stderr}`);
    k.wall.push(performance.now() - t);
    k.min.push(converged().ms);
  }
  ctx.table.add('rolling 10 replicas: ours, wall', spread(a.wall));
  ctx.table.add('rolling 10 replicas: kubectl apply + rollout status, wall', spread(k.wall));
  ctx.table.add('rolling 10 replicas: physical minimum (cluster converging)', spread(a.min));
  ctx.table.add('rolling 10 replicas: ours ÷ kubectl', ratios(a.wall, k.wall));
  ctx.table.add('rolling 10 replicas: ours ÷ physical minimum', ratios(a.wall, a.min), '≤ 1.05');
  ctx.table.add('rolling 10 replicas: kubectl ÷ physical minimum', ratios(k.wall, k.min));
  ctx.table.add('rolling 10 replicas: ours, process start → first write', spread(a.start));
  ctx.table.add('rolling 10 replicas: ours, cluster settled → process exit', spread(a.tail));
}

/** A crash-looping release: first fatal pod status → rollback started (ours) or gave up (kubectl). */
export async function brokenRelease(ctx: BenchContext, runs: number, deadlineSeconds: number): Promise<void> {
  console.log(
    `\n(2) broken release (crash loop), 10 replicas, progressDeadlineSeconds ${deadlineSeconds} (${runs} runs each)`,
  );
  const ns = namespace(ctx, 'bench-broken');
  const app = { name: 'ff', replicas: 10, progressDeadlineSeconds: deadlineSeconds };
  const crashing = { ...app, env: { SIM_CRASH: 'true' } };
  expect(await ours(ctx, ns, { ...versioned(ctx, app, 'v1') }), 'promoted');
  const a: number[] = [];
  const k: number[] = [];
  for (let i = 0; i < runs; i++) {
    const version = `bad-a${i}`;
    const fatal = watchFirstFatal(ctx.sim, ns, version);
    const reverted = watchReverted(ctx.sim, ns, 'ff', version);
    const env = i === 0 ? ctx.rss.env : {};
    expect(await ours(ctx, ns, { ...versioned(ctx, crashing, version) }, { env }), 'rolled-back');
    a.push(reverted()! - fatal()!);
  }
  for (let i = 0; i < runs; i++) {
    const version = `bad-k${i}`;
    const fatal = watchFirstFatal(ctx.sim, ns, version);
    const run = await kubectlRelease(ctx.sim, versionedApp(crashing, version, ctx.dirs), ns, [
      'deployment/ff',
    ]);
    const gaveUp = performance.now();
    if (run.code === 0) throw new Error('kubectl rollout status succeeded on a crash-looping release');
    k.push(gaveUp - fatal()!);
    // kubectl leaves the broken version in place; put the good one back for the next run.
    await kubectl(ctx.sim, ['rollout', 'undo', '-n', ns, 'deployment/ff']);
    await kubectl(ctx.sim, ['rollout', 'status', '-n', ns, 'deployment/ff', '--timeout=2m']);
  }
  ctx.table.add('broken release: ours, first fatal status → rollback started', spread(a));
  ctx.table.add('broken release: kubectl, first fatal status → rollout status gives up', spread(k));
  ctx.table.add('broken release: ours ÷ kubectl', ratios(a, k));
}

/** A canary of 4 weights with pauses: wall time against cluster readiness plus the pauses. */
export async function canaryWithPauses(ctx: BenchContext, runs: number): Promise<void> {
  const pauseSeconds = 2;
  const weights = [25, 50, 75, 100];
  const steps = weights.flatMap((w, i) => [
    { setWeight: w },
    ...(i < 3 ? [{ pause: `${pauseSeconds}s` }] : []),
  ]);
  const pausesMs = (weights.length - 1) * pauseSeconds * 1000;
  console.log(
    `\n(3) canary, setWeight ${weights.join('/')} with ${pauseSeconds}s pauses, 4 replicas (${runs} runs)`,
  );
  const ns = namespace(ctx, 'bench-canary');
  const app = { name: 'cn', replicas: 4 };
  expect(await ours(ctx, ns, { ...versioned(ctx, app, 'v1') }), 'promoted');
  const walls: number[] = [];
  const floors: number[] = [];
  for (let i = 0; i < runs; i++) {
    const converged = trackConvergence(ctx.sim, ns);
    const t = performance.now();
    const inputs = {
      ...versioned(ctx, app, `c${i}`),
      strategy: 'canary',
      steps: JSON.stringify(steps),
    };
    expect(await ours(ctx, ns, inputs), 'promoted');
    walls.push(performance.now() - t);
    floors.push(converged().ms + pausesMs);
  }
  ctx.table.add('4-step canary: wall', spread(walls));
  ctx.table.add('4-step canary: readiness + configured pauses', spread(floors));
  ctx.table.add('4-step canary: wall ÷ (readiness + pauses)', ratios(walls, floors), '≤ 1.05');
}

/** Requests per second while the action only waits: a long pause, then slow pod readiness. */
export async function idleRequestRates(ctx: BenchContext, runs: number): Promise<void> {
  console.log(`\n(4) API requests per second while waiting (${runs} runs each)`);
  const ns = namespace(ctx, 'bench-idle');
  // Long enough to take in the Lease renewals (every 10 s with the default lease-duration 30s).
  const pauseSeconds = 22;
  expect(await ours(ctx, ns, { ...versioned(ctx, { name: 'idle', replicas: 2 }, 'v1') }), 'promoted');
  const pause: number[] = [];
  const slow: number[] = [];
  for (let i = 0; i < runs; i++) {
    let pausedAt = 0;
    const steps = JSON.stringify([{ setWeight: 50 }, { pause: `${pauseSeconds}s` }]);
    await ours(
      ctx,
      ns,
      { ...versioned(ctx, { name: 'idle', replicas: 2 }, `p${i}`), strategy: 'canary', steps },
      {
        onStdout: (chunk: string) => {
          if (!pausedAt && chunk.includes(`pause ${pauseSeconds}s`)) pausedAt = Date.now();
        },
      },
    );
    pause.push(requestRate(ctx.sim, pausedAt + 1000, pausedAt + (pauseSeconds - 1) * 1000));
    // A pod that takes 88 simulated seconds to start (22 s at the benchmark's time scale).
    let waitingAt = 0;
    let doneAt = 0;
    const slowApp = { name: 'idle', replicas: 1, env: { SIM_STARTUP_SECONDS: '88' } };
    await ours(ctx, ns, versioned(ctx, slowApp, `s${i}`), {
      onStdout: (chunk: string) => {
        if (!waitingAt && chunk.includes('wait for rollout')) waitingAt = Date.now();
        if (chunk.includes('successfully rolled out')) doneAt = Date.now();
      },
    });
    slow.push(requestRate(ctx.sim, waitingAt + 1000, doneAt - 1000));
  }
  ctx.table.add(`API requests/s during a ${pauseSeconds}s pause`, perSecond(pause), '≤ 1/s');
  ctx.table.add('API requests/s while pods start slowly', perSecond(slow), '≤ 1/s');
}

/**
 * 1,000 objects (100 Deployments of one replica, 100 Services, 800 ConfigMaps) with 10 ms added to
 * every API request: wall time, API requests and peak RSS, ours and kubectl, one run each (the
 * simulator's own cost dominates at this size; see the README).
 */
export async function thousandObjects(ctx: BenchContext): Promise<void> {
  console.log('\n(5) 1,000 objects (100 Deployments, 100 Services, 800 ConfigMaps), +10 ms API latency');
  const dir = bulkApps(100, 8, ctx.dirs);
  const rule = ctx.sim.faults.add({ latencyMs: 10 });
  try {
    const before = ctx.rss.readKiB().length;
    ctx.sim.resetStats();
    let t = performance.now();
    const inputs = { manifests: dir, version: 'v1', name: 'bulk' };
    expect(await ours(ctx, namespace(ctx, 'bench-bulk-a'), inputs, { env: ctx.rss.env }), 'promoted');
    const wall = performance.now() - t;
    const requests = ctx.sim.stats().total;
    ctx.sim.resetStats();
    t = performance.now();
    const ns = namespace(ctx, 'bench-bulk-k');
    const run = await kubectlRelease(ctx.sim, dir, ns, ['deployment', '-l', 'bench=bulk'], { rss: true });
    if (run.code !== 0) throw new Error(`kubectl rollout status failed: ${run.stderr}`);
    const kubectlWall = performance.now() - t;
    ctx.table.add('1,000 objects +10 ms: ours, wall', ms(wall), '≤ 15 s');
    ctx.table.add('1,000 objects +10 ms: kubectl apply + rollout status, wall', ms(kubectlWall));
    ctx.table.add('1,000 objects +10 ms: kubectl apply alone (the client floor here)', ms(run.applyMs));
    ctx.table.add('1,000 objects +10 ms: ours ÷ kubectl, wall', ratios([wall], [kubectlWall]));
    ctx.table.add(
      '1,000 objects +10 ms: API requests, ours / kubectl',
      `${requests} / ${ctx.sim.stats().total}`,
    );
    ctx.table.add(
      '1,000 objects +10 ms: ours, peak RSS',
      mib(ctx.rss.readKiB().slice(before, before + 1)),
      '≤ 200 MB',
    );
    ctx.table.add('1,000 objects +10 ms: kubectl, peak RSS (larger of its 2 processes)', mib([run.rssKiB]));
  } finally {
    ctx.sim.faults.remove(rule);
  }
}
