// The executor (src/engine/steps/executor.ts) with scripted step handlers and an in-memory cluster that
// keeps the state ConfigMap: what each outcome of a step does to the stored state, the record and
// the result, and how a lost lock stops a run where a failure rolls it back.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Config } from '../../src/config/types.ts';
import type { RunContext } from '../../src/engine/run/context.ts';
import {
  failRelease,
  isAbandoned,
  rollBack,
  runPlan,
  saveState,
  stampState,
  type ModeHandlers,
} from '../../src/engine/steps/executor.ts';
import type { StepOutcome } from '../../src/engine/steps/outcome.ts';
import { LockLostError, StateConflictError } from '../../src/errors.ts';
import { KubeApiError, type Cluster, type KubeObject } from '../../src/kube/types.ts';
import {
  STATE_SCHEMA,
  type ReleasePhase,
  type ReleaseState,
  type RolloutRecord,
} from '../../src/record/types.ts';
import { STATE_KEY } from '../../src/state/release-state.ts';
import { everythingChanges } from '../../src/strategies/scope.ts';
import type { CopiesStep, Plan } from '../../src/strategies/types.ts';

const T0 = Date.parse('2026-03-01T10:00:00Z');

/** ConfigMaps and Secrets in memory, with resourceVersions; `saved` is every state written, parsed. */
function stateCluster() {
  const objects = new Map<string, KubeObject>();
  const saved: ReleaseState[] = [];
  let version = 0;
  const key = (o: { kind: string; name?: string }) => `${o.kind}/${o.name}`;
  const store = (obj: KubeObject): KubeObject => {
    const stored = structuredClone(obj);
    stored.metadata.resourceVersion = String(++version);
    objects.set(key({ kind: obj.kind, name: obj.metadata.name }), stored);
    if (obj.kind === 'ConfigMap') saved.push(JSON.parse(obj.data![STATE_KEY]!) as ReleaseState);
    return structuredClone(stored);
  };
  const cluster = {
    get: async (ref: { kind: string; name: string }) => structuredClone(objects.get(key(ref))),
    create: async (obj: KubeObject) => {
      if (objects.has(key({ kind: obj.kind, name: obj.metadata.name })))
        throw new KubeApiError(409, 'already exists', 'AlreadyExists');
      return store(obj);
    },
    replace: async (obj: KubeObject) => {
      const current = objects.get(key({ kind: obj.kind, name: obj.metadata.name }));
      if (current?.metadata.resourceVersion !== obj.metadata.resourceVersion)
        throw new KubeApiError(409, 'the object has been modified', 'Conflict');
      return store(obj);
    },
    apply: async (obj: KubeObject) => store(obj),
    delete: async (ref: { kind: string; name: string }) => objects.delete(key(ref)),
  };
  return {
    cluster: cluster as unknown as Cluster,
    saved,
    phases: () => saved.map((s) => s.phase),
    /** Another run writes the state: this run's next save conflicts. */
    overwrite: () => {
      const cm = [...objects.values()].find((o) => o.kind === 'ConfigMap')!;
      // A whole release state, as a run writes it (a ConfigMap that holds none is damage, not a run).
      const theirs = { ...JSON.parse(cm.data![STATE_KEY]!), holder: 'other-run' };
      store({ ...cm, data: { [STATE_KEY]: JSON.stringify(theirs) } });
    },
  };
}

const STEPS: CopiesStep[] = [
  { kind: 'deploy-new' },
  { kind: 'setWeight', weight: 20 },
  { kind: 'pause' },
  { kind: 'setWeight', weight: 60 },
  { kind: 'promote' },
];

function record(): RolloutRecord {
  return {
    app: 'web',
    namespace: 'shop',
    action: 'deploy',
    strategy: 'canary',
    newVersion: 'v2',
    previousVersion: 'v1',
    canaryWeight: 0,
    startedAt: new Date(T0).toISOString(),
    steps: [],
    measurements: [],
    evidence: [],
    weights: [],
    notes: [],
  };
}

