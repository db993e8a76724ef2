// IAM policy documents: a positioned Node (from any input format) → the model's Policy, with the
// grammar checks of domain.md §4.1 reported as diagnostics at the offending element.
//
// Lenient in what is returned (the best Policy that can be built; statements that cannot be given
// a meaning are skipped), strict in what is reported.
//
// Element names: IAM documents them as case-sensitive (`Effect`, `Action`, …). A document that
// spells one in another case (`effect`) is read as intended, so the analysis still sees the
// statement, and an 'invalid-policy' error is reported because IAM may reject the document.
// Values that IAM defines as case-sensitive (`Allow`/`Deny`, Version dates) are handled the same way.
import type { Condition, Diagnostic, Effect, Loc, MapNode, Node, Policy, PolicyKind, Principal, Severity, Statement } from '../model.js';
import { TOKEN_CLOSE, TOKEN_OPEN, hasToken } from '../model.js';
import { fromPlain, toPlain } from '../sources/nodes.js';
import { checkActionPattern } from './actions.js';
import { parseOperator } from './conditions.js';

export interface PolicyMeta {
  name: string;
  kind: PolicyKind;
  arn?: string;
}

const VERSIONS = ['2012-10-17', '2008-10-17'];
const TOP_ELEMENTS = ['Version', 'Id', 'Statement'];
const STATEMENT_ELEMENTS = ['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'];
const PRINCIPAL_TYPES = ['AWS', 'Service', 'Federated', 'CanonicalUser'];

/** Size quotas in non-whitespace characters (domain.md §4.1), largest first; a warning where the quota is adjustable. */
const QUOTAS: Partial<Record<PolicyKind, Array<{ limit: number; severity: Severity; what: string }>>> = {
  managed: [{ limit: 6144, severity: 'error', what: 'the managed policy quota' }],
  inline: [{ limit: 10240, severity: 'error', what: "the quota for a role's inline policies (the sum of all of them must stay within it)" }],
  trust: [
    { limit: 4096, severity: 'error', what: 'the maximum trust policy size' },
    { limit: 2048, severity: 'warning', what: 'the default trust policy quota (adjustable to 4,096)' },
  ],
  standalone: [{ limit: 6144, severity: 'warning', what: 'the managed policy quota (if attached as a managed policy)' }],
};

function isIdentity(kind: PolicyKind): boolean {
  return kind !== 'trust';
}

class Ctx {
  readonly diagnostics: Diagnostic[] = [];
  constructor(readonly meta: PolicyMeta) {}
  report(loc: Loc, message: string, severity: Severity = 'error', rule: Diagnostic['rule'] = 'invalid-policy'): void {
    this.diagnostics.push({ rule, severity, message: `${this.where()}: ${message}`, loc });
  }
  private where(): string {
    const kind = this.meta.kind === 'aws-managed' ? 'AWS managed' : this.meta.kind;
    return `${kind} policy ${this.meta.name}`;
  }
}

/**
 * The entries of a map node keyed by the canonical element name. Unknown names and duplicate
 * elements are reported; a name in the wrong case is accepted and reported.
 */
function elements(node: MapNode, known: string[], ctx: Ctx, where: string): Map<string, { value: Node; keyLoc: Loc }> {
  const out = new Map<string, { value: Node; keyLoc: Loc }>();
  for (const e of node.entries) {
    let name = known.find((k) => k === e.key);
    if (!name) {
      name = known.find((k) => k.toLowerCase() === e.key.toLowerCase());
      if (name) ctx.report(e.keyLoc, `element "${e.key}" must be written "${name}" (element names are case-sensitive)`);
    }
    if (!name) {
      ctx.report(e.keyLoc, `unknown element "${e.key}" in ${where} (expected one of ${known.join(', ')})`);
      continue;
    }
    if (out.has(name)) {
      ctx.report(e.keyLoc, `duplicate element "${name}" in ${where}`);
      continue;
    }
    out.set(name, { value: e.value, keyLoc: e.keyLoc });
  }
  return out;
}

