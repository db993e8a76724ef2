// `rolefit explain` below the command line: the evaluator's answers through explain(), table-driven;
// the per-statement and per-condition detail; the request checks; finding the role; the reporters
// and the JSON schema of the output.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { explain, type ExplainDecision, type ExplainInput, type Explanation } from '../src/explain/explain.js';
import { ExplainUsageError, parseContext, requestAction, requestResource, resourceNote } from '../src/explain/request.js';
import { policyTarget, RoleLookupError, roleTarget } from '../src/explain/target.js';
import type { PolicySet } from '../src/iam/evaluate.js';
import { parsePolicy } from '../src/iam/policy.js';
import { formatExplainJson } from '../src/report/explain-json.js';
import { formatExplainText } from '../src/report/explain-text.js';
import { colors } from '../src/report/color.js';
import { token, type Policy, type PolicyKind } from '../src/model.js';
import { fromPlain } from '../src/sources/nodes.js';

const repo = join(import.meta.dirname, '..');

// ------------------------------------------------------------------------------------------------ helpers

function policy(statements: object[], opts: { name?: string; kind?: PolicyKind; version?: string | null; file?: string } = {}): Policy {
  const doc: Record<string, unknown> = { Statement: statements };
  if (opts.version !== null) doc.Version = opts.version ?? '2012-10-17';
  return parsePolicy(fromPlain(doc, { file: opts.file ?? 'p.json', line: 3, column: 1 }), { name: opts.name ?? 'p', kind: opts.kind ?? 'inline' }).policy;
}

const allow = (Action: string | string[], Resource: string | string[], extra: object = {}) => ({ Effect: 'Allow', Action, Resource, ...extra });
const deny = (Action: string | string[], Resource: string | string[], extra: object = {}) => ({ Effect: 'Deny', Action, Resource, ...extra });
const ids = (...statements: object[]): PolicySet => ({ identity: [policy(statements)] });
const cond = (operator: string, key: string, values: string | string[]) => ({ Condition: { [operator]: { [key]: values } } });

const REPO = 'arn:aws:ecr:us-east-1:111122223333:repository/app';
const GROUP = 'arn:aws:logs:us-east-1:111122223333:log-group:/ecs/app';
const STREAM = `${GROUP}:log-stream:web/app/0123`;
const OBJECT = 'arn:aws:s3:::bucket/key';

interface Case {
  name: string;
  set: PolicySet;
  action: string;
  resource: string;
  /** Keys with values ([] = absent). */
  ctx?: Record<string, string | string[]>;
  /** Keys not in ctx are absent (else unknown). */
  complete?: boolean;
  want: ExplainDecision;
  unknownKeys?: string[];
  blocked?: boolean;
  unresolvedIdentity?: boolean;
}

function input(c: Case): ExplainInput {
  const keys = Object.fromEntries(Object.entries(c.ctx ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));
  return { set: c.set, action: c.action, resource: c.resource, context: { keys, complete: c.complete }, unresolvedIdentity: c.unresolvedIdentity };
}

function table(cases: Case[]) {
  for (const c of cases) {
    it(c.name, () => {
      const e = explain(input(c));
      expect(e.decision).toBe(c.want);
      if (c.unknownKeys) expect([...e.unknownKeys].sort()).toEqual([...c.unknownKeys].sort());
      if (c.want !== 'depends') expect(e.unknownKeys).toEqual([]);
      if (c.blocked !== undefined) expect(e.blockedByBoundary).toBe(c.blocked);
    });
  }
}

/** One Allow on s3:GetObject under `condition`, evaluated with the given keys (absent unless listed). */
function onCondition(name: string, operator: string, key: string, values: string | string[], ctx: Record<string, string | string[]>, want: ExplainDecision): Case {
  return { name: `${name}: ${operator} ${key} ${JSON.stringify(values)} with ${JSON.stringify(ctx)}`, set: ids(allow('s3:GetObject', '*', cond(operator, key, values))), action: 's3:GetObject', resource: OBJECT, ctx, complete: true, want };
}

// ------------------------------------------------------------------------------------------------ evaluator table

describe('explain: actions', () => {
  table([
    { name: 'exact action', set: ids(allow('ecr:BatchGetImage', REPO)), action: 'ecr:BatchGetImage', resource: REPO, want: 'allowed' },
    { name: 'another action of the service', set: ids(allow('ecr:BatchGetImage', REPO)), action: 'ecr:GetDownloadUrlForLayer', resource: REPO, want: 'not-allowed' },
    { name: 'wildcard, case-insensitive (domain.md §7)', set: ids(allow('ECR:batchget*', REPO)), action: 'ecr:BatchGetImage', resource: REPO, want: 'allowed' },
    { name: 'the action given in any case', set: ids(allow('ecr:BatchGetImage', REPO)), action: 'ECR:batchgetimage', resource: REPO, want: 'allowed' },
    { name: '? matches one character', set: ids(allow('logs:Put?ogEvents', '*')), action: 'logs:PutLogEvents', resource: STREAM, want: 'allowed' },
    { name: '? does not match two', set: ids(allow('logs:Put?Events', '*')), action: 'logs:PutLogEvents', resource: STREAM, want: 'not-allowed' },
    { name: 'bare * is every action', set: ids(allow('*', '*')), action: 'ssm:GetParameters', resource: 'arn:aws:ssm:us-east-1:1:parameter/x', want: 'allowed' },
    { name: 'service:* stays within its service', set: ids(allow('ecr:*', '*')), action: 'logs:PutLogEvents', resource: STREAM, want: 'not-allowed' },
    { name: 'NotAction in an Allow grants everything else (§7)', set: ids({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }), action: 's3:GetObject', resource: OBJECT, want: 'allowed' },
    { name: 'NotAction in an Allow excludes what it lists', set: ids({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }), action: 'iam:PassRole', resource: 'arn:aws:iam::1:role/r', want: 'not-allowed' },
    { name: 'NotAction in a Deny denies everything else', set: ids(allow('*', '*'), { Effect: 'Deny', NotAction: 'ecr:*', Resource: '*' }), action: 's3:GetObject', resource: OBJECT, want: 'denied' },
    { name: 'NotAction in a Deny spares what it lists', set: ids(allow('*', '*'), { Effect: 'Deny', NotAction: 'ecr:*', Resource: '*' }), action: 'ecr:BatchGetImage', resource: REPO, want: 'allowed' },
    { name: 'no policies at all', set: { identity: [] }, action: 'ecr:BatchGetImage', resource: REPO, want: 'not-allowed' },
    { name: 'a token as the whole Action', set: ids(allow(token('Actions@t.yaml'), '*')), action: 'logs:PutLogEvents', resource: STREAM, want: 'depends', unknownKeys: [] },
  ]);
});

