// The least-privilege policy that fits an execution role's needs: one statement per set of
// actions that share resources (and conditions), no action wildcards, ecr:GetAuthorizationToken
// on "*" (it has no resource type).
import { display, type Need } from '../model.js';
import { parseArn } from '../iam/arn.js';
import type { PolicyDocumentJson } from '../report/types.js';

/** Statement ids for the usual action sets, so suggested policies read like AWS's examples. */
const SIDS: Record<string, string> = {
  'ecr:GetAuthorizationToken': 'EcrAuth',
  'ecr:BatchCheckLayerAvailability,ecr:BatchGetImage,ecr:GetDownloadUrlForLayer': 'EcrPull',
  'ecr:BatchGetImage,ecr:GetDownloadUrlForLayer': 'EcrPull',
  'ecr:BatchCheckLayerAvailability,ecr:BatchGetImage,ecr:BatchImportUpstreamImage,ecr:GetDownloadUrlForLayer': 'EcrPullThroughCache',
  'ecr:BatchGetImage,ecr:BatchImportUpstreamImage,ecr:GetDownloadUrlForLayer': 'EcrPullThroughCache',
  'ecr:CreateRepository': 'EcrCacheRepositories',
  'logs:CreateLogStream,logs:PutLogEvents': 'Logs',
  'logs:CreateLogGroup': 'LogGroup',
  'logs:CreateLogGroup,logs:PutRetentionPolicy': 'LogGroup',
  'logs:PutRetentionPolicy': 'LogRetention',
  'logs:DescribeLogStreams': 'LogStreams',
  'firehose:PutRecordBatch': 'Firehose',
  'kinesis:PutRecords': 'Kinesis',
  'es:ESHttpPost,es:ESHttpPut': 'OpenSearch',
  'secretsmanager:GetSecretValue': 'Secrets',
  'ssm:GetParameters': 'Parameters',
  'kms:Decrypt': 'Kms',
  's3:GetObject': 'S3Objects',
  's3:GetBucketLocation': 'S3Buckets',
};

/**
 * The least-privilege policy for `all` needs. Values are shown with tokens as `${Name}` (the
 * report's form); `{ raw: true }` keeps the tokens, for writing the policy back in the syntax of the
 * role's source (src/fix/).
 */
export function suggestPolicy(all: Need[], opts: { raw?: boolean } = {}): PolicyDocumentJson | null {
  const show = opts.raw ? (s: string) => s : display;
  const needs = all.filter((n) => !(n.optional && placeholder(n.resource)));
  if (needs.length === 0) return null;
  // resource+condition → actions
  const byResource = new Map<string, { resource: string; condition?: string; actions: Set<string> }>();
  for (const n of needs) {
    const resource = show(n.resource);
    const viaValue = n.context?.['kms:ViaService'];
    const via = typeof viaValue === 'string' ? show(viaValue) : undefined;
    const key = resource + '\u0001' + (via ?? '');
    const e = byResource.get(key) ?? { resource, condition: via, actions: new Set<string>() };
    e.actions.add(n.action);
    byResource.set(key, e);
  }
  // action set+condition → resources
  const statements = new Map<string, { actions: string[]; resources: string[]; via: string[] }>();
  for (const e of byResource.values()) {
    const actions = [...e.actions].sort();
    const key = actions.join(',') + '\u0001' + (e.condition ? 'kms' : '');
    const s = statements.get(key) ?? { actions, resources: [], via: [] };
    s.resources.push(e.resource);
    if (e.condition && !s.via.includes(e.condition)) s.via.push(e.condition);
    statements.set(key, s);
  }
  const used = new Map<string, number>();
  const Statement = [...statements.values()].map((s) => {
    const base = SIDS[s.actions.join(',')] ?? s.actions[0].split(':')[0].replace(/^./, (c) => c.toUpperCase());
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    const resources = [...new Set(s.resources)].sort();
    return {
      Sid: n === 1 ? base : `${base}${n}`,
      Effect: 'Allow' as const,
      Action: s.actions.length === 1 ? s.actions[0] : s.actions,
      Resource: resources.length === 1 ? resources[0] : resources,
      ...(s.via.length ? { Condition: { StringEquals: { 'kms:ViaService': s.via.length === 1 ? s.via[0] : s.via } } } : {}),
    };
  });
  const order = Object.values(SIDS);
  Statement.sort((a, b) => rank(order, a.Sid) - rank(order, b.Sid) || (a.Sid < b.Sid ? -1 : 1));
  return { Version: '2012-10-17', Statement: Statement as PolicyDocumentJson['Statement'] };
}

/**
 * A tolerated need whose resource is `*` or wildcards the region or account stands for a value the
 * input does not determine (an image from a parameter): it has no place in a least-privilege
 * policy. A tolerated need on a known resource (BatchCheckLayerAvailability, a pull-through
 * cache's CreateRepository) has.
 */
function placeholder(resource: string): boolean {
  if (resource === '*') return true;
  const arn = parseArn(resource);
  return !arn || /[*?]/.test(arn.region + arn.account);
}

function rank(order: string[], sid: string): number {
  const i = order.indexOf(sid.replace(/\d+$/, ''));
  return i < 0 ? order.length : i;
}
