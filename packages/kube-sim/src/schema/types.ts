// The schema notation of ./pod.ts and ./kinds.ts, parsed once into field types.
import { POD_STRUCTS } from './pod.ts';
import { KIND_ROOTS, KIND_STRUCTS } from './kinds.ts';
import type { StructTable } from './table.ts';

export type { StructTable };

export type Scalar =
  | 'int32'
  | 'int64'
  | 'float64'
  | 'string'
  | 'bool'
  | 'bytes'
  | 'quantity'
  | 'intstr'
  | 'any'
  | 'time'
  | 'microtime';

export type FieldType = (
  | { kind: 'scalar'; scalar: Scalar }
  | { kind: 'struct'; struct: string }
  | { kind: 'list'; item: FieldType }
  | { kind: 'map'; value: FieldType }
) & { required: boolean; enum?: string[] };

const SCALARS = new Set<string>([
  'int32',
  'int64',
  'float64',
  'string',
  'bool',
  'bytes',
  'quantity',
  'intstr',
  'any',
  'time',
  'microtime',
]);

const STRUCTS: StructTable = { ...POD_STRUCTS, ...KIND_STRUCTS };

export function parseField(spec: string): FieldType {
  const eq = spec.indexOf('=');
  const enumPart = eq >= 0 ? spec.slice(eq + 1) : undefined;
  let type = eq >= 0 ? spec.slice(0, eq) : spec;
  const required = type.endsWith('!');
  if (required) type = type.slice(0, -1);
  const withEnum = (t: string) => (enumPart ? `${t}=${enumPart}` : t);
  if (type.startsWith('[]')) return { kind: 'list', item: parseField(withEnum(type.slice(2))), required };
  if (type === 'map') return { kind: 'map', value: parseField('string'), required };
  if (type.startsWith('map<')) return { kind: 'map', value: parseField(type.slice(4, -1)), required };
  const enumValues = enumPart ? { enum: enumPart.split('|') } : {};
  if (SCALARS.has(type)) return { kind: 'scalar', scalar: type as Scalar, required, ...enumValues };
  if (!STRUCTS[type]) throw new Error(`schema table: unknown struct ${type}`);
  return { kind: 'struct', struct: type, required };
}

const parsed = new Map<string, Map<string, FieldType>>();

/** The fields of a struct (top-level kinds get apiVersion, kind and metadata). */
export function structFields(name: string): Map<string, FieldType> {
  let fields = parsed.get(name);
  if (!fields) {
    fields = new Map(Object.entries(STRUCTS[name] ?? {}).map(([k, v]) => [k, parseField(v)]));
    if (Object.values(KIND_ROOTS).includes(name)) {
      fields.set('apiVersion', parseField('string'));
      fields.set('kind', parseField('string'));
      if (!fields.has('metadata')) fields.set('metadata', parseField('ObjectMeta'));
    }
    parsed.set(name, fields);
  }
  return fields;
}

/** The top-level struct of a kind, or undefined for kinds served without a schema. */
export function rootStruct(group: string, kind: string): string | undefined {
  return KIND_ROOTS[`${group}/${kind}`];
}

/** Go's package-qualified name of a field type, as encoding/json prints it. */
export function goTypeName(t: FieldType, group: string): string {
  switch (t.kind) {
    case 'list':
      return `[]${goTypeName(t.item, group)}`;
    case 'map':
      return `map[string]${goTypeName(t.value, group)}`;
    case 'struct':
      return `${group === 'autoscaling' ? 'v2' : 'v1'}.${t.struct}`;
    default:
      return GO_SCALAR[t.scalar];
  }
}

const GO_SCALAR: Record<Scalar, string> = {
  int32: 'int32',
  int64: 'int64',
  float64: 'float64',
  string: 'string',
  time: 'v1.Time',
  microtime: 'v1.MicroTime',
  bool: 'bool',
  bytes: '[]uint8',
  quantity: 'resource.Quantity',
  intstr: 'intstr.IntOrString',
  any: 'interface {}',
};
