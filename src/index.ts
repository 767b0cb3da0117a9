// The main step's entry (action.yml `runs.main`). The cancel handlers go in before anything else
// is loaded: a cancel that arrives while the bundle loads is then seen, and the run stops before
// its first write instead of dying with nothing saved for its post step.
import { setFlagsFromString } from 'node:v8';
import { watchForCancel } from './cancel-signal.ts';

const cancel = watchForCancel();
const { run } = await import('./main.ts');

// The action mostly waits on the cluster. Left to its defaults, V8 doubles its young generation
// up to 2 × 64 MB while hundreds of API answers are in flight, which adds about 50 MB of resident
// memory and buys no measurable speed (npm run bench, 1,000 objects). Growth stops here, after
// the imports, so module loading keeps the room it grew into.
setFlagsFromString('--semi-space-growth-factor=1');

// The process ends by itself once the run is over: every watcher and timer belongs to the run.
await run(cancel);
