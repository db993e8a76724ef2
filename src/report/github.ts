// GitHub Actions: workflow-command annotations on stdout, and a Markdown job summary.
//
// GitHub keeps at most 10 error, 10 warning and 10 notice annotations per step and drops the rest
// silently, so the annotations are chosen here: input errors, then error findings, up to 10;
// warnings up to 10; notes as notices, and when anything was left out, one last notice that counts
// it (so at most 9 notes then). The log itself lists every finding, one plain line each, before the
// commands: nothing is lost, only not annotated. The job summary ($GITHUB_STEP_SUMMARY, at most
// 1 MiB per step) has the counts and a table of findings, cut with a line saying so when it would
// not fit.
import { hash128 } from '../hash.js';
import type { Severity } from '../model.js';
import { isArnLocation, isLiveReport, partialNote, where, plural, printable } from './words.js';
import { INPUT_ERROR_ID, ruleDocUrl } from './links.js';
import type { Finding, FindingLocation, InputErrorEntry, Report } from './types.js';

/** Per step and per kind (error, warning, notice): GitHub drops annotations beyond it. */
export const ANNOTATION_LIMIT = 10;
/** GitHub refuses a step summary larger than this. */
export const STEP_SUMMARY_LIMIT = 1024 * 1024;

type Command = 'error' | 'warning' | 'notice';
const COMMAND: Record<Severity, Command> = { error: 'error', warning: 'warning', note: 'notice' };

interface Annotation {
  command: Command;
  location: FindingLocation;
  title: string;
  message: string;
}

export function formatGithub(report: Report): string {
  const plain: string[] = [];
  for (const e of report.errors) plain.push(`${oneLine(where(e.location))}: input error: ${oneLine(e.message)}`);
  for (const f of report.findings) plain.push(`${oneLine(where(f.location))}: ${f.severity}: ${oneLine(f.message)} [${f.rule}]`);
  plain.push(summaryLine(report));
  // Messages quote the scanned files, which must not be able to issue workflow commands: the plain
  // lines go between ::stop-commands:: and the token that resumes them. The token is a hash of the
  // lines, so no line can contain it, and the output stays deterministic.
  const token = `rolefit-${hash128(plain.join('\n'))}`;
  const lines = [`::stop-commands::${token}`, ...plain, `::${token}::`];
  for (const a of chooseAnnotations(report)) lines.push(annotationCommand(a));
  return lines.join('\n') + '\n';
}

function oneLine(s: string): string {
  return printable(s.replace(/\r\n|\r|\n/g, ' '));
}

/** The annotations GitHub will show, within its limits, in report order within each kind. */
export function chooseAnnotations(report: Report): Annotation[] {
  const candidates: Annotation[] = [
    ...report.errors.map((e) => inputErrorAnnotation(e)),
    ...report.findings.map((f) => findingAnnotation(f)),
  ];
  const byKind: Record<Command, Annotation[]> = { error: [], warning: [], notice: [] };
  for (const a of candidates) byKind[a.command].push(a);
  const errors = byKind.error.slice(0, ANNOTATION_LIMIT);
  const warnings = byKind.warning.slice(0, ANNOTATION_LIMIT);
  const omittedErrors = byKind.error.length - errors.length;
  const omittedWarnings = byKind.warning.length - warnings.length;
  let notices = byKind.notice.slice(0, ANNOTATION_LIMIT);
  if (omittedErrors + omittedWarnings + byKind.notice.length - notices.length > 0) notices = byKind.notice.slice(0, ANNOTATION_LIMIT - 1);
  const omittedNotes = byKind.notice.length - notices.length;
  const chosen = [...errors, ...warnings, ...notices];
  if (omittedErrors + omittedWarnings + omittedNotes > 0) {
    const parts = [
      omittedErrors && plural(omittedErrors, 'error'),
      omittedWarnings && plural(omittedWarnings, 'warning'),
      omittedNotes && plural(omittedNotes, 'note'),
    ].filter(Boolean);
    chosen.push({
      command: 'notice',
      location: { file: '', line: 0, column: 0 },
      title: 'rolefit: more findings',
      message:
        `${parts.join(', ')} not annotated: GitHub shows at most ${ANNOTATION_LIMIT} error, ${ANNOTATION_LIMIT} warning and ` +
        `${ANNOTATION_LIMIT} notice annotations per step. The step log lists every finding.`,
    });
  }
  return chosen;
}

