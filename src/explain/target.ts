// What `rolefit explain` evaluates: a role found in the scanned files (with its linked identity
// policies and boundary), or bare policy documents given with --policy / --boundary.
import { existsSync, statSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { display, hasToken, roleName, type Diagnostic, type Policy, type Role } from '../model.js';
import type { PolicySet } from '../iam/evaluate.js';
import { parseArn } from '../iam/arn.js';
import type { LinkedRole } from '../link/roles.js';
import { readInputFile } from '../sources/index.js';
import { InputError } from '../sources/nodes.js';
import { loadInventory, type LoadedInventory } from '../scan.js';
import { ExplainUsageError } from './request.js';
import type { Config } from '../config/load.js';

export interface InputProblem {
  message: string;
  location: { file: string; line: number; column: number };
}

export interface Target {
  set: PolicySet;
  role?: Role;
  /** Request context the role determines (aws:PrincipalArn, aws:PrincipalAccount, no aws:username). */
  roleContext: Record<string, string[]>;
  /** Why the role's policies are not all known. */
  incomplete: string[];
  unresolvedIdentity: boolean;
  /** Scanned files that could not be read: the answer may miss what they hold (exit code 2). */
  inputErrors: InputProblem[];
  /** What the policy parser said about --policy/--boundary documents (errors: exit code 2). */
  diagnostics: Diagnostic[];
}

/** A role not found or named ambiguously; `inputErrors` are the unreadable files, shown with it. */
export class RoleLookupError extends ExplainUsageError {
  constructor(
    message: string,
    readonly inputErrors: InputProblem[],
  ) {
    super(message);
  }
}

/** `loaded`: an inventory read elsewhere (a live account) instead of `paths`. */
export function roleTarget(ref: string, paths: string[], cwd: string = process.cwd(), config?: Config, loaded?: LoadedInventory): Target {
  const { linked, errors } = loaded ?? loadInventory(paths, cwd, { config });
  const lr = findRole(ref, linked.roles, linked.findRole, errors);
  const role = lr.role;
  const roleContext: Record<string, string[]> = { 'aws:PrincipalArn': [role.arn] };
  const account = parseArn(role.arn)?.account;
  if (account) roleContext['aws:PrincipalAccount'] = [account];
  // A role session has no IAM user name (domain.md §4.4): ${aws:username} matches nothing.
  roleContext['aws:username'] = [];
  // link() records one reason per unresolved reference, the boundary's included.
  const boundaryUnresolved = lr.boundary !== undefined && lr.boundary.length === 0;
  return {
    set: { identity: lr.identity, boundary: lr.boundary },
    role,
    roleContext,
    incomplete: lr.incomplete,
    unresolvedIdentity: lr.incomplete.length > (boundaryUnresolved ? 1 : 0),
    inputErrors: errors,
    diagnostics: [],
  };
}

/**
 * The role `ref` names: its id (logical id, Terraform address, ARN), name or ARN exactly; else as
 * link() resolves a workload's reference (an ARN whose account is a token in the template); else
 * its name or id case-insensitively (IAM role names are unique regardless of case).
 */
function findRole(ref: string, roles: LinkedRole[], byRef: (r: string) => LinkedRole | undefined, errors: InputProblem[]): LinkedRole {
  const exact = roles.filter((lr) => lr.role.id === ref || lr.role.arn === ref || display(lr.role.arn) === ref || (!hasToken(lr.role.name) && lr.role.name === ref));
  const lower = ref.toLowerCase();
  let found = exact;
  if (found.length === 0) {
    const linked = byRef(ref);
    found = linked ? [linked] : roles.filter((lr) => lr.role.id.toLowerCase() === lower || (!hasToken(lr.role.name) && lr.role.name.toLowerCase() === lower));
  }
  if (found.length === 1) return found[0];
  const where = (lr: LinkedRole) => {
    const name = roleName(lr.role);
    return `${name}${name === lr.role.id ? '' : ` [${lr.role.id}]`} (${lr.role.loc.file}:${lr.role.loc.line})`;
  };
  if (found.length > 1) {
    throw new RoleLookupError(
      `role "${ref}" is ambiguous: ${found.map(where).join(', ')}; give the id, or scan only the file that defines the one you mean`,
      errors,
    );
  }
  const near = closeMatches(ref, roles);
  let message = `role "${ref}" not found in the scanned files (${roles.length} role${roles.length === 1 ? '' : 's'})`;
  if (near.length > 0) message += `; did you mean ${near.map(where).join(', ')}?`;
  else if (roles.length > 0 && roles.length <= 10) message += `; roles found: ${roles.map(where).join(', ')}`;
  throw new RoleLookupError(message, errors);
}

/** Roles whose name or id contains `ref` (or the reverse), or is within a few edits of it. */
function closeMatches(ref: string, roles: LinkedRole[]): LinkedRole[] {
  const want = ref.toLowerCase().replace(/^arn:.*\//, '');
  const scored: Array<{ lr: LinkedRole; d: number }> = [];
  for (const lr of roles) {
    const names = [lr.role.id, display(lr.role.name)].map((n) => n.toLowerCase().replace(/^arn:.*\//, ''));
    let best = Infinity;
    for (const n of names) {
      if (want.length >= 3 && (n.includes(want) || want.includes(n))) best = Math.min(best, 0.5);
      best = Math.min(best, editDistance(want, n));
    }
    if (best <= Math.max(2, Math.floor(want.length / 4))) scored.push({ lr, d: best });
  }
  return scored
    .sort((a, b) => a.d - b.d)
    .slice(0, 5)
    .map((s) => s.lr);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur.push(Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = cur;
  }
  return prev[b.length];
}

/** Bare policy documents: identity policies from `policies`, the permissions boundary from `boundaries`. */
export function policyTarget(policies: string[], boundaries: string[], cwd: string = process.cwd()): Target {
  const diagnostics: Diagnostic[] = [];
  const read = (p: string) => {
    const docs = readPolicyFile(p, cwd);
    diagnostics.push(...docs.diagnostics);
    return docs.policies;
  };
  const identity = policies.flatMap(read);
  const set: PolicySet = { identity };
  if (boundaries.length > 0) set.boundary = boundaries.flatMap(read);
  return { set, roleContext: {}, incomplete: [], unresolvedIdentity: false, inputErrors: [], diagnostics };
}

/** One --policy/--boundary file: its identity policy documents; anything else is a usage error. */
function readPolicyFile(path: string, cwd: string): { policies: Policy[]; diagnostics: Diagnostic[] } {
  const abs = resolve(cwd, path);
  const file = relative(cwd, abs).split(sep).join('/') || path;
  const at = `${file}:1:1`;
  if (!existsSync(abs)) throw new ExplainUsageError(`${at}: no such file`);
  if (statSync(abs).isDirectory()) throw new ExplainUsageError(`${at}: is a directory; --policy and --boundary take policy document files`);
  let result;
  try {
    result = readInputFile(abs, file);
  } catch (e) {
    if (e instanceof InputError) throw new ExplainUsageError(`${e.loc.file}:${e.loc.line}:${e.loc.column}: ${e.message}`);
    if (e instanceof RangeError) throw new ExplainUsageError(`${at}: input too deeply nested or too large to process`);
    throw e;
  }
  const inv = result.inventory;
  const trust = inv.policies.find((p) => p.kind === 'trust');
  if (trust) throw new ExplainUsageError(`${trust.loc.file}:${trust.loc.line}:${trust.loc.column}: a trust policy (it names a Principal); explain evaluates identity policies`);
  const identity = inv.policies.filter((p) => p.kind === 'standalone');
  if (identity.length === 0) {
    const said = inv.diagnostics.find((d) => d.rule === 'invalid-input');
    const why = said
      ? said.message
      : inv.roles.length > 0
        ? 'not a bare policy document; to explain a role defined in it, run `rolefit explain ROLE ' + file + '`'
        : result.recognised
          ? 'not a bare policy document'
          : 'not an IAM policy document (expected {"Version": …, "Statement": …})';
    throw new ExplainUsageError(`${at}: ${why}`);
  }
  return { policies: identity, diagnostics: inv.diagnostics };
}
