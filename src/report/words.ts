// Small pieces of wording the formatters share.
import type { FindingLocation, Report } from './types.js';
import { formatLoc, isLiveLoc } from '../rules/util.js';

/**
 * A location of a live scan: the ARN of the role, policy, task definition or profile (line 1), not
 * a file. Formats name it by the ARN alone and never hand it over as a path of the repository.
 */
export const isArnLocation: (l: FindingLocation) => boolean = isLiveLoc;

/** `file:line:column`, or the ARN alone for a live location. */
export const where: (l: FindingLocation) => string = formatLoc;

/** `1 finding`, `2 findings`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Text from the scanned files made safe to print: control characters (but tab and line feed) and
 * bidirectional overrides are shown as `\u001b`, so that a crafted name cannot drive the terminal
 * or the log viewer (clear the screen, recolor or reorder what follows).
 */
export function printable(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Why a result is partial, beside input errors (which the summary counts already): reads of the
 * account that failed, and the roles whose needs or policies are not fully known (at most three
 * named; `roles[].incomplete` says why for each).
 */
export function partialReasons(report: Report): string[] {
  const reasons: string[] = [];
  const failed = [...report.findings, ...report.suppressed].filter((f) => f.rule === 'incomplete-scan').length;
  if (failed) reasons.push(`${plural(failed, 'read')} of the account failed (incomplete-scan)`);
  const roles = report.roles.filter((r) => r.incomplete.length > 0).map((r) => r.name);
  if (roles.length) {
    const named = roles.length > 3 ? `${roles.slice(0, 3).join(', ')} and ${roles.length - 3} more` : roles.join(', ');
    reasons.push(`the needs of ${plural(roles.length, 'role')} are not fully known (${named})`);
  }
  return reasons;
}

/** ` — partial result: why` style text after a summary, or '' when the result is complete. */
export function partialNote(report: Report): string {
  if (!report.summary.partial) return '';
  const reasons = partialReasons(report);
  return reasons.length ? `partial result: ${reasons.join('; ')}` : 'partial result';
}

/** A report of a live scan: no file read, its findings and roles at ARNs. */
export function isLiveReport(report: Report): boolean {
  return report.summary.files === 0 && [...report.findings, ...report.suppressed, ...report.roles].some((x) => isArnLocation(x.location));
}
