/**
 * The job summary (shown on the run page) and a copy of the same Markdown in a file whose path is
 * the `summary` output, for later steps that post it elsewhere.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Warn } from './client.ts';

/** The part of `core.summary` used here, so tests can pass their own. */
export interface SummaryWriter {
  addRaw(text: string, addEOL?: boolean): SummaryWriter;
  write(options?: { overwrite?: boolean }): Promise<unknown>;
}

export interface WriteSummaryOptions {
  /** `core.summary`. Without it only the file is written. */
  summary?: SummaryWriter;
  /** Names the file: `kube-rollout-<name>.md`. */
  name: string;
  /** Directory for the file; default RUNNER_TEMP, else the OS temp directory. */
  dir?: string;
  warn?: Warn;
}

function fileName(name: string): string {
  return `kube-rollout-${name.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 100) || 'report'}.md`;
}

/**
 * Writes the report to `kube-rollout-<name>.md` (the `summary` output); returns the file's path,
 * or undefined after a warning when it could not be written.
 */
export function writeReportFile(
  markdown: string,
  opts: Omit<WriteSummaryOptions, 'summary'>,
): string | undefined {
  try {
    const dir = opts.dir ?? process.env.RUNNER_TEMP ?? tmpdir();
    mkdirSync(dir, { recursive: true });
    const path = join(dir, fileName(opts.name));
    writeFileSync(path, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
    return path;
  } catch (error) {
    opts.warn?.(`could not write the report file: ${(error as Error).message}`);
    return undefined;
  }
}

/** Appends the report to the job summary; a problem is a warning, never an error. */
export async function appendJobSummary(markdown: string, summary: SummaryWriter, warn?: Warn): Promise<void> {
  try {
    await summary.addRaw(markdown, true).write();
  } catch (error) {
    // Outside a runner GITHUB_STEP_SUMMARY is unset and write() throws.
    warn?.(`could not write the job summary: ${(error as Error).message}`);
  }
}

/** Both of the above: the file (its path is returned) and, given `summary`, the job summary. */
export async function writeJobSummary(
  markdown: string,
  opts: WriteSummaryOptions,
): Promise<string | undefined> {
  const path = writeReportFile(markdown, opts);
  if (opts.summary) await appendJobSummary(markdown, opts.summary, opts.warn);
  return path;
}
