// Shared by the benchmarks: timing commands (hyperfine when installed, else repeated runs here),
// medians, Markdown tables and the results folder. Every ratio a benchmark prints comes from one
// run that timed both commands, interleaved, on the same machine.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '..');
export const RESULTS = join(REPO, 'bench', 'results');
/** What `rolefit` runs once installed: the package's bin. */
export const ROLEFIT_BIN = join(REPO, 'bin', 'rolefit.cjs');

export interface Command {
  /** Short label for tables. */
  name: string;
  argv: string[];
  cwd?: string;
  /** Exit codes that mean the command ran (default 0 and 1: a linter exits 1 on findings). */
  ok?: number[];
}

export interface Timing {
  name: string;
  /** Seconds, one per timed run. */
  times: number[];
  median: number;
  min: number;
}

export interface TimeOptions {
  runs: number;
  warmup: number;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

let hyperfine: boolean | undefined;

export function hasHyperfine(): boolean {
  hyperfine ??= spawnSync('hyperfine', ['--version'], { stdio: 'ignore' }).status === 0;
  return hyperfine;
}

/** `rolefit ARGS` as users run it: the built bin. */
export function rolefit(name: string, args: string[], cwd?: string): Command {
  return { name, argv: [process.execPath, ROLEFIT_BIN, ...args], cwd };
}

/**
 * Times every command `runs` times after `warmup` untimed runs. `check` runs each command once
 * first and throws unless it exits with one of its `ok` codes.
 */
export function timeCommands(commands: Command[], opts: TimeOptions): Timing[] {
  for (const c of commands) check(c);
  const byCwd = new Set(commands.map((c) => c.cwd ?? REPO));
  if (hasHyperfine() && byCwd.size === 1) return viaHyperfine(commands, opts, [...byCwd][0]);
  return viaSpawn(commands, opts);
}

function check(c: Command): void {
  const r = spawnSync(c.argv[0], c.argv.slice(1), { cwd: c.cwd ?? REPO, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error || r.status === null || !(c.ok ?? [0, 1]).includes(r.status)) {
    throw new Error(`${c.name}: ${c.argv.join(' ').slice(0, 300)} failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`})\n${(r.stderr ?? '').slice(0, 2000)}`);
  }
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'"'"'`)}'`;
}

/**
 * hyperfine times one command's runs back to back; on a shared machine load drifts between commands.
 * Rounds of at most 10 runs per command, pooled, spread every command over the whole session.
 */
function viaHyperfine(commands: Command[], opts: TimeOptions, cwd: string): Timing[] {
  const dir = mkdtempSync(join(tmpdir(), 'rolefit-bench-'));
  const times = commands.map(() => [] as number[]);
  try {
    const out = join(dir, 'hyperfine.json');
    for (let left = opts.runs, round = 0; left > 0; round++) {
      const runs = Math.min(10, left);
      left -= runs;
      const warmup = round === 0 ? opts.warmup : Math.min(opts.warmup, 2);
      const args = ['-N', '-i', '--style', 'none', '--warmup', String(warmup), '--runs', String(runs), '--export-json', out];
      for (const c of commands) args.push('-n', c.name, c.argv.map(quote).join(' '));
      const r = spawnSync('hyperfine', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`hyperfine failed: ${r.stderr}`);
      const results = (JSON.parse(readFileSync(out, 'utf8')) as { results: Array<{ times: number[] }> }).results;
      results.forEach((res, i) => times[i].push(...res.times));
    }
    return commands.map((c, i) => timing(c.name, times[i]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Without hyperfine: runs interleaved (A B C A B C …) so that drift in machine load hits all alike. */
function viaSpawn(commands: Command[], opts: TimeOptions): Timing[] {
  const times = commands.map(() => [] as number[]);
  for (let round = 0; round < opts.warmup + opts.runs; round++) {
    commands.forEach((c, i) => {
      const start = process.hrtime.bigint();
      spawnSync(c.argv[0], c.argv.slice(1), { cwd: c.cwd ?? REPO, stdio: 'ignore' });
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (round >= opts.warmup) times[i].push(seconds);
    });
  }
  return commands.map((c, i) => timing(c.name, times[i]));
}

function timing(name: string, times: number[]): Timing {
  return { name, times, median: median(times), min: Math.min(...times) };
}

export function ms(seconds: number): string {
  return seconds >= 10 ? `${seconds.toFixed(1)} s` : `${(seconds * 1000).toFixed(seconds < 1 ? 1 : 0)} ms`;
}

export function ratio(x: number): string {
  return `${x.toFixed(x >= 10 ? 0 : 2)}×`;
}

export function table(header: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** One line on where the numbers were measured: CPU, cores, load, Node, timer. */
export function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const load = loadavg()[0].toFixed(2);
  const timer = hasHyperfine() ? 'hyperfine' : 'repeated runs (hyperfine not installed)';
  return `${cpu}, ${cpus().length} cores, load average ${load} at start; Node ${process.version}; timed with ${timer}; ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function writeResult(name: string, markdown: string): string {
  mkdirSync(RESULTS, { recursive: true });
  const file = join(RESULTS, `${name}.md`);
  writeFileSync(file, markdown.endsWith('\n') ? markdown : markdown + '\n');
  return file;
}

/** The CLI must be built (dist/ is what users run); build it when it is missing. */
export function ensureBuilt(): void {
  if (existsSync(join(REPO, 'dist', 'rolefit.js')) && existsSync(join(REPO, 'dist', 'rolefit.cjs'))) return;
  const r = spawnSync(process.execPath, [join(REPO, 'scripts', 'build.mjs')], { cwd: REPO, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed');
}

/** `--name value` from argv, or undefined. */
export function flag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}
