import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isCloudFormation, readCloudFormation } from '../src/sources/cloudformation.js';
import { parseJson, parseYaml } from '../src/sources/nodes.js';
import { token, type Inventory } from '../src/model.js';

const DATA = 'test/data/cloudformation/';

function load(name: string): { text: string; inv: Inventory; at: (needle: string, nth?: number) => { file: string; line: number; column: number } } {
  const file = DATA + name;
  const text = readFileSync(file, 'utf8');
  const root = name.endsWith('.json') ? parseJson(text, file) : parseYaml(text, file)[0];
  expect(isCloudFormation(root)).toBe(true);
  return { text, inv: readCloudFormation(root, file), at: (needle, nth = 0) => pos(text, needle, file, nth) };
}

/** Where the nth occurrence of `needle` is written (1-based line and column). */
function pos(text: string, needle: string, file: string, nth = 0): { file: string; line: number; column: number } {
  let offset = -1;
  for (let i = 0; i <= nth; i++) {
    offset = text.indexOf(needle, offset + 1);
    if (offset < 0) throw new Error(`${needle} not found`);
  }
  const before = text.slice(0, offset).split('\n');
  return { file, line: before.length, column: before[before.length - 1].length + 1 };
}

function inline(yaml: string, file = 'stack.yaml') {
  const [root] = parseYaml(yaml, file);
  return { inv: readCloudFormation(root, file), at: (needle: string, nth = 0) => pos(yaml, needle, file, nth) };
}

describe('isCloudFormation', () => {
  const yes = [
    'AWSTemplateFormatVersion: "2010-09-09"\nResources: {}',
    'Resources:\n  Topic: { Type: AWS::SNS::Topic }',
    'Resources:\n  Thing: { Type: Custom::Thing }\n  Other: { Type: Acme::Widget::Gadget }',
    'Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn: { Type: AWS::Serverless::Function }',
  ];
  const no = [
    '{"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx"}]}',
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}',
    'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: aws-auth }',
    '{"resource": {"aws_iam_role": {"r": {"name": "x"}}}}',
    'Resources:\n  Thing: { Type: Widget }\n  Topic: { Type: AWS::SNS::Topic }',
    'Resources:\n  Thing: { Kind: AWS::SNS::Topic }',
    'Resources: {}',
    '- AWSTemplateFormatVersion',
  ];
  it.each(yes)('recognises %s', (text) => expect(isCloudFormation(parseYaml(text, 'f.yaml')[0])).toBe(true));
  it.each(no)('rejects %s', (text) => expect(isCloudFormation(parseYaml(text, 'f.yaml')[0])).toBe(false));
});

