// `rolefit fix`: the replacement it prints and writes. The proof that matters is a new scan of the
// fixed files: no excess and no missing permission left on the fixed roles. Around it: untouched
// parts of a template stay byte for byte, tokens come back as CloudFormation, a second run changes
// nothing, and whatever is uncertain is printed but never written.
import { describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Node as YamlNode, type Pair } from 'yaml';
import { runFix, verify } from '../src/fix/command.js';
import { scan } from '../src/scan.js';
import { cfnString, TokenError, type TemplateNames } from '../src/fix/cfn-value.js';
import { dataSourceName, hclString, policyDocumentHcl } from '../src/fix/terraform.js';
import { planFixes, type RoleFix } from '../src/fix/plan.js';
import { policyFileOf, policyFileProblem, rewritePolicyFile } from '../src/fix/policy-file.js';
import { emptyInventory, token, type Inventory } from '../src/model.js';
import { link } from '../src/link/roles.js';
import { analyze } from '../src/analyze.js';
import { RULES } from '../src/rules/index.js';
import { yamlOptions } from '../src/sources/nodes.js';
import { main } from '../src/cli.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures');

function copyFixture(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `rolefit-fix-${name}-`));
  cpSync(join(fixtures, name), dir, { recursive: true });
  return dir;
}

function fix(dir: string, write: boolean) {
  let stdout = '';
  let stderr = '';
  const code = runFix({ paths: ['.'], write, cwd: dir }, { write: (s: string) => (stdout += s) }, { write: (s: string) => (stderr += s) });
  return { code, stdout, stderr };
}

const FIXED = ['excess-action', 'excess-resource', 'missing-permission'];

function leftOver(dir: string) {
  return scan({ paths: ['.'], cwd: dir }).findings.filter((f) => FIXED.includes(f.rule) && f.severity !== 'note');
}

/** The text of each entry of the map at `path` (a YAML or JSON file), by key. */
function entries(text: string, path: string[]): Map<string, string> {
  const doc = parseDocument(text, yamlOptions(new LineCounter()));
  let n: unknown = doc.contents;
  for (const k of path) n = isMap(n) ? (n.items as Array<Pair<YamlNode, YamlNode>>).find((p) => isScalar(p.key) && p.key.value === k)?.value : undefined;
  const out = new Map<string, string>();
  if (!isMap(n)) return out;
  for (const p of n.items) {
    if (!isPair(p) || !isScalar(p.key)) continue;
    const key = p.key as YamlNode;
    const value = p.value as YamlNode;
    out.set(String((p.key as { value: unknown }).value), text.slice(key.range![0], value.range![1]));
  }
  return out;
}