interface Harness {
  ctx: RunContext & { plan: Plan<'copies'> };
  fake: ReturnType<typeof stateCluster>;
  warnings: string[];
  groups: string[];
  /** Step indexes in the order their handlers ran. */
  ran: number[];
  rollbacks: string[];
  disposed: number;
  handlers: ModeHandlers<'copies'>;
}

/**
 * A run of STEPS where `script[i]` decides what step i's handler does (default: continue).
 * `rollback` replaces the rollback handler's body.
 */
function harness(
  opts: {
    script?: Record<number, (h: Harness) => Promise<StepOutcome> | StepOutcome>;
    rollbackOnFailure?: boolean;
    rollback?: () => Promise<void>;
    currentStep?: number;
    controller?: AbortController;
  } = {},
): Harness {
  const fake = stateCluster();
  let clock = T0;
  // The executor reads one setting; the rest of a Config does not reach it.
  const config = { rollbackOnFailure: opts.rollbackOnFailure ?? true } as Config;
  const state: ReleaseState = {
    schema: STATE_SCHEMA,
    name: 'web',
    phase: 'progressing',
    strategy: 'canary',
    stableVersion: 'v1',
    newVersion: 'v2',
    currentStep: opts.currentStep ?? 0,
    canaryWeight: 0,
    rendered: [],
    stableSnapshot: [],
    updatedAt: new Date(T0).toISOString(),
    record: record(),
  };
  const h = { fake, warnings: [], groups: [], ran: [], rollbacks: [], disposed: 0 } as unknown as Harness;
  const step = async (_ctx: RunContext, _step: CopiesStep, index: number): Promise<StepOutcome> => {
    h.ran.push(index);
    return (await opts.script?.[index]?.(h)) ?? { kind: 'continue', detail: `done ${index}` };
  };
  h.handlers = {
    steps: {
      'deploy-new': step,
      setWeight: step,
      pause: step,
      analysis: step,
      promote: step,
      setHeaderRoute: step,
      removeHeaderRoute: step,
      switch: step,
      setCanaryScale: step,
    },
    rollback: async (_ctx, reason) => {
      h.rollbacks.push(reason);
      await opts.rollback?.();
    },
    dispose: () => void h.disposed++,
  };
  const controller = opts.controller ?? new AbortController();
  h.ctx = {
    config,
    cluster: fake.cluster,
    log: {
      info: () => {},
      warn: (m) => void h.warnings.push(m),
      group: (name, fn) => {
        h.groups.push(name);
        return fn();
      },
    },
    signal: controller.signal,
    lost: new AbortController().signal,
    name: 'web',
    namespace: 'shop',
    plan: { strategy: 'canary', mode: 'copies', steps: STEPS, workloads: [] },
    manifests: { objects: [], workloads: [], version: 'v2' },
    state,
    record: state.record,
    providers: {} as RunContext['providers'],
    stable: new Map(),
    scope: everythingChanges({ objects: [], workloads: [], version: 'v2' } as never, true),
    holder: 'run-1',
    stateVersion: undefined,
    secretStore: {},
    redact: (text: string) => text,
    now: () => new Date((clock += 1000)),
    sleep: async () => {},
  };
  return h;
}

const verdicts = (h: Harness) => h.ctx.record.steps.map((s) => `${s.label}: ${s.verdict}`);

