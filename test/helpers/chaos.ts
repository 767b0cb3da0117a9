// Randomized releases through the bundled action (dist/index.js) against one simulated cluster:
// every strategy and router, transient API faults, SIGTERM (with the post step) and SIGKILL (none)
// at random points, then clean re-runs until a run ends with a result, then the release invariant.
// Release i of a run with seed S uses seed S+i alone, so `--seed S+i --releases 1` replays it.
import { runAction, skewedClockEnv, type ActionRun } from './action.ts';
import {
  FIXTURE_SHAPES,
  FIXTURE_VERSION_LABEL,
  fixtureScope,
  fixtureImage,
  fixtureManifests,
  type FixtureTarget,
} from './chaos-apps.ts';
import { checkReleaseInvariant, readState } from './invariant.ts';
import { tamperBetweenRuns } from './chaos-tamper.ts';
import { writeApp, type AppOptions } from './manifests.ts';
import { seededRandom, type FaultRule, type SimCluster } from '@kube-rollout/kube-sim';

type Random = () => number;

export interface ReleaseOutcome {
  seed: number;
  shape: string;
  /** One token per run: what was asked, what disrupted it and how it ended. */
  sequence: string[];
  /** Per run, its `::warning`/`::error` lines (for --verbose). */
  annotations: string[];
  violations: string[];
}

interface Shape {
  label: string;
  inputs: Record<string, string>;
  /** The one-workload app written by writeApp… */
  app?: AppOptions;
  /** …or a many-workload fixture app (chaos-apps.ts). */
  fixture?: FixtureTarget;
}

const APP = 'web';

const SHAPES: Shape[] = [
  { label: 'rolling', inputs: { strategy: 'rolling' }, app: {} },
  { label: 'recreate', inputs: { strategy: 'recreate' }, app: {} },
  { label: 'canary/replicas', inputs: { strategy: 'canary', traffic: 'replicas' }, app: {} },
  { label: 'canary/nginx', inputs: { strategy: 'canary', traffic: 'nginx' }, app: { ingress: true } },
  {
    label: 'canary/gateway-api',
    inputs: { strategy: 'canary', traffic: 'gateway-api' },
    app: { httpRoute: true },
  },
  {
    label: 'canary/istio',
    inputs: { strategy: 'canary', traffic: 'istio' },
    app: {
      extra: [
        {
          apiVersion: 'networking.istio.io/v1',
          kind: 'VirtualService',
          metadata: { name: APP },
          spec: { hosts: ['web.example'], http: [{ name: 'main', route: [{ destination: { host: APP } }] }] },
        },
      ],
    },
  },
  { label: 'canary/smi', inputs: { strategy: 'canary', traffic: 'smi' }, app: {} },
  { label: 'blue-green', inputs: { strategy: 'blue-green' }, app: {} },
  {
    label: 'blue-green+preview',
    inputs: { strategy: 'blue-green', 'preview-service': 'web-preview' },
    app: {},
  },
];

const CANARY_STEPS = [
  '[{"setWeight":50},{"pause":{}}]',
  '[{"setWeight":50},{"pause":"1s"}]',
  '[{"setWeight":25},{"pause":"1s"},{"setWeight":75},{"pause":{}}]',
];

/** What one version of the app looks like: crash-looping or not, its steps, manual promotion. */
interface VersionSpec {
  version: string;
  crash: boolean;
  extra: Record<string, string>;
}

type Action = 'deploy-new' | 'deploy-same' | 'promote' | 'rollback' | 'status';
type Fault = '5xx' | '429' | 'reset' | 'cut-watch' | '410' | 'outage';
const FAULTS: Fault[] = ['5xx', '429', 'reset', 'cut-watch', '410', 'outage'];

/** How long a run may take before it counts as hung (then SIGKILLed). */
const HUNG_AFTER_MS = 150_000;
const MAX_RERUNS = 5;

const pick = <T>(rand: Random, items: readonly T[]): T => items[Math.floor(rand() * items.length)];

