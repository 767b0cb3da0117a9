/** RolloutRecords for report tests: a canary that was promoted, and one that was rolled back. */
import type { KubeObject } from '../../src/kube/types.ts';
import type { ReleaseState, RolloutRecord } from '../../src/record/types.ts';

const T0 = Date.parse('2026-11-21T22:00:00Z');
const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString();

export function promotedCanary(): RolloutRecord {
  return {
    app: 'web',
    namespace: 'shop',
    environment: 'production',
    action: 'deploy',
    strategy: 'canary',
    traffic: 'nginx',
    result: 'promoted',
    previousVersion: '1.4.0',
    newVersion: '1.5.0',
    servingVersion: '1.5.0',
    revision: 7,
    canaryWeight: 100,
    startedAt: at(0),
    finishedAt: at(252),
    runUrl: 'https://github.com/acme/shop/actions/runs/42',
    commit: '0123456789abcdef0123456789abcdef01234567',
    steps: [
      {
        index: 0,
        kind: 'apply',
        label: 'apply canary',
        startedAt: at(0),
        finishedAt: at(20),
        verdict: 'passed',
        detail: 'canary 1/1 ready',
      },
      {
        index: 1,
        kind: 'setWeight',
        label: 'setWeight 20',
        weight: 20,
        startedAt: at(20),
        finishedAt: at(21),
        verdict: 'passed',
      },
      {
        index: 2,
        kind: 'analysis',
        label: 'analysis error-rate',
        weight: 20,
        startedAt: at(21),
        finishedAt: at(141),
        verdict: 'passed',
      },
      {
        index: 3,
        kind: 'setWeight',
        label: 'setWeight 50',
        weight: 50,
        startedAt: at(141),
        finishedAt: at(142),
        verdict: 'passed',
      },
      {
        index: 4,
        kind: 'promote',
        label: 'promote',
        weight: 100,
        startedAt: at(142),
        finishedAt: at(252),
        verdict: 'passed',
      },
    ],
    measurements: [
      {
        metric: 'error-rate',
        provider: 'prometheus',
        at: at(60),
        phase: 'Successful',
        value: 0.012,
        condition: 'result <= 0.05',
        query: 'sum(rate(http_requests_total{code=~"5.."}[1m]))',
      },
      {
        metric: 'error-rate',
        provider: 'prometheus',
        at: at(100),
        phase: 'Successful',
        value: 0.018,
        condition: 'result <= 0.05',
        query: 'sum(rate(http_requests_total{code=~"5.."}[1m]))',
      },
      {
        metric: 'error-rate',
        provider: 'prometheus',
        at: at(140),
        phase: 'Successful',
        value: 0.021,
        condition: 'result <= 0.05',
        query: 'sum(rate(http_requests_total{code=~"5.."}[1m]))',
      },
      {
        metric: 'p99-latency',
        provider: 'web',
        at: at(140),
        phase: 'Failed',
        value: 0.9,
        condition: 'result < 0.5',
        dryRun: true,
        message: 'dry run: would fail',
      },
    ],
    evidence: [],
    weights: [
      { at: at(20), weight: 20 },
      { at: at(141), weight: 50 },
      { at: at(252), weight: 100 },
    ],
    notes: ['analysis step 2 took longer than its interval'],
  };
}

export function rolledBackCanary(): RolloutRecord {
  const base = promotedCanary();
  return {
    ...base,
    result: 'rolled-back',
    servingVersion: '1.4.0',
    canaryWeight: 0,
    finishedAt: at(90),
    steps: [
      base.steps[0]!,
      base.steps[1]!,
      {
        index: 2,
        kind: 'analysis',
        label: 'analysis error-rate',
        weight: 20,
        startedAt: at(21),
        finishedAt: at(80),
        verdict: 'failed',
      },
      {
        index: 3,
        kind: 'rollback',
        label: 'rollback',
        weight: 0,
        startedAt: at(80),
        finishedAt: at(90),
        verdict: 'passed',
      },
    ],
    measurements: [
      {
        metric: 'error-rate',
        provider: 'prometheus',
        at: at(40),
        phase: 'Successful',
        value: 0.01,
        condition: 'result <= 0.05',
      },
      {
        metric: 'error-rate',
        provider: 'prometheus',
        at: at(60),
        phase: 'Failed',
        value: 0.31,
        condition: 'result <= 0.05',
      },
      {
        metric: 'error-rate',
        provider: 'prometheus',
        at: at(80),
        phase: 'Failed',
        value: 0.42,
        condition: 'result <= 0.05',
      },
    ],
    evidence: [
      {
        workload: 'web-canary',
        pod: 'web-canary-7d9f-x2x',
        container: 'app',
        reason: 'CrashLoopBackOff',
        message: 'back-off 40s restarting failed container',
        exitCode: 137,
        restartCount: 4,
        logTail: ['listening on :8080', 'FATAL: cannot connect to db'],
        seenAt: at(70),
      },
    ],
    weights: [
      { at: at(20), weight: 20 },
      { at: at(80), weight: 0 },
    ],
    rollbackReason:
      'analysis error-rate failed 2 times (limit 1): 0.42 > 0.05; pod web-canary-7d9f-x2x CrashLoopBackOff',
    notes: [],
  };
}

/** A canary release state at step 1 with an empty record, holding the given objects. */
export function releaseStateWith(
  namespace: string,
  rendered: KubeObject[],
  stableSnapshot: KubeObject[] = [],
): ReleaseState {
  const startedAt = '2026-11-30T12:00:00Z';
  return {
    schema: 2,
    name: 'web',
    phase: 'paused',
    strategy: 'canary',
    newVersion: 'v2',
    currentStep: 1,
    canaryWeight: 10,
    rendered,
    stableSnapshot,
    updatedAt: startedAt,
    record: {
      app: 'web',
      namespace,
      action: 'deploy',
      startedAt,
      steps: [],
      measurements: [],
      evidence: [],
      weights: [],
      notes: [],
    },
  };
}
