import { run } from './main.ts';

await run();
// A wait abandoned by a failed gate must not keep the job alive: the run is over.
process.exit();
