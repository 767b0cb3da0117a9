// Walks an object along the schema table and collects what the real API server would refuse:
// type mismatches (seen by server-side apply's typed conversion and by the JSON decoder),
// undecodable values (base64 bytes, quantities) and field validation (required fields, enums).
import { applyListKind } from '../patch/schema.ts';
import { isPlainObject } from '../util.ts';
import type { FieldType } from './types.ts';
import { goTypeName, rootStruct, structFields } from './types.ts';
import { base64ErrorOffset, goValue, jsonKind, QUANTITY_RE } from './values.ts';
import { goTimeParseError, RFC3339, RFC3339_MICRO } from './go-time.ts';

/** A value whose JSON type does not fit its field. */
export interface TypeIssue {
  /** Server-side apply's path (`.spec.template.spec.containers[name="web"].image`). */
  smdPath: string;
  smdMessage: string;
  /** encoding/json's message (first issue only is reported by the decoder). */
  goMessage: string;
}

/** A field validation failure (422 cause). */
export interface FieldIssue {
  reason: 'FieldValueRequired' | 'FieldValueNotSupported';
  field: string;
  message: string;
}

export interface SchemaReport {
  types: TypeIssue[];
  /** Decoder errors beyond JSON types: base64 bytes, quantities. */
  decode: string[];
  fields: FieldIssue[];
}

interface Ctx {
  group: string;
  report: SchemaReport;
  /** Field names only (Go's error path and list semantics). */
  names: string[];
  /** Validation path with indices (`spec.containers[0].name`). */
  field: string;
  smd: string;
  struct: string;
}

export function checkSchema(obj: unknown, group: string, kind: string): SchemaReport {
  const report: SchemaReport = { types: [], decode: [], fields: [] };
  const root = rootStruct(group, kind);
  if (!root) return report;
  const ctx: Ctx = { group, report, names: [], field: '', smd: '', struct: root };
  walk(obj, { kind: 'struct', struct: root, required: false }, ctx);
  return report;
}

function typeIssue(value: unknown, t: FieldType, ctx: Ctx, smdExpected: string): void {
  const goField = ctx.names.join('.');
  const got =
    t.kind === 'scalar' && t.scalar !== 'string' && t.scalar !== 'bool'
      ? smdTypeName(value)
      : `&value.valueUnstructured{Value:${goValue(value)}}`;
  ctx.report.types.push({
    smdPath: ctx.smd,
    smdMessage: `expected ${smdExpected}, got ${got}`,
    goMessage: `json: cannot unmarshal ${jsonKind(value)} into Go struct field ${ctx.struct}.${goField} of type ${goTypeName(t, ctx.group)}`,
  });
}

/** Go's %T of an unstructured value. */
function smdTypeName(v: unknown): string {
  if (Array.isArray(v)) return '[]interface {}';
  if (isPlainObject(v)) return 'map[string]interface {}';
  return typeof v === 'boolean'
    ? 'bool'
    : typeof v === 'number'
      ? Number.isInteger(v)
        ? 'int64'
        : 'float64'
      : 'string';
}

function walk(value: unknown, t: FieldType, ctx: Ctx): void {
  if (value === null || value === undefined) return;
  if (t.kind === 'struct') {
    if (!isPlainObject(value)) return typeIssue(value, t, ctx, 'map');
    const inner = { ...ctx, struct: t.struct };
    for (const [name, ft] of structFields(t.struct)) {
      const child = (value as Record<string, unknown>)[name];
      // Most of a struct's fields are absent: nothing to check, and no path to build.
      if ((child === undefined || child === null) && !ft.required) continue;
      const next = step(inner, name);
      if (ft.required && (child === undefined || child === null || child === '')) {
        ctx.report.fields.push({
          reason: 'FieldValueRequired',
          field: next.field,
          message: 'Required value',
        });
      } else walk(child, ft, next);
    }
  } else if (t.kind === 'list') {
    if (!Array.isArray(value)) return typeIssue(value, t, ctx, 'list');
    value.forEach((item, i) => walk(item, t.item, listItem(ctx, item, i)));
  } else if (t.kind === 'map') {
    if (!isPlainObject(value)) return typeIssue(value, t, ctx, 'map');
    for (const [key, v] of Object.entries(value)) {
      walk(v, t.value, { ...ctx, field: `${ctx.field}[${key}]`, smd: `${ctx.smd}.${key}` });
    }
  } else checkScalar(value, t, ctx);
}

function step(ctx: Ctx, name: string): Ctx {
  return {
    ...ctx,
    names: [...ctx.names, name],
    field: ctx.field ? `${ctx.field}.${name}` : name,
    smd: `${ctx.smd}.${name}`,
  };
}

/** Keyed lists are addressed by key in server-side apply paths, others by index. */
function listItem(ctx: Ctx, item: unknown, i: number): Ctx {
  const list = applyListKind(ctx.names, false);
  let key = `[${i}]`;
  if (list.type === 'map' && isPlainObject(item) && list.keys.some((k) => item[k] !== undefined)) {
    const parts = list.keys
      .filter((k) => item[k] !== undefined)
      .map((k) => `${k}=${JSON.stringify(item[k])}`);
    key = `[${parts.join(',')}]`;
  }
  return { ...ctx, field: `${ctx.field}[${i}]`, smd: `${ctx.smd}${key}` };
}

function checkScalar(value: unknown, t: FieldType & { kind: 'scalar' }, ctx: Ctx): void {
  switch (t.scalar) {
    case 'int32':
    case 'int64':
    case 'float64':
      if (typeof value !== 'number') return typeIssue(value, t, ctx, 'numeric (int or float)');
      if (t.scalar !== 'float64' && !Number.isInteger(value)) {
        ctx.report.decode.push(
          `json: cannot unmarshal number ${value} into Go struct field ${ctx.struct}.${ctx.names.join('.')} of type ${t.scalar}`,
        );
      }
      return;
    case 'string':
    case 'time':
    case 'microtime':
    case 'bytes':
      if (typeof value !== 'string') return typeIssue(value, t, ctx, 'string');
      if (t.scalar === 'time' || t.scalar === 'microtime') {
        // metav1.Time / MicroTime UnmarshalJSON: time.Parse with their layout, its error as is.
        const problem = goTimeParseError(t.scalar === 'time' ? RFC3339 : RFC3339_MICRO, value);
        if (problem) ctx.report.decode.push(problem);
      } else if (t.scalar === 'bytes') {
        const at = base64ErrorOffset(value);
        if (at !== undefined) ctx.report.decode.push(`illegal base64 data at input byte ${at}`);
      } else if (t.enum && !t.enum.includes(value)) {
        const supported = t.enum.map((v) => JSON.stringify(v)).join(', ');
        ctx.report.fields.push({
          reason: 'FieldValueNotSupported',
          field: ctx.field,
          message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${supported}`,
        });
      }
      return;
    case 'bool':
      if (typeof value !== 'boolean') typeIssue(value, t, ctx, 'boolean');
      return;
    case 'quantity':
      if (typeof value !== 'string' && typeof value !== 'number') return typeIssue(value, t, ctx, 'string');
      if (!QUANTITY_RE.test(String(value))) {
        ctx.report.decode.push(`quantities must match the regular expression '${QUANTITY_RE.source}'`);
      }
      return;
    case 'intstr':
      if (typeof value !== 'string' && typeof value !== 'number') typeIssue(value, t, ctx, 'string');
      return;
  }
}
