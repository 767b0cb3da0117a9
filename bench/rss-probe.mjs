// Preloaded into the action process by the benchmark (NODE_OPTIONS=--import): records the
// process's peak resident set size (getrusage ru_maxrss, KiB) in KR_BENCH_RSS_FILE at exit.
import { appendFileSync } from 'node:fs';
import process from 'node:process';

const file = process.env.KR_BENCH_RSS_FILE;
if (file) process.on('exit', () => appendFileSync(file, `${process.resourceUsage().maxRSS}\n`));
