import { createRequire as __krCreateRequire } from 'node:module'; const require = __krCreateRequire(import.meta.url);

// src/run-state.ts
var KEYS = {
  /** The main step got as far as running its own code (its cancel handlers were in place). */
  mainStarted: "main-started",
  /** The release the main step is about to change: saved before its first write. */
  release: "release",
  /** The main step's identity in the release's Lease: the post step takes it back at once. */
  holder: "holder",
  /** The main step ended by itself and reported: the post step has nothing to do. */
  finished: "finished"
};
function readMainStepState(env = process.env) {
  const get = (key) => env[`STATE_${key}`] || void 0;
  const release = get(KEYS.release);
  const holder = get(KEYS.holder);
  return {
    mainStarted: get(KEYS.mainStarted) === "true",
    ...release ? { release } : {},
    ...holder ? { holder } : {},
    finished: get(KEYS.finished) === "true"
  };
}
function mainStepState(save) {
  return {
    started: () => save(KEYS.mainStarted, "true"),
    releaseStarting: (name, holder) => {
      save(KEYS.holder, holder);
      save(KEYS.release, name);
    },
    finished: () => save(KEYS.finished, "true")
  };
}

export {
  readMainStepState,
  mainStepState
};
