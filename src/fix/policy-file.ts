// The fix of a role whose one replaced policy is a standalone JSON policy file (a Terraform
// `policy = file("execution-policy.json")`, for example): the file's Version and Statement are
// rewritten in place, its other keys, comments and layout kept.
import { hasToken, type Inventory } from '../model.js';
import type { PolicyDocumentJson } from '../report/types.js';
import type { RoleFix } from './plan.js';
import { jsonSet } from './json-edit.js';
import { parseTree } from 'jsonc-parser';

/**
 * The JSON policy file that holds everything the fix replaces, when there is exactly one and no
 * other role uses it: the only place the fix can be written for a source that is not rewritten.
 */
export function policyFileOf(fix: RoleFix, inv: Inventory, identities: Array<{ roleId: string; files: string[] }>): string | undefined {
  if (fix.mode !== 'replace' || fix.replaced.length !== 1) return undefined;
  const [p] = fix.replaced;
  if (p.kind === 'aws-managed' || !/\.json$/i.test(p.loc.file)) return undefined;
  const file = p.loc.file;
  if (!inv.policies.some((q) => q.loc.file === file && q.kind === 'standalone')) return undefined;
  const others = identities.filter((i) => i.roleId !== fix.ra.linked.role.id && i.files.includes(file));
  return others.length === 0 ? file : undefined;
}

/** Why the document cannot go into a plain JSON file, if it cannot. */
export function policyFileProblem(doc: PolicyDocumentJson): string | undefined {
  return hasToken(JSON.stringify(doc)) ? 'the policy holds values only known at deployment, which a plain JSON policy file cannot express' : undefined;
}

/** The policy file's text with the document's Version and Statement in place of its own. */
export function rewritePolicyFile(text: string, doc: PolicyDocumentJson): string {
  // The element names as the file spells them (the policy reader accepts `statement` too).
  const keys = (parseTree(text)?.children ?? []).map((prop) => String(prop.children?.[0]?.value));
  const key = (name: string) => keys.find((k) => k.toLowerCase() === name.toLowerCase()) ?? name;
  return jsonSet(jsonSet(text, [key('Version')], doc.Version), [key('Statement')], doc.Statement);
}
