// The actions (deploy, promote, rollback, status) as flows over the cluster: validate and dry-run
// before the first write, take the app's lock, run the plan from the stored step, and leave a
// RolloutRecord for the reporters.
import type { MetricProvider } from '../analysis/provider.ts';
import type { ProviderName } from '../analysis/types.ts';
import type { Config } from '../config/types.ts';
import { acquireLock } from './lock.ts';
import type { Cluster, KubeObject } from '../kube/types.ts';
import { refOf } from '../kube/types.ts';
import type { ManifestSet } from '../manifests/types.ts';
import { preflight } from '../preflight/index.ts';
import { loadReleaseState } from '../state/release-state.ts';
import { strategyFor } from '../strategies/index.ts';
import { workloadKey } from '../strategies/types.ts';
import { abortableSleep, type Logger, type RunContext } from './context.ts';
import { dryRunAll } from './dry-run.ts';
import { runPlan, saveState } from './executor.ts';
import { handlersFor } from './handlers/index.ts';
import type { ReleaseResult, ReleaseSettings, ReleaseState, RolloutRecord } from '../record/types.ts';
import { rollbackToRevision } from './undo.ts';
import { readLive, revisionOf, versionOf } from './workloads.ts';

export interface ReleaseDeps {
  config: Config;
  cluster: Cluster;
  log: Logger;
  signal: AbortSignal;
  providers: Record<ProviderName, MetricProvider>;
  /** Rendered and validated manifests (deploy and plan). */
  manifests?: ManifestSet;
  /** Identifies this run in the Lease (run id, attempt, job). */
  holder: string;
  runUrl?: string;
  commit?: string;
  onProgress?: (record: RolloutRecord) => Promise<void>;
  /** Called once the release's name is known, before anything is written (for the post step). */
  onStarted?: (name: string, namespace: string) => void;
  now?: () => Date;
  /** Waits for pauses and delays (tests pass an instant one). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export function releaseName(config: Config, manifests?: ManifestSet, state?: ReleaseState): string {
  const name = config.name ?? manifests?.workloads[0]?.object.metadata.name ?? state?.name;
  if (!name)
    throw new Error(
      "cannot tell which release this is: set the 'name' input or give 'manifests' with a workload",
    );
  return name;
}

function newRecord(deps: ReleaseDeps, name: string, newVersion: string, now: Date): RolloutRecord {
  const { config } = deps;
  return {
    app: name,
    namespace: config.namespace,
    ...(config.environment ? { environment: config.environment } : {}),
    action: config.action,
    strategy: config.strategy,
    ...(config.strategy === 'canary' || config.strategy === 'blue-green' ? { traffic: config.traffic } : {}),
    newVersion,
    canaryWeight: 0,
    startedAt: now.toISOString(),
    ...(deps.runUrl ? { runUrl: deps.runUrl } : {}),
    ...(deps.commit ? { commit: deps.commit } : {}),
    steps: [],
    measurements: [],
    evidence: [],
    weights: [],
    notes: [],
  };
}

function finish(record: RolloutRecord, result: ReleaseResult, now: Date): RolloutRecord {
  record.result = result;
  record.finishedAt = now.toISOString();
  if (!record.servingVersion) {
    record.servingVersion =
      result === 'promoted' || result === 'unchanged'
        ? record.newVersion
        : (record.previousVersion ?? record.newVersion);
  }
  return record;
}

async function withLock<T>(deps: ReleaseDeps, name: string, fn: () => Promise<T>): Promise<T> {
  const lock = await acquireLock(deps.cluster, {
    namespace: deps.config.namespace,
    name,
    holder: deps.holder,
    timeoutMs: deps.config.lockTimeoutMs,
    leaseDurationSeconds: Math.max(1, Math.round(deps.config.leaseDurationMs / 1000)),
    signal: deps.signal,
    onWait: (holder) => deps.log.info(`waiting for the release lock held by ${holder}`),
  });
  try {
    return await fn();
  } finally {
    await lock.release().catch((err: Error) => deps.log.warn(`could not release the lock: ${err.message}`));
  }
}

function context(
  deps: ReleaseDeps,
  name: string,
  manifests: ManifestSet,
  state: ReleaseState,
  stable: Map<string, KubeObject | undefined>,
): RunContext {
  const strategy = strategyFor(state.strategy);
  const config = {
    ...deps.config,
    ...(state.settings ?? {}),
    strategy: state.strategy,
    ...(state.traffic ? { traffic: state.traffic } : {}),
  };
  return {
    config,
    cluster: deps.cluster,
    log: deps.log,
    signal: deps.signal,
    name,
    namespace: deps.config.namespace,
    plan: strategy.plan(config, manifests, { workloads: stable }),
    manifests,
    state,
    record: state.record,
    providers: deps.providers,
    stable,
    onProgress: deps.onProgress,
    now: deps.now ?? (() => new Date()),
    sleep: deps.sleep ?? abortableSleep,
  };
}

export async function deploy(deps: ReleaseDeps): Promise<RolloutRecord> {
  const { config, cluster } = deps;
  const manifests = deps.manifests;
  if (!manifests) throw new Error("action 'deploy' needs the 'manifests' input");
  const now = deps.now ?? (() => new Date());
  const name = releaseName(config, manifests);
  const live = await readLive(
    cluster,
    manifests.workloads.map((w) => w.object),
  );
  const firstLive = live.get(workloadKey(manifests.workloads[0].object));
  // A first release has no stable version to compare against or fall back to: it is applied directly.
  const progressive = config.strategy === 'canary' || config.strategy === 'blue-green';
  const effective = progressive && !firstLive ? 'rolling' : config.strategy;
  const plan = strategyFor(effective).plan(config, manifests, { workloads: live });
  const overrides = new Map(manifests.workloads.map((w, i) => [w, plan.workloads[i]]));
  await preflight(deps, plan, manifests, { name, live }); // every problem at once, before any write
  const dryRun = await dryRunAll(cluster, manifests.objects, overrides);
  deps.onStarted?.(name, config.namespace);

  return withLock(deps, name, async () => {
    const existing = await loadReleaseState(cluster, config.namespace, name);
    const sameRelease =
      existing && existing.state.newVersion === manifests.version && existing.state.strategy === effective;
    if (
      existing &&
      sameRelease &&
      (existing.state.phase === 'progressing' || existing.state.phase === 'paused')
    ) {
      deps.log.info(
        `resuming release ${manifests.version} of ${name} at step ${existing.state.currentStep + 1}`,
      );
      const stable = new Map(
        (existing.state.stableSnapshot as KubeObject[]).map((o) => [workloadKey(o), o] as const),
      );
      const ctx = context(deps, name, manifests, existing.state, stable);
      ctx.record.action = 'deploy';
      return finish(ctx.record, await runPlan(ctx, handlersFor(ctx.plan)), now());
    }

    const record = newRecord(deps, name, manifests.version, now());
    if (effective !== config.strategy) {
      record.notes.push(
        `first release of ${name}: there is no stable version yet, so it was applied with a plain rolling update`,
      );
    }
    const previousVersion = versionOf(firstLive, config.versionLabel);
    if (previousVersion) record.previousVersion = previousVersion;

    const unchanged = dryRun
      .filter((r) => manifests.workloads.includes(r.source))
      .every((r) => {
        const before = live.get(workloadKey(r.source.object));
        return before && r.result && r.result.metadata.generation === before.metadata.generation;
      });
    if (unchanged && existing?.state.phase !== 'progressing' && existing?.state.phase !== 'paused') {
      deps.log.info(`every workload already runs this template: nothing to roll out`);
      record.revision = revisionOf(firstLive);
      return finish(record, 'unchanged', now());
    }

    const snapshot = await snapshotStable(cluster, manifests, live);
    const state: ReleaseState = {
      schema: 1,
      name,
      phase: 'progressing',
      strategy: effective,
      ...(record.traffic ? { traffic: record.traffic } : {}),
      ...(previousVersion ? { stableVersion: previousVersion } : {}),
      newVersion: manifests.version,
      currentStep: 0,
      canaryWeight: 0,
      rendered: manifests.objects.map((o) => o.object),
      settings: releaseSettings(config),
      stableSnapshot: snapshot,
      updatedAt: now().toISOString(),
      ...(deps.runUrl ? { runUrl: deps.runUrl } : {}),
      record,
    };
    const ctx = context(deps, name, manifests, state, live);
    return finish(record, await runPlan(ctx, handlersFor(ctx.plan)), now());
  });
}

const SETTING_KEYS = [
  'steps',
  'analysis',
  'autoPromote',
  'scaleDownDelayMs',
  'previewService',
  'versionLabel',
  'ingress',
  'route',
  'virtualService',
  'trafficSplit',
  'prometheusUrl',
] as const satisfies readonly (keyof ReleaseSettings)[];

/** The inputs that shape the plan, kept in the state (JSON round trip drops unset ones). */
function releaseSettings(config: Config): ReleaseSettings {
  return JSON.parse(JSON.stringify(Object.fromEntries(SETTING_KEYS.map((k) => [k, config[k]]))));
}

/** Live copies of every object the release will touch, taken before the first write. */
async function snapshotStable(
  cluster: Cluster,
  manifests: ManifestSet,
  live: Map<string, KubeObject | undefined>,
): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  for (const { object } of manifests.objects) {
    const key = workloadKey(object);
    const current = live.has(key) ? live.get(key) : await cluster.get(refOf(object)).catch(() => undefined);
    if (current) out.push(current);
  }
  return out;
}

