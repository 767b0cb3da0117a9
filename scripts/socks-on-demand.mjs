// What @kubernetes/client-node imports for SOCKS proxies, loaded when a kubeconfig's proxy-url first
// needs it (bundled in place of `socks-proxy-agent` and `socks` for client-node only; see
// bundle-options.mjs). Evaluating them costs about 10 ms at every start, for the few clusters
// reached through a SOCKS proxy. A name client-node imports that is missing here fails the build.
/* eslint-disable @typescript-eslint/no-require-imports -- require() keeps the load lazy and bundled */

export class SocksProxyAgent {
  constructor(...args) {
    return new (require('socks-proxy-agent').SocksProxyAgent)(...args);
  }
}

export const SocksClient = {
  createConnection: (...args) => require('socks').SocksClient.createConnection(...args),
};
