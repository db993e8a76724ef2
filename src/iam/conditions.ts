// IAM condition operators: parsing of operator names (shared with the policy parser) and evaluation
// of Condition blocks against a request context (domain.md §4.5).

import { hasToken } from '../model.js';
import type { Condition } from '../model.js';
import type { Tri } from './arn.js';
import {
  globMatches,
  globOverlaps,
  hasTokenAtom,
  lowerAtoms,
  parseGlob,
  parseGlobParts,
  relaxAtoms,
  splitArnAtoms,
  type Atom,
} from './glob.js';
import { expandVariables, lookupKey, type Part, type RequestContext } from './variables.js';

export type { RequestContext } from './variables.js';

/** Operator names without prefix/suffix, in IAM's spelling. */
const BASE_OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Null',
] as const;

export type BaseOperator = (typeof BASE_OPERATORS)[number];

const BASE_BY_LOWER = new Map<string, BaseOperator>(BASE_OPERATORS.map((o) => [o.toLowerCase(), o]));

const NEGATED = new Set<BaseOperator>([
  'StringNotEquals',
  'StringNotEqualsIgnoreCase',
  'StringNotLike',
  'NumericNotEquals',
  'DateNotEquals',
  'NotIpAddress',
  'ArnNotEquals',
  'ArnNotLike',
]);

export interface ParsedOperator {
  base: BaseOperator;
  /** `StringNotLike` and the other operators that hold when no value matches. */
  negated: boolean;
  ifExists: boolean;
  set?: 'ForAnyValue' | 'ForAllValues';
  /** The operator in IAM's spelling. */
  canonical: string;
}

/** Parses an operator name such as `ForAnyValue:StringLikeIfExists`, case-insensitively. */
export function parseOperator(op: string): ParsedOperator | undefined {
  let rest = op;
  let set: ParsedOperator['set'];
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const prefix = rest.slice(0, colon).toLowerCase();
    if (prefix === 'foranyvalue') set = 'ForAnyValue';
    else if (prefix === 'forallvalues') set = 'ForAllValues';
    else return undefined;
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  let base = BASE_BY_LOWER.get(rest.toLowerCase());
  if (!base && rest.toLowerCase().endsWith('ifexists')) {
    base = BASE_BY_LOWER.get(rest.slice(0, -'ifexists'.length).toLowerCase());
    ifExists = true;
  }
  if (!base) return undefined;
  // `Null` tests existence itself: an IfExists form means nothing and IAM rejects it.
  if (base === 'Null' && ifExists) return undefined;
  const canonical = (set ? set + ':' : '') + base + (ifExists ? 'IfExists' : '');
  return { base, negated: NEGATED.has(base), ifExists, set, canonical };
}

// ------------------------------------------------------------------------------------------------ evaluation


export interface ConditionResult {
  result: Tri;
  /** Condition keys (and variable keys) the context does not determine, when the result is 'unknown'. */
  unknownKeys: string[];
}

export function triNot(a: Tri): Tri {
  return a === 'yes' ? 'no' : a === 'no' ? 'yes' : 'unknown';
}
export function triOr(a: Tri, b: Tri): Tri {
  return a === 'yes' || b === 'yes' ? 'yes' : a === 'unknown' || b === 'unknown' ? 'unknown' : 'no';
}
export function triAnd(a: Tri, b: Tri): Tri {
  return a === 'no' || b === 'no' ? 'no' : a === 'unknown' || b === 'unknown' ? 'unknown' : 'yes';
}

/** A policy value after variable substitution; `absent`: a variable's key is missing, so it matches nothing. */
type PolicyValue = { parts: Part[] } | { absent: true } | { unknown: string[] };

