// What the Fargate log router needs of the pod execution role for the outputs of the
// `aws-observability/aws-logging` ConfigMap (domain.md §2.4). Fluent Bit runs with the pod
// execution role's credentials unless an output assumes a role of its own (`role_arn`).
import { display, hasToken, type FargateLogging, type FargateProfile, type FluentBitOutput, type Val } from '../model.js';
import type { NeedSink } from './need-sink.js';
import { parseGoBool } from './awslogs-needs.js';

/** Fluent Bit record accessors and env-style variables in names: the name is only known per record. */
function pattern(name: string): string {
  return name.replace(/\$\([^)]*\)|\$\{[^}]*\}|\$[A-Za-z_]+(\[[^\]]*\])+/g, '*');
}

export function loggingNeeds(profile: FargateProfile, logging: FargateLogging, sink: NeedSink): void {
  const { partition: P, account: A } = profile;
  for (const o of logging.outputs) {
    const opt = (k: string): Val | undefined => o.options[k];
    const region = opt('region')?.value ?? opt('aws_region')?.value ?? profile.region;
    const what = `aws-logging output ${o.plugin}`;
    const assumed = opt('role_arn') ?? opt('aws_role_arn');
    if (assumed) {
      // The output signs with the role it assumes: the pod execution role only needs to assume it.
      sink.add({ action: 'sts:AssumeRole', resource: assumed.value, reason: `${what} role_arn → assume ${display(assumed.value)}`, loc: assumed.loc });
      continue;
    }
    switch (o.plugin) {
      case 'cloudwatch_logs':
      case 'cloudwatch':
        cloudWatchNeeds(o, P, region, A, what, sink);
        break;
      case 'firehose':
      case 'kinesis_firehose': {
        const stream = opt('delivery_stream');
        if (!stream) break;
        sink.add({ action: 'firehose:PutRecordBatch', resource: `arn:${P}:firehose:${region}:${A}:deliverystream/${pattern(stream.value)}`, reason: `${what} delivery stream ${display(stream.value)}`, loc: stream.loc });
        break;
      }
      case 'kinesis': {
        const stream = opt('stream');
        if (!stream) break;
        sink.add({ action: 'kinesis:PutRecords', resource: `arn:${P}:kinesis:${region}:${A}:stream/${pattern(stream.value)}`, reason: `${what} stream ${display(stream.value)}`, loc: stream.loc });
        break;
      }
      case 'es': {
        // Without AWS_Auth On the requests are not signed: no IAM permission is used.
        const auth = opt('aws_auth');
        if (!auth || auth.value.toLowerCase() !== 'on') break;
        const host = opt('host');
        const domain = host ? openSearchDomain(host.value) : undefined;
        const esRegion = opt('aws_region')?.value ?? region;
        const resource = `arn:${P}:es:${esRegion}:${A}:domain/${domain ?? '*'}/*`;
        const reason = `${what} ${domain ? `domain ${domain}` : `host ${display(host?.value ?? '?')} (domain not known)`}`;
        for (const action of ['es:ESHttpPost', 'es:ESHttpPut']) sink.add({ action, resource, reason, loc: (host ?? auth).loc, ...(domain ? {} : { oneOf: true }) });
        break;
      }
    }
  }
  if (logging.flbLogCw && parseGoBool(logging.flbLogCw.value)) {
    const group = `arn:${P}:logs:${profile.region}:${A}:log-group:${profile.cluster}-fluent-bit-logs`;
    const reason = `aws-logging flb_log_cw → Fluent Bit process logs to ${display(profile.cluster)}-fluent-bit-logs`;
    for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents']) sink.add({ action, resource: `${group}:log-stream:*`, reason, loc: logging.flbLogCw.loc });
    sink.add({ action: 'logs:CreateLogGroup', resource: group, reason: `${reason} (creates the group; tolerated)`, loc: logging.flbLogCw.loc, optional: true });
  }
}

function cloudWatchNeeds(o: FluentBitOutput, P: string, region: string, A: string, what: string, sink: NeedSink): void {
  const groups = [o.options.log_group_name, o.options.log_group_template].filter((v): v is Val => v !== undefined);
  const prefix = o.options.log_stream_prefix?.value;
  const streamName = o.options.log_stream_name?.value ?? o.options.log_stream_template?.value;
  const stream = prefix !== undefined ? `${pattern(prefix)}*` : streamName !== undefined ? pattern(streamName) : '*';
  for (const g of groups) {
    const groupArn = `arn:${P}:logs:${region}:${A}:log-group:${pattern(g.value)}`;
    const reason = `${what} group ${display(g.value)}`;
    for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents']) sink.add({ action, resource: `${groupArn}:log-stream:${stream}`, reason: `${reason} → log stream`, loc: g.loc });
    // The Go plugin looks streams up; the C plugin does not: tolerated either way.
    sink.add({ action: 'logs:DescribeLogStreams', resource: `${groupArn}:*`, reason: `${reason} → describe log streams (tolerated)`, loc: g.loc, optional: true });
    const create = o.options.auto_create_group;
    if (create && (hasToken(create.value) || parseGoBool(create.value) || create.value.toLowerCase() === 'on')) {
      sink.add({ action: 'logs:CreateLogGroup', resource: groupArn, reason: `${what} auto_create_group → create log group ${display(g.value)}`, loc: create.loc });
    }
    const retention = o.options.log_retention_days;
    if (retention) sink.add({ action: 'logs:PutRetentionPolicy', resource: groupArn, reason: `${what} log_retention_days → set retention of ${display(g.value)}`, loc: retention.loc });
  }
}

/** `search-logs-abc123.eu-west-1.es.amazonaws.com` → `logs` (the random suffix after the last dash). */
export function openSearchDomain(host: string): string | undefined {
  const m = /^(?:https?:\/\/)?(?:search|vpc)-(.+)-[a-z0-9]+\.[a-z0-9-]+\.(?:es|aoss)\.amazonaws\.com/.exec(host);
  return m?.[1];
}
