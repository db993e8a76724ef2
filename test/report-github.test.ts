// GitHub Actions output: workflow commands escaped as the runner parses them, GitHub's per-step
// annotation limits respected with a notice counting the rest, and a job summary under 1 MiB.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { annotationCommand, escapeData, escapeProperty, formatGithub, formatStepSummary, STEP_SUMMARY_LIMIT } from '../src/report/github.js';
import { appendStepSummary } from '../src/report/formats.js';
import { finding, inputError, many, report } from './helpers/report.js';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'rolefit-github-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * The workflow commands of an output as the runner reads them (lines starting with `::`, none
 * between `::stop-commands::TOKEN` and `::TOKEN::`), with escapes undone.
 */
function commands(out: string): Array<{ kind: string; props: Record<string, string>; message: string }> {
  const unescape = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
  let stopped: string | null = null;
  const active: string[] = [];
  for (const l of out.split(/\r\n|\r|\n/)) {
    if (stopped !== null) {
      if (l === `::${stopped}::`) stopped = null;
      continue;
    }
    const stop = /^::stop-commands::(.+)$/.exec(l);
    if (stop) stopped = stop[1];
    else if (l.startsWith('::')) active.push(l);
  }
  expect(stopped, 'commands stopped and never resumed').toBeNull();
  return active
    .map((l) => {
      const m = /^::(\w+) ([^:]*)::(.*)$/.exec(l);
      if (!m) throw new Error(`not a workflow command: ${l}`);
      const props = Object.fromEntries(m[2].split(',').map((p) => p.split('=')).map(([k, v]) => [k, unescape(v)]));
      return { kind: m[1], props, message: unescape(m[3]) };
    });
}

describe('github annotations', () => {
  it('escapes messages and properties as the runner requires', () => {
    expect(escapeData('100% done\r\nnext')).toBe('100%25 done%0D%0Anext');
    expect(escapeProperty('a:b,c%d\ne')).toBe('a%3Ab%2Cc%25d%0Ae');
    const line = annotationCommand({
      command: 'error',
      location: { file: 'infra/a,b:c.yaml', line: 3, column: 9 },
      title: 'rolefit excess-action',
      message: 'grants s3:* on arn:aws:s3:::bucket, 50% of it\nsecond line',
    });
    expect(line).toBe('::error file=infra/a%2Cb%3Ac.yaml,line=3,col=9,title=rolefit excess-action::grants s3:* on arn:aws:s3:::bucket, 50%25 of it%0Asecond line');
    // One command per line: nothing the message holds can start a new one.
    expect(line.split('\n')).toHaveLength(1);
  });

  it('round-trips hostile text through the escapes', () => {
    const f = finding({ message: 'a %0A b\n::error::injected\r::add-mask::x\n::rolefit-0::,:%', location: { file: 'dir, with: colons/%41.json', line: 2, column: 1 } });
    const out = formatGithub(report([f]));
    const cs = commands(out);
    expect(cs).toHaveLength(1);
    const [c] = cs;
    expect(c.kind).toBe('error');
    expect(c.props.file).toBe('dir, with: colons/%41.json');
    expect(c.message.startsWith(f.message + '\n')).toBe(true);
    // The plain listing shows the message on one line, inside the stop-commands block.
    expect(out).toContain('dir, with: colons/%41.json:2:1: error: a %0A b ::error::injected ::add-mask::x ::rolefit-0::,:% [excess-action]');
  });

  it('keeps to 10 errors, 10 warnings and 10 notices, input errors first, and counts the rest in one notice', () => {
    const errors = [inputError('broken.json'), inputError('broken.yaml', 'invalid YAML: bad indentation')];
    const r = report([...many(25, 'error'), ...many(15, 'warning'), ...many(12, 'note')], { errors });
    const out = formatGithub(r);
    const cs = commands(out);
    const kinds = (k: string) => cs.filter((c) => c.kind === k);
    expect(kinds('error')).toHaveLength(10);
    expect(kinds('warning')).toHaveLength(10);
    expect(kinds('notice')).toHaveLength(10);
    expect(kinds('error').slice(0, 2).map((c) => c.props.file)).toEqual(['broken.json', 'broken.yaml']);
    expect(kinds('error')[2].message).toContain(r.findings[0].message);
    const last = cs[cs.length - 1];
    expect(last.kind).toBe('notice');
    expect(last.props.file).toBeUndefined();
    expect(last.message).toMatch(/^17 errors, 5 warnings, 3 notes not annotated/);
    // The log lists every finding and input error even though annotations are capped.
    for (const f of r.findings) expect(out).toContain(`${f.location.file}:${f.location.line}:${f.location.column}: ${f.severity}: ${f.message} [${f.rule}]`);
    expect(out).toContain('broken.yaml:3:5: input error: invalid YAML: bad indentation');
  });

  it('annotates every finding when they fit, with no counting notice', () => {
    const r = report([...many(10, 'error'), ...many(10, 'warning'), ...many(10, 'note')]);
    const cs = commands(formatGithub(r));
    expect(cs).toHaveLength(30);
    expect(cs.filter((c) => c.kind === 'notice').every((c) => c.props.file === 'infra/app.yaml')).toBe(true);
    // Eleven notes: nine annotated, the last notice counts two.
    const more = commands(formatGithub(report(many(11, 'note'))));
    expect(more).toHaveLength(10);
    expect(more[9].message).toMatch(/^2 notes not annotated/);
  });

  it('annotates with file, line, column and a title naming the rule', () => {
    const f = finding({ rule: 'missing-permission', severity: 'warning', location: { file: 'svc/task.json', line: 12, column: 4 } });
    const [c] = commands(formatGithub(report([f])));
    expect(c).toMatchObject({ kind: 'warning', props: { file: 'svc/task.json', line: '12', col: '4', title: 'rolefit missing-permission' } });
    expect(c.message).toContain('docs/rules/missing-permission.md');
  });
});

