import { describe, expect, it } from 'vitest';
import { decide, grants, type PolicySet } from '../src/iam/evaluate.js';
import { parsePolicy } from '../src/iam/policy.js';
import type { RequestContext } from '../src/iam/variables.js';
import { token, type Policy, type PolicyKind } from '../src/model.js';
import { fromPlain } from '../src/sources/nodes.js';

const loc = { file: 'p.json', line: 1, column: 1 };

function policy(statements: object[], opts: { name?: string; kind?: PolicyKind; version?: string | null } = {}): Policy {
  const doc: Record<string, unknown> = { Statement: statements };
  if (opts.version !== null) doc.Version = opts.version ?? '2012-10-17';
  return parsePolicy(fromPlain(doc, loc), { name: opts.name ?? 'p', kind: opts.kind ?? 'inline' }).policy;
}

const allow = (Action: string | string[], Resource: string | string[], extra: object = {}) => ({ Effect: 'Allow', Action, Resource, ...extra });
const deny = (Action: string | string[], Resource: string | string[], extra: object = {}) => ({ Effect: 'Deny', Action, Resource, ...extra });

const NONE: RequestContext = { keys: {} };
const REPO = 'arn:aws:ecr:us-east-1:111122223333:repository/app';
const GROUP = 'arn:aws:logs:us-east-1:1:log-group:/ecs/app';
const SECRET = 'arn:aws:secretsmanager:us-east-1:1:secret:prod/db';

type Row = { name: string; set: PolicySet; action: string; resource: string; ctx?: RequestContext; want: string; unknownKeys?: string[]; blocked?: boolean };

function run(rows: Row[]) {
  for (const r of rows) {
    it(r.name, () => {
      const d = decide(r.set, r.action, r.resource, r.ctx ?? NONE);
      expect(d.decision).toBe(r.want);
      if (r.unknownKeys) expect(d.unknownKeys.sort()).toEqual(r.unknownKeys);
      if (r.blocked !== undefined) expect(!!d.blockedByBoundary).toBe(r.blocked);
    });
  }
}

const ids = (...statements: object[]): PolicySet => ({ identity: [policy(statements)] });

