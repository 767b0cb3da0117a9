// Building blocks of a run: its record, its context for the step handlers, and the pieces of a
// release state that later runs need (stored manifests, settings, the stable snapshot).
import type { Config } from '../../config/types.ts';
import { type Cluster, type KubeObject, workloadKey } from '../../kube/types.ts';
import { isWorkload } from '../../manifests/pods.ts';
import type { ManifestSet } from '../../manifests/types.ts';
import { reportOf } from '../../record/report.ts';
import {
  STATE_SCHEMA,
  type ReleaseHistory,
  type ReleaseResult,
  type ReleaseSettings,
  type ReleaseState,
  type RolloutRecord,
} from '../../record/types.ts';
import { providerSettings } from '../../analysis/providers/index.ts';
import { strategyFor } from '../../strategies/index.ts';
import { routeTargets } from '../../traffic/index.ts';
import { everythingChanges, scopeFromStored } from '../../strategies/scope.ts';
import { readLive } from '../objects/workloads.ts';
import { snapshotCopy } from '../../state/release-state.ts';
import type { NoOpProofs } from '../objects/no-op-apply.ts';
import { abortableSleep, type RunContext } from './context.ts';
import type { ReleaseDeps } from './deps.ts';
import type { RunLock } from './run-lock.ts';
import { keepText } from '../../cut.ts';

export function releaseName(config: Config, manifests?: ManifestSet, state?: ReleaseState): string {
  const name = config.name ?? manifests?.workloads[0]?.object.metadata.name ?? state?.name;
  if (!name)
    throw new Error(
      "cannot tell which release this is: set the 'name' input or give 'manifests' with a workload",
    );
  return name;
}

/** A release's history as it starts: nothing has happened yet. */
export function newHistory(deps: ReleaseDeps, name: string, now: Date): ReleaseHistory {
  const { config } = deps;
  return {
    app: name,
    namespace: config.namespace,
    ...(config.environment ? { environment: config.environment } : {}),
    action: config.action,
    startedAt: now.toISOString(),
    ...(deps.commit ? { commit: deps.commit } : {}),
    steps: [],
    measurements: [],
    evidence: [],
    weights: [],
    notes: [],
  };
}

/**
 * A release state as a run starts it, before anything is written (a run that writes nothing, or
 * finds nothing to change, reports from it and never saves it).
 */
export function draftState(deps: ReleaseDeps, name: string, newVersion: string, now: Date): ReleaseState {
  const { config } = deps;
  return {
    schema: STATE_SCHEMA,
    name,
    phase: 'progressing',
    strategy: config.strategy,
    ...(strategyFor(config.strategy).movesTraffic ? { traffic: config.traffic } : {}),
    newVersion,
    currentStep: 0,
    canaryWeight: 0,
    rendered: [],
    stableSnapshot: [],
    updatedAt: now.toISOString(),
    ...(deps.runUrl ? { runUrl: deps.runUrl } : {}),
    record: newHistory(deps, name, now),
  };
}

/**
 * The run's result in the history, and the report of it. A state that does not say which version
 * serves takes the new one after a promotion, else the one before.
 */
export function finish(state: ReleaseState, result: ReleaseResult, now: Date): RolloutRecord {
  const { record } = state;
  record.result = result;
  record.finishedAt = now.toISOString();
  state.servingVersion ??=
    result === 'promoted' || result === 'unchanged'
      ? state.newVersion
      : (record.previousVersion ?? state.newVersion);
  return reportOf(state);
}

/** The settings a stored release runs with: the inputs, overridden by what the release stored. */
export function storedConfig(config: Config, state: ReleaseState): Config {
  return {
    ...config,
    ...(state.settings ?? {}),
    strategy: state.strategy,
    ...(state.traffic ? { traffic: state.traffic } : {}),
  };
}

