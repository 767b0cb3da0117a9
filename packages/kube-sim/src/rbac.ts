// RBAC authorization as the real authorizer decides it: ClusterRoleBindings grant their
// ClusterRole everywhere, RoleBindings grant a Role or ClusterRole in their namespace.
// Members of system:masters are always allowed.
import type { SimStoreImpl } from './store.ts';
import { forbidden } from './status.ts';
import type { ResourceEntry } from './registry.ts';
import type { KubeObject, SimApiError } from './types.ts';

export interface UserInfo {
  name: string;
  groups: string[];
}

export interface RequestAttributes {
  verb: string;
  entry: ResourceEntry;
  subresource?: string;
  namespace?: string;
  name?: string;
}

/** The fields of RBAC objects the authorizer reads; rules are checked field by field as they come. */
interface Subject {
  kind?: string;
  name: string;
  namespace?: string;
}

export interface PolicyRule {
  verbs?: unknown;
  apiGroups?: unknown;
  resources?: unknown;
  resourceNames?: unknown;
}

type Binding = KubeObject & { subjects?: Subject[]; roleRef?: { kind?: string; name: string } };

function subjectMatches(subject: Subject | undefined, user: UserInfo, bindingNamespace?: string): boolean {
  if (!subject) return false;
  if (subject.kind === 'User') return subject.name === user.name;
  if (subject.kind === 'Group') return user.groups.includes(subject.name);
  if (subject.kind === 'ServiceAccount') {
    return user.name === `system:serviceaccount:${subject.namespace ?? bindingNamespace}:${subject.name}`;
  }
  return false;
}

function ruleAllows(rule: PolicyRule | undefined, a: RequestAttributes): boolean {
  const has = (list: unknown, value: string) =>
    Array.isArray(list) && (list.includes('*') || list.includes(value));
  if (!has(rule?.verbs, a.verb)) return false;
  if (!has(rule?.apiGroups, a.entry.group)) return false;
  const resources: string[] = Array.isArray(rule?.resources) ? rule.resources : [];
  const full = a.subresource ? `${a.entry.resource}/${a.subresource}` : a.entry.resource;
  const resourceOk =
    resources.includes('*') ||
    resources.includes(full) ||
    (a.subresource !== undefined && resources.includes(`*/${a.subresource}`));
  if (!resourceOk) return false;
  const names: string[] = Array.isArray(rule?.resourceNames) ? rule.resourceNames : [];
  if (names.length > 0 && (!a.name || !names.includes(a.name))) return false;
  return true;
}

/** Every rule granted to `user` cluster-wide, plus in `namespace` when given (system:masters: `*`). */
export function applicableRules(store: SimStoreImpl, user: UserInfo, namespace?: string): PolicyRule[] {
  if (user.groups.includes('system:masters')) return [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }];
  const rulesOf = (kind: 'Role' | 'ClusterRole', name: string, ns?: string): PolicyRule[] =>
    (store.get('rbac.authorization.k8s.io/v1', kind, ns, name)?.rules as PolicyRule[] | undefined) ?? [];
  const rules: PolicyRule[] = [];
  for (const crb of store.list('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding')) {
    const b = crb as Binding;
    if (!(b.subjects ?? []).some((s) => subjectMatches(s, user))) continue;
    if (b.roleRef?.kind === 'ClusterRole') rules.push(...rulesOf('ClusterRole', b.roleRef.name));
  }
  if (namespace) {
    for (const rb of store.list('rbac.authorization.k8s.io/v1', 'RoleBinding', namespace)) {
      const b = rb as Binding;
      if (!(b.subjects ?? []).some((s) => subjectMatches(s, user, namespace))) continue;
      const kind = b.roleRef?.kind === 'ClusterRole' ? 'ClusterRole' : 'Role';
      // A binding without roleRef (refused by validation) looks up an undefined name: nothing.
      rules.push(...rulesOf(kind, b.roleRef?.name as string, kind === 'Role' ? namespace : undefined));
    }
  }
  return rules;
}

export function isAllowed(store: SimStoreImpl, user: UserInfo, a: RequestAttributes): boolean {
  return applicableRules(store, user, a.namespace).some((r) => ruleAllows(r, a));
}

export function forbiddenError(user: UserInfo, a: RequestAttributes): SimApiError {
  const e = a.entry;
  const qualified = e.group ? `${e.resource}.${e.group}` : e.resource;
  const subject = a.name ? `${qualified} ${JSON.stringify(a.name)}` : qualified;
  const resource = a.subresource ? `${e.resource}/${a.subresource}` : e.resource;
  const scope = a.namespace ? `in the namespace ${JSON.stringify(a.namespace)}` : 'at the cluster scope';
  return forbidden(
    `${subject} is forbidden: User ${JSON.stringify(user.name)} cannot ${a.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(e.group)} ${scope}`,
    e,
    a.name,
  );
}

/**
 * The check a server-side apply that creates its object makes besides `patch`: upstream's
 * PatchResource (apiserver/pkg/endpoints/handlers/patch.go) authorizes verb `create` for the same
 * resource and name through withAuthorization (handlers/update.go), once the object is known to be
 * new and has passed validation, dry run included. A denial is NewForbidden with the authorizer's
 * reason, which RBAC leaves empty, so unlike the filter's 403 the message names no user or verb.
 */
export function createOnApplyCheck(store: SimStoreImpl, user: UserInfo, a: RequestAttributes): () => void {
  return () => {
    if (isAllowed(store, user, { ...a, verb: 'create' })) return;
    const e = a.entry;
    const qualified = e.group ? `${e.resource}.${e.group}` : e.resource;
    throw forbidden(`${qualified} ${JSON.stringify(a.name ?? '')} is forbidden: `, e, a.name);
  };
}
