// Runs the bundled action (dist/index.js) in a child process exactly as the runner does: inputs
// as INPUT_* variables, outputs/state/summary through the GITHUB_* files, then the post step
// (dist/post.js) with the saved state.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const DIST = resolve(import.meta.dirname, '../../dist/index.js');
/** The post step's entry (action.yml `runs.post`). */
export const DIST_POST = resolve(import.meta.dirname, '../../dist/post.js');

/** When the runner escalates a cancel that the step has not ended: after SIGINT, in ms. */
export const GITHUB_CANCEL_ESCALATION: readonly [NodeJS.Signals, number][] = [
  ['SIGTERM', 7500],
  ['SIGKILL', 10_000],
];

export interface ActionRun {
  code: number;
  /** The signal `killAfterMs` sent, when the main step was still running then. */
  killedBy?: NodeJS.Signals;
  outputs: Record<string, string>;
  summary: string;
  stdout: string;
  stderr: string;
  state: Record<string, string>;
  /** Lines of `::error` / `::warning` workflow commands. */
  annotations: string[];
  /** Values registered with `::add-mask::`, in order. */
  masks: string[];
  /** stdout as the runner shows it: each line masked with the values registered before it. */
  maskedStdout: string;
}

/**
 * The runner's masking, a line at a time: `::add-mask::` lines register a value (and are not
 * shown); every later line has each registered value replaced by `***`. A value printed before it
 * was registered stays visible, as on a real runner.
 */
export class RunnerMask {
  readonly masks: string[] = [];
  /** The line as the runner shows it; undefined for an `::add-mask::` line. */
  show(line: string): string | undefined {
    const mask = line.match(/^::add-mask::(.*)$/);
    if (mask) {
      this.masks.push(mask[1].replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%'));
      return undefined;
    }
    const ordered = [...this.masks].sort((a, b) => b.length - a.length);
    return ordered.reduce((text, value) => (value ? text.split(value).join('***') : text), line);
  }
}

/** What the runner prints of the step's stdout (RunnerMask over every line). */
export function maskLikeRunner(stdout: string): { masks: string[]; masked: string } {
  const mask = new RunnerMask();
  const shown = stdout.split('\n').map((line) => mask.show(line));
  return { masks: mask.masks, masked: shown.filter((line) => line !== undefined).join('\n') };
}

export interface RunActionOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Event payload written to GITHUB_EVENT_PATH. */
  event?: unknown;
  eventName?: string;
  /** Kill the process after this many ms, to simulate a cancelled job. */
  killAfterMs?: number;
  /** Kill the process once its output so far satisfies this (e.g. a step started). */
  killWhen?: (stdout: string) => boolean;
  /**
   * SIGTERM (a cancelled job; default), SIGKILL (a runner that died: no shutdown), or `github`:
   * the runner's own cancel sequence (SIGINT, then SIGTERM and SIGKILL while the step still runs).
   */
  killSignal?: NodeJS.Signals | 'github';
  /** Run the post step after main (as the runner does with post-if: always()). */
  post?: boolean;
  onStdout?: (chunk: string) => void;
}

/** Parses the runner's file-command format (`name<<delimiter` blocks and `name=value` lines). */
export function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const heredoc = line.match(/^([^=<]+)<<(.+)$/);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i]);
      out[name] = value.join('\n');
    } else if (line.includes('=')) {
      const at = line.indexOf('=');
      out[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return out;
}

function inputEnv(inputs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [`INPUT_${k.replace(/ /g, '_').toUpperCase()}`, v]),
  );
}

function spawnStep(
  entry: string,
  env: Record<string, string>,
  cwd: string,
  opts: RunActionOptions,
): Promise<{ code: number; killedBy?: NodeJS.Signals; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [entry], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killedBy: NodeJS.Signals | undefined;
    const later: NodeJS.Timeout[] = [];
    const kill = () => {
      if (killedBy) return;
      if (opts.killSignal !== 'github') {
        killedBy = opts.killSignal ?? 'SIGTERM';
        child.kill(killedBy);
        return;
      }
      // The runner's cancel: SIGINT, SIGTERM 7.5 s later, SIGKILL 2.5 s after that, each only
      // while the step still runs.
      killedBy = 'SIGINT';
      child.kill('SIGINT');
      for (const [signal, at] of GITHUB_CANCEL_ESCALATION)
        later.push(
          setTimeout(() => {
            if (child.exitCode !== null || child.signalCode !== null) return;
            killedBy = signal;
            child.kill(signal);
          }, at),
        );
    };
    child.stdout.on('data', (d) => {
      stdout += d;
      opts.onStdout?.(String(d));
      if (opts.killWhen?.(stdout)) kill();
    });
    child.stderr.on('data', (d) => (stderr += d));
    const timer = opts.killAfterMs !== undefined ? setTimeout(kill, opts.killAfterMs) : undefined;
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      for (const t of later) clearTimeout(t);
      resolvePromise({ code: code ?? 1, ...(killedBy ? { killedBy } : {}), stdout, stderr });
    });
  });
}

export async function runAction(
  inputs: Record<string, string>,
  opts: RunActionOptions = {},
): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'kr-action-'));
  const files = {
    output: join(dir, 'output'),
    state: join(dir, 'state'),
    summary: join(dir, 'summary.md'),
    event: join(dir, 'event.json'),
  };
  for (const f of [files.output, files.state, files.summary]) writeFileSync(f, '');
  writeFileSync(files.event, JSON.stringify(opts.event ?? {}));
  const cwd = opts.cwd ?? process.cwd();
  const base: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    RUNNER_TEMP: dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: files.output,
    GITHUB_STATE: files.state,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_EVENT_NAME: opts.eventName ?? 'workflow_dispatch',
    GITHUB_WORKSPACE: cwd,
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_SHA: 'abc1234def5678900000000000000000deadbeef',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'http://127.0.0.1:9',
    ...inputEnv(inputs),
    ...(opts.env ?? {}),
  };
  const main = await spawnStep(DIST, base, cwd, opts);
  let stdout = main.stdout;
  let stderr = main.stderr;
  const state = parseFileCommands(readFileSync(files.state, 'utf8'));
  if (opts.post) {
    const stateEnv = Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v]));
    // The runner does not cancel the post step: only the main step is killed.
    const post = await spawnStep(DIST_POST, { ...base, ...stateEnv }, cwd, {
      ...opts,
      killAfterMs: undefined,
      killWhen: undefined,
    });
    stdout += post.stdout;
    stderr += post.stderr;
  }
  const annotations = stdout.split('\n').filter((l) => /^::(error|warning)/.test(l));
  const { masks, masked } = maskLikeRunner(stdout);
  return {
    masks,
    maskedStdout: masked,
    code: main.code,
    ...(main.killedBy ? { killedBy: main.killedBy } : {}),
    outputs: parseFileCommands(readFileSync(files.output, 'utf8')),
    summary: existsSync(files.summary) ? readFileSync(files.summary, 'utf8') : '',
    stdout,
    stderr,
    state,
    annotations,
  };
}

/** Environment for runAction that runs the action with its wall clock `skewMs` off ours. */
export function skewedClockEnv(skewMs: number): Record<string, string> {
  const preload = resolve(import.meta.dirname, 'skewed-clock.mjs');
  return { NODE_OPTIONS: `--import=${preload}`, SKEWED_CLOCK_MS: String(skewMs) };
}
