export * from './types.ts';
export * from './images.ts';
export * from './load.ts';
export * from './pods.ts';
export * from './render.ts';
export * from './validate.ts';
export * from './versioned-config.ts';
