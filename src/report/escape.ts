/**
 * Escaping of untrusted text (pod messages, logs, manifest strings, metric queries) for GitHub
 * Markdown. `core.summary` and the comments API take Markdown as-is, so nothing downstream escapes.
 *
 * Threats handled: raw HTML (`<script>`, `<img onerror>`, a stray `</details>` closing our own
 * collapsible), @mentions and team mentions that would notify people, `#123` / `owner/repo#1`
 * cross-references that would add backlinks, Markdown syntax that changes the layout (tables,
 * emphasis, links), and code fences inside logs that would end our fenced block early.
 */

/** Zero-width joiner: keeps `@name` readable but no longer a mention GitHub links. */
const ZWJ = '\u200d';

/** Marker appended where text was cut. */
export function truncationMarker(omitted: number, unit = 'characters'): string {
  return `… [${omitted} ${unit} truncated]`;
}

/** Drops control characters (but tabs and newlines) and normalises line endings. */
export function stripControl(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
}

/** Keeps the first `max` characters and says how many were cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = truncationMarker(text.length - max);
  return text.slice(0, Math.max(0, max)) + marker;
}

/** Breaks `@user`, `@org/team` and issue references so they neither notify nor cross-link. */
export function neutralizeMentions(text: string): string {
  return (
    text
      // @ at a word start followed by a name character is what GitHub treats as a mention.
      .replace(/@(?=[A-Za-z0-9_-])/g, `@${ZWJ}`)
      // #123, GH-123 and owner/repo#123 references.
      .replace(/#(?=\d)/g, `#${ZWJ}`)
      .replace(/\bGH-(?=\d)/gi, (m) => `${m.slice(0, 2)}${ZWJ}-`)
  );
}

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** HTML special characters to entities: no tag, attribute or comment can start. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

/** Markdown punctuation that would change the layout: emphasis, links, code spans, tables, lists. */
const MARKDOWN_SPECIALS = /[\\`*_[\]{}()~|!#]/g;

/**
 * Untrusted text for a Markdown paragraph, heading or list item: one line, no HTML, no mentions,
 * no Markdown syntax, at most `max` characters.
 */
export function escapeInline(text: string, max = 500): string {
  const oneLine = stripControl(text)
    .replace(/\s*\n\s*/g, ' ')
    .trim();
  const cut = truncate(oneLine, max)
    .replace(MARKDOWN_SPECIALS, (c) => `\\${c}`)
    // A leading `-`, `+` or `1.` would start a list.
    .replace(/^([-+])(?=\s|$)/, '\\$1')
    .replace(/^(\d+)([.)])(?=\s|$)/, '$1\\$2');
  // Mentions before HTML: the entity `&#39;` must not be split by the `#123` rule.
  return escapeHtml(neutralizeMentions(cut));
}

/**
 * Untrusted text for a table cell. Like `escapeInline`, but keeps line breaks as `<br>` (a raw
 * newline would end the table row). Pipes are backslash-escaped by `escapeInline` already.
 */
export function escapeCell(text: string, max = 300): string {
  const lines = stripControl(text)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const joined = truncate(lines.join('\n'), max);
  return joined
    .split('\n')
    .map((l) => escapeInline(l, max))
    .join('<br>');
}

/** Longest run of `ch` in `text`. */
function longestRun(text: string, ch: string): number {
  let best = 0;
  let run = 0;
  for (const c of text) {
    run = c === ch ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}

/**
 * Inline code span for a table cell or sentence: a backtick run longer than any inside the text,
 * so the span cannot be closed early. HTML and mentions are inert inside code spans; pipes still
 * need `\|` in table cells (GFM removes the backslash inside code).
 */
export function inlineCode(text: string, max = 200): string {
  const oneLine = truncate(stripControl(text).replace(/\s*\n\s*/g, ' '), max).replace(/\|/g, '\\|');
  if (oneLine.length === 0) return '';
  const ticks = '`'.repeat(longestRun(oneLine, '`') + 1);
  // A space on each side keeps a leading or trailing backtick from merging with the fence.
  const pad = oneLine.startsWith('`') || oneLine.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${oneLine}${pad}${ticks}`;
}

/**
 * A fenced code block around untrusted text. The fence is a backtick run longer than any run in
 * the text (at least three), so no line of the text can close it; nothing inside is interpreted.
 * Needs blank lines around it when placed inside HTML such as `<details>`: this returns the block
 * with a leading and trailing newline.
 */
export function codeBlock(text: string, language = 'text', maxChars = 20_000): string {
  const body = truncate(stripControl(text), maxChars).replace(/\n+$/, '');
  const fence = '`'.repeat(Math.max(3, longestRun(body, '`') + 1));
  const lang = language.replace(/[^A-Za-z0-9_+-]/g, '');
  return `\n${fence}${lang}\n${body}\n${fence}\n`;
}

/**
 * The last `maxLines` lines of a log, each cut to `maxLineChars`, with a note of what was dropped
 * placed first (a log is read from its end).
 */
export function tailLines(lines: readonly string[], maxLines: number, maxLineChars = 500): string[] {
  const flat = lines.flatMap((l) => stripControl(l).split('\n'));
  const kept = flat.slice(Math.max(0, flat.length - maxLines)).map((l) => truncate(l, maxLineChars));
  const dropped = flat.length - kept.length;
  return dropped > 0 ? [`[${dropped} earlier lines omitted]`, ...kept] : kept;
}

/** Text for a `<summary>` element or other raw HTML text content. */
export function escapeHtmlText(text: string, max = 200): string {
  return escapeHtml(neutralizeMentions(truncate(stripControl(text).replace(/\s+/g, ' ').trim(), max)));
}
