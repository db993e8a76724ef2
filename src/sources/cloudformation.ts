// CloudFormation templates (JSON or YAML, short-form tags already in long form): IAM roles and
// their policies, ECS task definitions and the secrets, parameters and keys they refer to.
// Property values go through the intrinsic resolver first, so what is read here is plain data
// whose strings may hold tokens for what the template leaves open.
import {
  display,
  emptyInventory,
  hasToken,
  type Container,
  type ContainerSecret,
  type Diagnostic,
  type FargateProfile,
  type Inventory,
  type Loc,
  type ManagedPolicyRef,
  type Node,
  type Policy,
  type Role,
  type TaskDefinition,
  type Val,
} from '../model.js';
import { get, items, str } from './nodes.js';
import { parsePolicy, parsePolicyText, type PolicyMeta } from '../iam/policy.js';
import { CfnResolver, type CfnResource } from '../link/cfn-intrinsics.js';
import { isRoleName } from './task-definition.js';

const TYPE_RE = /^(AWS|Custom)::/;

/** A CloudFormation template: has AWSTemplateFormatVersion, or Resources typed `AWS::…`/`Custom::…`. */
export function isCloudFormation(root: Node): boolean {
  if (root.kind !== 'map') return false;
  if (get(root, 'AWSTemplateFormatVersion')) return true;
  const resources = get(root, 'Resources');
  if (!resources || resources.kind !== 'map' || resources.entries.length === 0) return false;
  let typed = false;
  for (const e of resources.entries) {
    const type = str(get(e.value, 'Type'));
    if (type === undefined) continue;
    // Registry types (`Org::Service::Thing`) are CloudFormation too; anything else is not.
    if (!type.includes('::')) return false;
    if (TYPE_RE.test(type)) typed = true;
  }
  return typed;
}

export function readCloudFormation(root: Node, file: string): Inventory {
  const inv = emptyInventory();
  inv.files.push(file);
  const r = new CfnResolver(root, file);
  const diagnostics: Diagnostic[] = [];
  const reader = new Reader(r, inv, diagnostics);

  const transform = root.kind === 'map' ? root.entries.find((e) => e.key === 'Transform') : undefined;
  if (transform) {
    const names = items(transform.value).map((n) => str(n) ?? str(get(n, 'Name')) ?? '?');
    r.report(
      transform.keyLoc,
      `template uses Transform ${names.map(display).join(', ')}: resources the transform generates are not expanded; only the plain resources are read`,
      'note',
    );
  }

  const aliases: CfnResource[] = [];
  for (const res of r.resources.values()) {
    if (r.resourceCondition(res.id) === false) continue;
    switch (res.type) {
      case 'AWS::IAM::Role':
        reader.role(res);
        break;
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::RolePolicy':
        reader.inlinePolicy(res);
        break;
      case 'AWS::IAM::ManagedPolicy':
        reader.managedPolicy(res);
        break;
      case 'AWS::ECS::TaskDefinition':
        reader.taskDefinition(res);
        break;
      case 'AWS::SecretsManager::Secret':
        reader.secret(res);
        break;
      case 'AWS::SSM::Parameter':
        reader.parameter(res);
        break;
      case 'AWS::KMS::Key':
        reader.kmsKey(res);
        break;
      case 'AWS::KMS::Alias':
        aliases.push(res); // after every key is known
        break;
      case 'AWS::ECR::PullThroughCacheRule':
        reader.pullThroughCacheRule(res);
        break;
      case 'AWS::EKS::FargateProfile':
        reader.fargateProfile(res);
        break;
      case 'AWS::EKS::Cluster':
        reader.eksCluster(res);
        break;
      case 'AWS::EKS::AccessEntry':
        reader.accessEntry(res);
        break;
      case 'AWS::EKS::Nodegroup':
        reader.nodegroup(res);
        break;
    }
  }
  for (const res of aliases) reader.kmsAlias(res);

  inv.diagnostics.push(...r.diagnostics, ...diagnostics);
  inv.diagnostics.sort((a, b) => a.loc.line - b.loc.line || a.loc.column - b.loc.column);
  return inv;
}

/** A string value with where it is written (numbers and booleans as text). */
function val(node: Node | undefined): Val | undefined {
  const value = str(node);
  return value === undefined ? undefined : { value, loc: node!.loc };
}

