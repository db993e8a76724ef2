// The output formats by name, for `--format` (stdout) and `--output FORMAT=FILE` (files), and the
// side outputs of a run: the files of --output and GitHub's job summary.
import { appendFileSync, statSync, writeFileSync } from 'node:fs';
import { colors, type Colors } from './color.js';
import { formatGithub, formatStepSummary, STEP_SUMMARY_LIMIT } from './github.js';
import { formatGitlab } from './gitlab.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatSarif } from './sarif.js';
import { formatText } from './text.js';
import type { Report } from './types.js';

export const FORMATS = ['text', 'json', 'sarif', 'github', 'gitlab', 'junit'] as const;
export type FormatName = (typeof FORMATS)[number];

const FORMATTERS: Record<FormatName, (report: Report, c: Colors) => string> = {
  text: formatText,
  json: formatJson,
  sarif: formatSarif,
  github: formatGithub,
  gitlab: formatGitlab,
  junit: formatJunit,
};

/** The report in `format`; `c` colors the text format (files are never colored). */
export function render(format: FormatName, report: Report, c: Colors = colors(false)): string {
  return FORMATTERS[format](report, c);
}

export function isFormat(name: string): name is FormatName {
  return (FORMATS as readonly string[]).includes(name);
}

export interface OutputSpec {
  format: FormatName;
  file: string;
}

/** `FORMAT=FILE` as given to --output; throws an Error whose message says what is wrong. */
export function parseOutputSpec(spec: string): OutputSpec {
  const eq = spec.indexOf('=');
  const format = eq < 0 ? spec : spec.slice(0, eq);
  const file = eq < 0 ? '' : spec.slice(eq + 1);
  if (eq < 0 || !file) throw new Error(`expected FORMAT=FILE, e.g. sarif=rolefit.sarif (formats: ${FORMATS.join(', ')})`);
  if (!isFormat(format)) throw new Error(`unknown format "${format}" (formats: ${FORMATS.join(', ')})`);
  return { format, file };
}

/** Writes each --output file; returns a message per file that could not be written. */
export function writeOutputs(report: Report, specs: OutputSpec[]): string[] {
  const problems: string[] = [];
  for (const { format, file } of specs) {
    try {
      writeFileSync(file, render(format, report));
    } catch (e) {
      problems.push(`cannot write the ${format} report to ${file}: ${reason(e)}`);
    }
  }
  return problems;
}

/**
 * Appends the Markdown job summary to the file GitHub names in $GITHUB_STEP_SUMMARY, within what is
 * left of the step's 1 MiB. Returns a message when it could not (the run's outcome stands: a missing
 * summary is not a failed scan, as GitHub itself treats an oversized one).
 */
export function appendStepSummary(report: Report, file: string): string | null {
  try {
    let used = 0;
    try {
      used = statSync(file).size;
    } catch {
      // not there yet: the whole budget
    }
    const summary = formatStepSummary(report, STEP_SUMMARY_LIMIT - used);
    if (!summary) return `job summary not written: ${file} already holds ${used} bytes of the step's ${STEP_SUMMARY_LIMIT}`;
    appendFileSync(file, summary);
    return null;
  } catch (e) {
    return `cannot append the job summary to ${file}: ${reason(e)}`;
  }
}

function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT') return 'no such directory';
  if (err?.code === 'EACCES' || err?.code === 'EPERM') return 'permission denied';
  if (err?.code === 'EISDIR') return 'it is a directory';
  return err instanceof Error ? err.message : String(e);
}

export interface EmitOptions {
  format: FormatName;
  output: OutputSpec[];
  /** Colors of the text format on stdout. */
  color: Colors;
}

interface Stream {
  write(s: string): unknown;
}

/**
 * Everything a scan writes: the report on stdout in --format, each --output file, and with
 * --format github under GitHub Actions the job summary. Returns false when an --output file could
 * not be written (said on stderr; the caller exits 2).
 */
export function emitReport(report: Report, opts: EmitOptions, io: { stdout: Stream; stderr: Stream }, env: NodeJS.ProcessEnv = process.env): boolean {
  io.stdout.write(render(opts.format, report, opts.color));
  if (opts.format === 'github' && env.GITHUB_STEP_SUMMARY) {
    const problem = appendStepSummary(report, env.GITHUB_STEP_SUMMARY);
    if (problem) io.stderr.write(`rolefit: warning: ${problem}\n`);
  }
  const problems = writeOutputs(report, opts.output);
  for (const p of problems) io.stderr.write(`rolefit: ${p}\n`);
  return problems.length === 0;
}
