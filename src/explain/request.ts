// The request `rolefit explain` evaluates, from command-line values: one concrete catalog action,
// a resource ARN (or `*` for wildcard-only actions) and condition keys given as KEY=VALUE.
import { actionInfo, resourceTypeArn, type ActionInfo } from '../iam/catalog.js';
import { checkActionPattern } from '../iam/actions.js';
import { parseArn, resourceCovers } from '../iam/arn.js';

/** A command-line mistake: reported as `rolefit: message`, exit code 2. */
export class ExplainUsageError extends Error {}

/** The catalog action `--action` names; a pattern or an unknown action is a usage error. */
export function requestAction(action: string): ActionInfo {
  if (/[*?]/.test(action)) {
    throw new ExplainUsageError(`--action ${action}: give one concrete action, not a pattern (\`rolefit expand ${action}\` lists the actions it matches)`);
  }
  const info = actionInfo(action.trim());
  if (info) return info;
  const check = checkActionPattern(action.trim());
  throw new ExplainUsageError(`--action ${action}: ${check.ok ? `"${action}" is not an action in the catalog` : check.reason}`);
}

/** The resource to evaluate: required, an ARN or `*`, except for wildcard-only actions where it defaults to `*`. */
export function requestResource(info: ActionInfo, resource: string | undefined): string {
  if (resource === undefined) {
    if (info.wildcardOnly) return '*';
    throw new ExplainUsageError(`--resource is required: ${info.full} is authorized per resource (${info.resourceTypes.join(', ')})`);
  }
  const r = resource.trim();
  if (r === '*' || parseArn(r)) return r;
  throw new ExplainUsageError(`--resource ${resource}: expected an ARN (arn:partition:service:region:account:resource) or "*"`);
}

/**
 * A note when the ARN fits none of the action's resource types (a log group where the action
 * takes a log stream, …): the answer is still computed, but is probably not the question meant.
 */
export function resourceNote(info: ActionInfo, resource: string): string | undefined {
  if (info.wildcardOnly || resource === '*' || /[*?]/.test(resource)) return undefined;
  const templates = info.resourceTypes.flatMap((t) => {
    const arn = resourceTypeArn(info.service, t);
    return arn ? [{ type: t, arn }] : [];
  });
  if (templates.length === 0) return undefined;
  const fits = templates.some((t) => resourceCovers(t.arn.replace(/\$\{[^}]*\}/g, '*'), resource) !== 'no');
  if (fits) return undefined;
  const expected = templates.map((t) => `${t.type} (${t.arn})`).join(', ');
  return `${resource} is not a resource ${info.full} acts on; expected ${expected}`;
}

/**
 * `--context KEY=VALUE` values: a key given twice is multivalued. Keys compare case-insensitively,
 * so `aws:sourcevpce` and `aws:SourceVpce` are the same key (the first spelling is kept).
 */
export function parseContext(entries: string[]): Record<string, string[]> {
  const keys: Record<string, string[]> = {};
  const spelling = new Map<string, string>();
  for (const e of entries) {
    const eq = e.indexOf('=');
    const key = eq < 0 ? '' : e.slice(0, eq).trim();
    if (eq < 0 || key === '') throw new ExplainUsageError(`--context ${e}: expected KEY=VALUE, e.g. aws:SourceVpce=vpce-0123456789abcdef0`);
    const name = spelling.get(key.toLowerCase()) ?? key;
    spelling.set(key.toLowerCase(), name);
    (keys[name] ??= []).push(e.slice(eq + 1));
  }
  return keys;
}
