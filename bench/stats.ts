// Figures for the benchmark table: min / median / max of repeated runs, ratios, and the rows.
import { performance } from 'node:perf_hooks';

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
export const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)];
export const ms = (x: number) =>
  x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${x.toFixed(x < 10 ? 2 : 0)} ms`;
const fixed = (digits: number) => (x: number) => x.toFixed(digits);

/** `min / median / max` of `xs`, each formatted. */
export function spread(xs: number[], format: (x: number) => string = ms): string {
  if (xs.length === 0) return 'n/a';
  return `${format(Math.min(...xs))} / ${format(median(xs))} / ${format(Math.max(...xs))}`;
}

/** Per-run ratios a[i] ÷ b[i], as `min / median / max ×`. */
export function ratios(a: number[], b: number[]): string {
  const xs = a.map((x, i) => x / b[i]);
  return `${spread(xs, (x) => (x < 0.1 ? x.toPrecision(2) : x.toFixed(2)))} ×`;
}

export const perSecond = (xs: number[]) => `${spread(xs, fixed(2))} /s`;
export const mib = (xs: number[]) => `${spread(xs, (kib) => `${(kib / 1024).toFixed(0)} MiB`)}`;

/** Runs `fn` `warmup` times untimed, then `n` times timed; returns the durations in ms. */
export async function timeRuns(n: number, warmup: number, fn: () => unknown): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

export interface Row {
  figure: string;
  value: string;
  goal?: string;
}

/** The table printed at the end (and quoted in the README). */
export class Table {
  readonly rows: Row[] = [];
  add(figure: string, value: string, goal?: string): void {
    this.rows.push({ figure, value, ...(goal ? { goal } : {}) });
    console.log(`  ${figure}: ${value}${goal ? `  (goal ${goal})` : ''}`);
  }
  print(): void {
    const width = Math.max(...this.rows.map((r) => r.figure.length));
    const valueWidth = Math.max(...this.rows.map((r) => r.value.length));
    console.log(`\n| ${'figure'.padEnd(width)} | ${'min / median / max'.padEnd(valueWidth)} | goal |`);
    console.log(`| ${'-'.repeat(width)} | ${'-'.repeat(valueWidth)} | ---- |`);
    for (const r of this.rows)
      console.log(`| ${r.figure.padEnd(width)} | ${r.value.padEnd(valueWidth)} | ${r.goal ?? ''} |`);
  }
}
