// The secret values this run knows (Secret data, kubeconfig credentials, the GitHub token) and
// the forms they get printed in. `add` reports each new value once (main masks it on the runner
// with core.setSecret); `redact` scrubs them from text the action quotes: pod logs, events,
// status messages, error messages.
import type { KubeObject } from '../kube/types.ts';
import type { ReleaseHistory } from '../record/types.ts';

/**
 * Shorter values are neither masked nor redacted: `on`, `1`, `abc` would turn every log line
 * into asterisks and hide nothing worth hiding.
 */
export const MIN_SECRET_LENGTH = 4;
export const REDACTED = '***';

export class Redactor {
  private readonly values = new Set<string>();
  /** Longest first, so a value that contains another is replaced whole. */
  private ordered: string[] = [];

  constructor(private readonly onAdd?: (value: string) => void) {}

  /** Registers values (and their printable forms); shorter than MIN_SECRET_LENGTH are skipped. */
  add(values: Iterable<string | undefined>): void {
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

  redact(text: string): string {
    let out = text;
    for (const value of this.ordered) if (out.includes(value)) out = out.split(value).join(REDACTED);
    return out;
  }

  /** Redacts every string under a key named `message` or `note` (status and event messages). */
  redactMessages<T>(value: T): T {
    if (this.ordered.length === 0) return value;
    return mapMessages(value, (text) => this.redact(text)) as T;
  }
}

/** The value, its trimmed form, each line of a multi-line value (runners mask line by line). */
function printedForms(value: string | undefined): string[] {
  if (typeof value !== 'string') return [];
  const forms = [value, value.trim(), ...value.split(/\r?\n/).map((l) => l.trim())];
  // PEM armour lines (`-----BEGIN PRIVATE KEY-----`) are the same in every key: not secret.
  return [...new Set(forms)].filter((f) => f.length >= MIN_SECRET_LENGTH && !/^-----[A-Z ]+-----$/.test(f));
}

/**
 * Every value of a Secret as it may appear in text: `data` both as the base64 text and decoded
 * (when it decodes to text), `stringData` as given and base64-encoded. Empty for other kinds.
 */
export function secretValuesOf(obj: KubeObject | undefined): string[] {
  if (obj?.kind !== 'Secret' || (obj.apiVersion ?? 'v1') !== 'v1') return [];
  const out: string[] = [];
  for (const encoded of Object.values(obj.data ?? {})) {
    if (typeof encoded !== 'string') continue;
    out.push(encoded);
    const decoded = decodeText(encoded);
    if (decoded !== undefined) out.push(decoded);
  }
  for (const plain of Object.values(obj.stringData ?? {})) {
    if (typeof plain !== 'string') continue;
    out.push(plain, Buffer.from(plain).toString('base64'));
  }
  return out;
}

/** Decoded base64 when it is UTF-8 text (binary keys such as keystores are masked as base64). */
function decodeText(encoded: string): string | undefined {
  const bytes = Buffer.from(encoded, 'base64');
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) ? text : undefined;
}

function mapMessages(value: unknown, redact: (text: string) => string, key?: string): unknown {
  if (typeof value === 'string') return key === 'message' || key === 'note' ? redact(value) : value;
  if (Array.isArray(value)) return value.map((v) => mapMessages(v, redact, key));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapMessages(v, redact, k)]));
}

/**
 * Redacts, in place, the free text of a record (messages, log tails, notes, step details), the
 * parts that quote what pods, the cluster or a metric said. In place, because the record is
 * also what the release state stores.
 */
export function redactRecord<R extends ReleaseHistory>(record: R, redactor: Redactor): R {
  const r = (text: string) => redactor.redact(text);
  if (record.rollbackReason) record.rollbackReason = r(record.rollbackReason);
  record.notes = record.notes.map(r);
  for (const step of record.steps) if (step.detail) step.detail = r(step.detail);
  for (const e of record.evidence) {
    if (e.message) e.message = r(e.message);
    if (e.logTail) e.logTail = e.logTail.map(r);
  }
  for (const m of record.measurements) {
    if (m.message) m.message = r(m.message);
    // A web metric's query is its URL, which may carry a token parameter.
    if (m.query) m.query = r(m.query);
    if (typeof m.value === 'string') m.value = r(m.value);
  }
  return record;
}
