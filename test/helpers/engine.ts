// Runs the release engine in-process (deploy/promote/rollback/status of src/engine/actions/release.ts)
// against a simulated cluster, wired like src/main.ts but with an instant sleep and a logger that
// records instead of printing. `freezable` clusters let a test stop a run dead (like SIGKILL).
import { providerTable } from '../../src/analysis/providers/index.ts';

const providers = providerTable();
import { buildConfig, inputsOf, type Inputs } from '../../src/config/index.ts';
import type { Logger } from '../../src/engine/run/context.ts';
import { deploy, promote, rollback, status, type ReleaseDeps } from '../../src/engine/actions/release.ts';
import { createCluster, loadKubeConfig } from '../../src/kube/index.ts';
import type { Cluster } from '../../src/kube/types.ts';
import { loadReleaseSet } from '../../src/manifests/index.ts';
import type { RolloutRecord } from '../../src/record/types.ts';
import type { SimCluster } from '@kube-rollout/kube-sim';

export interface RecordingLogger extends Logger {
  lines: string[];
}

export function recordingLogger(): RecordingLogger {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => void lines.push(m),
    warn: (m) => void lines.push(`warning: ${m}`),
    group: (name, fn) => {
      lines.push(`[${name}]`);
      return fn();
    },
  };
}

/** Pauses and delays end at once (on the next turn of the event loop), or reject when aborted. */
export function instantSleep(_ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve) => setImmediate(resolve));
}

/** A Cluster whose calls, once `freeze()` ran, never settle: the run is as good as killed. */
export function freezable(cluster: Cluster): { cluster: Cluster; freeze(): void } {
  let frozen = false;
  const never = new Promise<never>(() => {});
  const wrapped = new Proxy(cluster, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => (frozen ? never : value.apply(target, args));
    },
  });
  return { cluster: wrapped, freeze: () => (frozen = true) };
}

export interface EngineOptions {
  signal?: AbortSignal;
  holder?: string;
  /** Replaces the cluster built from the sim's kubeconfig (e.g. a freezable one). */
  wrapCluster?: (cluster: Cluster) => Cluster;
  sleep?: ReleaseDeps['sleep'];
  /** Base directory for relative `manifests` paths (GITHUB_WORKSPACE on a runner). */
  workspace?: string;
}

export interface EngineRun {
  record?: RolloutRecord;
  error?: Error;
  log: string[];
  holder: string;
}

let runs = 0;
const TEST_COMMIT = 'abc1234def5678900000000000000000deadbeef';

/** ReleaseDeps for one run, built from action inputs the way src/main.ts builds them. */
export async function engineDeps(
  sim: SimCluster,
  inputs: Partial<Inputs>,
  opts: EngineOptions = {},
): Promise<ReleaseDeps & { log: RecordingLogger }> {
  const env = opts.workspace ? { GITHUB_WORKSPACE: opts.workspace } : {};
  const config = buildConfig(inputsOf({ kubeconfig: sim.kubeconfig, ...inputs }), env);
  const cluster = createCluster(loadKubeConfig({ kubeconfig: config.kubeconfig, env: {} }));
  return {
    config,
    cluster: opts.wrapCluster ? opts.wrapCluster(cluster) : cluster,
    log: recordingLogger(),
    signal: opts.signal ?? new AbortController().signal,
    providers,
    // As on a runner, the commit is the version of last resort (rollback without images).
    manifests: (await loadReleaseSet(config, { commit: TEST_COMMIT }))?.set,
    holder: opts.holder ?? `in-process-run-${++runs}`,
    sleep: opts.sleep ?? instantSleep,
  };
}

/** Runs one action in-process; errors are returned, not thrown, so rows can assert on them. */
export async function runEngine(
  sim: SimCluster,
  inputs: Partial<Inputs>,
  opts: EngineOptions = {},
): Promise<EngineRun> {
  const deps = await engineDeps(sim, inputs, opts);
  const actions = { deploy, promote, rollback, status, plan: undefined };
  const action = actions[deps.config.action];
  if (!action) throw new Error(`runEngine does not run action '${deps.config.action}'`);
  try {
    return { record: await action(deps), log: deps.log.lines, holder: deps.holder };
  } catch (err) {
    return { error: err as Error, log: deps.log.lines, holder: deps.holder };
  }
}
