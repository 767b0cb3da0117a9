// `npm run sim -- --kubeconfig FILE [--port N] [--time-scale X] [--rps N]`: run the simulated
// cluster until SIGINT/SIGTERM, with its kubeconfig written to FILE.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startSimCluster } from './index.ts';

const { values } = parseArgs({
  options: {
    kubeconfig: { type: 'string' },
    port: { type: 'string' },
    'time-scale': { type: 'string' },
    rps: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  console.log('usage: npm run sim -- --kubeconfig FILE [--port N] [--time-scale X] [--rps N]');
  process.exit(0);
}

const num = (v: string | undefined, flag: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${flag} must be a non-negative number, got ${JSON.stringify(v)}`);
    process.exit(2);
  }
  return n;
};

const cluster = await startSimCluster({
  port: num(values.port, 'port'),
  timeScale: num(values['time-scale'], 'time-scale'),
  rps: num(values.rps, 'rps'),
});
if (values.kubeconfig) writeFileSync(values.kubeconfig, cluster.kubeconfig, { mode: 0o600 });
console.log(`API server: ${cluster.url}`);
console.log(`metrics:    ${cluster.metricsUrl}`);
console.log(`kubeconfig: ${values.kubeconfig ?? cluster.kubeconfigPath}`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  cluster.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
