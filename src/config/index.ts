export * from './types.ts';
export * from './inputs.ts';
export * from './parse.ts';
export * from './steps.ts';
export * from './analysis.ts';
export * from './config.ts';
export { parseYamlInput, type YamlSource } from './yaml-source.ts';
export { inputsForLoading, type ManifestSettings } from './manifest-settings.ts';