function findingAnnotation(f: Finding): Annotation {
  return { command: COMMAND[f.severity], location: f.location, title: `rolefit ${f.rule}`, message: `${annotationText(f.message)}\n${ruleDocUrl(f.rule)}` };
}

function inputErrorAnnotation(e: InputErrorEntry): Annotation {
  return { command: 'error', location: e.location, title: `rolefit ${INPUT_ERROR_ID}`, message: `input error: ${annotationText(e.message)}` };
}

/** Line breaks stay (escapeData encodes them, the annotation shows them); other controls are shown escaped. */
function annotationText(s: string): string {
  return s.split('\r').map(printable).join('\r');
}

/**
 * `::error file=…,line=…,col=…,title=…::message`; a location with no file annotates the run, and so
 * does a live one (an ARN is no file of the repository), with the ARN leading the message.
 */
export function annotationCommand(a: Annotation): string {
  if (isArnLocation(a.location)) return `::${a.command} title=${escapeProperty(a.title)}::${escapeData(`${a.location.file}: ${a.message}`)}`;
  const props = a.location.file
    ? [`file=${escapeProperty(a.location.file)}`, `line=${a.location.line}`, `col=${a.location.column}`, `title=${escapeProperty(a.title)}`]
    : [`title=${escapeProperty(a.title)}`];
  return `::${a.command} ${props.join(',')}::${escapeData(a.message)}`;
}

/** Escaping of a command's message, as the Actions toolkit does it (`%`, CR, LF). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escaping of a command's property value: the message's, plus `:` and `,`, which delimit properties. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

// ------------------------------------------------------------------------------------------------ job summary

/**
 * The Markdown job summary, at most `budget` bytes of UTF-8 (what is left of the step's 1 MiB when
 * something was appended before): the counts, then a row per input error and finding until the next
 * row and the closing note would not fit, then a line saying how many rows were left out.
 */
export function formatStepSummary(report: Report, budget = STEP_SUMMARY_LIMIT): string {
  const head: string[] = ['## rolefit', '', summaryLine(report), ''];
  const rows: string[] = [
    ...report.errors.map((e) => row('input error', INPUT_ERROR_ID, e.location, e.message)),
    ...report.findings.map((f) => row(f.severity, f.rule, f.location, f.message)),
  ];
  if (report.suppressed.length) head.push(`${plural(report.suppressed.length, 'suppressed finding')} not listed.`, '');
  if (rows.length) head.push('| severity | rule | location | message |', '|---|---|---|---|');
  let out = head.join('\n') + '\n';
  const size = (t: string) => Buffer.byteLength(t, 'utf8');
  // Room for the note that replaces the rows cut, whatever their number.
  const note = (n: number) => `\n_${plural(n, 'more row')} not shown: the job summary is limited to 1 MiB. The step log lists every finding._\n`;
  const reserve = size(note(rows.length));
  let used = size(out);
  if (used + reserve > budget) return '';
  for (let i = 0; i < rows.length; i++) {
    const line = rows[i] + '\n';
    if (used + size(line) + (i + 1 < rows.length ? reserve : 0) > budget) {
      out += note(rows.length - i);
      return out;
    }
    out += line;
    used += size(line);
  }
  return out;
}

function row(severity: string, rule: string, loc: FindingLocation, message: string): string {
  const link = rule === INPUT_ERROR_ID ? rule : `[${rule}](${ruleDocUrl(rule)})`;
  return `| ${severity} | ${link} | ${cell(where(loc))} | ${cell(message)} |`;
}

/** A table cell: pipes escaped, line breaks as <br>, HTML and Markdown specials made literal. */
function cell(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/([`*_[\]])/g, '\\$1')
    .replace(/\r?\n/g, '<br>');
}

function summaryLine(report: Report): string {
  const s = report.summary;
  const found = s.findings === 0 ? 'no findings' : `${plural(s.findings, 'finding')} (${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${plural(s.notes, 'note')})`;
  const input = s.inputErrors ? `; ${plural(s.inputErrors, 'input error')}` : '';
  const counted = `${plural(s.roles, 'role')}, ${plural(s.workloads, 'task definition')}`;
  const scope = isLiveReport(report) ? `${counted} of the account` : `${plural(s.files, 'file')}, ${counted}`;
  return `rolefit: ${found} in ${scope}${input}${s.partial ? ` (${partialNote(report)})` : ''}`;
}
