// The EKS readers: Kubernetes manifests (workloads, aws-logging, aws-auth), eksctl ClusterConfig
// and the AWS::EKS::* CloudFormation resources, each with the positions findings point at.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readInputFile } from '../src/sources/index.js';
import { parseFluentBitOutputs } from '../src/sources/fluent-bit.js';
import { display, hasToken } from '../src/model.js';

const dir = mkdtempSync(join(tmpdir(), 'rolefit-eks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function read(text: string, ext = '.yaml') {
  const name = `f${++n}${ext}`;
  writeFileSync(join(dir, name), text);
  return readInputFile(join(dir, name), name);
}

describe('Kubernetes manifests', () => {
  it('reads pods and pod templates of every controller kind, init containers included', () => {
    const { inventory } = read(`
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata: {name: p, labels: {a: "1"}}
    spec:
      initContainers: [{name: i, image: "1.dkr.ecr.eu-west-1.amazonaws.com/init:1"}]
      containers: [{name: c, image: nginx}]
  - apiVersion: batch/v1
    kind: CronJob
    metadata: {name: cj, namespace: jobs}
    spec:
      schedule: "* * * * *"
      jobTemplate:
        spec:
          template:
            metadata: {labels: {tier: batch}}
            spec: {containers: [{name: c, image: "repo/x:1"}]}
  - apiVersion: apps/v1
    kind: StatefulSet
    metadata: {name: db, namespace: data}
    spec:
      template:
        metadata: {labels: {app: db}}
        spec: {containers: [{name: c, image: postgres}]}
  - apiVersion: v1
    kind: Service
    metadata: {name: s}
`);
    const w = inventory.kubeWorkloads.map((k) => [k.kind, k.namespace, k.name, k.labels, k.images.map((i) => i.value)]);
    expect(w).toEqual([
      ['Pod', 'default', 'p', { a: '1' }, ['1.dkr.ecr.eu-west-1.amazonaws.com/init:1', 'nginx']],
      ['CronJob', 'jobs', 'cj', { tier: 'batch' }, ['repo/x:1']],
      ['StatefulSet', 'data', 'db', { app: 'db' }, ['postgres']],
    ]);
    expect(inventory.kubeWorkloads[0].images[0].loc.line).toBe(9);
  });

  it('keeps Helm template values as unknowns, never as text', () => {
    const { inventory } = read(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: "{{ .Release.Namespace }}"}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"}]}
`);
    const [w] = inventory.kubeWorkloads;
    expect(hasToken(w.namespace)).toBe(true);
    expect(display(w.images[0].value)).toBe('${helm:.Values.image.repository}:${helm:.Values.image.tag}');
  });

  it('skips a Helm template that is not YAML before rendering, with a note', () => {
    const r = read(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "chart.fullname" . }}
spec:
  {{- if .Values.replicas }}
  replicas: {{ .Values.replicas }}
  {{- end }}
`);
    expect(r.inventory.kubeWorkloads).toEqual([]);
    expect(r.inventory.diagnostics).toMatchObject([{ rule: 'invalid-input', severity: 'note' }]);
    expect(r.inventory.diagnostics[0].message).toMatch(/Helm template.*helm template/);
  });

  it('still refuses invalid YAML that is infrastructure; skips, with a note, what is not', () => {
    expect(() => read('apiVersion: v1\nkind: Pod\nmetadata: [1, 2\n')).toThrow(/invalid YAML/);
    const other = read('steps: [1, 2\n');
    expect(other.inventory.diagnostics.map((d) => [d.severity, d.message])).toEqual([['note', expect.stringMatching(/^skipped: invalid YAML: .*, and nothing in it is infrastructure rolefit reads$/)]]);
  });
  it('skips, with a note, a file with a duplicate key that is not infrastructure; refuses one that is', () => {
    // An Ansible playbook or a values file: other tools accept duplicate keys (the last one wins).
    const other = read('- hosts: all\n  become: true\n  become: false\n');
    expect(other.inventory.diagnostics).toMatchObject([{ rule: 'invalid-input', severity: 'note', loc: { line: 3, column: 3 } }]);
    expect(other.inventory.diagnostics[0].message).toBe('skipped: invalid YAML: Map keys must be unique, and nothing in it is infrastructure rolefit reads');
    expect(() => read('apiVersion: v1\nkind: Pod\nkind: Pod\n')).toThrow(/Map keys must be unique/);
  });
  it('skips a JSONC file such as a tsconfig.json with trailing commas', () => {
    const r = read('{\n  // compiler options\n  "compilerOptions": { "strict": true, },\n}\n', '.json');
    expect(r.inventory.diagnostics).toMatchObject([{ rule: 'invalid-input', severity: 'note', loc: { line: 3 } }]);
  });

  it('reads aws-auth mapRoles with the file positions of the embedded YAML', () => {
    const { inventory } = read(`apiVersion: v1
kind: ConfigMap
metadata:
  name: aws-auth
  namespace: kube-system
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/a
      groups:
        - system:masters
`);
    expect(inventory.awsAuth).toHaveLength(1);
    const [m] = inventory.awsAuth;
    expect(m.groups).toEqual(['system:masters']);
    expect(m.roleArn.loc).toMatchObject({ line: 8, column: 16 });
  });

  it('reads the aws-logging outputs only from the aws-observability namespace', () => {
    const cm = (ns: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: aws-logging
  namespace: ${ns}
data:
  flb_log_cw: "true"
  output.conf: |
    [OUTPUT]
        Name cloudwatch_logs
        log_group_name /eks/pods
`;
    expect(read(cm('default')).inventory.fargateLogging).toEqual([]);
    const [logging] = read(cm('aws-observability')).inventory.fargateLogging;
    expect(logging.flbLogCw?.value).toBe('true');
    expect(logging.outputs[0].plugin).toBe('cloudwatch_logs');
    expect(logging.outputs[0].options.log_group_name).toMatchObject({ value: '/eks/pods', loc: { line: 11, column: 24 } });
  });
});

describe('Fluent Bit outputs', () => {
  const at = { file: 'cm.yaml', line: 10, column: 5 };
  it('parses sections, case-insensitive keys, comments', () => {
    const { outputs, diagnostics } = parseFluentBitOutputs(
      '[FILTER]\n    Name parser\n\n[OUTPUT]\n    # ship it\n    NAME   Kinesis_Firehose\n    Delivery_Stream logs\n[output]\n    name es\n    Host search-logs-abc123.eu-west-1.es.amazonaws.com\n',
      at,
    );
    expect(diagnostics).toEqual([]);
    expect(outputs.map((o) => [o.plugin, Object.keys(o.options)])).toEqual([
      ['kinesis_firehose', ['name', 'delivery_stream']],
      ['es', ['name', 'host']],
    ]);
    expect(outputs[0].options.delivery_stream.loc).toEqual({ file: 'cm.yaml', line: 16, column: 25 });
  });
  it('reports outputs Fargate does not support and outputs without a name', () => {
    const { diagnostics } = parseFluentBitOutputs('[OUTPUT]\n    Name s3\n[OUTPUT]\n    Match *\n', at);
    expect(diagnostics.map((d) => [d.severity, d.message.slice(0, 30)])).toEqual([
      ['warning', 'output plugin "s3" is not supp'],
      ['error', 'an [OUTPUT] section of the aws'],
    ]);
  });
});

describe('eksctl ClusterConfig', () => {
  it('reads profiles, node roles, the account of the roles, and the role eksctl creates', () => {
    const { inventory } = read(`apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: shop, region: cn-north-1}
iam:
  fargatePodExecutionRolePermissionsBoundary: arn:aws-cn:iam::111122223333:policy/boundary
nodeGroups:
  - name: ng
    iam: {instanceRoleARN: "arn:aws-cn:iam::111122223333:role/nodes"}
fargateProfiles:
  - name: apps
    podExecutionRoleARN: arn:aws-cn:iam::111122223333:role/apps-per
    selectors:
      - namespace: apps
        labels: {team: a}
  - name: fp-default
    selectors: [{namespace: default}]
`);
    const [apps, def] = inventory.fargateProfiles;
    expect(apps).toMatchObject({ id: 'shop/apps', cluster: 'shop', region: 'cn-north-1', partition: 'aws-cn', account: '111122223333' });
    expect(apps.selectors[0]).toMatchObject({ namespace: 'apps', labels: { team: 'a' } });
    expect(apps.podExecutionRole?.value).toBe('arn:aws-cn:iam::111122223333:role/apps-per');
    expect(def.createdRole?.managedPolicyArns).toEqual(['arn:aws-cn:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy']);
    const [created] = inventory.roles;
    expect(def.podExecutionRole?.value).toBe(created.arn);
    expect(created.boundary?.arn.value).toBe('arn:aws-cn:iam::111122223333:policy/boundary');
    expect(inventory.nodeRoles.map((r) => r.role.value)).toEqual(['arn:aws-cn:iam::111122223333:role/nodes']);
  });
  it('a cluster-level pod execution role serves profiles without their own; envsubst placeholders stay unknown', () => {
    const { inventory } = read(`apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: "\${CLUSTER}", region: eu-west-1}
iam: {fargatePodExecutionRoleARN: "arn:aws:iam::444455556666:role/per"}
fargateProfiles:
  - name: a
    selectors: [{namespace: a}]
`);
    const [p] = inventory.fargateProfiles;
    expect(p.podExecutionRole?.value).toBe('arn:aws:iam::444455556666:role/per');
    expect(p.createdRole).toBeUndefined();
    expect(display(p.cluster)).toBe('\${env:CLUSTER}');
    expect(inventory.roles).toEqual([]);
  });
});

describe('CloudFormation AWS::EKS::*', () => {
  it('reads Fargate profiles (labels as Key/Value lists), access entries and node group roles', () => {
    const { inventory } = read(`AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Profile:
    Type: AWS::EKS::FargateProfile
    Properties:
      ClusterName: shop
      PodExecutionRoleArn: arn:aws:iam::111122223333:role/per
      Selectors:
        - Namespace: apps
          Labels:
            - {Key: team, Value: a}
  Entry:
    Type: AWS::EKS::AccessEntry
    Properties:
      ClusterName: shop
      PrincipalArn: arn:aws:iam::111122223333:role/per
      Type: STANDARD
      KubernetesGroups: [admins]
      AccessPolicies:
        - PolicyArn: arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy
          AccessScope: {Type: cluster}
  Nodes:
    Type: AWS::EKS::Nodegroup
    Properties:
      ClusterName: shop
      NodeRole: arn:aws:iam::111122223333:role/nodes
      Subnets: [subnet-1]
`);
    const [p] = inventory.fargateProfiles;
    expect(p).toMatchObject({ id: 'Profile', cluster: 'shop', selectors: [{ namespace: 'apps', labels: { team: 'a' } }] });
    expect(hasToken(p.name)).toBe(true); // FargateProfileName left to CloudFormation
    expect(inventory.accessEntries).toMatchObject([{ type: 'STANDARD', groups: ['admins'], accessPolicies: ['arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy'] }]);
    expect(inventory.nodeRoles.map((r) => r.role.value)).toEqual(['arn:aws:iam::111122223333:role/nodes']);
  });
});
