// Linking: attach detached policies to their roles, resolve managed policy ARNs (scan first, then
// the AWS managed snapshot), and resolve workloads' role references (by ARN, then by name).
import { display, hasToken, roleName, type Diagnostic, type Inventory, type Policy, type Role, type Val } from '../model.js';
import { parsePolicy } from '../iam/policy.js';
import { awsManagedPolicy, awsManagedPolicyByName, isAwsManagedArn } from '../iam/managed.js';
import { fromPlain } from '../sources/nodes.js';
import { resourceCovers } from '../iam/arn.js';

export interface LinkedRole {
  role: Role;
  /** Identity policies: inline, attached (customer or AWS managed). */
  identity: Policy[];
  /** The boundary policy; [] when the role has a boundary that could not be resolved. */
  boundary?: Policy[];
  /** Why the role's grant is not fully known. */
  incomplete: string[];
}

export interface Linked {
  roles: LinkedRole[];
  diagnostics: Diagnostic[];
  /** Finds the role a workload names (ARN or name); undefined when the scan does not define it. */
  findRole(ref: string): LinkedRole | undefined;
}

export function link(inv: Inventory): Linked {
  const diagnostics: Diagnostic[] = [];
  const byArn = new Map<string, LinkedRole>();
  const byName = new Map<string, LinkedRole[]>();
  const linked: LinkedRole[] = inv.roles.map((role) => {
    const lr: LinkedRole = { role, identity: [...role.inline], incomplete: [] };
    byArn.set(role.arn, lr);
    const list = byName.get(role.name) ?? [];
    list.push(lr);
    byName.set(role.name, list);
    return lr;
  });

  const findRole = (ref: string): LinkedRole | undefined => {
    const exact = byArn.get(ref);
    if (exact) return exact;
    // A role name, or an ARN whose name matches a role whose ARN could be the same (tokens unknown).
    const name = ref.startsWith('arn:') ? ref.slice(ref.lastIndexOf('/') + 1) : ref;
    const candidates = (byName.get(name) ?? []).filter((lr) => !ref.startsWith('arn:') || resourceCovers(lr.role.arn, ref) !== 'no');
    return candidates.length === 1 ? candidates[0] : undefined;
  };

  const managedByArn = new Map(inv.managedPolicies.map((m) => [m.arn, m]));
  const snapshotCache = new Map<string, Policy | undefined>();
  const resolveManaged = (ref: Val, lr: LinkedRole, what: 'policy' | 'boundary'): Policy | undefined => {
    const arn = ref.value;
    const inScan = managedByArn.get(arn);
    if (inScan) return inScan.policy;
    if (isAwsManagedArn(arn)) {
      if (!snapshotCache.has(arn)) {
        const snap = awsManagedPolicy(arn);
        snapshotCache.set(
          arn,
          snap &&
            parsePolicy(fromPlain(snap.document, ref.loc), { name: snap.name, kind: 'aws-managed', arn: snap.arn }).policy,
        );
      }
      const p = snapshotCache.get(arn);
      if (p) return p;
    }
    const byName = isAwsManagedArn(arn) ? awsManagedPolicyByName(arn.slice(arn.lastIndexOf('/') + 1)) : undefined;
    // A name the input determines (only the account or partition symbolic) is a policy defined
    // elsewhere; a symbolic name is a value only known at deployment.
    const nameKnown = !hasToken(arn.slice(arn.lastIndexOf('/') + 1));
    const why = hasToken(arn)
      ? nameKnown
        ? `managed ${what} ${display(arn)} is not defined in the scanned files`
        : `${what} ${display(arn)} is not determined by the input`
      : byName
        ? `AWS managed ${what} ${arn} does not exist (IAM rejects this ARN): the policy of that name is ${byName.arn}`
        : isAwsManagedArn(arn)
          ? `AWS managed ${what} ${arn} is not in rolefit's snapshot of AWS managed policies`
          : `managed ${what} ${arn} is not defined in the scanned files`;
    lr.incomplete.push(why);
    diagnostics.push({
      rule: 'unresolved-reference',
      // A wrong path to an existing AWS managed policy is a definite mistake: the deployment fails.
      severity: byName ? 'error' : 'warning',
      message: `${why}; the analysis of role ${roleName(lr.role)} is incomplete`,
      loc: ref.loc,
      roleId: lr.role.id,
    });
    return undefined;
  };

  for (const att of inv.attachments) {
    const lr = findRole(att.role.value);
    if (!lr) {
      diagnostics.push({
        rule: 'unresolved-reference',
        severity: 'note',
        message: `policy attached to role ${display(att.role.value)}, which is not defined in the scanned files`,
        loc: att.role.loc,
      });
      continue;
    }
    if (att.policy) lr.identity.push(att.policy);
    if (att.managedArn) lr.role.managed.push({ arn: att.managedArn });
  }

  for (const lr of linked) {
    const seen = new Set<string>();
    for (const m of lr.role.managed) {
      if (seen.has(m.arn.value)) continue;
      seen.add(m.arn.value);
      const p = resolveManaged(m.arn, lr, 'policy');
      if (p) lr.identity.push(p);
    }
    if (lr.role.boundary) {
      const p = resolveManaged(lr.role.boundary.arn, lr, 'boundary');
      lr.boundary = p ? [p] : [];
    }
  }
  return { roles: linked, diagnostics, findRole };
}
