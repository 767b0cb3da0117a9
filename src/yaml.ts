// YAML text → plain values that remember the line of every mapping, list, key and item. One
// parser for manifests (read the way Kubernetes reads them) and for inputs (YAML 1.2 core):
// js-yaml's event parser, which the bundle already carries for kubeconfigs and which parses a
// manifest file about 2.5× faster on first use than a full document model would (a job parses
// each file once, cold).
import {
  constructFromEvents,
  CORE_SCHEMA,
  defineScalarTag,
  EVENT_ID,
  FAILSAFE_SCHEMA,
  getScalarValue,
  NOT_RESOLVED,
  Schema,
  YAMLException,
  binaryTag,
  boolYaml11Tag,
  mergeTag,
  nullYaml11Tag,
  omapTag,
  pairsTag,
  parseEvents,
  setTag,
  type Event,
} from 'js-yaml';
import { InputError } from './errors.ts';

/** How many alias expansions a document may need (an alias bomb is refused, not expanded). */
const MAX_ALIAS_COUNT = 1000;
/**
 * How deep mappings and lists may nest. js-yaml's default of 100 refuses large CustomResource
 * Definitions (each level of a schema is two: `properties` and the field); this bound only keeps
 * the parser's recursion within the stack.
 */
const MAX_DEPTH = 1000;

const sign = (text: string) => (text.startsWith('-') ? -1 : 1);
const digits = (text: string, from: number) => text.replace(/^[-+]/, '').slice(from).replace(/_/g, '');

/** YAML 1.1 integers as Kubernetes reads them: `0644` is octal; `1:20` (base 60) stays text. */
const INTEGER_FORMS: ReadonlyArray<[RegExp, number, number]> = [
  [/^[-+]?0b[0-1_]+$/, 2, 2],
  [/^[-+]?0x[0-9a-fA-F_]+$/, 16, 2],
  [/^[-+]?0[0-7_]+$/, 8, 1],
  [/^[-+]?[0-9][0-9_]*$/, 10, 0],
];
const kubernetesInt = defineScalarTag('tag:yaml.org,2002:int', {
  implicit: true,
  implicitFirstChars: ['-', '+', ...'0123456789'],
  resolve: (text: string) => {
    const form = INTEGER_FORMS.find(([pattern]) => pattern.test(text));
    return form ? sign(text) * parseInt(digits(text, form[2]), form[1]) : NOT_RESOLVED;
  },
  identify: (value: unknown) => Number.isInteger(value),
  represent: (value: unknown) => String(value),
});

/** YAML 1.1 floats, exponent with or without a dot (`1e3`), as Kubernetes reads them. */
const FLOAT_FORM = /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?$/;
const kubernetesFloat = defineScalarTag('tag:yaml.org,2002:float', {
  implicit: true,
  implicitFirstChars: ['-', '+', '.', ...'0123456789'],
  resolve: (text: string) => {
    if (/^[-+]?\.(?:inf|Inf|INF)$/.test(text)) return sign(text) * Infinity;
    if (/^\.(?:nan|NaN|NAN)$/.test(text)) return NaN;
    if (!/[0-9]/.test(text) || !/[.eE]/.test(text) || !FLOAT_FORM.test(text)) return NOT_RESOLVED;
    return parseFloat(text.replace(/_/g, ''));
  },
  identify: (value: unknown) => typeof value === 'number',
  represent: (value: unknown) => String(value),
});

/**
 * Kubernetes reads manifests as YAML 1.1 (`defaultMode: 0644` is octal, `yes` is true) but keeps
 * unquoted dates and `1:20` as text: YAML 1.1 without its timestamp and base-60 forms.
 */
const KUBERNETES_SCHEMA = new Schema([
  ...FAILSAFE_SCHEMA.tags,
  nullYaml11Tag,
  boolYaml11Tag,
  kubernetesInt,
  kubernetesFloat,
  mergeTag,
  binaryTag,
  omapTag,
  pairsTag,
  setTag,
]);

const SCHEMAS = { kubernetes: KUBERNETES_SCHEMA, core: CORE_SCHEMA } as const;

export interface YamlDocument {
  value: unknown;
  /** The line its content starts on. */
  line: number;
  /** The line of a mapping or list of this document, or of one of its keys / items. */
  lineOf(container: unknown, key?: string | number): number | undefined;
}

/** Where errors point: the input, and the file when the text is one. */
export interface YamlWhere {
  input: string;
  file?: string;
}

/**
 * Every document of `text` (empty ones too, as null). A syntax error, a duplicate key or an alias
 * bomb is an InputError naming `where` and the line.
 */
export function parseYaml(text: string, schema: keyof typeof SCHEMAS, where: YamlWhere): YamlDocument[] {
  let values: unknown[];
  let events: Event[];
  try {
    events = parseEvents(text, { maxDepth: MAX_DEPTH });
    values = constructFromEvents(events, { source: text, schema: SCHEMAS[schema] });
  } catch (err) {
    if (!(err instanceof YAMLException)) throw err;
    const line = err.mark ? err.mark.line + 1 : undefined;
    throw new InputError(`invalid YAML: ${err.reason}`, { ...where, ...(line ? { line } : {}) });
  }
  return new LineWalk(text, events, values, where).documents();
}

interface Frame {
  /** The value built for this node (undefined where the walk cannot follow it: a merge, a complex key). */
  value: unknown;
  kind: 'document' | 'mapping' | 'sequence';
  /** Mappings: waiting for a key (else for the value of `key`). */
  expectKey: boolean;
  key: string | undefined;
  index: number;
  lines: Map<string | number, number>;
  /** Alias expansions under this node, an alias counting once plus its anchor's own. */
  aliases: number;
  anchor: string | undefined;
  /** Where the node starts (a document: where its content starts; -1 until then). */
  start: number;
}