describe('runPlan: every step continues', () => {
  it('runs each step once in order, saving progressing before each and promoted at the end', async () => {
    const h = harness();
    assert.equal(await runPlan(h.ctx, h.handlers), 'promoted');
    assert.deepEqual(h.ran, [0, 1, 2, 3, 4]);
    assert.deepEqual(h.fake.phases(), [
      'progressing',
      'progressing',
      'progressing',
      'progressing',
      'progressing',
      'promoted',
    ]);
    assert.deepEqual(verdicts(h), [
      'deploy new version: passed',
      'setWeight 20: passed',
      'pause (until promote): passed',
      'setWeight 60: passed',
      'promote: passed',
    ]);
    assert.equal(h.ctx.state.currentStep, 5);
    assert.equal(h.ctx.record.steps[1]!.detail, 'done 1');
    assert.deepEqual(
      h.ctx.record.steps.map((s) => s.weight),
      [undefined, 20, undefined, 60, undefined],
      'a setWeight step records its weight',
    );
    assert.deepEqual(h.groups, [
      'step 1/5 deploy new version',
      'step 2/5 setWeight 20',
      'step 3/5 pause (until promote)',
      'step 4/5 setWeight 60',
      'step 5/5 promote',
    ]);
    assert.equal(h.disposed, 1);
  });

  it('the stored state says what each save knew: the step reached, the run, the new version served', async () => {
    const h = harness();
    await runPlan(h.ctx, h.handlers);
    const [first, , third, , , last] = h.fake.saved;
    assert.equal(first!.currentStep, 0);
    assert.deepEqual(
      first!.record.steps.map((s) => s.verdict),
      ['running'],
    );
    assert.equal(third!.currentStep, 2, 'saved after two steps passed');
    assert.equal(last!.servingVersion, 'v2');
    assert.equal(last!.holder, 'run-1');
    assert.equal(h.ctx.stateVersion, '6', 'the run keeps the resourceVersion of its last write');
  });

  it('resumes at the stored step: the steps before it do not run again', async () => {
    const h = harness({ currentStep: 3 });
    assert.equal(await runPlan(h.ctx, h.handlers), 'promoted');
    assert.deepEqual(h.ran, [3, 4]);
    assert.deepEqual(
      h.ctx.record.steps.map((s) => s.index),
      [3, 4],
    );
  });

  it('reports every step boundary to onProgress, and a failing report only warns', async () => {
    const h = harness();
    const seen: string[] = [];
    h.ctx.onProgress = async (r) => {
      seen.push(r.steps.at(-1)!.verdict);
      throw new Error('GitHub is down');
    };
    assert.equal(await runPlan(h.ctx, h.handlers), 'promoted');
    assert.equal(seen.length, 6);
    assert.deepEqual(h.warnings, Array(6).fill('report update failed: GitHub is down'));
  });
});

describe('runPlan: a pause', () => {
  it('stops the run paused; promote continues after the step', async () => {
    const h = harness({ script: { 2: () => ({ kind: 'pause', detail: 'waiting for approval' }) } });
    assert.equal(await runPlan(h.ctx, h.handlers), 'paused');
    assert.deepEqual(h.ran, [0, 1, 2]);
    assert.deepEqual(h.fake.phases().slice(-2), ['progressing', 'paused']);
    assert.equal(h.ctx.state.currentStep, 3);
    assert.equal(h.fake.saved.at(-1)!.currentStep, 3);
    assert.equal(h.ctx.record.steps.at(-1)!.verdict, 'paused');
    assert.equal(h.ctx.record.steps.at(-1)!.detail, 'waiting for approval');
    assert.equal(h.fake.saved.at(-1)!.servingVersion, undefined, 'a pause does not serve the new version');
    assert.deepEqual(h.rollbacks, []);
    assert.equal(h.disposed, 1);
  });

  it('an inconclusive gate pauses as inconclusive; `again` runs the same step next time', async () => {
    const inconclusive = harness({ script: { 1: () => ({ kind: 'pause', inconclusive: true }) } });
    assert.equal(await runPlan(inconclusive.ctx, inconclusive.handlers), 'paused');
    assert.equal(inconclusive.ctx.record.steps.at(-1)!.verdict, 'inconclusive');
    assert.equal(inconclusive.ctx.state.currentStep, 2);
    const again = harness({ script: { 1: () => ({ kind: 'pause', again: true }) } });
    assert.equal(await runPlan(again.ctx, again.handlers), 'paused');
    assert.equal(again.ctx.record.steps.at(-1)!.verdict, 'paused');
    assert.equal(again.ctx.state.currentStep, 1);
    assert.equal(again.fake.saved.at(-1)!.currentStep, 1);
  });
});

