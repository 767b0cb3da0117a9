/**
 * YAML text of an input (`steps`, `analysis`) turned into plain JS values that remember the line
 * each mapping, list and key came from, so validation can point at the offending line.
 */
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
} from 'yaml';
import { InputError } from '../errors.ts';
import { MAX_ALIAS_COUNT } from '../manifests/load.ts';

export interface YamlSource {
  input: string;
  value: unknown;
  /** Line of a mapping or list, or of one of its keys / items. */
  lineOf(container: unknown, key?: string | number): number | undefined;
}

export function parseYamlInput(text: string, input: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    const err = doc.errors[0];
    const firstLine = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new InputError(`invalid YAML: ${firstLine}`, { input, line: err.linePos?.[0].line });
  }
  const own = new WeakMap<object, number>();
  const keys = new WeakMap<object, Map<string | number, number>>();
  const lineAt = (node: Node | null | undefined): number | undefined =>
    node?.range ? lineCounter.linePos(node.range[0]).line : undefined;

  // Each alias is expanded again where it is used: count them so an alias bomb stops early.
  let aliases = 0;
  const convert = (node: unknown): unknown => {
    if (node == null) return null;
    if (isAlias(node)) {
      if (++aliases > MAX_ALIAS_COUNT)
        throw new InputError(
          `YAML aliases expand too far (more than ${MAX_ALIAS_COUNT} expansions); refusing to read it`,
          { input, line: lineAt(node) },
        );
      return convert(node.resolve(doc as Document));
    }
    if (isScalar(node)) return node.value;
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const lines = new Map<string | number, number>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
        out[key] = convert(pair.value);
        const line = lineAt(pair.key as Node);
        if (line !== undefined) lines.set(key, line);
      }
      record(out, node, lines);
      return out;
    }
    if (isSeq(node)) {
      const out: unknown[] = [];
      const lines = new Map<string | number, number>();
      node.items.forEach((item, i) => {
        out.push(convert(item));
        const line = lineAt(item as Node);
        if (line !== undefined) lines.set(i, line);
      });
      record(out, node, lines);
      return out;
    }
    return null;
  };
  const record = (value: object, node: Node, lines: Map<string | number, number>) => {
    const line = lineAt(node);
    if (line !== undefined) own.set(value, line);
    keys.set(value, lines);
  };

  const value = convert(doc.contents);
  return {
    input,
    value,
    lineOf(container, key) {
      if (container === null || typeof container !== 'object') return undefined;
      if (key !== undefined) return keys.get(container)?.get(key) ?? own.get(container);
      return own.get(container);
    },
  };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Describes a YAML value's type for error messages. */
export function describeType(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} '${String(value)}'`;
}
