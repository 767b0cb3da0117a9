import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PlanReport } from '../../src/report/plan.ts';
import type { Config } from '../../src/config/types.ts';
import type { GitHubContext } from '../../src/github/context.ts';
import type { SummaryWriter } from '../../src/github/summary.ts';
import {
  applyReportFeedback,
  composeReporters,
  createReporters,
  warnOnce,
  type Reporter,
} from '../../src/reporters/index.ts';
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
    const comment = { issueNumber: 7, id: 42 };
    const deployment = {
      environment: 'production',
      productionEnvironment: true,
      transientEnvironment: false,
      id: 9,
    };
    const reporters: Reporter[] = [
      { name: 'comment', progress: async () => ({ comment }) },
      { name: 'deployment', progress: async () => ({ deployment, comment: undefined }) },
      { name: 'void', progress: async () => {} },
    ];
    const feedback = await composeReporters(reporters, () => {}).progress(promotedCanary());
    assert.deepEqual(feedback, { comment, deployment });
    const record = promotedCanary();
    record.github = { stableDeployment: { id: 1, version: '1.4.0', environment: 'production' } };
    applyReportFeedback(record, feedback);
    assert.deepEqual(record.github, {
      stableDeployment: { id: 1, version: '1.4.0', environment: 'production' },
      comment,
      deployment,
    });
  });

  it('passes each distinct warning once per run', () => {
    const said: string[] = [];
    const warn = warnOnce((m) => said.push(m));
    for (let i = 0; i < 12; i++) warn('writing the comment failed with HTTP 403');
    warn('another problem');
    assert.deepEqual(said, ['writing the comment failed with HTTP 403', 'another problem']);
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

describe('the PR comment without a token', () => {
  const summary: SummaryWriter = { addRaw: () => summary, write: async () => undefined };
  async function warningsFor(github: Partial<GitHubContext>): Promise<string[]> {
    const warnings: string[] = [];
    const reporters = createReporters({
      config: { comment: true, deploymentStatus: false } as Config,
      github: {
        repository: { owner: 'acme', repo: 'shop' },
        serverUrl: '',
        apiUrl: '',
        payload: {},
        ...github,
      },
      summary,
      setOutput: () => {},
      warn: (m) => void warnings.push(m),
      client: async () => undefined,
    });
    const record = { ...promotedCanary(), result: undefined };
    for (let i = 0; i < 3; i++) await reporters.progress(record);
    await reporters.final(promotedCanary());
    return warnings;
  }

  it('says nothing when the run has no pull request, and once when it has one', async () => {
    assert.deepEqual(await warningsFor({ eventName: 'workflow_dispatch' }), []);
    assert.deepEqual(await warningsFor({ eventName: 'pull_request', eventPrNumber: 3 }), [
      'no github-token: the pull request comment was not written',
    ]);
  });
});
