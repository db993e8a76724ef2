// Small scenarios from domain.md's catalogue of real-world mistakes (§6) and from review: one
// execution role (as an IAM dump) and one task definition, scanned together. Each states what
// must be reported — and, as importantly, what must not.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scan } from '../src/scan.js';
import type { Finding } from '../src/report/types.js';

const ACCOUNT = '111122223333';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/app-execution`;
const IMAGE = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/app:1.0`;
const REPO = `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/app`;
const TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } }],
};
const PULL = [
  { Sid: 'Auth', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
  { Sid: 'Pull', Effect: 'Allow', Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], Resource: REPO },
];

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface Scenario {
  statements: object[];
  container?: object;
  task?: object;
  managed?: string[];
  boundary?: object;
}

function run(s: Scenario): Finding[] {
  const dir = mkdtempSync(join(tmpdir(), 'rolefit-scenario-'));
  dirs.push(dir);
  const policies = s.boundary
    ? [{ PolicyName: 'boundary', Arn: `arn:aws:iam::${ACCOUNT}:policy/boundary`, DefaultVersionId: 'v1', PolicyVersionList: [{ VersionId: 'v1', IsDefaultVersion: true, Document: s.boundary }] }]
    : [];
  const dump = {
    RoleDetailList: [
      {
        RoleName: 'app-execution',
        Arn: ROLE_ARN,
        Path: '/',
        AssumeRolePolicyDocument: TRUST,
        RolePolicyList: [{ PolicyName: 'inline', PolicyDocument: { Version: '2012-10-17', Statement: s.statements } }],
        AttachedManagedPolicies: (s.managed ?? []).map((PolicyArn) => ({ PolicyArn })),
        ...(s.boundary ? { PermissionsBoundary: { PermissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/boundary` } } : {}),
      },
    ],
    Policies: policies,
  };
  const task = {
    taskDefinitionArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/app:1`,
    family: 'app',
    executionRoleArn: ROLE_ARN,
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    containerDefinitions: [{ name: 'app', image: IMAGE, ...s.container }],
    ...s.task,
  };
  writeFileSync(join(dir, 'iam.json'), JSON.stringify(dump, null, 2));
  writeFileSync(join(dir, 'task.json'), JSON.stringify({ taskDefinition: task }, null, 2));
  const report = scan({ paths: ['.'], cwd: dir });
  expect(report.errors).toEqual([]);
  return report.findings;
}

const only = (fs: Finding[], rule: string) => fs.filter((f) => f.rule === rule).map((f) => [f.severity, f.actions]);

describe('execution-role scenarios', () => {
  it('a least-privilege role yields nothing', () => {
    expect(run({ statements: PULL })).toEqual([]);
  });

  it('a guardrail that denies requests without TLS never applies to the agent, which always uses TLS', () => {
    const guard = { Sid: 'TlsOnly', Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
    expect(run({ statements: [...PULL, guard] })).toEqual([]);
    // A guardrail that denies TLS requests (a mistake) is a denial the agent meets.
    const wrong = { ...guard, Condition: { Bool: { 'aws:SecureTransport': 'true' } } };
    expect(only(run({ statements: [...PULL, wrong] }), 'missing-permission').map(([severity]) => severity)).toContain('error');
  });

  it('M19: GetSecretValue on every secret is an error even when no task reads a secret', () => {
    const fs = run({ statements: [...PULL, { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'ssm:GetParameters'], Resource: '*' }] });
    expect(only(fs, 'excess-action')).toEqual([['error', ['secretsmanager:GetSecretValue', 'ssm:GetParameters']]]);
  });

  it('M10 with a partial reference: a full-ARN grant may be the secret, so it cannot be verified', () => {
    const fs = run({
      statements: [...PULL, { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod/db-AbCdEf` }],
      container: { secrets: [{ name: 'DB', valueFrom: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod/db` }] },
    });
    expect(only(fs, 'missing-permission')).toEqual([['note', ['secretsmanager:GetSecretValue']]]);
    expect(fs.find((f) => f.rule === 'missing-permission')?.message).toContain('random suffix');
  });

  it('M17: GetAuthorizationToken conditioned on aws:SourceVpce never works on Fargate', () => {
    const fs = run({
      statements: [
        { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*', Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-0a1b2c3d' } } },
        PULL[1],
      ],
    });
    expect(only(fs, 'missing-permission')).toEqual([['error', ['ecr:GetAuthorizationToken']]]);
    expect(fs[0].message).toContain('aws:SourceVpce');
  });

  it('a condition on aws:RequestedRegion is judged against the region the pull goes to', () => {
    const pull = (region: string) => ({ ...PULL[1], Condition: { StringEquals: { 'aws:RequestedRegion': region } } });
    expect(only(run({ statements: [PULL[0], pull('eu-west-1')] }), 'missing-permission')).toEqual([['error', ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer']]]);
    expect(only(run({ statements: [PULL[0], pull('us-east-1')] }), 'missing-permission')).toEqual([]);
  });

  it('policy variables that the session determines are substituted; ${aws:username} never matches a role session', () => {
    const withVar = { ...PULL[1], Resource: 'arn:aws:ecr:us-east-1:${aws:PrincipalAccount}:repository/app' };
    expect(run({ statements: [PULL[0], withVar] })).toEqual([]);
    const user = { ...PULL[1], Resource: 'arn:aws:ecr:us-east-1:111122223333:repository/${aws:username}' };
    expect(only(run({ statements: [PULL[0], user] }), 'missing-permission')).toEqual([['error', ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer']]]);
  });

  it('a boundary that scopes a broad grant to what is needed leaves nothing too broad', () => {
    const secret = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod/db-AbCdEf`;
    const fs = run({
      statements: [...PULL, { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' }],
      container: { secrets: [{ name: 'DB', valueFrom: secret }] },
      boundary: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ecr:*', Resource: '*' }, { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: secret }] },
    });
    expect(fs).toEqual([]);
  });

  it('M1/M7: GetSecretValue beyond the one secret and an unneeded kms:Decrypt are errors', () => {
    const secretTask = { container: { secrets: [{ name: 'DB', valueFrom: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:db-AbCdEf` }] } };
    const fs = run({ statements: [...PULL, { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'kms:Decrypt'], Resource: '*' }], ...secretTask });
    expect(only(fs, 'excess-resource')).toEqual([['error', ['secretsmanager:GetSecretValue']]]);
    expect(only(fs, 'excess-action')).toEqual([['error', ['kms:Decrypt']]]);
  });

  it('a broad data read narrowed by a condition is a warning', () => {
    const secretTask = { container: { secrets: [{ name: 'DB', valueFrom: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:db-AbCdEf` }] } };
    const narrowed = { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/app': 'app' } } };
    expect(only(run({ statements: [...PULL, narrowed], ...secretTask }), 'excess-resource')).toEqual([['warning', ['secretsmanager:GetSecretValue']]]);
  });
});

describe('privilege-escalation scenarios', () => {
  const policyFinding = (statement: object) => {
    const dir = mkdtempSync(join(tmpdir(), 'rolefit-scenario-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'policy.json'), JSON.stringify({ Version: '2012-10-17', Statement: [statement] }));
    return only(scan({ paths: ['.'], cwd: dir }).findings, 'privilege-escalation');
  };

  it('iam:PassRole or sts:AssumeRole on many roles is an error', () => {
    expect(policyFinding({ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' })).toEqual([['error', ['iam:PassRole']]]);
    expect(policyFinding({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::*:role/*' })).toEqual([['error', ['sts:AssumeRole']]]);
  });

  it('passing or assuming one named role is how they are meant to be used', () => {
    expect(policyFinding({ Effect: 'Allow', Action: ['iam:PassRole', 'sts:AssumeRole'], Resource: 'arn:aws:iam::111122223333:role/deploy' })).toEqual([]);
  });

  it('a condition such as iam:PassedToService makes it a warning; service-linked roles are not escalation', () => {
    expect(policyFinding({ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*', Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } })).toEqual([
      ['warning', ['iam:PassRole']],
    ]);
    expect(policyFinding({ Effect: 'Allow', Action: 'iam:CreateServiceLinkedRole', Resource: '*' })).toEqual([]);
  });

  it('IAM writes that change permissions are errors', () => {
    expect(policyFinding({ Effect: 'Allow', Action: ['iam:PutRolePolicy', 'iam:CreatePolicyVersion'], Resource: '*' })).toEqual([['error', ['iam:CreatePolicyVersion', 'iam:PutRolePolicy']]]);
  });
});

describe('task definitions without an execution role', () => {
  const orphan = (task: object) => {
    const dir = mkdtempSync(join(tmpdir(), 'rolefit-scenario-'));
    dirs.push(dir);
    const container = {
      name: 'w',
      image: IMAGE,
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/w', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'w' } },
    };
    writeFileSync(join(dir, 'task.json'), JSON.stringify({ family: 'w', containerDefinitions: [container], ...task }));
    return only(scan({ paths: ['.'], cwd: dir }).findings, 'missing-permission').map(([severity]) => severity);
  };

  it('Fargate: the task cannot start (error)', () => expect(orphan({ requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc' })).toEqual(['error']));
  it('launch type left open with awsvpc: only Fargate would fail (warning)', () => expect(orphan({ networkMode: 'awsvpc' })).toEqual(['warning']));
  it('EC2 only (bridge): the instance role supplies ECR and logs (nothing)', () => expect(orphan({ networkMode: 'bridge' })).toEqual([]));
});
