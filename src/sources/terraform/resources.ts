// Terraform resources → the Inventory model, the same for a configuration (HCL evaluated) and for
// a plan (values as `terraform show -json` writes them): both are read through a ResourceView.
import {
  display,
  emptyInventory,
  type Diagnostic,
  type EksAccessEntry,
  type FargateSelector,
  type Inventory,
  type Loc,
  type Node,
  type Policy,
  type Role,
  type Val,
} from '../../model.js';
import { parsePolicy, parsePolicyText, type PolicyMeta } from '../../iam/policy.js';
import { readTaskDefinitions } from '../task-definition.js';
import { fromPlain } from '../nodes.js';
import { isEncoded, isNull, isUnknown, map, seq, text, type Tokens } from './values.js';

/** Arguments and nested blocks of a resource or of one of its blocks. */
export interface BlockView {
  loc: Loc;
  /** An argument or exported attribute (undefined when absent or null). */
  get(name: string): Node | undefined;
  blocks(name: string): BlockView[];
}

export interface ResourceView extends BlockView {
  address: string;
  type: string;
  context: { partition: string; region: string; account: string };
  tokens: Tokens;
}

const val = (n: Node | undefined): Val | undefined => {
  const t = text(n);
  return t === undefined || n!.kind !== 'scalar' ? undefined : { value: t, loc: n!.loc };
};
const vals = (n: Node | undefined): Val[] => (n?.kind === 'seq' ? n.items.flatMap((i) => val(i) ?? []) : (val(n) ? [val(n)!] : []));
const strings = (n: Node | undefined): string[] => vals(n).map((v) => v.value);

/** The resource types read (others are only reached through references). */
export const RESOURCE_TYPES = [
  'aws_iam_role', 'aws_iam_role_policy', 'aws_iam_policy', 'aws_iam_role_policy_attachment', 'aws_iam_policy_attachment',
  'aws_iam_role_policies_exclusive', 'aws_iam_role_policy_attachments_exclusive', 'aws_ecs_task_definition',
  'aws_eks_fargate_profile', 'aws_eks_access_entry', 'aws_eks_access_policy_association', 'aws_eks_node_group', 'aws_eks_cluster',
  'aws_cloudwatch_log_group', 'aws_secretsmanager_secret', 'aws_ssm_parameter', 'aws_kms_key', 'aws_kms_alias', 'aws_ecr_repository',
  'aws_ecr_pull_through_cache_rule',
];

/** What a plan tells about the configuration it was made from: its root variables and deployment context. */
export interface PlanInfo {
  file: string;
  /** Addresses of the resources it holds. */
  addresses: Set<string>;
  variables: Map<string, Node>;
  /** Values the plan determines (account, region, partition); tokens are left out. */
  context: { partition?: string; region?: string; account?: string };
}

/** The plan, and resource address, each object read from a plan comes from (see mergeTerraform). */
export const PLAN_ORIGIN = new WeakMap<object, { address: string; plan: PlanInfo }>();

export class InventoryBuilder {
  readonly inv: Inventory = emptyInventory();
  /** Objects read from a plan are tagged in PLAN_ORIGIN. */
  constructor(private readonly plan?: PlanInfo) {}
  private readonly aliases: ResourceView[] = [];
  private readonly policyAssociations: ResourceView[] = [];

  private diag(d: Diagnostic): void {
    this.inv.diagnostics.push(d);
  }

  /** A policy argument: jsonencode/data-source output keeps positions; JSON text is parsed at the argument. */
  private policy(v: Node | undefined, meta: PolicyMeta, roleId?: string): Policy | 'unknown' | undefined {
    if (v === undefined || isNull(v)) return undefined;
    if (isUnknown(v)) return 'unknown';
    let result: { policy?: Policy; diagnostics: Diagnostic[] };
    if (isEncoded(v)) result = parsePolicy(v.json, meta);
    else if (v.kind === 'scalar' && typeof v.value === 'string') result = parsePolicyText(v.value, v.loc, meta);
    else result = parsePolicy(v, meta);
    for (const d of result.diagnostics) this.diag(roleId && !d.roleId ? { ...d, roleId } : d);
    return result.policy;
  }

  /** An unknown policy stands as a managed policy whose ARN is a token: link reports the role's analysis incomplete. */
  private unknownPolicy(r: ResourceView, attr: string, at: Loc): Val {
    return { value: r.tokens.name(`${r.address}.${attr}`), loc: at };
  }

  add(r: ResourceView): void {
    if (!this.plan) return this.read(r);
    const plan = this.plan;
    const lists = Object.values(this.inv) as object[][];
    const before = lists.map((l) => l.length);
    this.read(r);
    lists.forEach((l, i) => l.slice(before[i]).forEach((o) => typeof o === 'object' && PLAN_ORIGIN.set(o, { address: r.address, plan })));
  }

