// One small account for the live-scan tests, written once as data: created in moto through the real
// AWS SDK (createInfra), and written independently as the files a user would scan (writeInfraFiles:
// an `aws iam get-account-authorization-details` dump, DescribeTaskDefinition outputs, an inventory
// with the EKS objects). A live scan of the one must find what a file scan of the other finds.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IAMClient, AttachRolePolicyCommand, CreatePolicyCommand, CreatePolicyVersionCommand, CreateRoleCommand, PutRolePolicyCommand, PutRolePermissionsBoundaryCommand } from '@aws-sdk/client-iam';
import { ECSClient, CreateClusterCommand, CreateServiceCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { EKSClient, CreateClusterCommand as CreateEksClusterCommand, CreateFargateProfileCommand, CreateNodegroupCommand } from '@aws-sdk/client-eks';

export const ACCOUNT = '123456789012';
export const HOME = 'us-east-1';
export const OTHER = 'eu-west-1';

const doc = (Statement: unknown[]) => ({ Version: '2012-10-17', Statement });
const ecsTrust = doc([{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } }]);
const fargateTrust = doc([
  {
    Effect: 'Allow',
    Principal: { Service: 'eks-fargate-pods.amazonaws.com' },
    Action: 'sts:AssumeRole',
    Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:eks:${HOME}:${ACCOUNT}:fargateprofile/prod/*` } },
  },
]);
const EXEC_POLICY = 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy';
const FARGATE_POD_POLICY = 'arn:aws:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy';
const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/exec-boundary`;

export const boundaryVersions = [
  doc([{ Effect: 'Allow', Action: '*', Resource: '*' }]),
  doc([{ Sid: 'Run', Effect: 'Allow', Action: ['ecr:*', 'logs:*', 'secretsmanager:GetSecretValue', 'kms:Decrypt'], Resource: '*' }]),
];

export interface RoleSpec {
  name: string;
  path: string;
  trust: unknown;
  inline: Record<string, unknown>;
  managed: string[];
  boundary?: string;
}

export const roles: RoleSpec[] = [
  {
    name: 'web-exec',
    path: '/',
    trust: ecsTrust,
    inline: { 'web-extra': doc([{ Sid: 'Secrets', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' }, { Sid: 'Data', Effect: 'Allow', Action: 's3:*', Resource: '*' }]) },
    managed: [EXEC_POLICY],
    boundary: BOUNDARY,
  },
  {
    name: 'worker-exec',
    path: '/ecs/',
    trust: ecsTrust,
    inline: { logs: doc([{ Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: `arn:aws:logs:*:${ACCOUNT}:log-group:/ecs/worker:*` }]) },
    managed: [],
  },
  {
    name: 'pod-exec',
    path: '/',
    trust: fargateTrust,
    // Pod execution roles pull images and ship logs: reading S3 objects is excess.
    inline: { reports: doc([{ Sid: 'Reports', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' }]) },
    managed: [FARGATE_POD_POLICY],
  },
  {
    name: 'ci-deployer',
    path: '/',
    trust: doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }]),
    inline: { deploy: doc([{ Effect: 'Allow', Action: ['iam:PassRole', 'iam:CreatePolicyVersion', 'ecs:UpdateService'], Resource: '*' }]) },
    managed: [],
  },
  { name: 'eks-cluster', path: '/', trust: doc([{ Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: 'sts:AssumeRole' }]), inline: {}, managed: [] },
  { name: 'eks-node', path: '/', trust: doc([{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }]), inline: {}, managed: [] },
];

export const roleArn = (name: string) => {
  const r = roles.find((x) => x.name === name)!;
  return `arn:aws:iam::${ACCOUNT}:role${r.path}${name}`;
};

interface TaskSpec {
  region: string;
  family: string;
  role: string;
  image: string;
  logGroup: string;
  secret?: string;
}

const ecr = (region: string, repo: string) => `${ACCOUNT}.dkr.ecr.${region}.amazonaws.com/${repo}`;
/** In registration order: web:1, web:2, worker:1 at home, batch:1 in the other region. */
export const taskDefinitions: TaskSpec[] = [
  { region: HOME, family: 'web', role: 'web-exec', image: `${ecr(HOME, 'web')}:1`, logGroup: '/ecs/web', secret: `arn:aws:secretsmanager:${HOME}:${ACCOUNT}:secret:web/db-AbCdEf` },
  { region: HOME, family: 'web', role: 'web-exec', image: `${ecr(HOME, 'web')}:2`, logGroup: '/ecs/web', secret: `arn:aws:secretsmanager:${HOME}:${ACCOUNT}:secret:web/db-AbCdEf` },
  { region: HOME, family: 'worker', role: 'worker-exec', image: `${ecr(HOME, 'worker')}:7`, logGroup: '/ecs/worker' },
  { region: OTHER, family: 'batch', role: 'worker-exec', image: `${ecr(OTHER, 'batch')}:3`, logGroup: '/ecs/batch' },
];
/** A value that must never reach a collected inventory. */
export const SECRET_ENV_VALUE = 'hunter2-do-not-collect';

function registration(t: TaskSpec) {
  return {
    family: t.family,
    executionRoleArn: roleArn(t.role),
    networkMode: 'awsvpc' as const,
    requiresCompatibilities: ['FARGATE' as const],
    cpu: '256',
    memory: '512',
    containerDefinitions: [
      {
        name: t.family,
        image: t.image,
        essential: true,
        environment: [{ name: 'API_TOKEN', value: SECRET_ENV_VALUE }],
        ...(t.secret ? { secrets: [{ name: 'DB_PASSWORD', valueFrom: t.secret }] } : {}),
        logConfiguration: { logDriver: 'awslogs' as const, options: { 'awslogs-group': t.logGroup, 'awslogs-region': t.region, 'awslogs-stream-prefix': t.family } },
      },
    ],
  };
}

export const tdArn = (region: string, family: string, revision: number) => `arn:aws:ecs:${region}:${ACCOUNT}:task-definition/${family}:${revision}`;
export const SERVICE_ARN = `arn:aws:ecs:${HOME}:${ACCOUNT}:service/prod/web`;
export const PROFILE = { name: 'web-pods', cluster: 'prod', selectors: [{ namespace: 'web', labels: { app: 'web' } }] };
export const NODEGROUP = { name: 'system', cluster: 'prod' };

/** Creates the account in moto (at `endpoint`) through the SDK. */
export async function createInfra(endpoint: string): Promise<{ profileArn: string; nodegroupArn: string }> {
  const config = (region: string) => ({ region, endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  const iam = new IAMClient(config(HOME));
  const p = await iam.send(new CreatePolicyCommand({ PolicyName: 'exec-boundary', PolicyDocument: JSON.stringify(boundaryVersions[0]) }));
  if (p.Policy?.Arn !== BOUNDARY) throw new Error(`unexpected policy ARN ${p.Policy?.Arn}`);
  await iam.send(new CreatePolicyVersionCommand({ PolicyArn: BOUNDARY, PolicyDocument: JSON.stringify(boundaryVersions[1]), SetAsDefault: true }));
  for (const r of roles) {
    await iam.send(new CreateRoleCommand({ RoleName: r.name, Path: r.path, AssumeRolePolicyDocument: JSON.stringify(r.trust) }));
    for (const [name, d] of Object.entries(r.inline)) await iam.send(new PutRolePolicyCommand({ RoleName: r.name, PolicyName: name, PolicyDocument: JSON.stringify(d) }));
    for (const arn of r.managed) await iam.send(new AttachRolePolicyCommand({ RoleName: r.name, PolicyArn: arn }));
    if (r.boundary) await iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: r.name, PermissionsBoundary: r.boundary }));
  }
  for (const t of taskDefinitions) await new ECSClient(config(t.region)).send(new RegisterTaskDefinitionCommand(registration(t)));
  const ecs = new ECSClient(config(HOME));
  await ecs.send(new CreateClusterCommand({ clusterName: 'prod' }));
  await ecs.send(new CreateServiceCommand({ cluster: 'prod', serviceName: 'web', taskDefinition: 'web:1', desiredCount: 1 }));
  const eks = new EKSClient(config(HOME));
  const vpc = { subnetIds: ['subnet-0123456789abcdef0'] };
  await eks.send(new CreateEksClusterCommand({ name: 'prod', roleArn: roleArn('eks-cluster'), resourcesVpcConfig: vpc }));
  const fp = await eks.send(
    new CreateFargateProfileCommand({ clusterName: PROFILE.cluster, fargateProfileName: PROFILE.name, podExecutionRoleArn: roleArn('pod-exec'), selectors: PROFILE.selectors, subnets: vpc.subnetIds }),
  );
  const ng = await eks.send(new CreateNodegroupCommand({ clusterName: NODEGROUP.cluster, nodegroupName: NODEGROUP.name, nodeRole: roleArn('eks-node'), subnets: vpc.subnetIds }));
  for (const c of [iam, ecs, eks]) c.destroy();
  return { profileArn: fp.fargateProfile!.fargateProfileArn!, nodegroupArn: ng.nodegroup!.nodegroupArn! };
}

/**
 * The same account as files, written from the spec (not from anything moto returned but the EKS
 * ARNs, which carry a generated id): the IAM dump as the AWS CLI prints it (documents decoded, every
 * policy version), DescribeTaskDefinition outputs of the revisions a live scan reads (each family's
 * latest and the one the service runs), and the EKS objects.
 */
export function writeInfraFiles(dir: string, eksArns: { profileArn: string; nodegroupArn: string }): void {
  mkdirSync(dir, { recursive: true });
  const iam = {
    RoleDetailList: roles.map((r) => ({
      Path: r.path,
      RoleName: r.name,
      Arn: roleArn(r.name),
      AssumeRolePolicyDocument: r.trust,
      RolePolicyList: Object.entries(r.inline).map(([PolicyName, PolicyDocument]) => ({ PolicyName, PolicyDocument })),
      AttachedManagedPolicies: r.managed.map((PolicyArn) => ({ PolicyName: PolicyArn.slice(PolicyArn.lastIndexOf('/') + 1), PolicyArn })),
      ...(r.boundary ? { PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: r.boundary } } : {}),
    })),
    Policies: [
      {
        PolicyName: 'exec-boundary',
        Arn: BOUNDARY,
        DefaultVersionId: 'v2',
        PolicyVersionList: boundaryVersions.map((Document, i) => ({ Document, VersionId: `v${i + 1}`, IsDefaultVersion: i === 1 })),
      },
    ],
  };
  writeFileSync(join(dir, 'iam.json'), JSON.stringify(iam, null, 2));
  const revision = new Map<string, number>();
  const described = taskDefinitions.map((t) => {
    const rev = (revision.get(`${t.region}/${t.family}`) ?? 0) + 1;
    revision.set(`${t.region}/${t.family}`, rev);
    return { taskDefinition: { ...registration(t), taskDefinitionArn: tdArn(t.region, t.family, rev), revision: rev, status: 'ACTIVE' } };
  });
  // web:1 is not the latest of its family, but the service runs it: a live scan reads it too.
  writeFileSync(join(dir, 'task-definitions.json'), JSON.stringify({ taskDefinitions: described }, null, 2));
  const eks = {
    rolefitInventory: 1,
    fargateProfiles: [
      { fargateProfile: { fargateProfileName: PROFILE.name, fargateProfileArn: eksArns.profileArn, clusterName: PROFILE.cluster, podExecutionRoleArn: roleArn('pod-exec'), selectors: PROFILE.selectors } },
    ],
    nodegroups: [{ nodegroup: { nodegroupName: NODEGROUP.name, nodegroupArn: eksArns.nodegroupArn, clusterName: NODEGROUP.cluster, nodeRole: roleArn('eks-node') } }],
  };
  writeFileSync(join(dir, 'eks.json'), JSON.stringify(eks, null, 2));
}
