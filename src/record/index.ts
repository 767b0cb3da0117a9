// The domain model: what a release is (state) and what happened in it (record). Imports only
// config and analysis types, so every layer can use it without reaching into the engine.
export * from './types.ts';
export * from './steps.ts';
