// GitLab Code Quality (artifacts:reports:codequality): a JSON array of issues, each with
// description, check_name, fingerprint, severity and location {path, lines: {begin}}.
//
// Severity (GitLab: info, minor, major, critical, blocker): error → critical, warning → major,
// note → info; input that could not be read → blocker (the result is incomplete). Suppressed
// findings are left out: Code Quality has no notion of a suppressed issue.
//
// GitLab compares reports across branches by fingerprint, so it must be stable and unique: the
// finding's fingerprint (never depends on line numbers), with `:2`, `:3`… for a repeat of the same
// one in the same report; input errors use a hash of their file and message.
import { hash128 } from '../hash.js';
import type { Severity } from '../model.js';
import { INPUT_ERROR_ID } from './links.js';
import type { Report } from './types.js';

export const GITLAB_SEVERITY: Record<Severity, string> = { error: 'critical', warning: 'major', note: 'info' };

/** One Code Quality issue. */
export interface GitlabIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: string;
  location: { path: string; lines: { begin: number } };
}

export function formatGitlab(report: Report): string {
  const seen = new Map<string, number>();
  const unique = (key: string) => {
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return n === 1 ? key : `${key}:${n}`;
  };
  const issues: GitlabIssue[] = [
    ...report.errors.map((e) => ({
      description: `input error: ${e.message}`,
      check_name: INPUT_ERROR_ID,
      fingerprint: unique(hash128(JSON.stringify([INPUT_ERROR_ID, e.location.file, e.message]))),
      severity: 'blocker',
      location: { path: e.location.file, lines: { begin: e.location.line } },
    })),
    ...report.findings.map((f) => ({
      description: f.message,
      check_name: f.rule,
      fingerprint: unique(f.fingerprint),
      severity: GITLAB_SEVERITY[f.severity],
      location: { path: f.location.file, lines: { begin: f.location.line } },
    })),
  ];
  return JSON.stringify(issues, null, 2) + '\n';
}
