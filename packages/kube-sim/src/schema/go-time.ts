// Go's time.Parse (time/format.go) for the two layouts Kubernetes timestamps decode with, and its
// error messages: metav1.Time's UnmarshalJSON parses RFC 3339 (fractional seconds accepted after
// the seconds), metav1.MicroTime's parses RFC3339Micro, whose `.000000` needs exactly six digits.
// A value either layout refuses makes the JSON decoder refuse the whole object (schema/index.ts).

export const RFC3339 = '2006-01-02T15:04:05Z07:00';
export const RFC3339_MICRO = '2006-01-02T15:04:05.000000Z07:00';

/** A layout as Go's nextStdChunk splits it: the literal before each element, and the element. */
type Chunks = [prefix: string, element: string][];
const RFC3339_CHUNKS: Chunks = [
  ['', '2006'],
  ['-', '01'],
  ['-', '02'],
  ['T', '15'],
  [':', '04'],
  [':', '05'],
  ['', 'Z07:00'],
];
const CHUNKS: Record<string, Chunks> = {
  [RFC3339]: RFC3339_CHUNKS,
  // The fraction stands between the seconds and the zone.
  [RFC3339_MICRO]: [...RFC3339_CHUNKS.slice(0, 6), ['', '.000000'], ...RFC3339_CHUNKS.slice(6)],
};

/** Go's quote() of time/format.go: `"` and `\` escaped, other bytes outside printable ASCII as \xNN. */
function quote(s: string): string {
  let out = '"';
  for (const c of s) {
    const code = c.codePointAt(0)!;
    if (code < 0x20 || code >= 0x80)
      for (const b of Buffer.from(c)) out += `\\x${b.toString(16).padStart(2, '0')}`;
    else out += c === '"' || c === '\\' ? `\\${c}` : c;
  }
  return `${out}"`;
}

const isDigit = (s: string, i: number) => i < s.length && s[i] >= '0' && s[i] <= '9';

/** Go's atoi: an optional sign, then digits only; undefined when that is not what `s` is. */
function atoi(s: string): number | undefined {
  return /^[+-]?\d+$/.test(s) ? Number(s) : undefined;
}

/** Go's getnum: one or two leading digits (two required when `fixed`). */
function getnum(s: string, fixed: boolean): [number, string] | undefined {
  if (!isDigit(s, 0)) return undefined;
  if (!isDigit(s, 1)) return fixed ? undefined : [Number(s[0]), s.slice(1)];
  return [Number(s.slice(0, 2)), s.slice(2)];
}

/** Go's parseNanoseconds: `.` or `,` then what its atoi reads (a sign too); negative is out of range. */
function fraction(value: string, nbytes: number): Step {
  if (value[0] !== '.' && value[0] !== ',') return undefined;
  const ns = atoi(value.slice(1, Math.min(nbytes, 10)));
  if (ns === undefined) return undefined;
  return { rest: value.slice(nbytes), ...(ns < 0 ? { range: 'fractional second' } : {}) };
}

function daysIn(month: number, year: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

interface Parsed {
  year: number;
  month: number;
  day: number;
}

type Step = { rest: string; range?: string } | undefined;

/** One layout element applied to the front of `value` (undefined: Go's errBad). */
function element(std: string, value: string, next: string | undefined, t: Parsed): Step {
  switch (std) {
    case '2006': {
      if (value.length < 4 || !isDigit(value, 0)) return undefined;
      const year = atoi(value.slice(0, 4));
      if (year === undefined) return undefined;
      t.year = year;
      return { rest: value.slice(4) };
    }
    case '01': {
      const n = getnum(value, true);
      if (!n) return undefined;
      t.month = n[0];
      return { rest: n[1], ...(n[0] <= 0 || n[0] > 12 ? { range: 'month' } : {}) };
    }
    case '02': {
      // Any one or two digits: the day is checked against its month once all is parsed.
      const n = getnum(value, true);
      if (!n) return undefined;
      t.day = n[0];
      return { rest: n[1] };
    }
    case '15':
    case '04':
    case '05': {
      const n = getnum(value, std !== '15');
      if (!n) return undefined;
      const [limit, name] = std === '15' ? [24, 'hour'] : std === '04' ? [60, 'minute'] : [60, 'second'];
      if (n[0] >= limit) return { rest: n[1], range: name };
      return std === '05' ? seconds(n[1], next) : { rest: n[1] };
    }
    case '.000000':
      return value.length < 7 ? undefined : fraction(value, 7);
    default:
      return zone(value);
  }
}

/** After the seconds: a fraction the layout does not name is read anyway (Go's special case). */
function seconds(rest: string, next: string | undefined): Step {
  if (next === '.000000' || !(rest.length >= 2 && (rest[0] === '.' || rest[0] === ',') && isDigit(rest, 1)))
    return { rest };
  let n = 2;
  while (isDigit(rest, n)) n++;
  return fraction(rest, n);
}

/** `Z07:00`: `Z`, or `±hh:mm` (offsets up to 24:60 pass; Go judges the range before the rest). */
function zone(value: string): Step {
  if (value[0] === 'Z') return { rest: value.slice(1) };
  if (value.length < 6 || value[3] !== ':') return undefined;
  const hour = getnum(value.slice(1, 3), true);
  const minute = hour && getnum(value.slice(4, 6), true);
  const [hr, mm] = [hour?.[0] ?? 0, minute?.[0] ?? 0];
  const range = mm > 60 ? 'time zone offset minute' : hr > 24 ? 'time zone offset hour' : undefined;
  if (range) return { rest: value.slice(6), range };
  if (!hour || !minute || (value[0] !== '+' && value[0] !== '-')) return undefined;
  return { rest: value.slice(6) };
}

/** Go's error for time.Parse(layout, value), or undefined when Go parses it. */
export function goTimeParseError(layout: string, value: string): string | undefined {
  const chunks = CHUNKS[layout];
  const head = `parsing time ${quote(value)}`;
  const cannot = (elem: string, rest: string) =>
    `${head} as ${quote(layout)}: cannot parse ${quote(rest)} as ${quote(elem)}`;
  const t: Parsed = { year: 0, month: 1, day: 1 };
  let rest = value;
  for (const [i, [prefix, std]] of chunks.entries()) {
    for (const c of prefix) {
      if (rest[0] !== c) return cannot(prefix, rest);
      rest = rest.slice(1);
    }
    const step = element(std, rest, chunks[i + 1]?.[1], t);
    if (step?.range) return `${head}: ${step.range} out of range`;
    if (!step) return cannot(std, rest);
    rest = step.rest;
  }
  if (rest) return `${head}: extra text: ${quote(rest)}`;
  if (t.day < 1 || t.day > daysIn(t.month, t.year)) return `${head}: day out of range`;
  return undefined;
}
