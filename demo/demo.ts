// `npm run demo`: kube-rollout against a simulated Kubernetes cluster, start to finish.
//
// The story: deploy v1 of `shop` (10 replicas), roll out v2 (rolling, maxSurge 1 / maxUnavailable 0),
// try a crash-looping v3 that is rolled back on its own, release v4 as a canary (20% → 60% →
// promoted), stop a v5 canary for approval, push v6 while v5 waits (v6 supersedes it), and finally
// roll back to v4 on request. Every release runs the bundled action (dist/index.js) in a child process exactly as a
// GitHub runner would; the simulator sends steady traffic to the app so you can see who serves it.
// Exits 0 when every release ended as expected, 1 otherwise.
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { DIST, runAction, type ActionRun } from '../test/helpers/action.ts';
import { writeApp, type AppOptions } from '../test/helpers/manifests.ts';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';
import {
  LineSplitter,
  LiveView,
  banner,
  classify,
  dim,
  formatOutputs,
  formatSummary,
  formatTraffic,
  renderLogLine,
  verdict,
} from './view.ts';

const ROOT = resolve(import.meta.dirname, '..');
const APP = 'shop';
const IMAGE = `registry.local:5000/acme/${APP}`;
const NAMESPACE = 'default';

/** Manifest directories written for the story, removed on exit. */
const manifestDirs: string[] = [];
function appDir(opts: AppOptions): string {
  const dir = writeApp(opts);
  manifestDirs.push(dir);
  return dir;
}

interface Release {
  title: string;
  narration: string;
  inputs: Record<string, string>;
  /** What should have happened; returns the problem, or undefined when all is well. */
  check: (run: ActionRun, sim: SimCluster) => string | undefined;
}

/** The releases of the story, in order. */
function story(sim: SimCluster): Release[] {
  const base = {
    kubeconfig: sim.kubeconfig,
    namespace: NAMESPACE,
    'version-label': 'version',
    comment: 'false',
  };
  const healthy = appDir({ name: APP, replicas: 10, maxSurge: 1, maxUnavailable: 0 });
  const crashing = appDir({ name: APP, replicas: 10, env: { SIM_CRASH: 'true' } });
  const canarySteps = stringify([{ setWeight: 20 }, { pause: '2s' }, { setWeight: 60 }, { pause: '2s' }]);
  const canary = {
    ...base,
    manifests: healthy,
    strategy: 'canary',
    traffic: 'replicas',
    steps: canarySteps,
    'scale-down-delay': '1s',
  };
  return [
    {
      title: 'v1: first deploy',
      narration:
        'Nothing runs yet: the manifests are applied and the action waits for 10 ready pods. Requests sent before the first pod is ready find no endpoint.',
      inputs: { ...base, manifests: healthy, images: `${IMAGE}:v1` },
      check: (run) => expectResult(run, 'promoted', 'v1'),
    },
    {
      title: 'v2: rolling update',
      narration:
        'One extra pod at a time (maxSurge 1), never fewer than 10 ready (maxUnavailable 0): no request should fail.',
      inputs: { ...base, manifests: healthy, images: `${IMAGE}:v2` },
      check: (run) => expectResult(run, 'promoted', 'v2'),
    },
    {
      title: 'v3: a broken release',
      narration:
        'v3 crashes on start. The action sees the first CrashLoopBackOff and rolls back without waiting for a deadline.',
      inputs: { ...base, manifests: crashing, images: `${IMAGE}:v3` },
      check: (run, cluster) => expectResult(run, 'rolled-back', 'v2') ?? expectServing(cluster, 'v2'),
    },
    {
      title: 'v4: canary',
      narration:
        'A canary Deployment next to v2 takes 20% then 60% of the traffic (by replica count), then v4 is promoted.',
      inputs: {
        ...base,
        manifests: healthy,
        images: `${IMAGE}:v4`,
        strategy: 'canary',
        traffic: 'replicas',
        steps: canarySteps,
        'scale-down-delay': '1s',
      },
      check: (run, cluster) => expectResult(run, 'promoted', 'v4') ?? expectServing(cluster, 'v4'),
    },
    {
      title: 'v5: canary waiting for approval',
      narration:
        'v5 takes 20% and stops at `pause: {}`: a later job behind a GitHub environment would run `action: promote`.',
      inputs: { ...canary, images: `${IMAGE}:v5`, steps: stringify([{ setWeight: 20 }, { pause: {} }]) },
      check: (run) => expectResult(run, 'paused', 'v4'),
    },
    {
      title: 'v6: a new commit while v5 waits',
      narration:
        'v6 supersedes v5: traffic goes back to v4, the v5 canary is removed, and v6 starts from step 1 against v4.',
      inputs: { ...canary, images: `${IMAGE}:v6` },
      check: (run, cluster) =>
        expectResult(run, 'promoted', 'v6') ??
        expectServing(cluster, 'v6') ??
        (run.summary.includes('superseded v5') ? undefined : 'the report does not name the superseded v5'),
    },
    {
      title: 'rollback on request',
      narration: '`action: rollback` puts v4, the version v6 replaced, back; the release state says so.',
      inputs: { ...base, action: 'rollback', name: APP },
      check: (run, cluster) => expectResult(run, 'rolled-back', 'v4') ?? expectServing(cluster, 'v4'),
    },
  ];
}

