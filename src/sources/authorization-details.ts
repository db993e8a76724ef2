// `aws iam get-account-authorization-details` output (domain.md §5.1): roles with their trust,
// inline, attached and boundary policies, and the managed policies (default version) of the dump.
// Documents are objects when the AWS CLI decoded them, URL-encoded JSON strings when an SDK did not.
// Users and groups are not linted.
import { emptyInventory, type Diagnostic, type Inventory, type Loc, type MapNode, type Node, type Policy, type PolicyKind, type Role, type Val } from '../model.js';
import { parsePolicy, parsePolicyText, type PolicyMeta } from '../iam/policy.js';
import { isAwsManagedArn } from '../iam/managed.js';
import { get, str } from './nodes.js';

/** A role or policy entry of a dump: a map carrying one of the identifying keys. */
function hasShape(n: Node, keys: string[]): boolean {
  return n.kind === 'map' && keys.some((k) => get(n, k) !== undefined);
}

const ROLE_KEYS = ['RoleName', 'RoleId', 'AssumeRolePolicyDocument'];
const POLICY_KEYS = ['PolicyVersionList', 'DefaultVersionId'];

export function isAuthorizationDetails(root: Node): boolean {
  if (root.kind !== 'map') return false;
  const roles = get(root, 'RoleDetailList');
  const policies = get(root, 'Policies');
  if (roles?.kind === 'seq' && roles.items.every((r) => hasShape(r, ROLE_KEYS))) return true;
  // `Policies` alone is a common word: claim it only when its entries are IAM managed policies.
  if (policies?.kind === 'seq' && policies.items.length > 0 && policies.items.every((p) => hasShape(p, POLICY_KEYS))) return true;
  // A dump filtered to users or groups: recognised (nothing in it is linted), not an unknown format.
  const users = get(root, 'UserDetailList');
  const groups = get(root, 'GroupDetailList');
  return (
    (users?.kind === 'seq' && users.items.every((u) => hasShape(u, ['UserName', 'UserId']))) ||
    (groups?.kind === 'seq' && groups.items.every((g) => hasShape(g, ['GroupName', 'GroupId'])))
  );
}

/** `file` is not needed beyond the Locs the nodes carry; kept for the common reader signature. */
export function readAuthorizationDetails(root: Node, _file: string): Inventory {
  const inv = emptyInventory();
  const r = new Reader(inv.diagnostics);
  const roles = get(root, 'RoleDetailList');
  for (const n of r.list(roles, 'RoleDetailList')) {
    const role = r.role(n);
    if (role) inv.roles.push(role);
  }
  for (const n of r.list(get(root, 'Policies'), 'Policies')) {
    const mp = r.managedPolicy(n);
    if (mp) inv.managedPolicies.push(mp);
  }
  return inv;
}

class Reader {
  constructor(private readonly diagnostics: Diagnostic[]) {}

  private report(loc: Loc, message: string, severity: Diagnostic['severity'] = 'error', roleId?: string): void {
    const d: Diagnostic = { rule: 'invalid-input', severity, message, loc };
    if (roleId !== undefined) d.roleId = roleId;
    this.diagnostics.push(d);
  }

  role(n: MapNode): Role | undefined {
    const name = this.string(n, 'RoleName', 'role');
    const arn = this.string(n, 'Arn', name ? `role ${name.value}` : 'role');
    if (!name || !arn) {
      this.report(n.loc, `role entry has no ${!name ? 'RoleName' : 'Arn'}: skipped`);
      return undefined;
    }
    const role: Role = { id: arn.value, name: name.value, arn: arn.value, source: 'authorization-details', loc: n.loc, inline: [], managed: [] };
    const where = `role ${name.value}`;

    const trust = get(n, 'AssumeRolePolicyDocument');
    if (trust) {
      const p = this.policy(trust, { name: name.value, kind: 'trust' }, role.id);
      if (p) role.trust = p;
    } else {
      this.report(n.loc, `${where} has no AssumeRolePolicyDocument`, 'warning', role.id);
    }

    for (const ip of this.list(get(n, 'RolePolicyList'), `${where}: RolePolicyList`)) {
      const pname = this.string(ip, 'PolicyName', `${where}: RolePolicyList`);
      const doc = get(ip, 'PolicyDocument');
      if (!pname || !doc) {
        this.report(ip.loc, `${where}: inline policy entry needs PolicyName and PolicyDocument`, 'error', role.id);
        continue;
      }
      const p = this.policy(doc, { name: pname.value, kind: 'inline' }, role.id);
      if (p) role.inline.push(p);
    }

    for (const a of this.list(get(n, 'AttachedManagedPolicies'), `${where}: AttachedManagedPolicies`)) {
      const parn = this.string(a, 'PolicyArn', `${where}: AttachedManagedPolicies`);
      if (parn) role.managed.push({ arn: parn });
      else this.report(a.loc, `${where}: attached managed policy entry has no PolicyArn`, 'error', role.id);
    }

    const pb = get(n, 'PermissionsBoundary');
    if (pb) {
      const barn = this.string(pb, 'PermissionsBoundaryArn', `${where}: PermissionsBoundary`);
      if (barn) role.boundary = { arn: barn };
      else this.report(pb.loc, `${where}: PermissionsBoundary has no PermissionsBoundaryArn`, 'error', role.id);
    }
    return role;
  }

