// Constructors for the API server's Status errors, with the real messages and details.
import { SimApiError } from './types.ts';
import type { ResourceInfo } from './types.ts';
import { qualifiedResource } from './registry.ts';

function details(info: ResourceInfo, name: string): Record<string, unknown> {
  return { name, ...(info.group ? { group: info.group } : {}), kind: info.resource };
}

export function notFound(info: ResourceInfo, name: string): SimApiError {
  return new SimApiError(
    404,
    'NotFound',
    `${qualifiedResource(info)} ${JSON.stringify(name)} not found`,
    details(info, name),
  );
}

export function namespaceNotFound(namespace: string): SimApiError {
  return new SimApiError(404, 'NotFound', `namespaces ${JSON.stringify(namespace)} not found`, {
    name: namespace,
    kind: 'namespaces',
  });
}

export function alreadyExists(info: ResourceInfo, name: string): SimApiError {
  return new SimApiError(
    409,
    'AlreadyExists',
    `${qualifiedResource(info)} ${JSON.stringify(name)} already exists`,
    details(info, name),
  );
}

export function conflict(
  info: ResourceInfo,
  name: string,
  why = 'the object has been modified; please apply your changes to the latest version and try again',
): SimApiError {
  return new SimApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(info)} ${JSON.stringify(name)}: ${why}`,
    details(info, name),
  );
}

export function badRequest(message: string): SimApiError {
  return new SimApiError(400, 'BadRequest', message);
}

export function forbidden(message: string, info?: ResourceInfo, name?: string): SimApiError {
  return new SimApiError(
    403,
    'Forbidden',
    message,
    info
      ? { ...(name ? { name } : {}), ...(info.group ? { group: info.group } : {}), kind: info.resource }
      : undefined,
  );
}

export function methodNotAllowed(): SimApiError {
  return new SimApiError(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
  );
}

/** What the real server answers for an unknown path. */
export function pathNotFound(): SimApiError {
  return new SimApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function unsupportedMediaType(accepted: string[]): SimApiError {
  return new SimApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}

export function gone(message: string): SimApiError {
  return new SimApiError(410, 'Expired', message);
}
