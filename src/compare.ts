// Sorting text the same way everywhere, by UTF-16 code unit: the order does not depend on the
// runner's locale, and it needs no ICU collator (whose first use costs milliseconds at start-up).

/** Negative, zero or positive as `a` sorts before, with or after `b`. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