  private read(r: ResourceView): void {
    switch (r.type) {
      case 'aws_iam_role':
        return this.role(r);
      case 'aws_iam_role_policy': {
        const role = val(r.get('role'));
        if (!role) return;
        const name = text(r.get('name')) ?? r.address;
        const p = this.policy(r.get('policy'), { name, kind: 'inline' });
        if (p === 'unknown') this.inv.attachments.push({ role, managedArn: this.unknownPolicy(r, 'policy', r.get('policy')!.loc) });
        else if (p) this.inv.attachments.push({ role, policy: p });
        return;
      }
      case 'aws_iam_policy': {
        const arn = text(r.get('arn'));
        if (arn === undefined) return;
        const p = this.policy(r.get('policy'), { name: arn, kind: 'managed', arn });
        if (p && p !== 'unknown') this.inv.managedPolicies.push({ arn, name: text(r.get('name')) ?? r.address, policy: p });
        return;
      }
      case 'aws_iam_role_policy_attachment': {
        const [role, arn] = [val(r.get('role')), val(r.get('policy_arn'))];
        if (role && arn) this.inv.attachments.push({ role, managedArn: arn });
        return;
      }
      case 'aws_iam_policy_attachment': {
        const arn = val(r.get('policy_arn'));
        if (arn) for (const role of vals(r.get('roles'))) this.inv.attachments.push({ role, managedArn: { value: arn.value, loc: role.loc } });
        return;
      }
      case 'aws_iam_role_policy_attachments_exclusive': {
        // The listed policies are attached (and any other detached): attachments of their own.
        const role = val(r.get('role_name'));
        if (role) for (const arn of vals(r.get('policy_arns'))) this.inv.attachments.push({ role, managedArn: arn });
        return;
      }
      case 'aws_ecs_task_definition':
        return this.taskDefinition(r);
      case 'aws_eks_fargate_profile':
        return this.fargateProfile(r);
      case 'aws_eks_access_entry': {
        const principalArn = val(r.get('principal_arn'));
        if (!principalArn) return;
        const entry: EksAccessEntry = {
          cluster: text(r.get('cluster_name')) ?? r.tokens.name(`${r.address}.cluster_name`),
          principalArn,
          type: text(r.get('type')) ?? 'STANDARD',
          groups: strings(r.get('kubernetes_groups')),
          accessPolicies: [],
          loc: r.loc,
        };
        this.inv.accessEntries.push(entry);
        return;
      }
      case 'aws_eks_access_policy_association':
        this.policyAssociations.push(r);
        return;
      case 'aws_eks_node_group': {
        const role = val(r.get('node_role_arn'));
        if (!role) return;
        const ng = text(r.get('node_group_name')) ?? r.address;
        const cluster = text(r.get('cluster_name')) ?? '?';
        this.inv.nodeRoles.push({ role, usedBy: `node group "${display(ng)}" of cluster "${display(cluster)}"`, loc: role.loc });
        return;
      }
      case 'aws_eks_cluster':
        this.inv.clusters.push({ name: text(r.get('name')) ?? r.tokens.name(`${r.address}.name`), ...r.context, loc: r.loc });
        return;
      case 'aws_secretsmanager_secret': {
        const arn = text(r.get('arn'));
        if (arn === undefined) return;
        const name = text(r.get('name'));
        const kmsKeyId = text(r.get('kms_key_id'));
        this.inv.secrets.push({ arn, ...(name !== undefined && { name }), ...(kmsKeyId !== undefined && { kmsKeyId }), loc: r.loc });
        return;
      }
      case 'aws_ssm_parameter': {
        const [arn, name] = [text(r.get('arn')), text(r.get('name'))];
        if (arn === undefined || name === undefined) return;
        const kmsKeyId = text(r.get('key_id'));
        this.inv.parameters.push({ arn, name, ...(kmsKeyId !== undefined && { kmsKeyId }), loc: r.loc });
        return;
      }
      case 'aws_kms_key': {
        const arn = text(r.get('arn'));
        if (arn !== undefined) this.inv.kmsKeys.push({ arn, aliases: [text(r.get('key_id')) ?? r.tokens.name(`${r.address}.key_id`)], loc: r.loc });
        return;
      }
      case 'aws_kms_alias':
        this.aliases.push(r); // after every key is known
        return;
      case 'aws_ecr_pull_through_cache_rule': {
        const prefix = text(r.get('ecr_repository_prefix'));
        if (prefix) this.inv.pullThroughCacheRules.push({ prefix, account: r.context.account, region: r.context.region, loc: r.loc });
        return;
      }
    }
  }

