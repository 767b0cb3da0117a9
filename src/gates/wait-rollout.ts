// Waits for one workload to finish rolling out, with `kubectl rollout status` rules, and stops on
// the first fatal status of a new pod instead of sitting out the progress deadline.
import type { PodEvidence } from '../record/types.ts';
import type { Cluster, KubeObject } from '../kube/types.ts';
import { describeRef, refOf } from '../kube/types.ts';
import { WaitTimeoutError } from '../kube/watch.ts';
import { sleep } from '../duration.ts';
import { newPodSelector } from './new-pods.ts';
import { findPodProblem, findWorkloadProblem, type PodProblem } from './pod-health.ts';
import { observed, rolloutStatus } from './rollout-status.ts';
import { isWorkload, view } from '../manifests/workload-views.ts';

export type RolloutOutcome =
  | { ok: true; workload: KubeObject; message: string }
  | { ok: false; workload?: KubeObject; reason: string; message: string; evidence: PodEvidence[] };

export interface WaitRolloutOptions {
  /** Limit for the new pods to become ready. */
  deadlineMs: number;
  signal?: AbortSignal;
  /** Called with kubectl's progress line whenever it changes. */
  onProgress?: (message: string) => void;
  /** Log lines to attach to pod evidence. */
  logLines?: number;
  /** Judge new pods only (true) or skip pod checks (e.g. when waiting for a rollback). */
  failFast?: boolean;
}

class FatalPod extends Error {
  constructor(readonly problem: PodProblem) {
    super(problem.reason);
  }
}

/** What the workload watch saw last: kubectl's progress line and the latest object. */
interface Seen {
  message: string;
  latest?: KubeObject;
}

type Completion = { done: true; message: string } | { done: false; reason: string; message: string };

export async function waitForRollout(
  cluster: Cluster,
  workload: KubeObject,
  opts: WaitRolloutOptions,
): Promise<RolloutOutcome> {
  const ref = refOf(workload);
  const stop = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
  const seen: Seen = { message: '' };
  const completion = watchCompletion(cluster, ref, seen, { ...opts, signal });
  const podWatch =
    opts.failFast === false
      ? new Promise<never>(() => {})
      : watchNewPods(cluster, ref.apiVersion, ref.kind, ref.namespace, ref.name, signal, opts.deadlineMs);

  try {
    const result = await Promise.race([completion, podWatch]);
    if (result.done) return { ok: true, workload: seen.latest ?? workload, message: result.message };
    const { reason, message } = result;
    return { ok: false, workload: seen.latest, reason, message, evidence: [] };
  } catch (err) {
    if (err instanceof FatalPod) {
      const { namespace = 'default', name } = ref;
      const evidence = await collectEvidence(cluster, name, namespace, err.problem, opts.logLines ?? 20);
      const message = evidenceLine(evidence);
      return { ok: false, workload: seen.latest, reason: err.problem.reason, message, evidence: [evidence] };
    }
    if (opts.signal?.aborted) throw err;
    const message =
      err instanceof WaitTimeoutError
        ? `${describeRef(ref)} did not finish rolling out within the progress deadline (${Math.round(opts.deadlineMs / 1000)}s): ${seen.message}`
        : (err as Error).message;
    return { ok: false, workload: seen.latest, reason: 'ProgressDeadlineExceeded', message, evidence: [] };
  } finally {
    stop.abort();
    completion.catch(() => {});
    podWatch.catch(() => {});
  }
}

/** Watches the workload until `kubectl rollout status` would say it is done, or it fails. */
function watchCompletion(
  cluster: Cluster,
  ref: ReturnType<typeof refOf>,
  seen: Seen,
  opts: WaitRolloutOptions & { signal: AbortSignal },
): Promise<Completion> {
  return cluster.watchUntil<Completion>(
    ref.apiVersion,
    ref.kind,
    ref.namespace,
    { fieldSelector: `metadata.name=${ref.name}` },
    (event) => {
      if (event.type === 'DELETED') throw new Error(`${describeRef(ref)} was deleted`);
      seen.latest = event.object;
      const problem = findWorkloadProblem(view(event.object));
      const status = rolloutStatus(event.object);
      if (status.message !== seen.message) {
        seen.message = status.message;
        opts.onProgress?.(status.message);
      }
      if (problem && ref.kind === 'Deployment') {
        const message = `${describeRef(ref)} ${problem.reason}: ${problem.message}`;
        return { done: false, reason: problem.reason, message };
      }
      if (status.done) return { done: true, message: status.message };
      return undefined;
    },
    { timeoutMs: opts.deadlineMs, signal: opts.signal, description: `${describeRef(ref)} to roll out` },
  );
}

/** Waits until the controller observed the workload, then watches its new pods for a fatal status. */
async function watchNewPods(
  cluster: Cluster,
  apiVersion: string,
  kind: string,
  ns: string | undefined,
  name: string,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<never> {
  const wait = { timeoutMs, signal, description: `the new pods of ${kind}/${name}` };
  const observedObj = await cluster.watchUntil(
    apiVersion,
    kind,
    ns,
    { fieldSelector: `metadata.name=${name}` },
    (event) => (isWorkload(event.object) && observed(event.object) ? event.object : undefined),
    wait,
  );
  let labelSelector = await newPodSelector(cluster, observedObj);
  while (!labelSelector) {
    // The controller observed the spec but has not created the new revision yet.
    await sleep(200, signal);
    const obj = await cluster.get({ apiVersion, kind, name, ...(ns ? { namespace: ns } : {}) });
    labelSelector = obj ? await newPodSelector(cluster, obj) : undefined;
  }
  return cluster.watchUntil<never>(
    'v1',
    'Pod',
    ns,
    { labelSelector },
    (event) => {
      if (event.type === 'DELETED') return undefined;
      const problem = findPodProblem(view(event.object));
      if (problem) throw new FatalPod(problem);
      return undefined;
    },
    wait,
  );
}

/** The evidence of a fatal pod status, with the last log lines of a container that restarted. */
export async function collectEvidence(
  cluster: Cluster,
  workload: string,
  ns: string,
  p: PodProblem,
  lines = 20,
): Promise<PodEvidence> {
  let logTail: string[] | undefined;
  if (p.container && (p.restartCount ?? 0) > 0) {
    const text = await cluster
      .podLog(ns, p.pod, p.container, { tailLines: lines, previous: true })
      .catch(() => cluster.podLog(ns, p.pod, p.container!, { tailLines: lines }).catch(() => ''));
    logTail = text ? text.trimEnd().split('\n').slice(-lines) : undefined;
  }
  return {
    workload,
    pod: p.pod,
    ...(p.container ? { container: p.container } : {}),
    reason: p.reason,
    ...(p.message ? { message: p.message } : {}),
    ...(p.exitCode !== undefined ? { exitCode: p.exitCode } : {}),
    ...(p.restartCount !== undefined ? { restartCount: p.restartCount } : {}),
    ...(logTail?.length ? { logTail } : {}),
    seenAt: new Date().toISOString(),
  };
}

/** One line for `rollback-reason`: pod, container, reason, exit code, message. */
export function evidenceLine(e: PodEvidence): string {
  const parts = [`pod ${e.pod}`];
  if (e.container) parts.push(`container ${e.container}`);
  parts.push(e.reason);
  if (e.exitCode !== undefined) parts.push(`exit code ${e.exitCode}`);
  const head = parts.join(' ');
  return e.message ? `${head}: ${e.message}` : head;
}
