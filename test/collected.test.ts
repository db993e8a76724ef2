// The inventory format of `rolefit collect --aws` read from a file (src/sources/collected.ts), the
// helpers that shape what a live scan collects, and the live options' usage errors.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scan } from '../src/scan.js';
import { decodeDocument, redactTaskDefinition } from '../src/sources/aws/collect.js';
import { limiter } from '../src/sources/aws/clients.js';

function scanInventory(doc: unknown) {
  const dir = mkdtempSync(join(tmpdir(), 'rolefit-collected-'));
  try {
    writeFileSync(join(dir, 'inventory.json'), JSON.stringify(doc, null, 2));
    return scan({ paths: ['.'], cwd: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const TD = 'arn:aws:ecs:eu-west-1:111122223333:task-definition/api:4';
const ROLE = 'arn:aws:iam::111122223333:role/api-exec';
const base = {
  rolefitInventory: 1,
  authorizationDetails: {
    RoleDetailList: [
      {
        RoleName: 'api-exec',
        Arn: ROLE,
        AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } } }] },
        AttachedManagedPolicies: [{ PolicyName: 'AmazonECSTaskExecutionRolePolicy', PolicyArn: 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy' }],
      },
    ],
    Policies: [],
  },
  taskDefinitions: [{ taskDefinition: { taskDefinitionArn: TD, family: 'api', executionRoleArn: ROLE, containerDefinitions: [{ name: 'api', image: 'public.ecr.aws/nginx/nginx:1' }] } }],
  services: [{ serviceArn: 'arn:aws:ecs:eu-west-1:111122223333:service/prod/api', clusterArn: 'arn:aws:ecs:eu-west-1:111122223333:cluster/prod', taskDefinitions: [TD] }],
};

describe('collected inventory files', () => {
  it('reads roles and task definitions through their readers, and which services run them', () => {
    const report = scanInventory(base);
    expect(report.errors).toEqual([]);
    expect(report.summary).toMatchObject({ files: 1, roles: 1, workloads: 1, partial: false });
    expect(report.roles[0]).toMatchObject({ id: ROLE, kind: 'execution-role', workloads: [TD], services: ['arn:aws:ecs:eu-west-1:111122223333:service/prod/api'] });
  });

  it('reports failed calls as incomplete-scan at their entry and marks the result partial', () => {
    const report = scanInventory({ ...base, incomplete: [{ operation: 'eks:ListClusters', region: 'eu-west-1', missing: 'EKS clusters', error: 'AccessDeniedException: denied' }] });
    const f = report.findings.filter((x) => x.rule === 'incomplete-scan');
    expect(f).toEqual([
      expect.objectContaining({ severity: 'warning', message: 'could not read EKS clusters in eu-west-1: eks:ListClusters failed: AccessDeniedException: denied; the scanner needs eks:ListClusters (the read-only policy in the README); findings that depend on it are missing' }),
    ]);
    expect(f[0].location).toMatchObject({ file: 'inventory.json', line: expect.any(Number) });
    expect(f[0].location.line).toBeGreaterThan(30);
    expect(report.summary.partial).toBe(true);
  });

  it('says which permission a denied call needs, and what a denied IAM read leaves unchecked', () => {
    const denied = 'AccessDenied: User: arn:aws:sts::111122223333:assumed-role/audit/rolefit-scan is not authorized to perform: iam:GetAccountAuthorizationDetails on resource: *';
    const report = scanInventory({
      ...base,
      authorizationDetails: { RoleDetailList: [], Policies: [] },
      incomplete: [
        { operation: 'iam:GetAccountAuthorizationDetails', missing: 'IAM roles and policies', error: denied },
        { operation: 'ecs:ListServices', region: 'eu-west-1', resource: 'arn:aws:ecs:eu-west-1:111122223333:cluster/prod', missing: 'services of ECS cluster prod', error: 'AccessDeniedException: not authorized' },
        { operation: 'eks:ListClusters', region: 'eu-west-1', missing: 'EKS clusters', error: 'Error: getaddrinfo ENOTFOUND eks.eu-west-1.amazonaws.com' },
      ],
    });
    expect(report.findings.filter((x) => x.rule === 'incomplete-scan').map((f) => f.message)).toEqual([
      `could not read IAM roles and policies: iam:GetAccountAuthorizationDetails failed: ${denied}; the scanner needs iam:GetAccountAuthorizationDetails (the read-only policy in the README); roles not read are not analysed, and the workloads that name them report them as unresolved references`,
      'could not read services of ECS cluster prod in eu-west-1: ecs:ListServices failed: AccessDeniedException: not authorized; the scanner needs ecs:ListServices (the read-only policy in the README); findings that depend on it are missing',
      'could not read EKS clusters in eu-west-1: eks:ListClusters failed: Error: getaddrinfo ENOTFOUND eks.eu-west-1.amazonaws.com; findings that depend on it are missing',
    ]);
  });

  it('reports no privilege escalation on service-linked roles, whose policies only AWS can change', () => {
    const slr = 'arn:aws:iam::111122223333:role/aws-service-role/sso.amazonaws.com/AWSServiceRoleForSSO';
    const report = scanInventory({
      ...base,
      authorizationDetails: {
        ...base.authorizationDetails,
        RoleDetailList: [
          ...base.authorizationDetails.RoleDetailList,
          {
            Path: '/aws-service-role/sso.amazonaws.com/',
            RoleName: 'AWSServiceRoleForSSO',
            Arn: slr,
            AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'sso.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
            AttachedManagedPolicies: [{ PolicyName: 'AWSSSOServiceRolePolicy', PolicyArn: 'arn:aws:iam::aws:policy/aws-service-role/AWSSSOServiceRolePolicy' }],
          },
          {
            RoleName: 'admin',
            Arn: 'arn:aws:iam::111122223333:role/admin',
            AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'sts:AssumeRole' }] },
            AttachedManagedPolicies: [{ PolicyName: 'AdministratorAccess', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }],
          },
        ],
      },
    });
    expect(report.findings.filter((f) => f.role?.id === slr)).toEqual([]);
    // A role of the account's own still is reported.
    expect(report.findings.filter((f) => f.rule === 'privilege-escalation').map((f) => f.role?.name)).toEqual(['admin']);
  });

  it('refuses a format version it does not know, with the line', () => {
    const report = scanInventory({ rolefitInventory: 2, taskDefinitions: base.taskDefinitions });
    expect(report.findings.map((f) => [f.rule, f.location.line, f.message])).toEqual([
      ['invalid-input', 2, 'rolefitInventory "2" is not a format this rolefit reads (1); collect the inventory again'],
    ]);
    expect(report.summary.workloads).toBe(0);
  });

  it('reports malformed EKS entries and reads the good ones', () => {
    const report = scanInventory({
      rolefitInventory: 1,
      fargateProfiles: [
        { fargateProfile: { fargateProfileName: 'web', clusterName: 'prod' } },
        'not an object',
      ],
      nodegroups: [{ nodegroup: { nodegroupName: 'ng', clusterName: 'prod' } }],
    });
    expect(report.findings.map((f) => f.message).sort()).toEqual([
      'Fargate profile entry needs fargateProfileArn, fargateProfileName and clusterName',
      'fargateProfiles: each item must be an object',
      'node group entry needs nodegroupName, clusterName and nodeRole',
    ]);
  });
});

