/**
 * Durations, one implementation each: parsing the inputs' `90s` / `1h30m` text, showing a
 * duration to people, and waiting for one in a way a signal can cut short.
 */
import { InputError, type InputLocation } from './errors.ts';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;

export const DURATION_HINT = 'use e.g. 90s, 2m, 1h30m, 500ms or a number of seconds';

/** `90s`, `2m`, `1h30m`, `500ms`, `1.5s` or a plain number of seconds → milliseconds. */
export function tryParseDuration(value: string | number): number | undefined {
  if (typeof value === 'number')
    return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  let total = 0;
  let at = 0;
  while (at < text.length) {
    DURATION_PART.lastIndex = at;
    const match = DURATION_PART.exec(text);
    if (!match) return undefined;
    total += Number(match[1]) * UNIT_MS[match[2]];
    at = DURATION_PART.lastIndex;
  }
  return Math.round(total);
}

/** Like tryParseDuration, but text it does not understand is an InputError naming `where`. */
export function parseDuration(value: string | number, where: InputLocation): number {
  const ms = tryParseDuration(value);
  if (ms === undefined) throw new InputError(`invalid duration '${value}' (${DURATION_HINT})`, where);
  return ms;
}

/**
 * For people: `850ms`, `1.5s`, `90s` → `1m 30s`, `4m 12s`, `1h 3m` (seconds are dropped once there
 * are hours). `—` for a negative or unknown duration.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms === 0) return '0s';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const tenths = Math.round(ms / 100) / 10;
  if (tenths < 60 && !Number.isInteger(tenths) && ms < 10_000) return `${tenths}s`;
  const totalSeconds = Math.round(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`;
  if (m > 0) return s > 0 ? `${m}m ${s}s` : `${m}m`;
  return `${s}s`;
}

/**
 * Resolves after `ms`; rejects with the signal's reason as soon as it aborts (at once if it
 * already has). Callers that only want to wake up early catch the rejection.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
