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
 * Appends the report to the job summary and writes it to a file; returns the file's path
 * (undefined if even the file could not be written). Problems are warnings, never errors.
 */
export async function writeJobSummary(
  markdown: string,
  opts: WriteSummaryOptions,
): Promise<string | undefined> {
  const warn = opts.warn ?? (() => {});
  let path: string | undefined;
  try {
    const dir = opts.dir ?? process.env.RUNNER_TEMP ?? tmpdir();
    mkdirSync(dir, { recursive: true });
    path = join(dir, fileName(opts.name));
    writeFileSync(path, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  } catch (error) {
    warn(`could not write the report file: ${(error as Error).message}`);
    path = undefined;
  }
  if (opts.summary) {
    try {
      await opts.summary.addRaw(markdown, true).write();
    } catch (error) {
      // Outside a runner GITHUB_STEP_SUMMARY is unset and write() throws.
      warn(`could not write the job summary: ${(error as Error).message}`);
    }
  }
  return path;
}
