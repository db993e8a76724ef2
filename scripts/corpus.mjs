// Robustness run over the shared real-world corpus (../shared/data/corpus beside the repository):
// the built CLI on every corpus file, one child process per file and per output format, then on the
// whole corpus at once. Violations: an exit code outside {0, 1, 2}, a crash, a timeout, a stack
// trace or "internal error", an exit 2 without a `file:line:col` message, JSON that does not match
// its exit code, a file the catalog marks as broken that is not refused. Writes a table of findings
// per rule and severity, the input errors and the times to bench/results/corpus.md.
//
// Usage: node scripts/corpus.mjs [--corpus DIR] [--out FILE]   (env: ROLEFIT_CORPUS,
// ROLEFIT_CORPUS_TIMEOUT_MS per run, default 30000). Exit 0 clean or corpus absent, 1 on violations.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const corpus = resolve(root, option('--corpus') ?? process.env.ROLEFIT_CORPUS ?? '../shared/data/corpus');
const outFile = resolve(root, option('--out') ?? 'bench/results/corpus.md');
const TIMEOUT_MS = Number(process.env.ROLEFIT_CORPUS_TIMEOUT_MS ?? 30000);
const WHOLE_TIMEOUT_MS = TIMEOUT_MS * 4;
/** Output beyond this is cut (and the run counted as a violation): a runaway report is a defect too. */
const MAX_OUTPUT = 64 * 1024 * 1024;
const cli = join(root, 'bin', 'rolefit.js');
/** What the CLI reads from a directory (src/sources/discover.ts SCANNED_EXTENSIONS). */
const SCANNED = /\.(json|ya?ml|template|tf|tfvars)$/i;

if (!existsSync(join(corpus, '_catalog.json'))) {
  console.log(`rolefit corpus: corpus not found at ${corpus}, skipped`);
  process.exit(0);
}

buildIfStale();

// ------------------------------------------------------------------------------------------------ files

/** Every file under `dir`, as '/'-separated paths relative to the corpus. */
function walk(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => cmp(a.name, b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (e.isFile()) out.push(relative(corpus, p).split(sep).join('/'));
  }
  return out;
}

const catalog = new Map(JSON.parse(readFileSync(join(corpus, '_catalog.json'), 'utf8')).map((e) => [e.file, e]));
const allFiles = walk(corpus);
// Data files are those the catalog describes (plus any it misses outside LICENSES/ and the top-level
// notes); the rest (license texts, README, the catalog) are run through the CLI for robustness only.
const isData = (f) => catalog.has(f) || (f.includes('/') && !f.startsWith('LICENSES/'));

// ------------------------------------------------------------------------------------------------ running

function buildIfStale() {
  const dist = join(root, 'dist', 'rolefit.js');
  const newest = (p) => {
    const st = statSync(p);
    if (!st.isDirectory()) return st.mtimeMs;
    return Math.max(0, ...readdirSync(p).map((n) => newest(join(p, n))));
  };
  const built = existsSync(dist) ? statSync(dist).mtimeMs : -1;
  const sources = Math.max(newest(join(root, 'src')), newest(join(root, 'scripts', 'build.mjs')), newest(join(root, 'package.json')));
  if (built >= sources) return;
  console.log('rolefit corpus: building dist/rolefit.js');
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('rolefit corpus: build failed');
    process.exit(1);
  }
}