  /** A managed policy of the dump, with the document of its default version. */
  managedPolicy(n: MapNode): Inventory['managedPolicies'][number] | undefined {
    const name = this.string(n, 'PolicyName', 'policy');
    const arn = this.string(n, 'Arn', name ? `policy ${name.value}` : 'policy');
    if (!name || !arn) {
      this.report(n.loc, `managed policy entry has no ${!name ? 'PolicyName' : 'Arn'}: skipped`);
      return undefined;
    }
    const where = `managed policy ${arn.value}`;
    const defaultId = this.string(n, 'DefaultVersionId', where);
    const versions = this.list(get(n, 'PolicyVersionList'), `${where}: PolicyVersionList`);
    const isDefault = (v: MapNode) => {
      const flag = get(v, 'IsDefaultVersion');
      return flag?.kind === 'scalar' && (flag.value === true || flag.value === 'true');
    };
    const flagged = versions.filter(isDefault);
    // IAM marks exactly one version as default; should a hand-edited dump disagree, DefaultVersionId decides.
    const byId = defaultId ? versions.find((v) => str(get(v, 'VersionId')) === defaultId.value) : undefined;
    const chosen = flagged.length === 1 ? flagged[0] : (byId ?? flagged[0]);
    if (flagged.length > 1) this.report(n.loc, `${where}: ${flagged.length} versions are marked IsDefaultVersion`, 'warning');
    if (!chosen) {
      this.report(n.loc, `${where}: no default version in PolicyVersionList; the policy cannot be analysed`);
      return undefined;
    }
    const doc = get(chosen, 'Document');
    if (!doc) {
      this.report(chosen.loc, `${where}: the default version has no Document`);
      return undefined;
    }
    const awsManaged = isAwsManagedArn(arn.value);
    const kind: PolicyKind = awsManaged ? 'aws-managed' : 'managed';
    // Customer managed policies are named by ARN (as in every reader); AWS managed ones by name,
    // as the snapshot names them, so a dump's copy and the snapshot's give the same Policy.
    const meta: PolicyMeta = { name: awsManaged ? name.value : arn.value, kind, arn: arn.value };
    const policy = this.policy(doc, meta, undefined, awsManaged);
    return policy && { arn: arn.value, name: name.value, policy };
  }

  /**
   * A policy document, object or (URL-encoded) JSON string. AWS managed documents are AWS's to fix:
   * their grammar findings (sizes over the customer quota, actions newer than the catalog) are noise.
   */
  private policy(doc: Node, meta: PolicyMeta, roleId?: string, quiet = false): Policy | undefined {
    let result: { policy?: Policy; diagnostics: Diagnostic[] };
    if (doc.kind === 'scalar' && typeof doc.value === 'string') result = parsePolicyText(doc.value, doc.loc, meta);
    else if (doc.kind === 'map') result = parsePolicy(doc, meta);
    else {
      this.report(doc.loc, `${meta.kind} policy ${meta.name}: a policy document must be an object or a JSON string`, 'error', roleId);
      return undefined;
    }
    if (!quiet || !result.policy) {
      for (const d of result.diagnostics) this.diagnostics.push(roleId !== undefined && d.roleId === undefined ? { ...d, roleId } : d);
    }
    return result.policy;
  }

  /** The object items of a list; a missing list is empty, anything else is reported. */
  list(node: Node | undefined, where: string): MapNode[] {
    if (!node || (node.kind === 'scalar' && node.value === null)) return [];
    if (node.kind !== 'seq') {
      this.report(node.loc, `${where} must be a list`);
      return [];
    }
    return node.items.filter((i): i is MapNode => {
      if (i.kind === 'map') return true;
      this.report(i.loc, `${where}: each item must be an object`);
      return false;
    });
  }

  private string(node: Node, key: string, where: string): Val | undefined {
    const v = get(node, key);
    if (!v || (v.kind === 'scalar' && v.value === null)) return undefined;
    if (v.kind !== 'scalar' || typeof v.value !== 'string' || v.value === '') {
      this.report(v.loc, `${where}: ${key} must be a non-empty string`);
      return undefined;
    }
    return { value: v.value, loc: v.loc };
  }
}
