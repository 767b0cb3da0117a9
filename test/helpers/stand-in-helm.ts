// A stand-in `helm` for tests: a script put first on PATH that records its argv and working
// directory, then prints the chart's pre-rendered output (test/fixtures/helm/web.rendered.yaml),
// or fails like helm does when STAND_IN_HELM_FAIL is set.
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

export const RENDERED_CHART = resolve(import.meta.dirname, '../fixtures/helm/web.rendered.yaml');

export interface StandInHelm {
  /** Directory holding the `helm` script. */
  bin: string;
  /** PATH with the stand-in first. */
  path: string;
  /** Every call so far: argv after `helm`, and the working directory. */
  calls(): Array<{ argv: string[]; cwd: string }>;
}

export function standInHelm(): StandInHelm {
  const bin = mkdtempSync(join(tmpdir(), 'kr-helm-'));
  const log = join(bin, 'calls.jsonl');
  writeFileSync(log, '');
  const script = `#!${process.execPath}
const fs = require('node:fs');
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd() }) + '\\n');
if (process.env.STAND_IN_HELM_FAIL) {
  process.stderr.write('Error: ' + process.env.STAND_IN_HELM_FAIL + '\\n');
  process.exit(1);
}
process.stdout.write(fs.readFileSync(${JSON.stringify(RENDERED_CHART)}, 'utf8'));
`;
  writeFileSync(join(bin, 'helm'), script);
  chmodSync(join(bin, 'helm'), 0o755);
  return {
    bin,
    path: [bin, process.env.PATH ?? ''].join(delimiter),
    calls: () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { argv: string[]; cwd: string }),
  };
}
