import type { MetricProvider } from '../../analysis/provider.ts';
import type { ReleaseScope } from '../../strategies/scope.ts';
import type { Config } from '../../config/types.ts';
import type { Cluster, KubeObject } from '../../kube/types.ts';
import type { ManifestSet } from '../../manifests/types.ts';
import type { Plan } from '../../strategies/types.ts';
import type { GitHubLinks, ReleaseHistory, ReleaseState, RolloutRecord } from '../../record/types.ts';
import type { StoreMemo } from '../../state/secret-store-io.ts';
import type { Redact } from '../../cut.ts';
import type { NoOpProofs } from '../objects/no-op-apply.ts';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

/** Everything a step handler may use. Built once per run by src/engine/actions/release.ts. */
export interface RunContext {
  config: Config;
  cluster: Cluster;
  log: Logger;
  /** Ends the run's waits: cancellation (SIGINT/SIGTERM) or the loss of the release lock. */
  signal: AbortSignal;
  /**
   * Aborted only when the release lock is lost. Rollbacks run on despite a cancellation (they are
   * what a cancellation asks for) but stop here: the release then belongs to another run.
   */
  lost: AbortSignal;
  /** The release's name (state ConfigMap, Lease, PR marker). */
  name: string;
  namespace: string;
  plan: Plan;
  /** Rendered manifests (deploy) or the ones stored in the state (promote/rollback). */
  manifests: ManifestSet;
  /** The release's position, written after every step. */
  state: ReleaseState;
  /** Its history (the state's `record`): steps, measurements, evidence, notes. */
  record: ReleaseHistory;
  providers: Readonly<Record<string, MetricProvider>>;
  /** Live workloads as they were before the release touched them, by workloadKey. */
  stable: Map<string, KubeObject | undefined>;
  /** Which workloads the release changes, and which of them run as copies. */
  scope: ReleaseScope;
  /**
   * A deploy's dry runs that changed nothing of the objects as read under the Lease, by
   * workloadKey: such an object is not sent (no-op-apply.ts). Unset in runs that made no dry run.
   */
  readonly noOpProofs?: NoOpProofs;
  /** This run's identity in the release's Lease (also written into the state). */
  holder: string;
  /** resourceVersion of the state ConfigMap as this run last read or wrote it (undefined: none yet). */
  stateVersion: string | undefined;
  /** What this run knows its Secret store holds (the run's, shared by all its saves). */
  secretStore: StoreMemo;
  /**
   * Called at every step boundary so reporters (PR comment) can follow along; the GitHub links
   * they hand back are kept in the history.
   */
  onProgress?: (report: RolloutRecord) => Promise<GitHubLinks | void>;
  redactRecord?: (record: ReleaseHistory) => ReleaseHistory;
  /** Scrubs known secret values from text this run quotes (metric answers), before it is cut. */
  redact: Redact;
  now(): Date;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** The one abortable sleep (src/duration.ts): rejects with the signal's reason. */
export { sleep as abortableSleep } from '../../duration.ts';
