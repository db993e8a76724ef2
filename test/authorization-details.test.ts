import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAuthorizationDetails, readAuthorizationDetails } from '../src/sources/authorization-details.js';
import { parseJson } from '../src/sources/nodes.js';
import type { Inventory, Loc, Policy } from '../src/model.js';

const DIR = join(import.meta.dirname, 'data', 'authorization-details');
const CLI = 'test/data/authorization-details/cli-dump.json';
const SDK = 'test/data/authorization-details/sdk-dump.json';
const BROKEN = 'test/data/authorization-details/broken-dump.json';

function read(file: string): Inventory {
  const root = parseJson(readFileSync(join(DIR, file.split('/').pop()!), 'utf8'), file);
  expect(isAuthorizationDetails(root)).toBe(true);
  return readAuthorizationDetails(root, file);
}

const at = (file: string, line: number, column: number): Loc => ({ file, line, column });

/** A policy without positions, for comparing the same documents read from different encodings. */
function shape(p: Policy | undefined) {
  if (!p) return p;
  return {
    name: p.name,
    kind: p.kind,
    arn: p.arn,
    version: p.version,
    statements: p.statements.map(({ loc: _l, conditions, principals, ...s }) => ({
      ...s,
      conditions: conditions.map(({ loc: _c, ...c }) => c),
      principals: principals?.map(({ loc: _p, ...x }) => x),
    })),
  };
}