describe('a YAML template with short forms (web-service.yaml)', () => {
  const { inv, at } = load('web-service.yaml');
  const F = DATA + 'web-service.yaml';
  const T = (name: string) => token(`${name}@${F}`);
  const [P, R, A] = [T('AWS::Partition'), T('AWS::Region'), T('AWS::AccountId')];
  const role = (id: string) => inv.roles.find((r) => r.id === id)!;
  const td = inv.taskDefinitions[0];
  const [web, router, agent] = td.containers;
  const secretArn = `arn:${P}:secretsmanager:${R}:${A}:secret:${T('AWS::StackName')}/db-??????`;

  it('reads clean, with nothing to report', () => {
    expect(inv.diagnostics).toEqual([]);
    expect(inv.files).toEqual([F]);
  });

  it('reads a role whose condition is false only under parameter defaults, each at its logical id', () => {
    expect(inv.roles.map((r) => [r.id, r.loc])).toEqual([
      ['ExecutionRole', at('ExecutionRole:')],
      ['TaskRole', at('TaskRole:')],
      ['DebugRole', at('DebugRole:', 1)],
    ]);
    expect(inv.roles.every((r) => r.source === 'cloudformation')).toBe(true);
  });

  it('names a role without RoleName with a token and builds its ARN with the path', () => {
    const r = role('ExecutionRole');
    expect(r.name).toBe(T('ExecutionRole.RoleName'));
    expect(r.arn).toBe(`arn:${P}:iam::${A}:role/service/${T('ExecutionRole.RoleName')}`);
    expect(role('TaskRole').name).toBe(`${T('AWS::StackName')}-web-task`);
    expect(role('TaskRole').arn).toBe(`arn:${P}:iam::${A}:role/${T('AWS::StackName')}-web-task`);
  });

  it('reads the trust policy with its resolved conditions', () => {
    const trust = role('ExecutionRole').trust!;
    expect(trust).toMatchObject({ kind: 'trust', name: 'ExecutionRole', version: '2012-10-17' });
    expect(trust.statements[0].principals).toEqual([{ type: 'Service', value: 'ecs-tasks.amazonaws.com', loc: at('ecs-tasks.amazonaws.com') }]);
    expect(trust.statements[0].conditions.map((c) => [c.operator, c.key, c.values])).toEqual([
      ['StringEquals', 'aws:SourceAccount', [A]],
      ['ArnLike', 'aws:SourceArn', [`arn:${P}:ecs:${R}:${A}:*`]],
    ]);
  });

  it('resolves the inline policy to the ARNs of the resources it names', () => {
    const [policy] = role('ExecutionRole').inline;
    expect(policy).toMatchObject({ name: 'pull-log-secrets', kind: 'inline' });
    const bySid = Object.fromEntries(policy.statements.map((s) => [s.sid, s.resources]));
    expect(bySid).toEqual({
      EcrAuth: ['*'],
      EcrPull: [`arn:${P}:ecr:${R}:${A}:repository/team/web`],
      Logs: [`arn:${P}:logs:${R}:${A}:log-group:/ecs/${T('AWS::StackName')}/web:*`],
      Secrets: [secretArn],
      Params: [inv.parameters[0].arn],
      Kms: [inv.kmsKeys[0].arn],
      EnvFile: [td.containers[0].environmentFiles[0].value.value],
    });
    expect(policy.statements.find((s) => s.sid === 'Kms')!.conditions[0].values).toEqual([`secretsmanager.${R}.amazonaws.com`]);
    expect(policy.statements.find((s) => s.sid === 'Logs')!.loc).toEqual(at('Sid: Logs'));
  });

  it('reads managed policy ARNs and the boundary with where each is written', () => {
    const task = role('TaskRole');
    const webTask = inv.managedPolicies.find((m) => m.name === 'web-task')!;
    expect(webTask.arn).toBe(`arn:${P}:iam::${A}:policy/app/web-task`);
    expect(task.managed[0]).toEqual({ arn: { value: webTask.arn, loc: at('TaskPolicy\n') } });
    // Attached only in prod, and the template does not say whether it is prod.
    expect(task.managed[1].arn.value).toMatch(/^\uE000If:IsProd#[0-9a-f]{8}@/);
    expect(task.managed).toHaveLength(2);
    const boundary = inv.managedPolicies.find((m) => m.arn === role('ExecutionRole').boundary!.arn.value)!;
    expect(boundary.name).toBe(T('Boundary.ManagedPolicyName'));
    expect(boundary.policy).toMatchObject({ kind: 'managed', name: boundary.arn, arn: boundary.arn });
    expect(role('ExecutionRole').boundary!.arn.loc).toEqual(at('Boundary\n'));
  });

  it('keeps ${!…} policy variables literal', () => {
    const webTask = inv.managedPolicies.find((m) => m.name === 'web-task')!;
    expect(webTask.policy.statements[0].resources).toEqual([`arn:${P}:s3:::\${aws:PrincipalTag/team}-uploads/*`]);
  });

  it('reads the task definition in the template deployment context', () => {
    expect(td).toMatchObject({
      id: 'TaskDefinition',
      family: 'web',
      arn: `arn:${P}:ecs:${R}:${A}:task-definition/web:${T('TaskDefinition.Revision')}`,
      source: 'cloudformation',
      loc: at('TaskDefinition:'),
      requiresCompatibilities: ['FARGATE'],
      region: R,
      account: A,
      partition: P,
    });
  });

  it('gives the execution role reference exactly the role ARN, at the GetAtt', () => {
    expect(td.executionRole).toEqual({ value: role('ExecutionRole').arn, loc: at('ExecutionRole.Arn\n') });
    // `!Ref TaskRole` is the role name.
    expect(td.taskRole).toEqual({ value: role('TaskRole').name, loc: at('TaskRole\n      Cont') });
  });

  it('reads containers: image, secrets, logging, environment files', () => {
    expect(td.containers.map((c) => c.name)).toEqual(['web', 'log-router', 'agent']);
    expect(web.loc).toEqual(at('Name: web\n'));
    expect(web.image).toEqual({ value: `${A}.dkr.ecr.${R}.${T('AWS::URLSuffix')}/team/web:1.2`, loc: at('${AWS::AccountId}.dkr') });
    expect(web.secrets).toEqual([
      { name: 'DB_PASSWORD', valueFrom: { value: `${secretArn}:password::`, loc: at("'${DbSecret}:password::'") } },
      { name: 'FEATURE_FLAG', valueFrom: { value: '/web/feature-flag', loc: at('FeatureFlag\n') } },
    ]);
    expect(web.logDriver).toEqual({ value: 'awslogs', loc: at('awslogs\n') });
    expect(web.logOptions).toEqual({
      'awslogs-group': { value: `/ecs/${T('AWS::StackName')}/web`, loc: at('LogGroup\n              awslogs-region') },
      'awslogs-region': { value: R, loc: at('AWS::Region\n              awslogs-stream-prefix') },
      'awslogs-stream-prefix': { value: 'web', loc: at('web\n              awslogs-create-group') },
      'awslogs-create-group': { value: 'true', loc: at("'true'\n") },
    });
    expect(web.environmentFiles).toEqual([
      // A block-list !Sub is placed at its first item (where the YAML parser puts the list).
      { type: 's3', value: { value: expect.stringMatching(new RegExp(`^arn:${P}:s3:::\\uE000FindInMap:Config/\\$\\{AWS::Region\\}/Bucket@`)), loc: at('- arn:${AWS::Partition}:s3:::${Bucket}', 1) } },
    ]);
  });

  it('reads FireLens, log secret options and private registry credentials', () => {
    expect(router.firelens).toEqual({ type: 'fluentbit', options: { 'enable-ecs-log-metadata': { value: 'true', loc: at("'true'\n", 1) } } });
    expect(router.logDriver?.value).toBe('awsfirelens');
    expect(router.logOptions.Name.value).toBe('cloudwatch_logs');
    expect(router.logSecretOptions).toEqual([{ name: 'apikey', valueFrom: { value: `arn:${P}:ssm:${R}:${A}:parameter/web/apikey`, loc: at('arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/web/apikey') } }]);
    expect(agent.credentialsParameter?.value).toBe(secretArn);
    expect(agent.secrets).toEqual([]);
    expect(td.fsxCredentials.map((v) => v.value)).toEqual([secretArn]);
  });

  it('ties the log group name of the task to the ARN the role is granted', () => {
    const logs = role('ExecutionRole').inline[0].statements.find((s) => s.sid === 'Logs')!;
    expect(logs.resources![0]).toBe(`arn:${P}:logs:${R}:${A}:log-group:${web.logOptions['awslogs-group'].value}:*`);
  });

  it('reads the secret, parameter, key and alias', () => {
    expect(inv.secrets).toEqual([{ arn: secretArn, name: `${T('AWS::StackName')}/db`, kmsKeyId: T('SecretsKey.KeyId'), loc: at('DbSecret:') }]);
    expect(inv.parameters).toEqual([{ arn: `arn:${P}:ssm:${R}:${A}:parameter/web/feature-flag`, name: '/web/feature-flag', loc: at('FeatureFlag:') }]);
    expect(inv.kmsKeys).toEqual([
      {
        arn: `arn:${P}:kms:${R}:${A}:key/${T('SecretsKey.KeyId')}`,
        aliases: [T('SecretsKey.KeyId'), 'alias/web-secrets', `arn:${P}:kms:${R}:${A}:alias/web-secrets`],
        loc: at('SecretsKey:'),
      },
    ]);
    // The secret's KmsKeyId (`!Ref SecretsKey`) names that key.
    expect(inv.kmsKeys[0].aliases).toContain(inv.secrets[0].kmsKeyId);
  });
});

describe('a JSON template with long forms and separate policy resources (worker.json)', () => {
  const { inv, at } = load('worker.json');
  const F = DATA + 'worker.json';
  const T = (name: string) => token(`${name}@${F}`);
  const [P, R, A] = [T('AWS::Partition'), T('AWS::Region'), T('AWS::AccountId')];
  const [role] = inv.roles;
  const td = inv.taskDefinitions[0];

  it('reads clean', () => {
    expect(inv.diagnostics).toEqual([]);
  });

  it('reads a 2008-10-17 trust policy written as a JSON string, placed at the string', () => {
    expect(role.trust).toMatchObject({ kind: 'trust', version: '2008-10-17', loc: at('"{\\"Version') });
    expect(role.trust!.statements[0].principals![0].value).toBe('ecs-tasks.amazonaws.com');
    expect(role.trust!.statements[0].actions).toEqual(['sts:AssumeRole']);
  });

  it('names the role from a parameter without default', () => {
    expect(role.name).toBe(`${T('Param:ClusterName')}-worker-exec`);
    expect(role.arn).toBe(`arn:${P}:iam::${A}:role/${T('Param:ClusterName')}-worker-exec`);
    expect(role.managed).toEqual([{ arn: { value: `arn:${P}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy`, loc: at('{ "Fn::Join": ["", ["arn:"') } }]);
  });

  it('attaches AWS::IAM::Policy, AWS::IAM::RolePolicy and AWS::IAM::ManagedPolicy to the role by name', () => {
    expect(inv.attachments.map((a) => [a.role.value, a.role.loc, a.policy?.name, a.managedArn?.value])).toEqual([
      [role.name, at('{ "Ref": "WorkerExecutionRole" }'), 'worker-secrets', undefined],
      [role.name, at('{ "Ref": "WorkerExecutionRole" }', 1), 'worker-logs', undefined],
      [role.name, at('{ "Ref": "WorkerExecutionRole" }', 2), undefined, inv.managedPolicies[0].arn],
    ]);
    expect(inv.managedPolicies[0].arn).toBe(`arn:${P}:iam::${A}:policy/${T('WorkerSharedPolicy.ManagedPolicyName')}`);
    expect(inv.managedPolicies[0].policy.statements[0].resources).toEqual([`arn:${P}:ssm:${R}:${A}:parameter/worker/*`]);
  });

  it('gives the same token to the same import in the policy and in the task definition', () => {
    const imported = T('Import:net-QueueSecretArn');
    expect(inv.attachments[0].policy!.statements[0].resources).toEqual([imported]);
    expect(td.containers[0].secrets[0].valueFrom.value).toBe(imported);
  });

  it('reads a task definition without Family: the ARN holds tokens', () => {
    expect(td.family).toBeUndefined();
    expect(td.arn).toBe(`arn:${P}:ecs:${R}:${A}:task-definition/${T('WorkerTask.Family')}:${T('WorkerTask.Revision')}`);
    expect(td.executionRole).toEqual({ value: role.arn, loc: at('{ "Fn::GetAtt": ["WorkerExecutionRole", "Arn"] }') });
    expect(td.taskRole).toBeUndefined();
    expect(td.requiresCompatibilities).toEqual(['EC2']);
    expect(td.containers[0].image?.value).toBe(T('Param:WorkerImage'));
    expect(td.containers[0].logOptions['awslogs-stream-prefix'].value).toBe('worker');
  });

  it('ties the generated log group name of the task to the ARN the role policy grants', () => {
    const group = td.containers[0].logOptions['awslogs-group'].value;
    expect(group).toBe(T('WorkerLogs.LogGroupName'));
    expect(inv.attachments[1].policy!.statements[0].resources).toEqual([`arn:${P}:logs:${R}:${A}:log-group:${group}:*`]);
  });
});

describe('diagnostics', () => {
  it('reports an unknown intrinsic and a missing logical id at their lines, sorted by place', () => {
    const yaml = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { Service: ecs-tasks.amazonaws.com }
            Action: sts:AssumeRole
      Policies:
        - PolicyName: p
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: Allow
                Action: s3:GetObject
                Resource:
                  Fn::Sub3: 'arn:aws:s3:::b/*'
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ExecutionRoleArn: !GetAtt ExecRole.Arn
      ContainerDefinitions:
        - Name: app
          Image: nginx
`;
    const { inv, at } = inline(yaml);
    expect(inv.diagnostics.map((d) => [d.rule, d.severity, d.loc])).toEqual([
      ['invalid-input', 'error', at('Fn::Sub3')],
      ['invalid-input', 'error', at('ExecRole.Arn')],
    ]);
    expect(inv.diagnostics[0].message).toContain('unknown intrinsic function "Fn::Sub3" (known: Ref, Fn::Base64');
    expect(inv.diagnostics[1].message).toBe('Fn::GetAtt ExecRole.Arn: no resource of that name in this template');
    // Both are still read, with unknown values in place of the unresolved ones.
    expect(inv.roles[0].inline[0].statements[0].resources![0]).toMatch(/^\uE000Fn::Sub3#/);
    expect(inv.taskDefinitions[0].executionRole?.value).toBe(token('ExecRole.Arn@stack.yaml'));
  });

  it('reports a role whose own policy refers to it, and still reads the role', () => {
    const { inv, at } = inline(`Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: exec
      AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: Allow, Principal: { Service: ecs-tasks.amazonaws.com }, Action: sts:AssumeRole }] }
      Policies:
        - PolicyName: pass-self
          PolicyDocument:
            Version: '2012-10-17'
            Statement: [{ Effect: Allow, Action: iam:PassRole, Resource: !GetAtt Role.Arn }]
`);
    expect(inv.diagnostics).toEqual([
      { rule: 'invalid-input', severity: 'error', message: 'circular reference: Role → Role (CloudFormation rejects the template)', loc: at('Role.Arn') },
    ]);
    expect(inv.roles[0].arn).toBe(`arn:${token('AWS::Partition@stack.yaml')}:iam::${token('AWS::AccountId@stack.yaml')}:role/exec`);
    expect(inv.roles[0].inline[0].statements[0].resources).toEqual([token('Role.Arn@stack.yaml')]);
  });

  it('passes on policy diagnostics with the role they concern, and reports a missing document', () => {
    const { inv, at } = inline(`Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      Policies:
        - PolicyName: bad
          PolicyDocument:
            Version: '2012-10-17'
            Statement: [{ Effect: Permit, Action: s3:GetObject, Resource: '*' }]
`);
    expect(inv.diagnostics.map((d) => [d.rule, d.severity, d.roleId, d.loc])).toEqual([
      ['invalid-policy', 'error', 'Role', at('Role:')],
      ['invalid-policy', 'error', 'Role', at('Permit')],
    ]);
    expect(inv.diagnostics[0].message).toBe('trust policy Role has no policy document');
    expect(inv.roles[0].trust).toBeUndefined();
  });

  it('notes that transformed content is not expanded, and reads the plain resources', () => {
    const { inv, at } = inline(`Transform: [AWS::Serverless-2016-10-31]
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: { Handler: index.handler, Runtime: nodejs20.x, Policies: [AmazonS3FullAccess] }
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: plain
      AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: Allow, Principal: { Service: ecs-tasks.amazonaws.com }, Action: sts:AssumeRole }] }
