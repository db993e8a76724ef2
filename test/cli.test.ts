// The CLI as users run it: the built bundle in a child process, its stdout, stderr and exit code.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateReport } from './helpers/schema.js';

const repo = join(import.meta.dirname, '..');
const bin = join(repo, 'bin', 'rolefit.js');

function run(args: string[], env: Record<string, string> = {}) {
  // No color unless a test asks: the runner's own FORCE_COLOR/NO_COLOR must not leak in.
  const base = { ...process.env };
  delete base.NO_COLOR;
  delete base.FORCE_COLOR;
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: repo, encoding: 'utf8', env: { ...base, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('rolefit scan', () => {
  it('exits 0 on a clean least-privilege service and says so', () => {
    const r = run(['scan', 'fixtures/ecs-clean-cfn']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('no findings in 1 file, 2 roles, 1 workload');
    expect(r.code).toBe(0);
  });

  it('exits 1 with findings at or above --fail-on, 0 below it', () => {
    const managed = run(['scan', 'fixtures/ecs-managed-policies-cfn']);
    expect(managed.code).toBe(1);
    expect(managed.stdout).toMatch(/^fixtures\/ecs-managed-policies-cfn\/stack\.json$/m);
    expect(managed.stdout).toMatch(/^  \d+:\d+ +error +role billing-worker-execution grants \d+ actions its workloads never use/m);
    expect(run(['scan', '--fail-on', 'none', 'fixtures/ecs-managed-policies-cfn']).code).toBe(0);
  });

  it('--fail-on note fails on notes only', () => {
    // The unresolved fixture has only notes and warnings.
    expect(run(['scan', 'fixtures/ecs-unresolved-cfn']).code).toBe(0);
    expect(run(['scan', '--fail-on', 'note', 'fixtures/ecs-unresolved-cfn']).code).toBe(1);
  });

  it('writes a schema-valid JSON report with paths relative to the working directory', () => {
    const r = run(['scan', '--format', 'json', 'fixtures/ecs-taskdef-iam-dump']);
    const report = JSON.parse(r.stdout);
    expect(validateReport(report)).toEqual([]);
    expect(report.tool.name).toBe('rolefit');
    expect(report.findings.every((f: { location: { file: string } }) => f.location.file.startsWith('fixtures/ecs-taskdef-iam-dump/'))).toBe(true);
  });

  it('exits 2 with file:line for unreadable input, and still reports the rest', () => {
    const r = run(['scan', 'fixtures/malformed']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('fixtures/malformed/taskdef-missing-comma.json:5:5: input error: invalid JSON');
    expect(r.stdout).toMatch(/fixtures\/malformed\/template-bad-indent\.yaml:\d+:\d+: input error: invalid YAML/);
    expect(r.stdout).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('exits 2 for a path that does not exist and for an unknown option', () => {
    expect(run(['scan', 'no/such/dir']).code).toBe(2);
    const bad = run(['scan', '--bogus']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown option '--bogus'");
  });

  it('colors only when asked or on a terminal, and never with NO_COLOR', () => {
    expect(run(['scan', 'fixtures/ecs-managed-policies-cfn']).stdout).not.toContain('\u001b[');
    expect(run(['scan', 'fixtures/ecs-managed-policies-cfn'], { FORCE_COLOR: '1' }).stdout).toContain('\u001b[');
    expect(run(['scan', '--color', 'fixtures/ecs-managed-policies-cfn'], { NO_COLOR: '1' }).stdout).not.toContain('\u001b[');
  });
});

describe('rolefit expand', () => {
  it('prints the concrete actions of a pattern in catalog casing', () => {
    const r = run(['expand', 'ecr:batchget*']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['ecr:BatchGetImage', 'ecr:BatchGetRepositoryScanningConfiguration']);
  });

  it('--count prints the number', () => {
    const r = run(['expand', '--count', 'logs:CreateLog*']);
    expect(r.stdout.trim()).toBe(String(run(['expand', 'logs:CreateLog*']).stdout.trim().split('\n').length));
  });

  it('rejects an unknown service with exit 2', () => {
    const r = run(['expand', 'ecrr:*']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ecrr:*');
  });
});

describe('output closed early', () => {
  it('ends quietly when the reader stops (rolefit … | head)', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [bin, 'expand', '*'], { cwd: repo });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

describe('the rolefit command (bin/rolefit.cjs)', () => {
  it('is the package bin and behaves as the ES-module shim', () => {
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
    expect(pkg.bin.rolefit).toBe('bin/rolefit.cjs');
    const viaCjs = spawnSync(process.execPath, [join(repo, 'bin', 'rolefit.cjs'), 'scan', '--format', 'json', 'fixtures/ecs-taskdef-iam-dump'], { cwd: repo, encoding: 'utf8' });
    const viaEsm = run(['scan', '--format', 'json', 'fixtures/ecs-taskdef-iam-dump']);
    expect(viaCjs.status).toBe(viaEsm.code);
    expect(viaCjs.stdout).toBe(viaEsm.stdout);
  });
});
