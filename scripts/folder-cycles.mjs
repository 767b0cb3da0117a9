// Fails when two folders of src/ import each other (issue 22: config composes the modules, and the
// modules import config only through its leaf types module, config/types.ts, whose own imports are
// type-only). File-level cycles are madge's own check (`npm run cycles`); this one is per folder.
// src/engine is split by stage: each of its immediate subfolders (engine/run, engine/steps, …) is a
// folder of its own here, so its stages may not import each other both ways either.
import madge from 'madge';

/** Imports allowed against the folder order: the one leaf types module every module may read. */
const LEAF_TYPES = new Set(['config/types.ts']);

/** Folders whose immediate subfolders count as folders of their own. */
const SPLIT = new Set(['engine']);

function folderOf(file) {
  const parts = file.split('/');
  if (parts.length < 2) return undefined;
  return SPLIT.has(parts[0]) && parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0];
}

const graph = (await madge('src', { fileExtensions: ['ts'], tsConfig: 'tsconfig.json' })).obj();
const edges = new Map();
for (const [file, imports] of Object.entries(graph)) {
  for (const target of imports) {
    const [from, to] = [folderOf(file), folderOf(target)];
    if (!from || !to || from === to || LEAF_TYPES.has(target)) continue;
    const key = `${from} → ${to}`;
    if (!edges.has(key)) edges.set(key, `${file} imports ${target}`);
  }
}
const cycles = [...edges.keys()]
  .map((key) => key.split(' → '))
  .filter(([from, to]) => from < to && edges.has(`${to} → ${from}`))
  .map(([a, b]) => `${a} ⇄ ${b}: ${edges.get(`${a} → ${b}`)}; ${edges.get(`${b} → ${a}`)}`);
if (cycles.length) {
  console.error(`folders of src/ that import each other:\n${cycles.join('\n')}`);
  process.exit(1);
}
console.log(`no folder-level import cycles in src/ (${edges.size} folder edges)`);
