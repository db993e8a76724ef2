// `npm run bench [-- NAME…] [-- --quick]`: builds the CLI, then runs the benchmarks (all by default:
// cold-start, throughput, peers, live) and writes bench/results/<name>.md for each. `--quick` runs
// throughput at N = 10 and 100 only. Exits 1 when the cold start is over its budget.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { coldStart } from './cold-start.js';
import { peers } from './peers.js';
import { REPO } from './lib.js';
import { throughput } from './throughput.js';
import { live } from './live.js';

const argv = process.argv.slice(2);
const names = argv.filter((a) => !a.startsWith('-'));
const run = (name: string) => names.length === 0 || names.includes(name);
const unknown = names.filter((n) => !['cold-start', 'throughput', 'peers', 'live'].includes(n));
if (unknown.length) {
  process.stderr.write(`unknown benchmark ${unknown.join(', ')}: choose from cold-start, throughput, peers, live\n`);
  process.exit(2);
}

// Measure what users run: the bundle built from the current sources.
const build = spawnSync(process.execPath, [join(REPO, 'scripts', 'build.mjs')], { cwd: REPO, stdio: 'inherit' });
if (build.status !== 0) process.exit(1);

const started = Date.now();
let withinBudget = true;
if (run('cold-start')) withinBudget = coldStart(argv);
if (run('throughput')) throughput(argv.includes('--quick') ? ['--sizes', '10,100', ...argv] : argv);
if (run('peers')) peers(argv);
if (run('live')) await live(argv.includes('--quick') ? ['--roles', '50', '--task-definitions', '100', ...argv] : argv);
console.log(`\nbenchmarks done in ${Math.round((Date.now() - started) / 1000)} s`);
if (!withinBudget) {
  console.log('cold start is over its budget (bench/results/cold-start.md)');
  process.exitCode = 1;
}
