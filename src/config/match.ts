// Which roles and files a config entry names: roles by name, ARN or logical id with IAM-style
// `*`/`?` wildcards (the project's glob engine), files by path globs (picomatch, `**` across
// directories) relative to the config file's directory.
import picomatch from 'picomatch';
import { resolve } from 'node:path';
import { parseGlob, globMatches } from '../iam/glob.js';
import { displayPath } from '../sources/discover.js';

/** A role as findings name it: the name (or id when generated), the ARN with `${Name}` for unknowns, the id. */
export interface RoleNames {
  name: string;
  arn: string;
  id: string;
}

/** A test of whether some pattern matches a role's name, ARN or id. */
export function roleMatcher(patterns: string[]): (role: RoleNames) => boolean {
  const compiled = patterns.map((p) => parseGlob(p));
  return (role) => {
    const words = [role.name, role.arn, role.id].map((w) => parseGlob(w, { literal: true }));
    return compiled.some((pattern) => words.some((w) => globMatches(pattern, w)));
  };
}

/**
 * A matcher of finding files (relative to `cwd`) against globs relative to `dir`. A glob that
 * names a directory (`legacy`, `infra/*`) covers the files under it, as in .gitignore.
 */
export function pathMatcher(globs: string[], dir: string, cwd: string): (file: string) => boolean {
  const match = picomatch(globs.map((g) => g.replace(/\/+$/, '')), { dot: true });
  return (file) => {
    const parts = displayPath(dir, resolve(cwd, file)).split('/');
    return parts.some((_, i) => match(parts.slice(0, i + 1).join('/')));
  };
}