export function evaluateCondition(c: Condition, ctx: RequestContext, policyVersion?: string): ConditionResult {
  const op = parseOperator(c.operator);
  // The parser reports unknown operators; IAM would reject the document, so nothing is certain.
  if (!op) return { result: 'unknown', unknownKeys: [] };
  const found = lookupKey(ctx, c.key);
  if ('unknown' in found) return { result: 'unknown', unknownKeys: [c.key] };

  if (op.base === 'Null') {
    const isAbsent = 'absent' in found;
    let r: Tri = 'no';
    for (const v of c.values) {
      const want = v.toLowerCase();
      if (hasToken(v)) r = triOr(r, 'unknown');
      else if ((want === 'true' && isAbsent) || (want === 'false' && !isAbsent)) r = 'yes';
    }
    return { result: r, unknownKeys: [] };
  }

  if ('absent' in found) {
    if (op.ifExists || op.set === 'ForAllValues') return { result: 'yes', unknownKeys: [] };
    if (op.set === 'ForAnyValue') return { result: 'no', unknownKeys: [] };
    return { result: op.negated ? 'yes' : 'no', unknownKeys: [] };
  }

  const unknownKeys = new Set<string>();
  const policyValues: PolicyValue[] = c.values.map((v) => expandVariables(v, ctx, policyVersion));
  const compare = comparer(op.base);
  /** Whether request value `v` matches any policy value (the positive sense of the operator). */
  const matchesAny = (v: string): Tri => {
    let r: Tri = 'no';
    for (const p of policyValues) {
      if ('absent' in p) continue;
      if ('unknown' in p) {
        p.unknown.forEach((k) => unknownKeys.add(k));
        r = triOr(r, 'unknown');
      } else r = triOr(r, compare(v, p.parts));
      if (r === 'yes') break;
    }
    return r;
  };

  let result: Tri;
  if (op.set === 'ForAllValues') {
    result = 'yes';
    for (const v of found.values) result = triAnd(result, op.negated ? triNot(matchesAny(v)) : matchesAny(v));
  } else if (op.set === 'ForAnyValue') {
    result = 'no';
    for (const v of found.values) result = triOr(result, op.negated ? triNot(matchesAny(v)) : matchesAny(v));
  } else {
    // Single-valued form: the negated operators are the negation of their positive twin.
    let any: Tri = 'no';
    for (const v of found.values) any = triOr(any, matchesAny(v));
    result = op.negated ? triNot(any) : any;
  }
  return { result, unknownKeys: result === 'unknown' ? [...unknownKeys] : [] };
}

/** AND of all conditions of a statement. */
export function evaluateConditions(cs: Condition[], ctx: RequestContext, policyVersion?: string): ConditionResult {
  let result: Tri = 'yes';
  const unknownKeys = new Set<string>();
  for (const c of cs) {
    const r = evaluateCondition(c, ctx, policyVersion);
    result = triAnd(result, r.result);
    if (result === 'no') return { result, unknownKeys: [] };
    r.unknownKeys.forEach((k) => unknownKeys.add(k));
  }
  return { result, unknownKeys: result === 'unknown' ? [...unknownKeys] : [] };
}

// ------------------------------------------------------------------------------------------------ comparisons

type Compare = (value: string, policy: Part[]) => Tri;

/** The comparison of a request value with one policy value, in the positive sense of `base`. */
function comparer(base: BaseOperator): Compare {
  switch (base) {
    case 'StringEquals':
    case 'StringNotEquals':
      return (v, p) => globCompare(word(v), literal(p));
    case 'StringEqualsIgnoreCase':
    case 'StringNotEqualsIgnoreCase':
      return (v, p) => globCompare(lowerAtoms(word(v)), lowerAtoms(literal(p)));
    case 'StringLike':
    case 'StringNotLike':
      return (v, p) => globCompare(word(v), likePattern(p));
    case 'ArnEquals':
    case 'ArnLike':
    case 'ArnNotEquals':
    case 'ArnNotLike':
      return arnCompare;
    case 'NumericEquals':
    case 'NumericNotEquals':
      return scalarCompare(parseNumber, (a, b) => a === b);
    case 'NumericLessThan':
      return scalarCompare(parseNumber, (a, b) => a < b);
    case 'NumericLessThanEquals':
      return scalarCompare(parseNumber, (a, b) => a <= b);
    case 'NumericGreaterThan':
      return scalarCompare(parseNumber, (a, b) => a > b);
    case 'NumericGreaterThanEquals':
      return scalarCompare(parseNumber, (a, b) => a >= b);
    case 'DateEquals':
    case 'DateNotEquals':
      return scalarCompare(parseDate, (a, b) => a === b);
    case 'DateLessThan':
      return scalarCompare(parseDate, (a, b) => a < b);
    case 'DateLessThanEquals':
      return scalarCompare(parseDate, (a, b) => a <= b);
    case 'DateGreaterThan':
      return scalarCompare(parseDate, (a, b) => a > b);
    case 'DateGreaterThanEquals':
      return scalarCompare(parseDate, (a, b) => a >= b);
    case 'Bool':
      return scalarCompare(parseBool, (a, b) => a === b);
    case 'BinaryEquals':
      return scalarCompare(parseBinary, (a, b) => a === b);
    case 'IpAddress':
    case 'NotIpAddress':
      return ipCompare;
    case 'Null':
      // Handled before comparisons: Null tests presence, not values.
      return () => 'unknown';
  }
}