describe('explain: resources', () => {
  table([
    { name: 'log-group:g:* covers its streams (§7)', set: ids(allow('logs:PutLogEvents', `${GROUP}:*`)), action: 'logs:PutLogEvents', resource: STREAM, want: 'allowed' },
    { name: 'log-group:g does not cover its streams (§7)', set: ids(allow('logs:PutLogEvents', GROUP)), action: 'logs:PutLogEvents', resource: STREAM, want: 'not-allowed' },
    { name: 'log-group:g:* does not cover the group itself (§7)', set: ids(allow('logs:CreateLogGroup', `${GROUP}:*`)), action: 'logs:CreateLogGroup', resource: GROUP, want: 'not-allowed' },
    { name: 'secret name-?????? covers the full secret ARN (§7)', set: ids(allow('secretsmanager:GetSecretValue', 'arn:aws:secretsmanager:us-east-1:1:secret:prod/db-??????')), action: 'secretsmanager:GetSecretValue', resource: 'arn:aws:secretsmanager:us-east-1:1:secret:prod/db-AbCdEf', want: 'allowed' },
    { name: 'secret name without suffix does not (§7)', set: ids(allow('secretsmanager:GetSecretValue', 'arn:aws:secretsmanager:us-east-1:1:secret:prod/db')), action: 'secretsmanager:GetSecretValue', resource: 'arn:aws:secretsmanager:us-east-1:1:secret:prod/db-AbCdEf', want: 'not-allowed' },
    { name: 'wildcards in region and account', set: ids(allow('ecr:BatchGetImage', 'arn:aws:ecr:*:*:repository/*')), action: 'ecr:BatchGetImage', resource: REPO, want: 'allowed' },
    { name: 'the resource id is case-sensitive', set: ids(allow('ecr:BatchGetImage', 'arn:aws:ecr:us-east-1:111122223333:repository/App')), action: 'ecr:BatchGetImage', resource: REPO, want: 'not-allowed' },
    { name: 'one entry of several', set: ids(allow('ecr:BatchGetImage', ['arn:aws:ecr:us-east-1:111122223333:repository/other', REPO])), action: 'ecr:BatchGetImage', resource: REPO, want: 'allowed' },
    { name: 'NotResource in an Allow: outside the list', set: ids({ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::bucket/secret/*' }), action: 's3:GetObject', resource: OBJECT, want: 'allowed' },
    { name: 'NotResource in an Allow: inside the list', set: ids({ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::bucket/secret/*' }), action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/secret/k', want: 'not-allowed' },
    { name: 'NotResource in a Deny applies outside the list', set: ids(allow('s3:*', '*'), { Effect: 'Deny', Action: 's3:*', NotResource: 'arn:aws:s3:::public/*' }), action: 's3:GetObject', resource: OBJECT, want: 'denied' },
    { name: 'NotResource in a Deny spares the list', set: ids(allow('s3:*', '*'), { Effect: 'Deny', Action: 's3:*', NotResource: 'arn:aws:s3:::public/*' }), action: 's3:GetObject', resource: 'arn:aws:s3:::public/k', want: 'allowed' },
    { name: 'a token account against a literal one', set: ids(allow('logs:PutLogEvents', `arn:aws:logs:us-east-1:${token('AWS::AccountId@t.yaml')}:log-group:/ecs/app:*`)), action: 'logs:PutLogEvents', resource: STREAM, want: 'depends', unknownKeys: [] },
  ]);
});

describe('explain: wildcard-only actions', () => {
  table([
    { name: 'granted by Resource *', set: ids(allow('ecr:GetAuthorizationToken', '*')), action: 'ecr:GetAuthorizationToken', resource: '*', want: 'allowed' },
    { name: 'not granted by an ARN pattern (§7)', set: ids(allow('ecr:GetAuthorizationToken', 'arn:aws:ecr:*:111122223333:repository/*')), action: 'ecr:GetAuthorizationToken', resource: '*', want: 'not-allowed' },
    { name: 'not granted even by arn:aws:ecr:*:*:*', set: ids(allow('ecr:*', 'arn:aws:ecr:*:*:*')), action: 'ecr:GetAuthorizationToken', resource: '*', want: 'not-allowed' },
    { name: 'a resource given anyway plays no part', set: ids(allow('ecr:GetAuthorizationToken', '*')), action: 'ecr:GetAuthorizationToken', resource: REPO, want: 'allowed' },
    { name: 'a Deny on * blocks it', set: ids(allow('ecr:*', '*'), deny('ecr:GetAuthorizationToken', '*')), action: 'ecr:GetAuthorizationToken', resource: '*', want: 'denied' },
  ]);

  it('says the resource plays no part, and evaluates "*"', () => {
    const e = explain({ set: ids(allow('ecr:GetAuthorizationToken', '*')), action: 'ecr:GetAuthorizationToken', resource: REPO, context: { keys: {} } });
    expect(e.resource).toBe('*');
    expect(e.wildcardOnly).toBe(true);
    expect(e.notes.join('\n')).toContain('has no resource type');
    expect(e.statements[0].resourceWhy).toContain('only a literal "*" grants it');
  });
});

describe('explain: Deny precedence', () => {
  table([
    { name: 'a Deny wins over an Allow in the same policy', set: ids(allow('*', '*'), deny('ecr:*', '*')), action: 'ecr:BatchGetImage', resource: REPO, want: 'denied' },
    { name: 'a Deny in another policy wins too', set: { identity: [policy([allow('ecr:*', '*')]), policy([deny('ecr:BatchGetImage', REPO)], { name: 'q' })] }, action: 'ecr:BatchGetImage', resource: REPO, want: 'denied' },
    { name: 'a Deny wins even without any Allow', set: ids(deny('ecr:*', '*')), action: 'ecr:BatchGetImage', resource: REPO, want: 'denied' },
    { name: 'a Deny on another resource does not apply', set: ids(allow('ecr:*', '*'), deny('ecr:*', 'arn:aws:ecr:us-east-1:111122223333:repository/other')), action: 'ecr:BatchGetImage', resource: REPO, want: 'allowed' },
    { name: 'a Deny whose condition holds', set: ids(allow('kms:Decrypt', '*'), deny('kms:Decrypt', '*', cond('StringNotEquals', 'kms:ViaService', 'secretsmanager.us-east-1.amazonaws.com'))), action: 'kms:Decrypt', resource: 'arn:aws:kms:us-east-1:1:key/k', ctx: { 'kms:ViaService': 'ssm.us-east-1.amazonaws.com' }, want: 'denied' },
    { name: 'a Deny whose condition fails', set: ids(allow('kms:Decrypt', '*'), deny('kms:Decrypt', '*', cond('StringNotEquals', 'kms:ViaService', 'secretsmanager.us-east-1.amazonaws.com'))), action: 'kms:Decrypt', resource: 'arn:aws:kms:us-east-1:1:key/k', ctx: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' }, want: 'allowed' },
    { name: 'a Deny whose condition key is not given', set: ids(allow('kms:Decrypt', '*'), deny('kms:Decrypt', '*', cond('StringNotEquals', 'kms:ViaService', 'secretsmanager.us-east-1.amazonaws.com'))), action: 'kms:Decrypt', resource: 'arn:aws:kms:us-east-1:1:key/k', want: 'depends', unknownKeys: ['kms:ViaService'] },
  ]);
});

describe('explain: permissions boundaries', () => {
  const identity = [policy([allow(['ecr:*', 'logs:*'], '*')])];
  const boundary = [policy([allow('logs:*', '*')], { name: 'boundary', kind: 'managed', file: 'b.json' })];
  table([
    { name: 'within the boundary', set: { identity, boundary }, action: 'logs:PutLogEvents', resource: STREAM, want: 'allowed', blocked: false },
    { name: 'outside the boundary', set: { identity, boundary }, action: 'ecr:BatchGetImage', resource: REPO, want: 'not-allowed', blocked: true },
    { name: 'the boundary alone grants nothing', set: { identity: [policy([allow('logs:*', '*')])], boundary: [policy([allow('ecr:*', '*')])] }, action: 'ecr:BatchGetImage', resource: REPO, want: 'not-allowed', blocked: false },
    { name: 'a Deny in the boundary applies', set: { identity, boundary: [policy([allow('*', '*'), deny('logs:DeleteLogGroup', '*')])] }, action: 'logs:DeleteLogGroup', resource: GROUP, want: 'denied' },
    { name: 'a boundary scoped to other resources', set: { identity, boundary: [policy([allow('logs:*', 'arn:aws:logs:*:*:log-group:/other:*')])] }, action: 'logs:PutLogEvents', resource: STREAM, want: 'not-allowed', blocked: true },
    { name: 'a boundary that could not be resolved', set: { identity, boundary: [] }, action: 'ecr:BatchGetImage', resource: REPO, want: 'depends' },
    { name: 'a boundary allowing under a condition not given', set: { identity, boundary: [policy([allow('logs:*', '*', cond('StringEquals', 'aws:RequestedRegion', 'us-east-1'))])] }, action: 'logs:PutLogEvents', resource: STREAM, want: 'depends', unknownKeys: ['aws:RequestedRegion'] },
    { name: 'a boundary allowing under a condition that holds', set: { identity, boundary: [policy([allow('logs:*', '*', cond('StringEquals', 'aws:RequestedRegion', 'us-east-1'))])] }, action: 'logs:PutLogEvents', resource: STREAM, ctx: { 'aws:RequestedRegion': 'us-east-1' }, want: 'allowed' },
  ]);

  it('names the boundary when it blocks the action, and says an unresolved one is unknown', () => {
    const blocked = explain({ set: { identity, boundary }, action: 'ecr:BatchGetImage', resource: REPO, context: { keys: {} } });
    expect(blocked.reason).toBe('the identity policies allow it, but the permissions boundary boundary does not');
    const open = explain({ set: { identity, boundary: [] }, action: 'ecr:BatchGetImage', resource: REPO, context: { keys: {} } });
    expect(open.reason).toContain('a permissions boundary that could not be resolved');
    expect(open.hasBoundary).toBe(true);
    expect(formatExplainText(open, colors(false))).toContain('Permissions boundary: not resolved');
  });
});

describe('explain: condition operators, key present and absent', () => {
  table([
    onCondition('String', 'StringEquals', 'aws:SourceVpce', 'vpce-1', { 'aws:SourceVpce': 'vpce-1' }, 'allowed'),
    onCondition('String', 'StringEquals', 'aws:SourceVpce', 'vpce-1', { 'aws:SourceVpce': 'vpce-2' }, 'not-allowed'),
    onCondition('String', 'StringEquals', 'aws:SourceVpce', ['vpce-2', 'vpce-1'], { 'aws:SourceVpce': 'vpce-1' }, 'allowed'),
    onCondition('String', 'StringEquals', 'aws:SourceVpce', 'vpce-1', {}, 'not-allowed'),
    onCondition('String', 'StringNotEquals', 'aws:SourceVpce', 'vpce-1', { 'aws:SourceVpce': 'vpce-2' }, 'allowed'),
    onCondition('String', 'StringNotEquals', 'aws:SourceVpce', 'vpce-1', { 'aws:SourceVpce': 'vpce-1' }, 'not-allowed'),
    onCondition('String', 'StringNotEquals', 'aws:SourceVpce', 'vpce-1', {}, 'allowed'),
    onCondition('String', 'StringEqualsIgnoreCase', 'aws:PrincipalTag/team', 'BLUE', { 'aws:PrincipalTag/team': 'blue' }, 'allowed'),
    onCondition('String', 'StringEquals', 'aws:PrincipalTag/team', 'BLUE', { 'aws:PrincipalTag/team': 'blue' }, 'not-allowed'),
    onCondition('String', 'StringNotEqualsIgnoreCase', 'aws:PrincipalTag/team', 'BLUE', { 'aws:PrincipalTag/team': 'blue' }, 'not-allowed'),
    onCondition('String', 'StringNotEqualsIgnoreCase', 'aws:PrincipalTag/team', 'BLUE', {}, 'allowed'),
    onCondition('String', 'StringLike', 's3:prefix', 'home/*', { 's3:prefix': 'home/bob/x' }, 'allowed'),
    onCondition('String', 'StringLike', 's3:prefix', 'home/?', { 's3:prefix': 'home/bob' }, 'not-allowed'),
    onCondition('String', 'StringLike', 's3:prefix', 'home/*', {}, 'not-allowed'),
    onCondition('String', 'StringNotLike', 's3:prefix', 'home/*', { 's3:prefix': 'etc/x' }, 'allowed'),
    onCondition('String', 'StringNotLike', 's3:prefix', 'home/*', { 's3:prefix': 'home/x' }, 'not-allowed'),
    onCondition('String', 'StringNotLike', 's3:prefix', 'home/*', {}, 'allowed'),
    onCondition('key names ignore case', 'StringEquals', 'AWS:SourceVpce', 'vpce-1', { 'aws:sourcevpce': 'vpce-1' }, 'allowed'),

    onCondition('Numeric', 'NumericEquals', 's3:max-keys', '10', { 's3:max-keys': '10.0' }, 'allowed'),
    onCondition('Numeric', 'NumericNotEquals', 's3:max-keys', '10', { 's3:max-keys': '10' }, 'not-allowed'),
    onCondition('Numeric', 'NumericNotEquals', 's3:max-keys', '10', {}, 'allowed'),
    onCondition('Numeric', 'NumericLessThan', 's3:max-keys', '10', { 's3:max-keys': '9' }, 'allowed'),
    onCondition('Numeric', 'NumericLessThan', 's3:max-keys', '10', { 's3:max-keys': '10' }, 'not-allowed'),
    onCondition('Numeric', 'NumericLessThanEquals', 's3:max-keys', '10', { 's3:max-keys': '10' }, 'allowed'),
    onCondition('Numeric', 'NumericGreaterThan', 's3:max-keys', '10', { 's3:max-keys': '10' }, 'not-allowed'),
    onCondition('Numeric', 'NumericGreaterThanEquals', 's3:max-keys', '10', { 's3:max-keys': '10' }, 'allowed'),
    onCondition('Numeric', 'NumericLessThan', 's3:max-keys', '10', {}, 'not-allowed'),

    onCondition('Date', 'DateLessThan', 'aws:CurrentTime', '2030-01-01T00:00:00Z', { 'aws:CurrentTime': '2026-05-01T12:00:00Z' }, 'allowed'),
    onCondition('Date', 'DateLessThan', 'aws:CurrentTime', '2030-01-01T00:00:00Z', { 'aws:CurrentTime': '2031-01-01T00:00:00Z' }, 'not-allowed'),
    onCondition('Date', 'DateGreaterThan', 'aws:CurrentTime', '2020-01-01T00:00:00Z', { 'aws:CurrentTime': '1700000000' }, 'allowed'),
    onCondition('Date', 'DateEquals', 'aws:CurrentTime', '2026-01-01T00:00:00Z', { 'aws:CurrentTime': '2026-01-01T01:00:00+01:00' }, 'allowed'),
    onCondition('Date', 'DateLessThanEquals', 'aws:CurrentTime', '2030-01-01T00:00:00Z', {}, 'not-allowed'),
    onCondition('Date', 'DateNotEquals', 'aws:CurrentTime', '2030-01-01T00:00:00Z', {}, 'allowed'),
    onCondition('Date', 'DateGreaterThanEquals', 'aws:CurrentTime', '2030-01-01T00:00:00Z', { 'aws:CurrentTime': '2029-12-31T23:59:59Z' }, 'not-allowed'),

    onCondition('Bool', 'Bool', 'aws:SecureTransport', 'true', { 'aws:SecureTransport': 'true' }, 'allowed'),
    onCondition('Bool', 'Bool', 'aws:SecureTransport', 'true', { 'aws:SecureTransport': 'false' }, 'not-allowed'),
    onCondition('Bool', 'Bool', 'aws:SecureTransport', 'true', {}, 'not-allowed'),
    onCondition('Binary', 'BinaryEquals', 'aws:RequestTag/blob', 'QmluYXJ5', { 'aws:RequestTag/blob': 'QmluYXJ5' }, 'allowed'),

    onCondition('Arn', 'ArnEquals', 'aws:SourceArn', 'arn:aws:ecs:us-east-1:111122223333:cluster/prod', { 'aws:SourceArn': 'arn:aws:ecs:us-east-1:111122223333:cluster/prod' }, 'allowed'),
    onCondition('Arn', 'ArnLike', 'aws:SourceArn', 'arn:aws:ecs:*:111122223333:*', { 'aws:SourceArn': 'arn:aws:ecs:us-east-1:111122223333:task/prod/abc' }, 'allowed'),
    onCondition('Arn', 'ArnLike', 'aws:SourceArn', 'arn:aws:ecs:*:111122223333:*', { 'aws:SourceArn': 'arn:aws:ecs:us-east-1:444455556666:task/prod/abc' }, 'not-allowed'),
    onCondition('Arn', 'ArnLike', 'aws:SourceArn', 'arn:aws:ecs:*:111122223333:*', {}, 'not-allowed'),
    onCondition('Arn', 'ArnNotEquals', 'aws:SourceArn', 'arn:aws:ecs:us-east-1:111122223333:cluster/prod', { 'aws:SourceArn': 'arn:aws:ecs:us-east-1:111122223333:cluster/dev' }, 'allowed'),
    onCondition('Arn', 'ArnNotLike', 'aws:SourceArn', 'arn:aws:ecs:*:111122223333:*', { 'aws:SourceArn': 'arn:aws:ecs:us-east-1:111122223333:task/x' }, 'not-allowed'),
    onCondition('Arn', 'ArnNotLike', 'aws:SourceArn', 'arn:aws:ecs:*:111122223333:*', {}, 'allowed'),

    onCondition('IP', 'IpAddress', 'aws:SourceIp', '10.0.0.0/8', { 'aws:SourceIp': '10.1.2.3' }, 'allowed'),
    onCondition('IP', 'IpAddress', 'aws:SourceIp', '10.0.0.0/8', { 'aws:SourceIp': '192.168.1.1' }, 'not-allowed'),
    onCondition('IP', 'IpAddress', 'aws:SourceIp', '2001:db8::/32', { 'aws:SourceIp': '2001:db8::1' }, 'allowed'),
    onCondition('IP', 'IpAddress', 'aws:SourceIp', '10.0.0.0/8', {}, 'not-allowed'),
    onCondition('IP', 'NotIpAddress', 'aws:SourceIp', '10.0.0.0/8', { 'aws:SourceIp': '192.168.1.1' }, 'allowed'),
    onCondition('IP', 'NotIpAddress', 'aws:SourceIp', '10.0.0.0/8', { 'aws:SourceIp': '10.9.9.9' }, 'not-allowed'),
    onCondition('IP', 'NotIpAddress', 'aws:SourceIp', '10.0.0.0/8', {}, 'allowed'),

    onCondition('Null', 'Null', 'aws:SourceVpce', 'true', {}, 'allowed'),
    onCondition('Null', 'Null', 'aws:SourceVpce', 'true', { 'aws:SourceVpce': 'vpce-1' }, 'not-allowed'),
    onCondition('Null', 'Null', 'aws:SourceVpce', 'false', { 'aws:SourceVpce': 'vpce-1' }, 'allowed'),
    onCondition('Null', 'Null', 'aws:SourceVpce', 'false', {}, 'not-allowed'),

    onCondition('IfExists', 'StringEqualsIfExists', 'aws:SourceVpce', 'vpce-1', {}, 'allowed'),
    onCondition('IfExists', 'StringEqualsIfExists', 'aws:SourceVpce', 'vpce-1', { 'aws:SourceVpce': 'vpce-2' }, 'not-allowed'),
    onCondition('IfExists', 'StringEqualsIfExists', 'aws:SourceVpce', 'vpce-1', { 'aws:SourceVpce': 'vpce-1' }, 'allowed'),
    onCondition('IfExists', 'NumericLessThanIfExists', 's3:max-keys', '10', {}, 'allowed'),
    onCondition('IfExists', 'ArnLikeIfExists', 'aws:SourceArn', 'arn:aws:ecs:*:1:*', { 'aws:SourceArn': 'arn:aws:ecs:us-east-1:2:task/x' }, 'not-allowed'),
    onCondition('IfExists', 'BoolIfExists', 'aws:MultiFactorAuthPresent', 'true', {}, 'allowed'),

    onCondition('ForAnyValue', 'ForAnyValue:StringEquals', 'aws:TagKeys', ['team', 'env'], { 'aws:TagKeys': ['owner', 'env'] }, 'allowed'),
    onCondition('ForAnyValue', 'ForAnyValue:StringEquals', 'aws:TagKeys', ['team', 'env'], { 'aws:TagKeys': ['owner'] }, 'not-allowed'),
    onCondition('ForAnyValue', 'ForAnyValue:StringEquals', 'aws:TagKeys', ['team', 'env'], {}, 'not-allowed'),
    onCondition('ForAnyValue', 'ForAnyValue:StringNotLike', 'aws:TagKeys', 'aws:*', { 'aws:TagKeys': ['aws:x', 'team'] }, 'allowed'),
    onCondition('ForAllValues', 'ForAllValues:StringEquals', 'aws:TagKeys', ['team', 'env'], { 'aws:TagKeys': ['team', 'env'] }, 'allowed'),
    onCondition('ForAllValues', 'ForAllValues:StringEquals', 'aws:TagKeys', ['team', 'env'], { 'aws:TagKeys': ['team', 'owner'] }, 'not-allowed'),
    onCondition('ForAllValues', 'ForAllValues:StringEquals', 'aws:TagKeys', ['team', 'env'], {}, 'allowed'),
    onCondition('ForAllValues', 'ForAllValues:StringLike', 'aws:TagKeys', 'team-*', { 'aws:TagKeys': ['team-a', 'team-b'] }, 'allowed'),
  ]);

  table([
    { name: 'a key not given is unknown: depends, naming it', set: ids(allow('s3:GetObject', '*', cond('StringEquals', 'aws:SourceVpce', 'vpce-1'))), action: 's3:GetObject', resource: OBJECT, want: 'depends', unknownKeys: ['aws:SourceVpce'] },
    { name: 'an IfExists key not given is unknown too', set: ids(allow('s3:GetObject', '*', cond('StringEqualsIfExists', 'aws:SourceVpce', 'vpce-1'))), action: 's3:GetObject', resource: OBJECT, want: 'depends', unknownKeys: ['aws:SourceVpce'] },
    { name: 'conditions are ANDed: one failing decides', set: ids(allow('s3:GetObject', '*', { Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' }, Bool: { 'aws:SecureTransport': 'true' } } })), action: 's3:GetObject', resource: OBJECT, ctx: { 'aws:SecureTransport': 'false' }, want: 'not-allowed' },
    { name: 'conditions are ANDed: all holding', set: ids(allow('s3:GetObject', '*', { Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' }, Bool: { 'aws:SecureTransport': 'true' } } })), action: 's3:GetObject', resource: OBJECT, ctx: { 'aws:SecureTransport': 'true', 'aws:SourceVpce': 'vpce-1' }, want: 'allowed' },
    { name: 'a condition-free Allow beside a conditional one', set: ids(allow('s3:GetObject', '*', cond('StringEquals', 'aws:SourceVpce', 'vpce-1')), allow('s3:GetObject', OBJECT)), action: 's3:GetObject', resource: OBJECT, want: 'allowed' },
  ]);
});

describe('explain: policy variables (domain.md §4.4)', () => {
  const home = (version?: string | null) => ({ identity: [policy([allow('s3:GetObject', 'arn:aws:s3:::home/${aws:PrincipalTag/team}/*')], { version })] });
  table([
    { name: 'substituted from the context', set: home(), action: 's3:GetObject', resource: 'arn:aws:s3:::home/blue/k', ctx: { 'aws:PrincipalTag/team': 'blue' }, want: 'allowed' },
    { name: 'another value', set: home(), action: 's3:GetObject', resource: 'arn:aws:s3:::home/red/k', ctx: { 'aws:PrincipalTag/team': 'blue' }, want: 'not-allowed' },
    { name: 'the key not given', set: home(), action: 's3:GetObject', resource: 'arn:aws:s3:::home/blue/k', want: 'depends', unknownKeys: ['aws:PrincipalTag/team'] },
    { name: 'the key absent: the entry matches nothing', set: home(), action: 's3:GetObject', resource: 'arn:aws:s3:::home/blue/k', complete: true, want: 'not-allowed' },
    { name: '${aws:username} of a role session (absent)', set: ids(allow('s3:GetObject', 'arn:aws:s3:::home/${aws:username}/*')), action: 's3:GetObject', resource: 'arn:aws:s3:::home/bob/k', ctx: { 'aws:username': [] }, want: 'not-allowed' },
    { name: '${aws:username} of an IAM user', set: ids(allow('s3:GetObject', 'arn:aws:s3:::home/${aws:username}/*')), action: 's3:GetObject', resource: 'arn:aws:s3:::home/bob/k', ctx: { 'aws:username': 'bob' }, want: 'allowed' },
    { name: "a default value ${key, 'default'}", set: ids(allow('s3:GetObject', "arn:aws:s3:::home/${aws:PrincipalTag/team, 'shared'}/*")), action: 's3:GetObject', resource: 'arn:aws:s3:::home/shared/k', complete: true, want: 'allowed' },
    { name: '${aws:PrincipalAccount} in a condition value', set: ids(allow('s3:GetObject', '*', cond('StringEquals', 's3:ResourceAccount', '${aws:PrincipalAccount}'))), action: 's3:GetObject', resource: OBJECT, ctx: { 's3:ResourceAccount': '111122223333', 'aws:PrincipalAccount': '111122223333' }, want: 'allowed' },
    { name: 'a variable in a StringLike value', set: ids(allow('s3:ListBucket', '*', cond('StringLike', 's3:prefix', 'home/${aws:PrincipalTag/team}/*'))), action: 's3:ListBucket', resource: 'arn:aws:s3:::bucket', ctx: { 's3:prefix': 'home/blue/x', 'aws:PrincipalTag/team': 'blue' }, want: 'allowed' },
    { name: 'a variable in a condition value, key not given', set: ids(allow('s3:ListBucket', '*', cond('StringLike', 's3:prefix', 'home/${aws:PrincipalTag/team}/*'))), action: 's3:ListBucket', resource: 'arn:aws:s3:::bucket', ctx: { 's3:prefix': 'home/blue/x' }, want: 'depends', unknownKeys: ['aws:PrincipalTag/team'] },
    { name: 'the escape ${*} is a literal *', set: ids(allow('s3:ListBucket', '*', cond('StringLike', 's3:prefix', 'a${*}'))), action: 's3:ListBucket', resource: 'arn:aws:s3:::bucket', ctx: { 's3:prefix': 'ab' }, complete: true, want: 'not-allowed' },
    { name: 'the escape ${*} matches a literal *', set: ids(allow('s3:ListBucket', '*', cond('StringLike', 's3:prefix', 'a${*}'))), action: 's3:ListBucket', resource: 'arn:aws:s3:::bucket', ctx: { 's3:prefix': 'a*' }, complete: true, want: 'allowed' },
    { name: 'Version 2008-10-17: no substitution', set: home('2008-10-17'), action: 's3:GetObject', resource: 'arn:aws:s3:::home/blue/k', ctx: { 'aws:PrincipalTag/team': 'blue' }, want: 'not-allowed' },
    { name: 'Version 2008-10-17: ${…} is literal text', set: home('2008-10-17'), action: 's3:GetObject', resource: 'arn:aws:s3:::home/${aws:PrincipalTag/team}/k', ctx: { 'aws:PrincipalTag/team': 'blue' }, want: 'allowed' },
    { name: 'Version 2008-10-17: literal in condition values too', set: { identity: [policy([allow('s3:GetObject', '*', cond('StringEquals', 's3:ResourceAccount', '${aws:PrincipalAccount}'))], { version: '2008-10-17' })] }, action: 's3:GetObject', resource: OBJECT, ctx: { 's3:ResourceAccount': '111122223333', 'aws:PrincipalAccount': '111122223333' }, want: 'not-allowed' },
    { name: 'no Version: no substitution', set: home(null), action: 's3:GetObject', resource: 'arn:aws:s3:::home/blue/k', ctx: { 'aws:PrincipalTag/team': 'blue' }, want: 'not-allowed' },
  ]);
});

describe('explain: a role whose policies are not all resolved', () => {
  table([
    { name: 'allowed becomes depends (an unseen policy may Deny)', set: ids(allow('ecr:*', '*')), action: 'ecr:BatchGetImage', resource: REPO, unresolvedIdentity: true, want: 'depends' },
    { name: 'not allowed becomes depends (an unseen policy may Allow)', set: ids(allow('logs:*', '*')), action: 'ecr:BatchGetImage', resource: REPO, unresolvedIdentity: true, want: 'depends' },
    { name: 'denied stays denied', set: ids(deny('ecr:*', '*')), action: 'ecr:BatchGetImage', resource: REPO, unresolvedIdentity: true, want: 'denied' },
    {
      name: 'blocked by a resolved boundary stays not allowed',
      set: { identity: [policy([allow('ecr:*', '*')])], boundary: [policy([allow('logs:*', '*')])] },
      action: 'ecr:BatchGetImage',
      resource: REPO,
      unresolvedIdentity: true,
      want: 'not-allowed',
      blocked: true,
    },
  ]);

  it('says so in the reason and lists what is missing', () => {
    const e = explain({ set: ids(allow('ecr:*', '*')), action: 'ecr:BatchGetImage', resource: REPO, context: { keys: {} }, unresolvedIdentity: true, incomplete: ['managed policy arn:aws:iam::1:policy/x is not defined in the scanned files'] });
    expect(e.reason).toBe('depends on policies of the role that could not be resolved');
    expect(e.incomplete).toEqual(['managed policy arn:aws:iam::1:policy/x is not defined in the scanned files']);
    expect(formatExplainText(e, colors(false))).toContain('incomplete: managed policy arn:aws:iam::1:policy/x is not defined in the scanned files');
  });
});

// ------------------------------------------------------------------------------------------------ the detail

describe('explain: statements and conditions in detail', () => {
  it('lists only the statements naming the action, with location, sid, index and why', () => {
    const set = ids({ Sid: 'Pull', ...allow('ecr:BatchGetImage', REPO) }, { Sid: 'Logs', ...allow(['logs:CreateLogStream', 'logs:PutLogEvents'], GROUP) }, allow('logs:Create*', `${GROUP}:*`));
    const e = explain({ set, action: 'logs:CreateLogStream', resource: STREAM, context: { keys: {} } });
    expect(e.decision).toBe('allowed');
    expect(e.statements.map((s) => [s.sid, s.index, s.actionMatched, s.resourceMatched, s.applies])).toEqual([
      ['Logs', 1, 'yes', 'no', 'no'],
      [null, 2, 'yes', 'yes', 'yes'],
    ]);
    const [logs, wild] = e.statements;
    expect(logs).toMatchObject({ effect: 'Allow', policy: 'p', policyKind: 'inline', boundary: false, conditions: [], conditionsMatched: 'yes' });
    expect(logs.location).toEqual({ file: 'p.json', line: 3, column: 1 });
    expect(logs.actionWhy).toBe('Action logs:CreateLogStream names logs:CreateLogStream');
    expect(logs.resourceWhy).toBe(`Resource ${GROUP} does not cover the resource`);
    expect(wild.actionWhy).toBe('Action logs:Create* names logs:CreateLogStream');
    expect(e.reason).toBe('allowed by statement #3 of inline policy p');
  });

  it('gives each condition its own result and reason', () => {
    const set = ids({
      Sid: 'ViaVpce',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:SourceVpce': ['vpce-1', 'vpce-2'] },
        Bool: { 'aws:SecureTransport': 'true' },
        StringNotEqualsIfExists: { 'aws:RequestedRegion': 'us-east-1' },
        Null: { 'aws:PrincipalTag/team': 'false' },
        'ForAnyValue:StringEquals': { 'aws:TagKeys': 'team' },
      },
    });
    const e = explain({ set, action: 's3:GetObject', resource: OBJECT, context: { keys: { 'aws:SourceVpce': ['vpce-2'], 'aws:PrincipalTag/team': ['blue'], 'aws:TagKeys': [] } } });
    // One condition fails, so the unknown ones cannot matter: not allowed, no keys to ask for.
    expect(e.decision).toBe('not-allowed');
    expect(e.unknownKeys).toEqual([]);
    expect(e.statements[0].conditions.map((c) => [c.operator, c.key, c.values, c.result, c.why])).toEqual([
      ['StringEquals', 'aws:SourceVpce', ['vpce-1', 'vpce-2'], 'yes', 'aws:SourceVpce is "vpce-2": holds'],
      ['Bool', 'aws:SecureTransport', ['true'], 'unknown', 'aws:SecureTransport is not given: unknown'],
      ['StringNotEqualsIfExists', 'aws:RequestedRegion', ['us-east-1'], 'unknown', 'aws:RequestedRegion is not given: unknown'],
      ['Null', 'aws:PrincipalTag/team', ['false'], 'yes', 'aws:PrincipalTag/team is present: holds'],
      ['ForAnyValue:StringEquals', 'aws:TagKeys', ['team'], 'no', 'aws:TagKeys is absent from the request: fails (ForAnyValue needs at least one value)'],
    ]);
    expect(e.statements[0].conditionsMatched).toBe('no');
    expect(e.statements[0].applies).toBe('no');
  });

  it('says why a condition holds over an absent key', () => {
    const set = ids(allow('s3:GetObject', '*', { Condition: { StringEqualsIfExists: { 'aws:SourceVpce': 'v' }, 'ForAllValues:StringEquals': { 'aws:TagKeys': 'a' }, ArnNotLike: { 'aws:SourceArn': 'arn:aws:*' } } }));
    const e = explain({ set, action: 's3:GetObject', resource: OBJECT, context: { keys: {}, complete: true } });
    expect(e.decision).toBe('allowed');
    expect(e.statements[0].conditions.map((c) => c.why)).toEqual([
      'aws:SourceVpce is absent from the request: holds (an …IfExists operator passes over an absent key)',
      'aws:TagKeys is absent from the request: holds (ForAllValues holds over no values)',
      'aws:SourceArn is absent from the request: holds (a negated operator holds when the key is absent)',
    ]);
  });

  it('names the policy variable a resource or condition hangs on', () => {
    const set = ids(allow('s3:GetObject', 'arn:aws:s3:::home/${aws:PrincipalTag/team}/*'), allow('s3:GetObject', '*', cond('StringEquals', 's3:ResourceAccount', '${aws:PrincipalAccount}')));
    const e = explain({ set, action: 's3:GetObject', resource: 'arn:aws:s3:::home/blue/k', context: { keys: { 's3:ResourceAccount': ['1'] } } });
    expect(e.decision).toBe('depends');
    expect(e.unknownKeys.sort()).toEqual(['aws:PrincipalAccount', 'aws:PrincipalTag/team']);
    expect(e.statements[0].resourceWhy).toBe('Resource arn:aws:s3:::home/${aws:PrincipalTag/team}/* may cover the resource: it depends on aws:PrincipalTag/team');
    expect(e.statements[1].conditions[0].why).toBe('s3:ResourceAccount is "1": may hold, depending on aws:PrincipalAccount');
  });

  it('shows symbolic values as ${Name} and says the input does not determine them', () => {
    const acct = token('AWS::AccountId@stack.yaml');
    const set = ids(allow('logs:PutLogEvents', `arn:aws:logs:us-east-1:${acct}:log-group:/ecs/app:*`));
    const e = explain({ set, action: 'logs:PutLogEvents', resource: STREAM, context: { keys: { 'aws:PrincipalAccount': [acct] } } });
    expect(e.decision).toBe('depends');
    expect(e.reason).toBe('depends on values the input does not determine');
    expect(e.statements[0].resourceWhy).toBe('Resource arn:aws:logs:us-east-1:${AWS::AccountId}:log-group:/ecs/app:* may cover the resource: it holds values the input does not determine');
    expect(e.context.keys['aws:PrincipalAccount']).toEqual(['${AWS::AccountId}']);
    expect(JSON.stringify(e)).not.toMatch(/[\uE000\uE001]/);
  });

  it('explains NotAction and NotResource', () => {
    const set = ids({ Effect: 'Allow', NotAction: 'iam:*', NotResource: 'arn:aws:s3:::secret/*' });
    const e = explain({ set, action: 's3:GetObject', resource: OBJECT, context: { keys: {} } });
    expect(e.statements[0].actionWhy).toBe('NotAction iam:* does not name s3:GetObject');
    expect(e.statements[0].resourceWhy).toBe('the resource is outside NotResource arn:aws:s3:::secret/*');
    const inside = explain({ set, action: 's3:GetObject', resource: 'arn:aws:s3:::secret/k', context: { keys: {} } });
    expect(inside.statements[0].resourceWhy).toBe('NotResource arn:aws:s3:::secret/* excludes the resource (or part of it)');
  });

  it('names the denying statement', () => {
    const set = { identity: [policy([allow('*', '*')]), policy([{ Sid: 'NoSecrets', ...deny('secretsmanager:*', '*') }], { name: 'guard', kind: 'managed' })] };
    const e = explain({ set, action: 'secretsmanager:GetSecretValue', resource: 'arn:aws:secretsmanager:us-east-1:1:secret:x', context: { keys: {} } });
    expect(e.reason).toBe('explicitly denied by statement "NoSecrets" of managed policy guard');
  });

  it('notes a resource pattern, and names a variable key used in both resource and condition', () => {
    const set = ids(allow('s3:GetObject', 'arn:aws:s3:::home/${aws:PrincipalTag/team}/*', cond('StringEquals', 'aws:PrincipalTag/team', 'blue')));
    const e = explain({ set, action: 's3:GetObject', resource: 'arn:aws:s3:::home/blue/*', context: { keys: {} } });
    expect(e.decision).toBe('depends');
    expect(e.notes).toEqual(['the resource is a pattern: "allowed" means allowed on every resource it matches, "denied" that a Deny covers all of them']);
    expect(e.statements[0].resourceWhy).toMatch(/may cover the resource: it depends on aws:PrincipalTag\/team$/);
    expect(e.reason).toBe('depends on condition keys not given: aws:PrincipalTag/team');
  });

  it('rejects an action the catalog does not know (the command line checks first)', () => {
    expect(() => explain({ set: ids(allow('*', '*')), action: 'ecr:Nope', resource: '*', context: { keys: {} } })).toThrow(/not a catalog action/);
  });
});

// ------------------------------------------------------------------------------------------------ the request

describe('request values', () => {
  it('takes one concrete catalog action, in catalog casing', () => {
    expect(requestAction('LOGS:createlogstream').full).toBe('logs:CreateLogStream');
    expect(() => requestAction('logs:Create*')).toThrow(/one concrete action, not a pattern/);
    expect(() => requestAction('ecr:GetAuthorisationToken')).toThrow(/did you mean ecr:GetAuthorizationToken/);
    expect(() => requestAction('ecrr:GetAuthorizationToken')).toThrow(/unknown service prefix "ecrr" \(did you mean ecr\?\)/);
    expect(() => requestAction('GetAuthorizationToken')).toThrow(ExplainUsageError);
  });

  it('requires a resource unless the action is wildcard-only', () => {
    expect(requestResource(requestAction('ecr:GetAuthorizationToken'), undefined)).toBe('*');
    expect(() => requestResource(requestAction('ecr:BatchGetImage'), undefined)).toThrow(/--resource is required: ecr:BatchGetImage is authorized per resource \(repository\)/);
    expect(requestResource(requestAction('ecr:BatchGetImage'), REPO)).toBe(REPO);
    expect(requestResource(requestAction('ecr:BatchGetImage'), '*')).toBe('*');
    expect(() => requestResource(requestAction('ecr:BatchGetImage'), 'my-repo')).toThrow(/expected an ARN/);
  });

  it('notes a resource that fits none of the action resource types', () => {
    const put = requestAction('logs:PutLogEvents');
    expect(resourceNote(put, STREAM)).toBeUndefined();
    expect(resourceNote(put, REPO)).toMatch(/is not a resource logs:PutLogEvents acts on; expected log-stream/);
    expect(resourceNote(requestAction('ecr:GetAuthorizationToken'), REPO)).toBeUndefined();
  });

  it('parses --context: repeated keys are multivalued, names compare case-insensitively, values may hold =', () => {
    expect(parseContext(['aws:TagKeys=a', 'aws:SourceVpce=vpce-1', 'AWS:tagkeys=b', 'aws:PrincipalTag/k=x=y', 'aws:UserAgent='])).toEqual({
      'aws:TagKeys': ['a', 'b'],
      'aws:SourceVpce': ['vpce-1'],
      'aws:PrincipalTag/k': ['x=y'],
      'aws:UserAgent': [''],
    });
    expect(() => parseContext(['aws:SourceVpce'])).toThrow(/expected KEY=VALUE/);
    expect(() => parseContext(['=x'])).toThrow(/expected KEY=VALUE/);
  });
});

// ------------------------------------------------------------------------------------------------ targets

describe('roleTarget', () => {
  const dump = ['fixtures/ecs-taskdef-iam-dump'];

  it('finds a role by name, ARN or id, and supplies the principal context', () => {
    for (const ref of ['payments-api-execution', 'arn:aws:iam::444455556666:role/payments-api-execution', 'PAYMENTS-API-EXECUTION']) {
      const t = roleTarget(ref, dump, repo);
      expect(t.role?.name, ref).toBe('payments-api-execution');
      expect(t.roleContext).toEqual({ 'aws:PrincipalArn': ['arn:aws:iam::444455556666:role/payments-api-execution'], 'aws:PrincipalAccount': ['444455556666'], 'aws:username': [] });
      expect(t.inputErrors).toEqual([]);
      expect(t.unresolvedIdentity).toBe(false);
    }
  });

  it('finds a CloudFormation role by logical id, and says what is unresolved', () => {
    const t = roleTarget('ExecutionRole', ['fixtures/ecs-unresolved-cfn'], repo);
    expect(t.role?.id).toBe('ExecutionRole');
    expect(t.unresolvedIdentity).toBe(true);
    expect(t.incomplete.join('\n')).toContain('shared-ecr-pull');
  });

  it('links a boundary', () => {
    const t = roleTarget('search-indexer-execution', ['fixtures/ecs-boundary-deny-dump'], repo);
    expect(t.set.boundary?.map((p) => p.name)).toEqual(['arn:aws:iam::777788889999:policy/ecs-execution-boundary']);
    const e = explain({ set: t.set, action: 'ssm:GetParameters', resource: 'arn:aws:ssm:us-west-2:777788889999:parameter/search/endpoint', context: { keys: t.roleContext } });
    expect(e.decision).toBe('not-allowed');
    expect(e.blockedByBoundary).toBe(true);
  });

  it('lists close matches for a role not found', () => {
    try {
      roleTarget('payments-api-exec', dump, repo);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RoleLookupError);
      expect((e as Error).message).toMatch(/^role "payments-api-exec" not found in the scanned files \(3 roles\); did you mean payments-api-execution \[arn:aws:iam::444455556666:role\/payments-api-execution\] \(fixtures\/ecs-taskdef-iam-dump\/iam-authorization-details\.json:5\)/);
    }
    expect(() => roleTarget('zzzzzzzzzzzz', dump, repo)).toThrow(/roles found: payments-api-execution/);
  });

  it('passes on unreadable inputs with the role found', () => {
    const t = roleTarget('payments-api-execution', [...dump, 'fixtures/malformed'], repo);
    expect(t.inputErrors.map((e) => e.location.file).sort()).toEqual(['fixtures/malformed/taskdef-missing-comma.json', 'fixtures/malformed/template-bad-indent.yaml']);
  });
});

describe('policyTarget', () => {
  it('reads policy documents and a boundary', () => {
    const t = policyTarget(['fixtures/policy-files/read-only.json'], ['fixtures/policy-files/ci-deployer-policy.json'], repo);
    expect(t.set.identity.map((p) => [p.name, p.kind])).toEqual([['read-only.json', 'standalone']]);
    expect(t.set.boundary?.map((p) => p.name)).toEqual(['ci-deployer-policy.json']);
    expect(t.role).toBeUndefined();
    expect(t.roleContext).toEqual({});
  });

  it('passes the parser diagnostics on', () => {
    const t = policyTarget(['fixtures/policy-files/broken-statement.json'], [], repo);
    expect(t.diagnostics.some((d) => d.severity === 'error' && d.loc.file === 'fixtures/policy-files/broken-statement.json')).toBe(true);
  });

  it('refuses what is not a readable identity policy document, with file:line', () => {
    expect(() => policyTarget(['no/such.json'], [], repo)).toThrow(/^no\/such\.json:1:1: no such file$/);
    expect(() => policyTarget(['fixtures'], [], repo)).toThrow(/is a directory/);
    expect(() => policyTarget(['fixtures/malformed/taskdef-missing-comma.json'], [], repo)).toThrow(/^fixtures\/malformed\/taskdef-missing-comma\.json:5:5: invalid JSON/);
    expect(() => policyTarget(['fixtures/ecs-no-execution-role/ec2-logs.json'], [], repo)).toThrow(/^fixtures\/ecs-no-execution-role\/ec2-logs\.json:1:1: not a bare policy document$/);
    expect(() => policyTarget(['package.json'], [], repo)).toThrow(/not an IAM policy document/);
    expect(() => policyTarget(['fixtures/ecs-clean-cfn/service.yaml'], [], repo)).toThrow(/not a bare policy document; to explain a role defined in it, run `rolefit explain ROLE fixtures\/ecs-clean-cfn\/service\.yaml`/);
  });
});

// ------------------------------------------------------------------------------------------------ reporters

const schema = JSON.parse(readFileSync(join(repo, 'policies', 'schema', 'explain.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
function schemaErrors(value: unknown): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e: { instancePath: string; message?: string }) => `${e.instancePath} ${e.message}`);
}

describe('reporters', () => {
  const dump = roleTarget('payments-api-execution', ['fixtures/ecs-taskdef-iam-dump'], repo);
  const logs = explain({
    set: dump.set,
    action: 'logs:CreateLogStream',
    resource: 'arn:aws:logs:eu-west-1:444455556666:log-group:/ecs/payments-api:log-stream:web/x',
    context: { keys: dump.roleContext },
    role: dump.role,
    contextFromRole: Object.keys(dump.roleContext),
  });

  it('text: the answer, the statement with file:line and why, the context', () => {
    const text = formatExplainText(logs, colors(false));
    const lines = text.split('\n');
    expect(lines[0]).toBe('not allowed: logs:CreateLogStream on arn:aws:logs:eu-west-1:444455556666:log-group:/ecs/payments-api:log-stream:web/x');
    expect(lines[1]).toBe('  role payments-api-execution (arn:aws:iam::444455556666:role/payments-api-execution) fixtures/ecs-taskdef-iam-dump/iam-authorization-details.json:5');
    expect(lines[2]).toBe('  no statement allows logs:CreateLogStream on this resource');
    expect(text).toMatch(/^fixtures\/ecs-taskdef-iam-dump\/iam-authorization-details\.json:\d+:\d+ {2}Allow statement "Logs" of inline policy payments-api-execution: does not apply$/m);
    expect(text).toContain('    ✓ action      Action logs:CreateLogStream names logs:CreateLogStream');
    expect(text).toContain('    ✗ resource    Resource arn:aws:logs:eu-west-1:444455556666:log-group:/ecs/payments-api does not cover the resource');
    expect(text).toContain('    ✓ conditions  none');
    expect(text).toContain('Request context: aws:PrincipalArn=arn:aws:iam::444455556666:role/payments-api-execution (from the role), aws:PrincipalAccount=444455556666 (from the role), aws:username absent (from the role); keys not listed are unknown.');
    expect(text).not.toContain('\u001b[');
    expect(formatExplainText(logs, colors(true))).toContain('\u001b[');
  });

  it('text: conditions one per line, unknown keys, and a statement-less answer', () => {
    const e = explain({ set: ids(allow('s3:GetObject', '*', cond('StringEquals', 'aws:SourceVpce', ['vpce-1', 'vpce-2']))), action: 's3:GetObject', resource: OBJECT, context: { keys: {} } });
    const text = formatExplainText(e, colors(false));
    expect(text).toContain('depends: s3:GetObject on arn:aws:s3:::bucket/key');
    expect(text).toContain('  unknown condition keys: aws:SourceVpce (give them with --context KEY=VALUE)');
    expect(text).toContain('    ? condition   StringEquals aws:SourceVpce ["vpce-1", "vpce-2"] (line 3): aws:SourceVpce is not given: unknown');
    expect(text).toContain('Request context: no keys given; every key is unknown.');
    const none = formatExplainText(explain({ set: ids(allow('ecr:*', '*')), action: 's3:GetObject', resource: OBJECT, context: { keys: {}, complete: true } }), colors(false));
    expect(none).toContain('No statement names s3:GetObject (none of the 1 policy evaluated).');
    expect(none).toContain('every key is absent');
  });

  it('json: the explanation, valid against policies/schema/explain.schema.json', () => {
    const json = JSON.parse(formatExplainJson(logs)) as Explanation;
    expect(schemaErrors(json)).toEqual([]);
    expect(json.decision).toBe('not-allowed');
    expect(json.statements).toHaveLength(1);
    expect(json.statements[0]).toMatchObject({ effect: 'Allow', policy: 'payments-api-execution', sid: 'Logs', actionMatched: 'yes', resourceMatched: 'no', conditions: [] });
    expect(json.statements[0].location.file).toBe('fixtures/ecs-taskdef-iam-dump/iam-authorization-details.json');
    expect(json.role).toMatchObject({ name: 'payments-api-execution', id: 'arn:aws:iam::444455556666:role/payments-api-execution' });
  });

  it('json: every decision and shape validates', () => {
    const samples: Explanation[] = [
      explain({ set: ids(allow('s3:GetObject', '*', cond('StringEquals', 'aws:SourceVpce', 'v'))), action: 's3:GetObject', resource: OBJECT, context: { keys: {} } }),
      explain({ set: ids(allow('*', '*'), deny('s3:*', '*', cond('Null', 'aws:SourceVpce', 'true'))), action: 's3:GetObject', resource: OBJECT, context: { keys: {}, complete: true } }),
      explain({ set: { identity: [policy([allow('*', '*')])], boundary: [] }, action: 'ecr:GetAuthorizationToken', resource: REPO, context: { keys: {} }, unresolvedIdentity: true, incomplete: ['x'] }),
      explain({ set: ids(allow('ecr:*', '*')), action: 'ecr:BatchGetImage', resource: REPO, context: { keys: {} } }),
    ];
    expect(samples.map((s) => s.decision)).toEqual(['depends', 'denied', 'depends', 'allowed']);
    for (const s of samples) expect(schemaErrors(JSON.parse(formatExplainJson(s)))).toEqual([]);
    expect(schemaErrors({ ...samples[0], decision: 'unknown' })).not.toEqual([]);
    expect(schemaErrors({ ...samples[0], extra: 1 })).not.toEqual([]);
  });
});
