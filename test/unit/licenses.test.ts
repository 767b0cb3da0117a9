// dist/licenses.txt from an esbuild metafile (scripts/licenses.mjs), on a made-up node_modules tree.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Metafile } from 'esbuild';
import { licenseNotices, packageDirOf } from '../../scripts/licenses.mjs';

const root = mkdtempSync(join(tmpdir(), 'kr-licenses-'));
after(() => rmSync(root, { recursive: true, force: true }));

function pkg(dir: string, json: object, files: Record<string, string> = {}): void {
  mkdirSync(join(root, dir), { recursive: true });
  writeFileSync(join(root, dir, 'package.json'), JSON.stringify(json));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, dir, name), text);
}

/** A metafile whose one output has these inputs with these byte counts. */
function metafile(inputs: Record<string, number>): Metafile {
  const entries = Object.entries(inputs).map(([path, bytesInOutput]) => [path, { bytesInOutput }]);
  return {
    inputs: {},
    outputs: { 'dist/index.js': { bytes: 1, inputs: Object.fromEntries(entries), imports: [], exports: [] } },
  } as unknown as Metafile;
}

describe('license notices of the bundled packages', () => {
  it('finds the package of an input, scoped or nested', () => {
    assert.equal(packageDirOf('node_modules/yaml/dist/index.js'), 'node_modules/yaml');
    assert.equal(packageDirOf('node_modules/@octokit/core/dist-src/index.js'), 'node_modules/@octokit/core');
    assert.equal(
      packageDirOf('node_modules/@actions/github/node_modules/@actions/http-client/lib/index.js'),
      'node_modules/@actions/github/node_modules/@actions/http-client',
    );
    assert.equal(packageDirOf('src/main.ts'), undefined);
    assert.equal(packageDirOf('required-builtin:node:http'), undefined);
  });

  it('lists each bundled package once, sorted, sharing identical texts; omits what was shaken out', () => {
    const mit = 'MIT License\r\n\r\nCopyright (c) someone\r\n';
    pkg('node_modules/zeta', { name: 'zeta', version: '1.0.0', license: 'MIT' }, { LICENSE: mit });
    pkg(
      'node_modules/@scope/alpha',
      { name: '@scope/alpha', version: '2.0.0', license: 'MIT' },
      { 'LICENSE.md': mit },
    );
    pkg(
      'node_modules/x/node_modules/zeta',
      { name: 'zeta', version: '1.0.0', license: 'MIT' },
      { LICENSE: mit },
    );
    pkg(
      'node_modules/apache',
      { name: 'apache', version: '3.1.0', license: { type: 'Apache-2.0' } },
      { LICENSE: 'Apache License 2.0', NOTICE: 'apache: notice text' },
    );
    pkg('node_modules/bare', { name: 'bare', version: '0.1.0', licenses: [{ type: 'ISC' }] });
    pkg('node_modules/unused', { name: 'unused', version: '9.9.9', license: 'GPL-3.0' }, { LICENSE: 'GPL' });
    const text = licenseNotices(
      metafile({
        'node_modules/zeta/index.js': 10,
        'node_modules/x/node_modules/zeta/index.js': 10,
        'node_modules/apache/lib/a.js': 5,
        'node_modules/@scope/alpha/index.js': 3,
        'node_modules/bare/index.js': 1,
        'node_modules/unused/index.js': 0,
        'src/main.ts': 100,
      }),
      root,
    );
    assert.match(text, /: 4 packages\./);
    assert.doesNotMatch(text, /unused|GPL/, 'no bytes in the output: not redistributed');
    assert.doesNotMatch(text, /\r/);
    assert.match(
      text,
      /@scope\/alpha 2\.0\.0 \(MIT\)\nzeta 1\.0\.0 \(MIT\)\n-+\n\nMIT License\n\nCopyright \(c\) someone\n/,
    );
    assert.equal(text.match(/Copyright \(c\) someone/g)?.length, 1, 'one copy of a shared text');
    assert.match(
      text,
      /apache 3\.1\.0 \(Apache-2\.0\)\n-+\n\nApache License 2\.0\n\n-+\n\napache: notice text/,
    );
    assert.match(text, /bare 0\.1\.0 \(ISC\)\n-+\n\n\(the package ships no license file\)/);
    const order = ['@scope/alpha', 'apache', 'bare'].map((name) => text.indexOf(`${name} `));
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
      'sorted by package name',
    );
    const shuffled = licenseNotices(
      metafile({
        'node_modules/bare/index.js': 1,
        'node_modules/@scope/alpha/index.js': 3,
        'node_modules/apache/lib/a.js': 5,
        'node_modules/zeta/index.js': 10,
      }),
      root,
    );
    assert.equal(shuffled, text, 'the same packages give the same file, whatever the metafile order');
  });
});
