// The API server's answers to objects that do not fit their kind's schema, with upstream's messages:
// server-side apply's typed conversion (500, no reason), the JSON decoder of create/update/patch
// (400 BadRequest) and field validation causes (422, merged into validation.ts's).
import { SimApiError } from '../types.ts';
import type { KubeObject } from '../types.ts';
import { checkSchema } from './check.ts';
import type { FieldIssue } from './check.ts';

interface KindInfo {
  group: string;
  version: string;
  kind: string;
}

/** Server-side apply: the applied configuration must convert to the kind's typed value. */
export function checkApplyTypes(config: KubeObject, entry: KindInfo): void {
  const { types } = checkSchema(config, entry.group, entry.kind);
  if (types.length === 0) return;
  const gvk = `${entry.group ? `${entry.group}/` : '/'}${entry.version}, Kind=${entry.kind}`;
  const where = `${config.metadata?.namespace ?? ''}/${config.metadata?.name ?? ''}; ${gvk}`;
  const list = types.map((t) => `${t.smdPath}: ${t.smdMessage}`);
  const detail = list.length === 1 ? list[0] : `errors:\n  ${list.join('\n  ')}`;
  // Upstream returns a plain error here, which the server answers as a 500 without a reason.
  throw new SimApiError(500, '', `failed to create typed patch object (${where}): ${detail}`);
}

/** What the JSON decoder refuses before anything else runs (first problem only, like Go). */
export function checkDecodable(obj: KubeObject, entry: KindInfo): void {
  const report = checkSchema(obj, entry.group, entry.kind);
  const first = report.types[0]?.goMessage ?? report.decode[0];
  if (first === undefined) return;
  throw new SimApiError(
    400,
    'BadRequest',
    `${entry.kind} in version ${JSON.stringify(entry.version)} cannot be handled as a ${entry.kind}: ${first}`,
  );
}

/** Required fields and enum values, as 422 causes. */
export function schemaCauses(obj: KubeObject, group: string): FieldIssue[] {
  return checkSchema(obj, group, obj.kind).fields;
}
