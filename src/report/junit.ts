// JUnit XML, for CI test-report views (GitLab artifacts:reports:junit, Jenkins junit).
//
// One <testsuite> per rule, in the catalogue's order, so that the views list every rule checked:
// a rule without findings has one passing test case ("no findings"); each finding is a test case
// named by its location (and role) with a <failure> of type error, warning or note; a suppressed
// finding is a <skipped> test case carrying the reason. Input that could not be read is a suite
// `input-error` whose cases are <error>s (the check could not run), first. classname is
// `rolefit.<rule>`, which Jenkins shows as package `rolefit`, class `<rule>`.
import { RULE_METAS } from '../rules/index.js';
import { isArnLocation, where } from './words.js';
import { INPUT_ERROR_ID, ruleDocUrl } from './links.js';
import type { Finding, FindingLocation, Report } from './types.js';

/** Actions listed in a failure's body; the message and actionCount say how many there are. */
const LISTED_ACTIONS = 20;

export function formatJunit(report: Report): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  if (report.errors.length) {
    const cases = report.errors.map((e) =>
      testcase(INPUT_ERROR_ID, where(e.location), e.location, `<error type="${INPUT_ERROR_ID}" message="${attr(e.message)}">${text(`${where(e.location)}: ${e.message}`)}</error>`),
    );
    suites.push(testsuite(INPUT_ERROR_ID, cases, { tests: cases.length, failures: 0, errors: cases.length, skipped: 0 }));
    tests += cases.length;
    errors += cases.length;
  }
  const ruleIds = RULE_METAS.map((m) => m.id);
  for (const f of [...report.findings, ...report.suppressed]) if (!ruleIds.includes(f.rule)) ruleIds.push(f.rule);
  for (const rule of ruleIds) {
    const found = report.findings.filter((f) => f.rule === rule);
    const silenced = report.suppressed.filter((f) => f.rule === rule);
    const cases = [
      ...found.map((f) => testcase(rule, caseName(f), f.location, `<failure type="${f.severity}" message="${attr(f.message)}">${text(details(f))}</failure>`)),
      ...silenced.map((f) => {
        const s = f.suppression;
        const why = s ? `suppressed (${s.kind}${s.expires ? ` until ${s.expires}` : ''}): ${s.reason}` : 'suppressed';
        return testcase(rule, caseName(f), f.location, `<skipped message="${attr(why)}"/>`);
      }),
    ];
    if (cases.length === 0) cases.push(testcase(rule, 'no findings', null, ''));
    const counts = { tests: cases.length, failures: found.length, errors: 0, skipped: silenced.length };
    suites.push(testsuite(rule, cases, counts));
    tests += counts.tests;
    failures += counts.failures;
    skipped += counts.skipped;
  }
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="rolefit" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}">\n` +
    suites.join('') +
    '</testsuites>\n'
  );
}

function testsuite(name: string, cases: string[], c: { tests: number; failures: number; errors: number; skipped: number }): string {
  return `  <testsuite name="${attr(name)}" tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}">\n${cases.join('')}  </testsuite>\n`;
}

function testcase(rule: string, name: string, loc: FindingLocation | null, body: string): string {
  // A live location is an ARN, not a file a test report could link to: the case name carries it.
  const at = loc && !isArnLocation(loc) ? ` file="${attr(loc.file)}" line="${loc.line}"` : '';
  const open = `    <testcase name="${attr(name)}" classname="rolefit.${attr(rule)}"${at}`;
  return body ? `${open}>\n      ${body}\n    </testcase>\n` : `${open}/>\n`;
}

function caseName(f: Finding): string {
  return f.role ? `${where(f.location)} ${f.role.name}` : where(f.location);
}

function details(f: Finding): string {
  const lines = [`${where(f.location)}: ${f.severity}: ${f.message}`];
  if (f.role) lines.push(`role: ${f.role.name} (${f.role.arn})`);
  if (f.workloads.length) lines.push(`workloads: ${f.workloads.join(', ')}`);
  if (f.actionCount) {
    const more = f.actionCount > LISTED_ACTIONS ? `, … (${f.actionCount} in all)` : '';
    lines.push(`actions: ${f.actions.slice(0, LISTED_ACTIONS).join(', ')}${more}`);
  }
  if (f.resources.length) lines.push(`resources: ${f.resources.join(', ')}`);
  lines.push(`documentation: ${ruleDocUrl(f.rule)}`);
  return lines.join('\n');
}

/** Characters XML 1.0 cannot carry at all (controls, lone surrogates, U+FFFE/U+FFFF) become U+FFFD. */
function xmlChars(s: string): string {
  return s.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD');
}

function text(s: string): string {
  return xmlChars(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An attribute value in double quotes; tabs and line breaks as references, so parsers keep them. */
function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}