describe('rolefit fix --write over golden fixtures', () => {
  const cases = [
    { name: 'ecs-broad-cfn', file: 'worker.yaml', roles: ['ExecutionRole'], touched: ['ExecutionRoleDefaultPolicy'] },
    { name: 'ecs-managed-policies-cfn', file: 'stack.json', roles: ['WorkerExecutionRole'], touched: ['WorkerExecutionRole'] },
    { name: 'ecs-fix-inline-cfn', file: 'orders.yaml', roles: ['ApiExecutionRole', 'WorkerExecutionRole'], touched: ['ApiExecutionRole', 'WorkerExecutionRole'] },
  ];
  for (const c of cases) {
    it(`${c.name}: a new scan reports no excess and no missing permission`, () => {
      const dir = copyFixture(c.name);
      expect(leftOver(dir).length).toBeGreaterThan(0);
      const before = readFileSync(join(dir, c.file), 'utf8');
      const r = fix(dir, true);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1);
      expect(r.stdout.match(new RegExp(`^role \\S+ \\(${c.file}:\\d+:\\d+, execution-role\\)`, 'gm'))).toHaveLength(c.roles.length);
      expect(r.stdout).toContain(`written: ${c.file}`);
      const after = readFileSync(join(dir, c.file), 'utf8');
      expect(after).not.toBe(before);
      expect(leftOver(dir)).toEqual([]);
      const report = scan({ paths: ['.'], cwd: dir });
      expect(report.errors).toEqual([]);
      expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);

      // Everything outside the fixed roles and their policies is byte for byte what it was.
      const [beforeRes, afterRes] = [entries(before, ['Resources']), entries(after, ['Resources'])];
      expect(beforeRes.size).toBeGreaterThan(1);
      for (const [id, text] of beforeRes) if (!c.touched.includes(id)) expect(afterRes.get(id), id).toBe(text);
      expect([...afterRes.keys()]).toEqual([...beforeRes.keys()]);
      for (const [key, text] of entries(before, [])) if (key !== 'Resources') expect(entries(after, []).get(key)).toBe(text);
      expect(after.slice(0, before.indexOf('Resources'))).toBe(before.slice(0, before.indexOf('Resources')));
      // In the roles, the trust policy and the other properties too.
      for (const role of c.roles) {
        const [b, a] = [entries(before, ['Resources', role, 'Properties']), entries(after, ['Resources', role, 'Properties'])];
        for (const [key, text] of b) if (key !== 'Policies' && key !== 'ManagedPolicyArns') expect(a.get(key), `${role}.${key}`).toBe(text);
      }

      // Idempotent: a second run finds nothing to fix and leaves the file alone.
      const again = fix(dir, true);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('nothing to fix');
      expect(readFileSync(join(dir, c.file), 'utf8')).toBe(after);
    });
  }

  it('keeps comments, short-form tags and flow lists of the YAML template where they are not replaced', () => {
    const dir = copyFixture('ecs-fix-inline-cfn');
    const before = readFileSync(join(dir, 'orders.yaml'), 'utf8');
    fix(dir, true);
    const after = readFileSync(join(dir, 'orders.yaml'), 'utf8');
    for (const line of before.split('\n').filter((l) => /^\s*#/.test(l))) expect(after).toContain(line + '\n');
    // The Deny guardrail stays attached; the AWS managed policy it was listed with goes.
    expect(after).toContain('      ManagedPolicyArns: [!Ref NoSecretDeletion]\n');
    expect(after).toContain('StringEquals: { "aws:SourceAccount": !Ref "AWS::AccountId" }');
    expect(after).toContain('      Tags:\n        - Key: team\n          Value: orders\n');
    // Tokens come back as the template's own parameters and pseudo parameters.
    expect(after).toContain(
      'Resource: !Sub "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:orders/${Environment}/database-??????"',
    );
    expect(after).toContain('log-group:/ecs/orders-${Environment}:log-stream:api/api/*"');
  });

  it('without --write prints the snippet and changes nothing', () => {
    const dir = copyFixture('ecs-broad-cfn');
    const before = readFileSync(join(dir, 'worker.yaml'), 'utf8');
    const r = fix(dir, false);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('replaces: inline policy ExecutionRoleDefaultPolicy (worker.yaml:37)');
    expect(r.stdout).toContain('    ExecutionRoleDefaultPolicy:\n      Properties:\n        PolicyDocument:\n');
    expect(r.stdout).toContain('!Sub "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/image-resizer/max-width"');
    expect(r.stdout).toContain('writable: worker.yaml (use --write)');
    expect(readFileSync(join(dir, 'worker.yaml'), 'utf8')).toBe(before);
  });
});

