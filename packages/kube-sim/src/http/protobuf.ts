// Just enough of the protobuf wire format to read the self reviews kubectl sends: its typed
// clients POST `application/vnd.kubernetes.protobuf` (a `k8s\0` magic, then a runtime.Unknown
// wrapping the object). Answers go back as JSON, which those clients also accept.

type Fields = Map<number, (Buffer | number)[]>;

function varint(buf: Buffer, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = buf[at++];
    if (byte === undefined) throw new Error('truncated varint');
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, at];
    shift += 7;
  }
}

/** Field number → values (length-delimited fields as bytes, varints as numbers). */
function fields(buf: Buffer): Fields {
  const out: Fields = new Map();
  let at = 0;
  while (at < buf.length) {
    const [key, next] = varint(buf, at);
    at = next;
    const [field, wire] = [Math.floor(key / 8), key % 8];
    let value: Buffer | number;
    if (wire === 0) [value, at] = varint(buf, at);
    else if (wire === 2) {
      const [length, start] = varint(buf, at);
      value = buf.subarray(start, start + length);
      at = start + length;
    } else if (wire === 1 || wire === 5) {
      value = 0;
      at += wire === 1 ? 8 : 4;
    } else throw new Error(`unsupported wire type ${wire}`);
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}

const text = (f: Fields, n: number): string | undefined => {
  const v = f.get(n)?.[0];
  return Buffer.isBuffer(v) ? v.toString('utf8') : undefined;
};
const message = (f: Fields, n: number): Fields | undefined => {
  const v = f.get(n)?.[0];
  return Buffer.isBuffer(v) ? fields(v) : undefined;
};

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** The wrapped object's bytes and its kind, from a `k8s\0` + runtime.Unknown envelope. */
function unwrap(body: Buffer): { kind?: string; raw: Fields } {
  if (!body.subarray(0, 4).equals(MAGIC)) throw new Error('not a Kubernetes protobuf body');
  const unknown = fields(body.subarray(4));
  const typeMeta = message(unknown, 1);
  return {
    kind: typeMeta && text(typeMeta, 2),
    raw: fields((unknown.get(2)?.[0] as Buffer) ?? Buffer.alloc(0)),
  };
}

const ATTRIBUTE_FIELDS = ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name'];

/** A SelfSubjectAccessReview or SelfSubjectRulesReview as the JSON it stands for. */
export function decodeReview(body: Buffer): { kind?: string; spec: Record<string, unknown> } {
  const { kind, raw } = unwrap(body);
  const spec = message(raw, 2) ?? new Map();
  if (kind === 'SelfSubjectRulesReview') return { kind, spec: { namespace: text(spec, 1) ?? '' } };
  const out: { kind?: string; spec: Record<string, unknown> } = { kind, spec: {} };
  const attrs = message(spec, 1);
  if (attrs)
    out.spec.resourceAttributes = Object.fromEntries(
      ATTRIBUTE_FIELDS.map((name, i) => [name, text(attrs, i + 1) ?? '']).filter(([, v]) => v !== ''),
    );
  const nonResource = message(spec, 2);
  if (nonResource)
    out.spec.nonResourceAttributes = { path: text(nonResource, 1), verb: text(nonResource, 2) };
  return out;
}
