// The Inventory model: what the readers (src/sources/) produce and every later stage consumes.
// Readers fill it from text; they never guess positions afterwards and know nothing of rules.

/** A place in an input file. `line` and `column` are 1-based. */
export interface Loc {
  file: string;
  line: number;
  column: number;
}

// ---------------------------------------------------------------------------------------------
// Positioned value tree: every reader turns its syntax (YAML, JSON, HCL, URL-encoded JSON) into
// Nodes, so policy parsing and CloudFormation resolution work the same whatever the format.

export type Node = MapNode | SeqNode | ScalarNode;

export interface MapNode {
  kind: 'map';
  /** Entries in source order; `keyLoc` is where the key is written. */
  entries: Array<{ key: string; keyLoc: Loc; value: Node }>;
  loc: Loc;
}

export interface SeqNode {
  kind: 'seq';
  items: Node[];
  loc: Loc;
}

export interface ScalarNode {
  kind: 'scalar';
  value: string | number | boolean | null;
  loc: Loc;
}

// ---------------------------------------------------------------------------------------------
// Symbolic values. A value the input does not determine (a CloudFormation pseudo parameter, a
// parameter without default, an imported value, a generated name) is written inside strings as a
// token: TOKEN_OPEN + name + TOKEN_CLOSE. Identical tokens are the same text, so they compare
// equal; the IAM engine treats a token as an opaque unknown string, never as a wildcard.

export const TOKEN_OPEN = '\uE000';
export const TOKEN_CLOSE = '\uE001';

/** A symbolic token for the unknown value `name` (e.g. `AWS::AccountId@stack.yaml`). */
export function token(name: string): string {
  return TOKEN_OPEN + name + TOKEN_CLOSE;
}

export function hasToken(s: string): boolean {
  return s.includes(TOKEN_OPEN);
}

const TOKEN_RE = /\uE000([^\uE001]*)\uE001/g;

/** The names of the tokens in `s`, in order of appearance. */
export function tokenNames(s: string): string[] {
  return [...s.matchAll(TOKEN_RE)].map((m) => m[1]);
}

/** A human-readable form: tokens shown as `${name}` (scope suffix after `@` dropped). */
export function display(s: string): string {
  return s.replace(TOKEN_RE, (_m, name: string) => '${' + name.replace(/@.*$/, '') + '}');
}

// ---------------------------------------------------------------------------------------------
// IAM policies

export type Effect = 'Allow' | 'Deny';

export interface Condition {
  /** Operator as written, e.g. `StringEquals`, `ForAnyValue:StringLike`, `ArnLikeIfExists`. */
  operator: string;
  key: string;
  values: string[];
  loc: Loc;
}

export interface Principal {
  /** `AWS`, `Service`, `Federated`, `CanonicalUser`, or `*` for the bare wildcard principal. */
  type: string;
  value: string;
  loc: Loc;
}

export interface Statement {
  sid?: string;
  effect: Effect;
  actions?: string[];
  notActions?: string[];
  resources?: string[];
  notResources?: string[];
  principals?: Principal[];
  notPrincipals?: Principal[];
  conditions: Condition[];
  loc: Loc;
  /** Index of the statement within its policy (for stable fingerprints). */
  index: number;
}

export type PolicyKind = 'inline' | 'managed' | 'aws-managed' | 'trust' | 'standalone';

export interface Policy {
  /** Policy name (inline), ARN (managed) or file name (standalone). */
  name: string;
  kind: PolicyKind;
  arn?: string;
  version?: string;
  statements: Statement[];
  loc: Loc;
}

// ---------------------------------------------------------------------------------------------
// Diagnostics raised while reading or linking (turned into findings by the rules).

export type Severity = 'error' | 'warning' | 'note';

export interface Diagnostic {
  rule: 'invalid-policy' | 'unresolved-reference' | 'unknown-action' | 'invalid-input' | 'incomplete-scan';
  severity: Severity;
  message: string;
  loc: Loc;
  /** Role id the diagnostic concerns, when known. */
  roleId?: string;
}

// ---------------------------------------------------------------------------------------------
// Roles and the references to them

/** A string value with where it was written. May contain tokens. */
export interface Val {
  value: string;
  loc: Loc;
}

export type SourceFormat =
  | 'cloudformation'
  | 'task-definition'
  | 'authorization-details'
  | 'policy-file'
  | 'terraform'
  | 'eksctl'
  | 'kubernetes'
  /** The inventory a live scan reads (`rolefit collect --aws`). */
  | 'aws-inventory';

export interface ManagedPolicyRef {
  arn: Val;
}

export interface Role {
  /** Logical id, Terraform address or ARN: unique within the scan. */
  id: string;
  /** IAM role name (may be a token when CloudFormation generates it). */
  name: string;
  /** Role ARN (may contain tokens). */
  arn: string;
  source: SourceFormat;
  loc: Loc;
  trust?: Policy;
  inline: Policy[];
  managed: ManagedPolicyRef[];
  boundary?: ManagedPolicyRef;
}