describe('rolefit fix: what it does not write', () => {
  it('prints IAM JSON for an IAM dump, with the trust advice, and writes nothing', () => {
    const dir = copyFixture('ecs-taskdef-iam-dump');
    const before = readFileSync(join(dir, 'iam-authorization-details.json'), 'utf8');
    const r = fix(dir, true);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('"Sid": "LogGroup"');
    // ec2.amazonaws.com may assume the role too: what it uses the role for is not derivable.
    expect(r.stdout).toContain('the trust policy admits other principals than the agent (see trust-principal)');
    expect(r.stdout).toContain('suggested: add to the statement that admits the service: "Condition": {"StringEquals": {"aws:SourceAccount": "444455556666"}}');
    expect(readFileSync(join(dir, 'iam-authorization-details.json'), 'utf8')).toBe(before);
  });

  it('says why a role whose needs are uncertain is not fixed', () => {
    const dir = copyFixture('ecs-invalid-task-definition');
    const r = fix(dir, true);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/not fixed:\n {4}- what the role needs is uncertain: container "sender" secret SMTP_PASSWORD/);
  });

  it('does not write when the permissions boundary or a kept Deny blocks a need', () => {
    const dir = copyFixture('ecs-boundary-deny-dump');
    const r = fix(dir, true);
    expect(r.stdout).toContain('cannot be fixed in the identity policy: the permissions boundary does not allow it');
    expect(r.stdout).toContain('review before applying (not written)');
  });

  it('refuses a token the template cannot express again, and leaves the file alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rolefit-fix-import-'));
    const template = readFileSync(join(fixtures, 'ecs-broad-cfn', 'worker.yaml'), 'utf8').replace(
      'awslogs-group: !Ref ResizerLogs',
      'awslogs-group: !ImportValue shared-log-group',
    );
    writeFileSync(join(dir, 'worker.yaml'), template);
    const r = fix(dir, true);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('the policy cannot be written as CloudFormation: ${Import:shared-log-group}');
    expect(r.stdout).toContain('"Resource": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Import:shared-log-group}:log-stream:resizer/resizer/*"');
    expect(readFileSync(join(dir, 'worker.yaml'), 'utf8')).toBe(template);
  });

  it('does not pin a parameter to its default, nor drop the conditions of replaced statements', () => {
    const dir = copyFixture('ecs-broad-cfn');
    const template = readFileSync(join(dir, 'worker.yaml'), 'utf8')
      .replace('Resources:\n', 'Parameters:\n  LogGroup:\n    Type: String\n    Default: /ecs/image-resizer\n\nResources:\n')
      .replace('awslogs-group: !Ref ResizerLogs', 'awslogs-group: !Ref LogGroup')
      .replace(
        'Resource: !Sub arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:*',
        'Resource: !Sub arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:*\n            Condition: { StringEquals: { "aws:ResourceTag/app": image-resizer } }',
      );
    writeFileSync(join(dir, 'worker.yaml'), template);
    const r = fix(dir, true);
    expect(r.stdout).toContain('the policy contains "/ecs/image-resizer", the default of parameter LogGroup: write ${LogGroup} where the template means the parameter');
    expect(r.stdout).toContain('grant needed actions only under conditions the suggested policy does not carry over (aws:ResourceTag/app)');
    expect(readFileSync(join(dir, 'worker.yaml'), 'utf8')).toBe(template);
  });

  it('does not write a role the template gives to other stacks', () => {
    const dir = copyFixture('ecs-broad-cfn');
    const template = readFileSync(join(dir, 'worker.yaml'), 'utf8') + '\nOutputs:\n  ExecutionRoleArn:\n    Value: !GetAtt ExecutionRole.Arn\n';
    writeFileSync(join(dir, 'worker.yaml'), template);
    const r = fix(dir, true);
    expect(r.stdout).toContain('the template outputs the role (Outputs.ExecutionRoleArn)');
    expect(readFileSync(join(dir, 'worker.yaml'), 'utf8')).toBe(template);
  });

  it('exits 0 with nothing to fix, 2 on unreadable input (and then changes nothing)', () => {
    expect(fix(join(fixtures, 'ecs-clean-cfn'), true).code).toBe(0);
    const r = fix(join(fixtures, 'malformed'), true);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('taskdef-missing-comma.json:5:5: input error: invalid JSON');
  });
});

