// The shape of the API server's answers as test/api.test.ts reads them (typed, so no test reads
// through `any`).

/** A managedFields fieldsV1 tree: every key leads to another. */
export interface FieldsTree {
  [key: string]: FieldsTree;
}

export interface DiscoveredResource {
  name: string;
  resource: string;
  singularName: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  verbs: string[];
  group?: string;
  version?: string;
  scope: string;
  subresources: { subresource: string; responseKind: { kind: string } }[];
}

/**
 * The fields of the answers these tests read: objects, lists, Status, watch events, discovery and
 * OpenAPI documents, each test reading the ones its answer has.
 */
export interface Body {
  kind: string;
  apiVersion: string;
  reason: string;
  message: string;
  code: number;
  major: string;
  groupVersion: string;
  metadata: {
    name: string;
    resourceVersion: string;
    generation: number;
    continue?: string;
    labels: Record<string, string>;
    annotations?: Record<string, string>;
    managedFields: { manager: string; operation: string; fieldsType: string; fieldsV1: FieldsTree }[];
  };
  spec: { replicas: number; template: { spec: { containers: { name: string; image: string }[] } } };
  status: { readyReplicas: number; selector: string };
  details: { name: string; causes: { reason: string; message: string; field: string }[] };
  items: Body[];
  versions: { version: string; resources: DiscoveredResource[] }[];
  groups: { name: string; preferredVersion: unknown; versions: { version: string }[] }[];
  resources: DiscoveredResource[];
  paths: Record<
    string,
    {
      serverRelativeURL: string;
      patch: { 'x-kubernetes-group-version-kind': unknown; parameters: { name: string }[] };
    }
  >;
}
