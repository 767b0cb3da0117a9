// Helpers of the store: generated names, field-tracking context, no-op detection, CRD status.
import type { KubeObject } from './types.ts';
import { view, type CrdView } from './views.ts';
import type { ResourceEntry } from './registry.ts';
import type { FieldCtx } from './patch/fields.ts';
import { nowTimestamp } from './patch/managed.ts';
import { clone, deepEqual, specPart } from './util.ts';

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
    c.metadata.managedFields = ((o.metadata.managedFields ?? []) as Record<string, unknown>[]).map((m) => ({
      ...m,
      time: undefined,
    }));
    return c;
  };
  return deepEqual(strip(a), strip(b));
}

export function crdStatus(obj: KubeObject): Record<string, unknown> {
  const crd = view<CrdView>(obj);
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
    storedVersions: (crd.spec?.versions ?? []).filter((v) => v.storage).map((v) => v.name),
  };
}

/**
 * Whether an update bumps metadata.generation: anything outside metadata and status changed, or,
 * for Deployments, the annotations did (pkg/registry/apps/deployment/strategy.go PrepareForUpdate:
 * annotations are copied to the ReplicaSets, so they count as intent).
 */
export function bumpsGeneration(next: KubeObject, existing: KubeObject): boolean {
  if (!deepEqual(specPart(next), specPart(existing))) return true;
  const annotationsCount = next.kind === 'Deployment' && next.apiVersion.startsWith('apps/');
  return annotationsCount && !deepEqual(next.metadata.annotations ?? {}, existing.metadata.annotations ?? {});
}

/**
 * What a /status write may change besides status. Deployments: annotations too (their status
 * strategy resets only spec and labels, pkg/registry/apps/deployment/strategy.go
 * deploymentStatusStrategy.PrepareForUpdate; the controller writes the revision annotation that
 * way, so it does not bump generation). Other kinds keep the stored metadata.
 */
export function takeStatusMetadata(next: KubeObject, input: KubeObject): void {
  if (next.kind !== 'Deployment' || !next.apiVersion.startsWith('apps/')) return;
  if (input.metadata?.annotations) next.metadata.annotations = clone(input.metadata.annotations);
  else delete next.metadata.annotations;
}