/** The strings of a string-or-list-of-strings element; bad entries are reported and skipped. */
function stringList(node: Node, element: string, ctx: Ctx): Array<{ value: string; loc: Loc }> {
  const list = node.kind === 'seq' ? node.items : [node];
  if (node.kind === 'seq' && node.items.length === 0) ctx.report(node.loc, `${element} is an empty list`);
  const out: Array<{ value: string; loc: Loc }> = [];
  for (const item of list) {
    if (item.kind === 'scalar' && typeof item.value === 'string') {
      out.push({ value: item.value, loc: item.loc });
    } else {
      ctx.report(item.loc, `${element} must be a string or a list of strings, found ${describe(item)}`);
    }
  }
  return out;
}

function describe(n: Node): string {
  if (n.kind === 'map') return 'an object';
  if (n.kind === 'seq') return 'a list';
  if (n.value === null) return 'null';
  return `a ${typeof n.value}`;
}

export function parsePolicy(node: Node, meta: PolicyMeta): { policy: Policy; diagnostics: Diagnostic[] } {
  const ctx = new Ctx(meta);
  const policy: Policy = { name: meta.name, kind: meta.kind, statements: [], loc: node.loc };
  if (meta.arn !== undefined) policy.arn = meta.arn;
  if (node.kind !== 'map') {
    ctx.report(node.loc, `a policy document must be a JSON object, found ${describe(node)}`);
    return { policy, diagnostics: ctx.diagnostics };
  }
  checkCharacters(node, ctx);
  checkSize(node, ctx);

  const top = elements(node, TOP_ELEMENTS, ctx, 'the policy');
  const version = top.get('Version');
  if (!version) {
    ctx.report(node.loc, 'no Version: IAM uses 2008-10-17, where policy variables such as ${aws:username} are literal text; add "Version": "2012-10-17"', 'warning');
  } else if (version.value.kind !== 'scalar' || typeof version.value.value !== 'string') {
    ctx.report(version.value.loc, `Version must be a string, found ${describe(version.value)}`);
  } else if (!VERSIONS.includes(version.value.value)) {
    ctx.report(version.value.loc, `Version "${version.value.value}" is not valid (expected "2012-10-17" or "2008-10-17")`);
  } else {
    policy.version = version.value.value;
  }
  const id = top.get('Id');
  if (id && (id.value.kind !== 'scalar' || typeof id.value.value !== 'string')) {
    ctx.report(id.value.loc, `Id must be a string, found ${describe(id.value)}`);
  }

  const stmts = top.get('Statement');
  if (!stmts) {
    ctx.report(node.loc, 'no Statement element');
    return { policy, diagnostics: ctx.diagnostics };
  }
  let list: Node[];
  if (stmts.value.kind === 'map') list = [stmts.value];
  else if (stmts.value.kind === 'seq') list = stmts.value.items;
  else {
    ctx.report(stmts.value.loc, `Statement must be an object or a list of objects, found ${describe(stmts.value)}`);
    return { policy, diagnostics: ctx.diagnostics };
  }
  const sids = new Set<string>();
  list.forEach((s, index) => {
    if (s.kind !== 'map') {
      ctx.report(s.loc, `a statement must be an object, found ${describe(s)}`);
      return;
    }
    const st = parseStatement(s, index, sids, ctx);
    if (st) policy.statements.push(st);
  });
  if (policy.version === '2008-10-17') {
    const v = findVariable(node);
    if (v) ctx.report(v, 'policy variables are only substituted with "Version": "2012-10-17"; here "${" is literal text', 'warning');
  }
  return { policy, diagnostics: ctx.diagnostics };
}

