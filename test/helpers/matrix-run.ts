// Carries out one case of the release matrix (release-matrix.ts) through the bundled action and
// compares what happened with what the case expects. Start the simulator with `rps: 0` (the checks
// send their own requests; generated load on a dozen entries per app costs minutes per case) and
// delete each case's namespace after it, or the pods of earlier cases fill the simulated nodes.
import { runAction } from './action.ts';
import { changedScope, copiesIn, restartedWorkloads, workloadSnapshot } from './app-changes.ts';
import { copyApp, imageOf, waitForHealthyApp, withCrash } from './fixture-apps.ts';
import { checkReleaseInvariant, leftovers } from './invariant.ts';
import type { MatrixCase } from './release-matrix.ts';
import type { SimCluster } from '@kube-rollout/kube-sim';

/** What a case's runs did, to compare with the case's expectations. */
export interface MatrixObservation {
  /** Per run: its `result` output (or `exit N` without one), the copies right after it, the
   * writes the simulator recorded during it, and its stdout and summary. */
  results: string[];
  copies: string[][];
  writes: number[];
  logs: string[];
  /** Workloads restarted since v1 (app-changes.ts restartedWorkloads). */
  restarted: string[];
  /** The release invariant over the changed workloads (app-changes.ts changedScope). */
  violations: string[];
  /**
   * Copies, Services, routes and bookkeeping left in the namespace once the last run has ended
   * (not paused). The invariant looks for them after promoted and rolled-back releases only; issue
   * 17 wants none after a failed one either.
   */
  leftovers: string[];
  /** appProblems once the last run has ended (every workload ready, every entry answered). */
  problems: string[];
}

/** Releases v1 of the case's app with `rolling` in `namespace`, then carries out its runs. */
const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

/** API writes (dry runs aside) into `namespace` since `since`: cases run side by side on one simulator. */
function writesTo(sim: SimCluster, namespace: string, since: number): number {
  return sim
    .stats()
    .requests.filter(
      (r) => r.at >= since && r.namespace === namespace && !r.dryRun && WRITE_VERBS.has(r.verb),
    ).length;
}

export async function runMatrixCase(
  sim: SimCluster,
  c: MatrixCase,
  namespace: string,
): Promise<MatrixObservation> {
  const base = {
    kubeconfig: sim.kubeconfig,
    namespace,
    name: c.app,
    comment: 'false',
    'scale-down-delay': '0s',
  };
  const manifests = (crash = false) =>
    copyApp(sim, c.app, namespace, { optional: c.optional, edits: crash ? c.changes.map(withCrash) : [] });
  const first = await runAction({ ...base, manifests: manifests(), strategy: 'rolling', version: 'v1' });
  if (first.outputs.result !== 'promoted')
    throw new Error(`v1 of ${c.app} was not promoted:\n${first.stdout}`);
  await waitForHealthyApp(sim, c.app, namespace, { optional: c.optional });
  const before = workloadSnapshot(sim, namespace);
  const seen: MatrixObservation = {
    results: [],
    copies: [],
    writes: [],
    logs: [],
    restarted: [],
    violations: [],
    leftovers: [],
    problems: [],
  };
  for (const run of c.runs) {
    const images = run.tag ? c.changes.map((w) => imageOf(c.app, w, run.tag!)).join('\n') : '';
    const deploy: Record<string, string> = run.tag ? { manifests: manifests(run.crash), images } : {};
    const started = Date.now();
    const done = await runAction({ ...base, ...deploy, ...run.inputs });
    seen.results.push(done.outputs.result ?? `exit ${done.code}`);
    seen.copies.push(copiesIn(sim, namespace));
    seen.writes.push(writesTo(sim, namespace, started));
    seen.logs.push(`--- ${JSON.stringify(run.inputs)}\n${done.stdout}\n${done.summary}`);
  }
  seen.problems = await waitForHealthyApp(sim, c.app, namespace, { optional: c.optional });
  seen.restarted = restartedWorkloads(sim, namespace, before);
  const scope = changedScope(sim, namespace, c.changes);
  seen.violations = checkReleaseInvariant(sim, {
    name: c.app,
    namespace,
    versionLabel: 'app.kubernetes.io/version',
    ...scope,
  });
  if (seen.results.at(-1) !== 'paused') seen.leftovers = leftovers(sim, namespace);
  return seen;
}

/** Where an observation differs from its case, one sentence each; empty when it meets it. */
export function matrixMismatches(c: MatrixCase, seen: MatrixObservation): string[] {
  const out: string[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  c.runs.forEach((run, i) => {
    const which = `run ${i + 1} (${run.tag ? `deploy ${run.tag}` : run.inputs.action})`;
    if (seen.results[i] !== run.result) out.push(`${which} ended ${seen.results[i]}, expected ${run.result}`);
    if (!same(seen.copies[i], run.copies))
      out.push(`${which} left copies [${seen.copies[i]}], expected [${run.copies}]`);
    if (run.refusedBeforeWrite && seen.writes[i] !== 0)
      out.push(`${which} wrote ${seen.writes[i]} times, expected a refusal before any write`);
    if (run.says && !run.says.test(seen.logs[i] ?? '')) out.push(`${which} never says ${run.says}`);
  });
  if (!same(seen.restarted, c.restarts)) out.push(`restarted [${seen.restarted}], expected [${c.restarts}]`);
  out.push(...seen.violations.map((v) => `invariant: ${v}`), ...seen.problems.map((p) => `app: ${p}`));
  out.push(
    ...seen.leftovers.filter((l) => !seen.violations.some((v) => v.includes(l))).map((l) => `left: ${l}`),
  );
  return out;
}
