// The CLI's output options as users run them (the built bundle in a child process): --format for
// each format, --output FORMAT=FILE beside it, the GitHub job summary, and --context, which reads
// context but reports only the files named (how pre-commit and lint-staged run rolefit).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scan } from '../src/scan.js';
import { validateReport } from './helpers/schema.js';
import { validateSarif } from './helpers/sarif-schema.js';

const repo = join(import.meta.dirname, '..');
const bin = join(repo, 'bin', 'rolefit.cjs');
let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'rolefit-cli-output-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) {
  const env = { ...process.env };
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'GITHUB_STEP_SUMMARY', 'GITHUB_ACTIONS']) delete env[k];
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: opts.cwd ?? repo, encoding: 'utf8', env: { ...env, ...opts.env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('--format and --output', () => {
  it('prints each format and writes others beside it, with the same exit code', () => {
    const plain = run(['scan', 'fixtures/ecs-broad-cfn']);
    expect(plain.code).toBe(1);
    const files = { sarif: join(tmp, 'r.sarif'), junit: join(tmp, 'r.xml'), gitlab: join(tmp, 'gl.json'), json: join(tmp, 'r.json') };
    const r = run(['scan', 'fixtures/ecs-broad-cfn', '--output', `sarif=${files.sarif}`, '-o', `junit=${files.junit}`, '--output', `gitlab=${files.gitlab}`, '--output', `json=${files.json}`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(plain.stdout); // text on stdout, uncolored, as without --output
    const sarif = JSON.parse(readFileSync(files.sarif, 'utf8'));
    expect(validateSarif(sarif)).toEqual([]);
    expect(sarif.runs[0].results.map((x: { locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) => x.locations[0].physicalLocation.artifactLocation.uri)).toContain('fixtures/ecs-broad-cfn/worker.yaml');
    expect(readFileSync(files.junit, 'utf8')).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="rolefit"/);
    expect(JSON.parse(readFileSync(files.gitlab, 'utf8'))).toHaveLength(4);
    const report = JSON.parse(readFileSync(files.json, 'utf8'));
    expect(validateReport(report)).toEqual([]);
    expect(report.summary.findings).toBe(4);
    // A file written in text is never colored, even when stdout is.
    const text = join(tmp, 'r.txt');
    expect(run(['scan', 'fixtures/ecs-broad-cfn', '--color', '--output', `text=${text}`]).stdout).toContain('\u001b[');
    expect(readFileSync(text, 'utf8')).not.toContain('\u001b[');
  });

  it.each(['sarif', 'github', 'gitlab', 'junit'])('--format %s exits as the text format does', (format) => {
    expect(run(['scan', '--format', format, 'fixtures/ecs-clean-cfn']).code).toBe(0);
    expect(run(['scan', '--format', format, 'fixtures/ecs-broad-cfn']).code).toBe(1);
    expect(run(['scan', '--format', format, '--fail-on', 'none', 'fixtures/ecs-broad-cfn']).code).toBe(0);
    expect(run(['scan', '--format', format, 'fixtures/malformed']).code).toBe(2);
  });

  it('refuses an unknown format and a malformed --output with exit 2', () => {
    const bad = run(['scan', '--format', 'xml', 'fixtures/ecs-clean-cfn']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("argument 'xml' is invalid");
    const noFile = run(['scan', '--output', 'sarif', 'fixtures/ecs-clean-cfn']);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain('expected FORMAT=FILE, e.g. sarif=rolefit.sarif');
    const unknown = run(['scan', '--output', 'pdf=x.pdf', 'fixtures/ecs-clean-cfn']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown format "pdf" (formats: text, json, sarif, github, gitlab, junit)');
  });

  it('says which file it could not write and exits 2, after printing the report', () => {
    const missingDir = join(tmp, 'no', 'such', 'dir', 'r.sarif');
    const r = run(['scan', 'fixtures/ecs-clean-cfn', '--output', `sarif=${missingDir}`, '--output', `json=${tmp}`]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('no findings');
    expect(r.stderr).toContain(`rolefit: cannot write the sarif report to ${missingDir}: no such directory`);
    expect(r.stderr).toContain(`rolefit: cannot write the json report to ${tmp}: it is a directory`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('appends the job summary with --format github when $GITHUB_STEP_SUMMARY is set', () => {
    const summary = join(tmp, 'step-summary.md');
    writeFileSync(summary, '# earlier\n');
    const r = run(['scan', '--format', 'github', 'fixtures/ecs-broad-cfn'], { env: { GITHUB_STEP_SUMMARY: summary } });
    expect(r.code).toBe(1);
    const md = readFileSync(summary, 'utf8');
    expect(md.startsWith('# earlier\n## rolefit\n')).toBe(true);
    expect(md).toContain('| error | [excess-resource](');
    // Other formats leave it alone.
    run(['scan', '--format', 'text', 'fixtures/ecs-broad-cfn'], { env: { GITHUB_STEP_SUMMARY: summary } });
    expect(readFileSync(summary, 'utf8')).toBe(md);
  });
});

describe('--context', () => {
  // The role is in execution-role.json, its task definition in taskdef.json: the missing
  // permissions are located in the task definition, the excess in the role's policy.
  const dir = 'fixtures/ecs-invalid-task-definition';

  it('links the role from the context and reports only the findings of the files named', () => {
    const full = scan({ paths: [dir], cwd: repo });
    const inTaskdef = full.findings.filter((f) => f.location.file === `${dir}/taskdef.json`);
    expect(inTaskdef.some((f) => f.rule === 'missing-permission')).toBe(true);
    expect(full.findings.some((f) => f.location.file === `${dir}/execution-role.json`)).toBe(true);

    const alone = scan({ paths: [`${dir}/taskdef.json`], cwd: repo });
    expect(alone.findings.some((f) => f.rule === 'missing-permission')).toBe(false); // no role to check

    // The task definition's file: what is located in it, and what it is missing wherever the
    // statement to fix is.
    const scoped = scan({ paths: [`${dir}/taskdef.json`], context: [dir], cwd: repo });
    const forTaskdef = full.findings.filter((f) => f.location.file === `${dir}/taskdef.json` || f.rule === 'missing-permission');
    expect(scoped.findings).toEqual(forTaskdef);
    expect(scoped.findings.some((f) => f.rule === 'excess-action')).toBe(false);
    expect(scoped.summary).toMatchObject({ findings: forTaskdef.length, errors: forTaskdef.filter((f) => f.severity === 'error').length, inputErrors: 0, partial: false });
    expect(validateReport(scoped)).toEqual([]);

    // The role's file: what is located in it, and the role's missing permissions located in the
    // (unchanged) task definition, which a change to the role would cause.
    const other = scan({ paths: [`${dir}/execution-role.json`], context: [dir], cwd: repo });
    expect(other.findings).toEqual(full.findings.filter((f) => f.location.file === `${dir}/execution-role.json` || f.rule === 'missing-permission'));
    expect(other.findings.some((f) => f.rule === 'missing-permission' && f.location.file === `${dir}/taskdef.json`)).toBe(true);
  });

  it('accepts absolute file names, as lint-staged passes them, and prints paths relative to the working directory', () => {
    const r = run(['scan', '--context', '.', join(repo, dir, 'taskdef.json')], { cwd: join(repo, dir) });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^taskdef\.json$/m);
    expect(r.stdout).toContain('[missing-permission]');
    expect(r.stdout).not.toContain('execution-role.json\n');
  });

  it('warns about unreadable context files without failing, and fails on unreadable files named', () => {
    const ws = join(tmp, 'ws');
    mkdirSync(ws, { recursive: true });
    cpSync(join(repo, dir, 'taskdef.json'), join(ws, 'taskdef.json'));
    cpSync(join(repo, dir, 'execution-role.json'), join(ws, 'execution-role.json'));
    writeFileSync(join(ws, 'broken.json'), '{ "family": "x",\n  "oops" }\n');
    const r = run(['scan', '--context', '.', 'taskdef.json', '--format', 'json'], { cwd: ws });
    expect(r.code).toBe(1); // the findings, not the broken context file
    const report = JSON.parse(r.stdout);
    expect(report.errors).toEqual([]);
    expect(report.summary.partial).toBe(true);
    expect(r.stderr).toMatch(/^rolefit: warning: broken\.json:2:\d+: invalid JSON: .* \(a context file, not reported: findings that depend on it may be missing\)\n$/);
    const named = run(['scan', '--context', '.', 'taskdef.json', 'broken.json'], { cwd: ws });
    expect(named.code).toBe(2);
    expect(named.stdout).toMatch(/broken\.json:2:\d+: input error: invalid JSON/);
    expect(named.stderr).toBe('');
  });

  it('fails on a context path that does not exist', () => {
    const r = run(['scan', '--context', 'no/such/dir', `${dir}/taskdef.json`]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('no/such/dir:1:1: input error: no such file or directory');
    expect(existsSync(join(repo, 'no'))).toBe(false);
  });
});
