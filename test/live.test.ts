// Live account scans against moto (a real AWS API emulator) through the real AWS SDK over HTTP: the
// CLI reads an account created through the SDK and must find what a scan of the same account written
// as files finds. A proxy between the two records every operation rolefit sends (only listed reads)
// and injects what moto cannot produce: throttling, a denied call, a truncated IAM page, rejected
// credentials.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMoto, type Moto } from './helpers/moto.js';
import { AwsProxy, jsonError, queryError, restError, splitMembers } from './helpers/aws-proxy.js';
import { createInfra, writeInfraFiles, HOME, OTHER, ACCOUNT, SECRET_ENV_VALUE, SERVICE_ARN, roleArn, tdArn, PROFILE } from './helpers/live-infra.js';
import { allowedActions } from '../src/sources/aws/guard.js';
import { Clients } from '../src/sources/aws/clients.js';
import { traceLoads } from './helpers/trace-loads.js';
import { validateReport } from './helpers/schema.js';
import { main } from '../src/cli.js';
import type { Finding, Report } from '../src/report/types.js';

const repo = join(import.meta.dirname, '..');
const bin = join(repo, 'bin', 'rolefit.js');
let moto: Moto;
let proxy: AwsProxy;
let tmp: string;
let filesDir: string;

/** The environment of a user whose only credentials are in the environment, pointed at the proxy. */
function awsEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (/^AWS_/.test(k) || k === 'NO_COLOR' || k === 'FORCE_COLOR') delete env[k];
  Object.assign(env, {
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: HOME,
    AWS_ENDPOINT_URL: proxy.url,
    AWS_CONFIG_FILE: join(tmp, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(tmp, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  for (const [k, v] of Object.entries(extra)) if (v === undefined) delete env[k];
  else env[k] = v;
  return env;
}

/** Runs the built CLI (asynchronously: the proxy answers in this process). */
function run(args: string[], env = awsEnv()): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: tmp, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function scanJson(args: string[], env?: NodeJS.ProcessEnv): Promise<Report> {
  const r = await run(['scan', ...args, '--format', 'json', '--fail-on', 'none'], env);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const report = JSON.parse(r.stdout) as Report;
  expect(validateReport(report)).toEqual([]);
  return report;
}

const LIVE = ['--aws', '--region', HOME, '--region', OTHER];

/** What a finding says, without where it is written (a file position or an ARN). */
function what(f: Finding) {
  return JSON.stringify([f.rule, f.severity, f.role?.id ?? null, f.workloads, f.actions, f.resources, f.message]);
}
const findingsOf = (r: Report) => r.findings.map(what).sort();
/** What the report says of each role (workloads and needs in any order: files and regions are read in different orders). */
const rolesOf = (r: Report) =>
  r.roles.map((x) => JSON.stringify([x.id, x.kind, [...x.workloads].sort(), x.needs.map((n) => JSON.stringify([n.action, n.resource, n.reason])).sort(), x.incomplete, x.suggestedPolicy]));

let fileReport: Report;

/** A fresh account in moto, and the same account as files with the findings of their scan. */
async function freshAccount(): Promise<void> {
  await moto.reset();
  const eks = await createInfra(moto.url);
  filesDir = mkdtempSync(join(tmp, 'files-'));
  writeInfraFiles(filesDir, eks);
  fileReport = await scanJson([filesDir]);
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'rolefit-live-'));
  moto = await startMoto();
  proxy = new AwsProxy(moto.url);
  await proxy.start();
  await freshAccount();
}, 600_000);