/** One CLI run in the corpus directory: exit code, output, time; never throws. */
function run(cliArgs, timeoutMs) {
  return new Promise((done) => {
    const started = process.hrtime.bigint();
    const env = { ...process.env, NO_COLOR: '1' };
    delete env.FORCE_COLOR;
    delete env.ROLEFIT_DEBUG;
    const child = spawn(process.execPath, [cli, ...cliArgs, '--no-color'], { cwd: corpus, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = { stdout: [], stderr: [], size: 0, truncated: false };
    const collect = (name) => (chunk) => {
      if (out.size + chunk.length > MAX_OUTPUT) {
        out.truncated = true;
        child.kill('SIGKILL');
        return;
      }
      out.size += chunk.length;
      out[name].push(chunk);
    };
    child.stdout.on('data', collect('stdout'));
    child.stderr.on('data', collect('stderr'));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const finish = (code, signal, spawnError) => {
      clearTimeout(timer);
      done({
        args: cliArgs,
        timeoutMs,
        code,
        signal,
        spawnError,
        timedOut,
        truncated: out.truncated,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
        stdout: Buffer.concat(out.stdout).toString('utf8'),
        stderr: Buffer.concat(out.stderr).toString('utf8'),
      });
    };
    child.on('error', (e) => finish(null, null, e.message));
    child.on('close', (code, signal) => finish(code, signal));
  });
}

/** Runs `jobs` (functions returning promises) with at most `limit` at a time, results in order. */
async function pool(jobs, limit) {
  const results = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}

// ------------------------------------------------------------------------------------------------ checks

const violations = [];
const violation = (what, r, detail) => violations.push(`${what} (rolefit ${r.args.join(' ')}): ${detail}`);

const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\)|\(<anonymous>\))$/m;
const INPUT_ERROR_LINE = /^(.+?):(\d+):(\d+): input error: \S/;

/** Checks shared by both formats; false when the run did not finish normally. */
function checkProcess(what, r) {
  if (r.spawnError) return violation(what, r, `could not start: ${r.spawnError}`), false;
  if (r.timedOut) return violation(what, r, `no answer within ${r.timeoutMs} ms`), false;
  if (r.truncated) return violation(what, r, `more than ${MAX_OUTPUT} bytes of output`), false;
  if (r.signal) return violation(what, r, `killed by ${r.signal}`), false;
  let ok = true;
  if (![0, 1, 2].includes(r.code)) ok = (violation(what, r, `exit code ${r.code}: ${firstLines(r.stderr || r.stdout)}`), false);
  for (const [name, text] of [['stdout', r.stdout], ['stderr', r.stderr]]) {
    const frame = STACK_FRAME.exec(text);
    if (frame) ok = (violation(what, r, `stack trace on ${name}: ${frame[0].trim()}`), false);
    if (/internal error/i.test(text)) ok = (violation(what, r, `"internal error" on ${name}: ${firstLines(text)}`), false);
  }
  return ok;
}

/** Text format: input errors are `file:line:col: input error: …` lines exactly when the exit code is 2. */
function checkText(what, r, file) {
  if (!checkProcess(what, r)) return [];
  const lines = (r.stdout + '\n' + r.stderr).split('\n').filter((l) => INPUT_ERROR_LINE.test(l));
  if (r.code === 2 && lines.length === 0) violation(what, r, `exit 2 without a file:line:col message: ${firstLines(r.stderr || r.stdout)}`);
  if (r.code !== 2 && lines.length > 0) violation(what, r, `input error reported with exit code ${r.code}: ${lines[0]}`);
  if (file && r.code === 2 && !lines.some((l) => l.startsWith(file + ':'))) violation(what, r, `exit 2, but no message names ${file}: ${lines[0] ?? ''}`);
  return lines;
}

/** JSON format: a report whose errors and findings agree with the exit code. */
function checkJson(what, r) {
  if (!checkProcess(what, r)) return undefined;
  let report;
  try {
    report = JSON.parse(r.stdout);
  } catch (e) {
    violation(what, r, `stdout is not a JSON report: ${e.message}`);
    return undefined;
  }
  const errors = report.errors ?? [];
  const findings = report.findings ?? [];
  for (const e of errors) {
    const l = e.location ?? {};
    if (typeof l.file !== 'string' || !l.file || !(l.line >= 1) || !(l.column >= 1) || !e.message) {
      violation(what, r, `input error without a file:line:col location: ${JSON.stringify(e)}`);
    }
  }
  const expected = errors.length > 0 ? 2 : findings.some((f) => f.severity === 'error') ? 1 : 0;
  if (r.code !== expected) violation(what, r, `exit code ${r.code}, but the report calls for ${expected} (${errors.length} input errors, ${findings.length} findings)`);
  return report;
}