function expectResult(run: ActionRun, result: string, version: string): string | undefined {
  const got = `${run.outputs.result ?? '(none)'} with version ${run.outputs.version ?? '(none)'}`;
  if (run.outputs.result !== result || run.outputs.version !== version)
    return `expected ${result} with version ${version}, got ${got}`;
  return undefined;
}

function expectServing(sim: SimCluster, version: string): string | undefined {
  const deployment = sim.store.get('apps/v1', 'Deployment', NAMESPACE, APP);
  const serving = deployment?.spec.template.metadata.labels.version;
  if (serving !== version) return `expected Deployment ${APP} to run ${version}, it runs ${serving}`;
  if (sim.store.get('apps/v1', 'Deployment', NAMESPACE, `${APP}-canary`))
    return `the canary Deployment was left behind`;
  return undefined;
}

/** Builds dist/index.js when it is missing (a fresh clone after `npm ci`). */
async function ensureBundle(view: LiveView): Promise<void> {
  if (existsSync(DIST)) return;
  view.print(dim('dist/index.js is missing: building it with scripts/build.mjs …'));
  const code = await new Promise<number>((done) => {
    spawn(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' }).on('close', (c) =>
      done(c ?? 1),
    );
  });
  if (code !== 0 || !existsSync(DIST)) throw new Error(`the build failed (exit code ${code})`);
}

/** Traffic to the app since `since`, as one line. */
function trafficSince(sim: SimCluster, since: number): string {
  return formatTraffic(sim.traffic.counts({ since, app: APP }));
}

/** Runs one release: streams its log, keeps a live traffic line, then shows outputs and summary. */
async function runRelease(sim: SimCluster, release: Release, view: LiveView): Promise<boolean> {
  view.print(banner(release.title, release.narration));
  const started = Date.now();
  let progress = '';
  const splitter = new LineSplitter((raw) => {
    const line = classify(raw);
    if (line.kind === 'progress') {
      progress = line.text;
      if (!process.stdout.isTTY) view.print(`    ${dim(line.text)}`);
    }
    const text = renderLogLine(line);
    if (text !== undefined) view.print(text);
  });
  // Traffic first so a narrow terminal cuts the progress text, not the numbers.
  const live = () => {
    const short = progress.replace(/^Waiting for .*? rollout to finish: /, '').replace(/\.+$/, '');
    return `  ⏳ traffic, last second: ${trafficSince(sim, Date.now() - 1000)}${short ? ` │ ${short}` : ''}`;
  };
  // On a terminal the live line is redrawn in place; elsewhere a traffic line is printed every 2 s.
  const ticker = process.stdout.isTTY
    ? setInterval(() => view.status(live()), 200)
    : setInterval(
        () => view.print(dim(`    traffic, last second: ${trafficSince(sim, Date.now() - 1000)}`)),
        2000,
      );

  const run = await runAction(release.inputs, { onStdout: (chunk) => splitter.push(chunk) }).finally(() => {
    clearInterval(ticker);
    splitter.flush();
    view.endStatus();
  });

  view.print();
  for (const line of formatOutputs(run.outputs)) view.print(line);
  view.print(
    `    ${dim('traffic'.padEnd(16))}${trafficSince(sim, started)}  ${dim(`(during the release, ${((Date.now() - started) / 1000).toFixed(1)} s)`)}`,
  );
  view.print();
  for (const line of formatSummary(run.summary)) view.print(line);
  const problem = release.check(run, sim);
  view.print(verdict(!problem, problem ?? `${release.title}: as expected (step exit code ${run.code})`));
  if (problem) view.print(dim(run.stderr.trim().split('\n').slice(-10).join('\n')));
  return !problem;
}

async function main(): Promise<number> {
  const view = new LiveView();
  const began = Date.now();
  await ensureBundle(view);
  const sim = await startSimCluster();
  // Ctrl-C or a kill: stop the simulator (its port and temp kubeconfig) before leaving.
  const signalCodes = { SIGINT: 130, SIGTERM: 143 } as const;
  for (const [signal, code] of Object.entries(signalCodes)) {
    process.once(signal, () => void sim.stop().finally(() => process.exit(code)));
  }
  try {
    view.print(
      `kube-rollout demo: simulated cluster at ${sim.url} (3 nodes, steady traffic to service/${NAMESPACE}/${APP})`,
    );
    view.print(
      dim(
        'Each release runs dist/index.js as a GitHub runner would: inputs as INPUT_* variables, outputs and summary through GITHUB_* files.',
      ),
    );
    const outcomes: boolean[] = [];
    for (const release of story(sim)) outcomes.push(await runRelease(sim, release, view));
    const ok = outcomes.every(Boolean);
    const took = ((Date.now() - began) / 1000).toFixed(1);
    view.print();
    view.print(
      verdict(
        ok,
        ok
          ? `the story went as expected: v1 → v2 → v3 rolled back (v2 kept serving) → v4 by canary → v5 paused → v6 superseded it → rolled back to v4, in ${took} s`
          : `${outcomes.filter((o) => !o).length} release(s) did not end as expected (${took} s)`,
      ),
    );
    return ok ? 0 : 1;
  } finally {
    await sim.stop();
    for (const dir of manifestDirs) rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
