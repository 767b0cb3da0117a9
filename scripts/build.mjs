// Bundles the action into dist/index.js as one ESM file for the node24 runner (options and why:
// scripts/bundle-options.mjs).
import { buildBundle } from './bundle-options.mjs';
import { writeLicenseNotices } from './licenses.mjs';

const { metafile } = await buildBundle({ metafile: true });
// dist/licenses.txt: the notices of every third-party package the bundle carries.
writeLicenseNotices(metafile, 'dist');