describe('decide: actions', () => {
  run([
    { name: 'exact action and resource', set: ids(allow('ecr:BatchGetImage', REPO)), action: 'ecr:BatchGetImage', resource: REPO, want: 'allowed' },
    { name: 'other action', set: ids(allow('ecr:BatchGetImage', REPO)), action: 'ecr:GetDownloadUrlForLayer', resource: REPO, want: 'not-allowed' },
    { name: 'action wildcards, case-insensitive (§7)', set: ids(allow('ECR:batchget*', REPO)), action: 'ecr:BatchGetImage', resource: REPO, want: 'allowed' },
    { name: '? wildcard', set: ids(allow('logs:Put?ogEvents', '*')), action: 'logs:PutLogEvents', resource: `${GROUP}:log-stream:x`, want: 'allowed' },
    { name: 'bare *', set: ids(allow('*', '*')), action: 'ssm:GetParameters', resource: 'arn:aws:ssm:us-east-1:1:parameter/x', want: 'allowed' },
    { name: 'service wildcard does not cross services', set: ids(allow('ecr:*', '*')), action: 'logs:PutLogEvents', resource: '*', want: 'not-allowed' },
    { name: 'NotAction grants everything else (§7)', set: ids({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }), action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', want: 'allowed' },
    { name: 'NotAction excludes the listed actions', set: ids({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }), action: 'iam:PassRole', resource: 'arn:aws:iam::1:role/r', want: 'not-allowed' },
    { name: 'no policies', set: { identity: [] }, action: 'ecr:BatchGetImage', resource: REPO, want: 'not-allowed' },
  ]);
});

describe('decide: resources (domain.md §7 matching vectors)', () => {
  run([
    { name: 'log-group:g:* covers a stream pattern', set: ids(allow('logs:PutLogEvents', `${GROUP}:*`)), action: 'logs:PutLogEvents', resource: `${GROUP}:log-stream:app/web/*`, want: 'allowed' },
    { name: 'log-group:g does not cover streams', set: ids(allow('logs:PutLogEvents', GROUP)), action: 'logs:PutLogEvents', resource: `${GROUP}:log-stream:app/web/*`, want: 'not-allowed' },
    { name: 'log-group:g:* does not cover the group itself', set: ids(allow('logs:CreateLogGroup', `${GROUP}:*`)), action: 'logs:CreateLogGroup', resource: GROUP, want: 'not-allowed' },
    { name: 'secret -?????? covers the full ARN', set: ids(allow('secretsmanager:GetSecretValue', `${SECRET}-??????`)), action: 'secretsmanager:GetSecretValue', resource: `${SECRET}-AbCdEf`, want: 'allowed' },
    { name: 'secret name without suffix does not', set: ids(allow('secretsmanager:GetSecretValue', SECRET)), action: 'secretsmanager:GetSecretValue', resource: `${SECRET}-AbCdEf`, want: 'not-allowed' },
    { name: 'one of several Resource entries', set: ids(allow('ecr:BatchGetImage', ['arn:aws:ecr:us-east-1:111122223333:repository/other', REPO])), action: 'ecr:BatchGetImage', resource: REPO, want: 'allowed' },
    { name: 'region wildcard', set: ids(allow('ecr:BatchGetImage', 'arn:aws:ecr:*:111122223333:repository/*')), action: 'ecr:BatchGetImage', resource: REPO, want: 'allowed' },
    { name: 'a grant covering part of a need pattern does not allow it', set: ids(allow('logs:PutLogEvents', `${GROUP}:log-stream:app/web/1`)), action: 'logs:PutLogEvents', resource: `${GROUP}:log-stream:app/web/*`, want: 'not-allowed' },
  ]);
});

describe('decide: wildcard-only actions (§4.3, §7)', () => {
  run([
    { name: 'repository ARN pattern does not grant ecr:GetAuthorizationToken', set: ids(allow('ecr:*', 'arn:aws:ecr:*:1:repository/*')), action: 'ecr:GetAuthorizationToken', resource: '*', want: 'not-allowed' },
    { name: 'nor does arn:aws:ecr:*:*:*', set: ids(allow('ecr:GetAuthorizationToken', 'arn:aws:ecr:*:*:*')), action: 'ecr:GetAuthorizationToken', resource: '*', want: 'not-allowed' },
    { name: 'Resource "*" does', set: ids(allow('ecr:GetAuthorizationToken', '*')), action: 'ecr:GetAuthorizationToken', resource: '*', want: 'allowed' },
    { name: '"*" among other entries does', set: ids(allow('ecr:GetAuthorizationToken', [REPO, '*'])), action: 'ecr:GetAuthorizationToken', resource: '*', want: 'allowed' },
    { name: 'the need resource is "*" whatever the caller passes', set: ids(allow('ecr:GetAuthorizationToken', REPO)), action: 'ecr:GetAuthorizationToken', resource: REPO, want: 'not-allowed' },
    { name: 'a parameter token may be "*"', set: ids(allow('ecr:GetAuthorizationToken', token('Res@t.yaml'))), action: 'ecr:GetAuthorizationToken', resource: '*', want: 'unknown' },
    { name: 'NotResource listing an ARN leaves "*" granted', set: ids({ Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', NotResource: REPO }), action: 'ecr:GetAuthorizationToken', resource: '*', want: 'allowed' },
    { name: 'a Deny on an ARN pattern does not deny it', set: ids(allow('ecr:*', '*'), deny('ecr:*', 'arn:aws:ecr:*:*:*')), action: 'ecr:GetAuthorizationToken', resource: '*', want: 'allowed' },
    { name: 'a Deny on "*" does', set: ids(allow('ecr:*', '*'), deny('ecr:GetAuthorizationToken', '*')), action: 'ecr:GetAuthorizationToken', resource: '*', want: 'denied' },
  ]);
});

describe('decide: NotResource', () => {
  const set = ids({ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::b/secret/*' });
  run([
    { name: 'outside every entry', set, action: 's3:GetObject', resource: 'arn:aws:s3:::b/public/x', want: 'allowed' },
    { name: 'inside an entry', set, action: 's3:GetObject', resource: 'arn:aws:s3:::b/secret/x', want: 'not-allowed' },
    { name: 'a need pattern partly inside', set, action: 's3:GetObject', resource: 'arn:aws:s3:::b/*', want: 'not-allowed' },
    { name: 'Deny with NotResource applies outside', set: ids(allow('s3:*', '*'), { Effect: 'Deny', Action: 's3:*', NotResource: 'arn:aws:s3:::b/*' }), action: 's3:GetObject', resource: 'arn:aws:s3:::other/x', want: 'denied' },
    { name: 'Deny with NotResource spares the listed resources', set: ids(allow('s3:*', '*'), { Effect: 'Deny', Action: 's3:*', NotResource: 'arn:aws:s3:::b/*' }), action: 's3:GetObject', resource: 'arn:aws:s3:::b/x', want: 'allowed' },
    { name: 'Deny with NotResource over a partly listed pattern may apply', set: ids(allow('s3:*', '*'), { Effect: 'Deny', Action: 's3:*', NotResource: 'arn:aws:s3:::b/x*' }), action: 's3:GetObject', resource: 'arn:aws:s3:::b/*', want: 'unknown' },
  ]);
});

describe('decide: Deny precedence', () => {
  run([
    { name: 'a Deny wins over any Allow', set: ids(allow('*', '*'), deny('ecr:*', '*')), action: 'ecr:BatchGetImage', resource: REPO, want: 'denied' },
    { name: 'a Deny in another policy wins too', set: { identity: [policy([allow('ecr:*', '*')]), policy([deny('ecr:BatchGetImage', REPO)], { name: 'q' })] }, action: 'ecr:BatchGetImage', resource: REPO, want: 'denied' },
    { name: 'a Deny on another resource does not apply', set: ids(allow('ecr:*', '*'), deny('ecr:*', 'arn:aws:ecr:us-east-1:111122223333:repository/other')), action: 'ecr:BatchGetImage', resource: REPO, want: 'allowed' },
    { name: 'a Deny with NotAction', set: ids(allow('*', '*'), { Effect: 'Deny', NotAction: 'logs:*', Resource: '*' }), action: 'ecr:BatchGetImage', resource: REPO, want: 'denied' },
    { name: 'a Deny with NotAction spares the listed actions', set: ids(allow('*', '*'), { Effect: 'Deny', NotAction: 'ecr:*', Resource: '*' }), action: 'ecr:BatchGetImage', resource: REPO, want: 'allowed' },
    { name: 'a Deny on part of a need pattern makes it unknown', set: ids(allow('s3:GetObject', '*'), deny('s3:GetObject', 'arn:aws:s3:::b/private/*')), action: 's3:GetObject', resource: 'arn:aws:s3:::b/*', want: 'unknown' },
    { name: 'a Deny whose condition is unknown makes it unknown', set: ids(allow('kms:Decrypt', '*'), deny('kms:Decrypt', '*', { Condition: { StringNotEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } } })), action: 'kms:Decrypt', resource: 'arn:aws:kms:us-east-1:1:key/k', want: 'unknown', unknownKeys: ['kms:ViaService'] },
    { name: 'a Deny whose condition is false does not apply', set: ids(allow('kms:Decrypt', '*'), deny('kms:Decrypt', '*', { Condition: { StringNotEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } } })), action: 'kms:Decrypt', resource: 'arn:aws:kms:us-east-1:1:key/k', ctx: { keys: { 'kms:ViaService': ['secretsmanager.us-east-1.amazonaws.com'] } }, want: 'allowed' },
    { name: 'a Deny whose condition is true applies', set: ids(allow('kms:Decrypt', '*'), deny('kms:Decrypt', '*', { Condition: { StringNotEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } } })), action: 'kms:Decrypt', resource: 'arn:aws:kms:us-east-1:1:key/k', ctx: { keys: { 'kms:ViaService': ['ssm.us-east-1.amazonaws.com'] } }, want: 'denied' },
    { name: 'not allowed stays not allowed whatever a Deny may do', set: ids(deny('kms:Decrypt', '*', { Condition: { Bool: { 'aws:ViaAWSService': 'true' } } })), action: 'kms:Decrypt', resource: 'arn:aws:kms:us-east-1:1:key/k', want: 'not-allowed' },
  ]);
});

describe('decide: conditions on Allow', () => {
  const viaSm = allow('kms:Decrypt', '*', { Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com', 'aws:PrincipalAccount': '111122223333' } } });
  run([
    { name: 'every condition known to hold', set: ids(viaSm), action: 'kms:Decrypt', resource: 'arn:aws:kms:us-east-1:1:key/k', ctx: { keys: { 'aws:PrincipalAccount': ['111122223333'], 'kms:ViaService': ['secretsmanager.us-east-1.amazonaws.com'] } }, want: 'allowed' },
    { name: 'a key not in the context', set: ids(viaSm), action: 'kms:Decrypt', resource: 'arn:aws:kms:us-east-1:1:key/k', ctx: { keys: { 'aws:PrincipalAccount': ['111122223333'] } }, want: 'unknown', unknownKeys: ['kms:ViaService'] },
    { name: 'a condition known to fail', set: ids(viaSm), action: 'kms:Decrypt', resource: 'arn:aws:kms:us-east-1:1:key/k', ctx: { keys: { 'aws:PrincipalAccount': ['444455556666'] } }, want: 'not-allowed' },
    { name: 'an unconditional Allow beside a conditional one', set: ids(viaSm, allow('kms:Decrypt', 'arn:aws:kms:us-east-1:1:key/k')), action: 'kms:Decrypt', resource: 'arn:aws:kms:us-east-1:1:key/k', want: 'allowed' },
    { name: 'IfExists over an absent key in a complete context', set: ids(allow('s3:GetObject', '*', { Condition: { StringEqualsIfExists: { 'aws:SourceVpce': 'vpce-1' } } })), action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', ctx: { keys: {}, complete: true }, want: 'allowed' },
  ]);
});

describe('decide: permissions boundaries', () => {
  const identity = [policy([allow(['ecr:*', 'logs:*'], '*')])];
  const boundary = [policy([allow('logs:*', '*')], { name: 'boundary', kind: 'managed' })];
  run([
    { name: 'allowed by both', set: { identity, boundary }, action: 'logs:PutLogEvents', resource: `${GROUP}:log-stream:x`, want: 'allowed', blocked: false },
    { name: 'allowed by identity, not by the boundary (M27)', set: { identity, boundary }, action: 'ecr:BatchGetImage', resource: REPO, want: 'not-allowed', blocked: true },
    { name: 'allowed by the boundary only', set: { identity: [policy([allow('logs:*', '*')])], boundary: [policy([allow('ecr:*', '*')])] }, action: 'ecr:BatchGetImage', resource: REPO, want: 'not-allowed', blocked: false },
    { name: 'a boundary that could not be resolved', set: { identity, boundary: [] }, action: 'ecr:BatchGetImage', resource: REPO, want: 'unknown' },
    { name: 'a Deny in the boundary applies', set: { identity, boundary: [policy([allow('*', '*'), deny('logs:DeleteLogGroup', '*')])] }, action: 'logs:DeleteLogGroup', resource: GROUP, want: 'denied' },
    { name: 'a boundary allowing only under an unknown condition', set: { identity, boundary: [policy([allow('logs:*', '*', { Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } })])] }, action: 'logs:PutLogEvents', resource: `${GROUP}:log-stream:x`, want: 'unknown', unknownKeys: ['aws:RequestedRegion'] },
    { name: 'a boundary scoped to other resources', set: { identity, boundary: [policy([allow('logs:*', 'arn:aws:logs:*:*:log-group:/other:*')])] }, action: 'logs:PutLogEvents', resource: `${GROUP}:log-stream:x`, want: 'not-allowed', blocked: true },
  ]);

  it('lists identity and boundary statements among the matches', () => {
    const d = decide({ identity, boundary }, 'logs:PutLogEvents', `${GROUP}:log-stream:x`, NONE);
    expect(d.matches.map((m) => [m.policy.name, m.statement.effect, m.resourceMatched, m.conditions, !!m.boundary])).toEqual([
      ['p', 'Allow', 'yes', 'yes', false],
      ['boundary', 'Allow', 'yes', 'yes', true],
    ]);
  });
});

describe('decide: policy variables in resources', () => {
  const v = (version?: string | null) => ({ identity: [policy([allow('s3:GetObject', 'arn:aws:s3:::home/${aws:PrincipalAccount}/*')], { version })] });
  run([
    { name: 'substituted from the context', set: v(), action: 's3:GetObject', resource: 'arn:aws:s3:::home/111122223333/k', ctx: { keys: { 'aws:PrincipalAccount': ['111122223333'] } }, want: 'allowed' },
    { name: 'another value', set: v(), action: 's3:GetObject', resource: 'arn:aws:s3:::home/444455556666/k', ctx: { keys: { 'aws:PrincipalAccount': ['111122223333'] } }, want: 'not-allowed' },
    { name: 'a key missing from an incomplete context', set: v(), action: 's3:GetObject', resource: 'arn:aws:s3:::home/111122223333/k', want: 'unknown', unknownKeys: ['aws:PrincipalAccount'] },
    { name: 'a key absent from a complete context matches nothing', set: v(), action: 's3:GetObject', resource: 'arn:aws:s3:::home/111122223333/k', ctx: { keys: {}, complete: true }, want: 'not-allowed' },
    { name: 'Version 2008-10-17: literal text', set: v('2008-10-17'), action: 's3:GetObject', resource: 'arn:aws:s3:::home/111122223333/k', ctx: { keys: { 'aws:PrincipalAccount': ['111122223333'] } }, want: 'not-allowed' },
    { name: 'no Version: literal text', set: v(null), action: 's3:GetObject', resource: 'arn:aws:s3:::home/111122223333/k', ctx: { keys: { 'aws:PrincipalAccount': ['111122223333'] } }, want: 'not-allowed' },
    { name: 'a default value', set: { identity: [policy([allow('s3:GetObject', "arn:aws:s3:::home/${aws:PrincipalTag/team, 'shared'}/*")])] }, action: 's3:GetObject', resource: 'arn:aws:s3:::home/shared/k', ctx: { keys: {}, complete: true }, want: 'allowed' },
    { name: 'an escaped * is not a wildcard', set: { identity: [policy([allow('s3:GetObject', 'arn:aws:s3:::b/${*}')])] }, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', want: 'unknown' },
  ]);
});

describe('decide: symbolic tokens', () => {
  const acct = token('AWS::AccountId@stack.yaml');
  const grp = `arn:aws:logs:us-east-1:${acct}:log-group:/ecs/app`;
  run([
    { name: 'identical tokens', set: ids(allow('logs:PutLogEvents', `${grp}:*`)), action: 'logs:PutLogEvents', resource: `${grp}:log-stream:web/*`, want: 'allowed' },
    { name: 'a token against a literal account', set: ids(allow('logs:PutLogEvents', `${grp}:*`)), action: 'logs:PutLogEvents', resource: 'arn:aws:logs:us-east-1:111122223333:log-group:/ecs/app:log-stream:web/*', want: 'unknown' },
    { name: 'a token cannot rescue another group', set: ids(allow('logs:PutLogEvents', `${grp}:*`)), action: 'logs:PutLogEvents', resource: `arn:aws:logs:us-east-1:${acct}:log-group:/ecs/other:log-stream:web/*`, want: 'not-allowed' },
    { name: 'a token as the whole Action', set: ids(allow(token('Actions@t.yaml'), '*')), action: 'logs:PutLogEvents', resource: '*', want: 'unknown' },
    { name: 'a token in the action name of another service', set: ids(allow(`ecr:${token('A@t.yaml')}`, '*')), action: 'logs:PutLogEvents', resource: '*', want: 'not-allowed' },
    { name: 'a token in the action name of the service', set: ids(allow(`logs:Put${token('A@t.yaml')}`, '*')), action: 'logs:PutLogEvents', resource: '*', want: 'unknown' },
    { name: 'a token in a Deny resource', set: ids(allow('s3:*', '*'), deny('s3:*', `arn:aws:s3:::${token('B@t.yaml')}/*`)), action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', want: 'unknown' },
    { name: 'a condition value token', set: ids(allow('s3:GetObject', '*', { Condition: { StringEquals: { 'aws:PrincipalAccount': acct } } })), action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', ctx: { keys: { 'aws:PrincipalAccount': [acct] } }, want: 'allowed' },
  ]);

  it('reports statements whose action may match as not matched', () => {
    const d = decide(ids(allow(token('Actions@t.yaml'), '*')), 'logs:PutLogEvents', '*', NONE);
    expect(d.matches).toHaveLength(1);
    expect(d.matches[0].actionMatched).toBe(false);
  });
});

describe('grants', () => {
  const names = (set: PolicySet) => grants(set).map((g) => g.action.full);

  it('expands action wildcards against the catalog', () => {
    const list = names(ids(allow('ecr:BatchGet*', REPO)));
    expect(list).toContain('ecr:BatchGetImage');
    expect(list).toContain('ecr:BatchGetRepositoryScanningConfiguration');
    expect(list.every((a) => a.startsWith('ecr:BatchGet'))).toBe(true);
  });

  it('carries the statement, policy, resources and conditional flag', () => {
    const set = ids(allow('ecr:BatchGetImage', REPO), allow('kms:Decrypt', '*', { Condition: { StringEquals: { 'kms:ViaService': 'x' } } }), { Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::x/*' });
    const g = grants(set);
    expect(g.map((x) => [x.action.full, x.resources, x.notResources, x.conditional, x.statement.index, x.policy.name])).toEqual([
      ['ecr:BatchGetImage', [REPO], undefined, false, 0, 'p'],
      ['kms:Decrypt', ['*'], undefined, true, 1, 'p'],
      ['s3:GetObject', undefined, ['arn:aws:s3:::x/*'], false, 2, 'p'],
    ]);
  });

  it('NotAction grants the complement over the whole catalog', () => {
    const list = names(ids({ Effect: 'Allow', NotAction: ['iam:*', 'sts:*'], Resource: '*' }));
    expect(list.length).toBeGreaterThan(10000);
    expect(list).toContain('s3:GetObject');
    expect(list.some((a) => a.startsWith('iam:') || a.startsWith('sts:'))).toBe(false);
  });

  it('an unconditional Deny on "*" removes actions; a conditional or scoped Deny does not', () => {
    expect(names(ids(allow('logs:*', '*'), deny('logs:Delete*', '*')))).not.toContain('logs:DeleteLogGroup');
    expect(names(ids(allow('logs:*', '*'), deny('logs:Delete*', '*', { Condition: { Bool: { 'aws:SecureTransport': 'false' } } })))).toContain('logs:DeleteLogGroup');
    expect(names(ids(allow('logs:*', '*'), deny('logs:Delete*', GROUP)))).toContain('logs:DeleteLogGroup');
    expect(names(ids(allow('logs:*', '*'), { Effect: 'Deny', NotAction: 'logs:PutLogEvents', Resource: '*' }))).toEqual(['logs:PutLogEvents']);
  });

  it('skips wildcard-only actions a statement cannot grant', () => {
    expect(names(ids(allow('ecr:*', 'arn:aws:ecr:*:1:repository/*')))).not.toContain('ecr:GetAuthorizationToken');
    expect(names(ids(allow('ecr:*', '*')))).toContain('ecr:GetAuthorizationToken');
    expect(names(ids({ Effect: 'Allow', Action: 'ecr:*', NotResource: REPO }))).toContain('ecr:GetAuthorizationToken');
  });

  it('keeps only what the boundary allows; a conditional boundary flags the grant', () => {
    const identity = [policy([allow(['ecr:BatchGetImage', 'logs:PutLogEvents', 'kms:Decrypt'], '*')])];
    const boundary = [policy([allow('logs:*', '*'), allow('kms:*', '*', { Condition: { StringEquals: { 'kms:ViaService': 'x' } } }), deny('kms:Decrypt', '*', { Condition: { Bool: { 'aws:SecureTransport': 'false' } } })], { kind: 'managed' })];
    const g = grants({ identity, boundary });
    expect(g.map((x) => [x.action.full, x.conditional])).toEqual([
      ['kms:Decrypt', true],
      ['logs:PutLogEvents', false],
    ]);
    // An unconditional Deny on "*" in the boundary removes the action.
    expect(grants({ identity, boundary: [policy([allow('*', '*'), deny('kms:*', '*')])] }).map((x) => x.action.full)).toEqual(['ecr:BatchGetImage', 'logs:PutLogEvents']);
    // A boundary that could not be resolved filters nothing.
    expect(grants({ identity, boundary: [] })).toHaveLength(3);
  });

  it('ignores Deny statements and unknown actions', () => {
    expect(names(ids(allow(['ecr:NoSuchAction', token('A@t.yaml')], '*')))).toEqual([]);
  });
});
