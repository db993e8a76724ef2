// Text for people: findings grouped by file as `line:col severity message [rule]`, the
// least-privilege policy of each execution role with findings, and a summary line.
import type { Colors } from './color.js';
import type { Finding, Report } from './types.js';
import { isArnLocation, isLiveReport, partialNote, printable as p } from './words.js';

export function formatText(report: Report, c: Colors): string {
  const out: string[] = [];
  const byFile = new Map<string, Finding[]>();
  for (const f of report.findings) {
    const list = byFile.get(f.location.file) ?? [];
    list.push(f);
    byFile.set(f.location.file, list);
  }
  for (const e of report.errors) {
    out.push(`${c.underline(p(e.location.file))}:${e.location.line}:${e.location.column}: ${c.red(c.bold('input error'))}: ${p(e.message)}`);
  }
  if (report.errors.length) out.push('');
  const sevColor = { error: c.red, warning: c.yellow, note: c.cyan } as const;
  for (const [file, list] of byFile) {
    out.push(c.underline(p(file)));
    for (const f of list) {
      // A live finding is at its ARN, the heading: no position within it to show.
      const pos = (isArnLocation(f.location) ? '' : `${f.location.line}:${f.location.column}`).padEnd(8);
      const sev = sevColor[f.severity](f.severity.padEnd(7));
      out.push(`  ${c.dim(pos)} ${sev} ${p(f.message)}  ${c.dim(`[${f.rule}]`)}`);
    }
    out.push('');
  }
  // A logical id is unique only within its template: the name and ARN tell two templates' roles apart.
  const identity = (r: { id: string; arn: string; name: string }) => JSON.stringify([r.id, r.arn, r.name]);
  const withFindings = new Set(report.findings.filter((f) => f.severity !== 'note' && f.role).map((f) => identity(f.role!)));
  for (const r of report.roles) {
    if (!r.suggestedPolicy || !withFindings.has(identity(r))) continue;
    // A role that is also the task role keeps the application's permissions: these are only the agent's.
    const heading = r.kind === 'execution-and-task-role' ? `What the ECS agent needs from role ${r.name} (also the task role: keep the application's own permissions beside it)` : `Least-privilege policy for ${r.kind === 'pod-execution-role' ? 'pod execution' : 'execution'} role ${r.name}`;
    const live = r.services?.length ? `, serves ${r.services.length} running ECS service${r.services.length === 1 ? '' : 's'}` : '';
    out.push(c.bold(p(heading)) + c.dim(` (${p(isArnLocation(r.location) ? r.location.file : `${r.location.file}:${r.location.line}`)}${live})`) + ':');
    out.push(JSON.stringify(r.suggestedPolicy, null, 2));
    if (r.incomplete.length) out.push(c.dim(`(incomplete: ${p(r.incomplete.join('; '))})`));
    out.push('');
  }
  const s = report.summary;
  const parts = [`${s.errors} error${s.errors === 1 ? '' : 's'}`, `${s.warnings} warning${s.warnings === 1 ? '' : 's'}`, `${s.notes} note${s.notes === 1 ? '' : 's'}`];
  const problems = s.findings === 0 ? c.green('no findings') : `${s.findings} finding${s.findings === 1 ? '' : 's'} (${parts.join(', ')})`;
  const counted = `${s.roles} role${s.roles === 1 ? '' : 's'}, ${s.workloads} workload${s.workloads === 1 ? '' : 's'}`;
  const scope = isLiveReport(report) ? `${counted} of the account` : `${s.files} file${s.files === 1 ? '' : 's'}, ${counted}`;
  const input = s.inputErrors ? c.red(`; ${s.inputErrors} input error${s.inputErrors === 1 ? '' : 's'}`) : '';
  const suppressed = report.suppressed.length ? c.dim(` (${report.suppressed.length} suppressed)`) : '';
  out.push(`${problems} in ${scope}${suppressed}${input}${s.partial ? c.yellow(` — ${partialNote(report)}`) : ''}`);
  const rules = [...new Set(report.findings.map((f) => f.rule))].sort();
  if (rules.length) out.push(c.dim(`Rule documentation: ${rules.map((r) => `docs/rules/${r}.md`).join(', ')}`));
  return out.join('\n') + '\n';
}
