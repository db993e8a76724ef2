// Baselines: written from a run, they accept its findings in later runs — by rule, file, role and
// fingerprint, never by line — and report the entries that no longer match anything.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baselineFindings, baselineText, readBaseline } from '../src/suppress/baseline.js';
import { scan } from '../src/scan.js';
import { scanSettings } from '../src/config/settings.js';
import { InputError } from '../src/sources/nodes.js';
import type { Finding } from '../src/report/types.js';
import { validateReport } from './helpers/schema.js';
import { workdir } from './helpers/workdir.js';
import { ACCOUNT, CONTEXT, serviceTemplate } from './helpers/service-template.js';

const statement = (action: string) => `              - Effect: Allow
                Action: ${action}
                Resource: arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/ecs/app:*
`;
const legacy = serviceTemplate({ extra: statement('logs:DeleteLogGroup') + statement('logs:DeleteLogStream') });
const brief = (list: Finding[]) => list.map((f) => `${f.location.file}:${f.location.line} ${f.severity} ${f.rule}`);

function run(dir: string, cwd = dir) {
  const report = scan({ paths: ['.'], cwd, ...scanSettings({ cwd }) });
  expect(validateReport(report)).toEqual([]);
  return report;
}

/** A repository with the legacy template and a baseline of its findings. */
function adopted() {
  const dir = workdir({ '.rolefit.yaml': CONTEXT + 'baseline: .rolefit-baseline.json\n', 'infra/stack.yaml': legacy }, { git: true });
  const first = scan({ paths: ['.'], cwd: dir, ...scanSettings({ cwd: dir, writingBaseline: true }) });
  expect(brief(first.findings)).toEqual(['infra/stack.yaml:29 error excess-action', 'infra/stack.yaml:32 error excess-action']);
  writeFileSync(join(dir, '.rolefit-baseline.json'), baselineText(baselineFindings(first), '.rolefit-baseline.json', dir));
  return { dir, first };
}

