// The bundle started by GitHub's runner emulator, @github/local-action: it reads action.yml, loads
// the inputs from a dotenv file and calls run() of an entry that imports dist/index.js, which runs
// the action (its bundled @actions/core reads INPUT_* and writes the GITHUB_* files, as on a
// runner; local-action's stubs replace only the unbundled @actions/* packages). npm runs offline.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseFileCommands } from '../helpers/action.ts';
import { startSimCluster, type SimCluster } from '@kube-rollout/kube-sim';

const ROOT = resolve(import.meta.dirname, '../..');
/** Imports dist/index.js when local-action calls its run() (see the file). */
const ENTRY = 'test/fixtures/local-action/entry.mjs';
const LOCAL_ACTION = join(ROOT, 'node_modules/@github/local-action/bin/local-action.js');
/** The bundle targets node24 (the runner's); the `node` devDependency provides it under Node 20 too. */
const NODE_24 = existsSync(join(ROOT, 'node_modules/.bin/node'))
  ? join(ROOT, 'node_modules/.bin/node')
  : process.execPath;

describe('the bundle under @github/local-action', () => {
  let sim: SimCluster;
  before(async () => {
    sim = await startSimCluster();
  });
  after(async () => {
    await sim.stop();
  });

  it('local-action run . <entry importing dist/index.js> .env releases the app and writes the outputs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kr-local-action-'));
    const files = {
      output: join(dir, 'output'),
      state: join(dir, 'state'),
      summary: join(dir, 'summary.md'),
    };
    for (const file of Object.values(files)) writeFileSync(file, '');
    const dotenv = {
      INPUT_MANIFESTS: 'test/fixtures/web',
      INPUT_IMAGES: 'registry.local:5000/acme/web:v7',
      'INPUT_VERSION-LABEL': 'version',
      INPUT_COMMENT: 'false',
      KUBECONFIG: sim.kubeconfigPath,
      GITHUB_OUTPUT: files.output,
      GITHUB_STATE: files.state,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_WORKSPACE: ROOT,
      GITHUB_REPOSITORY: 'acme/shop',
      RUNNER_TEMP: dir,
    };
    const envFile = join(dir, '.env');
    writeFileSync(
      envFile,
      Object.entries(dotenv)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n'),
    );

    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((done) => {
      execFile(
        NODE_24,
        [LOCAL_ACTION, 'run', ROOT, ENTRY, envFile],
        {
          cwd: ROOT,
          env: {
            PATH: [dirname(NODE_24), process.env.PATH].join(delimiter),
            HOME: dir,
            npm_config_offline: 'true',
            npm_config_update_notifier: 'false',
          },
          maxBuffer: 32 * 1024 * 1024,
        },
        (err, out, errOut) => done({ code: err ? Number(err.code ?? 1) : 0, stdout: `${out}\n${errOut}` }),
      );
    });
    assert.equal(code, 0, stdout);
    assert.match(stdout, /Running Action/, 'local-action started the entrypoint');
    assert.match(stdout, /deployment "web" successfully rolled out/);
    const outputs = parseFileCommands(readFileSync(files.output, 'utf8'));
    assert.equal(outputs.result, 'promoted');
    assert.equal(outputs.version, 'v7');
    assert.match(readFileSync(files.summary, 'utf8'), /web/);
    const live = sim.store.get('apps/v1', 'Deployment', 'default', 'web')!;
    assert.equal(live.spec.template.spec.containers[0].image, 'registry.local:5000/acme/web:v7');
    assert.equal(live.status.readyReplicas, 4);
  });
});