`);
    expect(inv.diagnostics).toEqual([
      {
        rule: 'unresolved-reference',
        severity: 'note',
        message: 'template uses Transform AWS::Serverless-2016-10-31: resources the transform generates are not expanded; only the plain resources are read',
        loc: at('Transform'),
      },
    ]);
    expect(inv.roles.map((r) => r.name)).toEqual(['plain']);
  });
});

describe('edge cases', () => {
  it('keeps a resource whose condition is undetermined', () => {
    const { inv } = inline(`Parameters:
  Env: { Type: String }
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Key:
    Type: AWS::KMS::Key
    Condition: IsProd
`);
    expect(inv.kmsKeys).toHaveLength(1);
  });

  it('reads managed policy ARNs given as a list parameter', () => {
    const { inv } = inline(`Parameters:
  Extra: { Type: CommaDelimitedList, Default: 'arn:aws:iam::aws:policy/A,arn:aws:iam::aws:policy/B' }
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: r
      AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: Allow, Principal: { Service: ecs-tasks.amazonaws.com }, Action: sts:AssumeRole }] }
      ManagedPolicyArns: !Ref Extra
`);
    expect(inv.roles[0].managed.map((m) => m.arn.value)).toEqual(['arn:aws:iam::aws:policy/A', 'arn:aws:iam::aws:policy/B']);
  });

  it('ignores a policy attached only to users', () => {
    const { inv } = inline(`Resources:
  P:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: users
      Users: [alice]
      PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: Allow, Action: 's3:*', Resource: '*' }] }
