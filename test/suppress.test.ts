// Inline suppressions: `rolefit:ignore` comments in any text (YAML indentation blocks, HCL and JSON
// bracket blocks), CloudFormation Metadata and Kubernetes annotations; suppressions that expire,
// and suppressions that cannot suppress (no reason, unknown rule) reported as findings.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { blockEnd, commentDirectives } from '../src/suppress/comments.js';
import { parseDirective } from '../src/suppress/directive.js';
import { suppress } from '../src/suppress/index.js';
import { RULE_METAS } from '../src/rules/index.js';
import { emptyInventory } from '../src/model.js';
import { scan } from '../src/scan.js';
import { scanSettings } from '../src/config/settings.js';
import { fingerprint } from '../src/fingerprint.js';
import type { Finding } from '../src/report/types.js';
import { validateReport } from './helpers/schema.js';
import { workdir } from './helpers/workdir.js';
import { ACCOUNT, CONTEXT, serviceTemplate } from './helpers/service-template.js';

const known = new Set(RULE_METAS.map((m) => m.id));
const ranges = (text: string) => commentDirectives(text, 'f').map((d) => [d.loc.line, d.range ?? null]);

describe('rolefit:ignore comments', () => {
  it('above a YAML key cover the key and the lines indented under it', () => {
    const text = ['Resources:', '  # rolefit:ignore excess-action reason=x', '  Role:', '    Type: R', '    Properties:', '      A: 1', '', '  Other:', '    Type: T'].join('\n');
    expect(ranges(text)).toEqual([[2, [3, 6]]]);
  });

  it('trailing a line cover that line and the block it opens', () => {
    const text = ['Statement:', '  - Effect: Allow # rolefit:ignore excess-action reason=x', '    Action: "*"', '  - Effect: Deny', 'Other: 1 # rolefit:ignore excess-action reason=y'].join('\n');
    expect(ranges(text)).toEqual([[2, [2, 3]], [5, [5, 5]]]);
  });

  it('keep a sequence written at the indentation of its key', () => {
    const text = ['# rolefit:ignore excess-action reason=x', 'Statement:', '- Effect: Allow', '  Action: "*"', '- Effect: Deny', 'Next: 1'].join('\n');
    expect(ranges(text)).toEqual([[1, [2, 5]]]);
  });

  it('may be stacked; a blank line separates a comment from the code below', () => {
    const text = ['# rolefit:ignore excess-action reason=x', '# rolefit:ignore shared-role reason=y', 'Key: 1', '', '# rolefit:ignore excess-action reason=z', '', 'Other: 2'].join('\n');
    expect(ranges(text)).toEqual([[1, [3, 3]], [2, [3, 3]], [5, null]]);
  });

  it('in HCL, with # and //, cover the brace-delimited block', () => {
    const text = [
      '# rolefit:ignore excess-action reason="legacy"',
      'resource "aws_iam_role_policy" "exec" {',
      '  name   = "exec-${var.env}"',
      '  policy = jsonencode({',
      '    Statement = [{ Effect = "Allow", Action = "*" }]',
      '  })',
      '}',
      '',
      'resource "aws_iam_role" "x" { // rolefit:ignore trust-principal reason="shared"',
      '  name = "x"',
      '}',
    ].join('\n');
    expect(ranges(text)).toEqual([[1, [2, 7]], [9, [9, 11]]]);
  });

  it('in JSON with comments, cover the object the line opens', () => {
    const text = ['{', '  "Resources": {', '    // rolefit:ignore excess-action reason="x"', '    "Role": {', '      "Type": "R"', '    },', '    "Other": {}', '  }', '}'].join('\n');
    expect(ranges(text)).toEqual([[3, [4, 6]]]);
  });

  it('are not read inside strings or URLs', () => {
    const text = ['A: "# rolefit:ignore excess-action reason=x"', 'B: https://example.com//rolefit:ignore', "C: 'x # rolefit:ignore excess-action reason=x'"].join('\n');
    expect(ranges(text)).toEqual([]);
  });

  it('find the end of a block at the end of the file', () => {
    expect(blockEnd(['a: {', '  b: 1'], 0)).toBe(1);
    expect(blockEnd(['a:', '  b: 1'], 0)).toBe(1);
  });
});

