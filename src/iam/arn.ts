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
// Assumptions about what a token can stand for: a token inside one ARN segment stands for text
// without ':' (an account, a region, a name). A token that hides the segmentation (fewer than five
// ':' around it: a whole ARN from `!Ref`, `${Bucket.Arn}/*`) stands for an ARN or ARN prefix
// that reaches into the resource-id, so what follows it is resource-id text. Such a pattern is
// compared as one string: a `*` after the token or after the fifth ':' crosses ':', one before
// stays within its segment. Tokens are not taken to put a wildcard in the service segment.
import { TOKEN_CLOSE, TOKEN_OPEN } from '../model.js';
import {
  globContains,
  globOverlaps,
  hasTokenAtom,
  hasWildcard,
  lowerAtoms,
  parseGlob,
  relaxAtoms,
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

interface Side {
  atoms: Atom[];
  /** The six segments (0–4 lower-cased), or undefined when a token hides the segmentation. */
  segs?: Atom[][];
  /** The whole pattern as one string, for comparisons with an unsegmented side. */
  flat: Atom[];
  tokens: boolean;
  /** A wildcard in the service segment, which IAM documents as not allowed there. */
  serviceWild: boolean;
}

const sides = new Map<string, Side>();

function side(s: string): Side {
  let r = sides.get(s);
  if (r) return r;
  const atoms = parseGlob(s);
  const tokens = hasTokenAtom(atoms);
  const parts: Atom[][] = [[]];
  for (const a of atoms) {
    if (a.k === 'lit' && a.c === ':' && parts.length < 6) parts.push([]);
    else parts[parts.length - 1].push(a);
  }
  let segs: Atom[][] | undefined;
  // Short patterns are padded with `*` segments, unless a token could be holding the missing ':'.
  if (parts.length === 6 ? !hasTokenAtom(parts[0]) : !tokens) {
    while (parts.length < 6) parts.push([STAR]);
    segs = parts.map((p, k) => (k < 5 ? lowerAtoms(p) : p));
  }
  const flat: Atom[] = [];
  let serviceWild = false;
  if (segs) {
    serviceWild = hasWildcard(segs[2]);
    segs.forEach((seg, k) => {
      if (k > 0) flat.push(COLON);
      for (const a of seg) flat.push(a.k === 'star' && k < 5 ? BOUNDED : a);
    });
  } else {
    let colons = 0;
    let afterToken = false;
    for (const a of atoms) {
      flat.push(a.k === 'star' ? (afterToken || colons >= 5 ? STAR : BOUNDED) : a);
      if (!afterToken && colons === 2 && (a.k === 'star' || a.k === 'one')) serviceWild = true;
      if (a.k === 'tok') afterToken = true;
      else if (a.k === 'lit' && a.c === ':') colons++;
    }
  }
  r = { atoms, segs, flat, tokens, serviceWild };
  if (sides.size > 5000) sides.clear();
  sides.set(s, r);
  return r;
}

/** Segment order for checks: cheap, discriminating segments before the long resource-id. */
const ORDER = [2, 4, 3, 1, 0, 5];

/** L(need) ⊆ L(grant), tokens opaque. undefined: the exact search gave up (pathological globs). */
function contains(need: Side, grant: Side): boolean | undefined {
  if (need.segs && grant.segs) {
    let unsure = false;
    for (const k of ORDER) {
      // Each segment's language is non-empty, so one failing segment decides.
      const r = globContains(need.segs[k], grant.segs[k]);
      if (r === false) return false;
      if (r === undefined) unsure = true;
    }
    return unsure ? undefined : true;
  }
  return globContains(need.flat, grant.flat);
}

/** Can one resource match both? `relaxed`: tokens widened to `*` and case ignored (an over-approximation). */
function overlaps(a: Side, b: Side, relaxed: boolean): boolean {
  if (a.segs && b.segs) {
    const bs = b.segs;
    return ORDER.every((k) =>
      relaxed ? globOverlaps(relaxAtoms(a.segs![k]), relaxAtoms(bs[k])) : globOverlaps(a.segs![k], bs[k]),
    );
  }
  return relaxed
    ? globOverlaps(relaxAtoms(lowerAtoms(a.flat)), relaxAtoms(lowerAtoms(b.flat)))
    : globOverlaps(a.flat, b.flat);
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
  const n = side(need);
  const c = contains(n, g);
  // A wildcard in the service segment is documented as invalid: whether it matches is not known.
  if (c === true) return g.serviceWild ? 'unknown' : 'yes';
  if (!g.tokens && !n.tokens) return c === undefined ? 'unknown' : 'no';
  return overlaps(n, g, true) ? 'unknown' : 'no';
}

/** Can some resource match both patterns? */
export function resourceOverlaps(a: string, b: string): Tri {
  if (a === '*' || b === '*') return 'yes';
  const x = side(a);
  const y = side(b);
  if (overlaps(x, y, false)) return x.serviceWild || y.serviceWild ? 'unknown' : 'yes';
  if (!x.tokens && !y.tokens) return 'no';
  return overlaps(x, y, true) ? 'unknown' : 'no';
}
