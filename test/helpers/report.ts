// Hand-built reports for the formatter tests: many findings, suppressed ones, hostile text.
import type { Severity } from '../../src/model.js';
import type { Finding, InputErrorEntry, Report } from '../../src/report/types.js';

let serial = 0;

export function finding(over: Partial<Finding> = {}): Finding {
  serial++;
  return {
    rule: 'excess-action',
    severity: 'error',
    message: `role app-execution grants ${serial} actions its workloads never use`,
    role: { name: 'app-execution', arn: 'arn:aws:iam::111122223333:role/app-execution', id: 'AppExecutionRole' },
    workloads: ['AppTaskDefinition'],
    actions: ['ecr:DeleteRepository'],
    actionCount: 1,
    resources: ['*'],
    location: { file: 'infra/app.yaml', line: serial, column: 7 },
    fingerprint: serial.toString(16).padStart(32, '0'),
    ...over,
  };
}

export function inputError(file: string, message = 'invalid JSON: comma expected', line = 3): InputErrorEntry {
  return { message, location: { file, line, column: 5 } };
}

/** A report over the given findings, with the summary a scan would compute for them. */
export function report(findings: Finding[], extra: { suppressed?: Finding[]; errors?: InputErrorEntry[] } = {}): Report {
  const errors = extra.errors ?? [];
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  return {
    tool: { name: 'rolefit', version: '0.1.0' },
    findings,
    suppressed: extra.suppressed ?? [],
    errors,
    roles: [],
    summary: {
      files: 3,
      roles: 1,
      workloads: 1,
      findings: findings.length,
      errors: count('error'),
      warnings: count('warning'),
      notes: count('note'),
      inputErrors: errors.length,
      partial: errors.length > 0,
    },
  };
}

export function many(n: number, severity: Severity, over: Partial<Finding> = {}): Finding[] {
  return Array.from({ length: n }, () => finding({ severity, ...over }));
}
