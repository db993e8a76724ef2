// `rolefit explain`: from command-line values to the answer on stdout and an exit code
// (0 allowed, 1 denied / not allowed / depends, 2 usage errors or unreadable input).
import type { ActionInfo } from '../iam/catalog.js';
import type { RequestContext } from '../iam/variables.js';
import type { Colors } from '../report/color.js';
import { formatExplainJson } from '../report/explain-json.js';
import { formatExplainText } from '../report/explain-text.js';
import { explain } from './explain.js';
import { ExplainUsageError, parseContext, requestAction, requestResource, resourceNote } from './request.js';
import { policyTarget, RoleLookupError, roleTarget, type Target } from './target.js';
import type { LoadedInventory } from '../scan.js';
import type { Config } from '../config/load.js';

export interface ExplainOptions {
  /** ROLE then PATHS, as given (empty in --policy mode). */
  positional: string[];
  policy: string[];
  boundary: string[];
  action: string;
  resource?: string;
  context: string[];
  completeContext?: boolean;
  format: 'text' | 'json';
  cwd?: string;
  /** The configuration: its account, Region and partition stand for a template's unknown ones. */
  config?: Config;
  /** The roles of a live account (`--aws`), instead of PATHS. */
  loaded?: LoadedInventory;
}

interface Out {
  write(s: string): unknown;
}

export const EXPLAIN_EXIT = { allowed: 0, other: 1, error: 2 } as const;

export function runExplain(opts: ExplainOptions, stdout: Out, stderr: Out, colors: Colors): number {
  let target: Target;
  let action: ActionInfo;
  let resource: string;
  let keys: Record<string, string[]>;
  try {
    action = requestAction(opts.action);
    resource = requestResource(action, opts.resource);
    keys = parseContext(opts.context);
    target = resolveTarget(opts);
  } catch (e) {
    if (!(e instanceof ExplainUsageError)) throw e;
    if (e instanceof RoleLookupError) for (const p of e.inputErrors) stderr.write(inputError(p.location, p.message));
    stderr.write(`rolefit: ${e.message}\n`);
    return EXPLAIN_EXIT.error;
  }

  for (const p of target.inputErrors) stderr.write(inputError(p.location, p.message));
  for (const d of target.diagnostics) stderr.write(`${d.loc.file}:${d.loc.line}:${d.loc.column}: ${d.severity}: ${d.message}\n`);

  // What the user gave wins over what the role determines.
  const given = new Set(Object.keys(keys).map((k) => k.toLowerCase()));
  const fromRole = Object.keys(target.roleContext).filter((k) => !given.has(k.toLowerCase()));
  const context: RequestContext = { keys: { ...Object.fromEntries(fromRole.map((k) => [k, target.roleContext[k]])), ...keys } };
  if (opts.completeContext) context.complete = true;

  const notes: string[] = [];
  const note = resourceNote(action, resource);
  if (note) notes.push(note);
  if (target.inputErrors.length > 0) {
    const n = target.inputErrors.length;
    notes.push(`${n} input${n === 1 ? '' : 's'} could not be read; what ${n === 1 ? 'it defines' : 'they define'} is not part of this answer`);
  }
  const e = explain({
    set: target.set,
    action: action.full,
    resource,
    context,
    role: target.role,
    contextFromRole: fromRole,
    incomplete: target.incomplete,
    unresolvedIdentity: target.unresolvedIdentity,
    notes,
  });
  stdout.write(opts.format === 'json' ? formatExplainJson(e) : formatExplainText(e, colors));
  const errors = target.inputErrors.length > 0 || target.diagnostics.some((d) => d.severity === 'error');
  if (errors) return EXPLAIN_EXIT.error;
  return e.decision === 'allowed' ? EXPLAIN_EXIT.allowed : EXPLAIN_EXIT.other;
}

function resolveTarget(opts: ExplainOptions): Target {
  if (opts.policy.length > 0) {
    if (opts.positional.length > 0) {
      throw new ExplainUsageError(`with --policy, give no ROLE or PATHS (got ${opts.positional.join(' ')}); explain a role with \`rolefit explain ROLE PATHS…\``);
    }
    if (opts.boundary.length > 1) throw new ExplainUsageError('--boundary is given more than once; a role has one permissions boundary');
    return policyTarget(opts.policy, opts.boundary, opts.cwd);
  }
  if (opts.boundary.length > 0) throw new ExplainUsageError('--boundary goes with --policy; a role found in PATHS brings its own boundary');
  const [role, ...paths] = opts.positional;
  if (role === undefined) throw new ExplainUsageError('give a ROLE (with the PATHS that define it) or --policy FILE');
  if (opts.loaded && paths.length > 0) throw new ExplainUsageError('--aws explains a role of the account: give no PATHS');
  return roleTarget(role, paths.length > 0 ? paths : ['.'], opts.cwd, opts.config, opts.loaded);
}

function inputError(l: { file: string; line: number; column: number }, message: string): string {
  return `${l.file}:${l.line}:${l.column}: input error: ${message}\n`;
}
