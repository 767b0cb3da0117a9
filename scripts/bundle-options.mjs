// esbuild options for the action's bundle, shared by scripts/build.mjs and the benchmark's
// minified variant. These choices keep the runner's start-up short (bench: cold start):
//
// - @kubernetes/client-node and @actions/core are marked free of side effects, so only what the
//   action uses is bundled: of client-node that is KubeConfig (credentials for our own HTTPS
//   client), not its generated API clients, watch, exec or port-forward code.
// - client-node's undici (only for its fetch-based clients, which the action does not use) is left
//   out (undici-unused.mjs); the Actions toolkit's undici is the only copy. Its SOCKS proxy
//   support is loaded when a proxy-url first needs it (socks-on-demand.mjs).
// - The GitHub toolkit is imported where a client is made (src/github/index.ts) and bundled as a
//   chunk of its own (dist/chunks/), loaded by the runs that report to GitHub, when they first do.
// - `node:http`/`node:https` are loaded with require(): importing them as ESM makes Node build
//   their export list, which loads Node's internal undici (about 40 ms) for nothing.
// - The output is ASCII: esbuild escapes strings but keeps dependencies' comments as written, and
//   one character above U+00FF (a typographic quote) makes V8 hold the whole source at two
//   bytes per character.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const SIDE_EFFECT_FREE = /node_modules\/(@kubernetes\/client-node\/dist|@actions\/core\/lib)\//;

/** Marks the modules of SIDE_EFFECT_FREE packages as free of side effects, for tree shaking. */
const treeShakePackages = {
  name: 'tree-shake-packages',
  setup(build) {
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData?.resolved || args.namespace !== 'file') return undefined;
      const fromPackage = SIDE_EFFECT_FREE.test(args.importer);
      if (!fromPackage && !/^@kubernetes\/client-node$|^@actions\/core$/.test(args.path)) return undefined;
      const { kind, resolveDir, importer } = args;
      const result = await build.resolve(args.path, {
        kind,
        resolveDir,
        importer,
        pluginData: { resolved: true },
      });
      if (result.errors.length > 0) return { errors: result.errors };
      return SIDE_EFFECT_FREE.test(result.path) ? { ...result, sideEffects: false } : result;
    });
  },
};

/**
 * What client-node imports but the action does not use at start-up, replaced for client-node only
 * (see above): undici left out, the SOCKS proxy support loaded on demand.
 */
const CLIENT_NODE_STAND_INS = {
  undici: './undici-unused.mjs',
  socks: './socks-on-demand.mjs',
  'socks-proxy-agent': './socks-on-demand.mjs',
};

const clientNodeStandIns = {
  name: 'client-node-stand-ins',
  setup(build) {
    const names = Object.keys(CLIENT_NODE_STAND_INS).join('|');
    build.onResolve({ filter: new RegExp(`^(${names})$`) }, (args) =>
      /@kubernetes\/client-node\//.test(args.importer)
        ? { path: fileURLToPath(new URL(CLIENT_NODE_STAND_INS[args.path], import.meta.url)) }
        : undefined,
    );
  },
};

/** `node:http` and `node:https` through require() instead of an ESM import (see above). */
const httpViaRequire = {
  name: 'http-via-require',
  setup(build) {
    build.onResolve({ filter: /^(node:)?https?$/ }, (args) =>
      args.namespace === 'required-builtin'
        ? { path: args.path, external: true }
        : { path: `node:${args.path.replace(/^node:/, '')}`, namespace: 'required-builtin' },
    );
    build.onLoad({ filter: /.*/, namespace: 'required-builtin' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/** The options for dist/index.js; `overrides` for variants (the benchmark's minified build). */
export function bundleOptions(overrides = {}) {
  return {
    entryPoints: ['src/index.ts', 'src/post.ts'],
    outdir: 'dist',
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    splitting: true,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [treeShakePackages, clientNodeStandIns, httpViaRequire],
    // CommonJS dependencies inside an ESM bundle still call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __krCreateRequire } from 'node:module'; const require = __krCreateRequire(import.meta.url);",
    },
    ...overrides,
  };
}

/** `text` with every non-ASCII character as a \u escape (only comments still contain any). */
export function asciiOnly(text) {
  return text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Builds the bundle (bundleOptions(overrides)) into a fresh output directory, as ASCII; returns esbuild's result. */
export async function buildBundle(overrides = {}) {
  const options = bundleOptions(overrides);
  const result = await build({ ...options, write: false });
  // Chunk names carry a content hash: remove the chunks of an earlier build.
  rmSync(resolve(options.absWorkingDir ?? '.', options.outdir, 'chunks'), { recursive: true, force: true });
  for (const file of result.outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, asciiOnly(file.text));
  }
  return result;
}
