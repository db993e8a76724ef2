// Standalone IAM policy documents (a file holding `{"Version": …, "Statement": …}`), linted without
// a role: identity policies as 'standalone', trust policies as 'trust'.
import { basename } from 'node:path';
import { emptyInventory, type Inventory, type Node, type PolicyKind } from '../model.js';
import { parsePolicy } from '../iam/policy.js';
import { getCI, str } from './nodes.js';

/**
 * A map with a top-level `Statement` (any case: the policy parser reports a wrong one) that is a
 * statement or a list of them, each with an Effect or an Action. Stray top-level elements do not
 * disqualify it: the parser reports them, which helps more than "unknown format".
 */
export function isPolicyDocument(root: Node): boolean {
  if (root.kind !== 'map') return false;
  const statement = getCI(root, 'Statement')?.value;
  if (!statement || (statement.kind !== 'map' && statement.kind !== 'seq')) return false;
  const list = statement.kind === 'seq' ? statement.items : [statement];
  const isStatement = (s: Node) => s.kind === 'map' && ['Effect', 'Action', 'NotAction'].some((k) => getCI(s, k));
  return list.length > 0 ? list.some(isStatement) : getCI(root, 'Version') !== undefined;
}

type Shape = { kind: PolicyKind } | { resourcePolicy: true };

/** Actions a role trust policy may allow (IAM rejects others there). */
const TRUST_ACTION = /^sts:(assumerole[a-z]*|tagsession|setsourceidentity|setcontext|\*)$/i;

/**
 * Which kind of document this is, told apart by Principal and, where that is mixed, by actions:
 * - no statement names a Principal: an identity policy ('standalone');
 * - every action is one a role trust policy allows (sts:AssumeRole*, …): a trust policy, even when a
 *   statement lacks its Principal or wrongly names a Resource (the parser reports those);
 * - every statement names a Principal and none a Resource: a trust policy;
 * - every statement names a Principal and some a Resource: a resource-based policy (bucket, key,
 *   secret, repository), which belongs to no role and which rolefit does not lint;
 * - otherwise an identity policy with a stray Principal (the parser reports it).
 */
function shape(root: Node): Shape {
  const statements = getCI(root, 'Statement')!.value;
  const list = statements.kind === 'seq' ? statements.items : [statements];
  const hasPrincipal = (s: Node) => getCI(s, 'Principal') !== undefined || getCI(s, 'NotPrincipal') !== undefined;
  const withPrincipal = list.filter(hasPrincipal);
  if (withPrincipal.length === 0) return { kind: 'standalone' };
  const actions = list.flatMap((s) => {
    const a = getCI(s, 'Action')?.value;
    return !a ? [] : a.kind === 'seq' ? a.items.map((i) => str(i) ?? '') : [str(a) ?? ''];
  });
  if (actions.length > 0 && actions.every((a) => TRUST_ACTION.test(a))) return { kind: 'trust' };
  if (withPrincipal.length < list.length) return { kind: 'standalone' };
  const namesResources = list.some((s) => getCI(s, 'Resource') || getCI(s, 'NotResource'));
  return namesResources ? { resourcePolicy: true } : { kind: 'trust' };
}

export function readPolicyFile(root: Node, file: string): Inventory {
  const inv = emptyInventory();
  const name = basename(file);
  const s = shape(root);
  if ('resourcePolicy' in s) {
    inv.diagnostics.push({
      rule: 'invalid-input',
      severity: 'note',
      message: `${name} is a resource-based policy (statements with both Principal and Resource); rolefit lints identity and trust policies only`,
      loc: root.loc,
    });
    return inv;
  }
  const { policy, diagnostics } = parsePolicy(root, { name, kind: s.kind });
  inv.policies.push(policy);
  inv.diagnostics.push(...diagnostics);
  return inv;
}
