// IAM-style globs (`*` = any run, `?` = exactly one character) over text that may contain
// symbolic tokens. Three questions: does a pattern match a word, is the language of one pattern
// contained in another's (glob subsumption; exact within a work bound), and do two patterns share
// a word. Tokens are opaque atoms: only the identical token or a `*` that may consume tokens matches
// one; `?` and literal text never do.
import { TOKEN_CLOSE, TOKEN_OPEN } from '../model.js';

/**
 * One pattern element. `lit` holds a single code point. A `star` is `free` when it may consume
 * any character and any token; a bounded star consumes neither ':' nor tokens (a `*` inside an
 * ARN segment, where the text it stands for cannot contain ':').
 */
export type Atom =
  | { k: 'lit'; c: string }
  | { k: 'one' }
  | { k: 'star'; free: boolean }
  | { k: 'tok'; t: string };

export interface ParseOptions {
  /** Treat `*` and `?` as literal characters (for words such as concrete names). */
  literal?: boolean;
  /**
   * One atom per UTF-16 code unit instead of per code point: `?` then stands for half of a
   * character outside the BMP (condition values are compared so).
   */
  codeUnits?: boolean;
}

const STAR: Atom = { k: 'star', free: true };
const ONE: Atom = { k: 'one' };

/** Splits `s` into atoms, code point by code point (or code unit); a complete TOKEN_OPEN…TOKEN_CLOSE run is one atom. */
export function parseGlob(s: string, opts: ParseOptions = {}): Atom[] {
  const out: Atom[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i];
    if (ch === TOKEN_OPEN) {
      const end = s.indexOf(TOKEN_CLOSE, i + 1);
      if (end >= 0) {
        out.push({ k: 'tok', t: s.slice(i, end + 1) });
        i = end + 1;
        continue;
      }
    }
    const c = opts.codeUnits ? ch : String.fromCodePoint(s.codePointAt(i)!);
    i += c.length;
    if (!opts.literal && c === '*') {
      // Consecutive stars mean the same as one; collapsing keeps the automata small.
      const prev = out[out.length - 1];
      if (!(prev && prev.k === 'star')) out.push(STAR);
    } else if (!opts.literal && c === '?') out.push(ONE);
    else out.push({ k: 'lit', c });
  }
  return out;
}

/**
 * Atoms of text assembled from pieces (a policy value after variable substitution), each parsed on
 * its own so no token spans two pieces. A `literal` piece (or every piece, with `opts.literal`) has
 * no wildcards. Adjacent stars collapse across pieces as within one.
 */
export function parseGlobParts(parts: ReadonlyArray<{ text: string; literal: boolean }>, opts: ParseOptions = {}): Atom[] {
  const out: Atom[] = [];
  for (const p of parts) {
    for (const a of parseGlob(p.text, { ...opts, literal: opts.literal || p.literal })) {
      if (a.k === 'star' && out[out.length - 1]?.k === 'star') continue;
      out.push(a);
    }
  }
  return out;
}

/**
 * Splits at the first five ':' literals into the six ARN segments (fewer when there are fewer
 * colons); a ':' inside a token never splits. The last segment keeps any further ':'.
 */
export function splitArnAtoms(atoms: Atom[]): Atom[][] {
  const segs: Atom[][] = [[]];
  for (const a of atoms) {
    if (a.k === 'lit' && a.c === ':' && segs.length < 6) segs.push([]);
    else segs[segs.length - 1].push(a);
  }
  return segs;
}

/** Lower-cases literal atoms (tokens keep their text: they are names, not values). */
export function lowerAtoms(atoms: Atom[]): Atom[] {
  return atoms.map((a) => {
    if (a.k !== 'lit') return a;
    const l = a.c.toLowerCase();
    // Keep one code point per atom; the few characters that lower-case to two keep their case.
    return l === a.c || [...l].length !== 1 ? a : { k: 'lit', c: l };
  });
}

/** Replaces every token by a free `*` (the widest thing a token could stand for) and frees all stars. */
export function relaxAtoms(atoms: Atom[]): Atom[] {
  const out: Atom[] = [];
  for (const a of atoms) {
    const b = a.k === 'tok' || a.k === 'star' ? STAR : a;
    if (b === STAR && out[out.length - 1] === STAR) continue;
    out.push(b);
  }
  return out;
}

export function hasWildcard(atoms: Atom[]): boolean {
  return atoms.some((a) => a.k === 'star' || a.k === 'one');
}

export function hasTokenAtom(atoms: Atom[]): boolean {
  return atoms.some((a) => a.k === 'tok');
}

