// A finding's stable identity across edits (baselines and SARIF partialFingerprints use it).
import { createHash } from 'node:crypto';
import type { Finding } from './report/types.js';

/**
 * What the finding is about, without where it is written: rule, file, role, actions, resources and
 * the message with its `file:line[:col]` references removed, so that edits moving lines keep it.
 */
export function fingerprint(f: Omit<Finding, 'fingerprint' | 'suppression'>): string {
  const message = f.message.replace(/:\d+(?::\d+)?\b/g, '');
  const key = JSON.stringify([f.rule, f.location.file, f.role?.id ?? null, f.actions, f.resources, message]);
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}
