// A finding's stable identity across edits (baselines and SARIF partialFingerprints use it).
import { hash128 } from './hash.js';
import type { Finding } from './report/types.js';

/**
 * What the finding is about, without where it is written: rule, file, role, actions, resources and
 * the message with its `file:line[:col]` references and the positions of statements without a Sid
 * (`statement 3 of policy …`) removed, so that edits moving lines or inserting a statement above
 * keep it. The actions and resources still tell two statements apart.
 */
export function fingerprint(f: Omit<Finding, 'fingerprint' | 'suppression'>): string {
  const message = f.message.replace(/:\d+(?::\d+)?\b/g, '').replace(/\bstatement \d+ of\b/g, 'statement of');
  const key = JSON.stringify([f.rule, f.location.file, f.role?.id ?? null, f.actions, f.resources, message]);
  return hash128(key);
}
