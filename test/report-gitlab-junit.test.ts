// GitLab Code Quality JSON and JUnit XML: well-formed for every golden fixture and for hostile text.
// The XML is parsed with saxes, a strict (well-formedness-checking) XML 1.0 parser.
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SaxesParser } from 'saxes';
import { scan } from '../src/scan.js';
import { RULE_METAS } from '../src/rules/index.js';
import { formatGitlab, GITLAB_SEVERITY, type GitlabIssue } from '../src/report/gitlab.js';
import { formatJunit } from '../src/report/junit.js';
import { finding, inputError, many, report } from './helpers/report.js';

const root = join(import.meta.dirname, '..', 'fixtures');
const fixtures = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

interface El {
  name: string;
  attributes: Record<string, string>;
  children: El[];
  text: string;
}

/** Parses strictly (throws on any well-formedness error) into a small element tree. */
function parseXml(xml: string): El {
  const parser = new SaxesParser();
  const top: El = { name: '#document', attributes: {}, children: [], text: '' };
  const stack = [top];
  parser.on('error', (e) => {
    throw e;
  });
  parser.on('opentag', (t) => {
    const el: El = { name: t.name, attributes: t.attributes as Record<string, string>, children: [], text: '' };
    stack[stack.length - 1].children.push(el);
    stack.push(el);
  });
  parser.on('closetag', () => void stack.pop());
  parser.on('text', (t) => {
    stack[stack.length - 1].text += t;
  });
  parser.write(xml).close();
  expect(top.children).toHaveLength(1);
  return top.children[0];
}

const all = (el: El, name: string): El[] => [...(el.name === name ? [el] : []), ...el.children.flatMap((c) => all(c, name))];

type Issue = GitlabIssue;