  /** The inventory, once every resource is added. */
  finish(): Inventory {
    for (const r of this.aliases) {
      const [alias, target] = [text(r.get('name')), text(r.get('target_key_id'))];
      if (alias === undefined || target === undefined) continue;
      const key = this.inv.kmsKeys.find((k) => k.arn === target || k.aliases.includes(target));
      if (!key) continue;
      const aliasArn = text(r.get('arn'));
      for (const a of [alias, aliasArn]) if (a !== undefined && !key.aliases.includes(a)) key.aliases.push(a);
    }
    for (const r of this.policyAssociations) {
      const [principal, policy, cluster] = [text(r.get('principal_arn')), text(r.get('policy_arn')), text(r.get('cluster_name'))];
      const entry = this.inv.accessEntries.find((e) => e.principalArn.value === principal && e.cluster === cluster);
      if (entry && policy !== undefined) entry.accessPolicies.push(policy);
    }
    return this.inv;
  }

  private role(r: ResourceView): void {
    const name = text(r.get('name')) ?? r.tokens.name(`${r.address}.name`);
    const path = text(r.get('path')) ?? '/';
    const { partition: P, account: A } = r.context;
    const role: Role = {
      id: r.address,
      name,
      arn: text(r.get('arn')) ?? `arn:${P}:iam::${A}:role${path}${name}`,
      source: 'terraform',
      loc: r.loc,
      inline: [],
      managed: vals(r.get('managed_policy_arns')).map((arn) => ({ arn })),
    };
    const trust = this.policy(r.get('assume_role_policy'), { name: r.address, kind: 'trust' }, r.address);
    if (trust && trust !== 'unknown') role.trust = trust;
    if (trust === undefined && r.get('assume_role_policy') === undefined) {
      this.diag({ rule: 'invalid-policy', severity: 'error', message: `trust policy ${r.address} has no policy document (assume_role_policy is required)`, loc: r.loc, roleId: r.address });
    }
    for (const b of r.blocks('inline_policy')) {
      const pname = text(b.get('name')) ?? `${r.address}.inline_policy`;
      const p = this.policy(b.get('policy'), { name: pname, kind: 'inline' }, r.address);
      if (p === 'unknown') role.managed.push({ arn: this.unknownPolicy(r, `inline_policy.${pname}`, b.loc) });
      else if (p) role.inline.push(p);
    }
    const boundary = val(r.get('permissions_boundary'));
    if (boundary) role.boundary = { arn: boundary };
    this.inv.roles.push(role);
  }

  private taskDefinition(r: ResourceView): void {
    const raw = r.get('container_definitions');
    let containers: Node | undefined;
    if (isEncoded(raw)) containers = raw.json;
    else if (raw?.kind === 'scalar' && typeof raw.value === 'string' && !isUnknown(raw)) {
      try {
        containers = fromPlain(JSON.parse(raw.value), raw.loc);
      } catch {
        this.diag({ rule: 'invalid-input', severity: 'error', message: `${r.address}: container_definitions is not valid JSON`, loc: raw.loc });
      }
    } else if (raw && raw.kind === 'seq') containers = raw;
    const entries: Array<[string, Node]> = [];
    const put = (key: string, v: Node | undefined) => {
      if (v !== undefined && !isNull(v)) entries.push([key, v]);
    };
    put('family', r.get('family'));
    put('executionRoleArn', r.get('execution_role_arn'));
    put('taskRoleArn', r.get('task_role_arn'));
    put('requiresCompatibilities', r.get('requires_compatibilities'));
    put('networkMode', r.get('network_mode'));
    const volumes = r.blocks('volume').flatMap((v) =>
      v.blocks('fsx_windows_file_server_volume_configuration').flatMap((f) =>
        f.blocks('authorization_config').map((a) =>
          map([['fsxWindowsFileServerVolumeConfiguration', map([['authorizationConfig', map([['credentialsParameter', a.get('credentials_parameter') ?? map([], a.loc)]], a.loc)]], f.loc)]], v.loc),
        ),
      ),
    );
    if (volumes.length) put('volumes', seq(volumes, r.loc));
    let containersUnknown = !containers;
    if (containers) {
      // What the agent does for a container comes from these parts: undetermined, they are left out
      // (so the reader does not call them malformed) and the task's needs are not known.
      const known = withoutUnknownParts(containers);
      for (const part of known.unknown) {
        this.diag({ rule: 'unresolved-reference', severity: 'note', message: `${r.address}: ${part.what} is not determined by the configuration: what it needs of the execution role is not known`, loc: part.loc });
      }
      containers = known.node;
      containersUnknown = known.unknown.length > 0;
    }
    if (!containers) {
      this.diag({
        rule: 'unresolved-reference',
        severity: 'warning',
        message: `${r.address}: container_definitions ${raw ? `is not determined by the configuration (${display(text(raw) ?? 'a value known only after apply')})` : 'is missing'}: what its containers need of the execution role is not known`,
        loc: raw?.loc ?? r.loc,
      });
      containers = seq([], r.loc);
      containersUnknown = true;
    }
    put('containerDefinitions', containers);
    const read = readTaskDefinitions(map(entries, r.loc), r.loc.file);
    for (const td of read.taskDefinitions) {
      td.id = r.address;
      td.source = 'terraform';
      td.loc = r.loc;
      if (containersUnknown) td.containersUnknown = true;
      Object.assign(td, r.context);
      const arn = text(r.get('arn'));
      if (arn !== undefined) td.arn = arn;
      this.inv.taskDefinitions.push(td);
    }
    // Containers the configuration does not determine (reported above) may leave the list empty: that
    // is not the configuration's mistake. A written empty list is.
    this.inv.diagnostics.push(...read.diagnostics.filter((d) => !containersUnknown || !/containerDefinitions is empty/.test(d.message)));
  }

