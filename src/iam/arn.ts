// ARNs and IAM resource matching (domain.md §4.3). A Resource value is `*` or an ARN pattern
// split at its first five ':' into arn, partition, service, region, account and resource-id.
// Partition, region and account glob within their segment, case-insensitively; the service is
// compared case-insensitively; the resource-id globs as one string (`*` crosses '/' and ':'),
// case-sensitively. Needs may be patterns too; coverage is language containment.
//
// Tokens (unknown values) are first treated as opaque atoms: only the identical token or a `*`
// matches one. What that proves holds whatever the tokens turn out to be. Otherwise, if tokens
// are involved, each token is widened to `*`: if even then nothing can match both sides the
// answer is 'no', else 'unknown'.
//
// When both sides have their six segments in view, each segment is judged on its own (a segment
// without tokens exactly, one with tokens as above) and the answers combined: one 'no' decides,
// since every segment pattern denotes at least one string. So `arn:${P}:ecr:${R}:${A}:repository/*`
// is definitely not within `arn:${P}:ecr:${R}:${A}:repository/app`, although widening all tokens
// together would let the two overlap.
//
// Assumptions about what a token can stand for: a token inside one ARN segment stands for text
// without ':' (an account, a region, a name). A token that hides the segmentation (fewer than five
// ':' around it: a whole ARN from `!Ref`, `${Bucket.Arn}/*`) stands for an ARN or ARN prefix
// that reaches into the resource-id, so what follows it is resource-id text. Such a pattern is
// compared as one string: a `*` after the token or after the fifth ':' crosses ':', one before
// stays within its segment. A short pattern with a token (`arn:${P}:s3`) may be either kind, so
// it is read both ways and only an answer both readings give stands. Tokens are not taken to put
// a wildcard in the service segment.
import { TOKEN_CLOSE, TOKEN_OPEN } from '../model.js';
import {
  globContains,
  globOverlaps,
  hasTokenAtom,
  hasWildcard,
  lowerAtoms,
  parseGlob,
  relaxAtoms,
  splitArnAtoms,
  type Atom,
} from './glob.js';

export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  /** Everything after the fifth ':' (may contain ':' and '/'). */
  resource: string;
}

export type Tri = 'yes' | 'no' | 'unknown';

/** Index of the first five ':' outside tokens (fewer when the text has fewer). */
function colonCuts(s: string): number[] {
  const cuts: number[] = [];
  let i = 0;
  while (i < s.length && cuts.length < 5) {
    if (s[i] === TOKEN_OPEN) {
      const end = s.indexOf(TOKEN_CLOSE, i + 1);
      if (end >= 0) {
        i = end + 1;
        continue;
      }
    }
    if (s[i] === ':') cuts.push(i);
    i++;
  }
  return cuts;
}

/** Splits an ARN at its first five ':' (tokens are never split). */
export function parseArn(s: string): Arn | undefined {
  const c = colonCuts(s);
  if (c.length < 5 || s.slice(0, c[0]).toLowerCase() !== 'arn') return undefined;
  return {
    partition: s.slice(c[0] + 1, c[1]),
    service: s.slice(c[1] + 1, c[2]),
    region: s.slice(c[2] + 1, c[3]),
    account: s.slice(c[3] + 1, c[4]),
    resource: s.slice(c[4] + 1),
  };
}

// ---------------------------------------------------------------------------------------------

const STAR: Atom = { k: 'star', free: true };
const BOUNDED: Atom = { k: 'star', free: false };
const COLON: Atom = { k: 'lit', c: ':' };

/** One way to read a pattern. */
interface Reading {
  /** The six segments (0–4 lower-cased), when this reading knows them. */
  segs?: Atom[][];
  /** The whole pattern as one string, for comparisons with a side whose segments are not known. */
  flat: Atom[];
  /** A wildcard in the service segment, which IAM documents as not allowed there. */
  serviceWild: boolean;
  /** Tokens this reading takes to be free of ':' (those in the partition, service, region and account). */
  colonFree: Set<string>;
  /** The flat reading of a short pattern: one of these tokens must hold ':'. */
  someColon?: string[];
}

interface Side {
  atoms: Atom[];
  tokens: boolean;
  /**
   * Usually one reading. A short pattern with tokens (`arn:${P}:s3`) has two: its tokens are plain
   * segment values and the pattern is padded, or they hold the missing ':' (flat).
   */
  readings: Reading[];
}

const sides = new Map<string, Side>();

function side(s: string): Side {
  let r = sides.get(s);
  if (r) return r;
  const atoms = parseGlob(s);
  const tokens = hasTokenAtom(atoms);
  const parts = splitArnAtoms(atoms);
  const readings: Reading[] = [];
  // Short patterns are padded with `*` segments; a token in the first one is an ARN itself.
  if (!hasTokenAtom(parts[0])) {
    const short = parts.length < 6;
    while (parts.length < 6) parts.push([STAR]);
    readings.push(segmented(parts.map((p, k) => (k < 5 ? lowerAtoms(p) : p))));
    if (short && tokens) readings.push({ ...unsegmented(atoms), someColon: tokenNames(atoms) });
  } else readings.push(unsegmented(atoms));
  r = { atoms, tokens, readings };
  if (sides.size > 5000) sides.clear();
  sides.set(s, r);
  return r;
}