class ChaosRelease {
  readonly namespace: string;
  readonly sequence: string[] = [];
  readonly annotations: string[] = [];
  readonly violations: string[] = [];
  private readonly versions: VersionSpec[] = [];
  private readonly dirs = new Map<boolean, string>();
  /** The release's name: the app's (fixture apps) or `web`. */
  readonly name: string;
  /** The next run's wall-clock skew in ms (chaos `clockSkew`); unset: every run on our clock. */
  clockSkew?: () => number | undefined;

  constructor(
    private readonly sim: SimCluster,
    readonly seed: number,
    readonly rand: Random,
    readonly shape: Shape,
  ) {
    this.namespace = `chaos-${seed}`;
    this.name = shape.fixture?.app ?? APP;
    sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: this.namespace } });
  }

  private manifests(crash: boolean): string {
    const { fixture } = this.shape;
    if (!this.dirs.has(crash))
      this.dirs.set(
        crash,
        fixture
          ? fixtureManifests(this.sim, fixture, this.namespace, crash)
          : writeApp({ ...this.shape.app, name: APP, replicas: 2, env: crash ? { SIM_CRASH: 'true' } : {} }),
      );
    return this.dirs.get(crash)!;
  }

  private image(version: string): string {
    const { fixture } = this.shape;
    return fixture ? fixtureImage(fixture, version) : `registry.local:5000/acme/${APP}:${version}`;
  }

  /** The release invariant; for a fixture app, over the workload its versions change (fixtureScope). */
  violationsNow(): string[] {
    const { fixture } = this.shape;
    const scope = fixture ? fixtureScope(this.sim, fixture, this.namespace) : {};
    return checkReleaseInvariant(this.sim, { name: this.name, namespace: this.namespace, ...scope });
  }

  private base(): Record<string, string> {
    return {
      kubeconfig: this.sim.kubeconfig,
      namespace: this.namespace,
      name: this.name,
      'version-label': this.shape.fixture ? FIXTURE_VERSION_LABEL : 'version',
      comment: 'false',
      'scale-down-delay': '1s',
      'lease-duration': '2s',
      'lock-timeout': '30s',
      'progress-deadline': '10s',
      timeout: '60s',
      ...this.shape.inputs,
    };
  }

  private newVersion(first: boolean): VersionSpec {
    const extra: Record<string, string> = {};
    if (this.shape.inputs.strategy === 'canary') extra.steps = pick(this.rand, CANARY_STEPS);
    if (this.shape.inputs.strategy === 'blue-green')
      extra['auto-promote'] = this.rand() < 0.5 ? 'true' : 'false';
    const spec = { version: `v${this.versions.length + 1}`, crash: !first && this.rand() < 0.15, extra };
    this.versions.push(spec);
    return spec;
  }

  private inputsFor(action: Action): { inputs: Record<string, string>; label: string } {
    if (action === 'deploy-new' || action === 'deploy-same') {
      const spec =
        action === 'deploy-same' && this.versions.length
          ? this.versions.at(-1)!
          : this.newVersion(!this.versions.length);
      const inputs = {
        ...this.base(),
        ...spec.extra,
        manifests: this.manifests(spec.crash),
        images: this.image(spec.version),
      };
      return { inputs, label: `deploy ${spec.version}${spec.crash ? ' (crashing)' : ''}` };
    }
    return { inputs: { ...this.base(), action }, label: action };
  }

  /** One run of the action, with the given disruptions; returns whether it ended with a result. */
  async run(
    action: Action,
    disrupt: { faults: Fault[]; kill?: { signal: NodeJS.Signals; atMs: number } },
  ): Promise<boolean> {
    const { inputs, label } = this.inputsFor(action);
    const skewMs = this.clockSkew?.();
    const stopFaults = this.startFaults(disrupt.faults);
    let result: ActionRun;
    try {
      result = await runAction(inputs, {
        killAfterMs: disrupt.kill?.atMs ?? HUNG_AFTER_MS,
        killSignal: disrupt.kill?.signal ?? 'SIGKILL',
        post: disrupt.kill?.signal !== 'SIGKILL',
        ...(skewMs ? { env: skewedClockEnv(skewMs) } : {}),
      });
    } finally {
      stopFaults();
    }
    const skew = skewMs ? ` ⏱${skewMs > 0 ? '+' : ''}${(skewMs / 3_600_000).toFixed(1)}h` : '';
    const faults = `${skew}${disrupt.faults.length ? ` ⚡${disrupt.faults.join('+')}` : ''}`;
    const killed = result.killedBy
      ? ` ✝${result.killedBy}@${((disrupt.kill?.atMs ?? HUNG_AFTER_MS) / 1000).toFixed(1)}s`
      : '';
    const ended = result.outputs.result ?? '';
    this.annotations.push(`${label}:`, ...result.annotations.map((a) => `  ${a.slice(0, 400)}`));
    this.sequence.push(
      `${label}${faults}${killed} → ${result.killedBy ? `killed${ended ? ` (${ended})` : ''}` : ended || `exit ${result.code}`}`,
    );
    if (!disrupt.kill && result.killedBy)
      this.violations.push(`${label} hung for ${HUNG_AFTER_MS / 1000}s and was killed`);
    if (action === 'status' && !result.killedBy && result.code !== 0)
      this.violations.push(`status failed the step (exit ${result.code}): ${lastError(result)}`);
    return !result.killedBy && ended !== '';
  }

  /** Installs the faults for one run; the returned function removes every one of them. */
  private startFaults(faults: Fault[]): () => void {
    const { sim, rand, namespace } = this;
    const timers: NodeJS.Timeout[] = [];
    const rules: FaultRule[] = [];
    const times = () => 1 + Math.floor(rand() * 3);
    const skip = () => Math.floor(rand() * 30);
    for (const fault of faults) {
      if (fault === '5xx')
        rules.push({ namespace, status: pick(rand, [500, 503, 504]), times: times(), skip: skip() });
      if (fault === '429')
        rules.push({ namespace, status: 429, retryAfterSeconds: 1, times: times(), skip: skip() });
      if (fault === 'reset') rules.push({ namespace, reset: true, times: times(), skip: skip() });
      if (fault === 'cut-watch' || fault === '410')
        rules.push({
          namespace,
          verb: 'watch',
          cutWatchAfterEvents: 1 + Math.floor(rand() * 3),
          times: times(),
        });
      if (fault === '410') sim.store.setEventWindow(2);
      if (fault === 'outage') {
        const durationMs = 300 + Math.floor(rand() * 1200);
        const mode = rand() < 0.5 ? 503 : 'reset';
        timers.push(
          setTimeout(() => sim.faults.outage({ durationMs, mode }), 200 + Math.floor(rand() * 3000)),
        );
      }
    }
    for (const rule of rules) sim.faults.add(rule);
    return () => {
      for (const t of timers) clearTimeout(t);
      sim.faults.clear();
      sim.store.setEventWindow(1000);
    };
  }

  phase(): string {
    return readState(this.sim, this.namespace, this.name)?.phase ?? 'none';
  }

  leaseHeld(): boolean {
    const lease = this.sim.store.get(
      'coordination.k8s.io/v1',
      'Lease',
      this.namespace,
      `kube-rollout-${this.name}`,
    );
    return Boolean(lease?.spec?.holderIdentity);
  }
}