function firstLines(s) {
  return s.trim().split('\n').slice(0, 3).join(' | ').slice(0, 300);
}

function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ------------------------------------------------------------------------------------------------ main

const started = Date.now();
const limit = Math.max(1, Math.min(4, availableParallelism()));
const jobs = allFiles.flatMap((f) => [() => run([f], TIMEOUT_MS), () => run(['--format', 'json', f], TIMEOUT_MS)]);
const perFileResults = await pool(jobs, limit);
const perFile = allFiles.map((file, i) => {
  const text = perFileResults[2 * i];
  const json = perFileResults[2 * i + 1];
  const lines = checkText(file, text, file);
  const report = checkJson(file, json);
  if (text.code !== json.code && !text.timedOut && !json.timedOut) {
    violation(file, json, `exit code ${json.code} with --format json but ${text.code} with text`);
  }
  return { file, data: isData(file), code: text.code, ms: Math.max(text.ms, json.ms), lines, report };
});

// A file the catalog marks as unparseable must be refused, with a message that names it.
for (const f of perFile) {
  const entry = catalog.get(f.file);
  if (entry && entry.parses === false && f.code !== 2) {
    violations.push(`${f.file}: the catalog marks it broken (${entry.parse_error}), but rolefit exited ${f.code} without an input error`);
  }
}
for (const f of catalog.keys()) if (!allFiles.includes(f)) violations.push(`${f}: listed in _catalog.json but missing`);

const wholeText = await run(['.'], WHOLE_TIMEOUT_MS);
const wholeJson = await run(['--format', 'json', '.'], WHOLE_TIMEOUT_MS);
const wholeLines = checkText('whole corpus', wholeText);
const whole = checkJson('whole corpus', wholeJson);

// Reading is per file: the whole scan refuses exactly the files refused one by one (among those a
// directory scan reads).
if (whole) {
  const together = new Set(whole.errors.map((e) => e.location.file));
  const alone = new Set(perFile.filter((f) => f.data && SCANNED.test(f.file) && f.code === 2).map((f) => f.file));
  for (const f of alone) if (!together.has(f)) violations.push(`${f}: refused alone, but not in the whole-corpus scan`);
  for (const f of together) if (!alone.has(f)) violations.push(`${f}: refused in the whole-corpus scan, but not alone`);
  if (wholeLines.length !== whole.errors.length) {
    violations.push(`whole corpus: ${wholeLines.length} input-error lines in text, ${whole.errors.length} input errors in JSON`);
  }
}

writeReport();
if (violations.length) {
  console.error(`\nrolefit corpus: ${violations.length} violation${violations.length === 1 ? '' : 's'}:`);
  for (const v of violations) console.error(`  ${v}`);
  process.exit(1);
}
console.log(`rolefit corpus: ${allFiles.length} files checked, no violation (${((Date.now() - started) / 1000).toFixed(1)} s); report in ${relative(root, outFile)}`);

// ------------------------------------------------------------------------------------------------ report