describe('rolefit fix: a role that is also the task role', () => {
  const template = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  ReportsRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: ecs-tasks.amazonaws.com }
            Action: sts:AssumeRole
            Condition: { StringEquals: { "aws:SourceAccount": !Ref AWS::AccountId } }
      Policies:
        - PolicyName: app # what the report writer does: the agent's part is missing
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: s3:PutObject
                Resource: arn:aws:s3:::reports-bucket/*
              - Effect: Allow
                Action: [ecr:GetAuthorizationToken]
                Resource: "*"
  ReportsTask:
    Type: AWS::ECS::TaskDefinition
    Properties:
      RequiresCompatibilities: [FARGATE]
      NetworkMode: awsvpc
      ExecutionRoleArn: !GetAtt ReportsRole.Arn
      TaskRoleArn: !GetAtt ReportsRole.Arn
      ContainerDefinitions:
        - Name: reports
          Image: 111122223333.dkr.ecr.us-east-1.amazonaws.com/reports:1
`;

  it('adds what the agent misses and keeps the application permissions', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rolefit-fix-shared-'));
    writeFileSync(join(dir, 'reports.yaml'), template);
    expect(leftOver(dir).map((f) => f.rule)).toContain('missing-permission');
    const r = fix(dir, true);
    expect(r.stdout).toContain('adds the missing permissions; keeps every existing policy');
    expect(r.stdout).toContain('note: role ReportsRole is also the task role of ReportsTask');
    expect(r.stdout).toContain('written: reports.yaml');
    const after = readFileSync(join(dir, 'reports.yaml'), 'utf8');
    // The application's policy is untouched; the agent's statements come in a policy of their own.
    const app = template.slice(template.indexOf('        - PolicyName: app'), template.indexOf('  ReportsTask:'));
    expect(after).toContain(app + '        - PolicyName: rolefit-missing-permissions\n          PolicyDocument:\n');
    expect(after.endsWith(template.slice(template.indexOf('  ReportsTask:')))).toBe(true);
    expect(leftOver(dir)).toEqual([]);
    expect(scan({ paths: ['.'], cwd: dir }).findings.map((f) => f.rule)).toContain('shared-role');
    expect(fix(dir, true).code).toBe(0);
  });
});

describe('CloudFormation tokens written back', () => {
  const t: TemplateNames = {
    file: 'stack.yaml',
    parameters: new Set(['Env']),
    resources: new Map([
      ['Logs', 'AWS::Logs::LogGroup'],
      ['Key', 'AWS::KMS::Key'],
      ['Secret', 'AWS::SecretsManager::Secret'],
      ['Bucket', 'AWS::S3::Bucket'],
    ]),
  };
  const tok = (name: string, file = 'stack.yaml') => token(`${name}@${file}`);

  it('pseudo parameters, parameters, Ref and GetAtt of resources', () => {
    expect(cfnString('plain', t)).toBe('plain');
    expect(cfnString(`arn:${tok('AWS::Partition')}:logs:${tok('AWS::Region')}:${tok('AWS::AccountId')}:log-group:/x-${tok('Param:Env')}:*`, t)).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/x-${Env}:*',
    });
    // A generated name whose Ref is the name; a GetAtt attribute.
    expect(cfnString(`log-group:${tok('Logs.LogGroupName')}`, t)).toEqual({ 'Fn::Sub': 'log-group:${Logs}' });
    expect(cfnString(`key/${tok('Key.KeyId')}`, t)).toEqual({ 'Fn::Sub': 'key/${Key.KeyId}' });
    expect(cfnString(`arn:aws:s3:::${tok('Bucket.BucketName')}/*`, t)).toEqual({ 'Fn::Sub': 'arn:aws:s3:::${Bucket}/*' });
  });

  it('escapes IAM policy variables inside Fn::Sub', () => {
    expect(cfnString(`arn:${tok('AWS::Partition')}:s3:::b/\${aws:username}/*`, t)).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::b/${!aws:username}/*' });
  });

  it('refuses what it cannot write back', () => {
    expect(() => cfnString(`x-${tok('AWS::Region', 'other.yaml')}`, t)).toThrow(TokenError);
    expect(() => cfnString(`x-${tok('Join#0badf00d')}`, t)).toThrow(/cannot be written back/);
    expect(() => cfnString(`x-${tok('Import:shared')}`, t)).toThrow(TokenError);
    // A secret's Ref is its ARN, not its name.
    expect(() => cfnString(`secret:${tok('Secret.Name')}-??????`, t)).toThrow(TokenError);
    expect(() => cfnString(`x-${tok('Param:Missing')}`, t)).toThrow(TokenError);
  });
});

describe('Terraform: aws_iam_policy_document', () => {
  /** A Terraform role and task definition built by hand (the HCL reader lands separately). */
  function terraformInventory(): Inventory {
    const inv = emptyInventory();
    const loc = { file: 'main.tf', line: 1, column: 1 };
    const account = token('data.aws_caller_identity.current.account_id@main.tf');
    const region = token('data.aws_region.current.name@main.tf');
    const partition = token('data.aws_partition.current.partition@main.tf');
    inv.roles.push({
      id: 'aws_iam_role.execution',
      name: 'orders-execution',
      arn: `arn:${partition}:iam::${account}:role/orders-execution`,
      source: 'terraform',
      loc,
      managed: [{ arn: { value: 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy', loc } }],
      inline: [],
    });
    inv.taskDefinitions.push({
      id: 'aws_ecs_task_definition.orders',
      family: 'orders',
      source: 'terraform',
      loc,
      executionRole: { value: `arn:${partition}:iam::${account}:role/orders-execution`, loc },
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      region,
      account,
      partition,
      fsxCredentials: [],
      containers: [
        {
          name: 'api',
          loc,
          image: { value: `${account}.dkr.ecr.${region}.amazonaws.com/orders:1`, loc },
          secrets: [],
          logDriver: { value: 'awslogs', loc },
          logOptions: { 'awslogs-group': { value: '/ecs/orders', loc }, 'awslogs-region': { value: region, loc }, 'awslogs-stream-prefix': { value: 'api', loc } },
          logSecretOptions: [],
          environmentFiles: [],
        },
      ],
    });
    return inv;
  }

  it('renders the plan for a Terraform role with its references interpolated', () => {
    const inv = terraformInventory();
    const linked = link(inv);
    const analysis = analyze(inv, linked);
    const findings = RULES.flatMap((r) => r.check({ inventory: inv, linked, analysis }));
    const [plan] = planFixes(analysis, findings, [...inv.diagnostics, ...linked.diagnostics, ...analysis.diagnostics]);
    expect(plan.skipped).toEqual([]);
    expect(plan.mode).toBe('replace');
    expect(plan.replaced.map((p) => p.name)).toEqual(['AmazonECSTaskExecutionRolePolicy']);
    const hcl = policyDocumentHcl(plan.document!, dataSourceName(plan.ra.linked.role.id));
    expect(hcl).toContain('data "aws_iam_policy_document" "execution_least_privilege" {');
    expect(hcl).toContain(
      '    resources = ["arn:${data.aws_partition.current.partition}:ecr:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:repository/orders"]',
    );
    expect(hcl).toContain('    actions   = ["ecr:GetAuthorizationToken"]\n    resources = ["*"]');
  });

  it('writes IAM policy variables as &{…} and refuses tokens that are no Terraform expression', () => {
    expect(hclString('arn:aws:s3:::b/${aws:username}/*')).toBe('"arn:aws:s3:::b/&{aws:username}/*"');
    expect(hclString(`x-${token('var.env@vars.tf')}`)).toBe('"x-${var.env}"');
    expect(() => hclString(`x-${token('AWS::Region@stack.yaml')}`)).toThrow(TokenError);
    expect(() => hclString(`x-${token('Join#0badf00d@main.tf')}`)).toThrow(TokenError);
  });
});

describe('rolefit fix on the command line', () => {
  it('is in the bundled CLI', () => {
    const r = spawnSync(process.execPath, [join(import.meta.dirname, '..', 'bin', 'rolefit.js'), 'fix', 'fixtures/ecs-managed-policies-cfn'], {
      cwd: join(import.meta.dirname, '..'),
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('replaces: AWS managed policy AmazonECSTaskExecutionRolePolicy, AWS managed policy SecretsManagerReadWrite, AWS managed policy CloudWatchLogsFullAccess');
    expect(r.stdout).toContain('remove ManagedPolicyArns');
  });

  it('runs through the CLI with the documented exit codes', async () => {
    const out: string[] = [];
    const io = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => out.push(s) } };
    expect(await main(['fix', join(fixtures, 'ecs-clean-cfn')], io)).toBe(0);
    expect(await main(['fix', join(fixtures, 'ecs-broad-cfn')], io)).toBe(1);
    expect(out.join('')).toContain('writable:');
  });
});

describe('standalone JSON policy files', () => {
  const text = `// execution role policy, loaded by the Terraform module with file()
{
    "Version": "2012-10-17",
    "Id": "orders-execution",
    "Statement": [
        { "Effect": "Allow", "Action": "ecr:*", "Resource": "*" }
    ]
}
`;

  it('rewrites Version and Statement in place and keeps the rest of the file', () => {
    const doc = { Version: '2012-10-17', Statement: [{ Sid: 'EcrAuth', Effect: 'Allow' as const, Action: 'ecr:GetAuthorizationToken', Resource: '*' }] };
    const out = rewritePolicyFile(text, doc);
    expect(out.startsWith('// execution role policy, loaded by the Terraform module with file()\n{\n    "Version": "2012-10-17",\n    "Id": "orders-execution",\n    "Statement": [\n        {\n            "Sid": "EcrAuth",')).toBe(true);
    expect(JSON.parse(out.slice(out.indexOf('{')))).toEqual({ ...doc, Id: 'orders-execution' });
    expect(rewritePolicyFile(out, doc)).toBe(out);
    expect(policyFileProblem({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'a:b', Resource: `arn:${token('x@f')}` }] })).toMatch(/cannot express/);
  });

  it('is the home of the fix only when it holds all the role replaces and no other role uses it', () => {
    const loc = { file: 'policies/execution.json', line: 2, column: 1 };
    const policy = { name: 'execution', kind: 'inline' as const, statements: [], loc };
    const inv = emptyInventory();
    inv.policies.push({ ...policy, kind: 'standalone' });
    const plan = { mode: 'replace', replaced: [policy], ra: { linked: { role: { id: 'aws_iam_role.execution' } } } } as unknown as RoleFix;
    const mine = { roleId: 'aws_iam_role.execution', files: [loc.file] };
    expect(policyFileOf(plan, inv, [mine])).toBe(loc.file);
    expect(policyFileOf(plan, inv, [mine, { roleId: 'aws_iam_role.other', files: [loc.file] }])).toBeUndefined();
    expect(policyFileOf({ ...plan, replaced: [policy, { ...policy, loc: { ...loc, file: 'main.tf' } }] }, inv, [mine])).toBeUndefined();
    expect(policyFileOf(plan, emptyInventory(), [mine])).toBeUndefined();
  });
});

