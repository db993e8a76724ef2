// The configuration, suppressions and baselines through the built CLI: flags, exit codes, messages.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workdir } from './helpers/workdir.js';
import { ACCOUNT, CONTEXT, serviceTemplate } from './helpers/service-template.js';

const bin = join(import.meta.dirname, '..', 'bin', 'rolefit.js');

function rolefit(cwd: string, ...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const excess = serviceTemplate({
  extra: `              - Effect: Allow
                Action: logs:DeleteLogGroup
                Resource: arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/ecs/app:*
`,
});

describe('rolefit scan with a configuration', () => {
  it('finds .rolefit.yaml upward; --config and --no-config choose otherwise', () => {
    const dir = workdir({ '.rolefit.yaml': CONTEXT + 'rules:\n  excess-action: warning\n', 'strict.yaml': CONTEXT, 'infra/stack.yaml': excess }, { git: true });
    const sub = join(dir, 'infra');
    expect(rolefit(sub, 'scan').code).toBe(0); // a warning does not fail the default --fail-on error
    expect(rolefit(sub, 'scan', '--config', '../strict.yaml').code).toBe(1);
    const none = rolefit(sub, 'scan', '--no-config');
    expect(none.code).toBe(1);
    expect(none.stdout).toContain('cannot verify'); // no deployment context: notes again
  });

  it('takes fail-on from the configuration unless --fail-on is given', () => {
    const dir = workdir({ '.rolefit.yaml': CONTEXT + 'fail-on: none\n', 'stack.yaml': excess });
    expect(rolefit(dir, 'scan').code).toBe(0);
    expect(rolefit(dir, 'scan', '--fail-on', 'error').code).toBe(1);
  });

  it('exits 2 on a configuration mistake, naming the file, line and key', () => {
    const dir = workdir({ '.rolefit.yaml': CONTEXT + 'ignore:\n  - rule: excess-action\n    paths: legacy/**\n', 'stack.yaml': excess });
    const r = rolefit(dir, 'scan');
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'rolefit: .rolefit.yaml:5:5: invalid configuration: ignore[0]: missing required key "reason"\n' });
    expect(rolefit(dir, 'scan', '--config', 'missing.yaml').stderr).toMatch(/^rolefit: missing\.yaml:1:1: cannot read configuration file: ENOENT/);
  });

  it('counts suppressed findings apart in the text summary', () => {
    const dir = workdir({ '.rolefit.yaml': CONTEXT + 'ignore:\n  - rule: excess-action\n    reason: cleanup job\n', 'stack.yaml': excess });
    const r = rolefit(dir, 'scan');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('no findings in 1 file, 1 role, 1 workload (1 suppressed)\n');
  });

  it('lists the suppression stage\'s rules with the others', () => {
    const r = rolefit(workdir({}), 'rules');
    expect(r.stdout).toMatch(/^invalid-suppression +error +every role and policy +Suppression without a reason/m);
    expect(r.stdout).toMatch(/^stale-baseline +note /m);
  });
});

describe('rolefit explain with a configuration', () => {
  it('takes the account, Region and partition of templates from it', () => {
    const dir = workdir({ 'worker.yaml': readFileSync(join(import.meta.dirname, '..', 'fixtures', 'ecs-broad-cfn', 'worker.yaml'), 'utf8') });
    const args = ['explain', 'ExecutionRole', 'worker.yaml', '--action', 'logs:CreateLogStream', '--resource', `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/ecs/x:log-stream:y`];
    const unknown = rolefit(dir, ...args);
    expect(unknown.stdout).toMatch(/^depends: /);
    writeFileSync(join(dir, '.rolefit.yaml'), CONTEXT + 'baseline: not-written-yet.json\n'); // explain reads no baseline
    const decided = rolefit(dir, ...args);
    expect(decided.stdout).toMatch(/^allowed: /);
    expect(decided.code).toBe(0);
    expect(rolefit(dir, ...args, '--no-config').stdout).toMatch(/^depends: /);
  });
});

describe('rolefit scan --write-baseline / --baseline', () => {
  it('adopts a repository: write the baseline, then fail only on new findings', () => {
    const dir = workdir({ '.rolefit.yaml': CONTEXT, 'stack.yaml': excess });
    const write = rolefit(dir, 'scan', '--write-baseline', 'baseline.json');
    expect(write.code).toBe(0);
    expect(write.stderr).toBe('rolefit: wrote 1 finding to baseline baseline.json\n');
    expect(JSON.parse(readFileSync(join(dir, 'baseline.json'), 'utf8')).findings).toHaveLength(1);
    expect(rolefit(dir, 'scan').code).toBe(1);
    const accepted = rolefit(dir, 'scan', '--baseline', 'baseline.json', '--format', 'json');
    expect(accepted.code).toBe(0);
    expect(JSON.parse(accepted.stdout).suppressed[0].suppression.kind).toBe('baseline');
  });

  it('does not write a baseline when input could not be read', () => {
    const dir = workdir({ '.rolefit.yaml': CONTEXT, 'stack.yaml': excess, 'broken.json': '{"Version": "2012-10-17", "Statement": ' });
    const r = rolefit(dir, 'scan', '--write-baseline', 'baseline.json');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('rolefit: baseline not written: 1 input error (the baseline would be incomplete)\n');
    expect(existsSync(join(dir, 'baseline.json'))).toBe(false);
    const nowhere = rolefit(workdir({ 'stack.yaml': excess }), 'scan', '--write-baseline', 'no/such/dir/baseline.json');
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toMatch(/^rolefit: cannot write baseline no\/such\/dir\/baseline\.json: ENOENT/);
  });

  it('exits 2 on a baseline that cannot be read', () => {
    const dir = workdir({ 'stack.yaml': excess, 'baseline.json': '{"version": 1}' });
    const r = rolefit(dir, 'scan', '--baseline', 'baseline.json');
    expect(r).toMatchObject({ code: 2, stderr: 'rolefit: baseline.json:1:1: invalid baseline: (top level): missing required key "findings"\n' });
  });
});
