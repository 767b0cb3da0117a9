// The size of what an entry file loads, not of the entry alone: dist/index.js and dist/post.js are
// a few hundred bytes that import chunks (statically, and the release code through import()).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}\/[^"']+\.js)["']/g;

/** Every local module the entry reaches through static imports and import(), with the entry. */
export function reachableFiles(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    // Bundled library code quotes import paths in strings and comments: only real chunks count.
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) visit(resolve(dirname(file), m[1]!));
  };
  visit(resolve(entry));
  return [...seen];
}

/** `1.9 MB in 6 files`: what the entry can load. */
export function loadedSize(entry: string): string {
  const files = reachableFiles(entry);
  const bytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
  return `${(bytes / 1e6).toFixed(1)} MB in ${files.length} files`;
}