/** The context step handlers run in, for a state this run owns under `lock`. */
export function buildContext(
  deps: ReleaseDeps,
  lock: RunLock,
  manifests: ManifestSet,
  state: ReleaseState,
  stateVersion: string | undefined,
  noOpProofs?: NoOpProofs,
): RunContext {
  const config = storedConfig(deps.config, state);
  const stable = new Map(state.stableSnapshot.map((o) => [workloadKey(o), o] as const));
  const copies = strategyFor(state.strategy).copySuffix !== undefined;
  const scope = state.scope ? scopeFromStored(state.scope) : everythingChanges(manifests, copies);
  return {
    config,
    cluster: lock.cluster,
    log: deps.log,
    signal: lock.signal,
    lost: lock.lost,
    name: state.name,
    namespace: deps.config.namespace,
    plan: strategyFor(state.strategy).plan(config, manifests, { workloads: stable, scope }),
    scope,
    manifests,
    state,
    record: state.record,
    providers: deps.providers,
    stable,
    holder: deps.holder,
    stateVersion,
    secretStore: lock.secretStore,
    onProgress: deps.onProgress,
    ...(deps.redactRecord ? { redactRecord: deps.redactRecord } : {}),
    redact: deps.redact ?? keepText,
    now: deps.now ?? (() => new Date()),
    sleep: deps.sleep ?? abortableSleep,
    ...(noOpProofs ? { noOpProofs } : {}),
  };
}

const SETTING_KEYS = [
  'steps',
  'analysis',
  'autoPromote',
  'autoPromoteAfterMs',
  'maxSurge',
  'scaleDownDelayMs',
  'previewService',
  'versionLabel',
] as const satisfies readonly (keyof ReleaseSettings)[];

/**
 * The inputs that shape the plan, kept in the state (JSON round trip drops unset ones): the
 * action's own, the names of the routers' objects and the providers' run-wide settings.
 */
export function releaseSettings(config: Config): ReleaseSettings {
  const keys: string[] = [
    ...SETTING_KEYS,
    ...routeTargets().map((t) => t.configKey),
    ...providerSettings().map((s) => s.configKey),
  ];
  const values = config as unknown as Record<string, unknown>;
  return JSON.parse(JSON.stringify(Object.fromEntries(keys.map((k) => [k, values[k]]))));
}

/**
 * Every object of the manifests that exists, as it runs now (by workloadKey). Read under the
 * Lease, after the dry runs: what the no-op proofs are checked against (no-op-apply.ts).
 */
export async function readCurrent(
  cluster: Cluster,
  manifests: ManifestSet,
): Promise<Map<string, KubeObject>> {
  const read = await readLive(
    cluster,
    manifests.objects.map((o) => o.object),
    { tolerant: true },
  );
  return new Map([...read].filter((entry): entry is [string, KubeObject] => entry[1] !== undefined));
}

/**
 * Live copies of every object the release will touch, taken before the first write: workloads as
 * the release was planned against them (`live`), the other objects as read under the Lease.
 */
export function snapshotStable(
  manifests: ManifestSet,
  live: Map<string, KubeObject | undefined>,
  current: Map<string, KubeObject>,
): KubeObject[] {
  return manifests.objects
    .map(({ object }) => {
      const key = workloadKey(object);
      return live.has(key) ? live.get(key) : current.get(key);
    })
    .filter((o): o is KubeObject => o !== undefined)
    .map(snapshotCopy);
}

/** The release's manifests as stored in its state, so promote/rollback need no checkout. */
export function storedManifests(state: ReleaseState): ManifestSet {
  const objects = state.rendered.map((object) => ({
    object,
    file: '(stored release)',
    line: 1,
  }));
  return { objects, workloads: objects.filter((o) => isWorkload(o.object)), version: state.newVersion };
}

/** Workloads of a release: from the manifests given, else from the stored release. */
export function releaseWorkloads(deps: ReleaseDeps, state?: ReleaseState): KubeObject[] {
  return (
    deps.manifests?.workloads.map((w) => w.object) ?? (state?.rendered ?? []).filter((o) => isWorkload(o))
  );
}
