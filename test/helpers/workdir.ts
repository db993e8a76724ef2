// Temporary directories of input files for tests, removed when the test file ends.
import { afterAll } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const dirs: string[] = [];
let registered = false;

/** A new directory holding `files` (relative path → text); `git: true` makes it a repository root. */
export function workdir(files: Record<string, string>, opts: { git?: boolean } = {}): string {
  if (!registered) {
    afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
    registered = true;
  }
  const dir = mkdtempSync(join(tmpdir(), 'rolefit-work-'));
  dirs.push(dir);
  if (opts.git) mkdirSync(join(dir, '.git'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}
