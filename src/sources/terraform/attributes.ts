// What the AWS provider computes for a resource (domain.md §3.3): ARNs, ids and names from the
// arguments and the deployment context. Undefined when the attribute is not a computed one here
// (the block's own argument, or an unknown, is used instead).
import type { Loc, Node } from '../../model.js';
import { textOf } from './hcl.js';
import { isRegion } from '../region.js';
import { awsManagedPolicyByName } from '../../iam/managed.js';
import type { ResourceInstance } from './module.js';
import { policyDocument } from './policy-document.js';
import { encoded, scalar, text, type Tokens } from './values.js';

/** The partition, region and account a resource instance is created in. */
export function contextOf(inst: ResourceInstance): { partition: string; region: string; account: string } {
  const p = inst.block.body.attributes.get('provider');
  // AWS provider 6 takes a `region` argument on every resource (a data source's is its own answer).
  const own = inst.kind === 'resource' && inst.block.body.attributes.has('region') ? text(inst.mod.configured(inst, 'region')) : undefined;
  const region = own !== undefined && isRegion(own) ? own : inst.mod.region(p ? textOf(p.src, p.expr).trim() : undefined);
  return { partition: inst.mod.dep.partition, region, account: inst.mod.dep.account };
}

/** What the computation reads of a resource, from a configuration or from a plan. */
export interface AttributeSource {
  kind: 'resource' | 'data';
  type: string;
  address: string;
  /** An argument's text (undefined when absent). */
  arg(name: string): string | undefined;
  context: { partition: string; region: string; account: string };
  tokens: Tokens;
  /** The document of a `data "aws_iam_policy_document"`. */
  policyDocument?: () => Node | undefined;
}

export function hclAttributeSource(inst: ResourceInstance): AttributeSource {
  return {
    kind: inst.kind,
    type: inst.type,
    address: inst.address,
    arg: (name) => text(inst.mod.configured(inst, name)),
    context: contextOf(inst),
    tokens: inst.mod.dep.tokens,
    policyDocument: () => policyDocument(inst),
  };
}

/** Data sources whose attributes follow from their name as the resource's do. */
const LOOKUPS = ['aws_ecr_repository', 'aws_secretsmanager_secret', 'aws_ssm_parameter', 'aws_cloudwatch_log_group', 'aws_kms_alias'];

