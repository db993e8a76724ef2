// A synthetic infrastructure repository for the throughput benchmark: N CloudFormation templates,
// N ECS task definitions and an IAM dump (`aws iam get-account-authorization-details`) of 5,000
// roles, deterministic for a given N. The task definitions name execution roles of the dump, so a
// scan of the whole repository links across files the way an account scan does.
//
// Usage: tsx bench/generate-repo.ts --n 1000 --out /tmp/repo [--roles 5000]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rng } from '../test/helpers/random.js';

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';

export interface GeneratedRepo {
  dir: string;
  cloudformation: string[];
  taskDefinitions: string[];
  terraform: string[];
  iamDump: string | undefined;
  /** Execution roles per file kind, to check a scan read what was generated. */
  roles: { cloudformation: number; dump: number; terraform: number };
}

export interface GenerateOptions {
  n: number;
  /** Roles in the IAM dump; 0 writes no dump. */
  roles?: number;
  /** Which parts to write (default all). */
  parts?: Array<'cloudformation' | 'task-definitions' | 'iam-dump' | 'terraform'>;
}

const pad = (i: number) => String(i).padStart(5, '0');

export function generateRepo(dir: string, opts: GenerateOptions): GeneratedRepo {
  const parts = new Set(opts.parts ?? ['cloudformation', 'task-definitions', 'iam-dump', 'terraform']);
  const roles = opts.roles ?? 5000;
  const out: GeneratedRepo = { dir, cloudformation: [], taskDefinitions: [], terraform: [], iamDump: undefined, roles: { cloudformation: 0, dump: 0, terraform: 0 } };
  // The same deterministic PRNG as the tests: the same N gives the same repository.
  const rnd = rng(opts.n * 7919 + roles);
  if (parts.has('cloudformation')) {
    mkdirSync(join(dir, 'cloudformation'), { recursive: true });
    for (let i = 0; i < opts.n; i++) {
      const t = template(i, rnd);
      const file = join(dir, 'cloudformation', `service-${pad(i)}.${t.json ? 'json' : 'yaml'}`);
      writeFileSync(file, t.text);
      out.cloudformation.push(file);
      out.roles.cloudformation += 1;
    }
  }
  if (parts.has('task-definitions')) {
    mkdirSync(join(dir, 'task-definitions'), { recursive: true });
    for (let i = 0; i < opts.n; i++) {
      const file = join(dir, 'task-definitions', `app-${pad(i)}.json`);
      writeFileSync(file, JSON.stringify(taskDefinition(i, roles, rnd), null, 2));
      out.taskDefinitions.push(file);
    }
  }
  if (parts.has('iam-dump') && roles > 0) {
    mkdirSync(join(dir, 'iam'), { recursive: true });
    const file = join(dir, 'iam', 'authorization-details.json');
    writeFileSync(file, JSON.stringify(iamDump(roles, rnd)));
    out.iamDump = file;
    out.roles.dump = roles;
  }
  if (parts.has('terraform')) {
    for (let i = 0; i < opts.n; i++) {
      const file = join(dir, 'terraform', `service-${pad(i)}`, 'main.tf');
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, terraformModule(i, rnd));
      out.terraform.push(file);
      out.roles.terraform += 1;
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------------------ Terraform

/**
 * One service as a Terraform root module: a log group, a secret, an execution role whose policy is an
 * aws_iam_policy_document (two in three) or jsonencode, sometimes broad, and a task definition whose
 * container_definitions go through jsonencode. Account and partition come from data sources.
 */
function terraformModule(i: number, rnd: () => number): string {
  const name = `svc-${pad(i)}`;
  const broad = rnd() < 0.3;
  const withSecret = rnd() < 0.6;
  const document = rnd() < 0.67;
  const logs = broad ? '"logs:*"' : '"logs:CreateLogStream", "logs:PutLogEvents"';
  const logResource = broad ? '"*"' : '"${aws_cloudwatch_log_group.app.arn}:*"';
  const ecr = broad ? '"ecr:*"' : '"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"';
  const repo = `"arn:\${data.aws_partition.current.partition}:ecr:${REGION}:\${data.aws_caller_identity.current.account_id}:repository/${name}"`;
  const policy = document
    ? `data "aws_iam_policy_document" "exec" {
  statement {
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }
  statement {
    actions   = [${ecr}]
    resources = [${broad ? '"*"' : repo}]
  }
  statement {
    actions   = [${logs}]
    resources = [${logResource}]
  }
${withSecret ? '  statement {\n    actions   = ["secretsmanager:GetSecretValue"]\n    resources = [aws_secretsmanager_secret.db.arn]\n  }\n' : ''}}

resource "aws_iam_role_policy" "exec" {
  name   = "execution"
  role   = aws_iam_role.exec.id
  policy = data.aws_iam_policy_document.exec.json
}
`
    : `resource "aws_iam_role_policy" "exec" {
  name = "execution"
  role = aws_iam_role.exec.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "ecr:GetAuthorizationToken", Resource = "*" },
      { Effect = "Allow", Action = [${ecr}], Resource = ${broad ? '"*"' : repo} },
      { Effect = "Allow", Action = [${logs}], Resource = ${logResource} },
${withSecret ? '      { Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = aws_secretsmanager_secret.db.arn },\n' : ''}    ]
  })
}
`;
  return `provider "aws" {
  region = "${REGION}"
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  name = "${name}"
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/ecs/\${local.name}"
  retention_in_days = 30
}
${withSecret ? '\nresource "aws_secretsmanager_secret" "db" {\n  name = "${local.name}/db"\n}\n' : ''}
resource "aws_iam_role" "exec" {
  name = "\${local.name}-execution"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

${policy}
resource "aws_ecs_task_definition" "app" {
  family                   = local.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  execution_role_arn       = aws_iam_role.exec.arn
  container_definitions = jsonencode([
    {
      name  = "app"
      image = "\${data.aws_caller_identity.current.account_id}.dkr.ecr.${REGION}.amazonaws.com/\${local.name}:${1 + Math.floor(rnd() * 9)}.0"
${withSecret ? '      secrets = [{ name = "DB_URL", valueFrom = aws_secretsmanager_secret.db.arn }]\n' : ''}      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.app.name
          awslogs-region        = "${REGION}"
          awslogs-stream-prefix = "app"
        }
      }
    },
  ])
}
`;
}

// ------------------------------------------------------------------------------------------------ CloudFormation

/** One service stack; every fifth is JSON, and the role policies vary between tight and broad. */
function template(i: number, rnd: () => number): { json: boolean; text: string } {
  const name = `svc-${pad(i)}`;
  const broad = rnd() < 0.3;
  const managed = rnd() < 0.2;
  const withSecret = rnd() < 0.6;
  const statements: unknown[] = [
    { Sid: 'EcrAuth', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
    broad
      ? { Sid: 'Pull', Effect: 'Allow', Action: ['ecr:*', 'logs:*'], Resource: '*' }
      : {
          Sid: 'Pull',
          Effect: 'Allow',
          Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
          Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:ecr:\${AWS::Region}:\${AWS::AccountId}:repository/${name}` },
        },
    { Sid: 'Logs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': ['LogGroup', 'Arn'] } },
  ];
  if (withSecret) statements.push({ Sid: 'Secret', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: 'Secret' } });
  const container: Record<string, unknown> = {
    Name: 'app',
    Image: { 'Fn::Sub': `\${AWS::AccountId}.dkr.ecr.\${AWS::Region}.\${AWS::URLSuffix}/${name}:\${ImageTag}` },
    Essential: true,
    PortMappings: [{ ContainerPort: 8080 }],
    LogConfiguration: {
      LogDriver: 'awslogs',
      Options: { 'awslogs-group': { Ref: 'LogGroup' }, 'awslogs-region': { Ref: 'AWS::Region' }, 'awslogs-stream-prefix': 'app' },
    },
  };
  if (withSecret) container.Secrets = [{ Name: 'DB_PASSWORD', ValueFrom: { 'Fn::Sub': '${Secret}:password::' } }];
  const resources: Record<string, unknown> = {
    LogGroup: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: `/ecs/${name}`, RetentionInDays: 30 } },
    ExecutionRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: `${name}-execution`,
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'ecs-tasks.amazonaws.com' },
              Action: 'sts:AssumeRole',
              ...(i % 2 ? { Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } } : {}),
            },
          ],
        },
        ...(managed ? { ManagedPolicyArns: [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy' }] } : {}),
        Policies: [{ PolicyName: `${name}-execution`, PolicyDocument: { Version: '2012-10-17', Statement: statements } }],
      },
    },
    TaskDefinition: {
      Type: 'AWS::ECS::TaskDefinition',
      Properties: {
        Family: name,
        RequiresCompatibilities: ['FARGATE'],
        NetworkMode: 'awsvpc',
        Cpu: '256',
        Memory: '512',
        ExecutionRoleArn: { 'Fn::GetAtt': ['ExecutionRole', 'Arn'] },
        ContainerDefinitions: [container],
      },
    },
  };
  if (withSecret) resources.Secret = { Type: 'AWS::SecretsManager::Secret', Properties: { Name: `${name}/database` } };
  const doc = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `Synthetic service ${name}`,
    Parameters: { ImageTag: { Type: 'String', Default: '1.0.0' } },
    Resources: resources,
  };
  if (i % 5 === 4) return { json: true, text: JSON.stringify(doc, null, 2) };
  return { json: false, text: toYaml(doc) };
}

/** YAML with CloudFormation short forms (`!Ref`, `!Sub`, `!GetAtt A.B`), as people write templates. */
function toYaml(value: unknown, indent = ''): string {
  // Quote what YAML would read as something else (numbers, dates, `*`, `:`).
  const scalar = (v: unknown) => (typeof v === 'string' && (!/^[\w./-]+$/.test(v) || /^[\d.-]+$/.test(v)) ? JSON.stringify(v) : String(v));
  const short = (v: unknown): string | undefined => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    const keys = Object.keys(v);
    if (keys.length !== 1) return undefined;
    const [k] = keys;
    const arg = (v as Record<string, unknown>)[k];
    if (k === 'Ref' && typeof arg === 'string') return `!Ref ${arg}`;
    if (k === 'Fn::Sub' && typeof arg === 'string') return `!Sub ${scalar(arg)}`;
    if (k === 'Fn::GetAtt' && Array.isArray(arg)) return `!GetAtt ${arg.join('.')}`;
    return undefined;
  };
  if (Array.isArray(value)) {
    return value
      .map((item) => {
        const s = short(item);
        if (s) return `${indent}- ${s}\n`;
        if (item !== null && typeof item === 'object') {
          const body = toYaml(item, indent + '  ');
          return `${indent}- ${body.slice(indent.length + 2)}`;
        }
        return `${indent}- ${scalar(item)}\n`;
      })
      .join('');
  }
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => {
      const s = short(v);
      if (s) return `${indent}${k}: ${s}\n`;
      if (Array.isArray(v)) return `${indent}${k}:\n${toYaml(v, indent + '  ')}`;
      if (v !== null && typeof v === 'object') return `${indent}${k}:\n${toYaml(v, indent + '  ')}`;
      return `${indent}${k}: ${scalar(v)}\n`;
    })
    .join('');
}

// ------------------------------------------------------------------------------------------------ task definitions

/** `aws ecs describe-task-definition` output; its execution role is one of the dump's roles. */
function taskDefinition(i: number, roles: number, rnd: () => number) {
  const app = `app-${pad(i)}`;
  const role = `app-${pad(roles > 0 ? i % roles : i)}-execution`;
  const container: Record<string, unknown> = {
    name: 'app',
    image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${app}:1.${i % 50}.0`,
    essential: true,
    logConfiguration: {
      logDriver: 'awslogs',
      options: { 'awslogs-group': `/ecs/${app}`, 'awslogs-region': REGION, 'awslogs-stream-prefix': 'app' },
    },
  };
  if (rnd() < 0.5) {
    container.secrets = [
      { name: 'DB_PASSWORD', valueFrom: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${app}/db-AbCdEf` },
      { name: 'API_KEY', valueFrom: `/${app}/api-key` },
    ];
  }
  return {
    taskDefinition: {
      taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${app}:3`,
      family: app,
      revision: 3,
      executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/${role}`,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [container],
    },
  };
}

// ------------------------------------------------------------------------------------------------ IAM dump

/**
 * Execution roles as the AWS CLI prints them (documents decoded to objects), one in four with the
 * AWS managed execution policy attached, one in ten with a customer managed policy of the dump.
 */
function iamDump(count: number, rnd: () => number) {
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
  const shared = {
    PolicyName: 'ecs-pull-shared',
    PolicyId: 'ANPASYNTHETICSHARED01',
    Arn: `arn:aws:iam::${ACCOUNT}:policy/ecs-pull-shared`,
    Path: '/',
    DefaultVersionId: 'v1',
    AttachmentCount: 0,
    IsAttachable: true,
    PolicyVersionList: [
      {
        Document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], Resource: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/*` }] },
        VersionId: 'v1',
        IsDefaultVersion: true,
      },
    ],
  };
  const roles = [];
  for (let i = 0; i < count; i++) {
    const app = `app-${pad(i)}`;
    const broad = rnd() < 0.3;
    const attached = [];
    if (i % 4 === 0) attached.push({ PolicyName: 'AmazonECSTaskExecutionRolePolicy', PolicyArn: 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy' });
    if (i % 10 === 0) {
      attached.push({ PolicyName: shared.PolicyName, PolicyArn: shared.Arn });
      shared.AttachmentCount++;
    }
    const statements = [
      { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
      broad
        ? { Effect: 'Allow', Action: ['ecr:*', 'logs:*', 'secretsmanager:GetSecretValue'], Resource: '*' }
        : { Effect: 'Allow', Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], Resource: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${app}` },
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/ecs/${app}:*` },
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${app}/*` },
      { Effect: 'Allow', Action: 'ssm:GetParameters', Resource: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/${app}/*` },
    ];
    roles.push({
      Path: '/',
      RoleName: `${app}-execution`,
      RoleId: `AROASYNTHETIC${pad(i)}`,
      Arn: `arn:aws:iam::${ACCOUNT}:role/${app}-execution`,
      CreateDate: '2026-01-01T00:00:00Z',
      AssumeRolePolicyDocument: trust,
      InstanceProfileList: [],
      RolePolicyList: [{ PolicyName: `${app}-execution`, PolicyDocument: { Version: '2012-10-17', Statement: statements } }],
      AttachedManagedPolicies: attached,
      Tags: [],
      RoleLastUsed: {},
    });
  }
  return { UserDetailList: [], GroupDetailList: [], RoleDetailList: roles, Policies: [shared] };
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (import.meta.filename === process.argv[1]) {
  const out = arg('--out');
  if (!out) {
    process.stderr.write('usage: tsx bench/generate-repo.ts --n N --out DIR [--roles 5000]\n');
    process.exit(2);
  }
  const repo = generateRepo(out, { n: Number(arg('--n') ?? 100), roles: Number(arg('--roles') ?? 5000) });
  process.stdout.write(`${repo.cloudformation.length} templates, ${repo.taskDefinitions.length} task definitions, ${repo.roles.dump}-role IAM dump in ${out}\n`);
}
