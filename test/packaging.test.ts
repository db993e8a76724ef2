// Packaging for the two CI hosts: the GitHub Action (action.yml and its committed runtime in
// action/) and the pre-commit hook (.pre-commit-hooks.yaml and the npm package pre-commit builds).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ACTION_INPUTS, actionArgs, splitPaths } from '../src/action/inputs.js';
import { FORMATS } from '../src/report/formats.js';
import { validateSarif } from './helpers/sarif-schema.js';

const repo = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'rolefit-packaging-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^(INPUT_|GITHUB_|RUNNER_)|^(NO_COLOR|FORCE_COLOR)$/.test(k)) delete env[k];
  return { ...env, ...extra };
}

const scanHelp = (() => {
  let text: string | undefined;
  return () => (text ??= execFileSync(process.execPath, [join(repo, 'bin', 'rolefit.cjs'), 'scan', '--help'], { encoding: 'utf8', env: cleanEnv() }));
})();


describe('action.yml', () => {
  const action = parse(readFileSync(join(repo, 'action.yml'), 'utf8'));

  it('is a node24 JavaScript action whose entry is committed', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'prebuilt/action.cjs' });
    expect(existsSync(join(repo, action.runs.main))).toBe(true);
    const tracked = execFileSync('git', ['ls-files', '--', 'action.yml', 'prebuilt/action.cjs', 'prebuilt/catalog/index.json'], { cwd: repo, encoding: 'utf8' });
    expect(tracked.trim().split('\n').sort()).toEqual(['action.yml', 'prebuilt/action.cjs', 'prebuilt/catalog/index.json']);
    expect(typeof action.name).toBe('string');
    expect(action.description.length).toBeGreaterThan(10);
  });

  it('has the inputs the action reads, each described, with the CLI defaults', () => {
    expect(Object.keys(action.inputs).sort()).toEqual([...ACTION_INPUTS].sort());
    for (const [name, spec] of Object.entries<{ description: string; required: boolean; default: string }>(action.inputs)) {
      expect(spec.description, name).toMatch(/\S/);
      expect(spec.required, name).toBe(false);
    }
    expect(action.inputs.paths.default).toBe('.');
    expect(action.inputs.format.default).toBe('github');
    // No default: an empty fail-on leaves the decision to the configuration's fail-on (else error).
    expect(action.inputs['fail-on'].default).toBe('');
    for (const f of FORMATS) expect(action.inputs.format.description).toContain(f);
    expect(Object.keys(action.outputs).sort()).toEqual(['findings', 'sarif-file']);
  });

  it('maps the inputs to scan arguments, paths after --', () => {
    const env = (inputs: Record<string, string>) => Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));
    expect(actionArgs(env({}))).toEqual(['scan', '--format', 'github', '--', '.']);
    // What the runner passes for inputs the workflow leaves out: their defaults, here empty.
    expect(actionArgs(env({ paths: '.', format: 'github', 'fail-on': '', config: '', baseline: '', 'sarif-file': '' }))).toEqual(['scan', '--format', 'github', '--', '.']);
    expect(actionArgs(env({ paths: 'infra -weird.json', format: 'sarif', 'fail-on': 'warning', config: 'ci/.rolefit.yaml', baseline: 'base.json', 'sarif-file': 'out.sarif' }))).toEqual([
      'scan', '--format', 'sarif', '--fail-on', 'warning', '--config', 'ci/.rolefit.yaml', '--baseline', 'base.json', '--output', 'sarif=out.sarif', '--', 'infra', '-weird.json',
    ]);
    expect(splitPaths('infra/prod\n  stacks/my stack.yaml \n\n')).toEqual(['infra/prod', 'stacks/my stack.yaml']);
    expect(splitPaths('a  b\tc')).toEqual(['a', 'b', 'c']);
  });

  it('maps every input to an option of rolefit scan', () => {
    const help = scanHelp();
    const all = actionArgs(Object.fromEntries(ACTION_INPUTS.map((n) => [`INPUT_${n.toUpperCase()}`, 'x'])));
    const flags = all.slice(0, all.indexOf('--')).filter((a) => a.startsWith('--'));
    expect(flags.sort()).toEqual(['--baseline', '--config', '--fail-on', '--format', '--output']);
    for (const flag of flags) expect(help, flag).toMatch(new RegExp(`(^|[ ,])${flag} `, 'm'));
  });

  it('runs from a checkout without node_modules: annotations, SARIF, outputs, job summary, exit code', () => {
    // What a runner has: the repository at the action's ref (here only what the action reads) and a workspace.
    const checkout = join(tmp, 'checkout');
    mkdirSync(checkout);
    for (const d of ['prebuilt', 'policies']) cpSync(join(repo, d), join(checkout, d), { recursive: true });
    copyFileSync(join(repo, 'package.json'), join(checkout, 'package.json'));
    const ws = join(tmp, 'workspace');
    cpSync(join(repo, 'fixtures', 'ecs-broad-cfn'), join(ws, 'infra'), { recursive: true });
    const out = join(tmp, 'github-output');
    const summary = join(tmp, 'step-summary.md');
    const runAction = (inputs: Record<string, string>) =>
      spawnSync(process.execPath, [join(checkout, 'prebuilt', 'action.cjs')], {
        cwd: ws,
        encoding: 'utf8',
        env: cleanEnv({
          GITHUB_ACTIONS: 'true',
          GITHUB_OUTPUT: out,
          GITHUB_STEP_SUMMARY: summary,
          RUNNER_TEMP: tmp,
          ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
        }),
      });
    const r = runAction({ paths: 'infra', format: 'github', 'fail-on': 'error', 'sarif-file': 'rolefit.sarif', config: '', baseline: '' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^::error file=infra\/worker\.yaml,line=\d+,col=\d+,title=rolefit excess-resource::/m);
    const sarif = JSON.parse(readFileSync(join(ws, 'rolefit.sarif'), 'utf8'));
    expect(validateSarif(sarif)).toEqual([]);
    expect(sarif.runs[0].results).toHaveLength(4);
    const outputs = readFileSync(out, 'utf8');
    expect(outputs).toMatch(/^sarif-file<<(ghadelimiter_[0-9a-f-]+)\nrolefit\.sarif\n\1\n/m);
    expect(outputs).toMatch(/^findings<<(ghadelimiter_[0-9a-f-]+)\n4\n\1\n/m);
    expect(readFileSync(summary, 'utf8')).toContain('rolefit: 4 findings (2 errors, 2 warnings, 0 notes)');
    expect(readdirSync(tmp).filter((f) => f.startsWith('rolefit-') && f.endsWith('.json'))).toEqual([]); // its temporary report is gone
    expect(runAction({ paths: 'infra', 'fail-on': 'none' }).status).toBe(0);
    // Without the fail-on input, the configuration's fail-on decides, as for the CLI.
    writeFileSync(join(ws, '.rolefit.yaml'), 'fail-on: none\n');
    expect(runAction({ paths: 'infra', 'fail-on': '' }).status).toBe(0);
    expect(runAction({ paths: 'infra', 'fail-on': 'error' }).status).toBe(1);
    rmSync(join(ws, '.rolefit.yaml'));
    // A SARIF file that could not be written is not named as the output (the upload step would fail on it).
    writeFileSync(out, '');
    const unwritten = runAction({ paths: 'infra', 'sarif-file': 'no/such/dir/r.sarif' });
    expect(unwritten.status).toBe(2);
    expect(readFileSync(out, 'utf8')).not.toContain('sarif-file');
    const bad = runAction({ paths: 'infra', format: 'pdf' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("argument 'pdf' is invalid");
  });
});

describe('pre-commit hook', () => {
  const hooks = parse(readFileSync(join(repo, '.pre-commit-hooks.yaml'), 'utf8'));

  it('declares one node hook that reads context and runs serially on Terraform, JSON and YAML', () => {
    expect(hooks).toHaveLength(1);
    const [hook] = hooks;
    expect(hook).toMatchObject({ id: 'rolefit', language: 'node', require_serial: true, types_or: ['terraform', 'json', 'yaml'] });
    expect(hook.name).toMatch(/\S/);
    expect(hook.pass_filenames ?? true).toBe(true);
    const [command, ...args] = hook.entry.split(/\s+/);
    expect(Object.keys(pkg.bin)).toContain(command);
    expect(args).toEqual(['scan', '--context', '.']);
    expect(new RegExp(hook.exclude).test('modules/vpc/.terraform/modules/x.json')).toBe(true);
    expect(new RegExp(hook.exclude).test('infra/stack.yaml')).toBe(false);
  });

  it('builds from a checkout without devDependencies (a production-only npm ci) from prebuilt/', () => {
    // Without esbuild, scripts/build.mjs assembles dist/ from the committed prebuilt/.
    const checkout = join(tmp, 'git-checkout');
    const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: repo, encoding: 'utf8' }).split('\0').filter(Boolean);
    for (const f of tracked) if (existsSync(join(repo, f))) cpSync(join(repo, f), join(checkout, f), { recursive: true });
    expect(existsSync(join(checkout, 'node_modules'))).toBe(false);
    const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: checkout, encoding: 'utf8', env: cleanEnv() });
    expect(build.status, build.stderr).toBe(0);
    expect(build.stderr).toContain('esbuild is not installed; dist/ comes from the committed prebuilt/');
    const run = (bin: string) => spawnSync(process.execPath, [bin, 'scan', 'fixtures', '--format', 'json'], { cwd: repo, encoding: 'utf8', env: cleanEnv() });
    const fromCheckout = run(join(checkout, 'bin', 'rolefit.cjs'));
    expect(fromCheckout.stderr).toBe('');
    expect(fromCheckout.status).toBe(2); // fixtures/malformed
    expect(fromCheckout.stdout).toBe(run(join(repo, 'bin', 'rolefit.cjs')).stdout);
  });

  it('gives npm nothing to prepare when it installs the repository from git', () => {
    // npm prepares a git dependency that has one of these scripts by installing it first; under
    // `npm install -g git+file://…` (pre-commit) npm 11 runs that install globally too, into the
    // very directory the outer install is filling, and fails with ENOTEMPTY.
    for (const script of ['build', 'prepare', 'prepack', 'preinstall', 'install', 'postinstall']) expect(pkg.scripts[script], script).toBeUndefined();
    // A local `npm ci` or `npm install` still builds dist/.
    expect(pkg.scripts.postprepare).toBe('node scripts/build.mjs');
    // What npm packs from a git checkout: its tracked files, no dist/. The command runs from prebuilt/.
    const checkout = join(tmp, 'git-pack-checkout');
    const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: repo, encoding: 'utf8' }).split('\0').filter(Boolean);
    for (const f of tracked) if (existsSync(join(repo, f))) cpSync(join(repo, f), join(checkout, f), { recursive: true });
    const packDir = join(tmp, 'git-pack');
    mkdirSync(packDir);
    const [info] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: checkout, encoding: 'utf8', env: cleanEnv() }));
    const packed = (info.files as Array<{ path: string }>).map((f) => f.path);
    expect(packed.filter((p) => p.startsWith('dist/'))).toEqual([]);
    for (const needed of ['bin/rolefit.cjs', 'prebuilt/cli.cjs', 'prebuilt/catalog/index.json', 'prebuilt/tree-sitter/tree-sitter-terraform.wasm', 'policies/aws-managed/index.json']) expect(packed).toContain(needed);
    expect(packed).not.toContain('prebuilt/action.cjs');
    execFileSync('tar', ['xzf', join(packDir, info.filename), '-C', packDir]);
    const run = (bin: string) => spawnSync(process.execPath, [bin, 'scan', '--context', '.', 'taskdef.json'], { cwd: join(repo, 'fixtures', 'ecs-invalid-task-definition'), encoding: 'utf8', env: cleanEnv() });
    const fromPack = run(join(packDir, 'package', 'bin', 'rolefit.cjs'));
    expect(fromPack.stderr).toBe('');
    expect(fromPack.status).toBe(1);
    expect(fromPack.stdout).toBe(run(join(repo, 'bin', 'rolefit.cjs')).stdout);
  });

  it('is built by npm ci and packs what the command needs', () => {
    // `npm pack` as pre-commit runs it (dist/ is already built here), then the packed command run
    // from the unpacked tarball alone, without node_modules.
    const packDir = join(tmp, 'pack');
    mkdirSync(packDir);
    const [info] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], { cwd: repo, encoding: 'utf8', env: cleanEnv() }));
    const packed = (info.files as Array<{ path: string }>).map((f) => f.path);
    for (const needed of ['package.json', 'bin/rolefit.cjs', 'dist/rolefit.cjs', 'dist/cli.cjs', 'dist/catalog/index.json', 'dist/tree-sitter/tree-sitter-terraform.wasm', 'policies/aws-managed/index.json']) expect(packed).toContain(needed);
    expect(packed.filter((p) => /^(src|test|action|fixtures)\//.test(p))).toEqual([]);
    execFileSync('tar', ['xzf', join(packDir, info.filename), '-C', packDir]);
    const run = (bin: string) => spawnSync(process.execPath, [bin, 'scan', '--context', '.', 'taskdef.json'], { cwd: join(repo, 'fixtures', 'ecs-invalid-task-definition'), encoding: 'utf8', env: cleanEnv() });
    const fromPack = run(join(packDir, 'package', 'bin', 'rolefit.cjs'));
    const fromRepo = run(join(repo, 'bin', 'rolefit.cjs'));
    expect(fromPack.stderr).toBe('');
    expect(fromPack.status).toBe(1);
    expect(fromPack.stdout).toBe(fromRepo.stdout);
  });
});
