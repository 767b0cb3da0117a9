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
  type Alias,
  type Document,
  type Node,
  type YAMLMap,
  type YAMLSeq,
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
  const doc = parseDocumentOrThrow(text, input, lineCounter);
  const lines = new SourceLines();
  const value = new YamlConverter(doc, input, lineCounter, lines).convert(doc.contents);
  return { input, value, lineOf: (container, key) => lines.lineOf(container, key) };
}

/** Parses one document; the first syntax error is thrown as an InputError with its line. */
function parseDocumentOrThrow(text: string, input: string, lineCounter: LineCounter): Document {
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    const err = doc.errors[0];
    const firstLine = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new InputError(`invalid YAML: ${firstLine}`, { input, line: err.linePos?.[0].line });
  }
  return doc;
}

/** The lines converted mappings and lists came from, and those of their keys / items. */
class SourceLines {
  private readonly own = new WeakMap<object, number>();
  private readonly keys = new WeakMap<object, Map<string | number, number>>();

  record(value: object, line: number | undefined, lines: Map<string | number, number>): void {
    if (line !== undefined) this.own.set(value, line);
    this.keys.set(value, lines);
  }

  lineOf(container: unknown, key?: string | number): number | undefined {
    if (container === null || typeof container !== 'object') return undefined;
    if (key !== undefined) return this.keys.get(container)?.get(key) ?? this.own.get(container);
    return this.own.get(container);
  }
}

/** YAML nodes → plain JS values, recording lines in `lines` as it goes. */
class YamlConverter {
  // Each alias is expanded again where it is used: count them so an alias bomb stops early.
  private aliases = 0;

  constructor(
    private readonly doc: Document,
    private readonly input: string,
    private readonly lineCounter: LineCounter,
    private readonly lines: SourceLines,
  ) {}

  convert(node: unknown): unknown {
    if (node == null) return null;
    if (isAlias(node)) return this.expandAlias(node);
    if (isScalar(node)) return node.value;
    if (isMap(node)) return this.convertMap(node);
    if (isSeq(node)) return this.convertSeq(node);
    return null;
  }

  private expandAlias(node: Alias): unknown {
    if (++this.aliases > MAX_ALIAS_COUNT)
      throw new InputError(
        `YAML aliases expand too far (more than ${MAX_ALIAS_COUNT} expansions); refusing to read it`,
        { input: this.input, line: this.lineAt(node) },
      );
    return this.convert(node.resolve(this.doc));
  }

  private convertMap(node: YAMLMap): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const lines = new Map<string | number, number>();
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
      out[key] = this.convert(pair.value);
      const line = this.lineAt(pair.key as Node);
      if (line !== undefined) lines.set(key, line);
    }
    this.lines.record(out, this.lineAt(node), lines);
    return out;
  }

  private convertSeq(node: YAMLSeq): unknown[] {
    const out: unknown[] = [];
    const lines = new Map<string | number, number>();
    node.items.forEach((item, i) => {
      out.push(this.convert(item));
      const line = this.lineAt(item as Node);
      if (line !== undefined) lines.set(i, line);
    });
    this.lines.record(out, this.lineAt(node), lines);
    return out;
  }

  private lineAt(node: Node | null | undefined): number | undefined {
    return node?.range ? this.lineCounter.linePos(node.range[0]).line : undefined;
  }
}
