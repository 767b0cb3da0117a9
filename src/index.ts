import { run } from './main.ts';

// The process ends by itself once the run is over: every watcher and timer belongs to the run.
await run();
