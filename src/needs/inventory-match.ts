// Finding the secret or parameter a reference names among those the scan can see (for their KMS
// keys). Secret ARNs may be `-??????` patterns on either side: a reference by partial ARN or name,
// an IaC secret whose random suffix is not known yet.
import type { Inventory, ParameterResource, SecretResource } from '../model.js';
import { arnParts } from './arn-parts.js';

const SUFFIX_RE = /-[A-Za-z0-9]{6}$/;
const PATTERN_SUFFIX = '-??????';

/** The name part of a secret ARN without its random suffix (or `-??????`). */
function secretBaseName(name: string): string {
  if (name.endsWith(PATTERN_SUFFIX)) return name.slice(0, -PATTERN_SUFFIX.length);
  return name.replace(SUFFIX_RE, '');
}

function secretNamesMatch(a: string, b: string): boolean {
  if (a === b) return true;
  // `name-??????` stands for `name-` plus six characters.
  if (a.endsWith(PATTERN_SUFFIX)) return SUFFIX_RE.test(b) && secretBaseName(b) === secretBaseName(a);
  if (b.endsWith(PATTERN_SUFFIX)) return SUFFIX_RE.test(a) && secretBaseName(a) === secretBaseName(b);
  return false;
}

/**
 * The scan's secrets indexed once per inventory by exact ARN and by base name (ARN name part or,
 * for secrets known only by name, that name), so each reference looks at its few candidates
 * instead of every secret (quadratic on large scans).
 */
interface SecretIndex {
  byKey: Map<string, number[]>;
}
const indexes = new WeakMap<Inventory, { secrets: SecretResource[]; index: SecretIndex }>();

function secretIndex(inv: Inventory): SecretIndex {
  const cached = indexes.get(inv);
  if (cached && cached.secrets === inv.secrets) return cached.index;
  const byKey = new Map<string, number[]>();
  const add = (key: string, i: number) => {
    const list = byKey.get(key);
    if (!list) byKey.set(key, [i]);
    else if (list[list.length - 1] !== i) list.push(i);
  };
  inv.secrets.forEach((s, i) => {
    add(`arn\u0000${s.arn}`, i);
    const have = arnParts(s.arn);
    if (have?.resource.startsWith('secret:')) add(`base\u0000${secretBaseName(have.resource.slice('secret:'.length))}`, i);
    if (!have && s.name !== undefined) add(`base\u0000${secretBaseName(s.name)}`, i), add(`base\u0000${s.name}`, i);
  });
  const index = { byKey };
  indexes.set(inv, { secrets: inv.secrets, index });
  return index;
}

/** The secret `secretArn` (an ARN or `-??????` pattern) names, if the scan defines it. */
export function findSecret(inv: Inventory, secretArn: string): SecretResource | undefined {
  const want = arnParts(secretArn);
  if (!want || !want.resource.startsWith('secret:')) return inv.secrets.find((s) => s.arn === secretArn);
  const wantName = want.resource.slice('secret:'.length);
  const { byKey } = secretIndex(inv);
  // Candidates in inventory order: the first that matches wins, as a linear search would find it.
  const candidates = [
    ...new Set([...(byKey.get(`arn\u0000${secretArn}`) ?? []), ...(byKey.get(`base\u0000${secretBaseName(wantName)}`) ?? []), ...(byKey.get(`base\u0000${wantName}`) ?? [])]),
  ].sort((a, b) => a - b);
  for (const i of candidates) {
    const s = inv.secrets[i];
    if (s.arn === secretArn) return s;
    const have = arnParts(s.arn);
    if (have) {
      if (
        have.partition === want.partition &&
        have.region === want.region &&
        have.account === want.account &&
        have.resource.startsWith('secret:') &&
        secretNamesMatch(have.resource.slice('secret:'.length), wantName)
      ) {
        return s;
      }
    } else if (s.name !== undefined && (s.name === wantName || s.name === secretBaseName(wantName))) {
      // The scan knows the secret by name only (its ARN is one opaque token).
      return s;
    }
  }
  return undefined;
}

/** The parameter `parameterArn` names, if the scan defines it. */
export function findParameter(inv: Inventory, parameterArn: string, name: string): ParameterResource | undefined {
  const bare = name.replace(/^\//, '');
  const prefix = parameterArn.slice(0, parameterArn.length - bare.length);
  for (const p of inv.parameters) {
    if (p.arn === parameterArn) return p;
    if (p.name.replace(/^\//, '') !== bare) continue;
    // Same name: the same parameter when it lives in the same partition, region and account, or
    // when the scan knows no usable ARN for it.
    if (p.arn.startsWith(prefix) || !arnParts(p.arn)) return p;
  }
  return undefined;
}
