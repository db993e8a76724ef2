// Cold start: whole-process wall time of `rolefit scan <one small template>` against `node -e ""`,
// median of repeated runs timed together. Budget: 1.6× bare Node.
// Usage: tsx bench/cold-start.ts [--runs 30]
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { ensureBuilt, flag, machine, ms, ratio, REPO, ROLEFIT_BIN, rolefit, table, timeCommands, writeResult } from './lib.js';
import { traceLoads } from '../test/helpers/trace-loads.js';

export const BUDGET = 1.6;
const TEMPLATE = 'fixtures/ecs-clean-cfn/service.yaml';

export function coldStart(argv: string[]): boolean {
  ensureBuilt();
  const runs = Number(flag(argv, '--runs') ?? 30);
  const commands = [
    { name: 'node -e ""', argv: [process.execPath, '-e', ''] },
    rolefit('rolefit --version', ['--version']),
    rolefit(`rolefit scan ${TEMPLATE}`, ['scan', TEMPLATE]),
    { name: `node bin/rolefit.js scan ${TEMPLATE} (ES module entry)`, argv: [process.execPath, join(REPO, 'bin', 'rolefit.js'), 'scan', TEMPLATE] },
    rolefit('rolefit scan fixtures/ecs-managed-policies-cfn/stack.json', ['scan', 'fixtures/ecs-managed-policies-cfn/stack.json']),
    rolefit('rolefit scan fixtures/ecs-taskdef-iam-dump (task definition + IAM dump)', ['scan', 'fixtures/ecs-taskdef-iam-dump']),
  ];
  console.log(`cold start: ${commands.length} commands × ${runs} runs`);
  const timings = timeCommands(commands, { runs, warmup: 5 });
  const bare = timings[0].median;
  const [budgetLine, cjsLine] = [timings[2], timings[3]];
  const verdict = budgetLine.median / bare <= BUDGET;
  const rows = timings.map((t) => [t.name, ms(t.median), ms(t.min), ratio(t.median / bare)]);
  const loads = whatAScanLoads();
  const md = [
    '# Cold start',
    '',
    `Whole-process wall time, median of ${runs} runs per command (after 5 warm-up runs), all commands timed in one session. ` +
      `Budget: \`rolefit scan <one small template>\` at most ${BUDGET}× bare Node.`,
    '',
    table(['command', 'median', 'min', 'vs node -e ""'], rows),
    '',
    `**${verdict ? 'Within' : 'Over'} budget:** \`rolefit scan ${TEMPLATE}\` takes ${ratio(budgetLine.median / bare)} the time of \`node -e ""\` (budget ${BUDGET}×).`,
    '',
    `\`rolefit\` is the package's bin, \`bin/rolefit.cjs\` (CommonJS). The same scan through the ES module entry \`bin/rolefit.js\` ` +
      `takes ${ratio(cjsLine.median / bare)}: starting Node's ESM loader costs ${ms(cjsLine.median - budgetLine.median)}.`,
    '',
    '## What a file scan loads',
    '',
    `Recorded while \`rolefit scan ${TEMPLATE}\` ran:`,
    '',
    `- V8 code cache: ${codeCacheState()}`,
    `- files read: ${loads.files.map((f) => `\`${f}\``).join(', ')}`,
    `- modules loaded from node_modules: ${loads.packages.length === 0 ? 'none (no AWS SDK, no ajv, no parser beyond the bundle)' : loads.packages.join(', ')}`,
    `- Node built-in modules loaded beyond what \`node -e ""\` loads: ${loads.builtins.length ? loads.builtins.join(', ') : 'none'}`,
    '',
    `Machine: ${machine()}.`,
    '',
    'Reproduce: `npm run bench -- cold-start` (or `npx tsx bench/cold-start.ts --runs 30`).',
  ].join('\n');
  const file = writeResult('cold-start', md);
  console.log(md);
  console.log(`\nwrote ${relative(REPO, file)}`);
  return verdict;
}

/** Does V8 accept the code cache recorded at build time (same V8 version, flags and source)? */
function codeCacheState(): string {
  const probe = `
    const { readFileSync } = require('node:fs'); const { Module } = require('node:module'); const { Script } = require('node:vm');
    const f = ${JSON.stringify(join(REPO, 'dist', 'cli.cjs'))};
    let cachedData; try { cachedData = readFileSync(f + '.v8cache'); } catch { process.stdout.write('absent'); process.exit(); }
    const s = new Script(Module.wrap(readFileSync(f, 'utf8')), { filename: f, cachedData });
    process.stdout.write(s.cachedDataRejected ? 'rejected' : 'accepted');`;
  const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
  return r.stdout || `unknown (${r.stderr.trim().split('\n')[0]})`;
}

/** Files read, node_modules modules and extra built-ins of one scan, seen from a preload hook. */
function whatAScanLoads(): { files: string[]; packages: string[]; builtins: string[] } {
  const bare = traceLoads(['-e', ''], REPO);
  const scan = traceLoads([ROLEFIT_BIN, 'scan', TEMPLATE], REPO);
  const rel = (p: string) => relative(REPO, p.replace(/^file:\/\//, ''));
  const packages = [...new Set(scan.cjs.filter((p) => p.includes('node_modules')).map((p) => p.replace(/.*node_modules[\\/]((@[^\\/]+[\\/])?[^\\/]+).*/, '$1')))];
  const builtins = scan.builtins.filter((b) => b.startsWith('NativeModule ') && !bare.builtins.includes(b)).map((b) => b.slice('NativeModule '.length));
  return { files: [...new Set(scan.files.map(rel))], packages, builtins };
}

if (import.meta.filename === process.argv[1]) process.exitCode = coldStart(process.argv.slice(2)) ? 0 : 1;