function parseStatement(node: MapNode, index: number, sids: Set<string>, ctx: Ctx): Statement | undefined {
  const el = elements(node, STATEMENT_ELEMENTS, ctx, 'a statement');
  const kind = ctx.meta.kind;
  let ok = true;

  let sid: string | undefined;
  const sidEl = el.get('Sid');
  if (sidEl) {
    const v = sidEl.value;
    if (v.kind !== 'scalar' || typeof v.value !== 'string') {
      ctx.report(v.loc, `Sid must be a string, found ${describe(v)}`);
    } else {
      sid = v.value;
      if (!/^[A-Za-z0-9]*$/.test(sid)) ctx.report(v.loc, `Sid "${sid}" may contain only ASCII letters and digits`);
      if (sid !== '' && sids.has(sid)) ctx.report(v.loc, `duplicate Sid "${sid}" (Sids must be unique within a policy)`);
      sids.add(sid);
    }
  }

  let effect: Effect | undefined;
  const effEl = el.get('Effect');
  if (!effEl) {
    ctx.report(node.loc, 'statement has no Effect');
    ok = false;
  } else if (effEl.value.kind !== 'scalar' || typeof effEl.value.value !== 'string') {
    ctx.report(effEl.value.loc, `Effect must be "Allow" or "Deny", found ${describe(effEl.value)}`);
    ok = false;
  } else {
    const raw = effEl.value.value;
    const lower = raw.toLowerCase();
    if (lower === 'allow' || lower === 'deny') {
      effect = lower === 'allow' ? 'Allow' : 'Deny';
      if (raw !== effect) ctx.report(effEl.value.loc, `Effect "${raw}" must be written "${effect}" (the value is case-sensitive)`);
    } else {
      ctx.report(effEl.value.loc, `Effect "${raw}" is not valid (expected "Allow" or "Deny")`);
      ok = false;
    }
  }

  const action = el.get('Action');
  const notAction = el.get('NotAction');
  if (action && notAction) {
    ctx.report(notAction.keyLoc, 'statement has both Action and NotAction');
    ok = false;
  } else if (!action && !notAction) {
    ctx.report(node.loc, 'statement has neither Action nor NotAction');
    ok = false;
  }
  const actions = action ? actionList(action.value, 'Action', ctx) : undefined;
  const notActions = notAction ? actionList(notAction.value, 'NotAction', ctx) : undefined;

  const resource = el.get('Resource');
  const notResource = el.get('NotResource');
  if (resource && notResource) {
    ctx.report(notResource.keyLoc, 'statement has both Resource and NotResource');
    ok = false;
  } else if (isIdentity(kind) && !resource && !notResource) {
    ctx.report(node.loc, 'statement has neither Resource nor NotResource (identity policies need one)');
    ok = false;
  }
  if (!isIdentity(kind)) {
    for (const r of [resource, notResource]) {
      if (r) ctx.report(r.keyLoc, `a trust policy must not have ${r === resource ? 'Resource' : 'NotResource'}`);
    }
  }
  const resources = resource ? stringList(resource.value, 'Resource', ctx).map((r) => r.value) : undefined;
  const notResources = notResource ? stringList(notResource.value, 'NotResource', ctx).map((r) => r.value) : undefined;

  const principal = el.get('Principal');
  const notPrincipal = el.get('NotPrincipal');
  if (isIdentity(kind)) {
    for (const p of [principal, notPrincipal]) {
      if (p) ctx.report(p.keyLoc, `an identity policy must not have ${p === principal ? 'Principal' : 'NotPrincipal'}`);
    }
  } else if (principal && notPrincipal) {
    ctx.report(notPrincipal.keyLoc, 'statement has both Principal and NotPrincipal');
    ok = false;
  } else if (!principal && !notPrincipal) {
    ctx.report(node.loc, 'trust policy statement has neither Principal nor NotPrincipal');
    ok = false;
  }
  if (notPrincipal && effect === 'Allow') {
    ctx.report(notPrincipal.keyLoc, 'NotPrincipal with "Effect": "Allow" grants to every principal not listed; AWS advises against it', 'warning');
  }
  const principals = principal ? principalList(principal.value, 'Principal', ctx) : undefined;
  const notPrincipals = notPrincipal ? principalList(notPrincipal.value, 'NotPrincipal', ctx) : undefined;

  const cond = el.get('Condition');
  const conditions = cond ? conditionList(cond.value, ctx) : [];

  if (!ok || !effect) return undefined;
  const st: Statement = { effect, conditions, loc: node.loc, index };
  if (sid !== undefined) st.sid = sid;
  if (actions) st.actions = actions;
  if (notActions) st.notActions = notActions;
  if (resources) st.resources = resources;
  if (notResources) st.notResources = notResources;
  if (principals) st.principals = principals;
  if (notPrincipals) st.notPrincipals = notPrincipals;
  return st;
}

