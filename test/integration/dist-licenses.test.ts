// dist/ as built (scripts/test.mjs builds it before this layer) carries the license notices of
// every third-party package in it. Checked independently of the metafile the notices come from:
// esbuild heads each bundled module with a `// node_modules/…` comment, and every package those
// comments name must be in dist/licenses.txt.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { packageDirOf } from '../../scripts/licenses.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const DIST = join(ROOT, 'dist');

function bundleFiles(): string[] {
  const chunks = readdirSync(join(DIST, 'chunks')).map((f) => join(DIST, 'chunks', f));
  const top = readdirSync(DIST)
    .filter((f) => f.endsWith('.js'))
    .map((f) => join(DIST, f));
  return [...top, ...chunks].filter((f) => f.endsWith('.js'));
}

describe('dist/licenses.txt', () => {
  it('names every package whose code dist/ carries, with its license text', () => {
    const dirs = new Set<string>();
    for (const file of bundleFiles())
      for (const [, input] of readFileSync(file, 'utf8').matchAll(/^\/\/ (node_modules\/\S+)$/gm)) {
        const dir = packageDirOf(input!);
        if (dir) dirs.add(dir);
      }
    assert.ok(dirs.size > 20, `found ${dirs.size} bundled packages`);
    const notices = readFileSync(join(DIST, 'licenses.txt'), 'utf8');
    const missing = [...dirs].filter((dir) => {
      const pkg = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8'));
      return !notices.includes(`\n${pkg.name} ${pkg.version} (`);
    });
    assert.deepEqual(missing, []);
    for (const [name, license] of [
      ['@actions/core', 'MIT'],
      ['@octokit/plugin-throttling', 'MIT'],
      ['bottleneck', 'MIT'],
      ['js-yaml', 'MIT'],
    ])
      assert.match(notices, new RegExp(`\\n${name!.replace('/', '\\/')} [\\d.]+ \\(${license}\\)`));
    assert.match(notices, /Permission is hereby granted/);
  });
});
