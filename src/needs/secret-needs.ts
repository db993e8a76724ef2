// E7, E10–E13, E25: secrets the agent reads for a container (or an FSx volume) before it starts.
import { display, type Loc, type Val } from '../model.js';
import type { ErScope } from './er-scope.js';
import { parseSecretRef } from './secret-ref.js';
import { findParameter, findSecret } from './inventory-match.js';
import { resolveKmsKey, viaService, type Home } from './kms-key.js';
import { arnParts } from './arn-parts.js';

export const GET_SECRET = 'secretsmanager:GetSecretValue';
export const GET_PARAMETERS = 'ssm:GetParameters'; // plural: ECS never calls GetParameter
export const KMS_DECRYPT = 'kms:Decrypt';

/**
 * Needs for one reference. `what` names the field for people (`container "web" secret DB`),
 * `subject` what fails when the reference is bad (`container`, `task`).
 */
export function secretRefNeeds(scope: ErScope, ref: Val, usage: 'secret' | 'credentials', what: string, subject: string): void {
  const { td, sink } = scope;
  const shown = `${what} ${display(ref.value)}`;
  const parsed = parseSecretRef(ref.value, { region: td.region, account: td.account, partition: td.partition }, usage);
  switch (parsed.kind) {
    case 'invalid':
      sink.diag('error', 'invalid-input', `${shown}: ${parsed.reason}; the ${subject} would fail to start`, ref.loc);
      return;
    case 'unresolved': {
      sink.diag('note', 'unresolved-reference', `${shown}: ${parsed.reason}, so the permissions it needs cannot be verified`, ref.loc);
      // Tolerated, never required: the grants it may use are neither missing nor excess.
      const reason = `${shown} → possible secret read (reference unknown; tolerated, not verified)`;
      const p = td.partition;
      sink.add({ action: GET_SECRET, resource: `arn:${p}:secretsmanager:*:*:secret:*`, reason, loc: ref.loc, optional: true });
      if (usage === 'secret') {
        sink.add({ action: GET_PARAMETERS, resource: `arn:${p}:ssm:*:*:parameter/*`, reason, loc: ref.loc, optional: true });
      }
      sink.add({ action: KMS_DECRYPT, resource: `arn:${p}:kms:*:*:key/*`, reason, loc: ref.loc, optional: true });
      return;
    }
    case 'secretsmanager': {
      const context: Record<string, string> = {};
      if (parsed.versionStage !== undefined) context['secretsmanager:VersionStage'] = parsed.versionStage;
      if (parsed.versionId !== undefined) context['secretsmanager:VersionId'] = parsed.versionId;
      sink.add({
        action: GET_SECRET,
        resource: parsed.secretArn,
        reason: `${shown} → Secrets Manager secret`,
        loc: ref.loc,
        ...(Object.keys(context).length > 0 ? { context } : {}),
        // Named without its random suffix: `-??????` stands for one secret whose suffix is unknown.
        ...(parsed.partial ? { oneOf: true } : {}),
      });
      secretKmsNeed(scope, parsed.secretArn, shown, ref.loc);
      return;
    }
    case 'ssm': {
      sink.add({ action: GET_PARAMETERS, resource: parsed.parameterArn, reason: `${shown} → SSM parameter`, loc: ref.loc });
      const param = findParameter(scope.inv, parsed.parameterArn, parsed.name);
      const home = arnParts(parsed.parameterArn);
      if (param?.kmsKeyId && home) {
        kmsNeed(scope, param.kmsKeyId, home, 'ssm', `${shown}: parameter ${display(parsed.name)}`, ref.loc);
      }
      if (parsed.secretsManagerRef) {
        // E12: Parameter Store reads the referenced secret with the role's own credentials.
        sink.add({
          action: GET_SECRET,
          resource: parsed.secretsManagerRef,
          reason: `${shown} → Secrets Manager secret behind the SSM reference`,
          loc: ref.loc,
          // The reference names the secret, not its ARN: one secret whose suffix is unknown.
          oneOf: true,
        });
        secretKmsNeed(scope, parsed.secretsManagerRef, shown, ref.loc);
      }
      return;
    }
  }
}

function secretKmsNeed(scope: ErScope, secretArn: string, shown: string, loc: Loc): void {
  const secret = findSecret(scope.inv, secretArn);
  const home = arnParts(secretArn);
  if (!secret?.kmsKeyId || !home) return;
  const name = secret.name ?? home.resource.slice('secret:'.length);
  kmsNeed(scope, secret.kmsKeyId, home, 'secretsmanager', `${shown}: secret ${display(name)}`, loc);
}

/** E13: kms:Decrypt on a customer managed key, called through `service`. */
function kmsNeed(scope: ErScope, keyId: string, home: Home, service: 'secretsmanager' | 'ssm', what: string, loc: Loc): void {
  const { sink, inv } = scope;
  const key = resolveKmsKey(inv, keyId, home);
  if (key.kind === 'aws-managed') return; // AWS managed keys need no identity grant
  if (key.kind === 'unknown') {
    sink.diag(
      'note',
      'unresolved-reference',
      `${what} is encrypted with KMS key ${display(keyId)}, which the scan cannot resolve to a key ARN, so kms:Decrypt cannot be verified`,
      loc,
    );
    sink.add({
      action: KMS_DECRYPT,
      resource: `arn:${home.partition}:kms:*:*:key/*`,
      reason: `${what} → KMS decrypt with key ${display(keyId)} (key unknown; tolerated, not verified)`,
      loc,
      optional: true,
    });
    return;
  }
  const via = viaService(service, home.partition, home.region);
  sink.add({
    action: KMS_DECRYPT,
    resource: key.arn,
    reason: `${what} is encrypted with customer managed key ${display(keyId)} → KMS decrypt`,
    loc,
    ...(via !== undefined ? { context: { 'kms:ViaService': via } } : {}),
  });
}