/** The IAM role name when the input determines it, else the logical id or address. */
export function roleName(role: { name: string; id: string }): string {
  return hasToken(role.name) ? role.id : role.name;
}

/** A customer managed policy defined in the scan (CloudFormation, IAM dump, Terraform). */
export interface ManagedPolicy {
  arn: string;
  name: string;
  policy: Policy;
}

/** An inline policy or managed-policy attachment defined apart from its role (AWS::IAM::Policy, …). */
export interface RoleAttachment {
  /** Role name or ARN it names (may contain tokens). */
  role: Val;
  policy?: Policy;
  managedArn?: Val;
}

// ---------------------------------------------------------------------------------------------
// ECS task definitions

export interface ContainerSecret {
  name: string;
  valueFrom: Val;
}

export interface Container {
  name: string;
  loc: Loc;
  image?: Val;
  /** `repositoryCredentials.credentialsParameter`. */
  credentialsParameter?: Val;
  secrets: ContainerSecret[];
  logDriver?: Val;
  logOptions: Record<string, Val>;
  logSecretOptions: ContainerSecret[];
  environmentFiles: Array<{ type: string; value: Val }>;
  firelens?: { type: string; options: Record<string, Val> };
}

export interface TaskDefinition {
  /** Logical id, Terraform address, ARN or `file#family`: unique within the scan. */
  id: string;
  family?: string;
  arn?: string;
  source: SourceFormat;
  loc: Loc;
  executionRole?: Val;
  taskRole?: Val;
  requiresCompatibilities: string[];
  /** `compatibilities` as DescribeTaskDefinition computes it (launch types the definition fits), when known. */
  compatibilities?: string[];
  /** `networkMode` as written (Fargate requires `awsvpc`); undefined when absent. */
  networkMode?: string;
  /** The deployment context of the task: region, account and partition (values or tokens). */
  region: string;
  account: string;
  partition: string;
  containers: Container[];
  /** FSx for Windows credentials parameters (E25). */
  fsxCredentials: Val[];
  /** ARNs of the running ECS services that use this revision (live scans only). */
  services?: string[];
  /** The container definitions, or parts the needs come from, are not determined (Terraform values known only after apply): what the task needs is not known. */
  containersUnknown?: boolean;
}

// ---------------------------------------------------------------------------------------------
// EKS on Fargate: profiles, the pods they select, and the cluster configuration around them

/** One Fargate profile selector: the namespace and every label must match (`*`/`?` wildcards). */
export interface FargateSelector {
  namespace: string;
  labels: Record<string, string>;
  loc: Loc;
}

export interface FargateProfile {
  /** Logical id, eksctl `cluster/profile`, Terraform address or ARN: unique within the scan. */
  id: string;
  /** Profile name (may be a token). */
  name: string;
  /** Cluster name (may be a token). */
  cluster: string;
  /**
   * The pod execution role (ARN, name or token). Undefined when the tool that creates the profile
   * makes a role of its own (eksctl without podExecutionRoleARN): see `createdRole`.
   */
  podExecutionRole?: Val;
  /** Set when the creating tool makes the role: what it attaches (e.g. eksctl → AmazonEKSFargatePodExecutionRolePolicy). */
  createdRole?: { managedPolicyArns: string[]; boundary?: Val; note: string };
  selectors: FargateSelector[];
  /** The profile's deployment context (values or tokens). */
  region: string;
  account: string;
  partition: string;
  source: SourceFormat;
  loc: Loc;
}

/** A Kubernetes workload (Pod or a controller's pod template). */
export interface KubeWorkload {
  /** `kind/namespace/name` plus the file, unique within the scan. */
  id: string;
  kind: string;
  name: string;
  namespace: string;
  /** Pod (template) labels. */
  labels: Record<string, string>;
  /** Images of containers and init containers. */
  images: Val[];
  loc: Loc;
}

/** One Fluent Bit `[OUTPUT]` section of the `aws-logging` ConfigMap (keys lower-cased). */
export interface FluentBitOutput {
  plugin: string;
  options: Record<string, Val>;
  loc: Loc;
}

/** The `aws-observability/aws-logging` ConfigMap: log routing of every Fargate pod of the cluster. */
export interface FargateLogging {
  outputs: FluentBitOutput[];
  /** `flb_log_cw: "true"`: Fluent Bit's own logs go to `<cluster>-fluent-bit-logs`. */
  flbLogCw?: Val;
  loc: Loc;
}

/** One `mapRoles` entry of the `kube-system/aws-auth` ConfigMap. */
export interface AwsAuthRoleMapping {
  roleArn: Val;
  username?: string;
  groups: string[];
  loc: Loc;
}

