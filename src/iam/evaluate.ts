// A role's effective grant (domain.md §4.6): identity policies allow, any applicable Deny wins, and
// a permissions boundary intersects. Answers are three-valued: a symbolic token, a condition key the
// request context does not determine, or a Deny that may cover part of a resource leave them open.
import { hasToken, TOKEN_CLOSE, TOKEN_OPEN, type Policy, type Statement } from '../model.js';
import { actionInfo, type ActionInfo } from './catalog.js';
import { actionPatternMatches, expandActionPatterns } from './actions.js';
import { resourceCovers, resourceOverlaps, type Tri } from './arn.js';
import { evaluateConditions, triAnd, triNot, triOr } from './conditions.js';
import { expandVariables, type RequestContext } from './variables.js';

export interface PolicySet {
  identity: Policy[];
  /** undefined: no boundary; [] : a boundary that could not be resolved → its answer is unknown. */
  boundary?: Policy[];
}

export interface StatementMatch {
  policy: Policy;
  statement: Statement;
  /** false only when a token in Action/NotAction leaves open whether the action matches. */
  actionMatched: boolean;
  /**
   * Allow: whether the statement's resources cover the whole need. Deny: whether the statement
   * applies to the whole need ('unknown' when it may apply to part of it).
   */
  resourceMatched: Tri;
  conditions: Tri;
  unknownKeys: string[];
  /** The statement belongs to the permissions boundary. */
  boundary?: boolean;
}

export interface Decision {
  decision: 'allowed' | 'denied' | 'not-allowed' | 'unknown';
  /** Every statement whose action matched (or may match), allows and denies, identity and boundary. */
  matches: StatementMatch[];
  unknownKeys: string[];
  blockedByBoundary?: boolean;
}

export interface Grant {
  action: ActionInfo;
  statement: Statement;
  policy: Policy;
  resources?: string[];
  notResources?: string[];
  /** The statement, or the boundary's allowance of the action, has conditions. */
  conditional: boolean;
}

// ------------------------------------------------------------------------------------------------ actions

const TOKENS = new RegExp(`${TOKEN_OPEN}[^${TOKEN_CLOSE}]*${TOKEN_CLOSE}`, 'g');

/** Whether an Action/NotAction pattern matches a concrete action; tokens leave it open. */
function patternMatches(pattern: string, action: string): Tri {
  if (!hasToken(pattern)) return actionPatternMatches(pattern, action) ? 'yes' : 'no';
  const colon = outsideTokenColon(pattern);
  // A token in the service prefix (or a whole-value token) could stand for anything.
  if (colon < 0 || hasToken(pattern.slice(0, colon))) return 'unknown';
  const relaxed = pattern.replace(TOKENS, '*');
  return actionPatternMatches(relaxed, action) ? 'unknown' : 'no';
}

function outsideTokenColon(s: string): number {
  let inToken = false;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === TOKEN_OPEN) inToken = true;
    else if (s[i] === TOKEN_CLOSE) inToken = false;
    else if (!inToken && s[i] === ':') return i;
  }
  return -1;
}

function anyPattern(patterns: string[], action: string): Tri {
  let r: Tri = 'no';
  for (const p of patterns) {
    r = triOr(r, patternMatches(p, action));
    if (r === 'yes') break;
  }
  return r;
}

function statementActionMatches(st: Statement, action: string): Tri {
  if (st.actions) return anyPattern(st.actions, action);
  if (st.notActions) return triNot(anyPattern(st.notActions, action));
  return 'no';
}

// ------------------------------------------------------------------------------------------------ resources

/** A Resource entry after policy variables: a pattern, nothing (a variable's key is absent), or unknown. */
type Entry = { pattern: string } | { none: true } | { unknown: string[] };

function substituteEntry(entry: string, ctx: RequestContext, version: string | undefined): Entry {
  const e = expandVariables(entry, ctx, version);
  if ('absent' in e) return { none: true };
  if ('unknown' in e) return { unknown: e.unknown };
  // An escaped `${*}` or a variable value containing `*`/`?` is a literal character that ARN globs
  // cannot express: leave such entries open rather than widen them into wildcards.
  if (e.parts.some((p) => p.literal && /[*?]/.test(p.text))) return { unknown: [] };
  return { pattern: e.parts.map((p) => p.text).join('') };
}

