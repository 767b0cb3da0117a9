// metadata.managedFields bookkeeping: decode/encode entries and record non-apply writes
// (operation Update), which take ownership of the fields they changed away from everyone else.
import type { KubeObject } from '../types.ts';
import { collectFields, fieldsFromTree, treeFromFields } from './fields.ts';
import type { FieldCtx } from './fields.ts';

export interface ManagedEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

export interface Owner {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  subresource?: string;
  fields: Set<string>;
}

export function nowTimestamp(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

export function decodeManaged(obj: KubeObject | undefined): Owner[] {
  const list = (obj?.metadata?.managedFields ?? []) as ManagedEntry[];
  return list
    .filter((e) => e && typeof e.manager === 'string')
    .map((e) => ({
      manager: e.manager,
      operation: e.operation === 'Apply' ? 'Apply' : 'Update',
      apiVersion: e.apiVersion,
      time: e.time,
      ...(e.subresource ? { subresource: e.subresource } : {}),
      fields: fieldsFromTree(e.fieldsV1),
    }));
}

export function encodeManaged(owners: Owner[]): ManagedEntry[] {
  return owners
    .filter((o) => o.fields.size > 0)
    .map((o) => ({
      manager: o.manager,
      operation: o.operation,
      apiVersion: o.apiVersion,
      time: o.time,
      fieldsType: 'FieldsV1',
      fieldsV1: treeFromFields([...o.fields].sort()),
      ...(o.subresource ? { subresource: o.subresource } : {}),
    }));
}

/** Find or add the entry of one manager+operation+subresource. */
export function ownerFor(
  owners: Owner[],
  manager: string,
  operation: 'Apply' | 'Update',
  apiVersion: string,
  subresource?: string,
): Owner {
  let o = owners.find(
    (x) =>
      x.manager === manager && x.operation === operation && (x.subresource ?? '') === (subresource ?? ''),
  );
  if (!o) {
    o = {
      manager,
      operation,
      apiVersion,
      time: nowTimestamp(),
      ...(subresource ? { subresource } : {}),
      fields: new Set(),
    };
    owners.push(o);
  }
  o.apiVersion = apiVersion;
  o.time = nowTimestamp();
  return o;
}

/**
 * Record a create/update/patch by `manager` (operation Update): it owns every field it set or
 * changed; fields that disappeared are owned by nobody. Writes `next.metadata.managedFields`.
 */
export function recordUpdate(
  old: KubeObject | undefined,
  next: KubeObject,
  manager: string,
  ctx: FieldCtx,
  subresource?: 'status' | 'scale',
): void {
  const owners = decodeManaged(old);
  const scope = subresource === 'status' ? 'status' : 'main';
  const before = old ? collectFields(old as Record<string, unknown>, ctx, scope) : new Map<string, string>();
  const after = collectFields(next as Record<string, unknown>, ctx, scope);
  const changed: string[] = [];
  for (const [p, v] of after) if (before.get(p) !== v) changed.push(p);
  const removed = [...before.keys()].filter((p) => !after.has(p));
  if (changed.length || removed.length) {
    for (const o of owners) {
      for (const p of changed) o.fields.delete(p);
      for (const p of removed) o.fields.delete(p);
    }
    const mine = ownerFor(owners, manager, 'Update', next.apiVersion, subresource);
    for (const p of changed) mine.fields.add(p);
  }
  next.metadata.managedFields = encodeManaged(owners);
}
