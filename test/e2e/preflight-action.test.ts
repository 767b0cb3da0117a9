// A sample of the bad-input corpus through the bundled action (dist/index.js): pre-flight problems
// become `::error` annotations on the input or the manifest file and line, and nothing is written.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { runAction } from '../helpers/action.ts';
import { appObjects } from '../helpers/manifests.ts';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';

function workspace(objects: object[] | string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kr-preflight-'));
  const text = typeof objects === 'string' ? objects : objects.map((o) => stringify(o)).join('---\n');
  writeFileSync(join(dir, 'app.yaml'), text);
  return dir;
}

describe('pre-flight refusals through dist/index.js', () => {
  let sim: SimCluster;
  before(async () => {
    sim = await startSimCluster({ rps: 0 });
  });
  after(() => sim.stop());

  const cases: { name: string; dir: () => string; inputs: Record<string, string>; annotation: RegExp }[] = [
    {
      name: 'duplicate Deployment',
      dir: () => workspace([...appObjects(), appObjects()[0]]),
      inputs: {},
      annotation:
        /^::error title=kube-rollout%3A invalid input,file=app\.yaml,line=\d+::app\.yaml:\d+: Deployment\/web .*defined twice: here and at app\.yaml:1/,
    },
    {
      name: 'empty manifests file',
      dir: () => workspace(''),
      inputs: {},
      annotation:
        /^::error title=kube-rollout%3A invalid input,file=app\.yaml::input 'manifests', app\.yaml: no Kubernetes objects in app\.yaml/,
    },
    {
      name: 'web metric url not-a-url',
      dir: () => workspace(appObjects()),
      inputs: {
        analysis:
          'metrics:\n  - name: probe\n    provider: web\n    url: not-a-url\n    successCondition: result == 1',
      },
      annotation:
        /^::error title=kube-rollout%3A invalid input(,line=2)?::input 'analysis' line 2: metric 'probe': url: 'not-a-url' is not a URL/,
    },
    {
      name: 'nginx canary without an Ingress',
      dir: () => workspace(appObjects()),
      inputs: { strategy: 'canary', traffic: 'nginx' },
      annotation:
        /^::error title=kube-rollout%3A invalid input::input 'manifests': traffic 'nginx' needs an Ingress/,
    },
  ];

  for (const c of cases) {
    it(`${c.name}: an ::error annotation and no write`, async () => {
      sim.resetStats();
      const cwd = c.dir();
      const run = await runAction(
        { kubeconfig: sim.kubeconfig, manifests: 'app.yaml', version: 'v1', comment: 'false', ...c.inputs },
        { cwd, env: { GITHUB_WORKSPACE: cwd } },
      );
      assert.equal(run.code, 1);
      assert.ok(
        run.annotations.some((a) => c.annotation.test(a)),
        `annotations: ${run.annotations.join('\n')}`,
      );
      assert.equal(sim.stats().writes, 0);
    });
  }

  it('an unreachable API server: one ::error naming the server and context, result failed', async () => {
    const cwd = workspace(appObjects());
    const kubeconfig = sim.kubeconfig.replace(/http:\/\/127\.0\.0\.1:\d+/, 'http://127.0.0.1:1');
    const run = await runAction(
      { kubeconfig, manifests: 'app.yaml', version: 'v1', comment: 'false' },
      { cwd, env: { GITHUB_WORKSPACE: cwd } },
    );
    assert.equal(run.code, 1);
    assert.ok(
      run.annotations.some((a) =>
        /^::error::could not reach the Kubernetes API server http:\/\/127\.0\.0\.1:1 \(context "sim", cluster "sim"\)/.test(
          a,
        ),
      ),
      run.annotations.join('\n'),
    );
    assert.equal(run.outputs.result, 'failed');
  });
});
