/** Manifest files, directories and globs on disk → parsed objects that remember file and line. */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  type Document,
  type DocumentOptions,
  type Node,
  type ParseOptions,
  type SchemaOptions,
} from 'yaml';
import { formatLocated, InputError } from '../errors.ts';
import type { KubeObject } from '../kube/types.ts';
import { kustomizationFile, KUSTOMIZATION_FILES, kustomize, type RunTool } from './render-tools.ts';
import type { SourcedObject } from './types.ts';
import { isPlainObject } from '../plain-values.ts';

const YAML_FILES = '**/*.{yml,yaml}';
/** How many alias expansions a document may need (the `yaml` package's resource-exhaustion guard). */
export const MAX_ALIAS_COUNT = 1000;
/**
 * Kubernetes reads manifests as YAML 1.1 (so `defaultMode: 0644` is octal and `yes` is true), but
 * keeps unquoted dates and `1:20` as strings; drop the 1.1 timestamp and base-60 types to match.
 */
const PARSE_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  customTags: (tags) =>
    tags.filter(
      (t) => typeof t === 'string' || (t.tag !== 'tag:yaml.org,2002:timestamp' && t.format !== 'TIME'),
    ),
};

/**
 * Resolves `patterns` (relative to `workspace`) and parses every document of every file. A
 * directory holding a kustomization is rendered with `kubectl kustomize` instead.
 */
export async function loadManifests(
  patterns: string[],
  workspace: string,
  run?: RunTool,
): Promise<SourcedObject[]> {
  const files = await resolveManifestFiles(patterns, workspace);
  const objects: SourcedObject[] = [];
  for (const file of files) {
    const shown = displayPath(file, workspace);
    if (KUSTOMIZATION_FILES.includes(path.basename(file))) {
      objects.push(...parseRendered(await kustomize(path.dirname(file), shown, run), shown));
      continue;
    }
    objects.push(...parseManifests(await readFile(file, 'utf8'), shown));
  }
  if (objects.length === 0) {
    const names = files.map((f) => displayPath(f, workspace));
    throw new InputError(
      `no Kubernetes objects in ${names.join(', ')}: the file${names.length > 1 ? 's are' : ' is'} empty`,
      {
        input: 'manifests',
        file: names[0],
      },
    );
  }
  return objects;
}

/**
 * Files named by the patterns, in pattern order, directories expanded and sorted, no repeats. A
 * directory with a kustomization stands for its kustomization file (rendered, not read).
 */
export async function resolveManifestFiles(patterns: string[], workspace: string): Promise<string[]> {
  const files: string[] = [];
  const add = (file: string) => {
    if (!files.includes(file)) files.push(file);
  };
  for (const pattern of patterns) {
    if (isDynamicPattern(pattern)) {
      const matches = await glob([pattern], { cwd: workspace, absolute: true, onlyFiles: true, dot: false });
      if (matches.length === 0)
        throw new InputError(`'${pattern}' matches no files (in ${workspace})`, { input: 'manifests' });
      refuseNestedKustomization(pattern, matches, workspace);
      matches.sort().forEach(add);
      continue;
    }
    const full = path.resolve(workspace, pattern);
    const info = await stat(full).catch(() => undefined);
    if (!info)
      throw new InputError(`'${pattern}' does not exist (looked for ${full})`, { input: 'manifests' });
    const kustomization = info.isDirectory() ? kustomizationFile(full) : undefined;
    if (kustomization) add(kustomization);
    else if (info.isDirectory()) {
      const matches = await glob([YAML_FILES], { cwd: full, absolute: true, onlyFiles: true });
      refuseNestedKustomization(pattern, matches, workspace);
      if (matches.length === 0)
        throw new InputError(`directory '${pattern}' holds no .yml or .yaml files`, { input: 'manifests' });
      matches.sort().forEach(add);
    } else add(full);
  }
  return files;
}

/** A kustomization found by a glob or inside a directory is input to kustomize, not a manifest. */
function refuseNestedKustomization(pattern: string, matches: string[], workspace: string): void {
  const nested = matches.find((file) => KUSTOMIZATION_FILES.includes(path.basename(file)));
  if (!nested) return;
  const file = displayPath(nested, workspace);
  throw new InputError(
    `'${pattern}' takes in the kustomization ${file}: name its directory (${path.posix.dirname(file)}) in 'manifests' to render it with kubectl kustomize`,
    { input: 'manifests', file },
  );
}

