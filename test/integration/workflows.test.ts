// The workflow files and action metadata, validated against GitHub's schemas by
// @action-validator/core (WebAssembly, schemas bundled: no network), plus what a schema cannot
// know: inputs passed to `uses: ./` exist, and the e2e workflow runs the scenarios of the
// simulator suite (its matrix is built from test/e2e/scenarios.json by the workflow's own jq).
import { validateAction, validateWorkflow, type ValidationState } from '@action-validator/core';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { inputNames } from '../../src/config/inputs.ts';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const WORKFLOWS = ['.github/workflows/ci.yml', '.github/workflows/e2e.yml', '.github/workflows/release.yml'];

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

  it('action.yml is ready for the Marketplace: a description under 125 characters, branding, a LICENSE', () => {
    const action = parse(read('action.yml')) as {
      name: string;
      description: string;
      branding?: { icon?: string; color?: string };
    };
    assert.ok(action.name);
    assert.ok(action.description.length < 125, `description is ${action.description.length} characters`);
    assert.ok(action.branding?.icon && action.branding.color, 'branding: icon and color');
    const pkg = JSON.parse(read('package.json')) as { license: string };
    assert.equal(pkg.license, 'MIT');
    assert.match(read('LICENSE'), /^MIT License\n\nCopyright \(c\) \d{4} kube-rollout contributors\n/);
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
          assert.ok((inputNames() as string[]).includes(name), `${file}: unknown input '${name}'`);
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

  const PLANES = ['nginx', 'gateway-api', 'istio'];

  it('its matrix is every scenario of test/e2e/scenarios.json, gates filled with each data plane’s query', () => {
    const matrix = workflowMatrix();
    assert.deepEqual(
      matrix.map((s) => s.id),
      source.scenarios.map((s: { id: string }) => s.id),
    );
    const gated = matrix.find((s) => s.gate)!;
    const analyses = gated.analyses as Record<string, string>;
    assert.deepEqual(Object.keys(analyses).sort(), [...PLANES].sort());
    for (const plane of PLANES) {
      const analysis = JSON.parse(analyses[plane]!);
      assert.equal(analysis.metrics[0].query, source.errorRate[plane]);
      assert.equal(analysis.metrics[0].provider, 'prometheus');
    }
    assert.match(source.errorRate.nginx, /nginx_ingress_controller_requests/);
    assert.match(source.errorRate.istio, /istio_requests_total/);
  });

  it('every data plane runs every scenario, with its own router, manifests and query', () => {
    for (const job of [workflow.jobs.release, workflow.jobs.promote]) {
      assert.deepEqual((job.strategy?.matrix as unknown as { plane: string[] }).plane, PLANES);
      assert.equal(
        job.steps.find((s) => s.uses === './.github/e2e/cluster')?.with?.['data-plane'],
        '${{ matrix.plane }}',
      );
    }
    const underTest = workflow.jobs.release.steps.find((s) => s.id === 'release')!;
    assert.equal(underTest.with?.traffic, "${{ matrix.scenario.traffic && matrix.plane || '' }}");
    assert.equal(underTest.with?.analysis, '${{ matrix.scenario.analyses[matrix.plane] }}');
    // Each plane's manifests (and its crash-loop overlay) render with the route its router drives.
    const route: Record<string, string> = {
      nginx: 'Ingress',
      'gateway-api': 'HTTPRoute',
      istio: 'VirtualService',
    };
    const cwd = new URL('../../', import.meta.url);
    for (const plane of PLANES) {
      for (const dir of [plane, `${plane}-crash-loop`]) {
        const kinds = execFileSync('kubectl', ['kustomize', `test/e2e/kind/${dir}`], {
          cwd,
          encoding: 'utf8',
        })
          .split('\n')
          .filter((l) => l.startsWith('kind: '))
          .sort();
        assert.deepEqual(kinds, ['kind: Deployment', `kind: ${route[plane]}`, 'kind: Service'].sort(), dir);
      }
    }
  });

  it('the release job uses the action from the checkout with the scenario inputs; promote is gated by an environment', () => {
    const release = workflow.jobs.release;
    assert.equal(release.strategy?.matrix?.scenario, '${{ fromJSON(needs.scenarios.outputs.matrix) }}');
    const underTest = release.steps.find((s) => s.id === 'release')!;
    assert.equal(underTest.uses, './');
    for (const key of ['strategy', 'steps'])
      assert.equal(underTest.with?.[key], `\${{ matrix.scenario.${key} }}`);
    const promote = workflow.jobs.promote;
    assert.ok(promote.environment, 'the promote job names an environment');
    assert.equal(promote.steps.find((s) => s.id === 'promote')?.with?.action, 'promote');
    const cluster = parse(read('.github/e2e/cluster/action.yml')) as { runs: { steps: Step[] } };
    assert.ok(cluster.runs.steps.some((s) => s.uses?.startsWith('helm/kind-action@')));
  });
});

describe('the release workflow moves the major tag', () => {
  const workflow = parse(read('.github/workflows/release.yml')) as {
    on: { push: { tags: string[] } };
    permissions: Record<string, string>;
    jobs: Record<string, Job>;
  };
  const step = workflow.jobs.release.steps.find((s) => s.id === 'major')!;
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.test', ...args], {
      cwd,
      encoding: 'utf8',
    }).trim();

  it('runs on version tags, may push tags, and checks dist/ before it moves anything', () => {
    assert.deepEqual(workflow.on.push.tags, ['v[0-9]+.[0-9]+.[0-9]+']);
    assert.equal(workflow.permissions.contents, 'write');
    const runs = workflow.jobs.release.steps.map((s) => s.run ?? s.uses ?? '');
    const build = runs.findIndex((r) => r.includes('npm run build'));
    assert.ok(build >= 0 && build < runs.indexOf(step.run!), 'dist/ is checked first');
    assert.match(runs[build]!, /git status --porcelain -- dist/);
  });

  it('its tag step points v1 at the release, moves it on v1.3.0, and leaves it on v2.0.0', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kr-release-'));
    try {
      git(dir, 'init', '--quiet', '--bare', 'origin.git');
      git(dir, 'clone', '--quiet', 'origin.git', 'work');
      const work = join(dir, 'work');
      const output = join(dir, 'output');
      const release = (tag: string): string => {
        git(work, 'commit', '--quiet', '--allow-empty', '-m', tag);
        const sha = git(work, 'rev-parse', 'HEAD');
        writeFileSync(output, '');
        const env = {
          PATH: process.env.PATH ?? '',
          HOME: dir,
          TAG: tag,
          GITHUB_SHA: sha,
          GITHUB_OUTPUT: output,
        };
        execFileSync('bash', ['-e', '-c', step.run!], { cwd: work, env, stdio: 'pipe' });
        return sha;
      };
      const remote = (tag: string) => git(work, 'ls-remote', 'origin', `refs/tags/${tag}`).split(/\s/)[0];
      const first = release('v1.2.3');
      assert.equal(remote('v1'), first);
      assert.equal(readFileSync(output, 'utf8'), 'tag=v1\n');
      const second = release('v1.3.0');
      assert.equal(remote('v1'), second, 'moved to the new minor');
      const third = release('v2.0.0');
      assert.equal(remote('v2'), third);
      assert.equal(remote('v1'), second, 'a new major leaves v1 where it was');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