`);
    expect(inv.attachments).toEqual([]);
    expect(inv.diagnostics).toEqual([]);
  });

  it('gives unnamed parameters and secrets generated names', () => {
    const { inv } = inline(`Resources:
  Param: { Type: AWS::SSM::Parameter, Properties: { Type: String, Value: x } }
  Secret: { Type: AWS::SecretsManager::Secret }
`);
    const T = (n: string) => token(`${n}@stack.yaml`);
    expect(inv.parameters[0]).toMatchObject({ name: T('Param.Name'), arn: `arn:${T('AWS::Partition')}:ssm:${T('AWS::Region')}:${T('AWS::AccountId')}:parameter/${T('Param.Name')}` });
    expect(inv.secrets[0].name).toBeUndefined();
    expect(inv.secrets[0].kmsKeyId).toBeUndefined();
    expect(inv.secrets[0].arn).toContain(`secret:${T('Secret.Name')}-??????`);
  });

  it('records aliases of keys defined outside the template by literal id or ARN only', () => {
    const { inv, at } = inline(`Parameters:
  KeyArn: { Type: String }
Resources:
  ById: { Type: AWS::KMS::Alias, Properties: { AliasName: alias/a, TargetKeyId: 1234abcd-12ab-34cd-56ef-1234567890ab } }
  ByArn: { Type: AWS::KMS::Alias, Properties: { AliasName: alias/b, TargetKeyId: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' } }
  ByParam: { Type: AWS::KMS::Alias, Properties: { AliasName: alias/c, TargetKeyId: !Ref KeyArn } }
`);
    const T = (n: string) => token(`${n}@stack.yaml`);
    const [P, R, A] = [T('AWS::Partition'), T('AWS::Region'), T('AWS::AccountId')];
    expect(inv.kmsKeys).toEqual([
      {
        arn: `arn:${P}:kms:${R}:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
        aliases: ['1234abcd-12ab-34cd-56ef-1234567890ab', 'alias/a', `arn:${P}:kms:${R}:${A}:alias/a`],
        loc: at('ById'),
      },
      {
        arn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        aliases: ['alias/b', `arn:${P}:kms:${R}:${A}:alias/b`],
        loc: at('ByArn'),
      },
    ]);
  });

  it('reads a RolePolicy and an alias declared before its key', () => {
    const { inv } = inline(`Resources:
  Alias: { Type: AWS::KMS::Alias, Properties: { AliasName: alias/k, TargetKeyId: !GetAtt Key.Arn } }
  Key: { Type: AWS::KMS::Key }
  RP:
    Type: AWS::IAM::RolePolicy
    Properties:
      RoleName: exec
      PolicyName: rp
      PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: Allow, Action: 'kms:Decrypt', Resource: !GetAtt Key.Arn }] }
`);
    expect(inv.kmsKeys).toHaveLength(1);
    expect(inv.kmsKeys[0].aliases).toContain('alias/k');
    expect(inv.attachments).toEqual([{ role: expect.objectContaining({ value: 'exec' }), policy: expect.objectContaining({ name: 'rp', kind: 'inline' }) }]);
    expect(inv.attachments[0].policy!.statements[0].resources).toEqual([inv.kmsKeys[0].arn]);
  });
});