describe('what a live scan keeps', () => {
  it('decodes URL-encoded IAM documents, and takes JSON that parses as written', () => {
    const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/100%25/*' }] };
    expect(decodeDocument(encodeURIComponent(JSON.stringify(doc)))).toEqual(doc);
    expect(decodeDocument(JSON.stringify(doc))).toEqual(doc); // "%25" stays as written
    expect(decodeDocument('%7Bnot json')).toBe('%7Bnot json');
    expect(decodeDocument(doc)).toBe(doc);
  });

  it('reduces task definitions to what the analysis reads: no environment values or commands', () => {
    const out = redactTaskDefinition({
      taskDefinition: {
        taskDefinitionArn: TD,
        family: 'api',
        executionRoleArn: ROLE,
        containerDefinitions: [
          { name: 'api', image: 'x', environment: [{ name: 'TOKEN', value: 'secret' }], command: ['--password', 'secret'], secrets: [{ name: 'DB', valueFrom: 'arn:aws:ssm:eu-west-1:111122223333:parameter/db' }] },
        ],
        volumes: [{ name: 'data', host: { sourcePath: '/data' } }],
      },
      tags: [],
    });
    expect(JSON.stringify(out)).not.toContain('secret"');
    expect(out).toEqual({
      taskDefinition: { taskDefinitionArn: TD, family: 'api', executionRoleArn: ROLE, containerDefinitions: [{ name: 'api', image: 'x', secrets: [{ name: 'DB', valueFrom: 'arn:aws:ssm:eu-west-1:111122223333:parameter/db' }] }] },
    });
  });

  it('keeps no log driver or FireLens option that may hold a token: only the ones the analysis reads', () => {
    const SECRET = 'dd-api-key-0123456789';
    const out = redactTaskDefinition({
      taskDefinition: {
        taskDefinitionArn: TD,
        containerDefinitions: [
          {
            name: 'app',
            image: 'x',
            logConfiguration: { logDriver: 'awsfirelens', options: { Name: 'datadog', apikey: SECRET, Host: 'http-intake.logs.datadoghq.com' } },
          },
          { name: 'splunk', image: 'x', logConfiguration: { logDriver: 'splunk', options: { 'splunk-token': SECRET, 'splunk-url': 'https://splunk' }, secretOptions: [{ name: 'splunk-token', valueFrom: 'arn:aws:ssm:eu-west-1:111122223333:parameter/t' }] } },
          { name: 'logs', image: 'x', logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/api', 'awslogs-region': 'eu-west-1', 'awslogs-stream-prefix': 'api', 'awslogs-create-group': 'true' } } },
          { name: 'router', image: 'x', firelensConfiguration: { type: 'fluentbit', options: { 'config-file-type': 's3', 'config-file-value': 'arn:aws:s3:::conf/fb.conf', 'http-token': SECRET } } },
        ],
      },
    });
    expect(JSON.stringify(out)).not.toContain(SECRET);
    const containers = (out.taskDefinition as { containerDefinitions: Array<Record<string, unknown>> }).containerDefinitions;
    expect(containers.map((c) => c.logConfiguration ?? c.firelensConfiguration)).toEqual([
      { logDriver: 'awsfirelens' },
      { logDriver: 'splunk', secretOptions: [{ name: 'splunk-token', valueFrom: 'arn:aws:ssm:eu-west-1:111122223333:parameter/t' }] },
      { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/api', 'awslogs-region': 'eu-west-1', 'awslogs-stream-prefix': 'api', 'awslogs-create-group': 'true' } },
      { type: 'fluentbit', options: { 'config-file-type': 's3', 'config-file-value': 'arn:aws:s3:::conf/fb.conf' } },
    ]);
  });
});

describe('the bound on calls in flight', () => {
  it('runs at most n tasks at once, all of them, failures included', async () => {
    const limit = limiter(2);
    let active = 0;
    let most = 0;
    const task = (i: number) =>
      limit(async () => {
        most = Math.max(most, ++active);
        await new Promise((r) => setTimeout(r, 5));
        active--;
        if (i === 3) throw new Error('failed');
        return i;
      });
    const results = await Promise.allSettled([0, 1, 2, 3, 4, 5].map(task));
    expect(most).toBe(2);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'x'))).toEqual([0, 1, 2, 'x', 4, 5]);
  });
});

describe('live options on the command line', () => {
  const bin = join(import.meta.dirname, '..', 'bin', 'rolefit.js');
  const run = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

  it('are usage errors (exit 2) without --aws, with paths, or contradicting each other', () => {
    for (const [args, message] of [
      [['scan', '--profile', 'x'], '--profile needs --aws'],
      [['scan', '--all-regions'], '--all-regions needs --aws'],
      [['scan', '--aws', 'fixtures'], '--aws reads the account: give no paths'],
      [['scan', '--aws', '--region', 'eu-west-1', '--all-regions'], '--region and --all-regions exclude each other'],
      [['collect', '--aws'], "required option '-o, --output <file>' not specified"],
    ] as const) {
      const r = run([...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(message);
    }
  });
});
