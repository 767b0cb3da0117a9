// The workflow files and action metadata, validated against GitHub's schemas by
// @action-validator/core (WebAssembly, schemas bundled: no network), plus what a schema cannot
// know: inputs passed to `uses: ./` exist, and the e2e workflow runs the scenarios of the
// simulator suite (its matrix is built from test/e2e/scenarios.json by the workflow's own jq).
import { validateAction, validateWorkflow, type ValidationState } from '@action-validator/core';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { INPUT_NAMES } from '../../src/config/inputs.ts';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const WORKFLOWS = ['.github/workflows/ci.yml', '.github/workflows/e2e.yml'];

function problems(state: ValidationState): string[] {
  return state.errors.map((e) => `${'path' in e ? e.path : ''} ${e.title}${e.detail ? `: ${e.detail}` : ''}`);
}

interface Step {
  uses?: string;
  run?: string;
  id?: string;
  with?: Record<string, string>;
}
interface Job {
  steps: Step[];
  environment?: string;
  strategy?: { matrix?: Record<string, string> };
}

describe('workflows and action metadata', () => {
  for (const file of WORKFLOWS) {
    it(`${file} is a valid workflow`, () => {
      assert.deepEqual(problems(validateWorkflow(read(file))), []);
    });
  }

  it('action.yml is valid action metadata (runs.using checked here: the bundled schema predates node24)', () => {
    const text = read('action.yml');
    assert.equal(parse(text).runs.using, 'node24');
    assert.deepEqual(problems(validateAction(text.replace(/^(\s+using:) node24$/m, '$1 node20'))), []);
    assert.deepEqual(problems(validateAction(read('.github/e2e/cluster/action.yml'))), []);
  });

  it('the validator does catch mistakes (a job without runs-on, an unknown key)', () => {
    const broken = 'on: push\njobs:\n  a:\n    stepz:\n      - run: echo\n';
    assert.ok(validateWorkflow(broken).errors.length > 0);
    assert.ok(validateAction('name: x\ndescription: y\nruns:\n  using: node24\n').errors.length > 0);
  });

  it('every input given to the action from this checkout (uses: ./) is one of its inputs', () => {
    for (const file of WORKFLOWS) {
      const jobs = Object.values(parse(read(file)).jobs as Record<string, Job>);
      for (const step of jobs.flatMap((j) => j.steps).filter((s) => s.uses === './')) {
        for (const name of Object.keys(step.with ?? {}))
          assert.ok((INPUT_NAMES as string[]).includes(name), `${file}: unknown input '${name}'`);
      }
    }
  });
});

describe('the e2e workflow runs the simulator suite’s scenarios', () => {
  const workflow = parse(read('.github/workflows/e2e.yml')) as { jobs: Record<string, Job> };
  const source = JSON.parse(read('test/e2e/scenarios.json'));

  /** Runs the workflow's own `read` step script (jq) in the repository root. */
  function workflowMatrix(): Array<Record<string, unknown>> {
    const script = workflow.jobs.scenarios.steps.find((s) => s.id === 'read')!.run!;
    const jqLine = script
      .split('> matrix.json')[0]
      .replace(/^\s*jq -c /, '')
      .replace(/\\\n/g, ' ');
    const [, program, file] = jqLine.match(/'([\s\S]*)'\s+(\S+)\s*$/)!;
    const cwd = new URL('../../', import.meta.url);
    return JSON.parse(execFileSync('jq', ['-c', program, file], { cwd, encoding: 'utf8' }));
  }

  it('its matrix is every scenario of test/e2e/scenarios.json, gates filled with the ingress-nginx query', () => {
    const matrix = workflowMatrix();
    assert.deepEqual(
      matrix.map((s) => s.id),
      source.scenarios.map((s: { id: string }) => s.id),
    );
    const gated = matrix.find((s) => s.gate)!;
    const analysis = JSON.parse(gated.analysis as string);
    assert.equal(analysis.metrics[0].query, source.errorRate.kind);
    assert.equal(analysis.metrics[0].provider, 'prometheus');
  });

  it('the release job uses the action from the checkout with the scenario inputs; promote is gated by an environment', () => {
    const release = workflow.jobs.release;
    assert.equal(release.strategy?.matrix?.scenario, '${{ fromJSON(needs.scenarios.outputs.matrix) }}');
    const underTest = release.steps.find((s) => s.id === 'release')!;
    assert.equal(underTest.uses, './');
    for (const key of ['strategy', 'traffic', 'steps', 'analysis'])
      assert.equal(underTest.with?.[key], `\${{ matrix.scenario.${key} }}`);
    const promote = workflow.jobs.promote;
    assert.ok(promote.environment, 'the promote job names an environment');
    assert.equal(promote.steps.find((s) => s.id === 'promote')?.with?.action, 'promote');
    const cluster = parse(read('.github/e2e/cluster/action.yml')) as { runs: { steps: Step[] } };
    assert.ok(cluster.runs.steps.some((s) => s.uses?.startsWith('helm/kind-action@')));
  });
});
