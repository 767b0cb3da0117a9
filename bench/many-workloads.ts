// (8) An app of 12 Deployments in one file (the boutique fixture) where one image changes: the
// action restarts only that workload, a canary copies only it, and the release takes about as long
// as releasing that workload on its own (issue 17's goal: the other 11 add at most 5 %).
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseAllDocuments } from 'yaml';
import { runAction } from '../test/helpers/action.ts';
import { copiesIn, restartedWorkloads, workloadSnapshot } from '../test/helpers/app-changes.ts';
import { copyApp, imageOf } from '../test/helpers/fixture-apps.ts';
import { trackConvergence } from './cluster.ts';
import type { BenchContext } from './side-by-side.ts';
import { ratios, spread } from './stats.ts';

const APP = 'boutique';
const CHANGED = 'cart';

/** The changed workload alone (its Deployment and Service), from the same copy of the app. */
function aloneApp(manifests: string, namespace: string, dirs: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'kr-bench-alone-'));
  dirs.push(dir);
  const docs = readdirSync(manifests)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(readFileSync(join(manifests, f), 'utf8')));
  const mine = docs.filter((d) => {
    const o = d.toJS() as { kind?: string; metadata?: { name?: string } } | null;
    return o?.metadata?.name === CHANGED && (o.kind === 'Deployment' || o.kind === 'Service');
  });
  for (const d of mine) d.setIn(['metadata', 'namespace'], namespace);
  writeFileSync(join(dir, 'alone.yaml'), mine.map((d) => d.toString()).join('---\n'));
  return dir;
}

/**
 * `pace` names a simulator that does not run at the bench's quarter time: the figures then carry
 * it, and the canary (whose copies do not depend on the pace) is left to the main run.
 */
export async function manyWorkloads(ctx: BenchContext, runs: number, pace?: string): Promise<void> {
  console.log(
    `\n(8) ${APP}: 12 Deployments, one image (${CHANGED}) changes (${runs} runs${pace ? `, ${pace}` : ''})`,
  );
  const namespace = 'bench-many';
  const manifests = copyApp(ctx.sim, APP, namespace);
  ctx.dirs.push(manifests);
  const alone = aloneApp(manifests, `${namespace}-alone`, ctx.dirs);
  ctx.sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `${namespace}-alone` } });
  const release = (tag: string, more: Record<string, string> = {}) =>
    released(tag, { namespace, name: APP, manifests, ...more });
  const releaseAlone = (tag: string) => released(tag, { namespace: `${namespace}-alone`, manifests: alone });
  async function released(tag: string, inputs: Record<string, string>) {
    const run = await runAction({
      kubeconfig: ctx.sim.kubeconfig,
      images: imageOf(APP, CHANGED, tag),
      comment: 'false',
      ...inputs,
    });
    if (run.outputs.result !== 'promoted') throw new Error(`${tag} did not promote:\n${run.stdout}`);
    return run;
  }
  await release('v1');
  await releaseAlone('v1');
  const wall: number[] = [];
  const aloneWall: number[] = [];
  const own: number[] = [];
  const restarted = new Set<number>();
  for (let i = 0; i < runs; i++) {
    const before = workloadSnapshot(ctx.sim, namespace);
    const converged = trackConvergence(ctx.sim, namespace);
    const t = performance.now();
    await release(`r${i}`);
    wall.push(performance.now() - t);
    own.push(converged().ms);
    restarted.add(restartedWorkloads(ctx.sim, namespace, before).length);
    const a = performance.now();
    await releaseAlone(`r${i}`);
    aloneWall.push(performance.now() - a);
  }
  const figure = (what: string, value: string, goal?: string) =>
    ctx.table.add(`${APP}, one image changed${pace ? ` (${pace})` : ''}: ${what}`, value, goal);
  if (!pace) await canaryCopies(ctx, namespace, release, figure);
  figure('workloads restarted', [...restarted].join(', '), '1');
  figure('wall', spread(wall));
  figure(`${CHANGED} released on its own, wall`, spread(aloneWall));
  figure(`wall ÷ ${CHANGED} on its own`, ratios(wall, aloneWall), '≤ 1.05');
  figure(`${CHANGED}'s rollout (cluster converging)`, spread(own));
  figure('wall ÷ that rollout', ratios(wall, own));
}

type Figure = (what: string, value: string, goal?: string) => void;

/** A canary of the change: the copies it makes, seen as the cluster sees them, and those left. */
async function canaryCopies(
  ctx: BenchContext,
  namespace: string,
  release: (tag: string, more?: Record<string, string>) => Promise<unknown>,
  figure: Figure,
): Promise<void> {
  const copies = new Set<string>();
  const stop = ctx.sim.store.subscribe(({ type, object: o }) => {
    if (type !== 'ADDED' || o.kind !== 'Deployment' || o.metadata.namespace !== namespace) return;
    if (o.metadata.labels?.['kube-rollout.io/role']) copies.add(o.metadata.name ?? '');
  });
  await release('c0', { strategy: 'canary', steps: '- setWeight: 50\n- pause: 1s\n' }).finally(stop);
  figure('canary copies', `${copies.size} (${[...copies].join(', ')})`, '1');
  figure('copies left after the canary', String(copiesIn(ctx.sim, namespace).length), '0');
}
