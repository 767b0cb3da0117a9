// The release lifecycle (issue 9), in-process: one row per (stored phase × requested action),
// each calling deploy/promote/rollback/status of src/engine/release.ts against the simulator with
// an instant sleep, and each ending with the release invariant (test/helpers/invariant.ts).
// Against the engine before issue 9's lifecycle, 18 of these rows failed (supersede, rollback after
// rollback, status of a dead run, lock loss, failed releases); they are the lifecycle's regression suite.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import type { Inputs } from '../../src/config/index.ts';
import { freezable, instantSleep, runEngine, type EngineOptions, type EngineRun } from '../helpers/engine.ts';
import { checkReleaseInvariant, readState } from '../helpers/invariant.ts';
import { writeApp, type AppOptions } from '../helpers/manifests.ts';
import { startSimCluster, type SimCluster } from '../sim/index.ts';

let sim: SimCluster;
let seq = 0;

before(async () => {
  sim = await startSimCluster({ rps: 0 });
});
after(async () => {
  await sim.stop();
});

const PAUSED_STEPS = stringify([{ setWeight: 50 }, { pause: {} }]);
const TWO_PAUSES = stringify([{ setWeight: 50 }, { pause: {} }, { setWeight: 100 }, { pause: {} }]);

/** One release in its own namespace: manifests per version, runs and the invariant. */
class Release {
  readonly name = `app${++seq}`;
  readonly namespace = `lc-${seq}`;
  private readonly dirs = new Map<string, string>();

  constructor(
    private readonly shape: Partial<Inputs> = {},
    private readonly app: AppOptions | 'statefulset' = {},
  ) {
    sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: this.namespace } });
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
      sim,
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
    return runEngine(sim, this.inputs({ ...this.shape, action, ...extra }), opts);
  }

  state() {
    return readState(sim, this.namespace, this.name) ?? undefined;
  }

  invariant(liveHolders: string[] = []): string[] {
    return checkReleaseInvariant(sim, { name: this.name, namespace: this.namespace, liveHolders });
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

  /** Makes the stored release look like a run died in the middle of it: phase progressing, Lease held. */
  killHolder(holder: string): void {
    this.markProgressing();
    this.holdLease(holder, 2);
  }

  private markProgressing(): void {
    const cm = sim.store.get('v1', 'ConfigMap', this.namespace, `kube-rollout-${this.name}`)!;
    const state = JSON.parse(cm.data!['state.json']);
    cm.data!['state.json'] = JSON.stringify({ ...state, phase: 'progressing' });
    sim.store.update(cm);
  }

  /** Writes the Lease as `holder` would, renewed now. */
  holdLease(holder: string, seconds: number): void {
    const renewTime = new Date().toISOString().replace('Z', '000Z');
    const spec = { holderIdentity: holder, leaseDurationSeconds: seconds, acquireTime: renewTime, renewTime };
    const lease = sim.store.get(
      'coordination.k8s.io/v1',
      'Lease',
      this.namespace,
      `kube-rollout-${this.name}`,
    );
    if (lease) sim.store.update({ ...lease, spec: { ...lease.spec, ...spec } });
    else
      sim.store.create({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: `kube-rollout-${this.name}`, namespace: this.namespace },
        spec,
      });
  }

  /** Versions of the pods that exist and are not being deleted. */
  liveVersions(): Set<string> {
    return new Set(
      sim.store
        .list('v1', 'Pod', this.namespace)
        .filter((p) => !p.metadata.deletionTimestamp)
        .map((p) => p.metadata.labels?.version ?? '?'),
    );
  }
}

function expectResult(run: EngineRun, result: string): void {
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

function virtualService(name: string): object {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name },
    spec: { hosts: [`${name}.example`], http: [{ name: 'main', route: [{ destination: { host: name } }] }] },
  };
}