/** An EKS access entry (`AWS::EKS::AccessEntry`, `aws_eks_access_entry`). */
export interface EksAccessEntry {
  cluster: string;
  principalArn: Val;
  type: string;
  groups: string[];
  /** Access policies associated with the entry (ARNs). */
  accessPolicies: string[];
  loc: Loc;
}

/** A role used as an EC2 node-group (or instance) role of a cluster: never also a pod execution role. */
export interface NodeRoleUse {
  role: Val;
  /** What uses it: `node group "ng-1" of cluster "prod"`. */
  usedBy: string;
  loc: Loc;
}

export interface EksCluster {
  name: string;
  region: string;
  account: string;
  partition: string;
  loc: Loc;
}

// ---------------------------------------------------------------------------------------------
// Supporting resources the scan can see (for KMS keys of secrets, log-group names, …)

export interface SecretResource {
  /** The secret's ARN or ARN pattern (with `-??????` when only the name is known). */
  arn: string;
  name?: string;
  kmsKeyId?: string;
  loc: Loc;
}

export interface ParameterResource {
  arn: string;
  name: string;
  kmsKeyId?: string;
  loc: Loc;
}

export interface KmsKeyResource {
  arn: string;
  /** Ids and aliases that refer to it (key id, alias names and alias ARNs). */
  aliases: string[];
  loc: Loc;
}

/** An ECR pull-through cache rule: images under `<prefix>/` are pulled through the cache (E4–E6). */
export interface PullThroughCacheRule {
  prefix: string;
  /** Registry (account) and region the rule belongs to; tokens when the template does not say. */
  account: string;
  region: string;
  loc: Loc;
}

export interface Inventory {
  roles: Role[];
  managedPolicies: ManagedPolicy[];
  attachments: RoleAttachment[];
  taskDefinitions: TaskDefinition[];
  secrets: SecretResource[];
  parameters: ParameterResource[];
  kmsKeys: KmsKeyResource[];
  pullThroughCacheRules: PullThroughCacheRule[];
  fargateProfiles: FargateProfile[];
  kubeWorkloads: KubeWorkload[];
  fargateLogging: FargateLogging[];
  awsAuth: AwsAuthRoleMapping[];
  accessEntries: EksAccessEntry[];
  nodeRoles: NodeRoleUse[];
  clusters: EksCluster[];
  /** Standalone policy documents (policy files), linted without a role. */
  policies: Policy[];
  diagnostics: Diagnostic[];
  /** Files read, relative to the working directory. */
  files: string[];
  /**
   * The text of each JSON/YAML file read that mentions rolefit (a suppression, maybe), so that the
   * suppression stage does not read every file again.
   */
  suppressionTexts: Array<{ file: string; text: string }>;
}

export function emptyInventory(): Inventory {
  return {
    roles: [],
    managedPolicies: [],
    attachments: [],
    taskDefinitions: [],
    secrets: [],
    parameters: [],
    kmsKeys: [],
    pullThroughCacheRules: [],
    fargateProfiles: [],
    kubeWorkloads: [],
    fargateLogging: [],
    awsAuth: [],
    accessEntries: [],
    nodeRoles: [],
    clusters: [],
    policies: [],
    diagnostics: [],
    files: [],
    suppressionTexts: [],
  };
}

export function mergeInventory(into: Inventory, from: Inventory): void {
  for (const k of Object.keys(into) as Array<keyof Inventory>) {
    (into[k] as unknown[]).push(...(from[k] as unknown[]));
  }
}

// ---------------------------------------------------------------------------------------------
// Needs: what a workload requires of its role (src/needs/).

export interface Need {
  /** Concrete action in catalog casing, e.g. `ecr:BatchGetImage`. */
  action: string;
  /** Resource ARN or ARN pattern (`*`/`?` globs, tokens), or `*` for wildcard-only actions. */
  resource: string;
  /** Why: `container "web" image 1234….dkr.ecr…/app:1 → ECR pull`. */
  reason: string;
  loc: Loc;
  /** Id of the workload (task definition, Fargate profile) that needs it. */
  workload: string;
  /** Tolerated, not required (ecr:BatchCheckLayerAvailability): never reported missing. */
  optional?: boolean;
  /** The role may not be the one that supplies it (EC2 launch type: the instance role may). */
  mayUseInstanceRole?: boolean;
  /**
   * Request context the agent's call is known to carry, for evaluating conditional grants: a key
   * with values, or [] for a key known to be absent (e.g. aws:SourceVpce on Fargate's ECR auth call).
   */
  context?: Record<string, string | string[]>;
  /**
   * The resource pattern stands for ONE resource whose full name is not known (a secret named
   * without its random suffix): a grant on part of the pattern may or may not include it.
   */
  oneOf?: boolean;
  /**
   * The need is assumed, not derived (why, e.g. "no manifest shows the images"): reported missing
   * only when nothing could grant it, never "cannot verify".
   */
  assumed?: string;
}