function checkGitlab(issues: Issue[]) {
  expect(Array.isArray(issues)).toBe(true);
  for (const i of issues) {
    expect(Object.keys(i).sort()).toEqual(['check_name', 'description', 'fingerprint', 'location', 'severity']);
    expect(typeof i.description).toBe('string');
    expect(i.description.length).toBeGreaterThan(0);
    expect(['info', 'minor', 'major', 'critical', 'blocker']).toContain(i.severity);
    expect(i.location.path).not.toMatch(/^\//);
    expect(Number.isInteger(i.location.lines.begin) && i.location.lines.begin >= 1).toBe(true);
  }
  expect(new Set(issues.map((i) => i.fingerprint)).size).toBe(issues.length);
}

describe('gitlab code quality', () => {
  for (const name of fixtures) {
    it(`is a valid report for fixture ${name}`, () => {
      const r = scan({ paths: ['.'], cwd: join(root, name) });
      const issues = JSON.parse(formatGitlab(r)) as Issue[];
      checkGitlab(issues);
      expect(issues).toHaveLength(r.findings.length + r.errors.length);
      const findings = issues.filter((i) => i.check_name !== 'input-error');
      r.findings.forEach((f, k) => {
        expect(findings[k]).toEqual({
          description: f.message,
          check_name: f.rule,
          fingerprint: f.fingerprint,
          severity: GITLAB_SEVERITY[f.severity],
          location: { path: f.location.file, lines: { begin: f.location.line } },
        });
      });
    });
  }

  it('maps severities, marks input errors blocker, leaves suppressed findings out, keeps fingerprints unique', () => {
    const twin = finding({ fingerprint: 'ab'.repeat(16) });
    const r = report([twin, { ...twin, location: { ...twin.location, line: 99 } }, finding({ severity: 'warning' }), finding({ severity: 'note' })], {
      suppressed: [finding({ suppression: { kind: 'baseline', reason: 'baseline' } })],
      errors: [inputError('a.json'), inputError('a.json')],
    });
    const issues = JSON.parse(formatGitlab(r)) as Issue[];
    checkGitlab(issues);
    expect(issues.map((i) => i.severity)).toEqual(['blocker', 'blocker', 'critical', 'critical', 'major', 'info']);
    expect(issues[3].fingerprint).toBe(`${'ab'.repeat(16)}:2`);
    expect(issues).toHaveLength(6);
  });
});

describe('junit', () => {
  for (const name of fixtures) {
    it(`is well-formed with a suite per rule for fixture ${name}`, () => {
      const r = scan({ paths: ['.'], cwd: join(root, name) });
      const doc = parseXml(formatJunit(r));
      expect(doc.name).toBe('testsuites');
      const suites = all(doc, 'testsuite');
      const ruleSuites = suites.filter((s) => s.attributes.name !== 'input-error');
      expect(ruleSuites.map((s) => s.attributes.name)).toEqual(RULE_METAS.map((x) => x.id));
      expect(all(doc, 'failure')).toHaveLength(r.findings.length);
      expect(all(doc, 'error')).toHaveLength(r.errors.length);
      let tests = 0;
      let failures = 0;
      for (const s of suites) {
        const cases = all(s, 'testcase');
        expect(Number(s.attributes.tests)).toBe(cases.length);
        expect(Number(s.attributes.failures)).toBe(all(s, 'failure').length);
        tests += cases.length;
        failures += Number(s.attributes.failures);
      }
      expect(Number(doc.attributes.tests)).toBe(tests);
      expect(Number(doc.attributes.failures)).toBe(failures);
      expect(Number(doc.attributes.errors)).toBe(r.errors.length);
      const failureMessages = all(doc, 'failure').map((f) => f.attributes.message);
      expect(failureMessages.sort()).toEqual(r.findings.map((f) => f.message).sort());
    });
  }

  it('escapes markup and replaces characters XML cannot carry', () => {
    const nasty = 'grants <s3:*> & "quotes" \'apos\' ]]> \u0001 \uD800 \uFFFE\tend\nnext';
    const f = finding({ message: nasty, role: { name: 'r<&>"', arn: 'arn:aws:iam::1:role/r', id: 'R' }, location: { file: 'a&b/<c>.yaml', line: 1, column: 1 } });
    const r = report([f], { errors: [inputError('x"y.json', 'invalid JSON: <unexpected> & more')], suppressed: [finding({ suppression: { kind: 'inline', reason: 'because <reasons> & "more"', expires: '2027-01-01' } })] });
    const doc = parseXml(formatJunit(r));
    const failure = all(doc, 'failure')[0];
    expect(failure.attributes.message).toBe('grants <s3:*> & "quotes" \'apos\' ]]> \uFFFD \uFFFD \uFFFD\tend\nnext');
    expect(failure.attributes.type).toBe('error');
    expect(failure.text).toContain('role: r<&>" (arn:aws:iam::1:role/r)');
    const failing = all(doc, 'testcase').find((c) => c.children.some((x) => x.name === 'failure'))!;
    expect(failing.attributes).toMatchObject({ name: 'a&b/<c>.yaml:1:1 r<&>"', classname: 'rolefit.excess-action', file: 'a&b/<c>.yaml', line: '1' });
    expect(all(doc, 'error')[0].attributes.message).toBe('invalid JSON: <unexpected> & more');
    expect(all(doc, 'skipped')[0].attributes.message).toBe('suppressed (inline until 2027-01-01): because <reasons> & "more"');
    expect(doc.attributes.skipped).toBe('1');
  });

  it('lists at most 20 actions of a finding and says how many there are', () => {
    const actions = Array.from({ length: 61 }, (_, i) => `ecr:Action${i}`);
    const doc = parseXml(formatJunit(report([finding({ actions, actionCount: 61 })])));
    const body = all(doc, 'failure')[0].text;
    expect(body).toContain('ecr:Action19, … (61 in all)');
    expect(body).not.toContain('ecr:Action20');
  });

  it('passes a rule without findings as one test case', () => {
    const doc = parseXml(formatJunit(report(many(2, 'warning', { rule: 'excess-resource' }))));
    const suite = all(doc, 'testsuite').find((s) => s.attributes.name === 'shared-role')!;
    expect(all(suite, 'testcase').map((c) => [c.attributes.name, c.children.length])).toEqual([['no findings', 0]]);
    expect(all(doc, 'testsuite').find((s) => s.attributes.name === 'excess-resource')!.attributes.failures).toBe('2');
  });
});
