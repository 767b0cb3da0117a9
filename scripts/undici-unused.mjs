// Bundled in place of `undici` for @kubernetes/client-node only (see bundle-options.mjs).
// client-node uses undici for its fetch-based API clients and their proxy dispatchers; the action
// makes its own requests (src/kube/http.ts) with credentials from KubeConfig.applyToHTTPSOptions,
// which uses none of these. Leaving undici out keeps it out of the start-up path: it is loaded with
// the GitHub toolkit, by runs that report to GitHub. A name client-node imports that is missing
// here fails the build; calling one fails loudly.
function unused(name) {
  throw new Error(
    `undici.${name} is not bundled for @kubernetes/client-node (kube-rollout does not use its fetch clients)`,
  );
}

export class Agent {
  constructor() {
    unused('Agent');
  }
}

export class ProxyAgent {
  constructor() {
    unused('ProxyAgent');
  }
}

export function fetch() {
  unused('fetch');
}
