// What the benchmark observes on the simulated cluster (when it converges, when a release turns
// fatal and when it is reverted, how many API requests arrive) and the kubectl baseline runner.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { KubeObject } from '../src/kube/types.ts';
import { view, type DeploymentObject } from '../src/manifests/workload-views.ts';
import type { SimCluster } from '@kube-rollout/kube-sim';

/** A Deployment that has not yet rolled out every replica of its current template. */
function converging(obj: KubeObject): boolean {
  const d = view<DeploymentObject>(obj);
  const s = d.status ?? {};
  const want = d.spec?.replicas ?? 1;
  return !(
    (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) &&
    (s.updatedReplicas ?? 0) === want &&
    (s.availableReplicas ?? 0) === want &&
    (s.replicas ?? 0) === want
  );
}

/**
 * The physical minimum of a release: how long, in total, at least one Deployment in `namespace`
 * was converging (pods being created, started, probed). No tool can finish faster than this.
 */
export function trackConvergence(
  sim: SimCluster,
  namespace: string,
): () => { ms: number; settledAt: number } {
  const busy = new Set<string>();
  let since: number | undefined;
  let total = 0;
  let settledAt = 0;
  const unsubscribe = sim.store.subscribe(({ type, object: o }) => {
    if (o.kind !== 'Deployment' || o.metadata.namespace !== namespace) return;
    const wasBusy = busy.size > 0;
    const name = o.metadata.name ?? '';
    if (type !== 'DELETED' && converging(o)) busy.add(name);
    else busy.delete(name);
    const now = performance.now();
    if (!wasBusy && busy.size > 0) since = now;
    if (wasBusy && busy.size === 0 && since !== undefined) {
      total += now - since;
      settledAt = Date.now();
    }
  });
  return () => {
    unsubscribe();
    return { ms: total + (busy.size > 0 && since !== undefined ? performance.now() - since : 0), settledAt };
  };
}

/** performance.now() of the first fatal status of a pod of `version` in `namespace`. */
export function watchFirstFatal(
  sim: SimCluster,
  namespace: string,
  version: string,
): () => number | undefined {
  const fatal = new Set(['CrashLoopBackOff', 'ErrImagePull', 'ImagePullBackOff']);
  let at: number | undefined;
  const unsubscribe = sim.store.subscribe(({ object: o }) => {
    if (at !== undefined || o.kind !== 'Pod' || o.metadata.namespace !== namespace) return;
    if (o.metadata.labels?.version !== version) return;
    const reasons = (o.status?.containerStatuses ?? []).map(
      (c: { state?: { waiting?: { reason?: string } } }) => c.state?.waiting?.reason,
    );
    if (reasons.some((r: string | undefined) => r && fatal.has(r))) at = performance.now();
  });
  return () => {
    unsubscribe();
    return at;
  };
}

/** performance.now() when Deployment `name` stopped carrying `version` in its template. */
export function watchReverted(
  sim: SimCluster,
  namespace: string,
  name: string,
  version: string,
): () => number | undefined {
  let seen = false;
  let at: number | undefined;
  const unsubscribe = sim.store.subscribe(({ object: o }) => {
    if (at !== undefined || o.kind !== 'Deployment' || o.metadata.namespace !== namespace) return;
    if (o.metadata.name !== name) return;
    const current = o.spec?.template?.metadata?.labels?.version;
    if (current === version) seen = true;
    else if (seen) at = performance.now();
  });
  return () => {
    unsubscribe();
    return at;
  };
}

const WRITES = new Set(['create', 'update', 'patch', 'delete']);

/** Where an action run's time went: start → first write, and settled → exit (Date.now() times). */
export function overheadOf(sim: SimCluster, startedAt: number, settledAt: number, exitedAt: number) {
  const requests = sim.stats().requests.filter((r) => r.at >= startedAt && r.at <= exitedAt);
  // Access and rules reviews are POSTs that persist nothing: the first write is the first that does.
  const persists = (r: (typeof requests)[number]) =>
    WRITES.has(r.verb) && !r.dryRun && !r.resource?.endsWith('reviews');
  const firstWrite = requests.find(persists)?.at ?? exitedAt;
  return {
    beforeFirstWrite: firstWrite - startedAt,
    afterSettled: exitedAt - settledAt,
    requestsBeforeWrite: requests.filter((r) => r.at < firstWrite && r.verb !== 'nonresource').length,
  };
}

/** API requests per second the simulator answered between `from` and `to` (Date.now() times). */
export function requestRate(sim: SimCluster, from: number, to: number): number {
  const inWindow = sim.stats().requests.filter((r) => r.verb !== 'nonresource' && r.at >= from && r.at <= to);
  return inWindow.length / ((to - from) / 1000);
}

export interface KubectlRun {
  code: number;
  ms: number;
  /** Peak RSS in KiB (GNU time), when asked for. */
  rssKiB?: number;
  stderr: string;
}

/** Runs the real kubectl against the simulator (no shell); optionally under GNU time for peak RSS. */
export function kubectl(sim: SimCluster, args: string[], opts: { rss?: boolean } = {}): Promise<KubectlRun> {
  const dir = opts.rss ? mkdtempSync(join(tmpdir(), 'kr-bench-time-')) : undefined;
  const full = ['--kubeconfig', sim.kubeconfigPath, ...args];
  const [program, argv] = dir
    ? ['/usr/bin/time', ['-f', '%M', '-o', join(dir, 'rss'), 'kubectl', ...full]]
    : ['kubectl', full];
  const started = performance.now();
  return new Promise((done) => {
    execFile(program, argv, { maxBuffer: 64 * 1024 * 1024 }, (err, _out, stderr) => {
      const run: KubectlRun = {
        code: err ? Number(err.code ?? 1) : 0,
        ms: performance.now() - started,
        stderr,
      };
      if (dir) {
        run.rssKiB = Number(readFileSync(join(dir, 'rss'), 'utf8').trim().split('\n').at(-1));
        rmSync(dir, { recursive: true, force: true });
      }
      done(run);
    });
  });
}

/** `kubectl apply --server-side` then `kubectl rollout status`, as a user without the action would. */
export async function kubectlRelease(
  sim: SimCluster,
  dir: string,
  namespace: string,
  rollout: string[],
  opts: { rss?: boolean; timeout?: string } = {},
): Promise<{ ms: number; applyMs: number; code: number; rssKiB: number; stderr: string }> {
  const apply = await kubectl(
    sim,
    ['apply', '--server-side', '--force-conflicts', '-n', namespace, '-f', dir],
    opts,
  );
  if (apply.code !== 0) throw new Error(`kubectl apply failed: ${apply.stderr}`);
  const status = await kubectl(
    sim,
    ['rollout', 'status', '-n', namespace, ...rollout, `--timeout=${opts.timeout ?? '10m'}`],
    opts,
  );
  return {
    ms: apply.ms + status.ms,
    applyMs: apply.ms,
    code: status.code,
    rssKiB: Math.max(apply.rssKiB ?? 0, status.rssKiB ?? 0),
    stderr: status.stderr,
  };
}
