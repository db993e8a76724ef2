// E14, E15, E17: files the agent downloads from S3 (environment files, a FireLens config file).
import { display, TOKEN_OPEN, type Container, type Val } from '../model.js';
import type { ErScope } from './er-scope.js';
import { maskTokens } from './token-mask.js';

export type S3ObjectRef =
  | { kind: 'object'; objectArn: string; bucketArn: string }
  | { kind: 'invalid'; reason: string }
  /** One token stands where the ARN starts: the object is an opaque unknown. */
  | { kind: 'unresolved' };

/** Parses `arn:<P>:s3:::<bucket>/<key>`. */
export function parseS3ObjectArn(value: string): S3ObjectRef {
  const m = maskTokens(value);
  if (m.text.startsWith(TOKEN_OPEN)) return { kind: 'unresolved' };
  const f = m.text.split(':');
  const shape = 'an S3 object ARN has the form arn:<partition>:s3:::<bucket>/<key>';
  if (f.length !== 6 || f[0] !== 'arn' || f[2] !== 's3' || f[3] !== '' || f[4] !== '' || !f[1]) {
    return { kind: 'invalid', reason: shape };
  }
  const slash = f[5].indexOf('/');
  if (slash <= 0 || slash === f[5].length - 1) return { kind: 'invalid', reason: shape };
  return {
    kind: 'object',
    objectArn: m.restore(m.text),
    bucketArn: m.restore(`arn:${f[1]}:s3:::${f[5].slice(0, slash)}`),
  };
}

function objectNeeds(scope: ErScope, v: Val, what: string): void {
  const { td, sink } = scope;
  const shown = `${what} ${display(v.value)}`;
  const ref = parseS3ObjectArn(v.value);
  if (ref.kind === 'invalid') {
    sink.diag('error', 'invalid-input', `${shown}: ${ref.reason}; the container would fail to start`, v.loc);
    return;
  }
  if (ref.kind === 'unresolved') {
    // The object ARN is one opaque value: a grant written with the same value covers it. Its
    // bucket is not known, so GetBucketLocation is only tolerated.
    sink.add({ action: 's3:GetObject', resource: v.value, reason: `${shown} → S3 object`, loc: v.loc });
    sink.add({
      action: 's3:GetBucketLocation',
      resource: `arn:${td.partition}:s3:::*`,
      reason: `${shown} → S3 bucket location (bucket unknown; tolerated, not verified)`,
      loc: v.loc,
      optional: true,
    });
    return;
  }
  sink.add({ action: 's3:GetObject', resource: ref.objectArn, reason: `${shown} → S3 object`, loc: v.loc });
  sink.add({ action: 's3:GetBucketLocation', resource: ref.bucketArn, reason: `${shown} → S3 bucket location`, loc: v.loc });
}

/** E14, E15 (E16, SSE-KMS on the bucket, needs bucket encryption the model does not hold). */
export function environmentFileNeeds(scope: ErScope, c: Container): void {
  for (const f of c.environmentFiles) {
    if (f.type.toLowerCase() !== 's3') continue; // s3 is the only type ECS supports
    objectNeeds(scope, f.value, `container "${display(c.name)}" environment file`);
  }
}

/** E17: a FireLens configuration file fetched from S3 (EC2 only). */
export function firelensConfigNeeds(scope: ErScope, c: Container): void {
  const type = c.firelens?.options['config-file-type'];
  if (!type || type.value !== 's3') return;
  const who = `container "${display(c.name)}"`;
  if (scope.fargate) {
    scope.sink.diag(
      'error',
      'invalid-input',
      `${who}: FireLens config-file-type "s3" is not supported on Fargate (only "file" is); the task definition requires FARGATE`,
      type.loc,
    );
  }
  const value = c.firelens?.options['config-file-value'];
  if (!value || value.value === '') {
    scope.sink.diag('error', 'invalid-input', `${who}: FireLens config-file-type "s3" without config-file-value`, type.loc);
    return;
  }
  objectNeeds(scope, value, `${who} FireLens config file`);
}
