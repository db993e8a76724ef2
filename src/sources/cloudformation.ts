// CloudFormation templates (JSON or YAML, short-form tags already in long form): IAM roles and
// their policies, ECS task definitions and the secrets, parameters and keys they refer to.
// Property values go through the intrinsic resolver first, so what is read here is plain data
// whose strings may hold tokens for what the template leaves open.
import {
  emptyInventory,
  hasToken,
  type Container,
  type ContainerSecret,
  type Diagnostic,
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
      `template uses Transform ${names.join(', ')}: resources the transform generates are not expanded; only the plain resources are read`,
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

function secrets(node: Node | undefined): ContainerSecret[] {
  return items(node).flatMap((s) => {
    const valueFrom = val(get(s, 'ValueFrom'));
    return valueFrom ? [{ name: str(get(s, 'Name')) ?? '', valueFrom }] : [];
  });
}

class Reader {
  constructor(
    private readonly r: CfnResolver,
    private readonly inv: Inventory,
    private readonly diagnostics: Diagnostic[],
  ) {}

  /** A policy document written as an object or as a JSON string. */
  private policy(node: Node | undefined, meta: PolicyMeta, at: Loc, roleId?: string): Policy | undefined {
    if (!node) {
      this.diagnostics.push({ rule: 'invalid-policy', severity: 'error', message: `${meta.kind} policy ${meta.name} has no policy document`, loc: at, ...(roleId && { roleId }) });
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
    const td: TaskDefinition = {
      id: res.id,
      arn: this.r.refText(res.id, res.keyLoc),
      source: 'cloudformation',
      loc: res.keyLoc,
      requiresCompatibilities: vals(get(props, 'RequiresCompatibilities')).map((v) => v.value),
      region: this.r.region,
      account: this.r.account,
      partition: this.r.partition,
      containers: maps(get(props, 'ContainerDefinitions')).map((c, i) => this.container(c, i)),
      fsxCredentials: items(get(props, 'Volumes')).flatMap(
        (v) => val(get(get(get(v, 'FSxWindowsFileServerVolumeConfiguration'), 'AuthorizationConfig'), 'CredentialsParameter')) ?? [],
      ),
    };
    const family = str(get(props, 'Family'));
    if (family !== undefined) td.family = family;
    const executionRole = val(get(props, 'ExecutionRoleArn'));
    if (executionRole) td.executionRole = executionRole;
    const taskRole = val(get(props, 'TaskRoleArn'));
    if (taskRole) td.taskRole = taskRole;
    this.inv.taskDefinitions.push(td);
  }

  private container(c: Node, index: number): Container {
    const log = get(c, 'LogConfiguration');
    const container: Container = {
      name: str(get(c, 'Name')) ?? `#${index + 1}`,
      loc: c.loc,
      secrets: secrets(get(c, 'Secrets')),
      logOptions: options(get(log, 'Options')),
      logSecretOptions: secrets(get(log, 'SecretOptions')),
      environmentFiles: items(get(c, 'EnvironmentFiles')).flatMap((f) => {
        const value = val(get(f, 'Value'));
        return value ? [{ type: str(get(f, 'Type')) ?? 's3', value }] : [];
      }),
    };
    const image = val(get(c, 'Image'));
    if (image) container.image = image;
    const credentials = val(get(get(c, 'RepositoryCredentials'), 'CredentialsParameter'));
    if (credentials) container.credentialsParameter = credentials;
    const logDriver = val(get(log, 'LogDriver'));
    if (logDriver) container.logDriver = logDriver;
    const firelens = get(c, 'FirelensConfiguration');
    if (firelens) container.firelens = { type: str(get(firelens, 'Type')) ?? '', options: options(get(firelens, 'Options')) };
    return container;
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