function lastError(run: ActionRun): string {
  return (
    run.stdout
      .split('\n')
      .filter((l) => l.startsWith('::error'))
      .at(-1) ?? ''
  ).slice(0, 200);
}

/** A random disruption: faults half of the time, a kill (early in the run) half of the time. */
function disruption(rand: Random): { faults: Fault[]; kill?: { signal: NodeJS.Signals; atMs: number } } {
  const faults =
    rand() < 0.5
      ? [...new Set([pick(rand, FAULTS), pick(rand, FAULTS)])].slice(0, 1 + Math.floor(rand() * 2))
      : [];
  const kill =
    rand() < 0.5
      ? {
          signal: (rand() < 0.5 ? 'SIGTERM' : 'SIGKILL') as NodeJS.Signals,
          atMs: 200 + Math.floor(rand() * 2500),
        }
      : undefined;
  return { faults, ...(kill ? { kill } : {}) };
}

function rerunAction(rand: Random, phase: string): Action {
  if (phase === 'paused')
    return pick(rand, ['promote', 'promote', 'rollback', 'deploy-new', 'deploy-same'] as const);
  if (phase === 'progressing')
    return pick(rand, ['deploy-same', 'promote', 'rollback', 'deploy-new'] as const);
  return pick(rand, ['deploy-same', 'deploy-new', 'rollback', 'promote'] as const);
}

