/**
 * Why an error-rate query found no data. `errors / total` is empty while no request has failed yet
 * (the numerator has no series), which the judge rightly treats as no data; the fix is the user's
 * (`… or vector(0)`), so the message says so when the denominator alone does have data.
 */

/** A query's top-level division, outside parentheses, braces, brackets and strings; else undefined. */
export function splitRatio(query: string): { numerator: string; denominator: string } | undefined {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < query.length; i++) {
    const c = query[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === '/' && depth === 0) {
      const numerator = query.slice(0, i).trim();
      // Vector matching (`/ on(x) group_left …`, `/ bool`) is not part of the denominator itself.
      const denominator = query
        .slice(i + 1)
        .replace(
          /^\s*(bool\s+)?((on|ignoring)\s*\([^)]*\)\s*)?((group_left|group_right)\s*(\([^)]*\))?\s*)?/,
          '',
        )
        .trim();
      return numerator && denominator ? { numerator, denominator } : undefined;
    }
  }
  return undefined;
}

/**
 * The message for an empty ratio whose denominator has data. Short, and the fix first: reports cut
 * step details at 200 characters, and the query itself is shown next to it.
 */
export const EMPTY_NUMERATOR_HINT =
  'numerator empty, denominator has data (no errors yet?): write the numerator as `(…) or vector(0)` to count none as 0';