describe('the directive', () => {
  it('reads rules, a quoted or bare reason, and an expiry', () => {
    expect(parseDirective(' excess-action reason="agent \\"sidecar\\" pulls it" until=2026-12-31', known)).toEqual({
      ok: true,
      rules: ['excess-action'],
      reason: 'agent "sidecar" pulls it',
      until: '2026-12-31',
    });
    expect(parseDirective("excess-action,shared-role reason='two words'", known)).toEqual({ ok: true, rules: ['excess-action', 'shared-role'], reason: 'two words' });
    expect(parseDirective('excess-action reason=migration', known)).toEqual({ ok: true, rules: ['excess-action'], reason: 'migration' });
  });

  it('refuses what cannot be a suppression', () => {
    const problem = (t: string) => {
      const d = parseDirective(t, known);
      return d.ok ? 'ok' : d.problem;
    };
    expect(problem('excess-action')).toBe('it gives no reason (add reason="…": a suppression must say why)');
    expect(problem('excess-action reason=""')).toBe('it gives no reason (add reason="…": a suppression must say why)');
    expect(problem('')).toBe('it names no rule (write `rolefit:ignore <rule> reason="…"`)');
    expect(problem('excess-actoin reason=x')).toBe('unknown rule id "excess-actoin"');
    expect(problem('excess-action reason=x until=31/12/2026')).toBe('until=31/12/2026 is not a date YYYY-MM-DD');
    expect(problem('excess-action reason=x expires=2026-12-31')).toBe('unknown key "expires" (reason and until are known)');
    expect(problem('excess-action reason="unterminated')).toBe('cannot read "reason="unterminated" (expected key=value, e.g. reason="…")');
  });
});

// ------------------------------------------------------------------------------------------------ in a scan

const extra = `              - Effect: Allow
                Action: logs:DeleteLogGroup
                Resource: arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/ecs/app:*
`;

function scanDir(files: Record<string, string>, today = '2026-06-01') {
  const dir = workdir({ '.rolefit.yaml': CONTEXT, ...files });
  const report = scan({ paths: ['.'], cwd: dir, ...scanSettings({ cwd: dir }), today });
  expect(validateReport(report)).toEqual([]);
  return report;
}
const brief = (list: Finding[]) => list.map((f) => `${f.location.file}:${f.location.line} ${f.severity} ${f.rule}`);

describe('inline suppressions in a CloudFormation template', () => {
  it('a comment above the role suppresses the findings inside it', () => {
    const r = scanDir({ 'stack.yaml': serviceTemplate({ extra, roleHead: '  # rolefit:ignore excess-action reason="log group cleanup job" until=2026-12-31\n' }) });
    expect(r.findings).toEqual([]);
    expect(r.suppressed.map((f) => [f.rule, f.suppression])).toEqual([
      ['excess-action', { kind: 'inline', reason: 'log group cleanup job', expires: '2026-12-31', location: { file: 'stack.yaml', line: 3, column: 5 } }],
    ]);
    expect(r.summary).toMatchObject({ findings: 0, errors: 0 });
  });

  it('a comment on the statement suppresses it; one for another rule does not', () => {
    const onStatement = extra.replace('- Effect: Allow', '- Effect: Allow # rolefit:ignore excess-action reason=cleanup');
    expect(scanDir({ 'stack.yaml': serviceTemplate({ extra: onStatement }) }).findings).toEqual([]);
    const otherRule = extra.replace('- Effect: Allow', '- Effect: Allow # rolefit:ignore excess-resource reason=cleanup');
    expect(brief(scanDir({ 'stack.yaml': serviceTemplate({ extra: otherRule }) }).findings)).toEqual(['stack.yaml:29 error excess-action']);
  });

  it('an expired one stops suppressing and is reported where it is written', () => {
    const files = { 'stack.yaml': serviceTemplate({ extra, roleHead: '  # rolefit:ignore excess-action reason="cleanup job" until=2026-05-31\n' }) };
    expect(scanDir(files, '2026-05-31').findings).toEqual([]);
    const r = scanDir(files, '2026-06-01');
    expect(brief(r.findings)).toEqual(['stack.yaml:3 warning expired-suppression', 'stack.yaml:30 error excess-action']);
    expect(r.findings[0].message).toBe('suppression of excess-action expired on 2026-05-31 and no longer applies (reason was: cleanup job)');
    expect(r.findings[0].location.column).toBe(5);
  });

  it('one without a reason suppresses nothing and is a finding itself', () => {
    const r = scanDir({ 'stack.yaml': serviceTemplate({ extra, roleHead: '  # rolefit:ignore excess-action\n' }) });
    expect(brief(r.findings)).toEqual(['stack.yaml:3 error invalid-suppression', 'stack.yaml:30 error excess-action']);
    expect(r.findings[0].message).toBe('suppression ignored: it gives no reason (add reason="…": a suppression must say why)');
    expect(r.suppressed).toEqual([]);
  });

  it('Metadata on a resource suppresses findings in that resource', () => {
    const roleMetadata = '    Metadata:\n      rolefit:\n        ignore:\n          - rule: excess-action\n            reason: cleanup job\n            expires: 2026-12-31\n';
    const r = scanDir({ 'stack.yaml': serviceTemplate({ extra, roleMetadata }) });
    expect(r.findings).toEqual([]);
    expect(r.suppressed[0].suppression).toEqual({ kind: 'inline', reason: 'cleanup job', expires: '2026-12-31', location: { file: 'stack.yaml', line: 8, column: 13 } });
  });

  it('Metadata at the top of the template suppresses findings anywhere in it', () => {
    const top = 'Metadata:\n  rolefit:\n    ignore:\n      - {rule: excess-action, reason: cleanup job}\n';
    expect(scanDir({ 'stack.yaml': serviceTemplate({ extra, top }) }).suppressed.map((f) => f.rule)).toEqual(['excess-action']);
  });

  it('Metadata entries without a reason, or with unknown keys, are findings', () => {
    const top = 'Metadata:\n  rolefit:\n    ignore:\n      - {rule: excess-action}\n      - {rule: excess-action, reason: x, until: 2027-01-01}\n';
    const r = scanDir({ 'stack.yaml': serviceTemplate({ extra, top }) });
    expect(r.findings.map((f) => `${f.location.line} ${f.rule} ${f.message}`)).toEqual([
      '5 invalid-suppression suppression ignored: it gives no reason (a suppression must say why)',
      '6 invalid-suppression suppression ignored: unknown key "until" (rule, reason and expires are known)',
      '34 excess-action ' + r.findings[2].message,
    ]);
  });

  it('the suppression stage\'s own findings follow the configured severity', () => {
    const dir = workdir({ '.rolefit.yaml': CONTEXT + 'rules:\n  expired-suppression: error\n', 'stack.yaml': serviceTemplate({ extra, roleHead: '  # rolefit:ignore excess-action reason=x until=2020-01-01\n' }) });
    const r = scan({ paths: ['.'], cwd: dir, ...scanSettings({ cwd: dir }) });
    expect(brief(r.findings)).toEqual(['stack.yaml:3 error expired-suppression', 'stack.yaml:30 error excess-action']);
  });
});

