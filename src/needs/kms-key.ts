// Which KMS key protects a secret or parameter, as a key ARN (E13): key policies and IAM authorize
// kms:Decrypt on the key ARN; alias ARNs in a Resource do not work.
import { hasToken, type Inventory } from '../model.js';
import { arnParts } from './arn-parts.js';

export type KeyResolution =
  | { kind: 'aws-managed' }
  | { kind: 'key'; arn: string }
  | { kind: 'unknown' };

export interface Home {
  partition: string;
  region: string;
  account: string;
}

const KEY_ID_RE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/i;

/**
 * Resolves a `KmsKeyId` as Secrets Manager or SSM record it (key id, key ARN, alias name, alias
 * ARN) to a key ARN. `home` is where the secret or parameter lives: a bare key id or alias name
 * is looked up there.
 */
export function resolveKmsKey(inv: Inventory, keyId: string, home: Home): KeyResolution {
  const id = keyId.trim();
  const parts = arnParts(id);
  const aliasName = id.startsWith('alias/') ? id : parts?.service === 'kms' && parts.resource.startsWith('alias/') ? parts.resource : undefined;
  // aws/secretsmanager, aws/ssm and every other alias under aws/ name AWS managed keys.
  if (aliasName?.startsWith('alias/aws/')) return { kind: 'aws-managed' };

  for (const k of inv.kmsKeys) {
    if (k.arn === id || k.aliases.includes(id)) return { kind: 'key', arn: k.arn };
  }
  if (parts?.service === 'kms' && parts.resource.startsWith('key/')) return { kind: 'key', arn: id };
  if (aliasName !== undefined) {
    // An alias ARN matches a key that lists the alias name in the same account and region.
    const where = parts ?? home;
    for (const k of inv.kmsKeys) {
      const kp = arnParts(k.arn);
      if (kp && kp.region === where.region && kp.account === where.account && k.aliases.includes(aliasName)) {
        return { kind: 'key', arn: k.arn };
      }
    }
    return { kind: 'unknown' };
  }
  if (KEY_ID_RE.test(id)) {
    for (const k of inv.kmsKeys) if (k.arn.endsWith(`:key/${id}`)) return { kind: 'key', arn: k.arn };
    return { kind: 'key', arn: `arn:${home.partition}:kms:${home.region}:${home.account}:key/${id}` };
  }
  return { kind: 'unknown' };
}

/**
 * The `kms:ViaService` value of a call that `service` makes to KMS on the caller's behalf in
 * `region`: `<service>.<region>.amazonaws.com`. Not the partition's URL suffix: in China some
 * services keep `amazonaws.com` in IAM names, and the CDK's grants (secretsmanager, ssm) use
 * `amazonaws.com` in every partition. A partition token is taken to be one of these; for the
 * isolated partitions the value is not known (undefined).
 */
export function viaService(service: string, partition: string, region: string): string | undefined {
  if (partition === 'aws' || partition === 'aws-cn' || partition === 'aws-us-gov' || hasToken(partition)) {
    return `${service}.${region}.amazonaws.com`;
  }
  return undefined;
}
