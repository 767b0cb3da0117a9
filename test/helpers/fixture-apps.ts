// The realistic apps of test/fixtures/apps, for end-to-end tests: copied into a namespace of their
// own, edited per test (one image tag, one crashing workload), listed, and checked healthy in the
// simulator. Each app is a folder: its top-level YAML files are the app, `optional/*.yaml` are
// extra objects (routes, a second Service) a test adds by name.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseAllDocuments, parseDocument, type Document, type YAMLMap, type YAMLSeq } from 'yaml';
import { formatImageRef, parseImageRef } from '../../src/manifests/images.ts';
import type { KubeObject } from '../../src/kube/types.ts';
import { WORKLOAD_KINDS } from '../../src/manifests/types.ts';
import {
  isDaemonSet,
  isWorkload,
  replicasOf,
  view,
  type ScalableObject,
  type WorkloadObject,
} from '../../src/manifests/workload-views.ts';
import { releaseEntries } from './invariant.ts';
import { podServes, type SimCluster } from '@kube-rollout/kube-sim';

export const FIXTURE_APPS_DIR = resolve(import.meta.dirname, '../fixtures/apps');

/** The apps of issue 17 (many workloads), in the order the sanity test releases them. */
export const MANY_WORKLOAD_APPS = ['boutique', 'bookinfo', 'bluegreen-demo', 'guestbook'] as const;
export type ManyWorkloadApp = (typeof MANY_WORKLOAD_APPS)[number];

/** A text edit of one manifest file; workload edits name their workload so a typo fails loudly. */
export type Edit = ((text: string) => string) & { workload?: string };

export interface CopyOptions {
  /** Names of `optional/<name>.yaml` files to add. */
  optional?: string[];
  /** Applied to every file, in order, after the namespace is substituted. */
  edits?: Edit[];
}

/** The names of an app's optional files (`optional/<name>.yaml`). */
export function optionalFiles(app: string): string[] {
  const dir = join(FIXTURE_APPS_DIR, app, 'optional');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.replace(/\.yaml$/, ''))
    .sort();
}

/** The app's files: its top-level YAML, then the optional files asked for. */
export function appFiles(app: string, optional: string[] = []): string[] {
  const dir = join(FIXTURE_APPS_DIR, app);
  const main = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
  const extra = optional.map((name) => join(dir, 'optional', `${name}.yaml`));
  for (const file of extra)
    if (!existsSync(file)) throw new Error(`fixture app ${app} has no optional file ${basename(file)}`);
  return [...main, ...extra];
}

/**
 * A copy of fixture `app` in namespace `namespace` (created here: the release lock lives in it, so
 * it must exist before the first run; the app's own Namespace object is then applied over it).
 * Returns the folder to pass as `manifests`.
 */
export function copyApp(sim: SimCluster, app: string, namespace: string, opts: CopyOptions = {}): string {
  if (!sim.store.get('v1', 'Namespace', undefined, namespace))
    sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  return writeAppCopy(app, namespace, opts);
}

/** The files of copyApp, written to a new temporary folder, without touching any cluster. */
export function writeAppCopy(app: string, namespace: string, opts: CopyOptions = {}): string {
  const known = new Set(fixtureWorkloads(app, opts.optional).map((w) => w.name));
  for (const edit of opts.edits ?? [])
    if (edit.workload !== undefined && !known.has(edit.workload))
      throw new Error(
        `fixture app ${app} has no workload ${edit.workload} (it has ${[...known].join(', ')})`,
      );
  const dir = mkdtempSync(join(tmpdir(), `app-${app}-`));
  for (const file of appFiles(app, opts.optional)) {
    const text = inNamespace(readFileSync(file, 'utf8'), app, namespace);
    writeFileSync(
      join(dir, basename(file)),
      (opts.edits ?? []).reduce((t, edit) => edit(t), text),
    );
  }
  return dir;
}

/** Moves every object from namespace `app` to `namespace`, the Namespace object included. */
function inNamespace(text: string, app: string, namespace: string): string {
  return splitDocuments(text)
    .map((doc) => {
      const moved = doc.replaceAll(
        new RegExp(`^(\\s*)namespace: ${app}$`, 'gm'),
        `$1namespace: ${namespace}`,
      );
      return /^kind: Namespace$/m.test(moved)
        ? moved.replace(new RegExp(`^  name: ${app}$`, 'm'), `  name: ${namespace}`)
        : moved;
    })
    .join('---\n');
}

/** The YAML documents of a file as text (the fixtures put `---` alone on its line). */
function splitDocuments(text: string): string[] {
  return text.split(/^---\n/m);
}

/** An edit of the workload document(s) named `workload`, through the YAML AST (comments kept). */
function workloadEdit(workload: string, change: (doc: Document) => void): Edit {
  const edit: Edit = (text) =>
    splitDocuments(text)
      .map((chunk) => {
        const doc = parseDocument(chunk);
        const isTarget =
          (WORKLOAD_KINDS as readonly string[]).includes(String(doc.get('kind'))) &&
          doc.getIn(['metadata', 'name']) === workload;
        if (!isTarget) return chunk;
        change(doc);
        return doc.toString();
      })
      .join('---\n');
  edit.workload = workload;
  return edit;
}

/** The app containers (not init containers) of a workload document. */
function containerNodes(doc: Document): YAMLMap[] {
  const seq = doc.getIn(['spec', 'template', 'spec', 'containers']) as YAMLSeq<YAMLMap> | undefined;
  return seq?.items ?? [];
}

