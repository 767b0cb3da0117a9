// The one test command (npm test): builds dist/ (end-to-end tests run the bundle as the runner
// does), makes sure a real Prometheus is installed, then runs every layer with node's test runner.
// `npm test -- unit` (or integration, e2e, sim) runs one layer.
import { spawnSync } from 'node:child_process';
// tinyglobby, not node:fs globSync: that only exists from Node 22, and `engines` allows Node 20.
import { globSync } from 'tinyglobby';

const layers = process.argv.slice(2);
const wanted = layers.length ? layers : ['unit', 'sim', 'integration', 'e2e'];

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (wanted.some((l) => l !== 'unit')) {
  run(process.execPath, ['scripts/build.mjs']);
  run('bash', ['scripts/ensure-prometheus.sh']);
}

const files = globSync(wanted.map((layer) => `test/${layer}/**/*.test.ts`)).sort();
if (files.length === 0) {
  console.error(`no test files for ${wanted.join(', ')}`);
  process.exit(1);
}
run(process.execPath, [
  '--import',
  'tsx',
  '--test',
  '--test-reporter=spec',
  `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`,
  '--test-timeout=240000',
  ...files,
]);
