// What the simulator knows of the OpenAPI list semantics of built-in kinds: which lists are keyed
// (server-side apply `x-kubernetes-list-map-keys`, strategic merge `patchMergeKey`), which are sets,
// and which are atomic. Custom resources without a schema treat every list as atomic.

export type ListKind = { type: 'map'; keys: string[] } | { type: 'set' } | { type: 'atomic' };

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/**
 * `names` is the chain of field names leading to the list (indices omitted), e.g.
 * ['spec', 'template', 'spec', 'containers', 'ports'].
 */
export function applyListKind(names: string[], custom: boolean): ListKind {
  if (custom && names[0] !== 'metadata') return { type: 'atomic' };
  const field = names[names.length - 1];
  const parent = names[names.length - 2];
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
    case 'resourceClaims':
      return { type: 'map', keys: ['name'] };
    case 'ports':
      if (CONTAINER_LISTS.has(parent)) return { type: 'map', keys: ['containerPort', 'protocol'] };
      if (parent === 'spec') return { type: 'map', keys: ['port', 'protocol'] };
      return { type: 'atomic' };
    case 'volumeMounts':
      return { type: 'map', keys: ['mountPath'] };
    case 'volumeDevices':
      return { type: 'map', keys: ['devicePath'] };
    case 'hostAliases':
      return { type: 'map', keys: ['ip'] };
    case 'ownerReferences':
      return { type: 'map', keys: ['uid'] };
    case 'conditions':
      return { type: 'map', keys: ['type'] };
    case 'topologySpreadConstraints':
      return { type: 'map', keys: ['topologyKey', 'whenUnsatisfiable'] };
    case 'finalizers':
      return { type: 'set' };
    default:
      return { type: 'atomic' };
  }
}

/** Strategic merge patch: the merge key of a list, 'primitive-merge' for merged scalar lists, or undefined (replace). */
export function strategicMergeKey(names: string[], custom: boolean): string | 'primitive-merge' | undefined {
  if (custom) return undefined;
  const field = names[names.length - 1];
  const parent = names[names.length - 2];
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
      return 'name';
    case 'ports':
      if (CONTAINER_LISTS.has(parent)) return 'containerPort';
      if (parent === 'spec') return 'port';
      return undefined;
    case 'volumeMounts':
      return 'mountPath';
    case 'volumeDevices':
      return 'devicePath';
    case 'hostAliases':
      return 'ip';
    case 'ownerReferences':
      return 'uid';
    case 'conditions':
      return 'type';
    case 'topologySpreadConstraints':
      return 'topologyKey';
    case 'finalizers':
      return 'primitive-merge';
    default:
      return undefined;
  }
}

/** Maps whose keys are owned as a whole (metav1.LabelSelector is `structType=atomic`). */
export function isAtomicStruct(names: string[], custom: boolean, kind: string): boolean {
  if (custom || kind === 'Service') return false;
  const field = names[names.length - 1];
  return field === 'selector' && names.length === 2 && names[0] === 'spec';
}