/** Every app container of `workload` runs its image at `tag` (init containers keep theirs). */
export function withImageTag(workload: string, tag: string): Edit {
  return workloadEdit(workload, (doc) => {
    for (const c of containerNodes(doc)) c.set('image', retag(String(c.get('image')), tag));
  });
}

/** The first container of `workload` sets simulator knob `name` (SIM_CRASH, SIM_ERROR_RATE, …). */
export function withEnv(workload: string, name: string, value: string): Edit {
  return workloadEdit(workload, (doc) => {
    const container = containerNodes(doc)[0];
    let env = container.get('env') as YAMLSeq<YAMLMap> | undefined;
    if (!env) container.set('env', (env = doc.createNode([]) as YAMLSeq<YAMLMap>));
    const existing = env.items.find((e) => e.get('name') === name);
    if (existing) existing.set('value', value);
    else env.add(doc.createNode({ name, value }));
  });
}

/** `workload` is a broken version: its first container exits with an error after starting. */
export function withCrash(workload: string): Edit {
  return withEnv(workload, 'SIM_CRASH', 'true');
}

function retag(image: string, tag: string): string {
  const { original: _original, digest: _digest, ...ref } = parseImageRef(image);
  return formatImageRef({ ...ref, tag });
}

export interface FixtureWorkload {
  kind: string;
  name: string;
  /** spec.replicas as written (undefined: an HPA or the default decides). */
  replicas?: number;
  /** The app containers' images, then the init containers'. */
  images: string[];
  initImages: string[];
}

/** The workloads an app's files declare, in file order. */
export function fixtureWorkloads(app: string, optional: string[] = []): FixtureWorkload[] {
  return appFiles(app, optional).flatMap((file) =>
    parseAllDocuments(readFileSync(file, 'utf8'))
      .map((doc) => doc.toJS() as KubeObject | null)
      .filter((o): o is WorkloadObject => !!o && isWorkload(o))
      .map((o) => ({
        kind: o.kind,
        name: o.metadata.name!,
        ...(replicasOf(o) !== undefined ? { replicas: replicasOf(o) } : {}),
        images: (o.spec.template.spec?.containers ?? []).map((c) => c.image!),
        initImages: (o.spec.template.spec?.initContainers ?? []).map((c) => c.image!),
      })),
  );
}

/** The `images:` entry that moves `workload`'s first container to `tag`. */
export function imageOf(app: string, workload: string, tag: string): string {
  const found = fixtureWorkloads(app).find((w) => w.name === workload);
  if (!found) throw new Error(`fixture app ${app} has no workload ${workload}`);
  return retag(found.images[0], tag);
}

const API_VERSIONS: Record<string, string> = {
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
};

/** Why `obj` is not fully rolled out and ready, or undefined when it is. */
function notReady(obj: KubeObject): string | undefined {
  const observed = (isDaemonSet(obj) ? obj.status : view<ScalableObject>(obj).status)?.observedGeneration;
  if ((observed ?? -1) < (obj.metadata.generation ?? 0)) return 'spec not observed yet';
  if (isDaemonSet(obj)) {
    const s = obj.status;
    const want = s?.desiredNumberScheduled ?? 0;
    return s?.numberReady === want && s?.updatedNumberScheduled === want
      ? undefined
      : `${s?.numberReady ?? 0}/${want} ready, ${s?.updatedNumberScheduled ?? 0} updated`;
  }
  const { spec, status: s } = view<ScalableObject>(obj);
  const want = spec.replicas ?? 1;
  const counts = [s?.replicas, s?.updatedReplicas, s?.readyReplicas, s?.availableReplicas].map((n) => n ?? 0);
  return counts.every((n) => n === want)
    ? undefined
    : `want ${want}: ${counts[0]} pods, ${counts[1]} updated, ${counts[2]} ready, ${counts[3]} available`;
}

/**
 * What keeps the copy of `app` in `namespace` from being healthy: a workload of its files missing
 * or not fully rolled out and ready, or a traffic entry of the namespace (Service, Ingress, route)
 * where a request got no pod or a 5xx. Empty means healthy.
 */
export function appProblems(
  sim: SimCluster,
  app: string,
  namespace: string,
  opts: { optional?: string[]; requests?: number } = {},
): string[] {
  const problems: string[] = [];
  for (const w of fixtureWorkloads(app, opts.optional)) {
    const live = sim.store.get(API_VERSIONS[w.kind], w.kind, namespace, w.name);
    const why = live ? notReady(live) : 'missing';
    if (why) problems.push(`${w.kind} ${namespace}/${w.name}: ${why}`);
  }
  for (const entry of releaseEntries(sim, namespace)) {
    for (let i = 0; i < (opts.requests ?? 20); i++) {
      const answer = sim.traffic.sendRequest(entry);
      const pod = answer.pod
        ? sim.store.get('v1', 'Pod', answer.namespace || namespace, answer.pod)
        : undefined;
      if (!pod || !podServes(pod) || answer.code >= 500) {
        problems.push(
          `${entry}: answered ${answer.code} ${answer.reason ?? ''} by ${answer.pod || 'no pod'}`.trim(),
        );
        break;
      }
    }
  }
  return problems;
}

/** Polls appProblems until the app is healthy or `timeoutMs` passes; the last problems (empty = healthy). */
export async function waitForHealthyApp(
  sim: SimCluster,
  app: string,
  namespace: string,
  opts: { optional?: string[]; timeoutMs?: number } = {},
): Promise<string[]> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    const problems = appProblems(sim, app, namespace, opts);
    if (problems.length === 0 || Date.now() >= deadline) return problems;
    await new Promise((r) => setTimeout(r, 100));
  }
}
