// `npm run local` (scripts/local-run.ts) runs the bundle with inputs from a YAML file, against the
// simulated cluster it starts (--sim) or against the cluster of a kubeconfig.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';
import { writeApp } from '../helpers/manifests.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** Runs the script from `cwd` as `npm run local -- args` would (npm sets INIT_CWD). */
function local(cwd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/local-run.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, INIT_CWD: cwd },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code: code ?? 1, stdout, stderr }));
  });
}

describe('npm run local', () => {
  let sim: SimCluster;
  let dir: string;
  before(async () => {
    sim = await startSimCluster();
    dir = mkdtempSync(join(tmpdir(), 'kr-local-'));
    mkdirSync(join(dir, 'k8s'));
    writeApp({ replicas: 2 }, join(dir, 'k8s'));
  });
  after(async () => {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const inputs = (extra: Record<string, unknown>) =>
    stringify({ manifests: 'k8s/', 'version-label': 'version', namespace: 'local', ...extra });

  it('--sim: starts the simulator, runs the bundle, prints the masked log, the outputs and the summary', async () => {
    writeFileSync(join(dir, 'sim.yml'), inputs({ images: 'registry.local:5000/acme/web:v3' }));
    const run = await local(dir, ['sim.yml', '--sim']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /simulated cluster at http/);
    assert.match(run.stdout, /outputs:\n {2}result: promoted\n {2}version: v3/);
    assert.match(run.stdout, /job summary:\n## ✅ Promoted: web/);
    assert.doesNotMatch(run.stdout, /::add-mask::/, 'the runner hides mask commands');
    assert.doesNotMatch(run.stdout, /acme\/shop|runs\/4242/, 'no made-up repository or run');
  });

  it('--kubeconfig: releases into that cluster; an unknown input stops it before anything runs', async () => {
    writeFileSync(join(dir, 'cluster.yml'), inputs({ images: 'registry.local:5000/acme/web:v4' }));
    sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'local' } });
    const run = await local(dir, ['cluster.yml', '--kubeconfig', sim.kubeconfigPath]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const deployment = sim.store.get('apps/v1', 'Deployment', 'local', 'web');
    assert.equal(
      (deployment?.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata
        .labels.version,
      'v4',
    );

    writeFileSync(join(dir, 'typo.yml'), `${inputs({})}imagez: x\n`);
    const requests = sim.stats().requests.length;
    const refused = await local(dir, ['typo.yml', '--kubeconfig', sim.kubeconfigPath]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /typo\.yml:4: unknown input 'imagez'/);
    assert.equal(sim.stats().requests.length, requests, 'nothing reached the cluster');
  });
});
