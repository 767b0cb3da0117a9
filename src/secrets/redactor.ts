// The secret values this run knows (Secret data, kubeconfig credentials, the GitHub token) and
// the forms they get printed in (printed-forms.ts). `add` reports each new form once (main masks
// it on the runner with core.setSecret); `redact` scrubs them from text the action quotes: pod
// logs, events, status messages, error messages, metric responses.
import type { KubeObject } from '../kube/types.ts';
import { printedForms, type SecretValue } from './printed-forms.ts';

export { MIN_SECRET_LENGTH } from './printed-forms.ts';
export const REDACTED = '***';

/** A line break a logger may have put inside a value (a value split over two log lines). */
const LINE_BREAK = /\r?\n/g;

export class Redactor {
  private readonly values = new Set<string>();
  /** Longest first, so a value that contains another is replaced whole. */
  private ordered: string[] = [];

  constructor(private readonly onAdd?: (value: string) => void) {}

  /** Registers values and their printed forms; values shorter than MIN_SECRET_LENGTH are skipped. */
  add(values: Iterable<SecretValue | undefined>): void {
    let changed = false;
    for (const value of values) {
      for (const form of printedForms(value)) {
        if (this.values.has(form)) continue;
        this.values.add(form);
        this.onAdd?.(form);
        changed = true;
      }
    }
    if (changed) this.ordered = [...this.values].sort((a, b) => b.length - a.length);
  }

  has(value: string): boolean {
    return this.values.has(value);
  }

  /** The text with every known value replaced, also one split over several lines. */
  redact(text: string): string {
    let out = text;
    for (const value of this.ordered) if (out.includes(value)) out = out.split(value).join(REDACTED);
    return out.includes('\n') ? this.redactAcrossLines(out) : out;
  }

  /**
   * Values a logger broke over lines: found in the text with its line breaks taken out, then each
   * piece replaced in place, so the lines stay lines (`abc` / `def` becomes `***` / `***`).
   */
  private redactAcrossLines(text: string): string {
    const { joined, origin } = withoutLineBreaks(text);
    const spans: [number, number][] = [];
    for (const value of this.ordered) {
      if (value.includes('\n') || value.includes('\r')) continue;
      for (let at = joined.indexOf(value); at >= 0; at = joined.indexOf(value, at + value.length))
        spans.push([origin[at], origin[at + value.length - 1] + 1]);
    }
    let out = text;
    for (const [from, to] of mergeSpans(spans).reverse())
      out = out.slice(0, from) + out.slice(from, to).replace(/[^\r\n]+/g, REDACTED) + out.slice(to);
    return out;
  }

  /** Redacts every string under a key named `message` or `note` (status and event messages). */
  redactMessages<T>(value: T): T {
    if (this.ordered.length === 0) return value;
    return mapMessages(value, (text) => this.redact(text)) as T;
  }
}

/** The text without line breaks, and for each of its characters the index it came from. */
function withoutLineBreaks(text: string): { joined: string; origin: number[] } {
  const origin: number[] = [];
  let joined = '';
  let last = 0;
  for (const m of text.matchAll(LINE_BREAK)) {
    for (let i = last; i < m.index; i++) origin.push(i);
    joined += text.slice(last, m.index);
    last = m.index + m[0].length;
  }
  for (let i = last; i < text.length; i++) origin.push(i);
  return { joined: joined + text.slice(last), origin };
}

/** Overlapping or touching spans as one, in order. */
function mergeSpans(spans: [number, number][]): [number, number][] {
  const merged: [number, number][] = [];
  for (const [from, to] of spans.sort((a, b) => a[0] - b[0])) {
    const last = merged.at(-1);
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

/**
 * Every value of a Secret: `data` as its bytes (text when they are text, else binary) and
 * `stringData` as given; the Redactor derives how each may be printed (base64, hex, …).
 */
export function secretValuesOf(obj: KubeObject | undefined): SecretValue[] {
  if (obj?.kind !== 'Secret' || (obj.apiVersion ?? 'v1') !== 'v1') return [];
  const out: SecretValue[] = [];
  for (const encoded of Object.values(obj.data ?? {})) {
    if (typeof encoded !== 'string') continue;
    const bytes = Buffer.from(encoded, 'base64');
    out.push(bytes);
    // Base64 written another way than Node writes it (line breaks, no padding) is printed as is too.
    if (bytes.toString('base64') !== encoded) out.push(encoded);
  }
  for (const plain of Object.values(obj.stringData ?? {})) if (typeof plain === 'string') out.push(plain);
  return out;
}

function mapMessages(value: unknown, redact: (text: string) => string, key?: string): unknown {
  if (typeof value === 'string') return key === 'message' || key === 'note' ? redact(value) : value;
  if (Array.isArray(value)) return value.map((v) => mapMessages(v, redact, key));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapMessages(v, redact, k)]));
}
