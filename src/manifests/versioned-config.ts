/**
 * Versioned config: a ConfigMap or Secret that a workload uses gets its content hash in its name,
 * so changing it makes a new pod template (a new revision), and the old copy stays for rollback.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../compare.ts';
import type { KubeObject } from '../kube/types.ts';
import { ANNOTATIONS } from '../labels.ts';
import { forEachConfigRef, podTemplateOf, type ConfigKind } from './pods.ts';
import type { SourcedObject } from './types.ts';

export const ORIGINAL_NAME_ANNOTATION = ANNOTATIONS.originalName;

export interface ConfigRename {
  kind: ConfigKind;
  namespace?: string;
  from: string;
  to: string;
}

/**
 * First 10 hex digits of the sha256 of the object's content (data, binaryData, stringData, type),
 * written with its keys sorted so equal content always hashes the same.
 */
export function configHash(obj: KubeObject): string {
  const content = { data: obj.data, binaryData: obj.binaryData, stringData: obj.stringData, type: obj.type };
  return createHash('sha256').update(canonicalJson(content)).digest('hex').slice(0, 10);
}

/**
 * Returns copies of `objects` where every ConfigMap and Secret referenced by a pod template in the
 * set is renamed `<name>-<hash>` and every reference to it is rewritten. Objects no workload
 * references keep their names.
 */
export function applyVersionedConfig(objects: SourcedObject[]): {
  objects: SourcedObject[];
  renamed: ConfigRename[];
} {
  const copies = objects.map((s) => ({ ...s, object: structuredClone(s.object) }));
  const key = (kind: string, namespace: string | undefined, name: string) =>
    `${kind}/${namespace ?? ''}/${name}`;

  const referenced = new Set<string>();
  for (const { object } of copies) {
    const spec = podTemplateOf(object)?.spec;
    if (!spec) continue;
    forEachConfigRef(spec, (kind, name) => referenced.add(key(kind, object.metadata.namespace, name)));
  }

  const newNames = new Map<string, string>();
  const renamed: ConfigRename[] = [];
  for (const { object } of copies) {
    if (object.kind !== 'ConfigMap' && object.kind !== 'Secret') continue;
    const { name, namespace } = object.metadata;
    if (!name || !referenced.has(key(object.kind, namespace, name))) continue;
    const to = `${name}-${configHash(object)}`;
    newNames.set(key(object.kind, namespace, name), to);
    renamed.push({ kind: object.kind, ...(namespace ? { namespace } : {}), from: name, to });
    object.metadata.name = to;
    object.metadata.annotations = { ...object.metadata.annotations, [ORIGINAL_NAME_ANNOTATION]: name };
  }

  for (const { object } of copies) {
    const spec = podTemplateOf(object)?.spec;
    if (!spec) continue;
    forEachConfigRef(spec, (kind, name, rename) => {
      const to = newNames.get(key(kind, object.metadata.namespace, name));
      if (to) rename(to);
    });
  }
  return { objects: copies, renamed };
}