describe('github job summary', () => {
  it('has the counts and a row per finding, with table cells escaped', () => {
    const f = finding({ message: 'grants a|b on `x` <script>\nline two' });
    const md = formatStepSummary(report([f], { errors: [inputError('bad.json')] }));
    expect(md).toContain('## rolefit');
    expect(md).toContain('rolefit: 1 finding (1 error, 0 warnings, 0 notes) in 3 files, 1 role, 1 task definition; 1 input error (partial result)');
    expect(md).toContain('| input error | input-error | bad.json:3:5 | invalid JSON: comma expected |');
    expect(md).toContain('grants a\\|b on \\`x\\` &lt;script&gt;<br>line two |');
    expect(md.split('\n').filter((l) => l.startsWith('| ')).length).toBe(3); // header and two rows
  });

  it('stays within its budget and says how many rows it left out', () => {
    const long = 'x'.repeat(400);
    const r = report(many(5000, 'error', { message: `role app-execution grants ${long}` }));
    const md = formatStepSummary(r);
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(STEP_SUMMARY_LIMIT);
    const shown = md.split('\n').filter((l) => l.startsWith('| error |')).length;
    expect(shown).toBeGreaterThan(1000);
    expect(shown).toBeLessThan(5000);
    expect(md).toContain(`_${5000 - shown} more rows not shown: the job summary is limited to 1 MiB.`);
    const small = formatStepSummary(r, 4096);
    expect(Buffer.byteLength(small)).toBeLessThanOrEqual(4096);
    expect(small).toMatch(/more rows not shown/);
  });

  it('appends to $GITHUB_STEP_SUMMARY within what the step has left', () => {
    const file = join(tmp, 'summary.md');
    writeFileSync(file, 'earlier step output\n'.repeat(50000)); // 1,000,000 bytes already there
    const before = readFileSync(file).length;
    expect(appendStepSummary(report(many(3000, 'warning')), file)).toBeNull();
    const after = readFileSync(file);
    expect(after.length).toBeGreaterThan(before);
    expect(after.length).toBeLessThanOrEqual(STEP_SUMMARY_LIMIT);
    expect(after.toString().slice(before)).toMatch(/^## rolefit/);
    writeFileSync(file, 'x'.repeat(STEP_SUMMARY_LIMIT));
    expect(appendStepSummary(report([]), file)).toMatch(/job summary not written/);
    expect(appendStepSummary(report([]), join(tmp, 'no', 'such', 'dir.md'))).toMatch(/cannot append the job summary/);
  });
});