function segmented(segs: Atom[][]): Reading {
  const flat: Atom[] = [];
  segs.forEach((seg, k) => {
    if (k > 0) flat.push(COLON);
    for (const a of seg) flat.push(a.k === 'star' && k < 5 ? BOUNDED : a);
  });
  return { segs, flat, serviceWild: hasWildcard(segs[2]), colonFree: new Set(tokenNames(segs.slice(1, 5).flat())) };
}

function tokenNames(atoms: Atom[]): string[] {
  return atoms.flatMap((a) => (a.k === 'tok' ? [a.t] : []));
}

/** Can both readings hold at once? Not when one needs a token to hold ':' that the other takes to have none. */
function compatible(x: Reading, y: Reading): boolean {
  return !(x.someColon?.every((t) => y.colonFree.has(t)) || y.someColon?.every((t) => x.colonFree.has(t)));
}

/** A token hides the segmentation: what follows it is resource-id text. */
function unsegmented(atoms: Atom[]): Reading {
  const flat: Atom[] = [];
  let serviceWild = false;
  let colons = 0;
  let afterToken = false;
  for (const a of atoms) {
    flat.push(a.k === 'star' ? (afterToken || colons >= 5 ? STAR : BOUNDED) : a);
    if (!afterToken && colons === 2 && (a.k === 'star' || a.k === 'one')) serviceWild = true;
    if (a.k === 'tok') afterToken = true;
    else if (a.k === 'lit' && a.c === ':') colons++;
  }
  return { flat, serviceWild, colonFree: new Set() };
}

/** Segment order for checks: cheap, discriminating segments before the long resource-id. */
const ORDER = [2, 4, 3, 1, 0, 5];

type Judge = (x: Atom[], y: Atom[], tokens: boolean, fold: boolean) => Tri;

/**
 * Segment by segment when both readings know their segments: one 'no' decides (no segment
 * pattern denotes the empty set), all 'yes' prove 'yes'. Else the whole strings.
 */
function judgeReadings(a: Reading, b: Reading, judge: Judge, tokens: boolean): Tri {
  let r: Tri;
  if (a.segs && b.segs) {
    r = 'yes';
    for (const k of ORDER) {
      const t = judge(a.segs[k], b.segs[k], tokens && (hasTokenAtom(a.segs[k]) || hasTokenAtom(b.segs[k])), false);
      if (t === 'no') return 'no';
      if (t !== 'yes') r = 'unknown';
    }
  } else r = judge(a.flat, b.flat, tokens, true);
  // A wildcard in the service segment is documented as invalid: whether it matches is not known.
  // (For coverage, a need with one is only ever covered by a grant with one.)
  return r === 'yes' && (a.serviceWild || b.serviceWild) ? 'unknown' : r;
}

/** Either reading of a side may be the true one: only an answer all compatible combinations give stands. */
function compare(a: Side, b: Side, judge: Judge): Tri {
  let r: Tri | undefined;
  for (const x of a.readings) {
    for (const y of b.readings) {
      // The first readings never need a ':', so they are compatible: some combination is judged.
      if (!compatible(x, y)) continue;
      const t = judgeReadings(x, y, judge, a.tokens || b.tokens);
      if (t === 'unknown' || (r !== undefined && t !== r)) return 'unknown';
      r = t;
    }
  }
  return r!;
}

/** Tokens widened to `*`; `fold`: case ignored too (a whole pattern, whose case-insensitive part is not known). */
function widened(p: Atom[], fold: boolean): Atom[] {
  return relaxAtoms(fold ? lowerAtoms(p) : p);
}

/** L(need) ⊆ L(grant) for one segment (segments 0–4 already lower-cased) or one whole pattern. */
function covers(need: Atom[], grant: Atom[], tokens: boolean, fold: boolean): Tri {
  // Opaque tokens: exact without tokens, and a proof that holds for every token value with them
  // (identical text included). undefined: the exact search gave up (pathological globs).
  const c = globContains(need, grant);
  if (c === true) return 'yes';
  if (!tokens) return c === false ? 'no' : 'unknown';
  return globOverlaps(widened(need, fold), widened(grant, fold)) ? 'unknown' : 'no';
}

/** Can one string match both, for one segment or one whole pattern? */
function meets(a: Atom[], b: Atom[], tokens: boolean, fold: boolean): Tri {
  if (globOverlaps(a, b)) return 'yes';
  if (!tokens) return 'no';
  return globOverlaps(widened(a, fold), widened(b, fold)) ? 'unknown' : 'no';
}

/**
 * Does the Resource value `grant` match every resource `need` denotes? `need` is an ARN, an ARN
 * pattern, or `*` (a wildcard-only action, which only a grant of exactly `*` covers).
 */
export function resourceCovers(grant: string, need: string): Tri {
  if (grant === '*') return 'yes';
  const g = side(grant);
  if (need === '*') {
    // Only a grant that could itself be `*` (made of tokens, perhaps with stars) leaves doubt.
    return g.tokens && g.atoms.every((a) => a.k === 'tok' || a.k === 'star') ? 'unknown' : 'no';
  }
  return compare(side(need), g, covers);
}

/** Can some resource match both patterns? */
export function resourceOverlaps(a: string, b: string): Tri {
  if (a === '*' || b === '*') return 'yes';
  return compare(side(a), side(b), meets);
}