// ------------------------------------------------------------------------------------------------ any file type

/** A finding at a place, as the rules would report it. */
function finding(rule: string, file: string, line: number, severity: Finding['severity'] = 'error'): Finding {
  const f = { rule, severity, message: `m ${rule}`, role: null, workloads: [], actions: [], actionCount: 0, resources: [], location: { file, line, column: 3 } };
  return { ...f, fingerprint: fingerprint(f) };
}

function suppressIn(files: Record<string, string>, findings: Finding[], today = '2026-06-01') {
  const dir = workdir(files);
  // As the reading stage leaves it: the JSON/YAML texts that mention rolefit kept, Terraform files not.
  const kept = Object.entries(files).filter(([file, text]) => !/\.tf(vars)?$/.test(file) && text.includes('rolefit'));
  const inventory = { ...emptyInventory(), files: Object.keys(files), suppressionTexts: kept.map(([file, text]) => ({ file, text })) };
  return suppress(findings, inventory, { cwd: dir, today });
}

describe('suppressions in files the readers will read', () => {
  it('Terraform: comments above a resource block', () => {
    const tf = [
      'resource "aws_iam_role_policy" "exec" {', // 1
      '  role = aws_iam_role.exec.id',
      '  policy = data.aws_iam_policy_document.exec.json',
      '}',
      '',
      '// rolefit:ignore excess-action reason="sidecar pulls from this repository" until=2026-12-31',
      'data "aws_iam_policy_document" "exec" {', // 7
      '  statement {',
      '    actions   = ["ecr:*"]', // 9
      '    resources = ["*"]',
      '  }',
      '}',
    ].join('\n');
    const r = suppressIn({ 'main.tf': tf }, [finding('excess-action', 'main.tf', 9), finding('excess-action', 'main.tf', 2), finding('excess-resource', 'main.tf', 9)]);
    expect(r.suppressed.map((f) => `${f.location.line} ${f.rule} ${f.suppression?.reason}`)).toEqual(['9 excess-action sidecar pulls from this repository']);
    expect(r.findings.map((f) => `${f.location.line} ${f.rule}`)).toEqual(['2 excess-action', '9 excess-resource']);
  });

  it('Kubernetes: an annotation covers its object, one suppression per line', () => {
    const yaml = [
      'apiVersion: apps/v1', // 1
      'kind: Deployment',
      'metadata:',
      '  name: web',
      '  annotations:',
      '    rolefit.dev/ignore: |',
      '      excess-action reason="platform agent" until=2026-12-31',
      '      shared-role reason="one role per namespace"',
      'spec:',
      '  template:', // 10
      '    spec:',
      '      containers:',
      '        - image: 1234.dkr.ecr.us-east-1.amazonaws.com/web:1', // 13
      '---',
      'apiVersion: v1', // 15
      'kind: Pod',
      'metadata:',
      '  name: other',
      '  annotations:',
      '    rolefit.dev/ignore: excess-action', // 20
      'spec:',
      '  containers:',
      '    - image: nginx', // 23
    ].join('\n');
    const r = suppressIn({ 'k8s.yaml': yaml }, [finding('excess-action', 'k8s.yaml', 13), finding('shared-role', 'k8s.yaml', 4), finding('excess-action', 'k8s.yaml', 23)]);
    expect(r.suppressed.map((f) => `${f.location.line} ${f.suppression?.reason}`)).toEqual(['13 platform agent', '4 one role per namespace']);
    expect(r.findings.map((f) => `${f.location.line} ${f.rule}`)).toEqual(['23 excess-action']);
    expect(r.raised).toEqual([
      { rule: 'invalid-suppression', severity: 'error', message: 'suppression ignored: it gives no reason (add reason="…": a suppression must say why)', loc: { file: 'k8s.yaml', line: 20, column: 25 } },
    ]);
  });

  it('Kubernetes: each line of a block annotation is reported at its own line', () => {
    const yaml = [
      'apiVersion: v1', // 1
      'kind: Pod',
      'metadata:',
      '  name: web',
      '  annotations:',
      '    rolefit.dev/ignore: |', // 6
      '      excess-action reason="platform agent" until=2020-01-31',
      '',
      '      shared-role', // 9
      'spec:',
      '  containers:',
      '    - image: nginx',
    ].join('\n');
    const r = suppressIn({ 'k8s.yaml': yaml }, []);
    expect(r.raised.map((f) => [f.rule, f.loc.line, f.loc.column])).toEqual([
      ['expired-suppression', 7, 7],
      ['invalid-suppression', 9, 7],
    ]);
  });

  it('reads no file twice that is not a regular file, and none without the word rolefit', () => {
    const r = suppressIn({ 'a.yaml': 'x: 1 # no suppression here\n' }, [finding('excess-action', 'a.yaml', 1)]);
    expect(r.findings).toHaveLength(1);
    const piped = suppress([finding('excess-action', '/dev/null', 1)], { ...emptyInventory(), files: ['/dev/null'] }, { cwd: '/' });
    expect(piped.findings).toHaveLength(1);
  });

  it('changes nothing in a file edited between reading and suppressing beyond what its text says', () => {
    const dir = workdir({ 'a.yaml': 'x: 1\n' });
    writeFileSync(join(dir, 'a.yaml'), 'x: [\n');
    const r = suppress([finding('excess-action', 'a.yaml', 1)], { ...emptyInventory(), files: ['a.yaml'] }, { cwd: dir });
    expect(r.findings).toHaveLength(1);
  });
});