/** Parses one file's text (multi-document YAML); `file` is used in error messages. */
export function parseManifests(text: string, file: string): SourcedObject[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { ...PARSE_OPTIONS, lineCounter, prettyErrors: true });
  if (!Array.isArray(docs)) return []; // an empty stream
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;
  const objects: SourcedObject[] = [];
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) {
      const line = error.linePos?.[0].line ?? lineAt(error.pos[0]);
      const message = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      throw new InputError(`invalid YAML: ${message}`, { input: 'manifests', file, line });
    }
    if (doc.contents === null) continue;
    const line = lineAt((doc.contents as Node).range?.[0] ?? 0);
    const value = toValue(doc, { input: 'manifests', file, line });
    if (value === null || value === undefined) continue;
    if (isPlainObject(value) && value.kind === 'List' && Array.isArray(value.items)) {
      const items = itemNodes(doc);
      value.items.forEach((item, i) => {
        const range = items?.[i]?.range;
        objects.push(
          withFieldLines(checkObject(item, file, range ? lineAt(range[0]) : line), doc, lineAt, ['items', i]),
        );
      });
      continue;
    }
    objects.push(withFieldLines(checkObject(value, file, line), doc, lineAt));
  }
  return objects;
}

/**
 * Parses a tool's rendered YAML. Its lines are not the user's, so the objects (and any error)
 * name only `file`, the kustomization or chart that produced them.
 */
export function parseRendered(text: string, file: string): SourcedObject[] {
  try {
    return parseManifests(text, file).map(({ object }) => ({ object, file }));
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const plain = err.message.slice(formatLocated('', err.location).length);
    throw new InputError(`rendered output line ${err.location.line}: ${plain}`, {
      input: err.location.input,
      file,
    });
  }
}

/**
 * The document as plain values. Aliases are expanded with a limit (the `yaml` package's
 * `maxAliasCount`), so an alias bomb is an input error naming the file, not a hung or crashed run.
 */
function toValue(doc: Document, where: { input: string; file: string; line: number }): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    throw new InputError(`YAML aliases expand too far (${err.message}); refusing to read it`, where);
  }
}

/** Kinds whose fields the action validates itself (src/argo/), so it keeps their field lines. */
const FIELD_LINE_GROUPS = ['argoproj.io/'];

function withFieldLines(
  sourced: SourcedObject,
  doc: Document,
  lineAt: (offset: number) => number,
  prefix: readonly (string | number)[] = [],
): SourcedObject {
  if (!FIELD_LINE_GROUPS.some((g) => sourced.object.apiVersion.startsWith(g))) return sourced;
  const lineOf = (path: readonly (string | number)[]) => {
    // A key's own line: the pair's key node when the path ends in a mapping key, else the value.
    const parent = path.length ? doc.getIn([...prefix, ...path.slice(0, -1)], true) : undefined;
    const last = path.at(-1);
    if (isMap(parent) && typeof last === 'string') {
      const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
      const range = (pair?.key as Node | undefined)?.range;
      if (range) return lineAt(range[0]);
    }
    const node = doc.getIn([...prefix, ...path], true) as Node | undefined;
    return node?.range ? lineAt(node.range[0]) : undefined;
  };
  return { ...sourced, lineOf };
}

function itemNodes(doc: Document): Node[] | undefined {
  if (!isMap(doc.contents)) return undefined;
  const items = doc.contents.get('items', true);
  return isSeq(items) ? (items.items as Node[]) : undefined;
}

function checkObject(value: unknown, file: string, line: number): SourcedObject {
  const where = { input: 'manifests', file, line };
  if (!isPlainObject(value))
    throw new InputError(
      `expected a Kubernetes object (a mapping), got ${Array.isArray(value) ? 'a list' : typeof value}`,
      where,
    );
  const missing: string[] = [];
  if (typeof value.apiVersion !== 'string' || !value.apiVersion) missing.push('apiVersion');
  if (typeof value.kind !== 'string' || !value.kind) missing.push('kind');
  const metadata = value.metadata;
  if (!isPlainObject(metadata) || typeof metadata.name !== 'string' || !metadata.name)
    missing.push('metadata.name');
  if (
    isPlainObject(metadata) &&
    metadata.name !== undefined &&
    metadata.name !== null &&
    typeof metadata.name !== 'string'
  ) {
    // YAML 1.1 reads `name: yes` or `name: 0123` as a boolean or number, as Kubernetes does.
    const kind = typeof value.kind === 'string' ? `${value.kind} object` : 'object';
    throw new InputError(
      `${kind}: metadata.name must be a string, got ${typeof metadata.name} ${String(metadata.name)} (quote it)`,
      where,
    );
  }
  if (missing.length) {
    const what = typeof value.kind === 'string' ? `${value.kind} object` : 'object';
    throw new InputError(`${what} has no ${missing.join(', ')}`, where);
  }
  return { object: value as KubeObject, file, line };
}

/** Relative to the workspace when inside it (shorter messages, matches workflow annotations). */
function displayPath(file: string, workspace: string): string {
  const rel = path.relative(workspace, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file;
}