describe('runPlan: a failed step', () => {
  const evidence = { workload: 'web', pod: 'web-canary-x', reason: 'CrashLoopBackOff' };

  it('rolls back (rolling-back saved first), records the reason and evidence once, and ends rolled-back', async () => {
    const h = harness({
      script: { 3: () => ({ kind: 'fail', reason: 'pod crashed', evidence: [evidence, { ...evidence }] }) },
    });
    assert.equal(await runPlan(h.ctx, h.handlers), 'rolled-back');
    assert.deepEqual(h.ran, [0, 1, 2, 3]);
    assert.deepEqual(h.rollbacks, ['pod crashed']);
    assert.deepEqual(h.fake.phases().slice(-3), ['progressing', 'rolling-back', 'rolled-back']);
    assert.deepEqual(verdicts(h).slice(-2), ['setWeight 60: failed', 'rollback: passed']);
    assert.equal(h.ctx.record.steps.at(-2)!.detail, 'pod crashed');
    assert.equal(h.ctx.record.steps.at(-1)!.index, 4, 'the rollback is recorded as the next step');
    assert.deepEqual(h.ctx.record.evidence, [evidence]);
    assert.equal(h.ctx.record.rollbackReason, 'pod crashed');
    assert.equal(h.fake.saved.at(-1)!.record.rollbackReason, 'pod crashed');
    assert.deepEqual(h.warnings, ['release failed: pod crashed']);
    assert.equal(h.groups.at(-1), 'rollback');
    assert.equal(h.disposed, 1);
  });

  it('without rollback-on-failure, leaves everything for a human: failed, no rollback', async () => {
    const h = harness({ rollbackOnFailure: false, script: { 1: () => ({ kind: 'fail', reason: 'bad' }) } });
    assert.equal(await runPlan(h.ctx, h.handlers), 'failed');
    assert.deepEqual(h.rollbacks, []);
    assert.deepEqual(h.fake.phases().slice(-2), ['progressing', 'failed']);
    assert.deepEqual(verdicts(h).at(-1), 'setWeight 20: failed');
    assert.equal(h.ctx.record.rollbackReason, 'bad');
  });

  it('a handler that throws fails its step with the error, and the release rolls back', async () => {
    const h = harness({
      script: {
        1: () => {
          throw new Error('ingress not found');
        },
      },
    });
    assert.equal(await runPlan(h.ctx, h.handlers), 'rolled-back');
    assert.deepEqual(h.rollbacks, ["step 'setWeight 20' failed: ingress not found"]);
    assert.equal(h.ctx.record.steps[1]!.verdict, 'failed');
  });

  it('a cancelled run says so, and still rolls back', async () => {
    const controller = new AbortController();
    const h = harness({
      controller,
      script: {
        2: () => {
          controller.abort(new Error('SIGTERM'));
          throw new Error('sleep aborted');
        },
      },
    });
    assert.equal(await runPlan(h.ctx, h.handlers), 'rolled-back');
    assert.deepEqual(h.rollbacks, ["cancelled during step 'pause (until promote)'"]);
    assert.equal(h.ctx.record.cancelled, true);
    assert.match(verdicts(h).at(-1)!, /^rollback \(cancelled\): passed$/);
  });

  it('a step that fails on its own is not a cancel: the rollback is labelled plainly', async () => {
    const h = harness({ script: { 2: () => ({ kind: 'fail', reason: 'error rate 0.3 > max 0.05' }) } });
    assert.equal(await runPlan(h.ctx, h.handlers), 'rolled-back');
    assert.equal(h.ctx.record.cancelled, undefined);
    assert.deepEqual(h.rollbacks, ['error rate 0.3 > max 0.05']);
    assert.match(verdicts(h).at(-1)!, /^rollback: passed$/);
  });

  it('a rollback that does not complete leaves the release failed, never rolled back', async () => {
    const h = harness({
      script: { 2: () => ({ kind: 'fail', reason: 'error rate 0.3 > max 0.05' }) },
      rollback: async () => {
        throw new Error('deployments.apps "web" is forbidden');
      },
    });
    assert.equal(await runPlan(h.ctx, h.handlers), 'failed');
    assert.deepEqual(h.fake.phases().slice(-2), ['rolling-back', 'failed']);
    assert.equal(h.ctx.state.phase, 'failed');
    assert.deepEqual(verdicts(h).slice(-1), ['rollback: failed']);
    assert.equal(h.ctx.record.steps.at(-1)!.detail, 'deployments.apps "web" is forbidden');
    assert.deepEqual(h.ctx.record.notes, ['rollback did not complete: deployments.apps "web" is forbidden']);
    assert.equal(h.ctx.record.rollbackReason, 'error rate 0.3 > max 0.05');
    assert.equal(h.fake.saved.at(-1)!.servingVersion, undefined, 'the state does not claim stable serves');
  });
});

