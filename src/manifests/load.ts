/** Manifest files, directories and globs on disk → parsed objects that remember file and line. */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { formatLocated, InputError } from '../errors.ts';
import { parseYaml, type YamlDocument } from '../yaml.ts';
import type { KubeObject } from '../kube/types.ts';
import { kustomizationFile, KUSTOMIZATION_FILES, kustomize, type RunTool } from './render-tools.ts';
import type { SourcedObject } from './types.ts';
import { isPlainObject } from '../plain-values.ts';

const YAML_FILES = '**/*.{yml,yaml}';
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
  const objects: SourcedObject[] = [];
  for (const doc of parseYaml(text, 'kubernetes', { input: 'manifests', file })) {
    const { value, line } = doc;
    if (value === null || value === undefined) continue;
    if (isPlainObject(value) && value.kind === 'List' && Array.isArray(value.items)) {
      value.items.forEach((item, i) => {
        const itemLine = doc.lineOf(value.items, i) ?? line;
        objects.push(withFieldLines(checkObject(item, file, itemLine), doc, ['items', i]));
      });
      continue;
    }
    objects.push(withFieldLines(checkObject(value, file, line), doc));
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

/** Kinds whose fields the action validates itself (src/argo/), so it keeps their field lines. */
const FIELD_LINE_GROUPS = ['argoproj.io/'];

function withFieldLines(
  sourced: SourcedObject,
  doc: YamlDocument,
  prefix: readonly (string | number)[] = [],
): SourcedObject {
  if (!FIELD_LINE_GROUPS.some((g) => sourced.object.apiVersion.startsWith(g))) return sourced;
  // A key's own line when the path ends in a mapping key, else the line of the list item.
  const lineOf = (path: readonly (string | number)[]) => {
    const full = [...prefix, ...path];
    let container: unknown = doc.value;
    for (const step of full.slice(0, -1)) {
      if (container === null || typeof container !== 'object') return undefined;
      container = (container as Record<string | number, unknown>)[step];
    }
    return full.length ? doc.lineOf(container, full.at(-1)) : doc.lineOf(container);
  };
  return { ...sourced, lineOf };
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
