// The free text of a release record goes through the run's redactor before it is shown or stored:
// the record knows its own shape, the redactor (src/secrets/) knows what is secret.
import type { Redactor } from '../secrets/redactor.ts';
import type { ReleaseHistory } from './types.ts';

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
    // Joined first, so a value broken over two log lines is found.
    if (e.logTail) e.logTail = r(e.logTail.join('\n')).split('\n');
  }
  for (const m of record.measurements) {
    if (m.message) m.message = r(m.message);
    // A web metric's query is its URL, which may carry a token parameter.
    if (m.query) m.query = r(m.query);
    if (typeof m.value === 'string') m.value = r(m.value);
  }
  return record;
}