function sameAtoms(a: Atom[], b: Atom[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x.k !== y.k) return false;
    if (x.k === 'lit' && x.c !== (y as typeof x).c) return false;
    if (x.k === 'tok' && x.t !== (y as typeof x).t) return false;
    if (x.k === 'star' && x.free !== (y as typeof x).free) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Symbols: what one step of a word can be. A character, or a token.

type Sym = { tok: false; c: string } | { tok: true; t: string };

/** Can pattern atom `a` (not a star boundary move) consume symbol `x`? */
function consumes(a: Atom, x: Sym): boolean {
  switch (a.k) {
    case 'lit':
      return !x.tok && a.c === x.c;
    case 'one':
      return !x.tok;
    case 'tok':
      return x.tok && a.t === x.t;
    case 'star':
      return a.free || (!x.tok && x.c !== ':');
  }
}

/** Adds the positions reachable from `j` by skipping stars (a star may match nothing). */
function closeInto(p: Atom[], j: number, into: Set<number>): void {
  while (!into.has(j)) {
    into.add(j);
    if (j < p.length && p[j].k === 'star') j++;
    else break;
  }
}

/**
 * Does `pattern` match `word`? The word's atoms must be literals and tokens (no wildcards).
 * Plain NFA simulation: O(|word| × |pattern|), no backtracking.
 */
export function globMatches(pattern: Atom[], word: Atom[]): boolean {
  let cur = new Set<number>();
  closeInto(pattern, 0, cur);
  for (const w of word) {
    const x: Sym = w.k === 'tok' ? { tok: true, t: w.t } : { tok: false, c: (w as { c: string }).c };
    const next = new Set<number>();
    for (const j of cur) {
      if (j < pattern.length && consumes(pattern[j], x)) closeInto(pattern, pattern[j].k === 'star' ? j : j + 1, next);
    }
    if (next.size === 0) return false;
    cur = next;
  }
  return cur.has(pattern.length);
}

/** Does some word match both patterns? Exact, O(|a| × |b|): reachability over position pairs. */
export function globOverlaps(a: Atom[], b: Atom[]): boolean {
  const n = a.length;
  const m = b.length;
  const w = m + 1;
  const seen = new Uint8Array((n + 1) * w);
  const stack: number[] = [0];
  seen[0] = 1;
  const push = (i: number, j: number) => {
    const k = i * w + j;
    if (!seen[k]) {
      seen[k] = 1;
      stack.push(k);
    }
  };
  while (stack.length) {
    const k = stack.pop()!;
    const i = (k / w) | 0;
    const j = k % w;
    if (i === n && j === m) return true;
    const x = i < n ? a[i] : undefined;
    const y = j < m ? b[j] : undefined;
    if (x?.k === 'star') push(i + 1, j);
    if (y?.k === 'star') push(i, j + 1);
    if (x && y && !(x.k === 'star' && y.k === 'star') && atomsIntersect(x, y)) {
      push(x.k === 'star' ? i : i + 1, y.k === 'star' ? j : j + 1);
    }
  }
  return false;
}

/** Is there one symbol both atoms can consume? */
function atomsIntersect(x: Atom, y: Atom): boolean {
  if (x.k === 'lit') return consumes(y, { tok: false, c: x.c });
  if (y.k === 'lit') return consumes(x, { tok: false, c: y.c });
  if (x.k === 'tok') return consumes(y, { tok: true, t: x.t });
  if (y.k === 'tok') return consumes(x, { tok: true, t: y.t });
  // Both are `?` or stars: every such pair shares some character other than ':'.
  return true;
}

// ---------------------------------------------------------------------------------------------
// Containment: L(need) ⊆ L(grant)

/** Work bound for the exact search (pairs of need position × grant state set). */
const DEFAULT_BUDGET = 20_000;

/**
 * Is every word of `need` matched by `grant`? `true`/`false` are exact; `undefined` means the
 * exact search exceeded its budget (pathological patterns such as `*a??????????????`, whose
 * subset automaton is exponential) and the sufficient check could not prove containment either.
 *
 * The need's wildcards produce characters only (a need `*` stands for concrete text; a bounded
 * one never ':'), its tokens produce themselves. The grant is determinised on the fly (sets of
 * positions) and walked in product with the need's NFA, looking for a need word that leaves the
 * grant unmatched.
 */
export function globContains(need: Atom[], grant: Atom[], budget = DEFAULT_BUDGET): boolean | undefined {
  if (sameAtoms(need, grant)) return true;
  if (!hasWildcard(need)) return globMatches(grant, need);

  // Characters that no literal mentions all behave alike: one fresh representative stands for
  // them. ':' is kept apart because bounded stars treat it specially.
  const lits = new Set<string>([':']);
  for (const a of need) if (a.k === 'lit') lits.add(a.c);
  for (const a of grant) if (a.k === 'lit') lits.add(a.c);
  let fresh = 0;
  while (lits.has(String.fromCodePoint(fresh))) fresh++;
  const chars: Sym[] = [...lits, String.fromCodePoint(fresh)].map((c) => ({ tok: false, c }));

  const m = grant.length;
  const n = need.length;
  const keyOf = (s: number[]) => s.join(',');
  const stepCache = new Map<string, number[]>();
  const step = (s: number[], sk: string, x: Sym, xk: string): number[] => {
    const ck = sk + '|' + xk;
    let r = stepCache.get(ck);
    if (!r) {
      const next = new Set<number>();
      for (const j of s) {
        if (j < m && consumes(grant[j], x)) closeInto(grant, grant[j].k === 'star' ? j : j + 1, next);
      }
      r = [...next].sort((p, q) => p - q);
      stepCache.set(ck, r);
    }
    return r;
  };

  const start = new Set<number>();
  closeInto(grant, 0, start);
  const seen = new Set<string>();
  const queue: Array<[number, number[], string]> = [];
  const visit = (i: number, s: number[]): boolean => {
    // Returns false when a counterexample is found.
    for (;;) {
      const sk = keyOf(s);
      const key = i + '/' + sk;
      if (seen.has(key)) return true;
      seen.add(key);
      if (s.length === 0) return false; // the grant is dead but the need still has words
      if (i === n) return s[s.length - 1] === m;
      queue.push([i, s, sk]);
      if (need[i].k !== 'star') return true;
      i++; // a need star may also match nothing
    }
  };
  if (!visit(0, [...start].sort((p, q) => p - q))) return false;
  while (queue.length) {
    if (seen.size > budget) return containsBySequence(need, grant);
    const [i, s, sk] = queue.pop()!;
    const a = need[i];
    if (a.k === 'lit' || a.k === 'tok') {
      const x: Sym = a.k === 'lit' ? { tok: false, c: a.c } : { tok: true, t: a.t };
      const xk = a.k === 'lit' ? 'c' + a.c : 't' + a.t;
      if (!visit(i + 1, step(s, sk, x, xk))) return false;
    } else {
      const to = a.k === 'star' ? i : i + 1;
      for (const x of chars) {
        const c = (x as { c: string }).c;
        // A bounded need star stands for text within one ARN segment: never ':'.
        if (a.k === 'star' && !a.free && c === ':') continue;
        if (!visit(to, step(s, sk, x, 'c' + c))) return false;
      }
    }
  }
  return true;
}

/** Table size past which even the fallback gives up (pathological inputs only). */
const MAX_TABLE = 4_000_000;

/**
 * Sufficient condition for containment: assign every need atom to grant atoms in order (a need
 * `*` only inside a grant `*`). Polynomial, never wrong when it says yes; it misses containments
 * that need the grant's choice to depend on the word (e.g. `?*` ⊆ `*?`). Returns true or undefined.
 */
function containsBySequence(need: Atom[], grant: Atom[]): true | undefined {
  const n = need.length;
  const m = grant.length;
  if ((n + 1) * (m + 1) > MAX_TABLE) return undefined;
  const w = m + 1;
  const cov = new Uint8Array((n + 1) * w);
  // Bottom-up: cov[i][j] = need[i..] ⊆ grant[j..] by an in-order assignment.
  for (let j = m; j >= 0; j--) cov[n * w + j] = j === m || (grant[j].k === 'star' && cov[n * w + j + 1]) ? 1 : 0;
  for (let i = n - 1; i >= 0; i--) {
    const a = need[i];
    for (let j = m; j >= 0; j--) {
      let ok = false;
      if (j < m) {
        const g = grant[j];
        if (g.k === 'star') {
          ok = cov[i * w + j + 1] === 1 || (starAbsorbs(g, a) && cov[(i + 1) * w + j] === 1);
        } else if (a.k !== 'star' && (g.k === 'one' ? a.k !== 'tok' : sameAtoms([a], [g]))) {
          ok = cov[(i + 1) * w + j + 1] === 1;
        }
      }
      cov[i * w + j] = ok ? 1 : 0;
    }
  }
  return cov[0] === 1 ? true : undefined;
}

/** Can grant star `g` take everything need atom `a` can produce? */
function starAbsorbs(g: Atom & { k: 'star' }, a: Atom): boolean {
  if (g.free) return true;
  return (a.k === 'lit' && a.c !== ':') || (a.k === 'star' && !a.free);
}
