// Action patterns (Action / NotAction values): `service:Name` with `*` and `?` in the name part
// only, both parts case-insensitive; a bare `*` is every action of every service.
import { hasToken } from '../model.js';
import { actionInfo, allActions, allServices, hasService, serviceActions, type ActionInfo } from './catalog.js';
import { globMatches, parseGlob, type Atom } from './glob.js';

interface Split {
  service: string;
  name: string;
}

function split(s: string): Split | undefined {
  const colon = s.indexOf(':');
  if (colon < 0) return undefined;
  return { service: s.slice(0, colon).toLowerCase(), name: s.slice(colon + 1).toLowerCase() };
}

const nameGlobs = new Map<string, Atom[]>();

function nameGlob(name: string): Atom[] {
  let g = nameGlobs.get(name);
  if (!g) {
    g = parseGlob(name);
    if (nameGlobs.size > 10_000) nameGlobs.clear();
    nameGlobs.set(name, g);
  }
  return g;
}

function nameMatches(glob: Atom[], name: string): boolean {
  return globMatches(glob, parseGlob(name.toLowerCase(), { literal: true }));
}

/** Does the Action pattern match the concrete `action`? Patterns with tokens match nothing. */
export function actionPatternMatches(pattern: string, action: string): boolean {
  if (hasToken(pattern)) return false;
  if (pattern === '*') return true;
  const p = split(pattern);
  const a = split(action);
  if (!p || !a || p.service !== a.service) return false;
  return nameMatches(nameGlob(p.name), a.name);
}

const expansions = new Map<string, ActionInfo[]>();

/** The catalog actions the pattern denotes, sorted by full name; `*` → every action. */
export function expandActionPattern(pattern: string): ActionInfo[] {
  if (hasToken(pattern)) return [];
  if (pattern === '*') return allActions();
  const p = split(pattern);
  if (!p || !p.name) return [];
  if (!/[*?]/.test(p.name)) {
    const one = actionInfo(pattern);
    return one ? [one] : [];
  }
  const key = p.service + ':' + p.name;
  let hit = expansions.get(key);
  if (!hit) {
    const glob = nameGlob(p.name);
    hit = serviceActions(p.service).filter((a) => nameMatches(glob, a.name));
    if (expansions.size > 2000) expansions.clear();
    expansions.set(key, hit);
  }
  return hit.slice();
}

function byFull(a: ActionInfo, b: ActionInfo): number {
  const x = a.full.toLowerCase();
  const y = b.full.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The union of the patterns' actions, sorted by full name. With `negate` (NotAction) the
 * complement over the whole catalog: every action of every service none of the patterns matches.
 */
export function expandActionPatterns(patterns: string[], negate = false): ActionInfo[] {
  const hit = new Map<string, ActionInfo>();
  for (const p of patterns) {
    if (p === '*') return negate ? [] : allActions();
    for (const a of expandActionPattern(p)) hit.set(a.full, a);
  }
  if (negate) return allActions().filter((a) => !hit.has(a.full));
  return [...hit.values()].sort(byFull);
}

export type ActionCheck = { ok: true } | { ok: false; reason: string };

/**
 * Is the pattern well formed and does it name at least one catalog action? Patterns holding a
 * token are not judged (the unknown part could be anything).
 */
export function checkActionPattern(pattern: string): ActionCheck {
  if (hasToken(pattern)) return { ok: true };
  if (pattern.trim() === '') return { ok: false, reason: 'empty action' };
  if (pattern === '*') return { ok: true };
  const colon = pattern.indexOf(':');
  if (colon < 0) return { ok: false, reason: `"${pattern}" has no service prefix (expected service:Action)` };
  const service = pattern.slice(0, colon);
  const name = pattern.slice(colon + 1);
  if (service === '') return { ok: false, reason: `"${pattern}" has an empty service prefix` };
  if (name === '') return { ok: false, reason: `"${pattern}" has an empty action name` };
  if (/[*?]/.test(service)) {
    return { ok: false, reason: `"${pattern}": wildcards are not allowed in the service prefix "${service}"` };
  }
  if (!hasService(service)) {
    const near = closest(service.toLowerCase(), allServices(), (s) => s);
    return {
      ok: false,
      reason: `unknown service prefix "${service}"` + (near ? ` (did you mean ${near}?)` : ''),
    };
  }
  if (expandActionPattern(pattern).length > 0) return { ok: true };
  let reason = `"${pattern}" matches no ${service.toLowerCase()} action`;
  if (!/[*?]/.test(name)) {
    const near = closest(name.toLowerCase(), serviceActions(service), (a) => a.name.toLowerCase());
    if (near) reason += ` (did you mean ${near.full}?)`;
  }
  return { ok: false, reason };
}

/** The candidate nearest to `word` by edit distance, if it is near enough to be a likely typo. */
function closest<T>(word: string, candidates: T[], key: (c: T) => string): T | undefined {
  const limit = word.length <= 4 ? 1 : word.length <= 10 ? 2 : 3;
  let best: T | undefined;
  let bestD = limit + 1;
  for (const c of candidates) {
    const k = key(c);
    if (Math.abs(k.length - word.length) >= bestD) continue;
    const d = editDistance(word, k, bestD);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

/** Levenshtein distance, stopping early once every cell of a row reaches `cap`. */
function editDistance(a: string, b: string, cap: number): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin >= cap) return cap;
    prev = cur;
  }
  return prev[b.length];
}
