import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assessMetric, describeOutcome, tally } from '../../src/analysis/assess.ts';
import type { Judgement } from '../../src/analysis/judge.ts';
import type { MeasurementPhase } from '../../src/analysis/types.ts';
import type { MetricSpec } from '../../src/analysis/spec.ts';

const metric: MetricSpec = {
  name: 'errors',
  provider: 'prometheus',
  query: 'x',
  threshold: { max: 1 },
  failureLimit: 1,
  inconclusiveLimit: 0,
  consecutiveErrorLimit: 2,
  dryRun: false,
  phase: 'pre-promotion',
};

/** Judgements with the given phases (S, F, I, E), measured values 1, 2, 3… */
function judged(phases: string): Judgement[] {
  const names: Record<string, MeasurementPhase> = {
    S: 'Successful',
    F: 'Failed',
    I: 'Inconclusive',
    E: 'Error',
  };
  return [...phases].map((p, i) => ({
    measurement: { metric: 'errors', provider: 'prometheus', at: '', phase: names[p]!, value: i + 1 },
    measured: String(i + 1),
    summary: `measured ${i + 1}`,
    ...(p === 'F' ? { violation: '> 1' } : {}),
  })) as Judgement[];
}

describe('tally', () => {
  it('counts errors apart: they do not use up count and only consecutive ones matter', () => {
    assert.deepEqual(tally(judged('SEEFSE')), {
      taken: 3,
      successful: 2,
      failed: 1,
      inconclusive: 0,
      consecutiveErrors: 1,
    });
  });
});

describe('assessMetric (Argo rules)', () => {
  const cases: Array<[string, 'running' | 'complete' | 'stopped', string | undefined]> = [
    ['', 'running', undefined],
    ['SF', 'running', undefined],
    ['SFF', 'running', 'Failed'],
    ['SI', 'running', 'Inconclusive'],
    ['SEE', 'running', undefined],
    ['SEEE', 'running', 'Error'],
    ['EESEE', 'running', undefined],
    ['SS', 'complete', 'Successful'],
    ['F', 'complete', 'Inconclusive'],
    ['', 'complete', 'Inconclusive'],
    ['', 'stopped', 'Stopped'],
    ['F', 'stopped', 'Inconclusive'],
    ['FS', 'stopped', 'Successful'],
  ];
  for (const [phases, progress, want] of cases) {
    it(`${phases || 'nothing'} (${progress}) → ${want ?? 'still running'}`, () => {
      assert.equal(assessMetric(metric, judged(phases), progress), want);
    });
  }

  it('describes a failure with the values that crossed the limit', () => {
    const judgements = judged('SFF');
    const line = describeOutcome({ metric, judgements, end: assessMetric(metric, judgements, 'running') });
    assert.equal(line, 'errors (prometheus) measured 2, 3 > 1 in 2 of 3 measurements (failureLimit 1)');
  });
});
