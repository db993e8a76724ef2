// Pod execution role scenarios (domain.md §2, M9, M25, M26): an eksctl cluster, one role as an IAM
// dump, and the manifests the scan sees. Each states what must be reported and what must not.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scan } from '../src/scan.js';
import type { Finding, Report } from '../src/report/types.js';

const A = '111122223333';
const ROLE = `arn:aws:iam::${A}:role/shop-per`;
const IMAGE = `${A}.dkr.ecr.eu-west-1.amazonaws.com/shop/web:1`;
const REPO = `arn:aws:ecr:eu-west-1:${A}:repository/shop/web`;
const SOURCE_ARN = `arn:aws:eks:eu-west-1:${A}:fargateprofile/shop/*`;
const PULL = [
  { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
  { Effect: 'Allow', Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], Resource: REPO },
];
const trust = (condition: object | null = { ArnLike: { 'aws:SourceArn': SOURCE_ARN } }, service: string = 'eks-fargate-pods.amazonaws.com') => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole', ...(condition && { Condition: condition }) }],
});
const deployment = (namespace: string, image = IMAGE, kind = 'Deployment') => `apiVersion: apps/v1
kind: ${kind}
metadata: {name: web, namespace: ${namespace}}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "${image}"}]}
`;
const logging = (conf: string, extra = '') => `apiVersion: v1
kind: ConfigMap
metadata: {name: aws-logging, namespace: aws-observability}
data:${extra}
  output.conf: |
${conf
  .trim()
  .split('\n')
  .map((l) => '    ' + l)
  .join('\n')}
`;