/** Release shapes a new version can supersede while paused: inputs and the app's routing objects. */
const PAUSED_SHAPES: {
  name: string;
  inputs: Partial<Inputs>;
  app: AppOptions | 'statefulset';
}[] = [
  { name: 'canary, replicas', inputs: { strategy: 'canary', traffic: 'replicas' }, app: {} },
  { name: 'canary, nginx', inputs: { strategy: 'canary', traffic: 'nginx' }, app: { ingress: true } },
  {
    name: 'canary, gateway-api',
    inputs: { strategy: 'canary', traffic: 'gateway-api' },
    app: { httpRoute: true },
  },
  { name: 'canary, istio', inputs: { strategy: 'canary', traffic: 'istio' }, app: {} },
  { name: 'canary, smi', inputs: { strategy: 'canary', traffic: 'smi' }, app: {} },
  { name: 'blue-green', inputs: { strategy: 'blue-green', 'auto-promote': 'false' }, app: {} },
  {
    name: 'blue-green with a preview Service',
    inputs: { strategy: 'blue-green', 'auto-promote': 'false', 'preview-service': 'PREVIEW' },
    app: {},
  },
  {
    name: 'StatefulSet partition canary',
    inputs: { strategy: 'canary' },
    app: 'statefulset',
  },
];

function releaseOfShape(shape: (typeof PAUSED_SHAPES)[number]): Release {
  const next = seq + 1;
  const inputs = { ...shape.inputs };
  if (inputs['preview-service']) inputs['preview-service'] = `app${next}-preview`;
  const app = shape.app;
  if (shape.inputs.traffic === 'istio') return new Release(inputs, { extra: [virtualService(`app${next}`)] });
  return new Release(inputs, app);
}

