// The post step's entry (action.yml `runs.post`, run after the job, also when it was cancelled).
// It never deploys: when its main step finished, it ends at once; otherwise it recovers the
// release the main step left unfinished and finishes its reports (post-step.ts, loaded only then).
import { readMainStepState } from './run-state.ts';

const main = readMainStepState();
if (!main.finished) {
  const { recoverUnfinished } = await import('./post-step.ts');
  await recoverUnfinished(main);
}