  private fargateProfile(r: ResourceView): void {
    const selectors: FargateSelector[] = r.blocks('selector').map((s) => {
      const labels: Record<string, string> = {};
      const l = s.get('labels');
      if (l?.kind === 'map') for (const e of l.entries) labels[e.key] = text(e.value) ?? '';
      return { namespace: text(s.get('namespace')) ?? '', labels, loc: s.loc };
    });
    const role = val(r.get('pod_execution_role_arn'));
    this.inv.fargateProfiles.push({
      id: r.address,
      name: text(r.get('fargate_profile_name')) ?? r.tokens.name(`${r.address}.fargate_profile_name`),
      cluster: text(r.get('cluster_name')) ?? r.tokens.name(`${r.address}.cluster_name`),
      ...(role && { podExecutionRole: role }),
      selectors,
      ...r.context,
      source: 'terraform',
      loc: r.loc,
    });
  }
}

/** Container fields the needs come from (domain.md §1.4). */
const NEEDS_FIELDS = ['secrets', 'environmentFiles', 'logConfiguration', 'repositoryCredentials', 'firelensConfiguration', 'dockerSecurityOptions', 'credentialSpecs'];
/** Of those, the lists of objects, whose items are read one by one. */
const OBJECT_LISTS = ['secrets', 'environmentFiles'];
/** Parts of the others that must be known for them to be read. */
const INNER: Record<string, string[]> = { logConfiguration: ['logDriver', 'options', 'secretOptions'], firelensConfiguration: ['type', 'options'] };

/** Container definitions without their wholly unknown parts, and what those were. */
function withoutUnknownParts(containers: Node): { node: Node; unknown: Array<{ what: string; loc: Loc }> } {
  const unknown: Array<{ what: string; loc: Loc }> = [];
  if (containers.kind !== 'seq') return { node: containers, unknown };
  const items: Node[] = [];
  containers.items.forEach((c, i) => {
    if (isUnknown(c)) {
      unknown.push({ what: `container definition ${i + 1}`, loc: c.loc });
      return;
    }
    if (c.kind !== 'map') {
      items.push(c);
      return;
    }
    const name = text(c.entries.find((e) => e.key === 'name')?.value);
    const label = name === undefined ? `container ${i + 1}` : `container "${display(name)}"`;
    const entries: typeof c.entries = [];
    for (const e of c.entries) {
      const v = e.value;
      if (!NEEDS_FIELDS.includes(e.key)) entries.push(e);
      else if (isUnknown(v)) unknown.push({ what: `${label} ${e.key}`, loc: v.loc });
      else if (OBJECT_LISTS.includes(e.key) && v.kind === 'seq') {
        const kept = v.items.filter((item, j) => !isUnknown(item) || (unknown.push({ what: `${label} ${e.key}[${j}]`, loc: item.loc }), false));
        entries.push({ ...e, value: { ...v, items: kept } });
      } else {
        const hole = v.kind === 'map' ? v.entries.find((x) => INNER[e.key]?.includes(x.key) && isUnknown(x.value)) : undefined;
        if (hole) unknown.push({ what: `${label} ${e.key}.${hole.key}`, loc: hole.value.loc });
        else entries.push(e);
      }
    }
    items.push({ ...c, entries });
  });
  return { node: { ...containers, items }, unknown };
}
