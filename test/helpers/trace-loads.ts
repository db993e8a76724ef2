// What a Node process reads and loads, seen from a preload hook: the files it opens, the CommonJS
// modules in its cache and the built-ins it loaded. Used by the bundle test and the cold-start
// benchmark to show that a file scan touches nothing in node_modules.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const HOOK = `import fs from 'node:fs'; import { createRequire, syncBuiltinESMExports } from 'node:module';
const files = [];
for (const name of ['readFileSync', 'openSync']) {
  const original = fs[name];
  fs[name] = function (p, ...rest) { files.push(String(p instanceof URL ? p.pathname : p)); return original.call(this, p, ...rest); };
}
syncBuiltinESMExports();
const req = createRequire(import.meta.url);
process.on('exit', () => fs.writeFileSync(process.env.ROLEFIT_LOADS_OUT, JSON.stringify({ files, cjs: Object.keys(req.cache), builtins: process.moduleLoadList })));`;

export interface Loads {
  status: number | null;
  stderr: string;
  files: string[];
  cjs: string[];
  builtins: string[];
}

/** Runs `node <args>` in `cwd` with the hook and returns what it read and loaded. */
export function traceLoads(args: string[], cwd: string): Loads {
  const dir = mkdtempSync(join(tmpdir(), 'rolefit-loads-'));
  try {
    const hook = join(dir, 'hook.mjs');
    const out = join(dir, 'out.json');
    writeFileSync(hook, HOOK);
    const r = spawnSync(process.execPath, ['--import', hook, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ROLEFIT_LOADS_OUT: out } });
    return { status: r.status, stderr: r.stderr, ...(JSON.parse(readFileSync(out, 'utf8')) as Omit<Loads, 'status' | 'stderr'>) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
