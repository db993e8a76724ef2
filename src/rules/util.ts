// Small helpers shared by several rules.
import { display, roleName, type Need, type Policy, type Statement } from '../model.js';
import { resourceCovers } from '../iam/arn.js';
import { containersUnknown, type RoleAnalysis } from '../analyze.js';
import type { Grant } from '../iam/evaluate.js';
import type { AccessLevel } from '../iam/catalog.js';

export function roleLabel(ra: RoleAnalysis): string {
  return roleName(ra.linked.role);
}

/** Every action the needs stage (src/needs) derives from a container: what undetermined containers may need. */
const CONTAINER_NEEDS = new Set(
  [
    'ecr:GetAuthorizationToken', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability', 'ecr:BatchImportUpstreamImage',
    'ecr:CreateRepository', 'ecr:TagResource', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:CreateLogGroup', 'logs:DescribeLogStreams',
    'logs:PutRetentionPolicy', 'secretsmanager:GetSecretValue', 'ssm:GetParameters', 'kms:Decrypt', 's3:GetObject', 's3:GetBucketLocation',
    'fsx:DescribeFileSystems', 'firehose:PutRecordBatch', 'kinesis:PutRecords', 'es:ESHttpPost', 'es:ESHttpPut',
  ].map((a) => a.toLowerCase()),
);

export function mayBeContainerNeed(action: string): boolean {
  return CONTAINER_NEEDS.has(action.toLowerCase());
}

/**
 * An excess verdict on a role one of whose task definitions has undetermined containers hangs on
 * what those need (for the actions a container may need): a note saying so (undefined when every
 * workload's needs are known).
 */
export function unknownNeeds(ra: RoleAnalysis): string | undefined {
  const unknown = ra.executionOf.filter((td) => td.containersUnknown);
  return unknown.length ? `; ${unknown.map(containersUnknown).join('; ')}, so they may be in use` : undefined;
}


/** Where a statement is written; for AWS managed policies (no file) the role's reference to the policy. */
export function statementLoc(ra: RoleAnalysis | undefined, policy: Policy, statement: Statement) {
  if (policy.kind === 'aws-managed' && ra) {
    const ref = ra.linked.role.managed.find((m) => m.arn.value === policy.arn);
    if (ref) return ref.arn.loc;
  }
  return statement.loc;
}

/** Human name of the statement: `statement "Sid" of policy P` or `statement 2 of policy P`. */
export function statementLabel(policy: Policy, statement: Statement): string {
  const which = statement.sid ? `statement "${statement.sid}"` : `statement ${statement.index + 1}`;
  const of = policy.kind === 'aws-managed' ? `AWS managed policy ${policy.name}` : `policy ${display(policy.name)}`;
  return `${which} of ${of}`;
}

/** Grants grouped by the statement that grants them, in source order. */
export function groupByStatement(list: Grant[]): Array<{ policy: Policy; statement: Statement; grants: Grant[] }> {
  const groups = new Map<Statement, { policy: Policy; statement: Statement; grants: Grant[] }>();
  for (const g of list) {
    const e = groups.get(g.statement);
    if (e) e.grants.push(g);
    else groups.set(g.statement, { policy: g.policy, statement: g.statement, grants: [g] });
  }
  return [...groups.values()];
}

const LEVEL_RANK: Record<AccessLevel, number> = { List: 0, Read: 1, Tagging: 2, Write: 3, 'Permissions management': 4 };

/** The worst access level among the grants. */
export function worstLevel(list: Grant[]): AccessLevel {
  return list.reduce<AccessLevel>((w, g) => (LEVEL_RANK[g.action.accessLevel] > LEVEL_RANK[w] ? g.action.accessLevel : w), 'List');
}

export function isWriteLevel(level: AccessLevel): boolean {
  return level === 'Write' || level === 'Permissions management';
}

/** Sorted unique concrete action names. */
export function actionNames(list: Grant[]): string[] {
  return [...new Set(list.map((g) => g.action.full))].sort();
}

/** A short list for messages: the first few items and how many more. */
export function brief(items: string[], max = 5): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** An object of a live scan, located at its ARN (line 1), not in a file. */
export function isLiveLoc(loc: { file: string; line: number; column: number }): boolean {
  return loc.file.startsWith('arn:') && loc.line === 1 && loc.column === 1;
}

/** `file:line:column`; an object of a live scan by its ARN alone. */
export function formatLoc(loc: { file: string; line: number; column: number }): string {
  return isLiveLoc(loc) ? loc.file : `${loc.file}:${loc.line}:${loc.column}`;
}

/** Actions that read data (secrets, parameters, decrypted keys, objects): granting them too widely exposes it (M19, M5, M7). */
const DATA_READS = new Set(['secretsmanager:getsecretvalue', 'ssm:getparameters', 'ssm:getparameter', 'ssm:getparametersbypath', 'kms:decrypt', 's3:getobject']);

export function readsData(action: string): boolean {
  return DATA_READS.has(action.toLowerCase());
}

/** Actions people grant instead of the one ECS calls (domain.md M14). */
const SIBLINGS: Record<string, string[]> = {
  'ssm:GetParameters': ['ssm:GetParameter', 'ssm:GetParametersByPath'],
};

/** A grant of a look-alike action on the need's resource: the near miss behind a missing need. */
export function siblingGrant(ra: RoleAnalysis, need: Need): Grant | undefined {
  const names = SIBLINGS[need.action];
  if (!names) return undefined;
  return ra.grants().find((g) => names.includes(g.action.full) && (g.resources ?? []).some((r) => resourceCovers(r, need.resource) !== 'no'));
}
