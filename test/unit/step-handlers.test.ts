// The step handler tables per execution mode, and the plans they run. The `@ts-expect-error` lines
// below are type-level tests: `npm run typecheck` (tsc includes test/) fails if one of them
// compiles, that is if a table could leave out a step of its mode or a plan could hold a step its
// mode cannot run.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildConfig, inputsOf, type Inputs } from '../../src/config/index.ts';
import type { StepHandlers } from '../../src/engine/steps/executor.ts';
import { handlersFor } from '../../src/engine/steps/handlers/index.ts';
import { InputError } from '../../src/errors.ts';
import type { KubeObject } from '../../src/kube/types.ts';
import type { ManifestSet } from '../../src/manifests/types.ts';
import { strategyFor } from '../../src/strategies/index.ts';
import { skipToPromotion } from '../../src/strategies/promote-full.ts';
import type { LiveFacts, Plan } from '../../src/strategies/types.ts';

const noLive: LiveFacts = { workloads: new Map() };
const config = (values: Partial<Inputs>) => buildConfig(inputsOf({ manifests: 'k8s/', ...values }), {});

function workload(kind: 'Deployment' | 'StatefulSet', name: string): KubeObject {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, namespace: 'shop', labels },
    spec: {
      replicas: 3,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name, image: `${name}:v2` }] } },
    },
  };
}

function manifests(...workloads: KubeObject[]): ManifestSet {
  const sourced = workloads.map((object, i) => ({ object, file: 'k8s/app.yaml', line: 1 + i * 20 }));
  return { objects: sourced, workloads: sourced, version: 'v2' };
}

const WEB_METRIC = '{name: ok, provider: web, url: "http://x", successCondition: "result == 1"}';
const HEADER_STEPS = [
  '- setHeaderRoute: {name: beta, header: x-beta, value: "1"}',
  '- setWeight: 20',
  '- setHeaderRoute: {name: beta}',
  '- pause: {}',
].join('\n');

// Type-level tests: each line under `@ts-expect-error` must fail to compile.
/** Fits any step's handler. */
const run = async () => ({ kind: 'continue' }) as const;
// @ts-expect-error the partition table leaves out `promote`
const missingPromote: StepHandlers<'partition'> = {
  'deploy-new': run,
  setWeight: run,
  pause: run,
  analysis: run,
};
// @ts-expect-error `apply` is not a step of a copies plan, so its table has no place for it
const applyInCopies: Partial<StepHandlers<'copies'>> = { apply: run };
const workloads: KubeObject[] = [];
const base = { strategy: 'canary' as const, workloads };
// @ts-expect-error a partition plan has no router to switch
const switchInPartition: Plan = { ...base, mode: 'partition', steps: [{ kind: 'switch' }] };
// @ts-expect-error an in-place plan cannot pause
const pauseInPlace: Plan<'in-place'> = { ...base, mode: 'in-place', steps: [{ kind: 'pause' }] };
void [missingPromote, applyInCopies, switchInPartition, pauseInPlace];

describe("every step a strategy plans has a handler in its mode's table", () => {
  const cases: Array<{ name: string; inputs: Partial<Inputs>; workloads: KubeObject[]; mode: Plan['mode'] }> =
    [
      {
        name: 'rolling',
        inputs: { strategy: 'rolling' },
        workloads: [workload('Deployment', 'web')],
        mode: 'in-place',
      },
      {
        name: 'recreate',
        inputs: { strategy: 'recreate' },
        workloads: [workload('Deployment', 'web')],
        mode: 'in-place',
      },
      {
        name: 'canary with header routes',
        inputs: { strategy: 'canary', traffic: 'nginx', steps: HEADER_STEPS },
        workloads: [workload('Deployment', 'web'), workload('StatefulSet', 'db')],
        mode: 'copies',
      },
      {
        name: 'blue-green with a manual promotion',
        inputs: { strategy: 'blue-green', 'auto-promote': 'false' },
        workloads: [workload('Deployment', 'web')],
        mode: 'copies',
      },
      {
        name: 'canary of StatefulSets',
        inputs: {
          strategy: 'canary',
          steps: `- setWeight: 50\n- pause: {}\n- analysis: {metrics: [${WEB_METRIC}]}`,
        },
        workloads: [workload('StatefulSet', 'db')],
        mode: 'partition',
      },
    ];
  for (const c of cases) {
    it(c.name, () => {
      const cfg = config(c.inputs);
      const plan = strategyFor(cfg.strategy).plan(cfg, manifests(...c.workloads), noLive);
      assert.equal(plan.mode, c.mode);
      const handled = Object.keys(handlersFor(plan).steps);
      for (const step of plan.steps) assert.ok(handled.includes(step.kind), `${c.name}: ${step.kind}`);
    });
  }
});

describe('a canary of StatefulSets', () => {
  it('refuses header-route steps before anything is written, naming the input and the StatefulSet', () => {
    const cfg = config({ strategy: 'canary', traffic: 'nginx', steps: HEADER_STEPS });
    const sts = manifests(workload('StatefulSet', 'db'));
    assert.throws(
      () => strategyFor('canary').plan(cfg, sts, noLive),
      (err: unknown) =>
        err instanceof InputError &&
        err.location.input === 'steps' &&
        err.location.file === 'k8s/app.yaml' &&
        err.location.line === 1 &&
        /setHeaderRoute beta: a canary of StatefulSets .* no traffic router/.test(err.message),
    );
  });
});

/** The steps as `kind`, and pauses with their duration. */
const shown = (plan: Plan) => plan.steps.map((s) => (s.kind === 'pause' ? `pause ${s.durationMs}` : s.kind));

describe('skipToPromotion (promote-full)', () => {
  it('turns the remaining weights, pauses, analysis and header routes into zero-length pauses', () => {
    const cfg = config({ strategy: 'canary', traffic: 'nginx', steps: HEADER_STEPS });
    const plan = strategyFor('canary').plan(cfg, manifests(workload('Deployment', 'web')), noLive);
    assert.deepEqual(shown(skipToPromotion(plan, 2)), [
      'deploy-new',
      'setHeaderRoute',
      'pause 0',
      'pause 0',
      'pause 0',
      'promote',
    ]);
  });

  it('keeps deploy-new (a run that died before it), switch and promote', () => {
    const cfg = config({ strategy: 'blue-green', 'auto-promote': 'false' });
    const plan = strategyFor('blue-green').plan(cfg, manifests(workload('Deployment', 'web')), noLive);
    assert.deepEqual(shown(skipToPromotion(plan, 0)), ['deploy-new', 'pause 0', 'switch', 'promote']);
  });

  it('leaves an in-place plan alone: its apply and wait are the release itself', () => {
    const cfg = config({ strategy: 'rolling' });
    const plan = strategyFor('rolling').plan(cfg, manifests(workload('Deployment', 'web')), noLive);
    assert.deepEqual(skipToPromotion(plan, 1), plan);
  });
});