/** The objects of a list (a value an unresolved intrinsic left unknown is no object). */
function maps(node: Node | undefined): Node[] {
  return items(node).filter((n) => n.kind === 'map');
}

function vals(node: Node | undefined): Val[] {
  return items(node).flatMap((n) => val(n) ?? []);
}

/** An option map (log driver, FireLens): keys kept as written. */
function options(node: Node | undefined): Record<string, Val> {
  const out: Record<string, Val> = {};
  if (node?.kind !== 'map') return out;
  for (const e of node.entries) {
    const v = val(e.value);
    if (v) out[e.key] = v;
  }
  return out;
}

/** AWS::ECS::TaskDefinition properties and container properties, as CloudFormation spells them. */
const TASK_PROPERTIES = [
  'ContainerDefinitions', 'Cpu', 'EnableFaultInjection', 'EphemeralStorage', 'ExecutionRoleArn', 'Family',
  'InferenceAccelerators', 'IpcMode', 'Memory', 'NetworkMode', 'PidMode', 'PlacementConstraints', 'ProxyConfiguration',
  'RequiresCompatibilities', 'RuntimePlatform', 'Tags', 'TaskRoleArn', 'Volumes',
] as const;
const CONTAINER_PROPERTIES = [
  'Command', 'Cpu', 'CredentialSpecs', 'DependsOn', 'DisableNetworking', 'DnsSearchDomains', 'DnsServers', 'DockerLabels',
  'DockerSecurityOptions', 'EntryPoint', 'Environment', 'EnvironmentFiles', 'Essential', 'ExtraHosts', 'FirelensConfiguration',
  'GpuCount', 'HealthCheck', 'Hostname', 'Image', 'Interactive', 'Links', 'LinuxParameters', 'LogConfiguration', 'Memory',
  'MemoryReservation', 'MountPoints', 'Name', 'PortMappings', 'Privileged', 'PseudoTerminal', 'ReadonlyRootFilesystem',
  'RepositoryCredentials', 'ResourceRequirements', 'RestartPolicy', 'Secrets', 'StartTimeout', 'StopTimeout', 'SystemControls',
  'Ulimits', 'User', 'VersionConsistency', 'VolumesFrom', 'WorkingDirectory',
] as const;

class Reader {
  /** Key positions already reported as miscased (a property may be read more than once). */
  private readonly reportedKeys = new Set<string>();

  constructor(
    private readonly r: CfnResolver,
    private readonly inv: Inventory,
    private readonly diagnostics: Diagnostic[],
  ) {}

  /** A policy document written as an object or as a JSON string. */
  private policy(node: Node | undefined, meta: PolicyMeta, at: Loc, roleId?: string): Policy | undefined {
    if (!node) {
      this.diagnostics.push({ rule: 'invalid-policy', severity: 'error', message: `${meta.kind} policy ${display(meta.name)} has no policy document`, loc: at, ...(roleId && { roleId }) });
      return undefined;
    }
    const s = node.kind === 'scalar' && typeof node.value === 'string' ? node.value : undefined;
    const { policy, diagnostics } = s !== undefined ? parsePolicyText(s, node.loc, meta) : parsePolicy(node, meta);
    for (const d of diagnostics) this.diagnostics.push(roleId && !d.roleId ? { ...d, roleId } : d);
    return policy;
  }

  role(res: CfnResource): void {
    const props = this.r.properties(res.id);
    const role: Role = {
      id: res.id,
      name: this.r.refText(res.id, res.keyLoc),
      arn: this.r.getAttText(res.id, 'Arn', res.keyLoc),
      source: 'cloudformation',
      loc: res.keyLoc,
      inline: [],
      managed: vals(get(props, 'ManagedPolicyArns')).map((arn): ManagedPolicyRef => ({ arn })),
    };
    const trust = get(props, 'AssumeRolePolicyDocument');
    role.trust = this.policy(trust, { name: res.id, kind: 'trust' }, res.keyLoc, res.id);
    maps(get(props, 'Policies')).forEach((p, i) => {
      const name = str(get(p, 'PolicyName')) ?? `${res.id}.Policies[${i}]`;
      const policy = this.policy(get(p, 'PolicyDocument'), { name, kind: 'inline' }, p.loc, res.id);
      if (policy) role.inline.push(policy);
    });
    const boundary = val(get(props, 'PermissionsBoundary'));
    if (boundary) role.boundary = { arn: boundary };
    this.inv.roles.push(role);
  }