function actionList(node: Node, element: string, ctx: Ctx): string[] {
  const out: string[] = [];
  for (const a of stringList(node, element, ctx)) {
    out.push(a.value);
    // A token is an unknown value, not a typo: nothing to check. AWS managed policies name actions
    // the catalog may not know yet (or no longer): not the user's to fix.
    if (hasToken(a.value) || ctx.meta.kind === 'aws-managed') continue;
    const check = checkActionPattern(a.value);
    if (!check.ok) ctx.report(a.loc, `${element}: ${check.reason}`, 'error', 'unknown-action');
  }
  return out;
}

function principalList(node: Node, element: string, ctx: Ctx): Principal[] {
  if (node.kind === 'scalar') {
    if (node.value === '*') return [{ type: '*', value: '*', loc: node.loc }];
    ctx.report(node.loc, `${element} must be "*" or an object such as {"Service": "ecs-tasks.amazonaws.com"}`);
    return [];
  }
  if (node.kind !== 'map') {
    ctx.report(node.loc, `${element} must be "*" or an object, found ${describe(node)}`);
    return [];
  }
  const out: Principal[] = [];
  for (const [type, { value }] of elements(node, PRINCIPAL_TYPES, ctx, element)) {
    for (const v of stringList(value, `${element} ${type}`, ctx)) out.push({ type, value: v.value, loc: v.loc });
  }
  return out;
}

function conditionList(node: Node, ctx: Ctx): Condition[] {
  if (node.kind !== 'map') {
    ctx.report(node.loc, `Condition must be an object of {operator: {key: values}}, found ${describe(node)}`);
    return [];
  }
  const out: Condition[] = [];
  for (const opEntry of node.entries) {
    const parsed = parseOperator(opEntry.key);
    if (!parsed) {
      ctx.report(opEntry.keyLoc, `unknown condition operator "${opEntry.key}"`);
      continue;
    }
    if (parsed.canonical !== opEntry.key) {
      ctx.report(opEntry.keyLoc, `condition operator "${opEntry.key}" must be written "${parsed.canonical}"`);
    }
    const block = opEntry.value;
    if (block.kind !== 'map') {
      ctx.report(block.loc, `condition operator ${opEntry.key} must map condition keys to values, found ${describe(block)}`);
      continue;
    }
    for (const k of block.entries) {
      const values = conditionValues(k.value, `${opEntry.key} ${k.key}`, ctx);
      if (values) out.push({ operator: opEntry.key, key: k.key, values, loc: k.keyLoc });
    }
  }
  return out;
}

/** Condition values: a string, boolean or number, or a list of them (IAM compares their text). */
function conditionValues(node: Node, where: string, ctx: Ctx): string[] | undefined {
  const list = node.kind === 'seq' ? node.items : [node];
  const out: string[] = [];
  let bad = false;
  for (const item of list) {
    if (item.kind === 'scalar' && item.value !== null) out.push(String(item.value));
    else {
      ctx.report(item.loc, `condition ${where}: values must be strings, booleans or numbers, found ${describe(item)}`);
      bad = true;
    }
  }
  // A condition with a dropped value would test less than written: drop the whole condition
  // only if nothing usable is left, else keep the good values (an OR over fewer values is narrower).
  if (bad && out.length === 0) return undefined;
  return out;
}

// ------------------------------------------------------------------------------------------------ document-wide checks

