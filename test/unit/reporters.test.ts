import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PlanReport } from '../../src/report/plan.ts';
import { composeReporters, type Reporter } from '../../src/reporters/index.ts';
import { promotedCanary } from '../helpers/sample-record.ts';

const plan: PlanReport = {
  name: 'web',
  strategy: 'canary',
  toVersion: '1.5.0',
  changes: [],
  steps: ['setWeight 20'],
};

describe('composeReporters', () => {
  it('calls every reporter and turns a failure (thrown or rejected) into a warning naming it', async () => {
    const calls: string[] = [];
    const warnings: string[] = [];
    const reporters: Reporter[] = [
      { name: 'a', final: async (r) => void calls.push(`a:${r.result}`) },
      {
        name: 'b',
        final: () => {
          throw new Error('boom');
        },
      },
      { name: 'c', final: () => Promise.reject(new Error('no token')) },
      { name: 'd', final: async (r) => void calls.push(`d:${r.app}`) },
    ];
    const feedback = await composeReporters(reporters, (m) => warnings.push(m)).final(promotedCanary());
    assert.deepEqual(calls.sort(), ['a:promoted', 'd:web']);
    assert.deepEqual(warnings, ['the b report failed: boom', 'the c report failed: no token']);
    assert.deepEqual(feedback, {});
  });

  it('merges the feedback reporters hand back, ignoring undefined fields', async () => {
    const reporters: Reporter[] = [
      { name: 'deployment', progress: async () => ({ deploymentId: 42 }) },
      { name: 'none', progress: async () => ({ deploymentId: undefined }) },
      { name: 'void', progress: async () => {} },
    ];
    const feedback = await composeReporters(reporters, () => {}).progress(promotedCanary());
    assert.deepEqual(feedback, { deploymentId: 42 });
  });

  it('skips reporters without the called method and passes the plan data through', async () => {
    const seen: PlanReport[] = [];
    const reporters: Reporter[] = [
      { name: 'final only', final: async () => {} },
      { name: 'plan', plan: async (p) => void seen.push(p) },
    ];
    await composeReporters(reporters, () => assert.fail('no warning expected')).plan(plan);
    assert.deepEqual(seen, [plan]);
  });
});
