// Helpers of the store: generated names, field-tracking context, no-op detection, CRD status.
import type { KubeObject } from './types.ts';
import type { ResourceEntry } from './registry.ts';
import type { FieldCtx } from './patch/fields.ts';
import { nowTimestamp } from './patch/managed.ts';
import { deepEqual } from './util.ts';

const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += GENERATE_ALPHABET[Math.floor(Math.random() * GENERATE_ALPHABET.length)];
  return s;
}

export function fieldCtx(entry: ResourceEntry): FieldCtx {
  return { kind: entry.kind, custom: entry.custom, statusSubresource: entry.subresources.includes('status') };
}

/** Compare two versions of an object, ignoring what every write changes anyway. */
export function sameContent(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const c = { ...o, metadata: { ...o.metadata } } as KubeObject;
    delete c.metadata.resourceVersion;
    c.metadata.managedFields = ((o.metadata.managedFields ?? []) as any[]).map((m) => ({
      ...m,
      time: undefined,
    }));
    return c;
  };
  return deepEqual(strip(a), strip(b));
}

export function crdStatus(crd: KubeObject): Record<string, unknown> {
  const now = nowTimestamp();
  return {
    acceptedNames: crd.spec?.names ?? {},
    conditions: [
      {
        type: 'NamesAccepted',
        status: 'True',
        reason: 'NoConflicts',
        message: 'no conflicts found',
        lastTransitionTime: now,
      },
      {
        type: 'Established',
        status: 'True',
        reason: 'InitialNamesAccepted',
        message: 'the initial names have been accepted',
        lastTransitionTime: now,
      },
    ],
    storedVersions: (crd.spec?.versions ?? []).filter((v: any) => v.storage).map((v: any) => v.name),
  };
}