const join = (p: Part[]): string => p.map((x) => x.text).join('');

/** Comparisons of parsed values; a token on either side leaves the answer open. */
function scalarCompare<T>(parse: (s: string) => T | undefined, cmp: (value: T, policy: T) => boolean): Compare {
  return (v, p) => {
    const text = join(p);
    if (hasToken(v) || hasToken(text)) return 'unknown';
    const a = parse(v.trim());
    const b = parse(text.trim());
    if (a === undefined || b === undefined) return 'no';
    return cmp(a, b) ? 'yes' : 'no';
  };
}

function parseNumber(s: string): number | undefined {
  return /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s) ? Number(s) : undefined;
}

function parseBool(s: string): string | undefined {
  const l = s.toLowerCase();
  return l === 'true' || l === 'false' ? l : undefined;
}

function parseBinary(s: string): string | undefined {
  const compact = s.replace(/\s/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact, 'base64').toString('hex');
}

const ISO_DATE =
  /^(\d{4})-?(\d{2})-?(\d{2})(?:[Tt ](\d{2}):?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

/** Milliseconds since the epoch from ISO 8601 (UTC when no zone is given) or epoch seconds. */
export function parseDate(s: string): number | undefined {
  if (/^-?\d+(\.\d+)?$/.test(s) && !/^\d{8}$/.test(s)) return Number(s) * 1000;
  const m = ISO_DATE.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '', zone] = m;
  const nums = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(sec)];
  if (nums[1] < 1 || nums[1] > 12 || nums[2] < 1 || nums[2] > 31 || nums[3] > 24 || nums[4] > 59 || nums[5] > 60) return undefined;
  let t = Date.UTC(nums[0], nums[1] - 1, nums[2], nums[3], nums[4], nums[5]) + (frac ? Number('0.' + frac) * 1000 : 0);
  if (new Date(Date.UTC(nums[0], nums[1] - 1, nums[2])).getUTCDate() !== nums[2]) return undefined;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0')) * 60000;
  }
  return t;
}

// ------------------------------------------------------------------------------------------------ IP addresses

interface Ip {
  v6: boolean;
  n: bigint;
}

function parseIpv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = (n << 8n) | BigInt(Number(p));
  }
  return n;
}