describe('runPlan: a run that lost its lock stops without rolling back', () => {
  const lost = new LockLostError('web', 'run-2');

  it('a handler failing with LockLostError: the run ends with it, nothing rolled back or saved', async () => {
    const h = harness({
      script: {
        1: () => {
          throw lost;
        },
      },
    });
    await assert.rejects(runPlan(h.ctx, h.handlers), (err) => err === lost);
    assert.deepEqual(h.rollbacks, []);
    assert.deepEqual(h.fake.phases(), ['progressing', 'progressing'], 'nothing saved after the loss');
    assert.deepEqual(h.warnings, [lost.message]);
    assert.equal(h.disposed, 1, 'the background work still stops');
  });

  it("a step's symptom of the lost lock ends the run with the loss, not the symptom", async () => {
    const controller = new AbortController();
    const h = harness({
      controller,
      script: {
        2: () => {
          controller.abort(lost);
          throw new Error('The operation was aborted');
        },
      },
    });
    await assert.rejects(runPlan(h.ctx, h.handlers), (err) => err === lost);
    assert.deepEqual(h.rollbacks, []);
  });

  it('another run writing the state first stops this run (StateConflictError)', async () => {
    const h = harness({
      script: {
        1: (self) => {
          self.fake.overwrite();
          return { kind: 'continue' };
        },
      },
    });
    await assert.rejects(runPlan(h.ctx, h.handlers), StateConflictError);
    assert.deepEqual(h.ran, [0, 1]);
    assert.deepEqual(h.rollbacks, []);
  });

  it('losing the lock during the rollback stops it too: no failed state written over the new holder', async () => {
    const h = harness({
      script: { 0: () => ({ kind: 'fail', reason: 'bad' }) },
      rollback: async () => {
        throw lost;
      },
    });
    await assert.rejects(runPlan(h.ctx, h.handlers), (err) => err === lost);
    assert.deepEqual(h.fake.phases(), ['progressing', 'rolling-back']);
    assert.deepEqual(h.ctx.record.notes, []);
  });
});