describe('rolefit fix --write: file details', () => {
  it('keeps CRLF line endings and a byte-order mark', () => {
    const dir = copyFixture('ecs-broad-cfn');
    const crlf = '\uFEFF' + readFileSync(join(dir, 'worker.yaml'), 'utf8').replace(/\n/g, '\r\n');
    writeFileSync(join(dir, 'worker.yaml'), crlf);
    expect(fix(dir, true).stdout).toContain('written: worker.yaml');
    const after = readFileSync(join(dir, 'worker.yaml'), 'utf8');
    expect(after.startsWith('\uFEFFAWSTemplateFormatVersion: "2010-09-09"\r\n')).toBe(true);
    expect(after.replace(/\r\n/g, '')).not.toContain('\n');
    expect(leftOver(dir)).toEqual([]);
  });

  it('follows the file\'s indentation: four spaces, sequences level with their key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rolefit-fix-style-'));
    const template = `Resources:
    Role:
        Type: AWS::IAM::Role
        Properties:
            AssumeRolePolicyDocument:
                Statement:
                - Effect: Allow
                  Principal: {Service: ecs-tasks.amazonaws.com}
                  Action: sts:AssumeRole
                  Condition: {StringEquals: {aws:SourceAccount: "111122223333"}}
            Policies:
            - PolicyName: all
              PolicyDocument:
                  Statement:
                  - {Effect: Allow, Action: "ecr:*", Resource: "*"}
    Task:
        Type: AWS::ECS::TaskDefinition
        Properties:
            RequiresCompatibilities: [FARGATE]
            ExecutionRoleArn: !GetAtt Role.Arn
            ContainerDefinitions:
            - Name: app
              Image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1
`;
    writeFileSync(join(dir, 'app.yaml'), template);
    expect(fix(dir, true).stdout).toContain('written: app.yaml');
    const after = readFileSync(join(dir, 'app.yaml'), 'utf8');
    expect(after).toContain(`            Policies:
            - PolicyName: least-privilege
              PolicyDocument:
                  Version: "2012-10-17"
                  Statement:
                  - Sid: EcrAuth
                    Effect: Allow
                    Action: ecr:GetAuthorizationToken
                    Resource: "*"
                  - Sid: EcrPull
                    Effect: Allow
                    Action:
                    - ecr:BatchCheckLayerAvailability
`);
    expect(after.endsWith(template.slice(template.indexOf('    Task:')))).toBe(true);
    expect(leftOver(dir)).toEqual([]);
  });

  it('does not replace a value other parts of the YAML file alias', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rolefit-fix-anchor-'));
    const template = readFileSync(join(fixtures, 'ecs-broad-cfn', 'worker.yaml'), 'utf8').replace('      PolicyDocument:\n', '      PolicyDocument: &shared\n');
    writeFileSync(join(dir, 'worker.yaml'), template);
    const r = fix(dir, true);
    expect(r.stdout).toContain('the template cannot be edited safely: PolicyDocument holds the YAML anchor &shared');
    expect(readFileSync(join(dir, 'worker.yaml'), 'utf8')).toBe(template);
  });

  it('checks edits by scanning copies: an edit that leaves excess behind is reported', () => {
    const dir = copyFixture('ecs-broad-cfn');
    const unchanged = readFileSync(join(dir, 'worker.yaml'), 'utf8');
    const problems = verify(['.'], dir, new Map([['worker.yaml', unchanged + '\n']]), ['ExecutionRole']);
    expect(problems.length).toBe(4);
    expect(problems[0]).toMatch(/^excess-resource: role ExecutionRole grants/);
    expect(verify(['.'], dir, new Map([['worker.yaml', 'Resources: [\n']]), ['ExecutionRole'])[0]).toMatch(/^worker\.yaml:\d+:\d+: invalid YAML/);
  });
});

