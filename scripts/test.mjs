// The one test command (npm test): builds dist/ (end-to-end tests run the bundle as the runner
// does), makes sure a real Prometheus is installed, then runs every layer with node's test runner.
// `npm test -- unit` (or integration, e2e, sim) runs one layer. The `sim` layer is a fidelity smoke
// of the simulator package (packages/kube-sim): the files that check it against the real kubectl,
// client-node and Prometheus. `npm test -- sim-full` runs the package's whole suite (CI does).
import { spawnSync } from 'node:child_process';
// tinyglobby: the project's one globbing library (src/manifests uses it too).
import { globSync } from 'tinyglobby';

const SIM_TESTS = 'packages/kube-sim/test';
const SIM_SMOKE = ['kubectl-api', 'kubectl-rollout', 'client-node', 'prometheus'];
const patterns = {
  unit: ['test/unit/**/*.test.ts'],
  sim: SIM_SMOKE.map((name) => `${SIM_TESTS}/${name}.test.ts`),
  'sim-full': [`${SIM_TESTS}/**/*.test.ts`],
  integration: ['test/integration/**/*.test.ts'],
  e2e: ['test/e2e/**/*.test.ts'],
};

const layers = process.argv.slice(2);
const wanted = layers.length ? layers : ['unit', 'sim', 'integration', 'e2e'];
const unknown = wanted.filter((layer) => !(layer in patterns));
if (unknown.length) {
  console.error(`unknown test layer ${unknown.join(', ')}: use ${Object.keys(patterns).join(', ')}`);
  process.exit(2);
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// Only the action's own layers run dist/; the simulator's tests need just the Debian tools.
if (wanted.some((l) => l === 'integration' || l === 'e2e')) run(process.execPath, ['scripts/build.mjs']);
if (wanted.some((l) => l !== 'unit')) run('bash', ['scripts/ensure-test-tools.sh']);

const files = globSync(wanted.flatMap((layer) => patterns[layer])).sort();
const missingSmoke = patterns.sim.filter((file) => wanted.includes('sim') && !files.includes(file));
if (missingSmoke.length) {
  console.error(`simulator smoke files not found: ${missingSmoke.join(', ')}`);
  process.exit(1);
}
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
