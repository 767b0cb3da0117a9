// The inputs file of `npm run local` (scripts/local-inputs.ts).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { readInputsFile } from '../../scripts/local-inputs.ts';

const dir = mkdtempSync(join(tmpdir(), 'kr-local-inputs-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('npm run local: the inputs file', () => {
  it('gives each input as the runner would: text, with lists and mappings as YAML', () => {
    const inputs = readInputsFile(
      file(
        'ok.yml',
        'manifests: k8s/\nauto-promote: false\nlock-timeout: 90s\nsteps:\n  - setWeight: 20\n  - pause: {}\nanalysis:\n  interval: 30s\n',
      ),
    );
    assert.equal(inputs.manifests, 'k8s/');
    assert.equal(inputs['auto-promote'], 'false');
    assert.equal(inputs['lock-timeout'], '90s');
    assert.deepEqual(parse(inputs.steps!), [{ setWeight: 20 }, { pause: {} }]);
    assert.deepEqual(parse(inputs.analysis!), { interval: '30s' });
  });

  it('refuses unknown inputs, every one with its line, and anything but a mapping', () => {
    assert.throws(
      () =>
        readInputsFile(
          file('typo.yml', 'manifests: k8s/\nmanifest: x\nstrategy: canary\nstep: []\n'),
          'typo.yml',
        ),
      (err: Error) =>
        /typo\.yml:2: unknown input 'manifest'/.test(err.message) &&
        /typo\.yml:4: unknown input 'step'/.test(err.message),
    );
    assert.throws(
      () => readInputsFile(file('list.yml', '- manifests\n'), 'list.yml'),
      /list\.yml:1: .*a mapping/,
    );
    assert.throws(() => readInputsFile(file('bad.yml', 'a: [\n'), 'bad.yml'), /invalid YAML/);
  });
});