interface ResourceAnswer {
  /** The entries cover the whole need. */
  covers: Tri;
  /** The entries cover at least part of the need. */
  overlaps: Tri;
  unknownKeys: string[];
}

/**
 * How a Resource list relates to the need. Wildcard-only actions are authorized on `*` itself,
 * which only a literal `*` entry matches (an ARN pattern such as `arn:aws:ecr:*:*:*` does not).
 */
function resourceAnswer(entries: string[], need: string, wildcardOnly: boolean, ctx: RequestContext, version: string | undefined): ResourceAnswer {
  let covers: Tri = 'no';
  let overlaps: Tri = 'no';
  const unknownKeys: string[] = [];
  for (const raw of entries) {
    const e = substituteEntry(raw, ctx, version);
    let c: Tri;
    let o: Tri;
    if ('none' in e) continue;
    if ('unknown' in e) {
      unknownKeys.push(...e.unknown);
      c = o = 'unknown';
    } else if (wildcardOnly) {
      c = o = resourceCovers(e.pattern, '*');
    } else {
      c = resourceCovers(e.pattern, need);
      o = c === 'yes' ? 'yes' : resourceOverlaps(e.pattern, need);
    }
    covers = triOr(covers, c);
    overlaps = triOr(overlaps, o);
  }
  return { covers, overlaps, unknownKeys };
}

/**
 * Whether the statement's Resource/NotResource applies to the need. For an Allow the whole need
 * must be covered; for a Deny, 'unknown' also when it may apply to part of the need.
 */
function statementResource(st: Statement, need: string, wildcardOnly: boolean, ctx: RequestContext, version: string | undefined): { r: Tri; unknownKeys: string[] } {
  if (st.resources) {
    const a = resourceAnswer(st.resources, need, wildcardOnly, ctx, version);
    if (st.effect === 'Allow') return { r: a.covers, unknownKeys: a.unknownKeys };
    return { r: a.covers === 'yes' ? 'yes' : a.overlaps === 'no' ? 'no' : 'unknown', unknownKeys: a.unknownKeys };
  }
  if (st.notResources) {
    // The need must lie outside every entry: certain when no entry overlaps it, impossible when
    // one covers it; anything between means part of the need is excluded.
    const a = resourceAnswer(st.notResources, need, wildcardOnly, ctx, version);
    if (a.overlaps === 'no') return { r: 'yes', unknownKeys: [] };
    if (a.covers === 'yes') return { r: 'no', unknownKeys: [] };
    if (st.effect === 'Allow' && a.overlaps === 'yes') return { r: 'no', unknownKeys: [] };
    return { r: 'unknown', unknownKeys: a.unknownKeys };
  }
  // No Resource element: a trust-policy style statement, which grants nothing on identity resources.
  return { r: 'no', unknownKeys: [] };
}

// ------------------------------------------------------------------------------------------------ decide

interface Tally {
  allow: Tri;
  denyCertain: boolean;
  denyPossible: boolean;
}

function evaluatePolicies(
  policies: Policy[],
  action: string,
  need: string,
  wildcardOnly: boolean,
  ctx: RequestContext,
  boundary: boolean,
  matches: StatementMatch[],
): Tally {
  const t: Tally = { allow: 'no', denyCertain: false, denyPossible: false };
  for (const policy of policies) {
    for (const st of policy.statements) {
      const act = statementActionMatches(st, action);
      if (act === 'no') continue;
      const res = statementResource(st, need, wildcardOnly, ctx, policy.version);
      const cond = evaluateConditions(st.conditions, ctx, policy.version);
      const conditions = cond.result;
      const m: StatementMatch = {
        policy,
        statement: st,
        actionMatched: act === 'yes',
        resourceMatched: res.r,
        conditions,
        unknownKeys: [...new Set([...res.unknownKeys, ...cond.unknownKeys])],
      };
      if (boundary) m.boundary = true;
      matches.push(m);
      const a = applies(m);
      if (st.effect === 'Allow') t.allow = triOr(t.allow, a);
      else if (a === 'yes') t.denyCertain = true;
      else if (a === 'unknown') t.denyPossible = true;
    }
  }
  return t;
}

function applies(m: StatementMatch): Tri {
  return triAnd(triAnd(m.actionMatched ? 'yes' : 'unknown', m.resourceMatched), m.conditions);
}

