// One release of the in-process lifecycle tests (test/integration/lifecycle-*.test.ts): its own
// namespace and app name, manifests per version, engine runs with the test inputs, the invariant,
// and the hand-made "dead run" (state at progressing, a Lease nobody renews).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Inputs } from '../../src/config/index.ts';
import { runEngine, type EngineOptions, type EngineRun } from './engine.ts';
import { checkReleaseInvariant, readState } from './invariant.ts';
import { writeApp, type AppOptions } from './manifests.ts';
import type { SimCluster } from '@kube-rollout/kube-sim';

let seq = 0;

/** The name the next LifecycleRelease gets (for inputs that must name its objects). */
export function nextReleaseName(): string {
  return `app${seq + 1}`;
}

export const PAUSED_STEPS = stringify([{ setWeight: 50 }, { pause: {} }]);
export const TWO_PAUSES = stringify([{ setWeight: 50 }, { pause: {} }, { setWeight: 100 }, { pause: {} }]);

/** One release in its own namespace: manifests per version, runs and the invariant. */
export class LifecycleRelease {
  readonly name = `app${++seq}`;
  readonly namespace = `lc-${seq}`;
  private readonly dirs = new Map<string, string>();

  constructor(
    private readonly sim: SimCluster,
    private readonly shape: Partial<Inputs> = {},
    private readonly app: AppOptions | 'statefulset' = {},
  ) {
    this.sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: this.namespace } });
  }

  manifests(env: Record<string, string> = {}): string {
    const key = JSON.stringify(env);
    if (!this.dirs.has(key))
      this.dirs.set(
        key,
        this.app === 'statefulset'
          ? statefulSetApp(this.name, env)
          : writeApp({ replicas: 2, ...this.app, name: this.name, env }),
      );
    return this.dirs.get(key)!;
  }

  inputs(extra: Partial<Inputs>): Partial<Inputs> {
    return {
      namespace: this.namespace,
      name: this.name,
      'version-label': 'version',
      'scale-down-delay': '0s',
      'lease-duration': '2s',
      'lock-timeout': '60s',
      'progress-deadline': '20s',
      timeout: '2m',
      ...extra,
    };
  }

  deploy(version: string, extra: Partial<Inputs> = {}, env?: Record<string, string>, opts?: EngineOptions) {
    return runEngine(
      this.sim,
      this.inputs({
        ...this.shape,
        manifests: this.manifests(env),
        images: `registry.local:5000/acme/${this.name}:${version}`,
        ...extra,
      }),
      opts,
    );
  }

  act(action: 'promote' | 'rollback' | 'status', extra: Partial<Inputs> = {}, opts?: EngineOptions) {
    return runEngine(this.sim, this.inputs({ ...this.shape, action, ...extra }), opts);
  }

  state() {
    return readState(this.sim, this.namespace, this.name) ?? undefined;
  }

  invariant(liveHolders: string[] = []): string[] {
    return checkReleaseInvariant(this.sim, { name: this.name, namespace: this.namespace, liveHolders });
  }

  assertConsistent(context: string): void {
    const violations = this.invariant();
    assert.deepEqual(violations, [], `${context}: ${violations.join('\n')}`);
  }

  /** v1 released (a first release is a plain rolling one) and `version` paused at 50%. */
  async pausedAt(version: string, steps = PAUSED_STEPS): Promise<void> {
    // A first canary/blue-green release falls back to a plain rolling one.
    expectResult(await this.deploy('v1'), 'promoted');
    expectResult(await this.deploy(version, this.shape.strategy === 'blue-green' ? {} : { steps }), 'paused');
    this.assertConsistent(`${version} paused`);
  }

  /**
   * Makes the stored release look like a run died in the middle of it: phase progressing (at
   * `currentStep` when given), Lease held.
   */
  killHolder(holder: string, at: { currentStep?: number } = {}): void {
    this.markProgressing(at);
    this.holdLease(holder, 2);
  }

  private markProgressing(at: { currentStep?: number }): void {
    const cm = this.sim.store.get('v1', 'ConfigMap', this.namespace, `kube-rollout-${this.name}`)!;
    const state = JSON.parse(cm.data!['state.json']);
    cm.data!['state.json'] = JSON.stringify({ ...state, ...at, phase: 'progressing' });
    this.sim.store.update(cm);
  }

  /** Writes the Lease as `holder` would, renewed now. */
  holdLease(holder: string, seconds: number): void {
    const renewTime = new Date().toISOString().replace('Z', '000Z');
    const spec = { holderIdentity: holder, leaseDurationSeconds: seconds, acquireTime: renewTime, renewTime };
    const lease = this.sim.store.get(
      'coordination.k8s.io/v1',
      'Lease',
      this.namespace,
      `kube-rollout-${this.name}`,
    );
    if (lease) this.sim.store.update({ ...lease, spec: { ...lease.spec, ...spec } });
    else
      this.sim.store.create({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: `kube-rollout-${this.name}`, namespace: this.namespace },
        spec,
      });
  }

  /** True when the user's Deployment's pod template carries `version`. */
  stableRuns(version: string): boolean {
    const d = this.sim.store.get('apps/v1', 'Deployment', this.namespace, this.name);
    return d?.spec?.template?.metadata?.labels?.version === version;
  }

  /** Versions of the pods that exist and are not being deleted. */
  liveVersions(): Set<string> {
    return new Set(
      this.sim.store
        .list('v1', 'Pod', this.namespace)
        .filter((p) => !p.metadata.deletionTimestamp)
        .map((p) => p.metadata.labels?.version ?? '?'),
    );
  }
}

export function expectResult(run: EngineRun, result: string): void {
  assert.ifError(run.error);
  assert.equal(run.record?.result, result, run.log.join('\n'));
}

function statefulSetApp(name: string, env: Record<string, string>): string {
  const labels = { app: name };
  const dir = mkdtempSync(join(tmpdir(), 'kr-lc-sts-'));
  const objects = [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, labels },
      spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name, labels },
      spec: {
        replicas: 2,
        serviceName: name,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name,
                image: `registry.local:5000/acme/${name}:v1`,
                env: Object.entries({ SIM_STARTUP_SECONDS: '1', ...env }).map(([k, value]) => ({
                  name: k,
                  value,
                })),
              },
            ],
          },
        },
      },
    },
  ];
  writeFileSync(join(dir, 'app.yaml'), objects.map((o) => stringify(o)).join('---\n'));
  return dir;
}

export function virtualService(name: string): object {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name },
    spec: { hosts: [`${name}.example`], http: [{ name: 'main', route: [{ destination: { host: name } }] }] },
  };
}

export async function waitFor(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
