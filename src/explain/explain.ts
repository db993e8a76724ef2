// `rolefit explain`: why a request is allowed or not. Runs the IAM engine's decide() and lays out,
// for every statement whose action matches, how its action, resource and each condition fared.
// The Explanation is display-ready (tokens shown as ${Name}); reporters only format it.
import { display, roleName, type Effect, type Loc, type Policy, type PolicyKind, type Statement } from '../model.js';
import { actionInfo } from '../iam/catalog.js';
import { actionPatternMatches } from '../iam/actions.js';
import type { Tri } from '../iam/arn.js';
import { evaluateCondition, parseOperator, type ConditionResult } from '../iam/conditions.js';
import { decide, type PolicySet, type StatementMatch } from '../iam/evaluate.js';
import { lookupKey, type RequestContext } from '../iam/variables.js';

export type ExplainDecision = 'allowed' | 'denied' | 'not-allowed' | 'depends';

export interface ExplainLocation {
  file: string;
  line: number;
  column: number;
}

export interface ConditionExplanation {
  /** As written, e.g. `ForAnyValue:StringLike`. */
  operator: string;
  key: string;
  values: string[];
  /** Whether this condition holds for the request. */
  result: Tri;
  /** Why, in words: the key's value in the request and what the operator makes of it. */
  why: string;
  location: ExplainLocation;
}

export interface StatementExplanation {
  effect: Effect;
  /** Policy name (inline), ARN (managed) or file name (policy file). */
  policy: string;
  policyKind: PolicyKind;
  /** The statement belongs to the permissions boundary. */
  boundary: boolean;
  sid: string | null;
  /** Position of the statement in its policy, 0-based. */
  index: number;
  location: ExplainLocation;
  /** 'unknown' only when a value the input does not determine leaves the match open. */
  actionMatched: Tri;
  actionWhy: string;
  /** Allow: the statement covers the whole resource. Deny: it applies to it ('unknown': perhaps to part of it). */
  resourceMatched: Tri;
  resourceWhy: string;
  /** Each condition on its own; the statement's conditions hold when all of them do. */
  conditions: ConditionExplanation[];
  conditionsMatched: Tri;
  /** Action, resource and conditions together: the statement allows (or denies) this request. */
  applies: Tri;
}

export interface ExplainedRole {
  name: string;
  arn: string;
  id: string;
  location: ExplainLocation;
}

export interface ExplainedPolicy {
  name: string;
  kind: PolicyKind;
  boundary: boolean;
  location: ExplainLocation;
}

export interface Explanation {
  decision: ExplainDecision;
  /** One sentence: what decided it. */
  reason: string;
  /** The action in catalog casing. */
  action: string;
  /** The resource evaluated (`*` for a wildcard-only action). */
  resource: string;
  /** The action has no resource type: IAM authorizes it on `*` only. */
  wildcardOnly: boolean;
  role: ExplainedRole | null;
  /** The policies evaluated, identity first, then the permissions boundary. */
  policies: ExplainedPolicy[];
  /** A permissions boundary applies (resolved or not). */
  hasBoundary: boolean;
  context: {
    keys: Record<string, string[]>;
    /** Keys not listed are absent from the request (else unknown). */
    complete: boolean;
    /** Keys filled in from the role, not given on the command line. */
    fromRole: string[];
  };
  /** Every statement whose action matches the request (or may), identity and boundary, allows and denies. */
  statements: StatementExplanation[];
  /** Condition keys (and policy-variable keys) the outcome hangs on, for `depends`. */
  unknownKeys: string[];
  /** The action is within the identity policies but outside the permissions boundary. */
  blockedByBoundary: boolean;
  /** Why the role's policies are not all known (unresolved managed policies or boundary). */
  incomplete: string[];
  notes: string[];
}

export interface ExplainInput {
  set: PolicySet;
  /** A concrete catalog action (any case). */
  action: string;
  resource: string;
  context: RequestContext;
  role?: { name: string; arn: string; id: string; loc: Loc };
  /** Keys of `context` that were filled in from the role. */
  contextFromRole?: string[];
  incomplete?: string[];
  /** Some identity policy of the role could not be resolved: an unseen Allow or Deny may change the answer. */
  unresolvedIdentity?: boolean;
  /** Notes to pass on (unreadable input, a resource that does not fit the action). */
  notes?: string[];
}

