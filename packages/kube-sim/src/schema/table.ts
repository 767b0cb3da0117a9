// The shape of the schema tables of ./pod.ts and ./kinds.ts (parsed by ./types.ts).

/** Struct name → field name → field notation. */
export type StructTable = Record<string, Record<string, string>>;