describe('readAuthorizationDetails: AWS CLI output (documents decoded)', () => {
  const inv = read(CLI);

  it('reads roles only (users and groups ignored), with ARN ids and the role map location', () => {
    expect(inv.diagnostics).toEqual([]);
    expect(inv.roles.map((r) => [r.id, r.name, r.arn, r.source, r.loc])).toEqual([
      [
        'arn:aws:iam::111122223333:role/ecsTaskExecutionRole',
        'ecsTaskExecutionRole',
        'arn:aws:iam::111122223333:role/ecsTaskExecutionRole',
        'authorization-details',
        at(CLI, 31, 9),
      ],
      [
        'arn:aws:iam::111122223333:role/service-role/payments-task',
        'payments-task',
        'arn:aws:iam::111122223333:role/service-role/payments-task',
        'authorization-details',
        at(CLI, 91, 9),
      ],
    ]);
    expect(JSON.stringify(inv)).not.toContain('deployer');
  });

  it('reads the trust policy with positions', () => {
    const trust = inv.roles[0].trust!;
    expect(trust).toMatchObject({ name: 'ecsTaskExecutionRole', kind: 'trust', version: '2012-10-17', loc: at(CLI, 37, 41) });
    expect(trust.statements).toEqual([
      {
        sid: '',
        effect: 'Allow',
        actions: ['sts:AssumeRole'],
        principals: [{ type: 'Service', value: 'ecs-tasks.amazonaws.com', loc: at(CLI, 44, 40) }],
        conditions: [],
        loc: at(CLI, 40, 21),
        index: 0,
      },
    ]);
    const cond = inv.roles[1].trust!.statements[0].conditions;
    expect(cond).toEqual([{ operator: 'StringEquals', key: 'aws:SourceAccount', values: ['111122223333'], loc: at(CLI, 108, 33) }]);
  });

  it('reads inline policies, attachments and the boundary with the Loc of each ARN', () => {
    const role = inv.roles[0];
    expect(role.inline).toHaveLength(1);
    expect(role.inline[0]).toMatchObject({ name: 'read-db-secret', kind: 'inline', loc: at(CLI, 54, 39) });
    expect(role.inline[0].statements).toEqual([
      {
        effect: 'Allow',
        actions: ['secretsmanager:GetSecretValue'],
        resources: ['arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf'],
        conditions: [],
        loc: at(CLI, 57, 29),
        index: 0,
      },
    ]);
    expect(role.managed).toEqual([
      { arn: { value: 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy', loc: at(CLI, 69, 34) } },
      { arn: { value: 'arn:aws:iam::111122223333:policy/app-params', loc: at(CLI, 73, 34) } },
    ]);
    expect(role.boundary).toEqual({ arn: { value: 'arn:aws:iam::111122223333:policy/boundaries/ecs-boundary', loc: at(CLI, 78, 43) } });
    expect(inv.roles[1]).toMatchObject({ inline: [], managed: [] });
    expect(inv.roles[1].boundary).toBeUndefined();
  });

  it('takes only the default version of a customer managed policy', () => {
    const mp = inv.managedPolicies.find((m) => m.name === 'app-params')!;
    expect(mp.arn).toBe('arn:aws:iam::111122223333:policy/app-params');
    expect(mp.policy).toMatchObject({ name: mp.arn, kind: 'managed', arn: mp.arn, loc: at(CLI, 150, 33) });
    expect(mp.policy.statements).toEqual([
      {
        effect: 'Allow',
        actions: ['ssm:GetParameters'],
        resources: ['arn:aws:ssm:us-east-1:111122223333:parameter/app/*'],
        conditions: [],
        loc: at(CLI, 153, 29),
        index: 0,
      },
    ]);
    const boundary = inv.managedPolicies.find((m) => m.name === 'ecs-boundary')!;
    expect(boundary.arn).toBe('arn:aws:iam::111122223333:policy/boundaries/ecs-boundary');
    expect(boundary.policy.statements[0].actions).toEqual(['ecr:*', 'logs:*', 'secretsmanager:GetSecretValue', 'ssm:GetParameters']);
  });

  it('keeps AWS managed policies of the dump (they override the bundled snapshot)', () => {
    const aws = inv.managedPolicies.find((m) => m.name === 'AmazonECSTaskExecutionRolePolicy')!;
    expect(aws.arn).toBe('arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy');
    expect(aws.policy).toMatchObject({ name: 'AmazonECSTaskExecutionRolePolicy', kind: 'aws-managed', arn: aws.arn, loc: at(CLI, 228, 33) });
    expect(aws.policy.statements[0].actions).toHaveLength(6);
    expect(inv.managedPolicies.map((m) => m.name)).toEqual(['app-params', 'ecs-boundary', 'AmazonECSTaskExecutionRolePolicy']);
  });
});

describe('readAuthorizationDetails: SDK output (URL-encoded documents)', () => {
  const cli = read(CLI);
  const sdk = read(SDK);

  it('decodes every document and gives the same model as the CLI output', () => {
    expect(sdk.diagnostics).toEqual([]);
    expect(sdk.roles.map((r) => r.id)).toEqual(cli.roles.map((r) => r.id));
    sdk.roles.forEach((r, i) => {
      expect(shape(r.trust)).toEqual(shape(cli.roles[i].trust));
      expect(r.inline.map(shape)).toEqual(cli.roles[i].inline.map(shape));
      expect(r.managed.map((m) => m.arn.value)).toEqual(cli.roles[i].managed.map((m) => m.arn.value));
      expect(r.boundary?.arn.value).toEqual(cli.roles[i].boundary?.arn.value);
    });
    expect(sdk.managedPolicies.map((m) => [m.arn, m.name, shape(m.policy)])).toEqual(cli.managedPolicies.map((m) => [m.arn, m.name, shape(m.policy)]));
  });

  it('places everything of an encoded document at the string', () => {
    const role = sdk.roles[0];
    expect(role.loc).toEqual(at(SDK, 10, 5));
    expect(role.trust!.loc).toEqual(at(SDK, 16, 35));
    expect(role.trust!.statements[0].loc).toEqual(at(SDK, 16, 35));
    expect(role.trust!.statements[0].principals![0].loc).toEqual(at(SDK, 16, 35));
    expect(role.inline[0].loc).toEqual(at(SDK, 21, 29));
    // Default version v2 is the second of the list, line 83.
    const mp = sdk.managedPolicies.find((m) => m.name === 'app-params')!;
    expect(mp.policy.loc).toEqual(at(SDK, 83, 23));
    expect(mp.policy.statements[0].actions).toEqual(['ssm:GetParameters']);
  });
});

describe('readAuthorizationDetails: invalid input', () => {
  const inv = read(BROKEN);
  const messages = inv.diagnostics.map((d) => [d.rule, d.severity, d.loc.line, d.roleId ?? null, d.message]);

  it('reports a document that does not parse, and keeps the role', () => {
    const role = inv.roles.find((r) => r.name === 'truncated-trust')!;
    expect(role).toBeDefined();
    expect(role.trust).toBeUndefined();
    const d = inv.diagnostics.find((x) => x.rule === 'invalid-policy' && x.loc.line === 8)!;
    expect(d).toMatchObject({ severity: 'error', loc: at(BROKEN, 8, 35), roleId: 'arn:aws:iam::111122223333:role/truncated-trust' });
    expect(d.message).toMatch(/not valid JSON/);
  });

  it('reports grammar errors of inline documents at their place, attributed to the role', () => {
    const d = inv.diagnostics.find((x) => x.loc.line === 17)!;
    expect(d).toMatchObject({ rule: 'invalid-policy', severity: 'error', roleId: 'arn:aws:iam::111122223333:role/truncated-trust' });
    expect(d.message).toMatch(/Principal/);
  });

  it('reports entries that lack required keys', () => {
    expect(messages).toContainEqual([
      'invalid-input', 'error', 24, 'arn:aws:iam::111122223333:role/truncated-trust',
      'role truncated-trust: inline policy entry needs PolicyName and PolicyDocument',
    ]);
    expect(messages).toContainEqual([
      'invalid-input', 'error', 29, 'arn:aws:iam::111122223333:role/truncated-trust',
      'role truncated-trust: attached managed policy entry has no PolicyArn',
    ]);
    expect(messages).toContainEqual(['invalid-input', 'error', 34, null, 'role entry has no Arn: skipped']);
    expect(inv.roles.map((r) => r.name)).toEqual(['truncated-trust']);
  });

  it('reports a managed policy without a default version and skips it', () => {
    expect(messages).toContainEqual([
      'invalid-input', 'error', 41, null,
      'managed policy arn:aws:iam::111122223333:policy/no-default: no default version in PolicyVersionList; the policy cannot be analysed',
    ]);
    expect(inv.managedPolicies.map((m) => m.name)).toEqual(['AWSFutureServicePolicy']);
  });

  it('does not report the grammar of AWS managed documents (AWS fixes those, not the user)', () => {
    const aws = inv.managedPolicies[0];
    expect(aws.policy.statements[0].actions).toEqual(['futureservice:DoSomethingNew']);
    expect(inv.diagnostics.filter((d) => d.loc.line >= 53)).toEqual([]);
  });

  it('reports no exception-worthy problem as anything but a diagnostic', () => {
    expect(inv.diagnostics.every((d) => d.loc.file === BROKEN)).toBe(true);
  });
});

describe('readAuthorizationDetails: documents', () => {
  const parse = (text: string) => parseJson(text, 'dump.json');

  it('picks the version DefaultVersionId names when IsDefaultVersion is missing', () => {
    const root = parse(
      JSON.stringify({
        Policies: [
          {
            PolicyName: 'p',
            Arn: 'arn:aws:iam::111122223333:policy/p',
            DefaultVersionId: 'v2',
            PolicyVersionList: [
              { VersionId: 'v1', Document: { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' } } },
              { VersionId: 'v2', Document: { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' } } },
            ],
          },
        ],
      }),
    );
    expect(isAuthorizationDetails(root)).toBe(true);
    const inv = readAuthorizationDetails(root, 'dump.json');
    expect(inv.managedPolicies[0].policy.statements[0].actions).toEqual(['s3:ListBucket']);
  });

  it('reads an aws-cn dump (partition kept as written)', () => {
    const root = parse(
      JSON.stringify({
        RoleDetailList: [
          {
            RoleName: 'exec',
            Arn: 'arn:aws-cn:iam::111122223333:role/exec',
            AssumeRolePolicyDocument: encodeURIComponent(
              JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
            ),
            AttachedManagedPolicies: [{ PolicyArn: 'arn:aws-cn:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy' }],
          },
        ],
      }),
    );
    const inv = readAuthorizationDetails(root, 'dump.json');
    expect(inv.diagnostics).toEqual([]);
    expect(inv.roles[0].managed[0].arn.value).toBe('arn:aws-cn:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy');
    expect(inv.roles[0].trust!.statements[0].principals![0].value).toBe('ecs-tasks.amazonaws.com');
  });

  it('reports a document that is neither an object nor a string', () => {
    const root = parse('{"RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::1:role/r", "AssumeRolePolicyDocument": [1]}]}');
    const inv = readAuthorizationDetails(root, 'dump.json');
    expect(inv.roles).toHaveLength(1);
    expect(inv.diagnostics).toMatchObject([{ rule: 'invalid-input', severity: 'error', loc: { line: 1, column: 99 } }]);
  });
});

describe('isAuthorizationDetails', () => {
  const is = (v: unknown) => isAuthorizationDetails(parseJson(JSON.stringify(v), 'x.json'));
  it.each([
    [{ RoleDetailList: [] }, true],
    [{ RoleDetailList: [{ RoleName: 'r', Arn: 'arn:aws:iam::1:role/r' }] }, true],
    [{ Policies: [{ PolicyName: 'p', PolicyVersionList: [] }] }, true],
    [{ UserDetailList: [{ UserName: 'u' }], IsTruncated: false }, true],
    [{ Policies: [] }, false],
    [{ Policies: [{ PolicyName: 'p', PolicyDocument: {} }] }, false],
    [{ RoleDetailList: [{ name: 'x' }] }, false],
    [{ RoleDetailList: {} }, false],
    [{ Resources: { Role: { Type: 'AWS::IAM::Role', Properties: { Policies: [] } } } }, false],
    [{ Version: '2012-10-17', Statement: [] }, false],
    [[{ RoleDetailList: [] }], false],
  ])('%j → %s', (v, expected) => {
    expect(is(v)).toBe(expected);
  });
});