describe('the comment scanner on arbitrary text', () => {
  const fragment = fc.constantFrom('', '  ', '# rolefit:ignore excess-action reason=x', '// rolefit:ignore shared-role', 'a:', 'a: 1', '- b: 2', 'c: {', '}', '[', ']', 'd: "x # rolefit:ignore y"', "e: 'it''s'", 'resource "r" "n" {', 'x = "${y}" # rolefit:ignore excess-action reason="z"');
  const text = fc.array(fc.tuple(fc.nat({ max: 6 }), fragment), { maxLength: 40 }).map((ls) => ls.map(([n, f]) => ' '.repeat(n) + f).join('\n'));

  it('places every directive within the text, covering lines at or below it', () => {
    fc.assert(
      fc.property(text, (t) => {
        const lines = t.split('\n').length;
        for (const d of commentDirectives(t, 'f')) {
          if (!d.range) continue;
          const [from, to] = d.range;
          expect(from).toBeGreaterThanOrEqual(d.loc.line);
          expect(to).toBeGreaterThanOrEqual(from);
          expect(to).toBeLessThanOrEqual(lines);
        }
      }),
      { numRuns: 300, seed: 20261125 },
    );
  });

  it('reads any directive text without throwing; a valid one has a reason', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        const d = parseDirective(s, known);
        if (d.ok) expect(d.reason.trim()).not.toBe('');
      }),
      { numRuns: 300, seed: 20261125 },
    );
  });
});
