// The forms a secret value can be printed in, beyond itself: a program that logs it may trim it,
// print one line of it, URL-encode it, or print its bytes as base64 (padded or not, standard or
// URL-safe alphabet) or hex. Each form is masked and redacted like the value.

/**
 * Shorter values are neither masked nor redacted: `on`, `1`, `abc` would turn every log line
 * into asterisks and hide nothing worth hiding.
 */
export const MIN_SECRET_LENGTH = 4;

/** A secret as text, or as bytes (a Secret's binary `data`, which has no text form). */
export type SecretValue = string | Uint8Array;

/** Every printed form of `value`; none when it is shorter than MIN_SECRET_LENGTH. */
export function printedForms(value: SecretValue | undefined): string[] {
  if (value === undefined) return [];
  const text = typeof value === 'string' ? value : utf8Text(value);
  const bytes = typeof value === 'string' ? Buffer.from(value) : Buffer.from(value);
  const plain = text?.trim() ?? '';
  if ((text === undefined ? bytes.length : plain.length) < MIN_SECRET_LENGTH) return [];
  const forms = text === undefined ? [] : [text, ...textForms(text)];
  forms.push(...byteForms(bytes));
  if (text !== undefined && plain !== text) forms.push(...byteForms(Buffer.from(plain)));
  // PEM armour lines (`-----BEGIN PRIVATE KEY-----`) are the same in every key: not secret.
  return [...new Set(forms)].filter((f) => f.length >= MIN_SECRET_LENGTH && !/^-----[A-Z ]+-----$/.test(f));
}

/** Trimmed, each line of a multi-line value (runners mask line by line), URL-encoded. */
function textForms(text: string): string[] {
  const trimmed = text.trim();
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  return [
    trimmed,
    ...lines,
    encodeURIComponent(trimmed),
    new URLSearchParams({ v: trimmed }).toString().slice(2),
  ];
}

/** base64 padded and unpadded, base64url, hex in both cases. */
function byteForms(bytes: Buffer): string[] {
  const base64 = bytes.toString('base64');
  const hex = bytes.toString('hex');
  return [base64, base64.replace(/=+$/, ''), bytes.toString('base64url'), hex, hex.toUpperCase()];
}

/** The bytes as UTF-8 text, when they are text (binary keys such as keystores are not). */
function utf8Text(bytes: Uint8Array): string | undefined {
  const text = Buffer.from(bytes).toString('utf8');
  return Buffer.from(text, 'utf8').equals(Buffer.from(bytes)) ? text : undefined;
}
