// Fails when folders of src/ import each other, directly or round a longer loop (issue 22: config
// composes the modules, and the modules import config only through its leaf types module,
// config/types.ts, whose own imports are type-only). File-level cycles are madge's own check
// (`npm run cycles`); this one is per folder, at two levels: the folders of src/, and with
// src/engine split by stage (engine/run, engine/steps, …), each stage a folder of its own.
import madge from 'madge';

/** Imports allowed against the folder order: the one leaf types module every module may read. */
const LEAF_TYPES = new Set(['config/types.ts']);

/** Folders whose immediate subfolders count as folders of their own at the finer level. */
const SPLIT = new Set(['engine']);

const topFolder = (file) => (file.includes('/') ? file.split('/')[0] : undefined);

function stageFolder(file) {
  const parts = file.split('/');
  if (parts.length < 2) return undefined;
  return SPLIT.has(parts[0]) && parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0];
}

/** Folder → folder → one import that makes the edge, for the message. */
function folderEdges(graph, folderOf) {
  const edges = new Map();
  for (const [file, imports] of Object.entries(graph))
    for (const target of imports) {
      const [from, to] = [folderOf(file), folderOf(target)];
      if (!from || !to || from === to || LEAF_TYPES.has(target)) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      if (!edges.get(from).has(to)) edges.get(from).set(to, `${file} imports ${target}`);
    }
  return edges;
}

/** The folder loops madge finds in the folder graph, each as its edges with one import apiece. */
async function cyclesOf(edges) {
  const tree = Object.fromEntries([...edges].map(([from, to]) => [from, [...to.keys()]]));
  return (await madge(tree)).circular().map((loop) =>
    loop.map((from, i) => {
      const to = loop[(i + 1) % loop.length];
      return `${from} → ${to} (${edges.get(from).get(to)})`;
    }),
  );
}

const graph = (await madge('src', { fileExtensions: ['ts'], tsConfig: 'tsconfig.json' })).obj();
const levels = [
  ['folders of src/', folderEdges(graph, topFolder)],
  ['folders with src/engine by stage', folderEdges(graph, stageFolder)],
];
let failed = false;
for (const [level, edges] of levels) {
  const cycles = await cyclesOf(edges);
  if (!cycles.length) continue;
  failed = true;
  console.error(`${level} that import each other:\n${cycles.map((c) => `  ${c.join('\n    ')}`).join('\n')}`);
}
if (failed) process.exit(1);
const counts = levels.map(([, edges]) => [...edges.values()].reduce((n, to) => n + to.size, 0));
console.log(`no folder-level import cycles in src/ (${counts.join(' and ')} folder edges at the two levels)`);