describe('task definition launch-type fields and pull-through cache rules', () => {
  const T = (n: string) => token(`${n}@stack.yaml`);

  it('reads NetworkMode (no compatibilities in CloudFormation)', () => {
    const { inv } = inline(`Resources:
  Bridge: { Type: AWS::ECS::TaskDefinition, Properties: { NetworkMode: bridge, ContainerDefinitions: [{ Name: a, Image: nginx }] } }
  Unknown: { Type: AWS::ECS::TaskDefinition, Properties: { NetworkMode: !Ref Mode, ContainerDefinitions: [{ Name: a, Image: nginx }] } }
  None: { Type: AWS::ECS::TaskDefinition, Properties: { ContainerDefinitions: [{ Name: a, Image: nginx }] } }
Parameters:
  Mode: { Type: String }
`);
    expect(inv.taskDefinitions.map((t) => t.networkMode)).toEqual(['bridge', T('Param:Mode'), undefined]);
    expect(inv.taskDefinitions.every((t) => t.compatibilities === undefined)).toBe(true);
  });

  it('reads AWS::ECR::PullThroughCacheRule into the stack’s own registry', () => {
    const { inv, at } = inline(`Parameters:
  Prefix: { Type: String }
Resources:
  DockerHub: { Type: AWS::ECR::PullThroughCacheRule, Properties: { EcrRepositoryPrefix: docker-hub, UpstreamRegistryUrl: registry-1.docker.io } }
  Open: { Type: AWS::ECR::PullThroughCacheRule, Properties: { EcrRepositoryPrefix: !Ref Prefix, UpstreamRegistryUrl: public.ecr.aws } }
  NoPrefix: { Type: AWS::ECR::PullThroughCacheRule, Properties: { UpstreamRegistryUrl: quay.io } }
`);
    expect(inv.pullThroughCacheRules).toEqual([
      { prefix: 'docker-hub', account: T('AWS::AccountId'), region: T('AWS::Region'), loc: at('DockerHub') },
      { prefix: T('Param:Prefix'), account: T('AWS::AccountId'), region: T('AWS::Region'), loc: at('Open') },
    ]);
    expect(inv.diagnostics).toEqual([]);
  });
});