export function explain(input: ExplainInput): Explanation {
  const info = actionInfo(input.action);
  if (!info) throw new Error(`explain: ${input.action} is not a catalog action`);
  const action = info.full;
  const resource = info.wildcardOnly ? '*' : input.resource;
  const notes: string[] = [...(input.notes ?? [])];
  if (info.wildcardOnly && input.resource !== '*') {
    notes.push(`${action} has no resource type: IAM authorizes it on "*" only, so the resource ${display(input.resource)} plays no part`);
  } else if (!info.wildcardOnly && /[*?]/.test(input.resource)) {
    notes.push(`the resource is a pattern: "allowed" means allowed on every resource it matches, "denied" that a Deny covers all of them`);
  }
  const d = decide(input.set, action, resource, input.context);
  const explained = d.matches.map((m) => explainStatement(m, action, info.wildcardOnly, input.context));
  const statements = explained.map((e) => e.statement);
  const incomplete = input.incomplete ?? [];
  const boundaryUnresolved = input.set.boundary !== undefined && input.set.boundary.length === 0;

  let decision: ExplainDecision = d.decision === 'unknown' ? 'depends' : d.decision;
  // An identity policy rolefit could not read may hold the missing Allow or a Deny; a resolved
  // boundary that does not allow the action blocks it whatever the identity policies say.
  const uncertain = input.unresolvedIdentity === true && (decision === 'allowed' || (decision === 'not-allowed' && !d.blockedByBoundary));
  if (uncertain) decision = 'depends';

  const label = (s: StatementExplanation) =>
    `statement ${s.sid ? `"${s.sid}"` : `#${s.index + 1}`} of ${s.boundary ? 'permissions boundary' : policyKindLabel(s.policyKind)} ${s.policy}`;
  let reason: string;
  if (decision === 'denied') {
    const by = statements.find((s) => s.effect === 'Deny' && s.applies === 'yes');
    reason = by ? `explicitly denied by ${label(by)}` : 'explicitly denied';
  } else if (decision === 'allowed') {
    const by = statements.find((s) => s.effect === 'Allow' && !s.boundary && s.applies === 'yes');
    reason = (by ? `allowed by ${label(by)}` : 'allowed') + (input.set.boundary ? ', within the permissions boundary' : '');
  } else if (decision === 'not-allowed') {
    const boundary = (input.set.boundary ?? []).map((p) => display(p.name)).join(', ');
    reason = d.blockedByBoundary ? `the identity policies allow it, but the permissions boundary ${boundary} does not` : `no statement allows ${action} on this resource`;
  } else {
    const parts: string[] = [];
    if (d.unknownKeys.length > 0) parts.push(`condition keys not given: ${d.unknownKeys.join(', ')}`);
    if (uncertain || (input.unresolvedIdentity && d.decision === 'unknown')) parts.push('policies of the role that could not be resolved');
    if (boundaryUnresolved) parts.push('a permissions boundary that could not be resolved');
    if (explained.some((e) => e.undetermined)) parts.push('values the input does not determine');
    if (statements.some((s) => s.applies === 'unknown' && s.effect === 'Deny')) parts.push('a Deny that may apply');
    reason = parts.length > 0 ? `depends on ${parts.join('; ')}` : 'depends on what the input does not say';
  }

  const policy = (p: Policy, boundary: boolean): ExplainedPolicy => ({ name: display(p.name), kind: p.kind, boundary, location: loc(p.loc) });
  return {
    decision,
    reason,
    action,
    resource: display(resource),
    wildcardOnly: info.wildcardOnly,
    role: input.role ? { name: roleName(input.role), arn: display(input.role.arn), id: input.role.id, location: loc(input.role.loc) } : null,
    policies: [...input.set.identity.map((p) => policy(p, false)), ...(input.set.boundary ?? []).map((p) => policy(p, true))],
    hasBoundary: input.set.boundary !== undefined,
    context: {
      keys: Object.fromEntries(Object.entries(input.context.keys).map(([k, v]) => [k, v.map(display)])),
      complete: input.context.complete === true,
      fromRole: input.contextFromRole ?? [],
    },
    statements,
    unknownKeys: d.decision === 'unknown' ? d.unknownKeys : [],
    blockedByBoundary: d.blockedByBoundary === true,
    incomplete: incomplete.map(display),
    notes,
  };
}

function loc(l: Loc): ExplainLocation {
  return { file: l.file, line: l.line, column: l.column };
}

/** `inline policy`, `AWS managed policy`, …: how a policy of this kind is named in sentences. */
export function policyKindLabel(kind: PolicyKind): string {
  switch (kind) {
    case 'inline':
      return 'inline policy';
    case 'managed':
      return 'managed policy';
    case 'aws-managed':
      return 'AWS managed policy';
    case 'trust':
      return 'trust policy';
    case 'standalone':
      return 'policy';
  }
}

const list = (xs: string[]) => xs.map(display).join(', ');

/**
 * `undetermined`: the statement may apply, and what leaves it open is a value the input does not
 * determine (a symbolic token), not a condition key the user could supply.
 */
