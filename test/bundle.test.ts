// The built CLI (scripts/build.mjs): what makes its cold start, checked without timing anything.
// The V8 code cache recorded at build time is accepted; a file scan reads nothing from node_modules
// (no AWS SDK, no ajv, no parser outside the bundle), also when it validates a configuration file
// and a baseline; and the entry works the same without its cache, with a damaged cache, and
// through the ES module entry that bin/rolefit.js imports.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { traceLoads } from './helpers/trace-loads.js';

const repo = join(import.meta.dirname, '..');
const dist = join(repo, 'dist');
const TEMPLATE = 'fixtures/ecs-clean-cfn/service.yaml';
let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'rolefit-bundle-'));
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function node(args: string[], cwd = repo) {
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('bundle', () => {
  it('ships a V8 code cache that this Node accepts', () => {
    const probe = `
      const { readFileSync } = require('node:fs'); const { Module } = require('node:module'); const { Script } = require('node:vm');
      const f = ${JSON.stringify(join(dist, 'cli.cjs'))};
      const s = new Script(Module.wrap(readFileSync(f, 'utf8')), { filename: f, cachedData: readFileSync(f + '.v8cache') });
      process.stdout.write(String(s.cachedDataRejected));`;
    const r = node(['-e', probe]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('false');
  });

  it('scans a template without reading or loading anything from node_modules', () => {
    const loads = traceLoads([join(repo, 'bin', 'rolefit.js'), 'scan', TEMPLATE], repo);
    expect(loads.stderr).toBe('');
    expect(loads.status).toBe(0);
    const { files: reads, cjs: modules } = loads;
    expect(reads.some((p) => p.endsWith('service.yaml'))).toBe(true);
    expect(reads.some((p) => p.endsWith('cli.cjs.v8cache'))).toBe(true);
    expect(reads.filter((p) => p.includes('node_modules'))).toEqual([]);
    expect(modules.filter((p) => p.includes('node_modules'))).toEqual([]);
  });

  it('scans a collected AWS inventory and prints the live-scan help without loading the AWS SDK', () => {
    // The live-scan code is in the bundle; the SDK it imports lazily must stay out of these runs.
    const runs: Array<[string[], number]> = [
      [['scan', 'fixtures/aws-inventory/inventory.json'], 1],
      [['collect', '--help'], 0],
      [['scan', '--help'], 0],
    ];
    for (const [args, status] of runs) {
      const loads = traceLoads([join(repo, 'bin', 'rolefit.js'), ...args], repo);
      expect(loads.stderr, args.join(' ')).toBe('');
      expect(loads.status, args.join(' ')).toBe(status);
      expect(loads.cjs.filter((p) => p.includes('node_modules')), args.join(' ')).toEqual([]);
      expect(loads.files.filter((p) => p.includes('node_modules')), args.join(' ')).toEqual([]);
    }
  });

  it('validates a configuration file and a baseline without ajv: their validators were compiled at build time', () => {
    const dir = join(tmp, 'configured');
    mkdirSync(dir);
    copyFileSync(join(repo, TEMPLATE), join(dir, 'service.yaml'));
    writeFileSync(join(dir, '.rolefit.yaml'), 'account: "123456789012"\nrules:\n  shared-role: warning\nbaseline: baseline.json\n');
    writeFileSync(join(dir, 'baseline.json'), '{"version": 1, "findings": []}\n');
    const loads = traceLoads([join(repo, 'bin', 'rolefit.js'), 'scan', '.'], dir);
    expect(loads.stderr).toBe('');
    expect(loads.status).toBe(0);
    for (const name of ['.rolefit.yaml', 'baseline.json']) expect(loads.files.some((p) => p.endsWith(name)), name).toBe(true);
    expect([...loads.files, ...loads.cjs].filter((p) => p.includes('node_modules'))).toEqual([]);
    // Nor is the compiler bundled: the bundle holds the generated validation code only.
    const bundle = readFileSync(join(dist, 'cli.cjs'), 'utf8');
    expect(bundle).toContain('https://rolefit.dev/schema/config.schema.json');
    expect(bundle).not.toMatch(/\bajv\b|addSchema|compileAsync/i);
    // A broken configuration is still reported with its line.
    writeFileSync(join(dir, '.rolefit.yaml'), 'rules:\n  shared-rol: off\n');
    expect(node([join(repo, 'bin', 'rolefit.js'), 'scan', '.'], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining('.rolefit.yaml:2:3: invalid configuration: rules.shared-rol: unknown rule id') });
  });

  it('gives the same output without its code cache and with a damaged one', () => {
    const expected = node([join(dist, 'rolefit.cjs'), 'scan', 'fixtures', '--format', 'json']);
    expect(expected.code).toBe(2); // fixtures/malformed holds unreadable input on purpose
    // A copy of the package layout: dist/ beside package.json, policies/ and the fixtures.
    for (const d of ['dist', 'policies', 'fixtures']) cpSync(join(repo, d), join(tmp, d), { recursive: true });
    copyFileSync(join(repo, 'package.json'), join(tmp, 'package.json'));
    const cache = join(tmp, 'dist', 'cli.cjs.v8cache');
    rmSync(cache);
    const without = node([join(tmp, 'dist', 'rolefit.cjs'), 'scan', 'fixtures', '--format', 'json'], tmp);
    writeFileSync(cache, Buffer.alloc(4096, 7));
    const damaged = node([join(tmp, 'dist', 'rolefit.cjs'), 'scan', 'fixtures', '--format', 'json'], tmp);
    for (const r of [without, damaged]) {
      expect(r.stderr).toBe(expected.stderr);
      expect(r.code).toBe(expected.code);
      expect(r.stdout).toBe(expected.stdout);
    }
  });

  it('behaves the same through the ES module entry and the CommonJS entry', () => {
    for (const args of [['scan', TEMPLATE], ['--version'], ['scan', 'no/such/path'], ['expand', 'ecr:Batch*']]) {
      const esm = node([join(repo, 'bin', 'rolefit.js'), ...args]);
      const cjs = node([join(dist, 'rolefit.cjs'), ...args]);
      expect(cjs, args.join(' ')).toEqual(esm);
    }
  });
});