/** Continues a paused release from its stored step (or to the end with `promote-full`). */
export async function promote(deps: ReleaseDeps): Promise<RolloutRecord> {
  return continueStored(deps, 'promote');
}

export async function rollback(deps: ReleaseDeps): Promise<RolloutRecord> {
  const { config } = deps;
  if (config.strategy === 'rolling' || config.strategy === 'recreate') {
    const name = config.name ?? deps.manifests?.workloads[0]?.object.metadata.name;
    const stored = name ? await loadReleaseState(deps.cluster, config.namespace, name) : undefined;
    if (
      !stored ||
      stored.state.phase === 'promoted' ||
      stored.state.phase === 'rolled-back' ||
      stored.state.phase === 'failed'
    ) {
      return undoNative(deps, stored?.state);
    }
  }
  return continueStored(deps, 'rollback');
}

async function undoNative(deps: ReleaseDeps, state?: ReleaseState): Promise<RolloutRecord> {
  const now = deps.now ?? (() => new Date());
  const workloads =
    deps.manifests?.workloads.map((w) => w.object) ??
    ((state?.rendered ?? []) as KubeObject[]).filter((o) =>
      ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind),
    );
  if (workloads.length === 0)
    throw new Error(
      deps.config.name
        ? `no release named '${deps.config.name}' in namespace '${deps.config.namespace}' to roll back, and no 'manifests' to find its workloads`
        : "action 'rollback' needs the 'manifests' input or an earlier release recorded under 'name'",
    );
  const name = releaseName(deps.config, deps.manifests, state);
  deps.onStarted?.(name, deps.config.namespace);
  return withLock(deps, name, async () => {
    const live = await readLive(deps.cluster, workloads);
    const current = live.get(workloadKey(workloads[0]));
    const record = newRecord(deps, name, versionOf(current, deps.config.versionLabel) ?? 'unknown', now());
    record.previousVersion = record.newVersion;
    const result = await rollbackToRevision(deps, workloads, live, record);
    return finish(record, result, now());
  });
}