/** IAM accepts TAB, LF, CR and U+0020–U+00FF; token characters stand for unknown values and are skipped. */
const BAD_CHAR = /[^\t\n\r\u0020-\u00ff]/u;
const TOKENS = new RegExp(`${TOKEN_OPEN}[^${TOKEN_CLOSE}]*${TOKEN_CLOSE}`, 'g');

function checkCharacters(node: Node, ctx: Ctx): void {
  const check = (s: string, loc: Loc) => {
    const m = BAD_CHAR.exec(s.replace(TOKENS, ''));
    if (m) {
      const cp = m[0].codePointAt(0)!;
      ctx.report(loc, `character U+${cp.toString(16).toUpperCase().padStart(4, '0')} is not allowed in IAM policies (only TAB, LF, CR and U+0020–U+00FF)`);
    }
  };
  const walk = (n: Node) => {
    if (n.kind === 'map') {
      for (const e of n.entries) {
        check(e.key, e.keyLoc);
        walk(e.value);
      }
    } else if (n.kind === 'seq') n.items.forEach(walk);
    else if (typeof n.value === 'string') check(n.value, n.loc);
  };
  walk(node);
}

/** Quotas count non-whitespace characters; tokens count as nothing, so an excess is certain. */
function checkSize(node: Node, ctx: Ctx): void {
  const quotas = QUOTAS[ctx.meta.kind];
  if (!quotas) return;
  const size = JSON.stringify(toPlain(node)).replace(TOKENS, '').replace(/\s/g, '').length;
  for (const q of quotas) {
    if (size > q.limit) {
      ctx.report(node.loc, `policy has ${size.toLocaleString('en-US')} non-whitespace characters, over ${q.what} of ${q.limit.toLocaleString('en-US')}`, q.severity);
      return;
    }
  }
}

function findVariable(node: Node): Loc | undefined {
  if (node.kind === 'map') {
    for (const e of node.entries) {
      const l = findVariable(e.value);
      if (l) return l;
    }
  } else if (node.kind === 'seq') {
    for (const i of node.items) {
      const l = findVariable(i);
      if (l) return l;
    }
  } else if (typeof node.value === 'string' && node.value.includes('${')) return node.loc;
  return undefined;
}

// ------------------------------------------------------------------------------------------------ documents in strings

/**
 * A policy written as a string: JSON (CloudFormation string documents, Terraform) or URL-encoded
 * JSON (the IAM API). Every node is placed at `loc`, the place the string is written.
 */
export function parsePolicyText(text: string, loc: Loc, meta: PolicyMeta): { policy?: Policy; diagnostics: Diagnostic[] } {
  const ctx = new Ctx(meta);
  let value: unknown;
  const trimmed = text.trim();
  const encoded = /%[0-9A-Fa-f]{2}/.test(trimmed);
  const decode = (): string | undefined => {
    try {
      return decodeURIComponent(trimmed);
    } catch {
      return undefined;
    }
  };
  // The IAM API URL-encodes whole documents (`%7B%22Version…`); a JSON document may itself contain
  // `%xx` text, so JSON that parses as written is taken as written.
  let source: string | undefined = /^%7B/i.test(trimmed) ? decode() : trimmed;
  if (source === undefined) {
    ctx.report(loc, 'policy document is not valid URL-encoded text');
    return { diagnostics: ctx.diagnostics };
  }
  try {
    value = JSON.parse(source);
  } catch (e) {
    const retry = encoded && source === trimmed ? decode() : undefined;
    try {
      if (retry === undefined) throw e;
      value = JSON.parse(retry);
      source = retry;
    } catch (err) {
      ctx.report(loc, `policy document is not valid JSON: ${(err as Error).message}`);
      return { diagnostics: ctx.diagnostics };
    }
  }
  const { policy, diagnostics } = parsePolicy(fromPlain(value, loc), meta);
  return { policy, diagnostics: [...ctx.diagnostics, ...diagnostics] };
}