export function decide(set: PolicySet, action: string, resource: string, ctx: RequestContext): Decision {
  const info = actionInfo(action);
  const wildcardOnly = info?.wildcardOnly ?? false;
  const need = wildcardOnly ? '*' : resource;
  const matches: StatementMatch[] = [];
  const id = evaluatePolicies(set.identity, action, need, wildcardOnly, ctx, false, matches);
  const b = set.boundary ? evaluatePolicies(set.boundary, action, need, wildcardOnly, ctx, true, matches) : undefined;
  // A boundary that could not be resolved may or may not allow the action.
  const boundaryAllow: Tri = !set.boundary ? 'yes' : set.boundary.length === 0 ? 'unknown' : b!.allow;

  // The keys that matter: those of statements whose applying is itself undetermined.
  const unknownKeys = (): string[] => [...new Set(matches.filter((m) => applies(m) === 'unknown').flatMap((m) => m.unknownKeys))];
  if (id.denyCertain || b?.denyCertain) return { decision: 'denied', matches, unknownKeys: [] };
  if (id.allow === 'no') return { decision: 'not-allowed', matches, unknownKeys: [] };
  if (boundaryAllow === 'no') return { decision: 'not-allowed', matches, unknownKeys: [], blockedByBoundary: true };
  const denyPossible = id.denyPossible || (b?.denyPossible ?? false);
  if (id.allow === 'yes' && boundaryAllow === 'yes' && !denyPossible) return { decision: 'allowed', matches, unknownKeys: [] };
  return { decision: 'unknown', matches, unknownKeys: unknownKeys() };
}

// ------------------------------------------------------------------------------------------------ grants

/** Concrete actions a statement names: Action expanded, NotAction as the complement over the catalog. */
function statementActions(st: Statement): ActionInfo[] {
  // Tokens cannot be expanded; in NotAction they are left out, which can only widen the complement.
  if (st.actions) return expandActionPatterns(st.actions.filter((a) => !hasToken(a)));
  if (st.notActions) return expandActionPatterns(st.notActions.filter((a) => !hasToken(a)), true);
  return [];
}

/** A Deny that removes the action everywhere: no conditions, Resource `*`. */
function deniesEverywhere(st: Statement): boolean {
  return st.effect === 'Deny' && st.conditions.length === 0 && (st.resources ?? []).includes('*');
}

/** A statement's Resource list can authorize a wildcard-only action (a literal `*`, or a token that may be one). */
function allowsWildcardOnly(st: Statement): boolean {
  if (!st.resources) return true;
  return st.resources.some((r) => resourceCovers(r, '*') !== 'no');
}

/**
 * Every concrete action each identity Allow statement grants, minus the actions an unconditional
 * Deny on `*` removes, within the boundary's actions when there is a boundary. Grants that depend on
 * conditions (the statement's or the boundary's) are kept and flagged.
 */
export function grants(set: PolicySet): Grant[] {
  const all = [...set.identity, ...(set.boundary ?? [])];
  const denies = all.flatMap((p) => p.statements.filter(deniesEverywhere));
  const denied = (a: ActionInfo) => denies.some((d) => statementActionMatches(d, a.full) === 'yes');

  // Boundary: action → allowed only under conditions? (absent: the boundary does not allow it)
  let boundary: Map<string, boolean> | undefined;
  if (set.boundary && set.boundary.length > 0) {
    boundary = new Map();
    for (const p of set.boundary) {
      for (const st of p.statements) {
        if (st.effect !== 'Allow') continue;
        const conditional = st.conditions.length > 0;
        for (const a of statementActions(st)) {
          if (a.wildcardOnly && !allowsWildcardOnly(st)) continue;
          const key = a.full.toLowerCase();
          boundary.set(key, (boundary.get(key) ?? true) && conditional);
        }
      }
    }
  }

  const out: Grant[] = [];
  for (const policy of set.identity) {
    for (const st of policy.statements) {
      if (st.effect !== 'Allow') continue;
      for (const a of statementActions(st)) {
        if (a.wildcardOnly && !allowsWildcardOnly(st)) continue;
        if (denied(a)) continue;
        let conditional = st.conditions.length > 0;
        if (boundary) {
          const b = boundary.get(a.full.toLowerCase());
          if (b === undefined) continue;
          conditional ||= b;
        }
        const g: Grant = { action: a, statement: st, policy, conditional };
        if (st.resources) g.resources = st.resources;
        if (st.notResources) g.notResources = st.notResources;
        out.push(g);
      }
    }
  }
  return out;
}