  /** AWS::IAM::Policy (Roles: role names) and AWS::IAM::RolePolicy (RoleName). */
  inlinePolicy(res: CfnResource): void {
    const props = this.r.properties(res.id);
    const roles = vals(res.type === 'AWS::IAM::Policy' ? get(props, 'Roles') : get(props, 'RoleName'));
    // A policy only for users or groups is no concern of a role linter.
    if (roles.length === 0) return;
    const name = str(get(props, 'PolicyName')) ?? res.id;
    const policy = this.policy(get(props, 'PolicyDocument'), { name, kind: 'inline' }, res.keyLoc);
    if (!policy) return;
    for (const role of roles) this.inv.attachments.push({ role, policy });
  }

  managedPolicy(res: CfnResource): void {
    const props = this.r.properties(res.id);
    const arn = this.r.refText(res.id, res.keyLoc);
    const policy = this.policy(get(props, 'PolicyDocument'), { name: arn, kind: 'managed', arn }, res.keyLoc);
    if (!policy) return;
    this.inv.managedPolicies.push({ arn, name: this.r.physicalName(res.id)!, policy });
    for (const role of vals(get(props, 'Roles'))) {
      this.inv.attachments.push({ role, managedArn: { value: arn, loc: role.loc } });
    }
  }

  taskDefinition(res: CfnResource): void {
    const props = this.r.properties(res.id);
    const p = (node: Node | undefined, key: string) => this.prop(node, key);
    this.pascalCaseKeys(props, TASK_PROPERTIES);
    const td: TaskDefinition = {
      id: res.id,
      arn: this.r.refText(res.id, res.keyLoc),
      source: 'cloudformation',
      loc: res.keyLoc,
      requiresCompatibilities: vals(p(props, 'RequiresCompatibilities')).map((v) => v.value),
      region: this.r.region,
      account: this.r.account,
      partition: this.r.partition,
      containers: maps(p(props, 'ContainerDefinitions')).map((c, i) => this.container(c, i)),
      fsxCredentials: items(p(props, 'Volumes')).flatMap(
        (v) => val(p(p(p(v, 'FSxWindowsFileServerVolumeConfiguration'), 'AuthorizationConfig'), 'CredentialsParameter')) ?? [],
      ),
    };
    const family = str(p(props, 'Family'));
    if (family !== undefined) td.family = family;
    const networkMode = str(p(props, 'NetworkMode'));
    if (networkMode !== undefined && networkMode !== '') td.networkMode = networkMode;
    const executionRole = val(p(props, 'ExecutionRoleArn'));
    if (executionRole) {
      td.executionRole = executionRole;
      if (isRoleName(executionRole.value)) this.executionRoleName(res, executionRole);
    }
    const taskRole = val(p(props, 'TaskRoleArn'));
    if (taskRole) td.taskRole = taskRole;
    this.inv.taskDefinitions.push(td);
  }

  /** ExecutionRoleArn holding a role name (typically `!Ref Role`) where the API documents an ARN. */
  private executionRoleName(res: CfnResource, role: Val): void {
    // Name the role when the template writes `Ref: <an AWS::IAM::Role>`.
    const raw = get(get(res.node, 'Properties'), 'ExecutionRoleArn') ?? get(get(res.node, 'Properties'), 'executionRoleArn');
    const target = str(get(raw, 'Ref'));
    const roleId = target !== undefined && this.r.resources.get(target)?.type === 'AWS::IAM::Role' ? target : 'Role';
    // A note, not an error: an ECS maintainer says ECS completes a name to the ARN (AWS's own
    // samples rely on it), though the API reference and cfn-lint (E3008) say it takes an ARN.
    this.diagnostics.push({
      rule: 'invalid-input',
      severity: 'note',
      message: `ExecutionRoleArn is documented to take a role ARN; !Ref of an AWS::IAM::Role gives its name (${display(role.value)}), which ECS completes in practice — !GetAtt ${roleId}.Arn is the documented form`,
      loc: role.loc,
    });
  }

  /**
   * A property of a resolved value. CloudFormation property names are PascalCase and case-sensitive:
   * another spelling (`logConfiguration`, as the ECS API writes it, copied into templates) is
   * rejected, so it is reported, and still read so that the analysis sees what the template means.
   */
  private prop(node: Node | undefined, key: string): Node | undefined {
    if (!node || node.kind !== 'map') return undefined;
    let variant: Node | undefined;
    const lower = key.toLowerCase();
    for (const e of node.entries) {
      if (e.key === key) return e.value;
      if (variant === undefined && e.key.toLowerCase() === lower) {
        this.miscased(e.key, e.keyLoc, key);
        variant = e.value;
      }
    }
    return variant;
  }

