// What the main step tells its post step, through the runner's GITHUB_STATE (the post step reads
// it back as STATE_<key> variables). One module owns the keys, as actions/checkout's state helper
// does. No imports: the post entry reads this before it loads anything else.

const KEYS = {
  /** The main step got as far as running its own code (its cancel handlers were in place). */
  mainStarted: 'main-started',
  /** The release the main step is about to change: saved before its first write. */
  release: 'release',
  /** The main step's identity in the release's Lease: the post step takes it back at once. */
  holder: 'holder',
  /** The main step ended by itself and reported: the post step has nothing to do. */
  finished: 'finished',
} as const;

/** What the post step learns from its main step. */
export interface MainStepState {
  mainStarted: boolean;
  release?: string;
  holder?: string;
  finished: boolean;
}

export function readMainStepState(env: NodeJS.ProcessEnv = process.env): MainStepState {
  const get = (key: string) => env[`STATE_${key}`] || undefined;
  const release = get(KEYS.release);
  const holder = get(KEYS.holder);
  return {
    mainStarted: get(KEYS.mainStarted) === 'true',
    ...(release ? { release } : {}),
    ...(holder ? { holder } : {}),
    finished: get(KEYS.finished) === 'true',
  };
}

/** The main step's side: each call appends to GITHUB_STATE at once (it survives a SIGKILL). */
export function mainStepState(save: (key: string, value: string) => void) {
  return {
    started: () => save(KEYS.mainStarted, 'true'),
    releaseStarting: (name: string, holder: string) => {
      save(KEYS.holder, holder);
      save(KEYS.release, name);
    },
    finished: () => save(KEYS.finished, 'true'),
  };
}

export type MainStepStateWriter = ReturnType<typeof mainStepState>;
