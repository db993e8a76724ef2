// The read-only policy the README gives for live scans is exactly what the scanner calls (the guard's
// allow-list), and rolefit's own scan of it, as a policy file, finds nothing to report.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allowedActions } from '../src/sources/aws/guard.js';
import { scan } from '../src/scan.js';
import { awsManagedPolicy } from '../src/iam/managed.js';
import { expandActionPattern } from '../src/iam/actions.js';

const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');

function scannerPolicy(): { Statement: Array<{ Action: string[]; Resource: string; Effect: string }> } {
  const m = /<!-- scanner-policy -->\n```json\n([\s\S]*?)\n```/.exec(readme);
  if (!m) throw new Error('README.md has no <!-- scanner-policy --> block');
  return JSON.parse(m[1]);
}

describe('the README scanner policy', () => {
  it('allows exactly the operations the read-only guard lets through (GetCallerIdentity needs no permission)', () => {
    const actions = scannerPolicy().Statement.flatMap((s) => s.Action);
    expect([...actions].sort()).toEqual(allowedActions().filter((a) => a !== 'sts:GetCallerIdentity').sort());
    expect(actions.every((a) => /^[a-z0-9]+:(Get|List|Describe)[A-Za-z]+$/.test(a))).toBe(true);
  });

  it('is covered by the AWS managed SecurityAudit policy, as the README says', () => {
    const doc = awsManagedPolicy('arn:aws:iam::aws:policy/SecurityAudit')!.document as { Statement: Array<{ Effect: string; Action: string | string[] }> };
    const granted = new Set(doc.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => [s.Action].flat().flatMap((a) => expandActionPattern(a).map((x) => x.full))));
    const needed = scannerPolicy().Statement.flatMap((s) => s.Action);
    expect(needed.filter((a) => !granted.has(a))).toEqual([]);
  });

  it('shows no privilege-escalation, nor any other finding, when rolefit scans it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rolefit-scanner-policy-'));
    try {
      writeFileSync(join(dir, 'rolefit-scanner.json'), JSON.stringify(scannerPolicy(), null, 2));
      const report = scan({ paths: ['.'], cwd: dir });
      expect(report.summary.files).toBe(1);
      expect(report.errors).toEqual([]);
      expect(report.findings.filter((f) => f.rule === 'privilege-escalation')).toEqual([]);
      expect(report.findings).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