  /**
   * Reports the keys of a fixed-schema object (task definition properties, a container, its log
   * configuration…) that start with a lower-case letter: no such CloudFormation property exists.
   * Free-form maps (log options, Docker labels) are not passed here.
   */
  private pascalCaseKeys(node: Node | undefined, known: readonly string[]): void {
    if (!node || node.kind !== 'map') return;
    for (const e of node.entries) {
      if (!/^[a-z]/.test(e.key)) continue;
      const lower = e.key.toLowerCase();
      const right = known.find((k) => k.toLowerCase() === lower) ?? e.key[0].toUpperCase() + e.key.slice(1);
      this.miscased(e.key, e.keyLoc, right);
    }
  }

  private miscased(key: string, at: Loc, right: string): void {
    const k = `${at.file}:${at.line}:${at.column}`;
    if (this.reportedKeys.has(k)) return;
    this.reportedKeys.add(k);
    this.diagnostics.push({
      rule: 'invalid-input',
      severity: 'error',
      message: `CloudFormation property names are PascalCase: ${right}, not ${display(key)}`,
      loc: at,
    });
  }

  private container(c: Node, index: number): Container {
    const p = (node: Node | undefined, key: string) => this.prop(node, key);
    this.pascalCaseKeys(c, CONTAINER_PROPERTIES);
    const log = p(c, 'LogConfiguration');
    this.pascalCaseKeys(log, ['LogDriver', 'Options', 'SecretOptions']);
    const container: Container = {
      name: str(p(c, 'Name')) ?? `#${index + 1}`,
      loc: c.loc,
      secrets: this.secrets(p(c, 'Secrets')),
      logOptions: options(p(log, 'Options')),
      logSecretOptions: this.secrets(p(log, 'SecretOptions')),
      environmentFiles: items(p(c, 'EnvironmentFiles')).flatMap((f) => {
        this.pascalCaseKeys(f, ['Type', 'Value']);
        const value = val(p(f, 'Value'));
        return value ? [{ type: str(p(f, 'Type')) ?? 's3', value }] : [];
      }),
    };
    const image = val(p(c, 'Image'));
    if (image) container.image = image;
    const repositoryCredentials = p(c, 'RepositoryCredentials');
    this.pascalCaseKeys(repositoryCredentials, ['CredentialsParameter']);
    const credentials = val(p(repositoryCredentials, 'CredentialsParameter'));
    if (credentials) container.credentialsParameter = credentials;
    const logDriver = val(p(log, 'LogDriver'));
    if (logDriver) container.logDriver = logDriver;
    const firelens = p(c, 'FirelensConfiguration');
    this.pascalCaseKeys(firelens, ['Type', 'Options']);
    if (firelens) container.firelens = { type: str(p(firelens, 'Type')) ?? '', options: options(p(firelens, 'Options')) };
    return container;
  }

  private secrets(node: Node | undefined): ContainerSecret[] {
    return items(node).flatMap((s) => {
      this.pascalCaseKeys(s, ['Name', 'ValueFrom']);
      const valueFrom = val(this.prop(s, 'ValueFrom'));
      return valueFrom ? [{ name: str(this.prop(s, 'Name')) ?? '', valueFrom }] : [];
    });
  }

  /** AWS::EKS::FargateProfile: Selectors[].Labels is a list of {Key, Value} in CloudFormation. */
  fargateProfile(res: CfnResource): void {
    const props = this.r.properties(res.id);
    const cluster = str(get(props, 'ClusterName')) ?? this.r.tok(`${res.id}.ClusterName`);
    const name = this.r.physicalName(res.id)!;
    const profile: FargateProfile = {
      id: res.id,
      name,
      cluster,
      selectors: maps(get(props, 'Selectors')).map((sel) => {
        const labels: Record<string, string> = {};
        for (const l of maps(get(sel, 'Labels'))) {
          const key = str(get(l, 'Key'));
          if (key !== undefined) labels[key] = str(get(l, 'Value')) ?? '';
        }
        return { namespace: str(get(sel, 'Namespace')) ?? '', labels, loc: sel.loc };
      }),
      region: this.r.region,
      account: this.r.account,
      partition: this.r.partition,
      source: 'cloudformation',
      loc: res.keyLoc,
    };
    const role = val(get(props, 'PodExecutionRoleArn'));
    if (role) profile.podExecutionRole = role;
    this.inv.fargateProfiles.push(profile);
  }