function parseIpv6(s: string): bigint | undefined {
  if (s.includes('.')) {
    // Embedded IPv4 in the last 32 bits (::ffff:192.0.2.1): rewrite as two hex groups.
    const at = s.lastIndexOf(':');
    const v4 = parseIpv4(s.slice(at + 1));
    if (v4 === undefined) return undefined;
    s = s.slice(0, at + 1) + (v4 >> 16n).toString(16) + ':' + (v4 & 0xffffn).toString(16);
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : halves[0].split(':');
  const rest = halves.length === 2 && halves[1] !== '' ? halves[1].split(':') : [];
  let groups = head;
  if (halves.length === 2) {
    const fill = 8 - head.length - rest.length;
    if (fill < 1) return undefined;
    groups = [...head, ...Array<string>(fill).fill('0'), ...rest];
  }
  if (groups.length !== 8) return undefined;
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  return n;
}

function parseIp(s: string): Ip | undefined {
  if (s.includes(':')) {
    const n = parseIpv6(s);
    return n === undefined ? undefined : { v6: true, n };
  }
  const n = parseIpv4(s);
  return n === undefined ? undefined : { v6: false, n };
}

/** Address and prefix length of `a.b.c.d`, `a.b.c.d/n`, IPv6 likewise. */
export function parseCidr(s: string): { ip: Ip; bits: number } | undefined {
  const [addr, len, extra] = s.trim().split('/');
  if (extra !== undefined) return undefined;
  const ip = parseIp(addr);
  if (!ip) return undefined;
  const max = ip.v6 ? 128 : 32;
  if (len === undefined) return { ip, bits: max };
  if (!/^\d{1,3}$/.test(len) || Number(len) > max) return undefined;
  return { ip, bits: Number(len) };
}

function ipCompare(v: string, p: Part[]): Tri {
  const text = join(p);
  if (hasToken(v) || hasToken(text)) return 'unknown';
  const value = parseCidr(v);
  const range = parseCidr(text);
  if (!value || !range || value.ip.v6 !== range.ip.v6) return 'no';
  const width = BigInt(value.ip.v6 ? 128 : 32);
  const shift = width - BigInt(range.bits);
  return value.ip.n >> shift === range.ip.n >> shift ? 'yes' : 'no';
}

// ------------------------------------------------------------------------------------------------ strings with wildcards and tokens

// Condition strings are compared by UTF-16 code unit (see ParseOptions.codeUnits).

/** A request value: text and tokens, no wildcards. */
const word = (v: string): Atom[] => parseGlob(v, { literal: true, codeUnits: true });
/** A policy value compared for equality: `*` and `?` are plain characters. */
const literal = (p: Part[]): Atom[] => parseGlobParts(p, { literal: true, codeUnits: true });
/** A Like pattern: wildcards active except in escapes and variable values. */
const likePattern = (p: Part[]): Atom[] => parseGlobParts(p, { codeUnits: true });

/**
 * Does `pattern` match the word `value`? Tokens are opaque first (only a `*` or the identical
 * token matches one), which proves 'yes' whatever they stand for. Failing that, with tokens
 * involved, each is widened to `*` (a token could be any text): no overlap even then proves 'no'.
 */
function globCompare(value: Atom[], pattern: Atom[]): Tri {
  if (globMatches(pattern, value)) return 'yes';
  if (!hasTokenAtom(value) && !hasTokenAtom(pattern)) return 'no';
  return widenedOverlap(value, pattern) ? 'unknown' : 'no';
}

const widenedOverlap = (a: Atom[], b: Atom[]): boolean => globOverlaps(relaxAtoms(a), relaxAtoms(b));

/** The six ARN fields, when the first is exactly `arn` (case-sensitive, as written). */
function arnFields(atoms: Atom[]): Atom[][] | undefined {
  const fields = splitArnAtoms(atoms);
  const head = fields[0];
  const isArn = head.length === 3 && head.every((a, i) => a.k === 'lit' && a.c === 'arn'[i]);
  return fields.length === 6 && isArn ? fields : undefined;
}

/**
 * ArnEquals/ArnLike: each of the six colon-separated fields is matched on its own, with `*` and `?`
 * wildcards that cannot cross into the next field (except in the last, the resource).
 */
function arnCompare(v: string, p: Part[]): Tri {
  // A pattern of nothing but active stars matches any value, ARN or not.
  if (p.length > 0 && p.every((x) => !x.literal && /^\*+$/.test(x.text))) return 'yes';
  const pattern = likePattern(p);
  const value = word(v);
  const vf = arnFields(value);
  const pf = arnFields(pattern);
  if (!vf || !pf) {
    // Not an ARN on one side. A token could hide the colons, so only a token-free side decides.
    if (!hasTokenAtom(value) && !hasTokenAtom(pattern)) return 'no';
    return widenedOverlap(value, pattern) ? 'unknown' : 'no';
  }
  let r: Tri = 'yes';
  for (let i = 0; i < 6; i++) r = triAnd(r, globCompare(vf[i], pf[i]));
  return r;
}
