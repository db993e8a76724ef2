// The Terraform reader end to end: configurations and plans to the Inventory, module directories,
// syntax errors, and the parser shipped with the bundle.
import { describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { display } from '../src/model.js';
import { loadInventory, scan } from '../src/scan.js';
import { analyze } from '../src/analyze.js';
import { planFixes } from '../src/fix/plan.js';
import { RULES } from '../src/rules/index.js';
import { writeTree } from './helpers/terraform.js';
import { traceLoads } from './helpers/trace-loads.js';

const repo = join(import.meta.dirname, '..');

function inventory(files: Record<string, string | Buffer>, paths = ['.']) {
  const dir = writeTree(files);
  return { ...loadInventory(paths, dir), dir };
}

const TRUST = `assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })`;

/** Role aws_iam_role.r (trusting ECS tasks) with the inline policy aws_iam_role_policy.p given by `policy` (an expression). */
const roleWithPolicy = (policy: string) => `resource "aws_iam_role" "r" {
  name = "r"
  ${TRUST}
}
resource "aws_iam_role_policy" "p" {
  name   = "p"
  role   = aws_iam_role.r.name
  policy = ${policy}
}`;

/** A Fargate task of role aws_iam_role.r pulling a private ECR image: it needs ECR auth and pull. */
const FARGATE_TASK = `resource "aws_ecs_task_definition" "t" {
  family                   = "t"
  requires_compatibilities = ["FARGATE"]
  execution_role_arn       = aws_iam_role.r.arn
  container_definitions    = jsonencode([{ name = "app", image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1" }])
}`;

describe('roles and policies', () => {
  it('reads a role with inline_policy blocks, managed_policy_arns and a permissions boundary', () => {
    const { inventory: inv, errors } = inventory({
      'iam.tf': `resource "aws_iam_role" "exec" {
  name = "exec"
  path = "/ecs/"
  ${TRUST}
  managed_policy_arns  = ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"]
  permissions_boundary = "arn:aws:iam::111122223333:policy/boundary"
  inline_policy {
    name   = "logs"
    policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "logs:PutLogEvents", Resource = "*" }] })
  }
}
`,
    });
    expect(errors).toEqual([]);
    const [role] = inv.roles;
    expect(role.id).toBe('aws_iam_role.exec');
    expect(role.source).toBe('terraform');
    expect(role.name).toBe('exec');
    expect(display(role.arn)).toBe('arn:${aws_partition}:iam::${aws_account_id}:role/ecs/exec');
    expect(role.loc).toEqual({ file: 'iam.tf', line: 1, column: 1 });
    expect(role.trust?.statements[0].principals?.[0].value).toBe('ecs-tasks.amazonaws.com');
    expect(role.inline.map((p) => [p.name, p.statements[0].loc.line])).toEqual([['logs', 12]]);
    expect(role.managed.map((m) => m.arn.value)).toEqual(['arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy']);
    expect(role.boundary?.arn.value).toBe('arn:aws:iam::111122223333:policy/boundary');
  });

  it('reads attachments of every kind, by role name', () => {
    const { inventory: inv } = inventory({
      'iam.tf': `resource "aws_iam_role" "r" {
  name_prefix = "svc-"
  ${TRUST}
}
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
}
resource "aws_iam_role_policy_attachment" "a" {
  role       = aws_iam_role.r.name
  policy_arn = aws_iam_policy.p.arn
}
resource "aws_iam_policy_attachment" "b" {
  name       = "b"
  roles      = [aws_iam_role.r.id]
  policy_arn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
}
resource "aws_iam_role_policy_attachments_exclusive" "c" {
  role_name   = aws_iam_role.r.name
  policy_arns = [aws_iam_policy.p.arn]
}
resource "aws_iam_role_policy" "d" {
  name   = "inline"
  role   = aws_iam_role.r.id
  policy = "{\\"Version\\": \\"2012-10-17\\", \\"Statement\\": [{\\"Effect\\": \\"Allow\\", \\"Action\\": \\"sqs:SendMessage\\", \\"Resource\\": \\"*\\"}]}"
}
`,
    });
    const name = inv.roles[0].name;
    expect(display(name)).toBe('${aws_iam_role.r.name}');
    expect(inv.attachments.every((a) => a.role.value === name)).toBe(true);
    expect(inv.attachments.map((a) => (a.policy ? a.policy.name : display(a.managedArn!.value)))).toEqual([
      'arn:${aws_partition}:iam::${aws_account_id}:policy/p',
      'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
      'arn:${aws_partition}:iam::${aws_account_id}:policy/p',
      'inline',
    ]);
    expect(inv.managedPolicies.map((m) => m.name)).toEqual(['p']);
  });

  it('builds aws_iam_policy_document: defaults, not_actions, principals, conditions, policy variables, source and override documents', () => {
    const { inventory: inv } = inventory({
      'doc.tf': `data "aws_iam_policy_document" "base" {
  statement {
    sid       = "Keep"
    actions   = ["s3:ListBucket"]
    resources = ["arn:aws:s3:::b"]
  }
  statement {
    sid       = "Replace"
    actions   = ["s3:*"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "over" {
  statement {
    sid           = "Deny"
    effect        = "Deny"
    not_actions   = ["s3:GetObject"]
    not_resources = ["arn:aws:s3:::b/&{aws:username}/*"]
  }
}
data "aws_iam_policy_document" "doc" {
  source_policy_documents   = [data.aws_iam_policy_document.base.json]
  override_policy_documents = [data.aws_iam_policy_document.over.json]
  statement {
    sid       = "Replace"
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::b/*"]
    condition {
      test     = "StringEquals"
      variable = "aws:SourceVpce"
      values   = ["vpce-1"]
    }
  }
}
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }
  }
}
resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
resource "aws_iam_role_policy" "p" {
  name   = "p"
  role   = aws_iam_role.r.name
  policy = data.aws_iam_policy_document.doc.json
}
`,
    });
    const policy = inv.attachments[0].policy!;
    expect(policy.statements.map((s) => [s.sid, s.effect, s.actions ?? s.notActions, s.resources ?? s.notResources, s.conditions.map((c) => `${c.operator} ${c.key}`), s.loc.line])).toEqual([
      ['Keep', 'Allow', ['s3:ListBucket'], ['arn:aws:s3:::b'], [], 2],
      ['Replace', 'Allow', ['s3:GetObject'], ['arn:aws:s3:::b/*'], ['StringEquals aws:SourceVpce'], 24],
      ['Deny', 'Deny', ['s3:GetObject'], ['arn:aws:s3:::b/${aws:username}/*'], [], 14],
    ]);
    expect(inv.roles[0].trust!.statements[0].principals!.map((p) => `${p.type}:${p.value}`)).toEqual(['Service:ecs-tasks.amazonaws.com', 'AWS:arn:aws:iam::111122223333:root']);
  });

  it('a policy rendered by templatefile() is located at the call, whose file a pre-commit hook passes', () => {
    // A template (.tftpl, .tpl) is not a file rolefit scans, so a hook never names it: a finding
    // placed in it would be reported for no staged file. The call's file is the one staged.
    const template = '{"Version": "2012-10-17", "Statement": [{"Sid": "S3", "Effect": "Allow", "Action": "s3:GetObject", "Resource": ${jsonencode(objects)}}]}\n';
    const dir = writeTree({ 'iam.tf': roleWithPolicy('templatefile("${path.module}/policy.json.tftpl", { objects = ["arn:aws:s3:::b/*"] })'), 'policy.json.tftpl': template, 'ecs.tf': FARGATE_TASK });
    const report = scan({ paths: ['iam.tf'], context: ['.'], cwd: dir });
    expect(report.findings.filter((f) => f.rule === 'excess-action').map((f) => [f.location.file, f.location.line])).toEqual([['iam.tf', 11]]);
  });

  it('a policy document with an undetermined source or override document is undetermined, not the known part', () => {
    const doc = (args: string) => `variable "extra" {}
data "aws_iam_policy_document" "base" {
  statement {
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "d" {
  ${args}
}
${roleWithPolicy('data.aws_iam_policy_document.d.json')}
`;
    for (const args of [
      'source_policy_documents = [data.aws_iam_policy_document.base.json, var.extra]',
      'source_policy_documents = var.extra',
      'override_policy_documents = [var.extra]',
    ]) {
      // Dropping var.extra would read as "grants only ecr:GetAuthorizationToken".
      const report = scan({ paths: ['.'], cwd: writeTree({ 'iam.tf': doc(args) }) });
      expect(report.roles[0].incomplete, args).toEqual(['policy ${aws_iam_role_policy.p.policy} is not determined by the input']);
    }
    const known = scan({ paths: ['.'], cwd: writeTree({ 'iam.tf': doc('source_policy_documents = [data.aws_iam_policy_document.base.json, null]') }) });
    expect(known.roles[0].incomplete).toEqual([]);
  });

  it('reads a policy written as a heredoc with the lines of its statements', () => {
    const { inventory: inv } = inventory({
      'p.tf': `resource "aws_iam_policy" "p" {
  name   = "p"
  policy = <<-EOF
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Action": "s3:GetObject",
          "Resource": "\${aws_s3_bucket.b.arn}/*"
        }
      ]
    }
  EOF
}
resource "aws_s3_bucket" "b" { bucket = "reports" }
`,
    });
    const [st] = inv.managedPolicies[0].policy.statements;
    expect([st.loc, st.resources!.map(display)]).toEqual([{ file: 'p.tf', line: 7, column: 9 }, ['arn:${aws_partition}:s3:::reports/*']]);
  });

  it('expands dynamic statement blocks, and reads one whose for_each is unknown as one unknown block', () => {
    const { inventory: inv } = inventory({
      'doc.tf': `variable "extra" {}
locals { buckets = ["a", "b"] }
data "aws_iam_policy_document" "doc" {
  dynamic "statement" {
    for_each = local.buckets
    content {
      actions   = ["s3:GetObject"]
      resources = ["arn:aws:s3:::\${statement.value}/*"]
    }
  }
  dynamic "statement" {
    for_each = var.extra
    iterator = s
    content {
      actions   = ["s3:PutObject"]
      resources = [s.value]
    }
  }
}
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = data.aws_iam_policy_document.doc.json
}
`,
    });
    // Left out, it would read as "does not grant s3:PutObject": a verdict on a value not known.
    expect(inv.managedPolicies[0].policy.statements.map((s) => [s.actions, s.resources!.map(display)])).toEqual([
      [['s3:GetObject'], ['arn:aws:s3:::a/*']],
      [['s3:GetObject'], ['arn:aws:s3:::b/*']],
      [['s3:PutObject'], ['${s.value#L11}']],
    ]);
    expect(inv.diagnostics.map((d) => [d.severity, d.loc.line, d.message])).toEqual([
      ['note', 11, 'dynamic "statement" blocks: for_each is not determined by the configuration; they are read as one block whose s.key and s.value are unknown'],
    ]);
  });

  it('an unknown policy makes the role analysis incomplete instead of empty', () => {
    const report = scan({
      paths: ['.'],
      cwd: writeTree({
        'iam.tf': `variable "policy_json" {}
${roleWithPolicy('var.policy_json')}
`,
      }),
    });
    expect(report.roles[0].incomplete).toEqual(['policy ${aws_iam_role_policy.p.policy} is not determined by the input']);
  });
  it('a note that hangs on a statement whose actions are unknown names them', () => {
    const report = scan({
      paths: ['.'],
      cwd: writeTree({
        'ecs.tf': `provider "aws" { region = "us-east-1" }
variable "extra_actions" { type = list(string) }
${roleWithPolicy('jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = var.extra_actions, Resource = "*" }] })')}
${FARGATE_TASK}
`,
      }),
    });
    const missing = report.findings.filter((f) => f.rule === 'missing-permission');
    expect(missing.map((f) => f.severity)).toEqual(['note', 'note']);
    for (const f of missing) expect(f.message).toMatch(/it depends on \$\{var\.extra_actions\}/);
  });

  it('a grant that hangs on an unknown for_each or count is a note, never a missing-permission error', () => {
    const report = scan({
      paths: ['.'],
      cwd: writeTree({
        'ecs.tf': `provider "aws" { region = "us-east-1" }
variable "extra_statements" {}
variable "n" {}
resource "aws_iam_role" "r" {
  name = "r"
  ${TRUST}
}
data "aws_iam_policy_document" "p" {
  statement {
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }
  dynamic "statement" {
    for_each = var.extra_statements
    content {
      actions   = statement.value.actions
      resources = statement.value.resources
    }
  }
}
resource "aws_iam_role_policy" "p" {
  name   = "p"
  role   = aws_iam_role.r.name
  policy = data.aws_iam_policy_document.p.json
}
resource "aws_iam_role_policy" "maybe" {
  count  = var.n
  name   = "maybe-\${count.index}"
  role   = aws_iam_role.r.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "ecr:BatchGetImage", Resource = "*" }] })
}
${FARGATE_TASK}
`,
      }),
    });
    const missing = report.findings.filter((f) => f.rule === 'missing-permission');
    expect(missing.map((f) => [f.severity, f.actions])).toEqual([['note', ['ecr:GetDownloadUrlForLayer']]]);
    expect(report.findings.filter((f) => f.rule === 'unresolved-reference').map((f) => [f.location.line, f.message.split(':')[0]])).toEqual([
      [16, 'dynamic "statement" blocks'],
      [29, 'aws_iam_role_policy.maybe'],
    ]);
  });
});

describe('workloads and supporting resources', () => {
  it('reads a task definition with its containers from jsonencode, the context from the provider', () => {
    const { inventory: inv } = inventory({
      'ecs.tf': `provider "aws" { region = "eu-central-1" }
resource "aws_ecs_task_definition" "t" {
  family                   = "api"
  requires_compatibilities = ["FARGATE"]
  execution_role_arn       = "arn:aws:iam::111122223333:role/exec"
  container_definitions = jsonencode([{
    name  = "api"
    image = "111122223333.dkr.ecr.eu-central-1.amazonaws.com/api:1"
    secrets = [{ name = "K", valueFrom = "arn:aws:ssm:eu-central-1:111122223333:parameter/k" }]
  }])
}
`,
    });
    const [td] = inv.taskDefinitions;
    expect([td.id, td.source, td.family, td.region, display(td.account), td.requiresCompatibilities]).toEqual(['aws_ecs_task_definition.t', 'terraform', 'api', 'eu-central-1', '${aws_account_id}', ['FARGATE']]);
    expect(td.containers.map((c) => [c.name, c.image?.value, c.image?.loc.line, c.secrets[0].valueFrom.loc.line])).toEqual([['api', '111122223333.dkr.ecr.eu-central-1.amazonaws.com/api:1', 8, 9]]);
    expect(td.executionRole?.value).toBe('arn:aws:iam::111122223333:role/exec');
  });

  it('undetermined parts of a container (secrets, environment files, log configuration) are unknown, not invalid', () => {
    const report = scan({
      paths: ['.'],
      cwd: writeTree({
        'ecs.tf': `variable "secrets" {}
variable "log_config" {}
variable "files" {}
${roleWithPolicy('jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["secretsmanager:GetSecretValue", "s3:GetObject", "logs:PutLogEvents"], Resource = "*" }] })')}
resource "aws_ecs_task_definition" "t" {
  family                   = "t"
  requires_compatibilities = ["FARGATE"]
  execution_role_arn       = aws_iam_role.r.arn
  container_definitions    = jsonencode([{ name = "app", image = "nginx", secrets = var.secrets, environmentFiles = [var.files], logConfiguration = { logDriver = "awslogs", options = var.log_config } }])
}
`,
      }),
    });
    // Not "secrets must be a list", not "grants secretsmanager:GetSecretValue its workloads never use" (errors).
    expect(report.findings.filter((f) => f.severity !== 'note').map((f) => [f.rule, f.message])).toEqual([]);
    expect(report.findings.filter((f) => f.rule === 'unresolved-reference').map((f) => f.message)).toEqual([
      'aws_ecs_task_definition.t: container "app" secrets is not determined by the configuration: what it needs of the execution role is not known',
      'aws_ecs_task_definition.t: container "app" environmentFiles[0] is not determined by the configuration: what it needs of the execution role is not known',
      'aws_ecs_task_definition.t: container "app" logConfiguration.options is not determined by the configuration: what it needs of the execution role is not known',
    ]);
    expect(report.roles[0].incomplete).toEqual(['the containers of task definition aws_ecs_task_definition.t are not fully determined, so what it needs is not known']);
  });

  it('an undetermined container_definitions turns excess verdicts into notes: what the task needs is not known', () => {
    const report = scan({
      paths: ['.'],
      cwd: writeTree({
        'ecs.tf': `variable "containers" {}
${roleWithPolicy('jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["secretsmanager:GetSecretValue", "ecr:BatchGetImage", "s3:PutObject"], Resource = "*" }] })')}
${FARGATE_TASK.replace(/container_definitions.*/, 'container_definitions    = var.containers')}
${FARGATE_TASK.replace('"t"', '"known"')}
`,
      }),
    });
    const excess = report.findings.filter((f) => f.rule.startsWith('excess-'));
    // ecr:BatchGetImage on * is broader than the known task needs, but the other task may need more;
    // no container needs s3:PutObject, whatever it holds.
    expect(excess.map((f) => [f.rule, f.severity, f.actions])).toEqual([
      ['excess-action', 'error', ['s3:PutObject']],
      ['excess-action', 'note', ['secretsmanager:GetSecretValue']],
      ['excess-resource', 'note', ['ecr:BatchGetImage']],
    ]);
    for (const f of excess.slice(1)) expect(f.message).toContain('the containers of task definition aws_ecs_task_definition.t are not fully determined');
    expect(report.roles[0].incomplete).toEqual(['the containers of task definition aws_ecs_task_definition.t are not fully determined, so what it needs is not known']);
    // With every task known, the same grants are errors and warnings again.
    const known = scan({ paths: ['.'], cwd: writeTree({ 'ecs.tf': `${roleWithPolicy('jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["secretsmanager:GetSecretValue", "ecr:BatchGetImage"], Resource = "*" }] })')}\n${FARGATE_TASK}\n` }) });
    expect(known.findings.filter((f) => f.rule.startsWith('excess-')).map((f) => [f.rule, f.severity])).toEqual([['excess-action', 'error'], ['excess-resource', 'warning']]);
    // Nor does `rolefit fix` replace the role's policy with what the known task alone needs.
    const { inventory: inv, linked } = inventory({ 'ecs.tf': `${roleWithPolicy('jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:PutObject", Resource = "*" }] })')}\n${FARGATE_TASK}\n${FARGATE_TASK.replace('"t"', '"u"').replace(/container_definitions.*/, 'container_definitions = var.containers')}\nvariable "containers" {}\n` });
    const analysis = analyze(inv, linked);
    const [plan] = planFixes(analysis, RULES.flatMap((r) => r.check({ inventory: inv, linked, analysis })), []);
    expect(plan.skipped).toEqual(['what the role needs is uncertain: the containers of task definition aws_ecs_task_definition.u are not fully determined']);
  });

  it('warns when container_definitions is not determined', () => {
    const { inventory: inv } = inventory({
      'ecs.tf': 'variable "defs" {}\nresource "aws_ecs_task_definition" "t" {\n  family = "x"\n  container_definitions = var.defs\n}\n',
    });
    expect(inv.diagnostics.map((d) => [d.rule, d.severity, d.message])).toEqual([
      ['unresolved-reference', 'warning', 'aws_ecs_task_definition.t: container_definitions is not determined by the configuration (${var.defs}): what its containers need of the execution role is not known'],
    ]);
  });

  it('still reports a container list written empty', () => {
    const { inventory: inv } = inventory({
      'ecs.tf': 'resource "aws_ecs_task_definition" "t" {\n  family = "x"\n  container_definitions = jsonencode([])\n}\n',
    });
    expect(inv.diagnostics.map((d) => d.message)).toEqual([expect.stringContaining('containerDefinitions is empty')]);
  });

  it('reads EKS Fargate profiles, access entries, node groups and clusters', () => {
    const { inventory: inv } = inventory({
      'eks.tf': `resource "aws_eks_cluster" "c" {
  name     = "prod"
  role_arn = "arn:aws:iam::111122223333:role/cluster"
}
resource "aws_iam_role" "pod" {
  name               = "pod-exec"
  assume_role_policy = "{}"
}
resource "aws_eks_fargate_profile" "fp" {
  cluster_name           = aws_eks_cluster.c.name
  fargate_profile_name   = "apps"
  pod_execution_role_arn = aws_iam_role.pod.arn
  subnet_ids             = ["subnet-1"]
  selector {
    namespace = "apps"
    labels    = { tier = "web" }
  }
  selector {
    namespace = "kube-system"
  }
}
resource "aws_eks_access_entry" "e" {
  cluster_name  = aws_eks_cluster.c.name
  principal_arn = aws_iam_role.pod.arn
  type          = "FARGATE_LINUX"
}
resource "aws_eks_access_policy_association" "a" {
  cluster_name  = aws_eks_cluster.c.name
  principal_arn = aws_iam_role.pod.arn
  policy_arn    = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
  access_scope { type = "cluster" }
}
resource "aws_eks_node_group" "ng" {
  cluster_name    = aws_eks_cluster.c.name
  node_group_name = "workers"
  node_role_arn   = aws_iam_role.pod.arn
  subnet_ids      = ["subnet-1"]
  scaling_config {
    desired_size = 1
    max_size     = 1
    min_size     = 1
  }
}
`,
    });
    const [fp] = inv.fargateProfiles;
    expect([fp.id, fp.name, fp.cluster, display(fp.podExecutionRole!.value), fp.source]).toEqual(['aws_eks_fargate_profile.fp', 'apps', 'prod', 'arn:${aws_partition}:iam::${aws_account_id}:role/pod-exec', 'terraform']);
    expect(fp.selectors.map((s) => [s.namespace, s.labels, s.loc.line])).toEqual([['apps', { tier: 'web' }, 14], ['kube-system', {}, 18]]);
    expect(inv.accessEntries.map((e) => [e.cluster, e.type, e.accessPolicies])).toEqual([['prod', 'FARGATE_LINUX', ['arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy']]]);
    expect(inv.nodeRoles.map((n) => [display(n.role.value), n.usedBy])).toEqual([['arn:${aws_partition}:iam::${aws_account_id}:role/pod-exec', 'node group "workers" of cluster "prod"']]);
    expect(inv.clusters.map((c) => c.name)).toEqual(['prod']);
  });

  it('reads secrets, parameters, KMS keys with their aliases and pull-through cache rules', () => {
    const { inventory: inv } = inventory({
      'res.tf': `provider "aws" { region = "us-east-2" }
resource "aws_kms_key" "k" {}
resource "aws_kms_alias" "a" {
  name          = "alias/app"
  target_key_id = aws_kms_key.k.key_id
}
resource "aws_secretsmanager_secret" "s" {
  name       = "app/db"
  kms_key_id = aws_kms_key.k.arn
}
resource "aws_ssm_parameter" "p" {
  name   = "/app/token"
  type   = "SecureString"
  value  = "x"
  key_id = aws_kms_alias.a.name
}
resource "aws_ecr_pull_through_cache_rule" "hub" {
  ecr_repository_prefix = "docker-hub"
  upstream_registry_url = "registry-1.docker.io"
}
`,
    });
    expect(inv.secrets.map((s) => [display(s.arn), s.name, display(s.kmsKeyId!)])).toEqual([
      ['arn:aws:secretsmanager:us-east-2:${aws_account_id}:secret:app/db-??????', 'app/db', 'arn:aws:kms:us-east-2:${aws_account_id}:key/${aws_kms_key.k.key_id}'],
    ]);
    expect(inv.parameters.map((p) => [display(p.arn), p.kmsKeyId])).toEqual([['arn:aws:ssm:us-east-2:${aws_account_id}:parameter/app/token', 'alias/app']]);
    expect(inv.kmsKeys[0].aliases.map(display)).toEqual(['${aws_kms_key.k.key_id}', 'alias/app', 'arn:aws:kms:us-east-2:${aws_account_id}:alias/app']);
    expect(inv.pullThroughCacheRules.map((r) => [r.prefix, r.region])).toEqual([['docker-hub', 'us-east-2']]);
  });
});

describe('module directories', () => {
  const service = {
    'main.tf': 'module "svc" {\n  source = "./modules/svc"\n  name   = "orders"\n}\n',
    'modules/svc/role.tf': `variable "name" {}\nresource "aws_iam_role" "exec" {\n  name = "\${var.name}-exec"\n  ${TRUST}\n}\n`,
    'modules/svc/policy.tf': 'resource "aws_iam_role_policy" "p" {\n  name   = "p"\n  role   = aws_iam_role.exec.name\n  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })\n}\n',
  };

  it('evaluates a module called from a scanned directory through the call, not again on its own', () => {
    const { inventory: inv } = inventory(service);
    expect(inv.roles.map((r) => [r.id, r.name])).toEqual([['module.svc.aws_iam_role.exec', 'orders-exec']]);
    expect(inv.attachments.map((a) => [a.role.value, a.policy!.statements[0].loc])).toEqual([['orders-exec', { file: 'modules/svc/policy.tf', line: 4, column: 62 }]]);
    expect(inv.files).toEqual(['main.tf', 'modules/svc/policy.tf', 'modules/svc/role.tf']);
  });

  it('given one file (a pre-commit hook), reads its whole module directory', () => {
    const { inventory: inv, errors } = inventory(service, ['modules/svc/role.tf']);
    expect(errors).toEqual([]);
    // The caller is not in the scan: the module is its own root, its variable unknown.
    expect(inv.roles.map((r) => [r.id, display(r.name)])).toEqual([['aws_iam_role.exec', '${var.name}-exec']]);
    expect(inv.attachments).toHaveLength(1);
  });

  it('as a pre-commit hook runs it (--context .): the module is evaluated through its caller, only the given file reported', () => {
    const dir = writeTree({
      ...service,
      'modules/svc/policy.tf': service['modules/svc/policy.tf'].replace('"s3:GetObject"', '"iam:PutRolePolicy"'),
      'other/main.tf': `resource "aws_iam_role" "other" {\n  name = "other"\n  ${TRUST}\n}\nresource "aws_iam_role_policy" "p" {\n  name   = "p"\n  role   = aws_iam_role.other.name\n  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "iam:PutRolePolicy", Resource = "*" }] })\n}\n`,
    });
    const report = scan({ paths: ['modules/svc/policy.tf'], context: ['.'], cwd: dir });
    expect(report.errors).toEqual([]);
    expect(report.roles.map((r) => [r.id, r.name]).sort()).toEqual([['aws_iam_role.other', 'other'], ['module.svc.aws_iam_role.exec', 'orders-exec']]);
    // Both roles can escalate; only the finding in the file given is reported.
    expect(report.findings.map((f) => [f.rule, f.location.file, f.role?.name])).toEqual([['privilege-escalation', 'modules/svc/policy.tf', 'orders-exec']]);
  });

  it('given one .tf file without --context, reports only the findings located in that file', () => {
    // lefthook, lint-staged or a shell hook passing the staged files: the rest of the module is
    // read so that references resolve, but its findings are not the staged file's.
    const files = { ...service, 'modules/svc/policy.tf': service['modules/svc/policy.tf'].replace('"s3:GetObject"', '"iam:PutRolePolicy"') };
    const dir = writeTree(files);
    expect(scan({ paths: ['modules/svc/role.tf'], cwd: dir }).findings.map((f) => [f.rule, f.location.file])).toEqual([['trust-confused-deputy', 'modules/svc/role.tf']]);
    const policy = scan({ paths: ['modules/svc/policy.tf', 'main.tf'], cwd: dir });
    expect(policy.findings.map((f) => [f.rule, f.location.file, f.role?.name])).toEqual([['privilege-escalation', 'modules/svc/policy.tf', 'orders-exec']]);
    // A directory is reported whole.
    expect(scan({ paths: ['modules'], cwd: dir }).findings.map((f) => f.location.file)).toEqual(['modules/svc/policy.tf', 'modules/svc/role.tf']);
    // A context path that is a file is context too, not reported.
    expect(scan({ paths: ['modules/svc/role.tf'], context: ['modules/svc/policy.tf'], cwd: dir }).findings.map((f) => f.location.file)).toEqual(['modules/svc/role.tf']);
    // A broken sibling is not the given file's error, but the module could not be read: partial.
    const broken = writeTree({ ...files, 'modules/svc/broken.tf': 'resource "aws_iam_role" "b" {\n' });
    const onContextError = vi.fn();
    const partial = scan({ paths: ['modules/svc/role.tf'], cwd: broken, onContextError });
    expect(partial.errors).toEqual([]);
    expect(onContextError.mock.calls.map(([e]) => e.location.file)).toEqual(['modules/svc/broken.tf']);
    expect(partial.summary.partial).toBe(true);
  });

  it('reports a syntax error at its line and reads the other directories', () => {
    const { inventory: inv, errors } = inventory({
      'a/main.tf': 'resource "aws_iam_role" "r" {\n  name = "r"\n  tags = { a = "1" \n}\n',
      'b/main.tf': `resource "aws_iam_role" "ok" {\n  name = "ok"\n  ${TRUST}\n}\n`,
    });
    expect(errors).toEqual([{ message: 'invalid HCL: missing "}" to close what starts at line 1, column 1', location: { file: 'a/main.tf', line: 5, column: 1 } }]);
    expect(inv.roles.map((r) => r.name)).toEqual(['ok']);
  });

  it('points at an unclosed template interpolation or directive, not at the enclosing block', () => {
    const { errors } = inventory({
      'a/main.tf': 'locals {\n  name = "svc"\n  arn  = "arn:aws:s3:::${local.name"\n}\n',
      'b/main.tf': 'locals {\n  x = "%{ if true }a"\n}\n',
      'c/main.tf': 'locals {\n  ok = "${local.x}"\n  y = "%{ for a in local.b }${a}"\n}\n',
    });
    expect(errors.map((e) => [e.location.file, e.location.line, e.location.column, e.message])).toEqual([
      ['a/main.tf', 3, 24, 'invalid HCL: "${" is not closed by "}"'],
      ['b/main.tf', 2, 8, 'invalid HCL: "%{ if }" is not closed by "%{ endif }"'],
      ['c/main.tf', 3, 8, 'invalid HCL: "%{ for }" is not closed by "%{ endfor }"'],
    ]);
  });

  it('says that Terraform JSON files (.tf.json, as CDKTF writes them) are not read, instead of skipping them silently', () => {
    const report = scan({
      paths: ['.'],
      cwd: writeTree({
        'cdk/main.tf.json': JSON.stringify({ resource: { aws_iam_role: { exec: { name: 'exec' } } } }, null, 2),
        'mixed/main.tf': `resource "aws_iam_role" "r" {\n  name = "r"\n  ${TRUST}\n}\n`,
        'mixed/override.tf.json': '{}',
      }),
    });
    expect(report.errors).toEqual([]);
    expect(report.findings.filter((f) => f.rule === 'unresolved-reference').map((f) => [f.severity, f.location.file, f.message])).toEqual([
      ['warning', 'cdk/main.tf.json', 'Terraform JSON configuration is not read: what cdk/main.tf.json defines is not analysed'],
      ['warning', 'mixed/override.tf.json', 'Terraform JSON configuration is not read: what mixed/override.tf.json defines is not analysed'],
    ]);
  });

  it('reads a registry module where terraform init installed it', () => {
    const { inventory: inv } = inventory({
      'main.tf': 'module "iam" {\n  source  = "acme/ecs-role/aws"\n  version = "1.0.0"\n  name    = "api"\n}\n',
      '.terraform/modules/modules.json': JSON.stringify({ Modules: [{ Key: '', Source: '', Dir: '.' }, { Key: 'iam', Source: 'registry.terraform.io/acme/ecs-role/aws', Version: '1.0.0', Dir: '.terraform/modules/iam' }] }),
      '.terraform/modules/iam/main.tf': `variable "name" {}\nresource "aws_iam_role" "this" {\n  name = "\${var.name}-exec"\n  ${TRUST}\n}\n`,
    });
    expect(inv.roles.map((r) => [r.id, r.name, r.loc.file])).toEqual([['module.iam.aws_iam_role.this', 'api-exec', '.terraform/modules/iam/main.tf']]);
    expect(inv.diagnostics).toEqual([]);
  });

  it('reports a missing local module directory', () => {
    const { inventory: inv } = inventory({ 'main.tf': 'module "gone" {\n  source = "./nowhere"\n}\n' });
    expect(inv.diagnostics.map((d) => [d.severity, d.message])).toEqual([['warning', 'module "gone": no .tf files in nowhere']]);
  });
});

describe('hostile input', () => {
  it('refuses a file too large for the HCL parser with a clear error, not an internal error', () => {
    // The parser's WebAssembly memory gives out between 12 and 16 MB of HCL (exit 3, "Aborted()").
    const big = `locals {\n  x = "${'a'.repeat(9 * 1024 * 1024)}"\n}\n`;
    const { inventory: inv, errors } = inventory({
      'big/main.tf': big,
      'tpl/main.tf': 'resource "aws_iam_policy" "p" {\n  name   = "p"\n  policy = templatefile("big.tftpl", {})\n}\n',
      'tpl/big.tftpl': big,
    });
    expect(errors.map((e) => [e.location.file, e.location.line, e.message])).toEqual([
      ['big/main.tf', 1, 'file is 9,437,204 bytes, over the limit of 8 MiB for HCL; refused'],
    ]);
    // A template too large is an unknown value (its policy is then not determined).
    expect(inv.managedPolicies).toEqual([]);
  });

  it('refuses a value that doubles itself out of memory (a billion laughs in locals) at its line', () => {
    const lists = Array.from({ length: 40 }, (_, i) => `  l${i + 1} = [local.l${i}, local.l${i}]`);
    const strings = Array.from({ length: 40 }, (_, i) => `  s${i + 1} = "\${local.s${i}}\${local.s${i}}"`);
    const { errors } = inventory({
      'lists/main.tf': `locals {\n  l0 = "x"\n${lists.join('\n')}\n}\nresource "aws_iam_policy" "p" {\n  name   = "p"\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = local.l40 }] })\n}\n`,
      'strings/main.tf': `locals {\n  s0 = "${'x'.repeat(64)}"\n${strings.join('\n')}\n}\nresource "aws_iam_role" "r" {\n  name = local.s40\n}\n`,
    });
    expect(errors.map((e) => [e.location.file, e.location.line, e.message])).toEqual([
      ['lists/main.tf', 21, 'the value of this expression has over 1,000,000 elements: too large to evaluate'],
      ['strings/main.tf', 22, 'the value of this expression has over 1,000,000 elements: too large to evaluate'],
    ]);
  });

  it('refuses a module whose evaluation does not end in reasonable work (nested for over large lists)', () => {
    const lists = Array.from({ length: 16 }, (_, i) => `  l${i + 1} = concat(local.l${i}, local.l${i})`);
    const { errors, inventory: inv } = inventory({
      'slow/main.tf': `locals {\n  l0 = ["x"]\n${lists.join('\n')}\n  n = [for a in local.l16 : [for b in local.l16 : b]]\n}\nresource "aws_iam_role" "r" {\n  name = length(local.n)\n}\n`,
      'ok/main.tf': `resource "aws_iam_role" "ok" {\n  name = "ok"\n  ${TRUST}\n}\n`,
    });
    expect(errors.map((e) => [e.location.file, e.location.line, e.message])).toEqual([
      ['slow/main.tf', 19, 'evaluating this module takes over 5,000,000 steps (here): refused'],
    ]);
    expect(inv.roles.map((r) => r.name)).toEqual(['ok']);
  });

  it('refuses nesting deeper than it can read, and text that is not UTF-8, and reads the rest', () => {
    const { inventory: inv, errors } = inventory({
      'deep/main.tf': `locals {\n  x = ${'['.repeat(50000)}${']'.repeat(50000)}\n}\n`,
      'binary/main.tf': Buffer.from('resource "aws_iam_role" "r" {\n  name = "\xff"\n}\n', 'latin1'),
      'ok/main.tf': `resource "aws_iam_role" "ok" {\n  name = "ok"\n  ${TRUST}\n}\n`,
    });
    expect(errors.map((e) => [e.location.file, e.message.split(' (')[0]])).toEqual([
      ['binary/main.tf', 'file is not valid UTF-8 text'],
      ['deep', 'input too deeply nested or too large to process'],
    ]);
    expect(inv.roles.map((r) => r.name)).toEqual(['ok']);
  });

  it('reports a module that calls itself, and a cycle of locals leaves them unknown', () => {
    const { inventory: inv } = inventory({
      'main.tf': `module "again" {\n  source = "./"\n}\nlocals {\n  a = local.b\n  b = local.a\n}\nresource "aws_iam_role" "r" {\n  name = local.a\n  ${TRUST}\n}\n`,
    });
    expect(inv.diagnostics.map((d) => [d.rule, d.loc.line])).toEqual([['invalid-input', 1]]);
    expect(display(inv.roles[0].name)).toMatch(/^\$\{local\.[ab]\}$/);
    // Through a symbolic link to itself: the same directory, so the same cycle (not 40 nested copies).
    const dir = writeTree({ 'main.tf': `module "again" {\n  source = "./loop"\n}\nresource "aws_iam_role" "r" {\n  name = "r"\n  ${TRUST}\n}\n` });
    symlinkSync('.', join(dir, 'loop'));
    const { inventory: looped } = { inventory: loadInventory(['.'], dir).inventory };
    expect(looped.roles.map((r) => r.id)).toEqual(['aws_iam_role.r']);
    expect(looped.diagnostics.map((d) => [d.rule, d.loc.line, d.message])).toEqual([
      ['invalid-input', 1, 'module "again" calls loop, which is already being evaluated: a module cannot call itself (Terraform rejects the cycle)'],
    ]);
  });
});

describe('plans', () => {
  const plan = (extra: Record<string, unknown>) =>
    JSON.stringify({
      format_version: '1.2',
      terraform_version: '1.9.8',
      planned_values: {
        root_module: {
          resources: [
            { address: 'aws_iam_role.r', mode: 'managed', type: 'aws_iam_role', name: 'r', values: { name: 'r', path: '/', assume_role_policy: '{"Version":"2012-10-17","Statement":[]}' } },
            {
              address: 'aws_ecs_task_definition.t',
              mode: 'managed',
              type: 'aws_ecs_task_definition',
              name: 't',
              values: { family: 't', container_definitions: '[{"name":"a","image":"nginx"}]', requires_compatibilities: ['FARGATE'] },
            },
          ],
        },
      },
      resource_changes: [
        { address: 'aws_iam_role.r', change: { actions: ['create'], after_unknown: { arn: true, id: true } } },
        { address: 'aws_ecs_task_definition.t', change: { actions: ['create'], after_unknown: { execution_role_arn: true, arn: true } } },
      ],
      configuration: {
        root_module: {
          resources: [
            { address: 'aws_iam_role.r', mode: 'managed', type: 'aws_iam_role', name: 'r', expressions: { name: { constant_value: 'r' } } },
            { address: 'aws_ecs_task_definition.t', mode: 'managed', type: 'aws_ecs_task_definition', name: 't', expressions: { execution_role_arn: { references: ['aws_iam_role.r.arn', 'aws_iam_role.r'] } } },
          ],
        },
      },
      ...extra,
    });

  it('connects a value known only after apply to the resource it comes from', () => {
    const { inventory: inv, errors } = inventory({ 'plan.json': plan({}) });
    expect(errors).toEqual([]);
    expect(inv.roles.map((r) => [r.id, display(r.arn)])).toEqual([['aws_iam_role.r', 'arn:${aws_partition}:iam::${aws_account_id}:role/r']]);
    expect(inv.taskDefinitions[0].executionRole?.value).toBe(inv.roles[0].arn);
    expect(inv.taskDefinitions[0].containers.map((c) => c.image?.value)).toEqual(['nginx']);
  });

  it('rejects an unknown format_version major with a clear message', () => {
    const { errors } = inventory({ 'plan.json': plan({ format_version: '2.0' }) });
    expect(errors).toEqual([
      { message: 'Terraform JSON format_version "2.0" is not supported: rolefit reads format 1.x (terraform show -json of Terraform 1.x)', location: { file: 'plan.json', line: 1, column: 19 } },
    ]);
  });

  it('keeps one copy of a resource read both from a plan and from its configuration: the configuration', () => {
    const { inventory: inv } = inventory({
      'plan.json': plan({}),
      'main.tf': `resource "aws_iam_role" "r" {\n  name = "r"\n  ${TRUST}\n}\n`,
    });
    expect(inv.roles.map((r) => [r.id, r.loc.file])).toEqual([['aws_iam_role.r', 'main.tf']]);
    // The task definition is only in the plan: it stays.
    expect(inv.taskDefinitions.map((t) => t.loc.file)).toEqual(['plan.json']);
  });

  it('a plan of a configuration in the same scan gives it the variables and the account the plan was made with', () => {
    const planOfRoot = {
      format_version: '1.2',
      variables: { stage: { value: 'prod' } },
      planned_values: { root_module: { resources: [{ address: 'aws_iam_role.r', mode: 'managed', type: 'aws_iam_role', name: 'r', values: { name: 'prod-r' } }] } },
      prior_state: { values: { root_module: { resources: [{ address: 'data.aws_caller_identity.me', mode: 'data', type: 'aws_caller_identity', name: 'me', values: { account_id: '444455556666' } }] } } },
    };
    const { inventory: inv } = inventory({
      'ci/plan.json': JSON.stringify(planOfRoot),
      'infra/main.tf': `variable "stage" {}\nresource "aws_iam_role" "r" {\n  name = "\${var.stage}-r"\n  ${TRUST}\n}\n`,
      'infra/terraform.tfvars': 'stage = "dev"\n',
    });
    expect(inv.roles.map((r) => [r.loc.file, r.name, display(r.arn)])).toEqual([['infra/main.tf', 'prod-r', 'arn:${aws_partition}:iam::444455556666:role/prod-r']]);
  });

  it('does not read a resource the plan destroys (in the prior state only)', () => {
    const destroyed = JSON.parse(plan({}));
    destroyed.prior_state = { values: { root_module: { resources: [{ address: 'aws_iam_role.old', mode: 'managed', type: 'aws_iam_role', name: 'old', values: { name: 'old', assume_role_policy: '{}' } }] } } };
    const { inventory: inv } = inventory({ 'plan.json': JSON.stringify(destroyed) });
    expect(inv.roles.map((r) => r.id)).toEqual(['aws_iam_role.r']);
  });

  it('reads a state (terraform show -json without a plan)', () => {
    const state = { format_version: '1.0', terraform_version: '1.9.8', values: { root_module: { resources: [{ address: 'aws_iam_role.s', mode: 'managed', type: 'aws_iam_role', name: 's', values: { name: 's', arn: 'arn:aws:iam::111122223333:role/s', assume_role_policy: '{}' } }] } } };
    const { inventory: inv } = inventory({ 'state.json': JSON.stringify(state) });
    expect(inv.roles.map((r) => r.arn)).toEqual(['arn:aws:iam::111122223333:role/s']);
  });
});

describe('the parser in the bundle', () => {
  it('scans Terraform from a copy of dist/ without node_modules, and a CloudFormation scan never loads the parser', () => {
    // The package layout without node_modules: the parser's runtime and grammar come from dist/tree-sitter/.
    const copy = writeTree({ 'svc/main.tf': `resource "aws_iam_role" "r" {\n  name = "r"\n  ${TRUST}\n}\n` });
    for (const d of ['dist', 'policies']) cpSync(join(repo, d), join(copy, d), { recursive: true });
    copyFileSync(join(repo, 'package.json'), join(copy, 'package.json'));
    const r = spawnSync(process.execPath, [join(copy, 'dist', 'rolefit.cjs'), 'scan', '--format', 'json', 'svc'], { cwd: copy, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).roles.map((x: { id: string }) => x.id)).toEqual(['aws_iam_role.r']);
    const cfn = traceLoads([join(repo, 'bin', 'rolefit.js'), 'scan', 'fixtures/ecs-clean-cfn/service.yaml'], repo);
    expect(cfn.files.filter((f) => f.includes('tree-sitter'))).toEqual([]);
    expect(cfn.builtins).not.toContain('NativeModule worker_threads');
  });

  it('exits 2 with file:line on malformed HCL', () => {
    const dir = writeTree({ 'bad.tf': 'resource "aws_iam_role" "r" {\n  name = "r\n}\n' });
    copyFileSync(join(dir, 'bad.tf'), join(dir, 'copy.tf.bak'));
    writeFileSync(join(dir, 'note.txt'), 'not scanned');
    const r = spawnSync(process.execPath, [join(repo, 'bin', 'rolefit.js'), 'scan', dir], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('bad.tf:2:10: input error: invalid HCL: unterminated string (no closing quote)');
  });
});