function explainStatement(m: StatementMatch, action: string, wildcardOnly: boolean, ctx: RequestContext): { statement: StatementExplanation; undetermined: boolean } {
  const st = m.statement;
  const condResults = st.conditions.map((c) => evaluateCondition(c, ctx, m.policy.version));
  const conditions = st.conditions.map((c, i): ConditionExplanation => {
    const r = condResults[i];
    return {
      operator: c.operator,
      key: c.key,
      values: c.values.map(display),
      result: r.result,
      why: conditionWhy(c.operator, c.key, r, ctx),
      location: loc(c.loc),
    };
  });
  // Keys of policy variables in Resource/NotResource that the context does not determine.
  const entries = [...(st.resources ?? []), ...(st.notResources ?? [])].map((r) => r.toLowerCase());
  const resourceKeys = m.unknownKeys.filter((k) => entries.some((r) => r.includes(k.toLowerCase())));
  const actionMatched: Tri = m.actionMatched ? 'yes' : 'unknown';
  const applies = triAnd3(actionMatched, m.resourceMatched, m.conditions);
  const statement: StatementExplanation = {
    effect: st.effect,
    policy: display(m.policy.name),
    policyKind: m.policy.kind,
    boundary: m.boundary === true,
    sid: st.sid ?? null,
    index: st.index,
    location: loc(st.loc),
    actionMatched,
    actionWhy: actionWhy(st, action, actionMatched),
    resourceMatched: m.resourceMatched,
    resourceWhy: resourceWhy(st, m.resourceMatched, wildcardOnly, resourceKeys),
    conditions,
    conditionsMatched: m.conditions,
    applies,
  };
  const undetermined =
    applies === 'unknown' &&
    (actionMatched === 'unknown' ||
      (m.resourceMatched === 'unknown' && resourceKeys.length === 0) ||
      conditions.some((c, i) => c.result === 'unknown' && condResults[i].unknownKeys.length === 0));
  return { statement, undetermined };
}

function triAnd3(a: Tri, b: Tri, c: Tri): Tri {
  if (a === 'no' || b === 'no' || c === 'no') return 'no';
  return a === 'yes' && b === 'yes' && c === 'yes' ? 'yes' : 'unknown';
}

function actionWhy(st: Statement, action: string, matched: Tri): string {
  if (st.actions) {
    const hits = st.actions.filter((p) => actionPatternMatches(p, action));
    if (hits.length > 0) return `Action ${list(hits)} names ${action}`;
    return `Action ${list(st.actions)} may name ${action}: it holds values the input does not determine`;
  }
  const not = list(st.notActions ?? []);
  return matched === 'yes' ? `NotAction ${not} does not name ${action}` : `NotAction ${not} may name ${action}: it holds values the input does not determine`;
}

function resourceWhy(st: Statement, r: Tri, wildcardOnly: boolean, unknownKeys: string[]): string {
  const open = unknownKeys.length > 0 ? `it depends on ${unknownKeys.join(', ')}` : 'it holds values the input does not determine';
  const target = wildcardOnly ? '"*" (the action has no resource type; only a literal "*" grants it)' : 'the resource';
  if (st.resources) {
    const entries = `Resource ${list(st.resources)}`;
    if (r === 'yes') return `${entries} covers ${target}`;
    if (r === 'no') return `${entries} does not cover ${target}`;
    return st.effect === 'Deny' ? `${entries} may cover ${target} or part of it: ${open}` : `${entries} may cover ${target}: ${open}`;
  }
  if (st.notResources) {
    const entries = `NotResource ${list(st.notResources)}`;
    if (r === 'yes') return `${target} is outside ${entries}`;
    if (r === 'no') return `${entries} excludes ${target}${st.effect === 'Allow' ? ' (or part of it)' : ''}`;
    return `${entries} may exclude ${target} or part of it: ${open}`;
  }
  return 'no Resource element: the statement grants nothing on identity resources';
}

/** Words for one condition's result; built from the same lookups the evaluator makes. */
function conditionWhy(operator: string, key: string, r: ConditionResult, ctx: RequestContext): string {
  const op = parseOperator(operator);
  if (!op) return `unknown operator ${operator}: IAM rejects the policy, so nothing is certain`;
  const found = lookupKey(ctx, key);
  const verdict = r.result === 'yes' ? 'holds' : r.result === 'no' ? 'fails' : 'may hold';
  if ('unknown' in found) return `${key} is not given: unknown`;
  if (op.base === 'Null') {
    const state = 'absent' in found ? `${key} is absent` : `${key} is present`;
    return `${state}: ${verdict}`;
  }
  if ('absent' in found) {
    const because =
      r.result !== 'yes'
        ? op.set === 'ForAnyValue'
          ? ' (ForAnyValue needs at least one value)'
          : ''
        : op.ifExists
          ? ' (an …IfExists operator passes over an absent key)'
          : op.set === 'ForAllValues'
            ? ' (ForAllValues holds over no values)'
            : op.negated
              ? ' (a negated operator holds when the key is absent)'
              : '';
    return `${key} is absent from the request: ${verdict}${because}`;
  }
  const values = found.values.map((v) => JSON.stringify(display(v))).join(', ');
  const is = found.values.length === 1 ? `${key} is ${values}` : `${key} is [${values}]`;
  if (r.result !== 'unknown') return `${is}: ${verdict}`;
  return r.unknownKeys.length > 0 ? `${is}: may hold, depending on ${r.unknownKeys.join(', ')}` : `${is}: may hold, depending on values the input does not determine`;
}