interface Scenario {
  statements?: object[];
  managed?: string[];
  trust?: object;
  /** Extra lines of the eksctl fargateProfiles[0] entry. */
  selectors?: string;
  manifests?: string[];
  files?: Record<string, string>;
  roleInScan?: boolean;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function run(s: Scenario): Report {
  const dir = mkdtempSync(join(tmpdir(), 'rolefit-eks-scenario-'));
  dirs.push(dir);
  writeFileSync(
    join(dir, 'cluster.yaml'),
    `apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: shop, region: eu-west-1}
fargateProfiles:
  - name: shop-apps
    podExecutionRoleARN: ${ROLE}
    selectors:
${s.selectors ?? '      - namespace: shop'}
`,
  );
  if (s.roleInScan !== false) {
    const role = {
      Path: '/',
      RoleName: 'shop-per',
      RoleId: 'AROAEXAMPLE000000001',
      Arn: ROLE,
      AssumeRolePolicyDocument: s.trust ?? trust(),
      RolePolicyList: s.statements ? [{ PolicyName: 'per', PolicyDocument: { Version: '2012-10-17', Statement: s.statements } }] : [],
      AttachedManagedPolicies: (s.managed ?? []).map((arn) => ({ PolicyArn: arn, PolicyName: arn.split('/').pop() })),
    };
    writeFileSync(join(dir, 'iam.json'), JSON.stringify({ RoleDetailList: [role], Policies: [] }, null, 2));
  }
  mkdirSync(join(dir, 'k8s'));
  (s.manifests ?? [deployment('shop')]).forEach((m, i) => writeFileSync(join(dir, 'k8s', `m${i}.yaml`), m));
  for (const [name, text] of Object.entries(s.files ?? {})) writeFileSync(join(dir, name), text);
  return scan({ paths: ['.'], cwd: dir });
}

const rules = (r: Report) => r.findings.map((f) => `${f.rule}/${f.severity}`);
const of = (r: Report, rule: string): Finding[] => r.findings.filter((f) => f.rule === rule);

describe('a least-privilege pod execution role', () => {
  it('has no finding, and its role report lists the pulls of the pods its profile selects', () => {
    const r = run({ statements: PULL });
    expect(r.findings).toEqual([]);
    const [role] = r.roles;
    expect(role.kind).toBe('pod-execution-role');
    expect(role.workloads).toEqual(['shop/shop-apps']);
    expect(role.needs.filter((n) => !n.optional).map((n) => `${n.action} ${n.resource}`)).toEqual([
      'ecr:GetAuthorizationToken *',
      `ecr:BatchGetImage ${REPO}`,
      `ecr:GetDownloadUrlForLayer ${REPO}`,
    ]);
    expect(role.incomplete).toEqual([]);
  });
  it('pods outside the profile add nothing; public images need nothing', () => {
    const r = run({ statements: PULL, manifests: [deployment('shop'), deployment('other', `${A}.dkr.ecr.eu-west-1.amazonaws.com/other:1`), deployment('shop', 'public.ecr.aws/nginx/nginx:1')] });
    expect(r.findings).toEqual([]);
  });
});

describe('trust', () => {
  it('a role trusting ECS instead of EKS Fargate is trust-principal', () => {
    const r = run({ statements: PULL, trust: trust(null, 'ecs-tasks.amazonaws.com') });
    expect(of(r, 'trust-principal').map((f) => f.message)).toEqual([
      expect.stringContaining('does not admit eks-fargate-pods.amazonaws.com: the pods cannot start'),
      expect.stringContaining('also admits Service ecs-tasks.amazonaws.com'),
    ]);
  });
  it('no SourceArn is a confused-deputy note', () => {
    expect(rules(run({ statements: PULL, trust: trust(null) }))).toEqual(['trust-confused-deputy/note']);
  });
  it('a SourceArn of another region is a missing-permission error; a region wildcard is fine', () => {
    const wrong = run({ statements: PULL, trust: trust({ ArnLike: { 'aws:SourceArn': `arn:aws:eks:us-east-1:${A}:fargateprofile/shop/*` } }) });
    expect(rules(wrong)).toEqual(['missing-permission/error']);
    expect(wrong.findings[0].message).toContain('cannot match Fargate profile shop-apps of cluster shop');
    expect(run({ statements: PULL, trust: trust({ ArnLike: { 'aws:SourceArn': `arn:aws:eks:*:${A}:fargateprofile/*/*` } }) }).findings).toEqual([]);
  });
  it('StringEquals takes "*" literally: a wildcard SourceArn under it matches no profile', () => {
    const r = run({ statements: PULL, trust: trust({ StringEquals: { 'aws:SourceArn': SOURCE_ARN } }) });
    expect(rules(r)).toEqual(['missing-permission/error']);
  });
  it('a SourceArn naming the profile itself (ArnEquals with its id) is fine', () => {
    const exact = `arn:aws:eks:eu-west-1:${A}:fargateprofile/shop/shop-apps/6ec7ab3c-1a2b-4c5d-8e9f-0a1b2c3d4e5f`;
    expect(run({ statements: PULL, trust: trust({ ArnEquals: { 'aws:SourceArn': exact } }) }).findings).toEqual([]);
  });
});

describe('excess', () => {
  it('S3 "for the pods" is excess-action, with the IRSA / Pod Identity guidance', () => {
    const r = run({ statements: [...PULL, { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::shop-data/*' }] });
    const [f] = of(r, 'excess-action');
    expect(f.severity).toBe('error');
    expect(f.message).toContain('IRSA or EKS Pod Identity');
  });
  it('the node policy attached by mistake is excess-action', () => {
    const r = run({ statements: PULL, managed: ['arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy'] });
    expect(of(r, 'excess-action').map((f) => f.actions.includes('ec2:DescribeInstances'))).toEqual([true]);
  });
  it('the AWS managed pod execution policy pulls from every repository: excess-resource warning', () => {
    const r = run({ managed: ['arn:aws:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy'] });
    expect(rules(r)).toEqual(['excess-resource/warning']);
  });
});

describe('images the scan cannot see', () => {
  it('a selector no scanned pod matches keeps its pulls assumed, beside the known ones', () => {
    // kube-system add-ons (CoreDNS) pull from AWS's own registries: not excess.
    const r = run({
      managed: ['arn:aws:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy'],
      selectors: '      - namespace: shop\n      - namespace: kube-system',
      manifests: [deployment('shop', 'public.ecr.aws/nginx/nginx:1')],
    });
    expect(r.findings).toEqual([]);
    expect(r.roles[0].incomplete).toEqual([expect.stringContaining('selects in namespace kube-system are not known')]);
  });
  it('the auth token, which has no resource type, is not said to be "on any repository"', () => {
    const r = run({ statements: [{ Effect: 'Allow', Action: 'logs:CreateLogStream', Resource: '*' }], manifests: [] });
    expect(of(r, 'missing-permission').map((f) => f.message)).toEqual([
      expect.stringMatching(/^role shop-per does not allow ecr:BatchGetImage, ecr:GetDownloadUrlForLayer on any ECR repository/),
      expect.stringMatching(/^role shop-per does not allow ecr:GetAuthorizationToken, needed/),
    ]);
  });
  it('a repository-scoped grant is not reported; the role report says why the analysis is incomplete', () => {
    const r = run({ statements: PULL, manifests: [] });
    expect(r.findings).toEqual([]);
    expect(r.roles[0].incomplete).toEqual([expect.stringContaining('images of the pods of Fargate profile shop-apps are not known')]);
    expect(r.summary.partial).toBe(true);
  });
  it('the managed policy is not excess then', () => {
    expect(run({ managed: ['arn:aws:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy'], manifests: [] }).findings).toEqual([]);
  });
  it('a role that cannot pull from ECR at all is a warning', () => {
    const r = run({ statements: [{ Effect: 'Allow', Action: 'logs:CreateLogStream', Resource: '*' }], manifests: [] });
    expect(of(r, 'missing-permission').map((f) => f.severity)).toEqual(['warning', 'warning']);
  });
});

describe('the log router', () => {
  const cw = `[OUTPUT]
    Name cloudwatch_logs
    Match *
    region eu-west-1
    log_group_name /eks/shop
    log_stream_prefix pod-
    auto_create_group true`;
  const cwGrant = [
    { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `arn:aws:logs:eu-west-1:${A}:log-group:/eks/shop:*` },
    { Effect: 'Allow', Action: 'logs:CreateLogGroup', Resource: `arn:aws:logs:eu-west-1:${A}:log-group:/eks/shop` },
  ];
  it('CloudWatch Logs output needs stream writes and, with auto_create_group, the group', () => {
    const r = run({ statements: PULL, manifests: [deployment('shop'), logging(cw)] });
    expect(of(r, 'missing-permission').map((f) => f.actions.join(','))).toEqual(['logs:CreateLogStream,logs:PutLogEvents', 'logs:CreateLogGroup']);
    expect(of(r, 'missing-permission')[0].message).toContain("the Fargate log router cannot ship the pods' logs");
    expect(run({ statements: [...PULL, ...cwGrant], manifests: [deployment('shop'), logging(cw)] }).findings).toEqual([]);
  });
  it('a log-group ARN without ":*" does not cover the streams', () => {
    const r = run({ statements: [...PULL, { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:CreateLogGroup'], Resource: `arn:aws:logs:eu-west-1:${A}:log-group:/eks/shop` }], manifests: [deployment('shop'), logging(cw)] });
    expect(of(r, 'missing-permission')[0].message).toContain('does not cover its log streams');
  });
  it('Firehose, Kinesis and OpenSearch outputs need their own writes', () => {
    const conf = `[OUTPUT]
    Name kinesis_firehose
    region eu-west-1
    delivery_stream pods
[OUTPUT]
    Name kinesis
    region eu-west-1
    stream audit
[OUTPUT]
    Name es
    Host search-logs-abc123def.eu-west-1.es.amazonaws.com
    AWS_Auth On
    AWS_Region eu-west-1`;
    const r = run({ statements: PULL, manifests: [deployment('shop'), logging(conf)] });
    expect(of(r, 'missing-permission').map((f) => `${f.actions.join(',')} ${f.resources[0]}`)).toEqual([
      `firehose:PutRecordBatch arn:aws:firehose:eu-west-1:${A}:deliverystream/pods`,
      `kinesis:PutRecords arn:aws:kinesis:eu-west-1:${A}:stream/audit`,
      `es:ESHttpPost,es:ESHttpPut arn:aws:es:eu-west-1:${A}:domain/logs/*`,
    ]);
  });
  it('an output that assumes a role of its own needs only sts:AssumeRole on it', () => {
    const conf = `[OUTPUT]
    Name cloudwatch_logs
    log_group_name /eks/shop
    role_arn arn:aws:iam::${A}:role/log-writer`;
    const r = run({ statements: PULL, manifests: [deployment('shop'), logging(conf)] });
    expect(of(r, 'missing-permission').map((f) => `${f.actions.join(',')} ${f.resources[0]}`)).toEqual([`sts:AssumeRole arn:aws:iam::${A}:role/log-writer`]);
  });
  it('flb_log_cw ships Fluent Bit\'s own logs to <cluster>-fluent-bit-logs', () => {
    const r = run({ statements: PULL, manifests: [deployment('shop'), logging(cw.replace('auto_create_group true', ''), '\n  flb_log_cw: "true"')] });
    expect(of(r, 'missing-permission').map((f) => f.resources[0])).toContain(`arn:aws:logs:eu-west-1:${A}:log-group:shop-fluent-bit-logs:log-stream:*`);
  });
});

describe('a node role reused as pod execution role', () => {
  const nodeGroup = (role: string) => `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Nodes:
    Type: AWS::EKS::Nodegroup
    Properties: {ClusterName: shop, NodegroupName: system, NodeRole: "${role}", Subnets: [subnet-1]}
`;
  it('is shared-role; the node policies the nodes use are not reported as excess', () => {
    const r = run({ statements: PULL, managed: ['arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy'], files: { 'nodes.yaml': nodeGroup(ROLE) } });
    expect(rules(r)).toEqual(['shared-role/error']);
    expect(r.findings[0].message).toContain('node role of node group "system" of cluster "shop"');
  });
  it('is shared-role even when the role itself is not in the scan', () => {
    const r = run({ roleInScan: false, files: { 'nodes.yaml': nodeGroup(ROLE) } });
    expect(rules(r).sort()).toEqual(['shared-role/error', 'unresolved-reference/note']);
  });
});

describe('cluster access', () => {
  const awsAuth = (groups: string) => `apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapRoles: |
    - rolearn: ${ROLE}
      username: system:node:{{SessionName}}
      groups: [${groups}]
`;
  it('aws-auth with the node groups only is fine; system:masters is privilege-escalation', () => {
    expect(run({ statements: PULL, files: { 'aws-auth.yaml': awsAuth('system:bootstrappers, system:nodes, system:node-proxier') } }).findings).toEqual([]);
    const r = run({ statements: PULL, files: { 'aws-auth.yaml': awsAuth('system:bootstrappers, system:nodes, system:masters') } });
    expect(rules(r)).toEqual(['privilege-escalation/error']);
    expect(r.findings[0].message).toContain('cluster-admin');
  });
  it('a STANDARD access entry for the pod execution role is privilege-escalation; the FARGATE_LINUX one is not', () => {
    const entry = (type: string) => `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Entry:
    Type: AWS::EKS::AccessEntry
    Properties: {ClusterName: shop, PrincipalArn: "${ROLE}", Type: ${type}}
`;
    expect(run({ statements: PULL, files: { 'entry.yaml': entry('FARGATE_LINUX') } }).findings).toEqual([]);
    expect(rules(run({ statements: PULL, files: { 'entry.yaml': entry('STANDARD') } }))).toEqual(['privilege-escalation/error']);
  });
});

describe('notes on the cluster configuration', () => {
  it('a DaemonSet selected by a profile, and a profile selecting nothing', () => {
    const ds = run({ statements: PULL, manifests: [deployment('shop', IMAGE, 'DaemonSet')] });
    expect(ds.findings.map((f) => f.message)).toEqual([expect.stringContaining('DaemonSets do not run on Fargate')]);
    const none = run({ statements: PULL, manifests: [deployment('elsewhere')] });
    expect(none.findings.map((f) => `${f.rule} ${f.message}`)).toEqual([expect.stringContaining('selects no workload of the scanned manifests')]);
    // Its pods are deployed from elsewhere: the pulls are assumed, not reported unused.
    expect(none.roles[0].incomplete).toEqual([expect.stringContaining('no Kubernetes manifest in the scan shows them')]);
  });
  it('more than five selectors is invalid-input', () => {
    const sel = Array.from({ length: 6 }, (_, i) => `      - namespace: ns${i}`).join('\n');
    expect(rules(run({ statements: PULL, selectors: sel, manifests: [deployment('ns0')] }))).toEqual(['invalid-input/error']);
  });
  it('a pod execution role outside the scan is named, not guessed', () => {
    const r = run({ roleInScan: false });
    expect(r.findings.map((f) => `${f.rule}/${f.severity} ${f.message}`)).toEqual([expect.stringMatching(/^unresolved-reference\/note pod execution role .*shop-per of Fargate profile shop-apps is not defined/)]);
  });
});