export function computedAttribute(res: AttributeSource, attr: string, loc: Loc): Node | undefined {
  const { partition: P, region: R, account: A } = res.context;
  const { tokens, arg } = res;
  /** The name argument, or the name the provider generates (name_prefix or none). */
  const nameOf = (prop = 'name') => arg(prop) ?? tokens.name(`${res.address}.${prop}`);
  const value = (s: string) => scalar(s, loc);
  const path = () => arg('path') ?? '/';
  if (res.kind === 'data') {
    switch (res.type) {
      case 'aws_caller_identity':
        if (attr === 'account_id' || attr === 'id') return value(A);
        break;
      case 'aws_region':
        if (attr === 'name' || attr === 'region' || attr === 'id') return value(arg('region') ?? arg('name') ?? R);
        break;
      case 'aws_partition':
        if (attr === 'partition' || attr === 'id') return value(P);
        if (attr === 'dns_suffix' && P === 'aws') return value('amazonaws.com');
        break;
      case 'aws_iam_policy_document':
        if ((attr === 'json' || attr === 'minified_json') && res.policyDocument) {
          const doc = res.policyDocument();
          if (doc) return encoded(doc, loc);
        }
        break;
      case 'aws_iam_policy': {
        // An AWS managed policy looked up by name (a customer policy of the same name is not considered).
        const name = arg('name');
        const managed = arg('arn') === undefined && name !== undefined ? awsManagedPolicyByName(name) : undefined;
        if (managed && (attr === 'arn' || attr === 'id')) return value(managed.arn.replace(/^arn:aws:/, `arn:${P}:`));
        break;
      }
    }
    // Data sources that look up by name what the resource of the same type creates: the argument
    // given, else the resource's formula (a repository's ARN from its name, …).
    if (!LOOKUPS.includes(res.type)) return undefined;
    const given = arg(attr);
    if (given !== undefined) return value(given);
    if (arg('name') === undefined) return undefined;
  }
  switch (res.type) {
    case 'aws_iam_role':
      if (attr === 'name' || attr === 'id') return value(nameOf());
      if (attr === 'arn') return value(`arn:${P}:iam::${A}:role${path()}${nameOf()}`);
      break;
    case 'aws_iam_policy':
      if (attr === 'name') return value(nameOf());
      if (attr === 'arn' || attr === 'id' || attr === 'policy_id') {
        return attr === 'policy_id' ? undefined : value(`arn:${P}:iam::${A}:policy${path()}${nameOf()}`);
      }
      break;
    case 'aws_cloudwatch_log_group':
      if (attr === 'name' || attr === 'id') return value(nameOf());
      // No `:*` suffix (unlike CloudFormation's GetAtt Arn): it names the group, not its streams.
      if (attr === 'arn') return value(`arn:${P}:logs:${R}:${A}:log-group:${nameOf()}`);
      break;
    case 'aws_secretsmanager_secret':
      if (attr === 'name') return value(nameOf());
      // The real ARN ends with `-` and 6 random characters; the pattern stands for them.
      if (attr === 'arn' || attr === 'id') return value(`arn:${P}:secretsmanager:${R}:${A}:secret:${nameOf()}-??????`);
      break;
    case 'aws_secretsmanager_secret_version': {
      // "The ARN of the secret": secret_id when it is one (a secret's id is its ARN), not a name.
      const secret = arg('secret_id');
      if (attr === 'arn' && secret?.startsWith('arn:')) return value(secret);
      break;
    }
    case 'aws_ssm_parameter':
      if (attr === 'name' || attr === 'id') return value(nameOf());
      if (attr === 'arn') return value(`arn:${P}:ssm:${R}:${A}:parameter/${nameOf().replace(/^\//, '')}`);
      break;
    case 'aws_kms_key': {
      const keyId = tokens.name(`${res.address}.key_id`);
      if (attr === 'key_id' || attr === 'id') return value(keyId);
      if (attr === 'arn') return value(`arn:${P}:kms:${R}:${A}:key/${keyId}`);
      break;
    }
    case 'aws_kms_alias':
      if (attr === 'name' || attr === 'id') return value(nameOf());
      if (attr === 'arn') return value(`arn:${P}:kms:${R}:${A}:${nameOf()}`);
      break;
    case 'aws_ecr_repository':
      if (attr === 'name' || attr === 'id') return value(nameOf());
      if (attr === 'arn') return value(`arn:${P}:ecr:${R}:${A}:repository/${nameOf()}`);
      if (attr === 'registry_id') return value(A);
      if (attr === 'repository_url') return value(`${A}.dkr.ecr.${R}.${P === 'aws' ? 'amazonaws.com' : tokens.name('aws_dns_suffix')}/${nameOf()}`);
      break;
    case 'aws_s3_bucket':
      if (attr === 'bucket' || attr === 'id') return value(nameOf('bucket'));
      if (attr === 'arn') return value(`arn:${P}:s3:::${nameOf('bucket')}`);
      break;
    case 'aws_ecs_task_definition':
      if (attr === 'family') return value(nameOf('family'));
      if (attr === 'arn') return value(`arn:${P}:ecs:${R}:${A}:task-definition/${nameOf('family')}:${tokens.name(`${res.address}.revision`)}`);
      break;
    case 'aws_eks_cluster':
      if (attr === 'name' || attr === 'id') return value(nameOf());
      if (attr === 'arn') return value(`arn:${P}:eks:${R}:${A}:cluster/${nameOf()}`);
      break;
  }
  return undefined;
}