describe('failRelease and rollBack', () => {
  it('rollBack under its own label returns the release to stable and says so', async () => {
    const h = harness();
    h.ctx.state.currentStep = 2;
    assert.equal(await rollBack(h.ctx, h.handlers, 'asked by a user', 'rollback (requested)'), 'rolled-back');
    assert.deepEqual(h.rollbacks, ['asked by a user']);
    assert.deepEqual(verdicts(h), ['rollback (requested): passed']);
    assert.deepEqual(h.groups, ['rollback (requested)']);
    assert.deepEqual(h.fake.phases(), ['rolling-back', 'rolled-back']);
    assert.equal(
      h.fake.saved[0]!.record.steps[0]!.verdict,
      'running',
      'rolling-back is saved before it runs',
    );
    assert.equal(h.ctx.record.rollbackReason, 'asked by a user');
  });

  it('failRelease warns with the reason and honours rollback-on-failure', async () => {
    const off = harness({ rollbackOnFailure: false });
    assert.equal(await failRelease(off.ctx, off.handlers, 'no data'), 'failed');
    assert.deepEqual(off.fake.phases(), ['failed']);
    assert.deepEqual(off.warnings, ['release failed: no data']);
    const on = harness();
    assert.equal(await failRelease(on.ctx, on.handlers, 'no data'), 'rolled-back');
    assert.deepEqual(on.rollbacks, ['no data']);
  });
});

describe('saveState and stampState', () => {
  it('saveState writes over the version it last saw and stores the redacted record', async () => {
    const h = harness();
    h.ctx.record.notes.push('token abc123-secret seen');
    h.ctx.redactRecord = (r) => ({ ...r, notes: r.notes.map((n) => n.replace('abc123-secret', '***')) });
    await saveState(h.ctx, 'progressing');
    assert.equal(h.ctx.stateVersion, '1');
    await saveState(h.ctx);
    assert.equal(h.ctx.stateVersion, '2');
    assert.deepEqual(h.fake.saved.at(-1)!.record.notes, ['token *** seen']);
    assert.deepEqual(h.ctx.record.notes, ['token abc123-secret seen'], "the run's own record is kept");
    assert.equal(h.fake.saved.at(-1)!.phase, 'progressing', 'no phase given: the phase is kept');
  });

  it('stampState sets phase, writer and time; promotion serves the new version', () => {
    const now = new Date(T0);
    // The state owns the serving version: a rollback sets it before the stamp, which keeps it.
    const stamp = (phase?: ReleasePhase, serving?: string) => {
      const state = harness().ctx.state;
      if (serving) state.servingVersion = serving;
      stampState(state, state.record, { phase, holder: 'run-9', now });
      return state;
    };
    const promoted = stamp('promoted');
    assert.equal(promoted.phase, 'promoted');
    assert.equal(promoted.servingVersion, 'v2');
    assert.equal(promoted.holder, 'run-9');
    assert.equal(promoted.updatedAt, '2026-03-01T10:00:00.000Z');
    const rolledBack = stamp('rolled-back', 'v1');
    assert.equal(rolledBack.servingVersion, 'v1', 'only a promotion serves the new version');
    const progressing = stamp('progressing');
    assert.equal(progressing.servingVersion, undefined);
    const resumed = harness().ctx.state;
    resumed.servingVersion = 'v1';
    stampState(resumed, resumed.record, { phase: 'progressing', holder: 'h', now });
    assert.equal(resumed.servingVersion, 'v1', 'a stamp that promotes nothing keeps the stored one');
    assert.equal(stamp(undefined).phase, 'progressing', 'no phase: unchanged');
    const other = record();
    const state = harness().ctx.state;
    stampState(state, other, { holder: 'h', now });
    assert.equal(state.record, other, 'the state carries the record given');
  });

  it('isAbandoned: a lost lock or a state conflict, or a signal aborted by a lost lock', () => {
    const h = harness();
    assert.equal(isAbandoned(h.ctx, new LockLostError('web')), true);
    assert.equal(isAbandoned(h.ctx, new StateConflictError('changed')), true);
    assert.equal(isAbandoned(h.ctx, new Error('boom')), false);
    const controller = new AbortController();
    const cancelled = harness({ controller });
    controller.abort(new Error('SIGINT'));
    assert.equal(isAbandoned(cancelled.ctx, new Error('boom')), false);
    const lostCtl = new AbortController();
    const lost = harness({ controller: lostCtl });
    lostCtl.abort(new LockLostError('web'));
    assert.equal(isAbandoned(lost.ctx, new Error('boom')), true);
  });
});
