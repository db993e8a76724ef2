// Live-scan benchmark (not a test): an account of 1,000 roles and 2,000 task definitions (1,000
// families × 2 revisions), an ECS cluster with services and an EKS cluster with Fargate profiles,
// created in moto; then `rolefit scan --aws` (latest revisions) and `--all-revisions`, timed as whole
// processes, with the API calls each sent per service, counted by a proxy in front of moto.
// moto runs on the same machine, so the durations include the emulator's own work.
// Usage: tsx bench/live.ts [--roles 1000] [--task-definitions 2000]
import { spawn } from 'node:child_process';
import { relative } from 'node:path';
import { IAMClient, AttachRolePolicyCommand, CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { ECSClient, CreateClusterCommand, CreateServiceCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { EKSClient, CreateClusterCommand as CreateEksClusterCommand, CreateFargateProfileCommand } from '@aws-sdk/client-eks';
import { startMoto } from '../test/helpers/moto.js';
import { AwsProxy } from '../test/helpers/aws-proxy.js';
import { limiter } from '../src/sources/aws/clients.js';
import { ensureBuilt, flag, machine, REPO, ROLEFIT_BIN, table, writeResult } from './lib.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

async function createAccount(endpoint: string, roles: number, taskDefinitions: number): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const config = { region: REGION, endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 10 };
  const iam = new IAMClient(config);
  const ecs = new ECSClient(config);
  const eks = new EKSClient(config);
  const limit = limiter(8);
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  await Promise.all(
    Array.from({ length: roles }, (_, i) =>
      limit(async () => {
        const RoleName = `svc-${i}-exec`;
        await iam.send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: trust }));
        const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'ssm:GetParameters'], Resource: '*' }] };
        await iam.send(new PutRolePolicyCommand({ RoleName, PolicyName: 'secrets', PolicyDocument: JSON.stringify(doc) }));
        await iam.send(new AttachRolePolicyCommand({ RoleName, PolicyArn: 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy' }));
      }),
    ),
  );
  const families = Math.ceil(taskDefinitions / 2);
  // Revision 1 of every family first, then revision 2: each family ends with two ACTIVE revisions.
  for (let rev = 1; rev <= 2; rev++) {
    await Promise.all(
      Array.from({ length: families }, (_, f) =>
        limit(async () => {
          if ((rev - 1) * families + f >= taskDefinitions) return;
          const family = `svc-${f}`;
          await ecs.send(
            new RegisterTaskDefinitionCommand({
              family,
              executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/svc-${f % roles}-exec`,
              requiresCompatibilities: ['FARGATE'],
              networkMode: 'awsvpc',
              cpu: '256',
              memory: '512',
              containerDefinitions: [
                {
                  name: 'app',
                  image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/svc-${f}:${rev}`,
                  secrets: [{ name: 'DB', valueFrom: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:svc-${f}/db-AbCdEf` }],
                  logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': `/ecs/svc-${f}`, 'awslogs-region': REGION, 'awslogs-stream-prefix': 'app' } },
                },
              ],
            }),
          );
        }),
      ),
    );
  }
  await ecs.send(new CreateClusterCommand({ clusterName: 'prod' }));
  for (let s = 0; s < Math.min(25, families); s++) await ecs.send(new CreateServiceCommand({ cluster: 'prod', serviceName: `svc-${s}`, taskDefinition: `svc-${s}:1`, desiredCount: 1 }));
  const subnets = ['subnet-0123456789abcdef0'];
  await eks.send(new CreateEksClusterCommand({ name: 'prod', roleArn: `arn:aws:iam::${ACCOUNT}:role/svc-0-exec`, resourcesVpcConfig: { subnetIds: subnets } }));
  for (let p = 0; p < 4; p++) {
    await eks.send(
      new CreateFargateProfileCommand({ clusterName: 'prod', fargateProfileName: `ns-${p}`, podExecutionRoleArn: `arn:aws:iam::${ACCOUNT}:role/svc-${p}-exec`, subnets, selectors: [{ namespace: `ns-${p}` }] }),
    );
  }
  for (const c of [iam, ecs, eks]) c.destroy();
}

interface Run {
  label: string;
  seconds: number;
  code: number | null;
  roles: number;
  workloads: number;
  findings: number;
  calls: Record<string, number>;
}

function scanOnce(label: string, args: string[], proxy: AwsProxy): Promise<Run> {
  proxy.requests.length = 0;
  // Only the emulator's credentials and endpoint: a profile or endpoint of the user's own (AWS_PROFILE
  // would take precedence over the keys) must not reach the scan.
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  Object.assign(env, {
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL: proxy.url,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ROLEFIT_BIN, 'scan', '--aws', ...args, '--format', 'json', '--fail-on', 'none'], { cwd: REPO, env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) return reject(new Error(`rolefit scan --aws exited ${code}: ${err}`));
      const report = JSON.parse(out);
      const calls: Record<string, number> = {};
      for (const r of proxy.requests) {
        const service = r.operation.split(':')[0];
        calls[service] = (calls[service] ?? 0) + 1;
      }
      resolve({ label, seconds, code, roles: report.summary.roles, workloads: report.summary.workloads, findings: report.summary.findings, calls });
    });
  });
}

export async function live(argv: string[]): Promise<void> {
  ensureBuilt();
  const roles = Number(flag(argv, '--roles') ?? 1000);
  const taskDefinitions = Number(flag(argv, '--task-definitions') ?? 2000);
  const moto = await startMoto();
  const proxy = new AwsProxy(moto.url);
  await proxy.start();
  try {
    console.log(`live: creating ${roles} roles and ${taskDefinitions} task definitions in moto`);
    const t0 = Date.now();
    await createAccount(moto.url, roles, taskDefinitions);
    const setup = (Date.now() - t0) / 1000;
    const runs = [await scanOnce('latest revisions (default)', [], proxy), await scanOnce('--all-revisions', ['--all-revisions'], proxy)];
    const services = [...new Set(runs.flatMap((r) => Object.keys(r.calls)))].sort();
    const md = [
      '# Live scan',
      '',
      `An account in moto (\`moto[server]\`, test/moto-requirements.txt) on loopback: ${roles} roles (trust, an inline policy, an AWS managed policy attached) and ${taskDefinitions} task definitions (${Math.ceil(taskDefinitions / 2)} families × 2 revisions), an ECS cluster with ${Math.min(25, Math.ceil(taskDefinitions / 2))} services running revision 1, an EKS cluster with 4 Fargate profiles; created in ${setup.toFixed(0)} s. Each scan is \`rolefit scan --aws --format json\` as one process (start-up included), once; API calls are the HTTP requests a proxy in front of moto received, retries included. moto answers on the same 2 cores, so the durations are dominated by the emulator and say little about AWS itself, whose latency is higher and whose throttling the adaptive retry absorbs; the call counts carry over.`,
      '',
      table(
        ['scan', 'duration', 'roles', 'task definitions', 'findings', ...services.map((s) => `${s} calls`), 'total calls'],
        runs.map((r) => [r.label, `${r.seconds.toFixed(1)} s`, r.roles, r.workloads, r.findings, ...services.map((s) => r.calls[s] ?? 0), Object.values(r.calls).reduce((a, b) => a + b, 0)]),
      ),
      '',
      'IAM is read in pages of up to 1,000 roles (`GetAccountAuthorizationDetails`); ECS costs one `DescribeTaskDefinition` per revision read (plus the service revisions that are not the latest), which makes it the bulk of the calls.',
      '',
      `Machine: ${machine().replace(/; timed with [^;]+/, '')}.`,
      '',
      `Reproduce: \`npm run bench -- live\` (or \`npx tsx bench/live.ts --roles ${roles} --task-definitions ${taskDefinitions}\`).`,
    ].join('\n');
    const file = writeResult('live', md);
    console.log(md);
    console.log(`\nwrote ${relative(REPO, file)}`);
  } finally {
    await proxy.stop();
    await moto.stop();
  }
}

if (import.meta.filename === process.argv[1]) await live(process.argv.slice(2));