/** Walks the parser's events beside the values built from them, noting lines and alias weight. */
class LineWalk {
  private readonly lineStarts: number[] = [0];
  private readonly own = new WeakMap<object, number>();
  private readonly keys = new WeakMap<object, Map<string | number, number>>();
  private readonly anchorWeight = new Map<string, number>();

  constructor(
    private readonly text: string,
    private readonly events: Event[],
    private readonly values: unknown[],
    private readonly where: YamlWhere,
  ) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  documents(): YamlDocument[] {
    const docs: YamlDocument[] = [];
    const stack: Frame[] = [];
    const lineOf = (container: unknown, key?: string | number) => this.lineOf(container, key);
    for (const event of this.events) {
      const top = stack.at(-1);
      switch (event.type) {
        case EVENT_ID.DOCUMENT:
          stack.push(this.frame('document', this.values[docs.length], -1, undefined));
          break;
        case EVENT_ID.MAPPING:
        case EVENT_ID.SEQUENCE: {
          const value = this.childOf(top!, event.start);
          if (top!.kind === 'document') top!.start = event.start;
          const kind = event.type === EVENT_ID.MAPPING ? 'mapping' : 'sequence';
          stack.push(this.frame(kind, value, event.start, this.anchorOf(event)));
          break;
        }
        case EVENT_ID.SCALAR: {
          const at = event.valueStart >= 0 ? event.valueStart : Math.max(event.tagStart, event.anchorStart);
          if (top!.kind === 'document') top!.start = at;
          if (top!.kind === 'mapping' && top!.expectKey) {
            top!.key = getScalarValue(this.text, event);
            if (at >= 0) top!.lines.set(top!.key, this.lineAt(at));
            top!.expectKey = false;
          } else {
            if (top!.kind === 'sequence' && at >= 0) top!.lines.set(top!.index, this.lineAt(at));
            this.advance(top!);
          }
          const anchor = this.anchorOf(event);
          if (anchor) this.anchorWeight.set(anchor, 0);
          break;
        }
        case EVENT_ID.ALIAS: {
          const name = this.text.slice(event.anchorStart, event.anchorEnd);
          top!.aliases += 1 + (this.anchorWeight.get(name) ?? 0);
          if (top!.aliases > MAX_ALIAS_COUNT) this.aliasBomb(stack);
          if (top!.kind === 'mapping' && top!.expectKey) {
            top!.key = undefined;
            top!.expectKey = false;
          } else this.advance(top!);
          break;
        }
        case EVENT_ID.POP: {
          const done = stack.pop()!;
          if (done.kind === 'document') {
            docs.push({ value: done.value, line: done.start >= 0 ? this.lineAt(done.start) : 1, lineOf });
            break;
          }
          if (done.value !== null && typeof done.value === 'object') {
            this.own.set(done.value, this.lineAt(done.start));
            this.keys.set(done.value, done.lines);
          }
          if (done.anchor) this.anchorWeight.set(done.anchor, done.aliases);
          const parent = stack.at(-1)!;
          parent.aliases += done.aliases;
          if (parent.aliases > MAX_ALIAS_COUNT) this.aliasBomb(stack);
          if (parent.kind === 'mapping' && parent.expectKey) parent.expectKey = false;
          else this.advance(parent);
          break;
        }
      }
    }
    return docs;
  }

  private frame(kind: Frame['kind'], value: unknown, start: number, anchor: string | undefined): Frame {
    return {
      value,
      kind,
      expectKey: true,
      key: undefined,
      index: 0,
      lines: new Map(),
      aliases: 0,
      anchor,
      start,
    };
  }

  /** The value of the node starting at `start` under `parent`, noting a list item's line. */
  private childOf(parent: Frame, start: number): unknown {
    if (parent.kind === 'document') return parent.value;
    const container = parent.value as Record<string | number, unknown> | undefined;
    if (parent.kind === 'sequence') {
      parent.lines.set(parent.index, this.lineAt(start));
      return container?.[parent.index];
    }
    // A complex key (a mapping used as a key), or an alias as key, has no value of its own to follow.
    if (parent.expectKey || parent.key === undefined || container === null || typeof container !== 'object')
      return undefined;
    return Object.hasOwn(container, parent.key) ? container[parent.key] : undefined;
  }

  private advance(frame: Frame): void {
    if (frame.kind === 'mapping') {
      frame.expectKey = true;
      frame.key = undefined;
    } else if (frame.kind === 'sequence') frame.index++;
  }

  private anchorOf(event: { anchorStart: number; anchorEnd: number }): string | undefined {
    return event.anchorStart >= 0 ? this.text.slice(event.anchorStart, event.anchorEnd) : undefined;
  }

  private aliasBomb(stack: Frame[]): never {
    const document = stack.find((f) => f.kind !== 'document');
    throw new InputError(
      `YAML aliases expand too far (more than ${MAX_ALIAS_COUNT} expansions); refusing to read it`,
      { ...this.where, line: document ? this.lineAt(document.start) : 1 },
    );
  }

  private lineAt(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  lineOf(container: unknown, key?: string | number): number | undefined {
    if (container === null || typeof container !== 'object') return undefined;
    if (key !== undefined) return this.keys.get(container)?.get(key) ?? this.own.get(container);
    return this.own.get(container);
  }
}
