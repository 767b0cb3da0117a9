// Terminal rendering for the demo: turns the action's workflow-command log into a readable
// progress view, with a live status line at the bottom when stdout is a terminal.
import { stripVTControlCharacters, styleText } from 'node:util';
import type { VersionCounts } from '@kube-rollout/kube-sim';

type Style = Parameters<typeof styleText>[0];
const paint = (style: Style, text: string): string => styleText(style, text);

/** What one line of the action's stdout means to a reader. */
export type LogLine =
  { kind: 'drop' } | { kind: 'heading' | 'warning' | 'error' | 'notice' | 'progress' | 'text'; text: string };

/** Workflow-command data is percent-escaped (%25, %0D, %0A); undo that for display. */
function unescapeData(text: string): string {
  return text.replace(/%0D/gi, '').replace(/%0A/gi, ' ').replace(/%25/g, '%');
}

/** Classifies one stdout line; runner plumbing (masks, state, outputs, group ends) is dropped. */
export function classify(line: string): LogLine {
  if (line.trim() === '') return { kind: 'drop' };
  const command = line.match(/^::([a-z-]+)(?: [^:]*)?::(.*)$/);
  if (!command) {
    // kubectl-style "Waiting for …" lines repeat quickly; they are progress, not history.
    return /^Waiting for /.test(line) ? { kind: 'progress', text: line } : { kind: 'text', text: line };
  }
  const [, name, data] = command;
  const text = unescapeData(data);
  if (name === 'group') return { kind: 'heading', text };
  if (name === 'warning' || name === 'error' || name === 'notice') return { kind: name, text };
  return { kind: 'drop' }; // add-mask, save-state, set-output, endgroup, debug, …
}

/** Splits streamed chunks into whole lines (a chunk may end mid-line). */
export class LineSplitter {
  private rest = '';
  constructor(private readonly onLine: (line: string) => void) {}
  push(chunk: string): void {
    const lines = (this.rest + chunk).split('\n');
    this.rest = lines.pop() ?? '';
    for (const line of lines) this.onLine(line.replace(/\r$/, ''));
  }
  flush(): void {
    if (this.rest) this.onLine(this.rest);
    this.rest = '';
  }
}

/**
 * Permanent lines scroll up; on a terminal one status line stays at the bottom and is redrawn
 * in place (progress and live traffic). Off a terminal the status line is simply not shown.
 */
export class LiveView {
  private statusText = '';
  private readonly tty = Boolean(process.stdout.isTTY);

  print(text = ''): void {
    this.clearStatus();
    process.stdout.write(text + '\n');
    this.drawStatus();
  }

  status(text: string): void {
    this.statusText = text;
    this.clearStatus();
    this.drawStatus();
  }

  endStatus(): void {
    this.clearStatus();
    this.statusText = '';
  }

  private clearStatus(): void {
    if (this.tty && this.statusText) process.stdout.write('\r\x1b[2K');
  }

  private drawStatus(): void {
    if (!this.tty || !this.statusText) return;
    // `columns` is 0 when the terminal reports no size; colours are dropped if the line is cut.
    const width = Math.max(20, (process.stdout.columns || 100) - 1);
    const plain = stripVTControlCharacters(this.statusText);
    process.stdout.write(plain.length > width ? plain.slice(0, width - 1) + '…' : this.statusText);
  }
}

/** Renders one classified log line, or undefined for lines that are not kept. */
export function renderLogLine(line: LogLine): string | undefined {
  switch (line.kind) {
    case 'drop':
    case 'progress':
      return undefined;
    case 'heading':
      return `  ${paint('cyan', '▸')} ${paint('bold', line.text)}`;
    case 'warning':
      return `    ${paint('yellow', '⚠ warning:')} ${line.text}`;
    case 'error':
      return `    ${paint('red', '✖ error:')} ${line.text}`;
    case 'notice':
      return `    ${paint('blue', 'ℹ notice:')} ${line.text}`;
    case 'text':
      return `    ${paint('gray', line.text)}`;
  }
}

/** "v2 480 (80%) · v4 120 (20%) · errors 0": requests per version, then failed requests. */
export function formatTraffic(counts: Record<string, VersionCounts>): string {
  const versions = Object.entries(counts).filter(([, c]) => c.requests > 0);
  const total = versions.reduce((n, [, c]) => n + c.requests, 0);
  const errors = versions.reduce((n, [, c]) => n + c.errors, 0);
  if (total === 0) return 'no requests yet';
  const parts = versions
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    // "none": the request found no ready endpoint behind the entry point (answered 503).
    .map(
      ([version, c]) =>
        `${version === 'none' ? 'no endpoint' : version} ${c.requests} (${Math.round((c.requests / total) * 100)}%)`,
    );
  const errorText = `errors ${errors}`;
  return `${parts.join(' · ')} · ${errors > 0 ? paint('red', errorText) : paint('green', errorText)}`;
}

export function banner(title: string, narration: string): string {
  const rule = '─'.repeat(Math.max(10, 72 - title.length));
  return `\n${paint('bold', `── ${title} `)}${paint('gray', rule)}\n${paint('italic', narration)}`;
}

/** The step outputs a user reads first. */
export function formatOutputs(outputs: Record<string, string>): string[] {
  const shown = ['result', 'version', 'revision', 'rollback-reason'];
  return shown
    .filter((name) => outputs[name] !== undefined && outputs[name] !== '')
    .map(
      (name) =>
        `    ${paint('gray', name.padEnd(16))}${name === 'result' ? paint('bold', outputs[name]) : outputs[name]}`,
    );
}

/** The step summary as GitHub would receive it, fenced by a gutter so it reads as a quote. */
export function formatSummary(markdown: string): string[] {
  const lines = markdown.trimEnd().split('\n');
  return [
    paint('gray', '    ┌ step summary (Markdown)'),
    ...lines.map((l) => `${paint('gray', '    │')} ${l}`),
    paint('gray', '    └'),
  ];
}

export function verdict(ok: boolean, text: string): string {
  return ok ? `${paint('green', '✔')} ${text}` : `${paint('red', '✘')} ${text}`;
}

export const dim = (text: string): string => paint('gray', text);