export interface ChaosOptions {
  /**
   * Add the many-workload fixture apps (chaos-apps.ts) to the mix. Off by default: the same seed
   * then picks the same shapes as before they existed.
   */
  manyWorkloadApps?: boolean;
  /** Tamper with the release state between runs (chaos-tamper.ts). Off by default, as above. */
  tamperState?: boolean;
  /** Run half the runs with their wall clock up to 2 h off this machine's. Off by default, as above. */
  clockSkew?: boolean;
}

/** Up to this far off, either way: runners whose clocks are wrong by hours (issue 20). */
const MAX_SKEW_MS = 2 * 3_600_000;

/** Each run's clock skew (undefined: none), from its own random stream so seeds keep their runs. */
function clockSkews(seed: number): () => number | undefined {
  const rand = seededRandom(seed * 104_729 + 3);
  return () => (rand() < 0.5 ? Math.round((rand() * 2 - 1) * MAX_SKEW_MS) : undefined);
}

/** One release: v1, 1–3 disrupted runs, clean re-runs until one ends with a result, the invariant. */
export async function chaosRelease(
  sim: SimCluster,
  seed: number,
  opts: ChaosOptions = {},
): Promise<ReleaseOutcome> {
  const rand = seededRandom(seed);
  const shapes: Shape[] = opts.manyWorkloadApps ? [...SHAPES, ...FIXTURE_SHAPES] : SHAPES;
  const release = new ChaosRelease(sim, seed, rand, pick(rand, shapes));
  if (opts.clockSkew) release.clockSkew = clockSkews(seed);
  let settled = await release.run('deploy-new', { faults: [] });
  const tamperRand = seededRandom(seed * 7919 + 1);
  const disrupted = 1 + Math.floor(rand() * 3);
  for (let i = 0; i < disrupted; i++) {
    const action = pick(rand, [
      'deploy-new',
      'deploy-new',
      'deploy-same',
      'promote',
      'rollback',
      'status',
    ] as const);
    const d = disruption(rand);
    const tampered = opts.tamperState && tamperBetweenRuns(sim, release.namespace, release.name, tamperRand);
    if (tampered) release.sequence.push(`✂${tampered}`);
    settled = (await release.run(action, d)) && action !== 'status' && !d.kill && !d.faults.length;
  }
  if (rand() < 0.5) await release.run('status', { faults: [] });
  // A Lease still held here belongs to a killed run (every run has ended): the invariant holds once
  // a run took it over, and a run that only reported (a promote of nothing) never needed it.
  for (let i = 0; (!settled || release.leaseHeld()) && i < MAX_RERUNS; i++) {
    const action = rerunAction(rand, release.phase());
    settled = await release.run(action, { faults: [] });
  }
  if (!settled) release.violations.push(`did not settle after ${MAX_RERUNS} re-runs`);
  release.violations.push(...release.violationsNow());
  // Its pods would otherwise fill the simulated nodes: later releases would find no room.
  sim.store.delete('v1', 'Namespace', undefined, release.namespace);
  const { sequence, annotations, violations } = release;
  return { seed, shape: release.shape.label, sequence, annotations, violations };
}

export function formatOutcome(o: ReleaseOutcome): string {
  const verdict = o.violations.length ? `INCONSISTENT: ${o.violations.join(' | ')}` : 'consistent';
  return `seed ${o.seed} ${o.shape}: ${o.sequence.join(' · ')} ⇒ ${verdict}`;
}

/** `releases` releases with seeds seed, seed+1, …; each outcome is passed to `onOutcome` as it ends. */
export async function runChaos(
  sim: SimCluster,
  opts: ChaosOptions & { releases: number; seed: number; onOutcome?: (o: ReleaseOutcome) => void },
): Promise<ReleaseOutcome[]> {
  const outcomes: ReleaseOutcome[] = [];
  for (let i = 0; i < opts.releases; i++) {
    const outcome = await chaosRelease(sim, opts.seed + i, opts);
    outcomes.push(outcome);
    opts.onOutcome?.(outcome);
  }
  return outcomes;
}