describe('fix leaves alone what the user accepted', () => {
  it('a finding suppressed inline (or by the baseline, the configuration) is not fixed', () => {
    const dir = copyFixture('ecs-fix-inline-cfn');
    const file = join(dir, 'orders.yaml');
    const text = readFileSync(file, 'utf8');
    // The worker's pulls from every repository are accepted, with a reason.
    const accepted = text.replace(
      '        - PolicyName: pull\n',
      '        # rolefit:ignore excess-resource reason="the worker pulls images named at deploy time"\n        - PolicyName: pull\n',
    );
    writeFileSync(file, accepted);
    const r = fix(dir, false);
    expect(r.stdout).toContain('role ApiExecutionRole');
    expect(r.stdout).not.toContain('role WorkerExecutionRole');
    fix(dir, true);
    expect(readFileSync(file, 'utf8')).toContain('# rolefit:ignore excess-resource reason="the worker pulls images named at deploy time"\n        - PolicyName: pull\n');
  });
  it('a role with one accepted grant among other findings is printed, not rewritten: the replacement would drop the accepted grant', () => {
    const dir = copyFixture('ecs-broad-cfn');
    const file = join(dir, 'worker.yaml');
    // One of the role's four findings is accepted; the other three would still make a fix.
    const text = readFileSync(file, 'utf8').replace(
      '          - Effect: Allow\n            Action: secretsmanager:GetSecretValue\n',
      '          # rolefit:ignore excess-resource reason="secrets are named at deploy time"\n          - Effect: Allow\n            Action: secretsmanager:GetSecretValue\n',
    );
    writeFileSync(file, text);
    const r = fix(dir, true);
    expect(r.stdout).toContain('role ExecutionRole');
    expect(r.stdout).toContain('excess-resource at worker.yaml:55:13 is suppressed (secrets are named at deploy time): the replacement would remove the grant it accepts');
    expect(r.stdout).not.toContain('written: worker.yaml');
    expect(readFileSync(file, 'utf8')).toBe(text);
  });
});

describe('Terraform context values', () => {
  it('the provider account, Region and partition are written through the data sources that give them', () => {
    const doc = {
      Version: '2012-10-17',
      Statement: [{ Sid: 'Logs', Effect: 'Allow' as const, Action: 'logs:PutLogEvents', Resource: `arn:${token('aws_partition@root')}:logs:${token('aws_region@root')}:${token('aws_account_id@root')}:log-group:/ecs/app:*` }],
    };
    const hcl = policyDocumentHcl(doc, 'app_least_privilege');
    expect(hcl).toContain('data "aws_caller_identity" "current" {}');
    expect(hcl).toContain('data "aws_region" "current" {}');
    expect(hcl).toContain('data "aws_partition" "current" {}');
    expect(hcl).toContain('"arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:log-group:/ecs/app:*"');
  });
});
