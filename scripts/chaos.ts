// `npm run chaos -- --releases N --seed S [--apps one|many] [--state-tampering true|false]
// [--clock-skew true|false] [--no-build] [--verbose]`: randomized releases with API faults, kills
// and (by default) hand edits of the release state between runs and runner clocks up to 2 h off,
// through the bundled action, one line per release, totals and the seeds of failures. `--apps many` adds the many-workload fixture apps to the mix (issue 17).
// Exits 1 when any release ends inconsistent. See test/helpers/chaos.ts.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { formatOutcome, runChaos } from '../test/helpers/chaos.ts';
import { startSimCluster } from '@kube-rollout/kube-sim';

const { values } = parseArgs({
  options: {
    releases: { type: 'string', default: '20' },
    seed: { type: 'string', default: String(Date.now() % 100_000) },
    apps: { type: 'string', default: 'one' },
    /** Hand edits of the release state between runs (issue 20): `--state-tampering false` turns them off. */
    'state-tampering': { type: 'string', default: 'true' },
    /** Half the runs with a wall clock up to ±2 h off (issue 20): `--clock-skew false` turns it off. */
    'clock-skew': { type: 'string', default: 'true' },
    'no-build': { type: 'boolean', default: false },
    /** Also print every run's ::warning/::error lines under an inconsistent release. */
    verbose: { type: 'boolean', default: false },
  },
});
const releases = Number(values.releases);
const seed = Number(values.seed);
if (!Number.isInteger(releases) || releases < 1 || !Number.isInteger(seed))
  throw new Error(
    `--releases must be a positive integer and --seed an integer (got ${values.releases}, ${values.seed})`,
  );
if (values.apps !== 'one' && values.apps !== 'many')
  throw new Error(`--apps must be one (one-workload apps) or many (fixture apps too); got ${values.apps}`);

if (!values['no-build']) {
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const sim = await startSimCluster({ rps: 0 });
const started = Date.now();
console.log(
  `chaos: ${releases} releases, seeds ${seed}–${seed + releases - 1}, apps: ${values.apps},` +
    ` state tampering: ${values['state-tampering']}, clock skew: ${values['clock-skew']}`,
);
try {
  const outcomes = await runChaos(sim, {
    releases,
    seed,
    manyWorkloadApps: values.apps === 'many',
    tamperState: values['state-tampering'] !== 'false',
    clockSkew: values['clock-skew'] !== 'false',
    onOutcome: (o) => {
      console.log(formatOutcome(o));
      if (values.verbose && o.violations.length) console.log(o.annotations.map((a) => `    ${a}`).join('\n'));
    },
  });
  const failed = outcomes.filter((o) => o.violations.length > 0);
  console.log(
    `${outcomes.length - failed.length} consistent, ${failed.length} inconsistent` +
      ` (${Math.round((Date.now() - started) / 1000)}s)` +
      (failed.length ? `; failing seeds: ${failed.map((o) => o.seed).join(' ')}` : ''),
  );
  process.exitCode = failed.length ? 1 : 0;
} finally {
  await sim.stop();
}
