import type { Metafile } from 'esbuild';

/** The package directory of a bundled input (up to its last `node_modules/<name>`). */
export function packageDirOf(input: string): string | undefined;

/** Package directories with bytes in some output of the build. */
export function bundledPackageDirs(metafile: Metafile): string[];

/** The text of licenses.txt for the bundled packages. */
export function licenseNotices(metafile: Metafile, root?: string): string;

/** Writes `<outdir>/licenses.txt`; returns its path. */
export function writeLicenseNotices(metafile: Metafile, outdir: string, root?: string): string;