function writeReport() {
  const md = [];
  const data = perFile.filter((f) => f.data);
  const other = perFile.filter((f) => !f.data);
  const codes = (list) => [0, 1, 2].map((c) => `${list.filter((f) => f.code === c).length} × exit ${c}`).join(', ');
  md.push('# Corpus run', '');
  md.push(`Generated by \`npm run corpus\` (scripts/corpus.mjs) over the shared corpus (${catalog.size} catalogued files).`);
  md.push('Each file is scanned alone (text and JSON output), then the whole corpus at once. Times vary by machine.', '');
  md.push(`- Data files: ${data.length} (${codes(data)}).`);
  md.push(`- Other files run through the CLI for robustness only (licenses, README, catalog): ${other.length} (${codes(other)}).`);
  md.push(`- Violations: ${violations.length}.`, '');

  md.push('## Findings per rule (whole-corpus scan)', '');
  if (whole) {
    const s = whole.summary;
    md.push(`${s.files} files read, ${s.roles} roles, ${s.workloads} task definitions, ${s.findings} findings, ${s.inputErrors} input errors.`, '');
    const byRule = new Map();
    for (const f of whole.findings) {
      const row = byRule.get(f.rule) ?? { error: 0, warning: 0, note: 0, files: new Map(), example: new Map() };
      row[f.severity]++;
      row.files.set(f.location.file, (row.files.get(f.location.file) ?? 0) + 1);
      if (!row.example.has(f.location.file)) row.example.set(f.location.file, `${f.location.line}:${f.location.column} ${f.severity}: ${f.message}`);
      byRule.set(f.rule, row);
    }
    const rules = [...byRule.keys()].sort(cmp);
    md.push('| rule | error | warning | note | total | files |', '|---|--:|--:|--:|--:|--:|');
    for (const r of rules) {
      const row = byRule.get(r);
      md.push(`| ${r} | ${row.error} | ${row.warning} | ${row.note} | ${row.error + row.warning + row.note} | ${row.files.size} |`);
    }
    const total = (sev) => whole.findings.filter((f) => f.severity === sev).length;
    md.push(`| **all** | ${total('error')} | ${total('warning')} | ${total('note')} | ${whole.findings.length} | ${new Set(whole.findings.map((f) => f.location.file)).size} |`, '');
    md.push('### Where each rule fires (to review for false positives)', '');
    md.push('File, number of findings, and the first finding of the rule in that file.', '');
    for (const r of rules) {
      const row = byRule.get(r);
      md.push(`<details><summary>${r}: ${row.files.size} files</summary>`, '');
      for (const [file, n] of [...row.files].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0]))) {
        const example = row.example.get(file);
        md.push(`- \`${file}\` (${n}): ${escapeMd(example.length > 260 ? example.slice(0, 259) + '…' : example)}`);
      }
      md.push('', '</details>', '');
    }
  } else {
    md.push('The whole-corpus JSON run failed: see the violations.', '');
  }

  md.push('## Input errors (exit 2)', '');
  md.push('"catalog" is what the corpus catalog says about the file: `broken` (kept on purpose, must be refused) or `parses` (its own parser read it; a refusal here may be rolefit being stricter than the tools that consume the file).', '');
  md.push('| file | message | catalog |', '|---|---|---|');
  for (const f of data.filter((x) => x.code === 2)) {
    const entry = catalog.get(f.file);
    const verdict = !entry ? 'not catalogued' : entry.parses === false ? 'broken' : '**parses**';
    for (const l of f.lines) md.push(`| \`${f.file}\` | ${escapeMd(l.slice(f.file.length + 1))} | ${verdict} |`);
  }
  md.push('');

  md.push('## Time', '');
  const sorted = [...perFile].sort((a, b) => b.ms - a.ms);
  const median = sorted[Math.floor(sorted.length / 2)]?.ms ?? 0;
  md.push(`- Whole corpus: ${Math.round(wholeText.ms)} ms (text), ${Math.round(wholeJson.ms)} ms (JSON), process start-up included.`);
  md.push(`- One file per process: median ${Math.round(median)} ms, slowest ${Math.round(sorted[0]?.ms ?? 0)} ms (\`${sorted[0]?.file}\`); limit ${TIMEOUT_MS} ms per run.`);
  md.push(`- Whole script: ${((Date.now() - started) / 1000).toFixed(1)} s (${limit} processes at a time).`, '');

  if (violations.length) {
    md.push('## Violations', '');
    for (const v of violations) md.push(`- ${escapeMd(v)}`);
    md.push('');
  }
  const text = md.join('\n');
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, text);
  // The per-rule file lists are long: the console gets everything else.
  console.log(text.replace(/### Where each rule fires[\s\S]*?(?=## Input errors)/, `(per-rule file lists in ${relative(root, outFile)})\n\n`));
}

function escapeMd(s) {
  return String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
