// Bundles the action into dist/index.js as one ESM file for the node24 runner (options and why:
// scripts/bundle-options.mjs).
import { buildBundle } from './bundle-options.mjs';

await buildBundle();
