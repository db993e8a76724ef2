// Scans with context (`rolefit scan --context DIR FILE…`, as pre-commit and lint-staged run it):
// a role and the task definition that uses it often live in different files, so the files under
// the context paths are read and linked like any others, but the report keeps only what is located
// in the files named: their findings and their input errors. An input error in a context-only file
// is not the named files' fault, so it does not fail the run; it is handed to onContextError (the
// CLI prints it on stderr) and marks the result partial, since findings may depend on that file.
// A context path that does not exist stays an error: a typo must not silently narrow the scan.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { discover, displayPath } from './sources/discover.js';
import { isTerraformFile } from './sources/terraform/index.js';
import type { ScanOptions } from './scan.js';
import type { InputErrorEntry } from './report/types.js';

export interface ReportScope {
  /** What the scan reads: the named paths, then the context paths. */
  readPaths: string[];
  /** Whether findings and input errors located in `file` (as locations show it) are reported. */
  reports(file: string): boolean;
  /** The input errors to report; the others go to `onContextError`. */
  inputErrors(errors: InputErrorEntry[], onContextError?: (e: InputErrorEntry) => void): InputErrorEntry[];
}

/**
 * The scope of a scan with context paths, or naming a .tf/.tfvars file (whose module directory is
 * read whole, as context); null for a plain scan, which reports everything.
 */
export function reportScope(options: ScanOptions): ReportScope | null {
  const context = options.context ?? [];
  // A plain scan walks its paths once, in loadInventory: not here too.
  if (context.length === 0 && !options.paths.some(isTerraformFile)) return null;
  const cwd = options.cwd ?? process.cwd();
  const named = discover(options.paths.map((p) => resolve(cwd, p)));
  const namesTerraformFile = options.paths.some((p) => isTerraformFile(p) && named.files.includes(resolve(cwd, p)));
  if (context.length === 0 && !namesTerraformFile) return null;
  const reported = new Set([...named.files, ...named.missing].map((p) => displayPath(cwd, p)));
  // A missing context path is reported (its error); an existing one, even a file, is only context.
  for (const p of context.map((c) => resolve(cwd, c))) if (!existsSync(p)) reported.add(displayPath(cwd, p));
  const reports = (file: string) => reported.has(file);
  return {
    readPaths: [...options.paths, ...context],
    reports,
    inputErrors(errors, onContextError) {
      const kept: InputErrorEntry[] = [];
      for (const e of errors) {
        if (reports(e.location.file)) kept.push(e);
        else onContextError?.(e);
      }
      return kept;
    },
  };
}