async function continueStored(deps: ReleaseDeps, action: 'promote' | 'rollback'): Promise<RolloutRecord> {
  const { config } = deps;
  const now = deps.now ?? (() => new Date());
  const name = releaseName(config, deps.manifests);
  const unknown = () =>
    new Error(`no release named '${name}' in namespace '${config.namespace}': nothing to ${action}`);
  // Refused before the Lease is taken: an unknown release must cost no write.
  if (!(await loadReleaseState(deps.cluster, config.namespace, name))) throw unknown();
  deps.onStarted?.(name, config.namespace);
  return withLock(deps, name, async () => {
    const stored = await loadReleaseState(deps.cluster, config.namespace, name);
    if (!stored) throw unknown();
    const { state } = stored;
    const record = state.record;
    record.action = action;
    if (state.phase !== 'progressing' && state.phase !== 'paused') {
      deps.log.info(`release ${state.newVersion} of ${name} is already ${state.phase}: nothing to ${action}`);
      return finish(
        record,
        state.phase === 'promoted' ? 'promoted' : state.phase === 'rolled-back' ? 'rolled-back' : 'failed',
        now(),
      );
    }
    const manifests = storedManifests(state);
    const stable = new Map((state.stableSnapshot as KubeObject[]).map((o) => [workloadKey(o), o] as const));
    const ctx = context(deps, name, manifests, state, stable);
    const handlers = handlersFor(ctx.plan);
    if (action === 'rollback') {
      record.rollbackReason = 'rolled back by request (action: rollback)';
      await ctx.log.group('rollback', () => handlers.rollback(ctx, record.rollbackReason!));
      record.steps.push({
        index: record.steps.length,
        kind: 'rollback',
        label: 'rollback (requested)',
        startedAt: now().toISOString(),
        finishedAt: now().toISOString(),
        verdict: 'passed',
      });
      await saveState(ctx, 'rolled-back');
      return finish(record, 'rolled-back', now());
    }
    if (config.promoteFull)
      ctx.plan = {
        ...ctx.plan,
        steps: ctx.plan.steps.map((s, i) =>
          i >= state.currentStep && s.kind !== 'promote' && s.kind !== 'switch' && s.kind !== 'deploy-new'
            ? { kind: 'pause', durationMs: 0 }
            : s,
        ),
      };
    return finish(record, await runPlan(ctx, handlers), now());
  });
}

/** The release's manifests as stored in its state, so promote/rollback need no checkout. */
export function storedManifests(state: ReleaseState): ManifestSet {
  const objects = (state.rendered as KubeObject[]).map((object) => ({
    object,
    file: '(stored release)',
    line: 1,
  }));
  return {
    objects,
    workloads: objects.filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.object.kind)),
    version: state.newVersion,
  };
}

export async function status(deps: ReleaseDeps): Promise<RolloutRecord> {
  const name = releaseName(deps.config, deps.manifests);
  const stored = await loadReleaseState(deps.cluster, deps.config.namespace, name);
  const now = deps.now ?? (() => new Date());
  if (!stored) {
    const record = newRecord(deps, name, 'none', now());
    record.notes.push(`no release named '${name}' has been recorded in namespace '${deps.config.namespace}'`);
    return finish(record, 'unchanged', now());
  }
  const record = { ...stored.state.record, action: 'status' as const };
  const byPhase: Record<ReleaseState['phase'], ReleaseResult> = {
    progressing: 'paused',
    paused: 'paused',
    promoted: 'promoted',
    'rolled-back': 'rolled-back',
    failed: 'failed',
  };
  record.result = byPhase[stored.state.phase];
  if (stored.state.phase === 'progressing')
    record.notes.push('the release is still progressing (or its run died); a new run resumes it');
  return record;
}
