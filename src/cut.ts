// Shortening text that may quote a secret: redact first, then cut. Cut first, and a secret that
// straddles the cut leaves a piece the redactor no longer recognises (the first characters of a
// Bearer token, say).

/** Scrubs known secret values from text (Redactor.redact, or nothing when none are known). */
export type Redact = (text: string) => string;

export const keepText: Redact = (text) => text;

/** At most `max` characters, ending in `...` when cut. Only for text already redacted. */
export function cutText(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(0, max - 3))}...` : text;
}

/** The text redacted, then cut to at most `max` characters. */
export function redactThenCut(text: string, max: number, redact: Redact): string {
  return cutText(redact(text), max);
}