  eksCluster(res: CfnResource): void {
    const { partition, region, account } = this.r;
    const name = this.r.physicalName(res.id)!;
    this.inv.clusters.push({ name, region, account, partition, loc: res.keyLoc });
  }

  accessEntry(res: CfnResource): void {
    const props = this.r.properties(res.id);
    const principalArn = val(get(props, 'PrincipalArn'));
    if (!principalArn) return;
    this.inv.accessEntries.push({
      cluster: str(get(props, 'ClusterName')) ?? '',
      principalArn,
      type: str(get(props, 'Type')) ?? 'STANDARD',
      groups: vals(get(props, 'KubernetesGroups')).map((v) => v.value),
      accessPolicies: maps(get(props, 'AccessPolicies')).flatMap((p) => str(get(p, 'PolicyArn')) ?? []),
      loc: res.keyLoc,
    });
  }

  /** AWS::EKS::Nodegroup: its NodeRole must never also be a pod execution role. */
  nodegroup(res: CfnResource): void {
    const props = this.r.properties(res.id);
    const role = val(get(props, 'NodeRole'));
    if (!role) return;
    const cluster = str(get(props, 'ClusterName'));
    const name = str(get(props, 'NodegroupName')) ?? res.id;
    this.inv.nodeRoles.push({ role, usedBy: `node group "${display(name)}"${cluster ? ` of cluster "${display(cluster)}"` : ''}`, loc: role.loc });
  }

  /** AWS::ECR::PullThroughCacheRule: a rule of the stack's own registry (E4–E6). */
  pullThroughCacheRule(res: CfnResource): void {
    const prefix = str(get(this.r.properties(res.id), 'EcrRepositoryPrefix'));
    if (prefix === undefined || prefix === '') return;
    this.inv.pullThroughCacheRules.push({ prefix, account: this.r.account, region: this.r.region, loc: res.keyLoc });
  }

  secret(res: CfnResource): void {
    const props = this.r.properties(res.id);
    const name = str(get(props, 'Name'));
    const kmsKeyId = str(get(props, 'KmsKeyId'));
    this.inv.secrets.push({
      arn: this.r.refText(res.id, res.keyLoc),
      ...(name !== undefined && { name }),
      ...(kmsKeyId !== undefined && { kmsKeyId }),
      loc: res.keyLoc,
    });
  }

  parameter(res: CfnResource): void {
    const name = this.r.physicalName(res.id)!;
    const { partition: P, region: R, account: A } = this.r;
    this.inv.parameters.push({ arn: `arn:${P}:ssm:${R}:${A}:parameter/${name.replace(/^\//, '')}`, name, loc: res.keyLoc });
  }

  kmsKey(res: CfnResource): void {
    this.inv.kmsKeys.push({
      arn: this.r.getAttText(res.id, 'Arn', res.keyLoc),
      aliases: [this.r.refText(res.id, res.keyLoc)],
      loc: res.keyLoc,
    });
  }

  /** An alias names its key by key id or key ARN; the key may be defined elsewhere. */
  kmsAlias(res: CfnResource): void {
    const props = this.r.properties(res.id);
    const alias = str(get(props, 'AliasName'));
    const target = str(get(props, 'TargetKeyId'));
    if (alias === undefined || target === undefined) return;
    const { partition: P, region: R, account: A } = this.r;
    const aliasArn = `arn:${P}:kms:${R}:${A}:${alias.startsWith('alias/') ? alias : `alias/${alias}`}`;
    let key = this.inv.kmsKeys.find((k) => k.arn === target || k.aliases.includes(target));
    if (!key) {
      // A key from outside the template: only a literal id or ARN says which key it is.
      if (hasToken(target)) return;
      const arn = target.startsWith('arn:') ? target : `arn:${P}:kms:${R}:${A}:key/${target}`;
      key = { arn, aliases: target.startsWith('arn:') ? [] : [target], loc: res.keyLoc };
      this.inv.kmsKeys.push(key);
    }
    for (const a of [alias, aliasArn]) if (!key.aliases.includes(a)) key.aliases.push(a);
  }
}