describe('container definitions written with the ECS API’s camelCase keys', () => {
  const yaml = `Resources:
  TD:
    Type: AWS::ECS::TaskDefinition
    Properties:
      requiresCompatibilities: [FARGATE]
      NetworkMode: awsvpc
      ContainerDefinitions:
        - name: web
          image: 111122223333.dkr.ecr.us-east-1.amazonaws.com/app:1
          portMappings: [{ containerPort: 80 }]
          DockerLabels: { app.kind: web }
          secrets:
            - { name: DB, valueFrom: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf' }
          LogConfiguration:
            logDriver: awslogs
            options: { awslogs-group: /ecs/app, awslogs-region: us-east-1, awslogs-stream-prefix: web }
`;
  const { inv, at } = inline(yaml);

  it('reports each miscased property at its key', () => {
    const errors = inv.diagnostics.map((d) => [d.rule, d.severity, d.message, d.loc]);
    const e = (right: string, wrong: string, loc: ReturnType<typeof at>) => [
      'invalid-input',
      'error',
      `CloudFormation property names are PascalCase: ${right}, not ${wrong}`,
      loc,
    ];
    expect(errors).toEqual([
      e('RequiresCompatibilities', 'requiresCompatibilities', at('requiresCompatibilities')),
      e('Name', 'name', at('name: web')),
      e('Image', 'image', at('image:')),
      e('PortMappings', 'portMappings', at('portMappings')),
      e('Secrets', 'secrets', at('secrets:')),
      e('Name', 'name', at('name: DB')),
      e('ValueFrom', 'valueFrom', at('valueFrom')),
      e('LogDriver', 'logDriver', at('logDriver')),
      e('Options', 'options', at('options')),
    ]);
  });

  it('still reads them, so the analysis sees the intended needs', () => {
    const [c] = inv.taskDefinitions[0].containers;
    expect(inv.taskDefinitions[0].requiresCompatibilities).toEqual(['FARGATE']);
    expect(c.name).toBe('web');
    expect(c.image?.value).toBe('111122223333.dkr.ecr.us-east-1.amazonaws.com/app:1');
    expect(c.secrets).toEqual([{ name: 'DB', valueFrom: expect.objectContaining({ value: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf' }) }]);
    expect(c.logDriver?.value).toBe('awslogs');
    expect(Object.keys(c.logOptions)).toEqual(['awslogs-group', 'awslogs-region', 'awslogs-stream-prefix']);
  });

  it('PascalCase templates and free-form keys (options, labels) are not reported', () => {
    expect(load('web-service.yaml').inv.diagnostics).toEqual([]);
    const { inv: ok } = inline(`Resources:
  TD:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: web
          Image: nginx
          DockerLabels: { com.example.team: web }
          Environment: [{ Name: lower, Value: x }]
          LogConfiguration: { LogDriver: awsfirelens, Options: { Name: cloudwatch_logs, region: us-east-1, log_group_name: /x } }
          FirelensConfiguration: { Type: fluentbit, Options: { enable-ecs-log-metadata: 'true' } }
`);
    expect(ok.diagnostics).toEqual([]);
    expect(ok.taskDefinitions[0].containers[0].logOptions.region?.value).toBe('us-east-1');
  });
});

describe('ExecutionRoleArn given as a role name', () => {
  const template = (executionRoleArn: string, roleName = '') => `Parameters:
  RoleParam: { Type: String }
  NamedParam: { Type: String, Default: ecsTaskExecutionRole }
Resources:
  ExecRole:
    Type: AWS::IAM::Role
    Properties:
      ${roleName ? `RoleName: ${roleName}` : 'Path: /'}
      AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: Allow, Principal: { Service: ecs-tasks.amazonaws.com }, Action: sts:AssumeRole }] }
  TD:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ExecutionRoleArn: ${executionRoleArn}
      TaskRoleArn: !Ref ExecRole
      ContainerDefinitions: [{ Name: a, Image: nginx }]
`;

  it('!Ref of a role with a generated name: a warning at the value naming !GetAtt', () => {
    const { inv, at } = inline(template('!Ref ExecRole'));
    expect(inv.diagnostics).toEqual([
      {
        rule: 'invalid-input',
        severity: 'note',
        message: 'ExecutionRoleArn is documented to take a role ARN; !Ref of an AWS::IAM::Role gives its name (${ExecRole.RoleName}), which ECS completes in practice — !GetAtt ExecRole.Arn is the documented form',
        // The value, after its tag.
        loc: { ...at('!Ref ExecRole'), column: at('!Ref ExecRole').column + '!Ref '.length },
      },
    ]);
    // Still the role reference the linker resolves.
    expect(inv.taskDefinitions[0].executionRole?.value).toBe(token('ExecRole.RoleName@stack.yaml'));
  });

  it('!Ref of a role with a RoleName, and a literal name', () => {
    expect(inline(template('!Ref ExecRole', 'exec')).inv.diagnostics.map((d) => d.message)).toEqual([
      'ExecutionRoleArn is documented to take a role ARN; !Ref of an AWS::IAM::Role gives its name (exec), which ECS completes in practice — !GetAtt ExecRole.Arn is the documented form',
    ]);
    expect(inline(template('ecsTaskExecutionRole')).inv.diagnostics.map((d) => d.severity)).toEqual(['note']);
    expect(inline(template('!Ref NamedParam')).inv.diagnostics.map((d) => d.severity)).toEqual(['note']);
  });

  it.each(['!GetAtt ExecRole.Arn', '!Ref RoleParam', '!ImportValue shared-exec-role', "!Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/exec'", "!Sub '${AWS::StackName}-exec'"])(
    '%s is not judged a name',
    (value) => expect(inline(template(value)).inv.diagnostics).toEqual([]),
  );
});

describe('messages show tokens as ${name}', () => {
  it('a managed policy without a document', () => {
    const { inv } = inline(`Resources:
  MP: { Type: AWS::IAM::ManagedPolicy, Properties: { Roles: [r] } }
`);
    expect(inv.diagnostics.map((d) => d.message)).toEqual(['managed policy arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/${MP.ManagedPolicyName} has no policy document']);
  });
});

describe('the public corpus', () => {
  const dir = '../shared/data/corpus/cloudformation/';
  it.skipIf(!existsSync(dir))('reads every CloudFormation template there without resolution errors', () => {
    let read = 0;
    const found: string[] = [];
    for (const name of readdirSync(dir)) {
      const text = readFileSync(dir + name, 'utf8');
      let docs;
      try {
        docs = text.trimStart().startsWith('{') ? [parseJson(text, name)] : parseYaml(text, name);
      } catch {
        continue; // a few corpus files are broken on purpose
      }
      for (const doc of docs) {
        if (!isCloudFormation(doc)) continue;
        const inv = readCloudFormation(doc, name);
        read++;
        const lines = text.split('\n');
        for (const d of inv.diagnostics) {
          if (d.rule !== 'unresolved-reference' && d.rule !== 'invalid-input') continue;
          // Many AWS samples write `ExecutionRoleArn: !Ref Role`: a warning, at that line.
          if (d.severity === 'note' && d.message.startsWith('ExecutionRoleArn is documented to take a role ARN')) {
            expect(lines[d.loc.line - 1], name).toMatch(/ExecutionRoleArn:\s*!Ref /);
            continue;
          }
          found.push(`${name.replace(/^.*__/, '')}:${d.loc.line} ${d.message}`);
        }
      }
    }
    expect(read).toBeGreaterThan(70);
    // The one real mistake: a sample copied the ECS API's camelCase keys into a template.
    const pascal = (line: number, right: string, wrong: string) =>
      `redis-traffic-sample.yaml:${line} CloudFormation property names are PascalCase: ${right}, not ${wrong}`;
    expect(found).toEqual([
      pascal(64, 'PortMappings', 'portMappings'),
      pascal(67, 'DockerLabels', 'dockerLabels'),
      pascal(72, 'LogDriver', 'logDriver'),
      pascal(73, 'Options', 'options'),
      pascal(82, 'PortMappings', 'portMappings'),
      pascal(85, 'DockerLabels', 'dockerLabels'),
      pascal(93, 'LogDriver', 'logDriver'),
      pascal(94, 'Options', 'options'),
      pascal(99, 'RequiresCompatibilities', 'requiresCompatibilities'),
    ]);
  });
});
