import type { BuildOptions, BuildResult } from 'esbuild';

/** The options for dist/index.js; `overrides` for variants (the benchmark's minified build). */
export function bundleOptions(overrides?: BuildOptions): BuildOptions;

/** `text` with every non-ASCII character as a \u escape (only comments still contain any). */
export function asciiOnly(text: string): string;

/** Builds the bundle (bundleOptions(overrides)) and writes it as ASCII; returns esbuild's result. */
export function buildBundle(overrides?: BuildOptions): Promise<BuildResult>;