describe('baseline', () => {
  it('is sorted JSON keyed by rule, file, role and fingerprint, without lines', () => {
    const { dir, first } = adopted();
    const text = readFileSync(join(dir, '.rolefit-baseline.json'), 'utf8');
    const json = JSON.parse(text);
    expect(json.version).toBe(1);
    expect(json.findings.map((e: object) => Object.keys(e))).toEqual([
      ['rule', 'file', 'role', 'fingerprint', 'message'],
      ['rule', 'file', 'role', 'fingerprint', 'message'],
    ]);
    expect(json.findings.map((e: { fingerprint: string }) => e.fingerprint)).toEqual(first.findings.map((f) => f.fingerprint).sort());
    expect(json.findings[0]).toMatchObject({ rule: 'excess-action', file: 'infra/stack.yaml', role: 'ExecutionRole' });
    expect(text).not.toMatch(/"line"/);
  });

  it('accepts the findings it lists: they move to suppressed and the run is clean', () => {
    const { dir } = adopted();
    const r = run(dir);
    expect(r.findings).toEqual([]);
    expect(r.summary.findings).toBe(0);
    // Entries are sorted by fingerprint: which finding takes which entry depends on the hash.
    expect(r.suppressed.map((f) => f.suppression).sort((a, b) => a!.location!.line - b!.location!.line)).toEqual([
      { kind: 'baseline', reason: 'accepted in baseline .rolefit-baseline.json', location: { file: '.rolefit-baseline.json', line: 5, column: 5 } },
      { kind: 'baseline', reason: 'accepted in baseline .rolefit-baseline.json', location: { file: '.rolefit-baseline.json', line: 12, column: 5 } },
    ]);
  });

  it('still matches when lines move', () => {
    const { dir } = adopted();
    writeFileSync(join(dir, 'infra', 'stack.yaml'), legacy.replace('Resources:\n', '\n\n\n# moved down\nResources:\n'));
    const r = run(dir);
    expect(r.findings).toEqual([]);
    expect(r.suppressed.map((f) => f.location.line)).toEqual([33, 36]);
  });

  it('still matches when a statement without Sid is inserted above (its position is no part of the key)', () => {
    const { dir } = adopted();
    writeFileSync(join(dir, 'infra', 'stack.yaml'), serviceTemplate({ extra: statement('logs:DeleteLogGroup') + statement('logs:DeleteLogStream') }).replace(statement('logs:DeleteLogGroup'), statement('logs:DeleteRetentionPolicy') + statement('logs:DeleteLogGroup')));
    const r = run(dir);
    expect(r.findings.map((f) => f.actions)).toEqual([['logs:DeleteRetentionPolicy']]);
    expect(r.suppressed).toHaveLength(2);
  });

  it('reports new findings only', () => {
    const { dir } = adopted();
    writeFileSync(join(dir, 'infra', 'stack.yaml'), serviceTemplate({ extra: statement('logs:DeleteLogGroup') + statement('logs:DeleteLogStream') + statement('logs:DeleteRetentionPolicy') }));
    const r = run(dir);
    expect(brief(r.findings)).toEqual(['infra/stack.yaml:35 error excess-action']);
    expect(r.findings[0].actions).toEqual(['logs:DeleteRetentionPolicy']);
  });

  it('reports entries that match nothing as stale, at their line', () => {
    const { dir } = adopted();
    writeFileSync(join(dir, 'infra', 'stack.yaml'), serviceTemplate({ extra: statement('logs:DeleteLogGroup') }));
    const r = run(dir);
    // The entry of the DeleteLogStream finding: the line of its opening brace in the file.
    const lines = readFileSync(join(dir, '.rolefit-baseline.json'), 'utf8').split('\n');
    const entry = lines.findIndex((l, i) => l.trim() === '{' && lines.slice(i, i + 7).some((x) => x.includes('logs:DeleteLogStream'))) + 1;
    expect(brief(r.findings)).toEqual([`.rolefit-baseline.json:${entry} note stale-baseline`]);
    expect(r.findings[0].message).toMatch(/^baseline entry matches no finding: excess-action in infra\/stack\.yaml of role ExecutionRole \(was: role app-execution grants 1 action its workloads never use: logs:DeleteLogStream/);
  });

  it('accepts a finding once per entry', () => {
    const { dir } = adopted();
    // An entry written twice: the one finding it matches leaves the second copy stale.
    const json = JSON.parse(readFileSync(join(dir, '.rolefit-baseline.json'), 'utf8'));
    json.findings = [json.findings[0], json.findings[0], json.findings[1]];
    writeFileSync(join(dir, '.rolefit-baseline.json'), JSON.stringify(json, null, 2));
    expect(brief(run(dir).findings)).toEqual(['.rolefit-baseline.json:12 note stale-baseline']);
  });

  it('matches from any working directory: paths are relative to the baseline file', () => {
    const { dir } = adopted();
    const r = run(join(dir, 'infra'), join(dir, 'infra'));
    expect(r.findings).toEqual([]);
    expect(r.suppressed.map((f) => [f.location.file, f.suppression?.location?.file])).toEqual([
      ['stack.yaml', '../.rolefit-baseline.json'],
      ['stack.yaml', '../.rolefit-baseline.json'],
    ]);
  });

  it('matches from any working directory when messages name another file (the task definition of a missing permission)', () => {
    const fixture = join(import.meta.dirname, '..', 'fixtures', 'ecs-taskdef-iam-dump');
    const read = (name: string) => readFileSync(join(fixture, name), 'utf8');
    const dir = workdir({ 'infra/taskdef.json': read('taskdef.json'), 'infra/iam.json': read('iam-authorization-details.json') }, { git: true });
    const first = scan({ paths: ['infra'], cwd: dir });
    // Located in the IAM dump, the missing permissions say which task definition needs them.
    expect(first.findings.some((f) => f.location.file === 'infra/iam.json' && f.message.includes('(infra/taskdef.json:'))).toBe(true);
    writeFileSync(join(dir, 'baseline.json'), baselineText(baselineFindings(first), 'baseline.json', dir));
    const cwd = join(dir, 'infra');
    const r = scan({ paths: ['.'], cwd, ...scanSettings({ cwd, baseline: '../baseline.json' }) });
    expect(brief(r.findings)).toEqual([]);
    expect(r.suppressed).toHaveLength(first.findings.length);
  });

  it('an unreadable baseline stops the run with its file:line', () => {
    const errorOf = (text: string) => {
      const dir = workdir({ 'b.json': text });
      try {
        readBaseline('b.json', dir);
        return 'no error';
      } catch (e) {
        return e instanceof InputError ? `${e.loc.file}:${e.loc.line}:${e.loc.column}: ${e.message}` : String(e);
      }
    };
    expect(errorOf('{"version": 2, "findings": []}')).toBe('b.json:1:13: invalid baseline: version: must be 1');
    expect(errorOf('{\n  "version": 1,\n  "findings": [\n    {"rule": "excess-action", "file": "a.yaml", "role": null}\n  ]\n}')).toBe(
      'b.json:4:5: invalid baseline: findings[0]: missing required key "fingerprint"',
    );
    expect(errorOf('{"version": 1,')).toMatch(/^b\.json:1:15: invalid JSON/);
  });
});