afterAll(async () => {
  await proxy?.stop();
  await moto?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

beforeEach(() => {
  proxy.faults = [];
  proxy.requests.length = 0;
});

describe('rolefit scan --aws', () => {
  it('finds what a scan of the same account written as files finds', async () => {
    const live = await scanJson(LIVE);
    expect(fileReport.findings.length).toBeGreaterThan(5);
    expect(new Set(fileReport.findings.map((f) => f.rule))).toEqual(new Set(['missing-permission', 'excess-action', 'excess-resource', 'privilege-escalation']));
    // The pod execution role of the Fargate profile is analysed as such, live and from files.
    expect(fileReport.findings.filter((f) => f.role?.id === roleArn('pod-exec')).map((f) => f.rule)).toContain('excess-action');
    expect(findingsOf(live)).toEqual(findingsOf(fileReport));
    expect(rolesOf(live)).toEqual(rolesOf(fileReport));
    expect(live.summary).toMatchObject({ roles: 6, workloads: 4, files: 0, partial: fileReport.summary.partial });
    expect(live.findings.filter((f) => f.rule === 'incomplete-scan')).toEqual([]);
  });

  it('locates findings at the role, policy and task definition ARNs', async () => {
    const live = await scanJson(LIVE);
    const files = new Set(live.findings.map((f) => f.location.file));
    expect(files).toEqual(new Set([roleArn('web-exec'), roleArn('ci-deployer'), roleArn('pod-exec'), tdArn(HOME, 'worker', 1), tdArn(OTHER, 'batch', 1)]));
    expect(live.findings.every((f) => f.location.line === 1 && f.location.column === 1)).toBe(true);
    const text = await run(['scan', ...LIVE]);
    expect(text.stdout).toMatch(new RegExp(`^${roleArn('ci-deployer')}\\n +error +role ci-deployer allows privilege escalation`, 'm'));
    expect(text.code).toBe(1);
    // Pods are never read live: the summary says the result is partial because of that, naming the role.
    expect(text.stdout).toMatch(/ — partial result: the needs of 1 role are not fully known \(pod-exec\)\n/);
  });

  it('takes a baseline of a live scan: its findings are accepted on the next run', async () => {
    const baseline = join(tmp, 'live-baseline.json');
    const write = await run(['scan', ...LIVE, '--no-config', '--write-baseline', baseline]);
    expect(write.code).toBe(0);
    const again = await scanJson([...LIVE, '--no-config', '--baseline', baseline]);
    expect(again.findings).toEqual([]);
    expect(again.suppressed.map(what).sort()).toEqual(findingsOf(fileReport));
  });

  it('says which roles serve running ECS services', async () => {
    const live = await scanJson(LIVE);
    const web = live.roles.find((r) => r.id === roleArn('web-exec'))!;
    expect(web.services).toEqual([SERVICE_ARN]);
    // The service runs web:1, not the latest revision: both are read.
    expect(web.workloads).toEqual(expect.arrayContaining([tdArn(HOME, 'web', 1), tdArn(HOME, 'web', 2)]));
    expect(live.roles.find((r) => r.id === roleArn('worker-exec'))!.services).toBeUndefined();
    const text = await run(['scan', ...LIVE]);
    expect(text.stdout).toContain(`Least-privilege policy for execution role web-exec (${roleArn('web-exec')}, serves 1 running ECS service):`);
  });

  it('resolves AWS managed policies the dump lacks from the snapshot, else with GetPolicy and GetPolicyVersion', async () => {
    // A policy moto knows and the bundled snapshot does not (newer than it).
    const unknown = 'arn:aws:iam::aws:policy/AmazonECSInfrastructureRoleForGatewayHostSharedALB';
    const { IAMClient, AttachRolePolicyCommand } = await import('@aws-sdk/client-iam');
    const iam = new IAMClient({ region: HOME, endpoint: moto.url, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'eks-node', PolicyArn: unknown }));
    iam.destroy();
    // The dump leaves out every AWS managed policy.
    proxy.faults = [
      async (req, forward) => {
        if (req.operation !== 'iam:GetAccountAuthorizationDetails') return undefined;
        const full = await forward();
        const policies = splitMembers(full.body, 'Policies');
        return { ...full, body: policies.before + policies.members.filter((m) => !m.includes(':iam::aws:policy/')).join('') + policies.after };
      },
    ];
    try {
      const out = join(tmp, 'inventory.json');
      expect((await run(['collect', '--aws', '-o', out])).code).toBe(0);
      const arns = JSON.parse(readFileSync(out, 'utf8')).authorizationDetails.Policies.map((p: { Arn: string }) => p.Arn);
      expect(arns).toEqual([`arn:aws:iam::${ACCOUNT}:policy/exec-boundary`, unknown]);
      const getPolicy = proxy.requests.filter((r) => r.operation === 'iam:GetPolicy' || r.operation === 'iam:GetPolicyVersion');
      expect(getPolicy.map((r) => r.operation).sort()).toEqual(['iam:GetPolicy', 'iam:GetPolicyVersion']);
      expect(getPolicy.every((r) => new URLSearchParams(r.body).get('PolicyArn') === unknown)).toBe(true);
      const report = await scanJson([out]);
      expect(report.findings.filter((f) => f.rule === 'unresolved-reference')).toEqual([]);
    } finally {
      proxy.faults = [];
      await freshAccount();
    }
  });

  it('reads only the latest revision of each family unless --all-revisions', async () => {
    const { RegisterTaskDefinitionCommand, ECSClient } = await import('@aws-sdk/client-ecs');
    const ecs = new ECSClient({ region: HOME, endpoint: moto.url, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await ecs.send(
      new RegisterTaskDefinitionCommand({ family: 'worker', executionRoleArn: roleArn('worker-exec'), containerDefinitions: [{ name: 'w', image: 'public.ecr.aws/nginx/nginx:1', memory: 512 }] }),
    );
    ecs.destroy();
    try {
      const latest = await scanJson(['--aws']);
      const all = await scanJson(['--aws', '--all-revisions']);
      const workloads = (r: Report) => r.roles.find((x) => x.id === roleArn('worker-exec'))!.workloads.sort();
      expect(workloads(latest)).toEqual([tdArn(HOME, 'worker', 2)]);
      expect(workloads(all)).toEqual([tdArn(HOME, 'worker', 1), tdArn(HOME, 'worker', 2)]);
    } finally {
      await freshAccount();
    }
  });

  it('calls only the listed read operations, every one of them through the guard', async () => {
    await scanJson([...LIVE, '--all-revisions']);
    await run(['collect', '--aws', '--all-regions', '-o', join(tmp, 'inventory.json')]);
    const sent = new Set(proxy.operations());
    const allowed = new Set(allowedActions());
    expect([...sent].filter((op) => !allowed.has(op))).toEqual([]);
    for (const op of ['iam:GetAccountAuthorizationDetails', 'ecs:DescribeTaskDefinition', 'ecs:DescribeServices', 'eks:DescribeFargateProfile', 'eks:DescribeNodegroup', 'ec2:DescribeRegions']) {
      expect(sent).toContain(op);
    }
  });

  it('refuses in the client stack any operation that is not a listed read, before sending it', async () => {
    const seen: string[] = [];
    const clients = new Clients({ onOperation: (op) => seen.push(op) });
    const env = process.env;
    process.env = awsEnv();
    try {
      await expect(clients.call('iam', HOME, 'CreateRole', { RoleName: 'x', AssumeRolePolicyDocument: '{}' })).rejects.toThrow(/refused to call iam:CreateRole/);
      await expect(clients.call('ecs', HOME, 'DeleteCluster', { cluster: 'prod' })).rejects.toThrow(/refused to call ecs:DeleteCluster/);
      expect(await clients.call('ecs', HOME, 'ListClusters')).toHaveProperty('clusterArns');
    } finally {
      process.env = env;
      clients.destroy();
    }
    expect(seen).toEqual(['iam:CreateRole', 'ecs:DeleteCluster', 'ecs:ListClusters']);
    expect(proxy.operations()).toEqual(['ecs:ListClusters']);
  });

  it('explains a live role as it explains the same role in files, reading only IAM', async () => {
    const ask = ['--action', 'secretsmanager:GetSecretValue', '--resource', `arn:aws:secretsmanager:${HOME}:${ACCOUNT}:secret:other-AbCdEf`, '--format', 'json'];
    const live = await run(['explain', '--aws', 'web-exec', ...ask]);
    const files = await run(['explain', 'web-exec', join(filesDir, 'iam.json'), ...ask]);
    expect(live.stderr).toBe('');
    expect(live.code).toBe(0);
    const strip = (s: string) => JSON.parse(s.replace(/"file": ?"[^"]*"/g, '"file":""').replace(/"(line|column)": ?\d+/g, '"$1":0'));
    expect(strip(live.stdout)).toEqual(strip(files.stdout));
    expect(strip(live.stdout).decision).toBe('allowed');
    expect(new Set(proxy.operations())).toEqual(new Set(['sts:GetCallerIdentity', 'iam:GetAccountAuthorizationDetails']));
    // In text, statements and the role are named by their ARNs, not as "ARN:1:1" positions in a file.
    const text = await run(['explain', '--aws', 'web-exec', ...ask.slice(0, -2)]);
    expect(text.stdout).toContain(`\n  role web-exec (${roleArn('web-exec')})\n`);
    expect(text.stdout).toMatch(new RegExp(`^${roleArn('web-exec')}  Allow statement "Secrets" of inline policy web-extra`, 'm'));
    expect(text.stdout).not.toContain(':1:1');
  });

  it('explain --aws stops with the reason, not "role not found", when IAM could not be read', async () => {
    const denied = `User: arn:aws:sts::${ACCOUNT}:assumed-role/audit/rolefit-scan is not authorized to perform: iam:GetAccountAuthorizationDetails on resource: *`;
    proxy.faults = [(req) => (req.operation === 'iam:GetAccountAuthorizationDetails' ? queryError('AccessDenied', denied) : undefined)];
    const r = await run(['explain', '--aws', 'web-exec', '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::b/k']);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toBe(
      `rolefit: cannot explain a role of the account: could not read IAM roles and policies: iam:GetAccountAuthorizationDetails failed: AccessDenied: ${denied}; the scanner needs iam:GetAccountAuthorizationDetails (the read-only policy in the README)\n`,
    );
  });

  it('honours AWS_ENDPOINT_URL_<SERVICE> over AWS_ENDPOINT_URL', async () => {
    const perService = Object.fromEntries(['STS', 'IAM', 'ECS', 'EKS'].map((s) => [`AWS_ENDPOINT_URL_${s}`, proxy.url]));
    const live = await scanJson(LIVE, awsEnv({ AWS_ENDPOINT_URL: 'http://127.0.0.1:9', ...perService }));
    expect(findingsOf(live)).toEqual(findingsOf(fileReport));
    // Partial only as the file scan is (pods are not read: a Fargate profile's needs stay open), never for a failed read.
    expect(live.summary.partial).toBe(fileReport.summary.partial);
    expect(live.findings.filter((f) => f.rule === 'incomplete-scan')).toEqual([]);
  });

  it('assumes --role-arn first and reads the same account', async () => {
    const live = await scanJson([...LIVE, '--role-arn', roleArn('ci-deployer')]);
    expect(findingsOf(live)).toEqual(findingsOf(fileReport));
    // AssumeRole is the credential provider's own call (outside the scan's clients); all else is a listed read.
    expect(proxy.operations()).toContain('sts:AssumeRole');
    const allowed = new Set([...allowedActions(), 'sts:AssumeRole']);
    expect(proxy.operations().filter((op) => !allowed.has(op))).toEqual([]);
  });

  it('takes the region and credentials of --profile', async () => {
    writeFileSync(join(tmp, 'config'), `[profile audit]\nregion = ${OTHER}\n`);
    writeFileSync(join(tmp, 'credentials'), `[audit]\naws_access_key_id = testing\naws_secret_access_key = testing\n`);
    const env = awsEnv({ AWS_REGION: undefined, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_CONFIG_FILE: join(tmp, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(tmp, 'credentials') });
    const live = await scanJson(['--aws', '--profile', 'audit'], env);
    expect(live.summary.workloads).toBe(1); // batch:1, the only task definition in eu-west-1
    expect(live.roles.find((r) => r.id === roleArn('worker-exec'))!.workloads).toEqual([tdArn(OTHER, 'batch', 1)]);
  });
});

describe('rolefit collect --aws', () => {
  it('writes an inventory that a file scan reads to the same findings, without secrets', async () => {
    const out = join(tmp, 'inventory.json');
    const r = await run(['collect', '--aws', '--region', `${HOME},${OTHER}`, '-o', out]);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const text = readFileSync(out, 'utf8');
    expect(text).not.toContain(SECRET_ENV_VALUE);
    const inventory = JSON.parse(text);
    expect(inventory).toMatchObject({ rolefitInventory: 1, account: ACCOUNT, partition: 'aws', regions: [HOME, OTHER], incomplete: [] });
    // Documents are decoded JSON, and the boundary's default version is the one kept.
    const boundary = inventory.authorizationDetails.Policies.find((p: { PolicyName: string }) => p.PolicyName === 'exec-boundary');
    expect(boundary.PolicyVersionList).toEqual([expect.objectContaining({ VersionId: 'v2', IsDefaultVersion: true, Document: expect.objectContaining({ Version: '2012-10-17' }) })]);
    expect(inventory.fargateProfiles).toEqual([
      { fargateProfile: expect.objectContaining({ fargateProfileName: PROFILE.name, clusterName: PROFILE.cluster, podExecutionRoleArn: roleArn('pod-exec'), selectors: PROFILE.selectors }) },
    ]);
    expect(inventory.nodegroups).toEqual([{ nodegroup: expect.objectContaining({ nodeRole: roleArn('eks-node') }) }]);
    expect(inventory.services).toEqual([{ serviceArn: SERVICE_ARN, clusterArn: expect.stringContaining(':cluster/prod'), taskDefinitions: [tdArn(HOME, 'web', 1)] }]);

    const offline = await scanJson([out], awsEnv({ AWS_ENDPOINT_URL: 'http://127.0.0.1:9' }));
    expect(findingsOf(offline)).toEqual(findingsOf(fileReport));
    expect(offline.findings.every((f) => f.location.file === 'inventory.json' && f.location.line > 1)).toBe(true);
    expect(offline.roles.find((x) => x.id === roleArn('web-exec'))!.services).toEqual([SERVICE_ARN]);
  });

  it('does not load the AWS SDK to scan an inventory file', async () => {
    const out = join(tmp, 'inventory.json');
    expect((await run(['collect', '--aws', '-o', out])).code).toBe(0);
    const offline = traceLoads([bin, 'scan', out], tmp);
    expect(offline.status).toBe(1);
    expect(offline.cjs.filter((p) => p.includes('node_modules'))).toEqual([]);
    expect(offline.files.filter((p) => p.includes('node_modules'))).toEqual([]);
  });
});

describe('a live scan under real conditions', () => {
  it('slows down under throttling instead of failing', async () => {
    let throttled = 0;
    proxy.faults = [(req) => (req.operation === 'ecs:DescribeTaskDefinition' && throttled++ < 4 ? jsonError('ThrottlingException', 'Rate exceeded') : undefined)];
    const live = await scanJson(LIVE);
    expect(throttled).toBeGreaterThan(4);
    expect(findingsOf(live)).toEqual(findingsOf(fileReport));
    // Partial only as the file scan is (pods are not read: a Fargate profile's needs stay open), never for a failed read.
    expect(live.summary.partial).toBe(fileReport.summary.partial);
    expect(live.findings.filter((f) => f.rule === 'incomplete-scan')).toEqual([]);
  });

  it('reports a denied call as incomplete-scan, goes on, and says the result is partial', async () => {
    proxy.faults = [
      (req) => (req.operation === 'ecs:ListServices' ? jsonError('AccessDeniedException', 'User is not authorized to perform: ecs:ListServices') : undefined),
      (req) => (req.operation.startsWith('eks:') && req.headers.authorization?.includes(`/${OTHER}/`) ? restError('AccessDeniedException', 'not authorized') : undefined),
    ];
    const r = await run(['scan', ...LIVE, '--format', 'json']);
    const live = JSON.parse(r.stdout) as Report;
    const incomplete = live.findings.filter((f) => f.rule === 'incomplete-scan');
    expect(incomplete.map((f) => f.message)).toEqual([
      expect.stringMatching(/^could not read services of ECS cluster prod in us-east-1: ecs:ListServices failed: AccessDeniedException: User is not authorized/),
      expect.stringMatching(/^could not read EKS clusters in eu-west-1: eks:ListClusters failed: AccessDeniedException/),
    ]);
    expect(incomplete.every((f) => f.severity === 'warning')).toBe(true);
    expect(incomplete[0].location.file).toMatch(/^arn:aws:ecs:us-east-1:123456789012:cluster\/prod$/);
    // A region-wide list that failed is located at the ARN pattern of what it lists: never a path that could be a file.
    expect(incomplete[1].location.file).toBe(`arn:aws:eks:${OTHER}:${ACCOUNT}:*`);
    expect(live.summary.partial).toBe(true);
    // The rest was read: the findings of the roles and task definitions are there.
    expect(live.findings.filter((f) => f.rule !== 'incomplete-scan').length).toBe(fileReport.findings.length);
    expect(r.code).toBe(1);
    expect((await run(['scan', ...LIVE])).stdout).toMatch(/partial result/);
  });

  it('reports a denied GetAccountAuthorizationDetails as incomplete-scan naming the permission, and reads the workloads', async () => {
    const denied = `User: arn:aws:sts::${ACCOUNT}:assumed-role/audit/rolefit-scan is not authorized to perform: iam:GetAccountAuthorizationDetails on resource: *`;
    proxy.faults = [(req) => (req.operation === 'iam:GetAccountAuthorizationDetails' ? queryError('AccessDenied', denied) : undefined)];
    const live = await scanJson(LIVE);
    const incomplete = live.findings.filter((f) => f.rule === 'incomplete-scan');
    expect(incomplete.map((f) => [f.location.file, f.message])).toEqual([
      [
        `arn:aws:iam::${ACCOUNT}:*`,
        `could not read IAM roles and policies: iam:GetAccountAuthorizationDetails failed: AccessDenied: ${denied}; the scanner needs iam:GetAccountAuthorizationDetails (the read-only policy in the README); roles not read are not analysed, and the workloads that name them report them as unresolved references`,
      ],
    ]);
    expect(live.summary).toMatchObject({ roles: 0, workloads: 4, partial: true });
  });

  it('reports a cluster deleted while it is read as incomplete-scan', async () => {
    proxy.faults = [(req) => (req.operation === 'eks:DescribeCluster' ? restError('ResourceNotFoundException', 'No cluster found for name: prod.', 404) : undefined)];
    const live = await scanJson(LIVE);
    expect(live.findings.filter((f) => f.rule === 'incomplete-scan').map((f) => [f.location.file, f.message])).toEqual([
      [`arn:aws:eks:${HOME}:${ACCOUNT}:cluster/prod`, 'could not read EKS cluster prod in us-east-1: eks:DescribeCluster failed: ResourceNotFoundException: No cluster found for name: prod.; findings that depend on it are missing'],
    ]);
    expect(live.summary.partial).toBe(true);
  });

  it('reports a service endpoint that does not resolve as incomplete-scan per region, and reads the rest', async () => {
    const env = awsEnv({ AWS_ENDPOINT_URL_EKS: 'http://eks.rolefit-test.invalid', AWS_MAX_ATTEMPTS: '2' });
    const live = await scanJson(LIVE, env);
    expect(live.findings.filter((f) => f.rule === 'incomplete-scan').map((f) => [f.location.file, f.message.replace(/failed: .*ENOTFOUND.*?;/, 'failed: ENOTFOUND;')])).toEqual(
      [HOME, OTHER].map((region) => [`arn:aws:eks:${region}:${ACCOUNT}:*`, `could not read EKS clusters in ${region}: eks:ListClusters failed: ENOTFOUND; findings that depend on it are missing`]).sort(),
    );
    expect(live.summary).toMatchObject({ roles: 6, workloads: 4, partial: true });
  });

  it('follows IsTruncated across IAM pages, however few items a page holds', async () => {
    let pages = 0;
    proxy.faults = [
      async (req, forward) => {
        if (req.operation !== 'iam:GetAccountAuthorizationDetails') return undefined;
        pages++;
        const params = new URLSearchParams(req.body);
        const marker = params.get('Marker');
        params.delete('Marker');
        const full = await forward(params.toString());
        const roles = splitMembers(full.body, 'RoleDetailList');
        expect(roles.members.length).toBe(6);
        // Page 1: two roles, no policies, truncated. Page 2: the other roles and the policies.
        if (!marker) {
          const body = roles.before + roles.members.slice(0, 2).join('') + roles.after;
          const p = splitMembers(body, 'Policies');
          return { ...full, body: (p.before + p.after).replace(/<IsTruncated>false<\/IsTruncated>/, '<IsTruncated>true</IsTruncated><Marker>page-2</Marker>') };
        }
        expect(marker).toBe('page-2');
        return { ...full, body: roles.before + roles.members.slice(2).join('') + roles.after };
      },
    ];
    const live = await scanJson(LIVE);
    expect(pages).toBe(2);
    expect(findingsOf(live)).toEqual(findingsOf(fileReport));
  });

  it('stops with a clear message and exit 2 when the credentials are rejected or missing', async () => {
    proxy.faults = [(req) => (req.operation === 'sts:GetCallerIdentity' ? queryError('InvalidClientTokenId', 'The security token included in the request is invalid.') : undefined)];
    const rejected = await run(['scan', '--aws']);
    expect(rejected).toMatchObject({ code: 2, stdout: '' });
    expect(rejected.stderr).toBe('rolefit: AWS credentials: InvalidClientTokenId: The security token included in the request is invalid.\n');
    // The same answer in an opt-in region the account has not enabled: the message asks about that.
    const optIn = await run(['scan', '--aws', '--region', 'af-south-1']);
    expect(optIn).toMatchObject({ code: 2, stdout: '' });
    expect(optIn.stderr).toBe('rolefit: AWS credentials: InvalidClientTokenId: The security token included in the request is invalid. (read in af-south-1, an opt-in region: is it enabled for the account?)\n');
    proxy.faults = [];
    const missing = await run(['scan', '--aws'], awsEnv({ AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined }));
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/^rolefit: AWS credentials: CredentialsProviderError: .+\n$/);
    const noRegion = await run(['scan', '--aws'], awsEnv({ AWS_REGION: undefined }));
    expect(noRegion).toMatchObject({ code: 2, stderr: 'rolefit: no AWS region: pass --region, set AWS_REGION, or set a region in the profile\n' });
  });

  it('reports a region the credentials are not valid in (an opt-in region not enabled) as incomplete, and scans the others', async () => {
    // AWS answers every call in a disabled region as if the credentials were invalid.
    proxy.faults = [
      (req) => {
        if (!req.headers.authorization?.includes(`/${OTHER}/`)) return undefined;
        const message = 'The security token included in the request is invalid.';
        return req.operation.startsWith('ecs:') ? jsonError('UnrecognizedClientException', message) : restError('UnrecognizedClientException', message);
      },
    ];
    const r = await run(['scan', ...LIVE, '--format', 'json', '--fail-on', 'none']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const live = JSON.parse(r.stdout) as Report;
    const incomplete = live.findings.filter((f) => f.rule === 'incomplete-scan');
    expect(incomplete.length).toBeGreaterThan(0);
    for (const f of incomplete) {
      expect(f.message).toMatch(new RegExp(`in ${OTHER}: .* failed: UnrecognizedClientException: The security token included in the request is invalid\\. \\(the same credentials work in ${HOME}: is ${OTHER} enabled for the account\\?\\)`));
    }
    // us-east-1 was read: its task definitions are there.
    expect(live.roles.find((x) => x.id === roleArn('web-exec'))!.workloads).toContain(tdArn(HOME, 'web', 2));
    expect(live.summary.partial).toBe(true);
  });

  it('stops with exit 2 and one message, no stack trace, when the credentials expire in the middle of the scan', async () => {
    // Every call after the caller identity is refused; IAM answers last, after the regions have failed.
    proxy.faults = [
      async (req) => {
        if (req.operation === 'sts:GetCallerIdentity') return undefined;
        if (req.operation.startsWith('iam:')) {
          await new Promise((resolve) => setTimeout(resolve, 300));
          return queryError('ExpiredToken', 'The security token included in the request is expired');
        }
        if (req.operation.startsWith('ecs:')) return jsonError('ExpiredTokenException', 'The security token included in the request is expired');
        return restError('ExpiredTokenException', 'The security token included in the request is expired');
      },
    ];
    for (const args of [['scan', ...LIVE], ['collect', ...LIVE, '-o', join(tmp, 'expired.json')]]) {
      const r = await run(args);
      expect(r).toMatchObject({ code: 2, stdout: '' });
      expect(r.stderr).toMatch(/^rolefit: AWS credentials were rejected: (ExpiredToken|ExpiredTokenException): The security token included in the request is expired\n$/);
    }
  });

  it('shows progress on a terminal stderr unless --quiet, and nothing but the report on stdout', async () => {
    const env = process.env;
    process.env = awsEnv();
    try {
      const io = () => {
        const out = { stdout: '', stderr: '' };
        return { out, io: { stdout: { write: (s: string) => (out.stdout += s) }, stderr: { isTTY: true, write: (s: string) => (out.stderr += s) } } };
      };
      const a = io();
      expect(await main(['scan', ...LIVE, '--format', 'json', '--fail-on', 'none'], a.io)).toBe(0);
      expect(JSON.parse(a.out.stdout).summary.roles).toBe(6);
      expect(a.out.stderr).toMatch(/^rolefit: account 123456789012 \(aws\), regions us-east-1, eu-west-1\n/);
      expect(a.out.stderr).toMatch(/^rolefit: IAM: 6 roles, \d+ managed polic/m);
      expect(a.out.stderr).toMatch(/^rolefit: us-east-1: ECS 1 cluster, 1 service, 3 task definitions$/m);
      expect(a.out.stderr).toMatch(/^rolefit: us-east-1: EKS 1 cluster, 1 Fargate profile, 1 node group$/m);
      expect(a.out.stderr).toMatch(/^rolefit: read in \d+ API requests \(ecs \d+, eks \d+, iam 1, sts 1\)\n$/m);
      const q = io();
      expect(await main(['scan', ...LIVE, '--quiet', '--format', 'json', '--fail-on', 'none'], q.io)).toBe(0);
      expect(q.out.stderr).toBe('');
    } finally {
      process.env = env;
    }
  });

  it('loads the AWS SDK for a live scan (the trace that shows a file scan does not would see it)', async () => {
    const env = process.env;
    // No region: the scan stops (exit 2) right after loading the SDK to look for one, before any request.
    process.env = awsEnv({ AWS_REGION: undefined });
    try {
      const loads = traceLoads([bin, 'scan', '--aws'], tmp);
      expect(loads.status).toBe(2);
      expect(loads.cjs.some((p) => p.includes('/node_modules/@aws-sdk/client-sts/'))).toBe(true);
    } finally {
      process.env = env;
    }
  });
});
