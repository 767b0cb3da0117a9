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

/** One cycle through each strongly connected group of folders (Tarjan), as its edges. */
function cyclesOf(edges) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const groups = [];
  const visit = (node) => {
    index.set(node, index.size);
    low.set(node, index.get(node));
    stack.push(node);
    for (const next of edges.get(node)?.keys() ?? []) {
      if (!index.has(next)) visit(next);
      if (stack.includes(next)) low.set(node, Math.min(low.get(node), low.get(next)));
    }
    if (low.get(node) !== index.get(node)) return;
    const group = stack.splice(stack.indexOf(node));
    if (group.length > 1) groups.push(group);
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return groups.map((group) => loopWithin(edges, group));
}

/** A loop from the group's first folder back to it, staying inside the group (breadth first). */
function loopWithin(edges, group) {
  const start = group[0];
  const cameFrom = new Map();
  const queue = [start];
  while (queue.length) {
    const node = queue.shift();
    for (const next of edges.get(node)?.keys() ?? []) {
      if (!group.includes(next) || cameFrom.has(next)) continue;
      cameFrom.set(next, node);
      if (next === start) queue.length = 0;
      else queue.push(next);
    }
  }
  const loop = [];
  for (let at = start; loop.length === 0 || at !== start; at = cameFrom.get(at))
    loop.unshift(`${cameFrom.get(at)} → ${at} (${edges.get(cameFrom.get(at)).get(at)})`);
  return loop;
}

const graph = (await madge('src', { fileExtensions: ['ts'], tsConfig: 'tsconfig.json' })).obj();
const levels = [
  ['folders of src/', folderEdges(graph, topFolder)],
  ['folders with src/engine by stage', folderEdges(graph, stageFolder)],
];
let failed = false;
for (const [level, edges] of levels) {
  const cycles = cyclesOf(edges);
  if (!cycles.length) continue;
  failed = true;
  console.error(`${level} that import each other:\n${cycles.map((c) => `  ${c.join('\n    ')}`).join('\n')}`);
}
if (failed) process.exit(1);
const counts = levels.map(([, edges]) => [...edges.values()].reduce((n, to) => n + to.size, 0));
console.log(`no folder-level import cycles in src/ (${counts.join(' and ')} folder edges at the two levels)`);
