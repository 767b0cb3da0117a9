// Credentials a URL can carry: `user:pass@` userinfo and query parameters named like a token
// (`?token=`, `access_token=`, `apikey=`, …). Masked like Secret values and kept out of the state
// ConfigMap like metric headers (src/state/secret-store.ts).

/** Query parameter names whose values are credentials. */
const CREDENTIAL_PARAM = /token|key|secret|pass|auth|sig|credential/i;

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** The credential parts of a URL, each as written in it and decoded; empty when it has none. */
export function urlCredentials(text: string): string[] {
  const url = parseUrl(text);
  if (!url) return [];
  const out: string[] = [];
  const both = (raw: string) => out.push(raw, decoded(raw));
  if (url.password) {
    both(url.password);
    both(`${url.username}:${url.password}`);
  } else if (url.username) both(url.username);
  for (const pair of url.search.slice(1).split('&')) {
    const [name, value] = pair.split('=');
    if (value && CREDENTIAL_PARAM.test(decoded(name))) both(value);
  }
  return [...new Set(out)];
}

function decoded(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw; // not percent-encoded text: the raw form is what can be printed
  }
}

export function hasUrlCredentials(text: string): boolean {
  return urlCredentials(text).length > 0;
}

/** The URL as reports show it: `user:password@` (or a lone `user@`) replaced by `***@`. */
export function maskUrlCredentials(text: string): string {
  const url = parseUrl(text);
  if (!url || (!url.username && !url.password)) return text;
  // Rewritten in the text itself, so the rest of it (templated parts, encoding) stays as written.
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/?#]*@/i, '$1***@');
}
