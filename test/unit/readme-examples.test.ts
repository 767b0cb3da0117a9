// The README's environment-gated example (issue 18): every job that touches production runs inside
// the environment, only the deploy job names the deployment inputs, and GitHub is told not to make
// a deployment per job next to the release's own. The workflow is schema-checked as well.
import { validateWorkflow } from '@action-validator/core';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse, stringify } from 'yaml';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}
interface Job {
  environment?: string | { name: string; deployment?: boolean };
  steps: Step[];
}

/** The YAML blocks of the README section headed `title`. */
function yamlBlocks(title: string): string[] {
  const start = README.indexOf(`### ${title}\n`);
  assert.ok(start >= 0, `README has a section "${title}"`);
  const end = README.indexOf('\n### ', start + 1);
  const section = README.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

describe('README: the environment-gated canary', () => {
  const [workflowText, rollbackText] = yamlBlocks('Canary with a human gate');
  const workflow = parse(workflowText!) as { jobs: Record<string, Job> };
  // The rollback job is shown on its own, indented as a job of the same workflow.
  const jobs: Record<string, Job> = { ...workflow.jobs, ...(parse(rollbackText!) as Record<string, Job>) };
  const actionStep = (job: Job) => job.steps.find((s) => s.uses?.startsWith('kube-rollout/kube-rollout@'));
  const releasing = Object.entries(jobs).filter(([, job]) => actionStep(job));

  it('is a valid workflow (the bundled schema predates `deployment: false`, checked below)', () => {
    const withoutDeploymentKey = structuredClone(workflow);
    for (const job of Object.values(withoutDeploymentKey.jobs))
      if (typeof job.environment === 'object') delete job.environment.deployment;
    const errors = validateWorkflow(stringify({ on: 'push', ...withoutDeploymentKey })).errors;
    assert.deepEqual(errors, []);
  });

  it('runs every job that touches production inside the environment, with no deployment of its own', () => {
    assert.deepEqual(
      releasing.map(([name]) => name),
      ['canary', 'promote', 'rollback'],
    );
    for (const [name, job] of releasing) {
      assert.deepEqual(job.environment, { name: 'production', deployment: false }, name);
    }
  });

  it('names the deployment inputs in the deploy job only', () => {
    const inputs = Object.fromEntries(releasing.map(([name, job]) => [name, actionStep(job)!.with ?? {}]));
    assert.equal(inputs.canary!['deployment-status'], true);
    assert.equal(inputs.canary!.environment, 'production');
    for (const later of ['promote', 'rollback']) {
      assert.equal(inputs[later]!.action, later);
      for (const input of ['deployment-status', 'environment', 'environment-url', 'manifests'])
        assert.ok(!(input in inputs[later]!), `${later} repeats ${input}`);
    }
  });
});
