// The Terraform expression evaluator and functions: what is determined is computed, everything
// else is a token named after its expression — never a wildcard, never a guess.
import { describe, expect, it } from 'vitest';
import { display } from '../src/model.js';
import { toPlain } from '../src/sources/nodes.js';
import { FUNCTION_NAMES } from '../src/sources/terraform/functions.js';
import { isEncoded } from '../src/sources/terraform/values.js';
import { symlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { root, writeTree } from './helpers/terraform.js';

const at = { file: 'main.tf', line: 1, column: 1 };

/** The value of `local.x` (tokens shown as `${name}`), in a module with `extra` beside it. */
function value(expr: string, extra: Record<string, string> = {}): unknown {
  const { mod } = root({ 'main.tf': `locals {\n  x = ${expr}\n}\n`, ...extra });
  return JSON.parse(display(JSON.stringify(toPlain(mod.local('x', at)))));
}

describe('literals, collections and operators', () => {
  it('evaluates literals, lists, objects and nested collections', () => {
    expect(value('[1, "a", true, null, { k = "v", "quoted key" = [2] }]')).toEqual([1, 'a', true, null, { k: 'v', 'quoted key': [2] }]);
  });

  it('evaluates arithmetic, comparison, logic and conditionals', () => {
    expect(value('[1 + 2 * 3, 7 % 4, 10 / 4, -2, 3 > 2 && !false, "a" == "a", 1 != 1]')).toEqual([7, 3, 2.5, -2, true, true, false]);
    expect(value('true ? "yes" : "no"')).toBe('yes');
  });

  it('leaves a condition it cannot decide unknown, unless both branches agree', () => {
    expect(value('var.flag ? "a" : "b"', { 'v.tf': 'variable "flag" {}\n' })).toBe('${var.flag ? "a" : "b"}');
    expect(value('var.flag ? "same" : "same"', { 'v.tf': 'variable "flag" {}\n' })).toBe('same');
  });

  it('decodes string escapes and template escapes', () => {
    expect(value('"a\\"b\\\\c\\n\\u00e9 $${literal} %%{x}"')).toBe('a"b\\c\né ${literal} %{x}');
  });
});

describe('templates', () => {
  it('interpolates known values and keeps unknown ones as tokens inside the string', () => {
    expect(value('"arn:aws:logs:${var.region}:${data.aws_caller_identity.me.account_id}:log-group:/ecs/${local.name}:*"', {
      'v.tf': 'variable "region" { default = "eu-west-1" }\nlocals { name = "api" }\ndata "aws_caller_identity" "me" {}\n',
    })).toBe('arn:aws:logs:eu-west-1:${aws_account_id}:log-group:/ecs/api:*');
  });

  it('a lone interpolation keeps the type of its value', () => {
    expect(value('"${local.list}"', { 'l.tf': 'locals { list = ["a", "b"] }\n' })).toEqual(['a', 'b']);
  });

  it('renders heredocs, with <<- indentation removed and %{if}/%{for} directives', () => {
    const v = value('<<-EOT\n    first ${local.n}\n      indented\n    %{ for s in local.items ~}\n    - ${s}\n    %{ endfor ~}\n    %{ if local.n > 1 }big%{ else }small%{ endif }\n  EOT', {
      'l.tf': 'locals {\n  n = 2\n  items = ["a", "b"]\n}\n',
    });
    expect(v).toBe('first 2\n  indented\n- a\n- b\nbig\n');
  });
});

describe('references', () => {
  it('reads variables: tfvars over defaults; a variable without either is a token', () => {
    const files = {
      'v.tf': 'variable "a" { default = "from-default" }\nvariable "b" { default = "from-default" }\nvariable "c" {}\n',
      'terraform.tfvars': 'b = "from-tfvars"\n',
      'z.auto.tfvars': 'c = "from-auto"\n',
    };
    expect(value('[var.a, var.b, var.c, var.d]', files)).toEqual(['from-default', 'from-tfvars', 'from-auto', '${var.d}']);
  });

  it('reads terraform.tfvars.json and *.auto.tfvars.json as Terraform loads them', () => {
    // Loaded after terraform.tfvars, and *.auto.tfvars(.json) in lexical order: the last one wins.
    const files = {
      'v.tf': 'variable "a" { default = "from-default" }\nvariable "b" {}\nvariable "c" {}\nvariable "d" {}\n',
      'terraform.tfvars': 'a = "from-tfvars"\nb = "from-tfvars"\n',
      'terraform.tfvars.json': '{"a": "from-tfvars-json", "c": ["x", 2]}',
      'a.auto.tfvars.json': '{"d": {"k": 1}}',
      'b.auto.tfvars': 'd = "from-b-auto"\n',
    };
    expect(value('[var.a, var.b, var.c, var.d]', files)).toEqual(['from-tfvars-json', 'from-tfvars', ['x', 2], 'from-b-auto']);
  });

  it('does not read other variable files (they are -var-file choices)', () => {
    expect(value('var.stage', { 'v.tf': 'variable "stage" {}\n', 'prod.tfvars': 'stage = "prod"\n' })).toBe('${var.stage}');
  });

  it('follows locals through locals and cuts cycles', () => {
    expect(value('local.b', { 'l.tf': 'locals {\n  a = "x"\n  b = "${local.a}-y"\n}\n' })).toBe('x-y');
    expect(value('local.p', { 'l.tf': 'locals {\n  p = local.q\n  q = local.p\n}\n' })).toMatch(/^\$\{local\.[pq]\}$/);
  });

  it('computes resource attributes the provider derives, and tokens for the rest', () => {
    const files = {
      'r.tf': [
        'provider "aws" { region = "us-west-2" }',
        'resource "aws_iam_role" "r" {\n  name = "exec"\n  path = "/svc/"\n}',
        'resource "aws_iam_role" "gen" { name_prefix = "exec-" }',
        'resource "aws_cloudwatch_log_group" "g" { name = "/ecs/app" }',
        'resource "aws_ecr_repository" "repo" { name = "app" }',
        'resource "aws_kms_key" "k" {}',
        'resource "aws_cloudwatch_log_group" "west" {\n  name   = "/ecs/west"\n  region = "us-west-1"\n}',
        'data "aws_partition" "p" {}',
        'data "aws_region" "here" {}',
      ].join('\n'),
    };
    expect(value('[aws_iam_role.r.arn, aws_iam_role.r.name, aws_iam_role.r.unique_id, aws_iam_role.gen.arn]', files)).toEqual([
      'arn:aws:iam::${aws_account_id}:role/svc/exec',
      'exec',
      '${aws_iam_role.r.unique_id}',
      'arn:aws:iam::${aws_account_id}:role/${aws_iam_role.gen.name}',
    ]);
    // The provider's region decides the partition. A log group's arn has no ":*": it names the group, not its streams.
    expect(value('aws_cloudwatch_log_group.g.arn', files)).toBe('arn:aws:logs:us-west-2:${aws_account_id}:log-group:/ecs/app');
    // AWS provider 6: a resource's own region argument.
    expect(value('aws_cloudwatch_log_group.west.arn', files)).toBe('arn:aws:logs:us-west-1:${aws_account_id}:log-group:/ecs/west');
    expect(value('[aws_ecr_repository.repo.repository_url, aws_kms_key.k.arn, data.aws_partition.p.partition, data.aws_region.here.name]', files)).toEqual([
      '${aws_account_id}.dkr.ecr.us-west-2.amazonaws.com/app',
      'arn:aws:kms:us-west-2:${aws_account_id}:key/${aws_kms_key.k.key_id}',
      'aws',
      'us-west-2',
    ]);
    // A secret version's arn is its secret's (valueFrom = aws_secretsmanager_secret_version.x.arn).
    const secrets = {
      's.tf': 'resource "aws_secretsmanager_secret" "s" { name = "db" }\nresource "aws_secretsmanager_secret_version" "v" {\n  secret_id = aws_secretsmanager_secret.s.id\n}\nresource "aws_secretsmanager_secret_version" "byname" {\n  secret_id = "db"\n}\n',
    };
    expect(value('[aws_secretsmanager_secret_version.v.arn, aws_secretsmanager_secret_version.byname.arn]', secrets)).toEqual([
      'arn:${aws_partition}:secretsmanager:${aws_region}:${aws_account_id}:secret:db-??????',
      '${aws_secretsmanager_secret_version.byname.arn}',
    ]);
  });

  it('computes what data sources that look up by name return', () => {
    const files = {
      'd.tf': [
        'provider "aws" { region = "eu-west-1" }',
        'data "aws_iam_policy" "exec" { name = "AmazonECSTaskExecutionRolePolicy" }',
        'data "aws_secretsmanager_secret" "db" { name = "app/db" }',
        'data "aws_secretsmanager_secret" "byarn" { arn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:x-AbCdEf" }',
        'data "aws_ecr_repository" "app" { name = "app" }',
        'data "aws_ssm_parameter" "p" { name = "/app/key" }',
      ].join('\n'),
    };
    expect(value('[data.aws_iam_policy.exec.arn, data.aws_secretsmanager_secret.db.arn, data.aws_secretsmanager_secret.byarn.arn, data.aws_ecr_repository.app.repository_url, data.aws_ssm_parameter.p.arn]', files)).toEqual([
      'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy',
      'arn:aws:secretsmanager:eu-west-1:${aws_account_id}:secret:app/db-??????',
      'arn:aws:secretsmanager:eu-west-1:111122223333:secret:x-AbCdEf',
      '${aws_account_id}.dkr.ecr.eu-west-1.amazonaws.com/app',
      'arn:aws:ssm:eu-west-1:${aws_account_id}:parameter/app/key',
    ]);
  });

  it('expands count and for_each instances whose keys are known', () => {
    const files = {
      'r.tf': [
        'resource "aws_iam_role" "c" {\n  count = 2\n  name = "role-${count.index}"\n}',
        'resource "aws_iam_role" "e" {\n  for_each = toset(["b", "a"])\n  name = "role-${each.key}"\n}',
        'resource "aws_iam_role" "m" {\n  for_each = { x = "one" }\n  name = each.value\n}',
      ].join('\n'),
    };
    expect(value('[aws_iam_role.c[1].name, aws_iam_role.c[*].name, aws_iam_role.e["a"].name, aws_iam_role.m["x"].name]', files)).toEqual([
      'role-1',
      ['role-0', 'role-1'],
      'role-a',
      'one',
    ]);
  });

  it('gives one symbolic instance for count or for_each it cannot determine', () => {
    const { mod } = root({ 'r.tf': 'variable "n" {}\nresource "aws_iam_role" "r" {\n  count = var.n\n  name = "r-${count.index}"\n}\n' });
    const inst = mod.instances('resource', 'aws_iam_role', 'r');
    expect(inst.symbolic).toBe(true);
    expect([...inst.byKey.values()].map((i) => i.address)).toEqual(['aws_iam_role.r[*]']);
  });

  it('a part of an unknown value is named after that value: each.value.arn of two unknown for_each are two values', () => {
    const files = {
      'r.tf': [
        'variable "a" {}\nvariable "b" {}',
        'resource "aws_iam_role" "x" {\n  for_each = var.a\n  name = each.value.name\n}',
        'resource "aws_iam_role" "y" {\n  for_each = var.b\n  name = each.value.name\n}',
      ].join('\n'),
    };
    const { mod } = root(files);
    const name = (r: string) => display(String(toPlain(mod.instanceAttr(mod.instances('resource', 'aws_iam_role', r).byKey.get('*')!, 'name', at))));
    // Equal tokens are equal values: these must differ, or a grant on one would cover a need on the other.
    expect([name('x'), name('y')]).toEqual(['${aws_iam_role.x.each.value.name}', '${aws_iam_role.y.each.value.name}']);
    expect(value('var.a.k.name', files)).toBe('${var.a.k.name}');
    // The same text over other values of each is another value; over the same values, the same.
    const { mod: m } = root({
      'r.tf': 'variable "a" {}\nvariable "b" {}\nresource "aws_iam_role" "r" {\n  for_each = { x = var.a, y = var.b, z = var.a }\n  name = join("-", [for s in each.value : upper(s)])\n}\n',
    });
    const names = ['x', 'y', 'z'].map((k) => m.instanceAttr(m.instances('resource', 'aws_iam_role', 'r').byKey.get(k)!, 'name', at));
    expect(new Set(names.map((n) => display(String(toPlain(n))).replace(/#.*/, ''))).size).toBe(1);
    expect(toPlain(names[0])).not.toEqual(toPlain(names[1]));
  });

  it('passes input variables into local modules and reads their outputs', () => {
    const files = {
      'modules.tf': 'module "m" {\n  source = "./mod"\n  name = "svc"\n}\nmodule "n" {\n  source = "./mod"\n  for_each = toset(["a"])\n  name = each.key\n}\n',
      'mod/main.tf': 'variable "name" {}\nvariable "suffix" { default = "-x" }\nresource "aws_iam_role" "r" { name = "${var.name}${var.suffix}" }\noutput "arn" { value = aws_iam_role.r.arn }\n',
    };
    expect(value('[module.m.arn, module.n["a"].arn]', files)).toEqual([
      'arn:${aws_partition}:iam::${aws_account_id}:role/svc-x',
      'arn:${aws_partition}:iam::${aws_account_id}:role/a-x',
    ]);
  });

  it('reads a module called with for_each or count as a whole: a map or list of its instances', () => {
    // terraform-aws-modules/ecs: container_definitions = jsonencode([for k, v in module.container_definition : v.container_definition])
    const files = {
      'modules.tf': [
        'module "c" {\n  source = "./mod"\n  for_each = { web = "w", api = "a" }\n  name = each.value\n}',
        'module "n" {\n  source = "./mod"\n  count = 2\n  name = "n${count.index}"\n}',
      ].join('\n'),
      'mod/main.tf': 'variable "name" {}\noutput "def" { value = { name = var.name } }\n',
    };
    expect(value('[[for k, v in module.c : v.def.name], keys(module.c), module.n[*].def.name, module.n[1].def.name]', files)).toEqual([
      ['a', 'w'],
      ['api', 'web'],
      ['n0', 'n1'],
      'n1',
    ]);
  });

  it('the same unknown expression in two module instances is two values', () => {
    const files = {
      'modules.tf': 'variable "x" {}\nmodule "a" {\n  source = "./mod"\n  v = var.x\n}\nmodule "b" {\n  source = "./mod"\n  v = "${var.x}-b"\n}\n',
      'mod/main.tf': 'variable "v" {}\noutput "o" { value = upper(var.v) }\noutput "p" { value = var.v }\n',
    };
    expect(value('[module.a.o, module.b.o, module.a.p, module.b.p]', files)).toEqual(['${module.a.upper(var.v)}', '${module.b.upper(var.v)}', '${var.x}', '${var.x}-b']);
  });

  it('a module from a registry or git is a token and a note naming it', () => {
    const { mod } = root({ 'main.tf': 'module "iam" {\n  source = "git::https://example.com/iam.git?ref=v1"\n}\nlocals { x = module.iam.role_arn }\n' });
    expect(display(String(toPlain(mod.local('x', at))))).toBe('${module.iam.role_arn}');
    expect(mod.dep.diagnostics.map((d) => [d.rule, d.severity, d.message.split(',')[0]])).toEqual([
      ['unresolved-reference', 'note', 'module "iam" comes from "git::https://example.com/iam.git?ref=v1"'],
    ]);
  });
});

describe('functions', () => {
  it('implements the functions policies are built with', () => {
    expect(value('[concat(["a"], ["b"]), merge({ a = 1, b = 1 }, { b = 2 }), flatten([["a"], [["b"]]]), format("%s-%03d", "x", 7)]')).toEqual([
      ['a', 'b'],
      { a: 1, b: 2 },
      ['a', 'b'],
      'x-007',
    ]);
    expect(value('[replace("a-b-c", "-", "_"), replace("a1b22", "/[0-9]+/", "#"), lower("AbC"), upper("abc"), toset(["b", "a", "b"]), tolist(["x"])]')).toEqual([
      'a_b_c',
      'a#b#',
      'abc',
      'ABC',
      ['a', 'b'],
      ['x'],
    ]);
    expect(value('[join(",", ["a", "b"]), split("/", "a/b"), length("héllo"), lookup({ a = 1 }, "b", 0), element(["a", "b"], 3), keys({ b = 1, a = 2 })]')).toEqual([
      'a,b',
      ['a', 'b'],
      5,
      0,
      'b',
      ['a', 'b'],
    ]);
  });

  it('implements formatlist, slice, setunion, tobool, (non)sensitive, can and the AWS provider arn_build', () => {
    // Policies list resources with formatlist("arn:aws:s3:::%s/*", var.buckets) and build ARNs with provider::aws::arn_build.
    const files = { 'v.tf': 'variable "u" {}\nlocals { m = { a = 1 } }\n' };
    expect(value('formatlist("arn:aws:s3:::%s/*", ["a", "b"])')).toEqual(['arn:aws:s3:::a/*', 'arn:aws:s3:::b/*']);
    expect(value('formatlist("%s:%s", ["a", "b"], "x")')).toEqual(['a:x', 'b:x']);
    expect(value('formatlist("%s", var.u)', files)).toBe('${formatlist("%s", var.u)}');
    expect(value('[slice(["a", "b", "c"], 1, 3), setunion(["a"], ["b", "a"]), tobool("true"), sensitive("s"), nonsensitive("n")]')).toEqual([['b', 'c'], ['a', 'b'], true, 's', 'n']);
    expect(value('[can(local.m.nope), can(local.m.a), can(var.u)]', files)).toEqual([false, true, '${can(var.u)}']);
    expect(value('provider::aws::arn_build("aws", "logs", "us-east-1", "123456789012", "log-group:/ecs/app:*")')).toBe('arn:aws:logs:us-east-1:123456789012:log-group:/ecs/app:*');
  });

  it('jsonencode keeps the positions of the encoded value; jsondecode gives it back', () => {
    const { mod } = root({ 'main.tf': 'locals {\n  x = jsonencode({\n    Statement = [{ Action = "s3:GetObject" }]\n  })\n  y = jsondecode(local.x)\n}\n' });
    const x = mod.local('x', at);
    expect(isEncoded(x)).toBe(true);
    expect(x.kind === 'scalar' && x.value).toBe('{"Statement":[{"Action":"s3:GetObject"}]}');
    const y = mod.local('y', at);
    expect(y.kind === 'map' && y.entries[0].value.kind === 'seq' && y.entries[0].value.items[0].loc.line).toBe(3);
  });

  it('file() and templatefile() read relative to the root module', () => {
    const files = {
      'p/doc.json': '{\n  "Version": "2012-10-17"\n}\n',
      'p/trust.tftpl': '{"Principal": {"Service": "${service}"}, "Accounts": [%{ for a in accounts ~}"${a}"%{ if a != accounts[length(accounts) - 1] },%{ endif }%{ endfor ~}]}',
    };
    expect(value('jsondecode(file("${path.module}/p/doc.json"))', files)).toEqual({ Version: '2012-10-17' });
    expect(value('jsondecode(templatefile("p/trust.tftpl", { service = "ecs-tasks.amazonaws.com", accounts = ["1", "2"] }))', files)).toEqual({
      Principal: { Service: 'ecs-tasks.amazonaws.com' },
      Accounts: ['1', '2'],
    });
    expect(value('file("missing.json")')).toBe('${file("missing.json")}');
    // A template sees only the variables it is given.
    expect(value('templatefile("t.tftpl", { a = "x" })', { 't.tftpl': '${a}-${var.b}', 'v.tf': 'variable "b" { default = "y" }\n' })).toBe('x-${var.b}');
  });

  it('try() moves past errors only: an unknown or partly known value is its result', () => {
    const files = {
      'r.tf': 'variable "v" {}\nresource "aws_iam_role" "r" {\n  count = 1\n  name_prefix = "svc-"\n}\nresource "aws_iam_role" "none" {\n  count = 0\n  name = "x"\n}\nlocals { m = { a = 1 } }\n',
    };
    expect(value('[try(aws_iam_role.r[0].arn, null), try(var.v, "d"), try(local.m.b, "d"), try(local.m.a, 2), try(aws_iam_role.none[0].arn, null), try(local.m["b"], [])]', files)).toEqual([
      'arn:${aws_partition}:iam::${aws_account_id}:role/${aws_iam_role.r[0].name}',
      '${var.v}',
      'd',
      1,
      null,
      [],
    ]);
  });

  it('file() and templatefile() read only regular files of the project, never outside it', () => {
    // A repository scanned in CI must not make rolefit print /etc/passwd or the runner's
    // environment in a finding, nor hang it on /dev/zero or /dev/stdin.
    const outside = writeTree({ 'secret.json': '{"token": "s3cr3t"}' });
    const { mod, dir } = root({
      'main.tf': `locals {\n  abs = file("${outside}/secret.json")\n  up = file("../${basename(outside)}/secret.json")\n  link = file("link/secret.json")\n  dev = file("/dev/zero")\n  tpl = templatefile("${outside}/secret.json", {})\n  ok = file("sub/ok.txt")\n}\n`,
      'sub/ok.txt': 'fine',
    });
    symlinkSync(outside, join(dir, 'link'));
    const plain = (k: string) => display(String(toPlain(mod.local(k, at))));
    for (const k of ['abs', 'up', 'link', 'dev', 'tpl']) expect(plain(k)).toMatch(/^\$\{(file|templatefile)\(/);
    expect(plain('ok')).toBe('fine');
  });

  it('a function it does not implement, or unknown arguments, give a token', () => {
    expect(value('sha256("x")')).toBe('${sha256("x")}');
    expect(value('upper(var.v)', { 'v.tf': 'variable "v" {}\n' })).toBe('${upper(var.v)}');
    expect(value('concat(["a"], var.l)', { 'v.tf': 'variable "l" {}\n' })).toBe('${concat(["a"], var.l)}');
  });

  it('lists its functions (README)', () => {
    expect(FUNCTION_NAMES).toContain('templatefile');
  });
});

describe('for expressions', () => {
  it('builds lists and objects, with conditions and grouping', () => {
    expect(value('[for s in ["a", "b", "c"] : upper(s) if s != "b"]')).toEqual(['A', 'C']);
    expect(value('{ for k, v in { a = 1, b = 2 } : v => k }')).toEqual({ 1: 'a', 2: 'b' });
    expect(value('{ for s in ["x1", "x2", "y1"] : substr(s, 0, 1) => s... }')).toEqual({ x: ['x1', 'x2'], y: ['y1'] });
  });
});
