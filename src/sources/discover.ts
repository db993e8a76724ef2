// Which files a scan reads: the paths given, directories walked recursively (skipping .git,
// node_modules, .terraform and Python virtual environments, whose package data holds JSON and
// YAML of no concern), symlink loops cut, only extensions a reader may understand.
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join, extname, relative, sep } from 'node:path';

const SKIP_DIRS = new Set(['.git', 'node_modules', '.terraform']);
export const SCANNED_EXTENSIONS = new Set(['.json', '.yaml', '.yml', '.template', '.tf', '.tfvars']);

export interface Discovered {
  files: string[];
  /** Paths given that do not exist. */
  missing: string[];
}

export function discover(paths: string[]): Discovered {
  const files: string[] = [];
  const missing: string[] = [];
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();
  const addFile = (p: string) => {
    let real: string;
    try {
      real = realpathSync(p);
    } catch {
      return; // dangling symlink
    }
    if (seenFiles.has(real)) return;
    seenFiles.add(real);
    files.push(p);
  };
  const walk = (dir: string, nested: boolean) => {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      return;
    }
    if (seenDirs.has(real)) return; // a symlink loop, or a directory reached twice
    seenDirs.add(real);
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    // A directory with pyvenv.cfg is a virtual environment (PEP 405), whatever its name.
    if (nested && entries.some((e) => e.name === 'pyvenv.cfg' && e.isFile())) return;
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(dir, e.name);
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        try {
          const st = statSync(p);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch {
          continue;
        }
      }
      if (isDir) {
        if (!SKIP_DIRS.has(e.name)) walk(p, true);
      } else if (isFile && SCANNED_EXTENSIONS.has(extname(e.name).toLowerCase())) {
        addFile(p);
      }
    }
  };
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      missing.push(p);
      continue;
    }
    if (st.isDirectory()) walk(p, false);
    else addFile(p);
  }
  return { files, missing };
}

/** A discovered path as locations show it: relative to `cwd`, with `/`. */
export function displayPath(cwd: string, path: string): string {
  return relative(cwd, path).split(sep).join('/') || '.';
}
