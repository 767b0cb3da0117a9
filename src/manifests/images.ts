/**
 * Container image references, following the grammar of distribution/reference: an optional
 * registry host (with port), a path, then `:tag` and/or `@digest`.
 */

export interface ImageRef {
  /** The text as written. */
  original: string;
  /** Registry host as written (`localhost:5000`), or undefined when the reference names none. */
  registry?: string;
  /** Path as written, e.g. `acme/web` or `nginx`. */
  path: string;
  tag?: string;
  /** e.g. `sha256:0123…`. */
  digest?: string;
}

const DEFAULT_REGISTRY = 'docker.io';
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;
const HOST =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::\d+)?$/;

export function tryParseImageRef(text: string): ImageRef | undefined {
  try {
    return parseImageRef(text);
  } catch {
    return undefined;
  }
}

/** Parses a reference; throws an Error that quotes the reference and says what is wrong. */
export function parseImageRef(text: string): ImageRef {
  const bad = (why: string) => new Error(`invalid image reference '${text}': ${why}`);
  let rest = text.trim();
  if (!rest) throw bad('empty');
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw bad(`digest '${digest}' is not like sha256:<hex>`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad(`tag '${tag}' may hold only letters, digits, _, . and - (at most 128)`);
  }
  let registry: string | undefined;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    // As in distribution/reference: the first component is a host when it looks like one.
    if (
      first.includes('.') ||
      first.includes(':') ||
      first === 'localhost' ||
      first !== first.toLowerCase()
    ) {
      registry = first;
      rest = rest.slice(slash + 1);
      if (!HOST.test(registry)) throw bad(`registry '${registry}' is not a host name with optional :port`);
    }
  }
  const components = rest.split('/');
  for (const component of components) {
    if (!PATH_COMPONENT.test(component))
      throw bad(
        `path component '${component}' must be lower-case letters and digits separated by ., _, __ or -`,
      );
  }
  if (rest.length + (registry?.length ?? 0) > 255) throw bad('name longer than 255 characters');
  return {
    original: text.trim(),
    ...(registry ? { registry } : {}),
    path: rest,
    ...(tag ? { tag } : {}),
    ...(digest ? { digest } : {}),
  };
}

/** `registry/path` without tag or digest, with Docker Hub's defaults spelled out (`docker.io/library/nginx`). */
export function repository(ref: ImageRef | string): string {
  const image = typeof ref === 'string' ? parseImageRef(ref) : ref;
  let registry = image.registry ?? DEFAULT_REGISTRY;
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = DEFAULT_REGISTRY;
  const path =
    registry === DEFAULT_REGISTRY && !image.path.includes('/') ? `library/${image.path}` : image.path;
  return `${registry}/${path}`;
}

/** True when both name the same repository (whatever their tags and digests). */
export function sameRepository(a: ImageRef | string, b: ImageRef | string): boolean {
  return repository(a) === repository(b);
}

/** Writes a reference back as text. */
export function formatImageRef(ref: Omit<ImageRef, 'original'>): string {
  return `${ref.registry ? `${ref.registry}/` : ''}${ref.path}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}
