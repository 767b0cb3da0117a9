// Entry point of the simulated cluster (the package's main export): store + API server + controllers/kubelet + traffic.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createStore } from './store.ts';
import type { SimStoreImpl } from './store.ts';
import { startApiServer, type ServingCert } from './server.ts';
import { Faults, RequestStats } from './faults.ts';
import type { SimStats } from './faults.ts';
import { startTraffic } from './traffic.ts';
import { startControllers } from './controllers/index.ts';
import type { RunningControllers } from './controllers/index.ts';
import type { SimTraffic } from './traffic.ts';
import type { SimClock, SimOptions, TimelineSample } from './types.ts';

export type { SimStats, FaultRule, RequestRecord, ApiVerb } from './faults.ts';
export { Faults } from './faults.ts';
export type { SimStoreImpl } from './store.ts';
export type { ServingCert } from './server.ts';
export type { KubeObject, SimClock, SimOptions, SimStore, TimelineSample } from './types.ts';
// The parts the product's own tests drive without an API server (traffic model on a bare store).
export { createStore } from './store.ts';
export { startTraffic, type SimTraffic, type VersionCounts } from './traffic.ts';
export { podServes, seededRandom } from './traffic/pods.ts';

export interface StartOptions extends SimOptions {
  /** Run the controllers and kubelet (default true). */
  controllers?: boolean;
  /** How many store events watches can resume from (default 1000); small values force 410 Gone. */
  eventWindow?: number;
  /** Real seconds between BOOKMARK events on watches that allow them (default 60, as upstream). */
  watchBookmarkSeconds?: number;
  /**
   * Serve HTTPS with this key and self-signed certificate (PEM); the kubeconfig then trusts the
   * certificate (certificate-authority-data) instead of skipping verification.
   */
  tls?: ServingCert;
}

export interface SimCluster {
  /** API server base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Kubeconfig YAML: cluster/user/context `sim` (token of the first system:masters token, if tokens are set). */
  kubeconfig: string;
  /** The same kubeconfig written to a temp file (removed by stop()). */
  kubeconfigPath: string;
  /** Kubeconfig text for one bearer token of SimOptions.tokens. */
  kubeconfigFor(token: string): string;
  /** Prometheus text exposition of the traffic model: url + '/metrics'. */
  metricsUrl: string;
  store: SimStoreImpl;
  clock: SimClock;
  traffic: SimTraffic;
  /** The controllers + kubelet (undefined with `controllers: false`); sync() runs one pass now. */
  controllers?: RunningControllers;
  faults: Faults;
  /** Request counters and log since start (or the last resetStats()). */
  stats(): SimStats;
  /** TCP connections the API server accepted since start (keep-alive reuses them). */
  connections(): number;
  resetStats(): void;
  timeline(): TimelineSample[];
  /** CPU utilization (%) of a workload for its HPA (see RunningControllers.setUtilization). */
  setUtilization(namespace: string, name: string, percent: number): void;
  stop(): Promise<void>;
}

export function kubeconfigYaml(url: string, token?: string, caCert?: string): string {
  const trust = caCert
    ? { 'certificate-authority-data': Buffer.from(caCert).toString('base64') }
    : // client-node refuses plain http unless TLS verification is explicitly off.
      { 'insecure-skip-tls-verify': true };
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'sim', cluster: { server: url, ...trust } }],
    users: [{ name: 'sim', user: token ? { token } : {} }],
    contexts: [{ name: 'sim', context: { cluster: 'sim', user: 'sim', namespace: 'default' } }],
    'current-context': 'sim',
    preferences: {},
  });
}

export async function startSimCluster(options: StartOptions = {}): Promise<SimCluster> {
  const scale = options.timeScale ?? 0.1;
  const clock: SimClock = { scale, ms: (s) => s * 1000 * scale, now: Date.now };
  const store = createStore({ eventWindow: options.eventWindow });
  const controllers =
    options.controllers === false ? undefined : startControllers(store, clock, { nodes: options.nodes });
  const traffic = startTraffic(store, clock, { rps: options.rps, markedTraffic: options.markedTraffic });
  const faults = new Faults();
  const stats = new RequestStats();
  let server;
  try {
    server = await startApiServer({
      store,
      faults,
      stats,
      port: options.port,
      tokens: options.tokens,
      rbac: options.rbac,
      anonymousAuth: options.anonymousAuth,
      metricsText: () => traffic.metricsText(),
      watchBookmarkSeconds: options.watchBookmarkSeconds,
      tls: options.tls,
    });
  } catch (err) {
    controllers?.stop();
    traffic.stop();
    throw err;
  }
  const tokens = Object.entries(options.tokens ?? {});
  const adminToken = (tokens.find(([, t]) => t.groups?.includes('system:masters')) ?? tokens[0])?.[0];
  const kubeconfig = kubeconfigYaml(server.url, adminToken, options.tls?.cert);
  const dir = mkdtempSync(join(tmpdir(), 'kube-sim-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, kubeconfig, { mode: 0o600 });
  let stopped = false;
  return {
    url: server.url,
    kubeconfig,
    kubeconfigPath,
    kubeconfigFor: (token) => kubeconfigYaml(server.url, token, options.tls?.cert),
    metricsUrl: `${server.url}/metrics`,
    store,
    clock,
    traffic,
    controllers,
    faults,
    stats: () => stats.snapshot(),
    connections: () => server.connections(),
    resetStats: () => stats.reset(),
    timeline: () => traffic.timeline(),
    setUtilization: (namespace, name, percent) => controllers?.setUtilization(namespace, name, percent),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      controllers?.stop();
      traffic.stop();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
