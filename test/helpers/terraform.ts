// Terraform test helpers: a module directory written from strings, evaluated as a root module.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { ConfigLoader, type ModuleInstance } from '../../src/sources/terraform/module.js';
import { rootModule } from '../../src/sources/terraform/index.js';

/** Writes `files` (path → text) under a new temporary directory and returns it. */
export function writeTree(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rolefit-tf-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** The root module of a configuration written from `files` (its directory is `dir`). */
export function root(files: Record<string, string>): { mod: ModuleInstance; dir: string } {
  const dir = writeTree(files);
  const relPath = (p: string) => relative(dir, p) || '.';
  const loader = new ConfigLoader(relPath);
  return { mod: rootModule(dir, loader.load(dir), loader, relPath), dir };
}
