import path from 'node:path';

// Mutation testing of the core modules (`npm run mutate`; README "Mutation testing"). Too slow for
// CI, so it is a documented command only.
//
// The tests use node's own runner, which Stryker runs through its `tap` test runner: each test
// file is one "test", run in its own process (`node --import tsx --test-reporter=tap <file>`), and
// coverage is recorded per file, so a mutant runs only the files that execute its code. Incremental
// mode keeps the results of the mutants whose code and tests did not change since the last run.
// Node's compile cache keeps the V8 code of the modules each test process loads: it spares every
// one of the thousands of processes a mutation run starts part of its start-up.
process.env.NODE_COMPILE_CACHE ??= path.resolve('.tmp/node-compile-cache');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: [
    'src/engine/lifecycle/lifecycle.ts',
    'src/engine/steps/executor.ts',
    'src/gates/*.ts',
    'src/analysis/conditions.ts',
    'src/analysis/stats.ts',
    'src/analysis/judge.ts',
    'src/secrets/redactor.ts',
    'src/record/redact.ts',
    'src/preflight/permissions.ts',
    'src/kube/retry.ts',
    'src/manifests/render.ts',
  ],
  testRunner: 'tap',
  tap: {
    // The unit files that exercise these modules; the other layers start the simulator and
    // would make every mutant cost seconds.
    testFiles: [
      'test/unit/lifecycle.test.ts',
      'test/unit/executor.test.ts',
      'test/unit/pod-health.test.ts',
      'test/unit/rollout-status.test.ts',
      'test/unit/wait-rollout.test.ts',
      'test/unit/new-pods.test.ts',
      'test/unit/analysis-conditions.test.ts',
      'test/unit/analysis-stats.test.ts',
      'test/unit/analysis-judge.test.ts',
      'test/unit/analysis-compare.test.ts',
      'test/unit/redactor.test.ts',
      'test/unit/redactor-forms.test.ts',
      'test/unit/preflight.test.ts',
      'test/unit/permissions.test.ts',
      'test/unit/retry-policy.test.ts',
      'test/unit/render.test.ts',
    ],
    nodeArgs: ['--import', 'tsx', '--test-reporter=tap'],
    forceBail: true,
  },
  coverageAnalysis: 'perTest',
  checkers: ['typescript'],
  // src and the unit tests: the other layers do not import the mutated modules' internals.
  tsconfigFile: 'tsconfig.mutate.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  incremental: true,
  incrementalFile: '.tmp/stryker/incremental.json',
  tempDirName: '.tmp/stryker-sandbox',
  ignorePatterns: ['dist', '.tmp', 'coverage', 'test/e2e', 'test/integration', 'bench', 'demo'],
  concurrency: 2,
  // Generous limits: on a busy machine a slow test run is not a mutant that loops.
  dryRunTimeoutMinutes: 30,
  timeoutMS: 20_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: '.tmp/stryker/mutation.html' },
  jsonReporter: { fileName: '.tmp/stryker/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  thresholds: { high: 90, low: 80, break: 90 },
};