describe('paused × deploy of another version (supersede), on every router', () => {
  for (const shape of PAUSED_SHAPES) {
    it(`${shape.name}: v3 while v2 is paused is released normally and v2 leaves nothing`, async () => {
      const r = releaseOfShape(shape);
      await r.pausedAt('v2');
      const steps = shape.inputs.strategy === 'blue-green' ? {} : { steps: PAUSED_STEPS };
      const v3 = await r.deploy('v3', steps);
      expectResult(v3, 'paused');
      assert.equal(v3.record!.newVersion, 'v3');
      r.assertConsistent('v3 paused after superseding v2');
      assert.ok(!r.liveVersions().has('v2'), `no v2 pod left: ${[...r.liveVersions()]}`);
      const superseding = JSON.stringify(v3.record);
      expectResult(await r.act('promote'), 'promoted');
      r.assertConsistent('v3 promoted');
      assert.deepEqual([...r.liveVersions()], ['v3']);
      assert.match(superseding, /supersed[^"]*v2|"supersededVersion":"v2"/i, 'the report names v2');
    });
  }
});

describe('paused × same version, promote, rollback, status', () => {
  const shape = { strategy: 'canary', traffic: 'nginx' } as const;
  const app = { ingress: true };

  it('deploy of the same version is a no-op that stays paused', async () => {
    const r = new Release(shape, app);
    await r.pausedAt('v2');
    const again = await r.deploy('v2', { steps: PAUSED_STEPS });
    expectResult(again, 'paused');
    assert.equal(r.state()?.phase, 'paused');
    r.assertConsistent('same version again');
  });

  it('promote continues to promoted', async () => {
    const r = new Release(shape, app);
    await r.pausedAt('v2');
    expectResult(await r.act('promote'), 'promoted');
    r.assertConsistent('promoted');
  });

  it('rollback restores stable', async () => {
    const r = new Release(shape, app);
    await r.pausedAt('v2');
    expectResult(await r.act('rollback'), 'rolled-back');
    assert.equal(r.state()?.phase, 'rolled-back');
    r.assertConsistent('rolled back');
  });

  it('status reports paused and changes nothing', async () => {
    const r = new Release(shape, app);
    await r.pausedAt('v2');
    expectResult(await r.act('status'), 'paused');
    r.assertConsistent('status');
  });
});

describe('progressing with a dead holder (its Lease expires after 2s)', () => {
  const shape = { strategy: 'canary', traffic: 'replicas' } as const;

  async function deadRun(): Promise<{ r: Release; holder: string }> {
    const r = new Release(shape);
    await r.pausedAt('v2', TWO_PAUSES);
    const holder = `dead-run-${r.name}`;
    r.killHolder(holder);
    return { r, holder };
  }

  it('deploy of the same version takes over and resumes', async () => {
    const { r } = await deadRun();
    const run = await r.deploy('v2', { steps: TWO_PAUSES });
    expectResult(run, 'paused');
    assert.equal(r.state()?.newVersion, 'v2');
    r.assertConsistent('resumed');
  });

  it('deploy of another version takes over and supersedes', async () => {
    const { r } = await deadRun();
    const run = await r.deploy('v3', { steps: PAUSED_STEPS });
    expectResult(run, 'paused');
    assert.equal(r.state()?.newVersion, 'v3');
    r.assertConsistent('superseded after takeover');
    assert.ok(!r.liveVersions().has('v2'));
  });

  it('promote takes over and continues', async () => {
    const { r } = await deadRun();
    const run = await r.act('promote', { 'promote-full': 'true' });
    expectResult(run, 'promoted');
    r.assertConsistent('promoted after takeover');
  });

  it('rollback takes over and restores stable', async () => {
    const { r } = await deadRun();
    expectResult(await r.act('rollback'), 'rolled-back');
    r.assertConsistent('rolled back after takeover');
  });

  it('status reports progressing with the holder (never fails), then a rollback takes over', async () => {
    const { r, holder } = await deadRun();
    const run = await r.act('status');
    assert.ifError(run.error);
    assert.equal(run.record?.result, 'progressing');
    assert.match(JSON.stringify(run.record), new RegExp(holder));
    expectResult(await r.act('rollback'), 'rolled-back');
    r.assertConsistent('rolled back after status');
  });
});

describe('none and promoted (a finished rolling release)', () => {
  async function promoted(): Promise<Release> {
    const r = new Release();
    expectResult(await r.deploy('v1'), 'promoted');
    expectResult(await r.deploy('v2'), 'promoted');
    r.assertConsistent('v2 promoted');
    return r;
  }

  it('none: promote fails naming the release; status says no release', async () => {
    const r = new Release();
    const run = await r.act('promote');
    assert.ok(run.error || run.record?.result === 'failed', 'promote without a release fails');
    assert.match(run.error?.message ?? run.record!.notes.join('\n'), new RegExp(`${r.name}\\b.*no release`));
    const st = await r.act('status');
    expectResult(st, 'unchanged');
    assert.match(st.record!.notes.join('\n'), /no release/);
  });

  it('none: rollback of a rolling release undoes to the previous revision', async () => {
    const r = await promoted();
    sim.store.delete('v1', 'ConfigMap', r.namespace, `kube-rollout-${r.name}`);
    expectResult(await r.act('rollback', { manifests: r.manifests() }), 'rolled-back');
    assert.deepEqual([...r.liveVersions()], ['v1']);
    r.assertConsistent('undone without state');
  });

  it('promoted: deploy of the same version is unchanged', async () => {
    const r = await promoted();
    expectResult(await r.deploy('v2'), 'unchanged');
    r.assertConsistent('unchanged');
  });

  it('promoted: deploy of another version is a new release', async () => {
    const r = await promoted();
    expectResult(await r.deploy('v3'), 'promoted');
    assert.equal(r.state()?.newVersion, 'v3');
    r.assertConsistent('v3 promoted');
  });

  it('promoted: promote is a no-op', async () => {
    const r = await promoted();
    const run = await r.act('promote');
    assert.ifError(run.error);
    assert.equal(r.state()?.phase, 'promoted');
    r.assertConsistent('promote of promoted');
  });

  it('promoted: rollback restores v1 and the state says so; a second rollback is a no-op', async () => {
    const r = await promoted();
    expectResult(await r.act('rollback'), 'rolled-back');
    assert.deepEqual([...r.liveVersions()], ['v1']);
    r.assertConsistent('rolled back');
    const again = await r.act('rollback');
    assert.ifError(again.error);
    assert.deepEqual([...r.liveVersions()], ['v1'], 'the second rollback changed nothing');
    assert.equal((await r.act('status')).record?.result, 'rolled-back');
    r.assertConsistent('second rollback');
  });

  it('promoted: status reports promoted', async () => {
    const r = await promoted();
    expectResult(await r.act('status'), 'promoted');
    r.assertConsistent('status');
  });
});

describe('rolled-back (automatic rollback of a crash-looping version)', () => {
  async function autoRolledBack(): Promise<Release> {
    const r = new Release();
    expectResult(await r.deploy('v1'), 'promoted');
    expectResult(await r.deploy('v2', {}, { SIM_CRASH: 'true' }), 'rolled-back');
    r.assertConsistent('v2 rolled back automatically');
    return r;
  }

  it('rollback is a no-op: the cluster already serves stable', async () => {
    const r = await autoRolledBack();
    const run = await r.act('rollback');
    assert.ifError(run.error);
    assert.deepEqual([...r.liveVersions()], ['v1']);
    assert.equal(r.state()?.phase, 'rolled-back');
    r.assertConsistent('rollback after automatic rollback');
  });

  it('promote is refused and changes nothing', async () => {
    const r = await autoRolledBack();
    const run = await r.act('promote');
    assert.ok(run.error || run.record?.result !== 'promoted', 'promote of a rolled-back release is refused');
    assert.deepEqual([...r.liveVersions()], ['v1']);
    r.assertConsistent('promote refused');
  });

  it('deploy of a new version is a fresh release', async () => {
    const r = await autoRolledBack();
    expectResult(await r.deploy('v3'), 'promoted');
    r.assertConsistent('v3 promoted');
  });

  it('status reports rolled-back without failing', async () => {
    const r = await autoRolledBack();
    expectResult(await r.act('status'), 'rolled-back');
    r.assertConsistent('status');
  });
});

describe('failed (a crashing canary with rollback-on-failure: false)', () => {
  const shape = { strategy: 'canary', traffic: 'replicas', 'rollback-on-failure': 'false' } as const;

  async function failed(): Promise<Release> {
    const r = new Release(shape);
    expectResult(await r.deploy('v1'), 'promoted');
    expectResult(await r.deploy('v2', { steps: PAUSED_STEPS }, { SIM_CRASH: 'true' }), 'failed');
    assert.equal(r.state()?.phase, 'failed');
    r.assertConsistent('v2 failed');
    return r;
  }

  it('status reports failed without failing', async () => {
    const r = await failed();
    expectResult(await r.act('status'), 'failed');
  });

  it('deploy of a new version cleans up first and is a fresh release', async () => {
    const r = await failed();
    expectResult(await r.deploy('v3', { steps: PAUSED_STEPS }), 'paused');
    assert.ok(!r.liveVersions().has('v2'), `no v2 pod left: ${[...r.liveVersions()]}`);
    expectResult(await r.act('promote'), 'promoted');
    r.assertConsistent('v3 promoted after a failed v2');
  });

  it('rollback restores stable and removes the failed copies', async () => {
    const r = await failed();
    const run = await r.act('rollback');
    assert.ifError(run.error);
    assert.equal(r.state()?.phase, 'rolled-back');
    r.assertConsistent('rolled back after failed');
  });

  it('promote is refused', async () => {
    const r = await failed();
    const run = await r.act('promote');
    assert.ok(run.error || run.record?.result !== 'promoted', 'promote of a failed release is refused');
    assert.equal(r.state()?.phase, 'failed');
  });
});

describe('cancelled and killed runs, then rollback', () => {
  it('a rolling release cancelled mid-rollout, then rollback: v1 serves and the state agrees', async () => {
    const r = new Release();
    expectResult(await r.deploy('v1'), 'promoted');
    const abort = new AbortController();
    const stop = sim.store.subscribe((e) => {
      const o = e.object;
      if (o.kind === 'Pod' && o.metadata.namespace === r.namespace && o.metadata.labels?.version === 'v2')
        abort.abort(new Error('received SIGTERM: the workflow was cancelled'));
    });
    const cancelled = await r.deploy('v2', {}, {}, { signal: abort.signal });
    stop();
    assert.ok(abort.signal.aborted, 'the run was cancelled mid-rollout');
    assert.notEqual(cancelled.record?.result, 'promoted');
    const run = await r.act('rollback');
    assert.ifError(run.error);
    assert.deepEqual([...r.liveVersions()], ['v1']);
    r.assertConsistent('rollback after cancellation');
  });

  it('blue-green killed during promote, then rollback: the cluster serves what the state says', async () => {
    const r = new Release({ strategy: 'blue-green', 'auto-promote': 'false' });
    await r.pausedAt('v2');
    const frozen = { freeze: () => {} };
    const stop = sim.store.subscribe((e) => {
      const o = e.object;
      const stable =
        o.kind === 'Deployment' && o.metadata.namespace === r.namespace && o.metadata.name === r.name;
      if (stable && o.spec?.template?.metadata?.labels?.version === 'v2') frozen.freeze();
    });
    // The run stops dead once stable takes v2; it is never awaited, like a SIGKILLed process.
    void r.act(
      'promote',
      {},
      {
        wrapCluster: (c) => {
          const f = freezable(c);
          frozen.freeze = f.freeze;
          return f.cluster;
        },
      },
    );
    await waitFor(() => r.state()?.phase === 'progressing' && stableHas(r, 'v2'), 'promote reached stable');
    stop();
    const run = await r.act('rollback');
    assert.ifError(run.error);
    assert.equal(run.record?.result, 'rolled-back');
    r.assertConsistent('rollback after a killed promote');
  });
});

describe('lock loss', () => {
  it('a run whose Lease was taken over mid-pause stops moving traffic and writes no state', async () => {
    const r = new Release({ strategy: 'canary', traffic: 'replicas' });
    expectResult(await r.deploy('v1'), 'promoted');
    const steps = stringify([{ setWeight: 50 }, { pause: '30s' }, { setWeight: 100 }, { pause: {} }]);
    // The 30s pause is where this runner stalls: meanwhile another run takes the Lease.
    const sleep = async (ms: number, signal: AbortSignal) => {
      if (ms === 30_000) {
        r.holdLease('thief', 60);
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
      return instantSleep(ms, signal);
    };
    const stalled = await r.deploy('v2', { steps }, {}, { sleep });
    assert.notEqual(stalled.record?.result, 'paused', 'the stalled run did not carry on to the next pause');
    const lease = sim.store.get('coordination.k8s.io/v1', 'Lease', r.namespace, `kube-rollout-${r.name}`);
    assert.equal(lease?.spec.holderIdentity, 'thief', 'the new holder keeps its Lease');
    const state = JSON.parse(
      sim.store.get('v1', 'ConfigMap', r.namespace, `kube-rollout-${r.name}`)!.data!['state.json'],
    );
    assert.equal(state.canaryWeight, 50, 'no traffic moved after the Lease was lost');
    assert.equal(state.phase, 'progressing', 'the state was left for the new holder');
    const violations = r.invariant(['thief']);
    assert.deepEqual(violations, [], violations.join('\n'));
  });
});

function stableHas(r: Release, version: string): boolean {
  const d = sim.store.get('apps/v1', 'Deployment', r.namespace, r.name);
  return d?.spec?.template?.metadata?.labels?.version === version;
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
