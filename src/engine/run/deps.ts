// What a release flow is given: the validated config, the clients, and the run's identity.
import type { MetricProvider } from '../../analysis/provider.ts';
import type { Config } from '../../config/types.ts';
import type { Cluster } from '../../kube/types.ts';
import type { ManifestSet } from '../../manifests/types.ts';
import type { GitHubLinks, ReleaseHistory, RolloutRecord, WorkflowRun } from '../../record/types.ts';
import type { Logger } from './context.ts';
import type { MonotonicClock } from '../../clock.ts';
import type { Redact } from '../../cut.ts';

export interface ReleaseDeps {
  config: Config;
  cluster: Cluster;
  log: Logger;
  signal: AbortSignal;
  providers: Readonly<Record<string, MetricProvider>>;
  /** Rendered and validated manifests (deploy and plan). */
  manifests?: ManifestSet;
  /** Identifies this run in the Lease (run id, attempt, job). */
  holder: string;
  runUrl?: string;
  /** The workflow run this is (run number and attempt): a deploy never replaces a later run's release. */
  workflowRun?: WorkflowRun;
  commit?: string;
  /** At every step boundary, with the release as reported; returns the GitHub links to keep. */
  onProgress?: (report: RolloutRecord) => Promise<GitHubLinks | void>;
  /** Scrubs known secret values from a history's free text; the state writer applies it on every save. */
  redactRecord?: (record: ReleaseHistory) => ReleaseHistory;
  /** Scrubs known secret values from text (metric answers) before it is shortened and stored. */
  redact?: Redact;
  /** Called once the release's name is known, before anything is written (for the post step). */
  onStarted?: (name: string, namespace: string) => void;
  now?: () => Date;
  /** Elapsed time for lease expiry and lock timeouts (tests pass a controllable one). */
  monotonic?: MonotonicClock;
  /** Waits for pauses and delays (tests pass an instant one). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}
