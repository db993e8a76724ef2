// What `rolefit fix` would change for each role, independent of the syntax it is written in:
// which findings it answers, the least-privilege document (tokens kept), which identity policies
// it replaces, and what makes it uncertain. Renderers (render.ts) and writers (write-*.ts) only
// put this plan into a source's syntax.
//
// The replacement, for a role used only by the agent (execution role, pod execution role): every
// identity policy that only allows (inline, attached customer managed, AWS managed) is replaced by
// one inline policy with the suggested statements; policies holding Deny statements are guardrails
// and stay; the permissions boundary and the trust policy are never touched. For a role that is
// also a task role the application's permissions are not derivable from anything rolefit reads, so
// nothing is removed: the fix only adds the statements of the missing needs.
import { display, roleName, type Diagnostic, type Need, type Policy } from '../model.js';
import type { Analysis, RoleAnalysis } from '../analyze.js';
import type { RawFinding } from '../rules/rule.js';
import { decide, type PolicySet } from '../iam/evaluate.js';
import { parsePolicy } from '../iam/policy.js';
import { fromPlain } from '../sources/nodes.js';
import { containersUnknown, contextOf } from '../analyze.js';
import { formatLoc } from '../rules/util.js';
import type { PolicyDocumentJson } from '../report/types.js';
import { suggestPolicy } from './suggest.js';

/** Findings a least-privilege identity policy answers. */
export const FIXED_RULES = ['excess-action', 'excess-resource', 'missing-permission'] as const;

/** Diagnostics that mean the needs themselves are uncertain (an unknown image, a broken task definition). */
const UNCERTAIN_NEEDS: Array<Diagnostic['rule']> = ['unresolved-reference', 'invalid-input'];

export type FixMode = 'replace' | 'add';

export interface RoleFix {
  ra: RoleAnalysis;
  /** The findings the fix answers (errors and warnings of FIXED_RULES). */
  findings: RawFinding[];
  /** 'replace': the document replaces the role's grants; 'add': it is added (role shared with the application). */
  mode: FixMode;
  /** The policy to put on the role, values with tokens (null when no fix can be computed). */
  document: PolicyDocumentJson | null;
  /** Identity policies the document replaces (mode 'replace'). */
  replaced: Policy[];
  /** Identity policies left as they are (Deny guardrails). */
  kept: Policy[];
  /** Why no fix is offered at all; empty when there is one. */
  skipped: string[];
  /** Why the fix is printed but must not be applied without review (never written). */
  uncertain: string[];
  /** What to know about the fix that does not stop it from being applied. */
  notes: string[];
}

/** A finding the user accepted (suppressed, or its rule turned off): `why` says how. */
export interface Accepted {
  finding: RawFinding;
  why: string;
}

/** Excess the user accepted is a grant to keep: a replacement computed from the needs drops it. */
const EXCESS_RULES = ['excess-action', 'excess-resource'];

/** A plan per role that has findings a least-privilege policy answers. */
export function planFixes(analysis: Analysis, findings: RawFinding[], diagnostics: Diagnostic[], accepted: Accepted[] = []): RoleFix[] {
  const out: RoleFix[] = [];
  for (const ra of analysis.roles) {
    const own = findings.filter(
      (f) => f.role === ra && f.severity !== 'note' && (FIXED_RULES as readonly string[]).includes(f.rule),
    );
    if (own.length === 0 || ra.needs.length === 0) continue;
    const fix = planRole(ra, own, diagnostics.filter((d) => d.roleId === ra.linked.role.id));
    // Another principal the trust admits may use the role for what the agent does not (an ECS
    // service role trusting ecs.amazonaws.com, an instance profile): its permissions are not derivable.
    if (fix.mode === 'replace' && findings.some((f) => f.role === ra && f.rule === 'trust-principal')) {
      fix.uncertain.push('the trust policy admits other principals than the agent (see trust-principal): they may need permissions the fix would remove');
    }
    if (fix.mode === 'replace') {
      for (const a of accepted) {
        if (a.finding.role !== ra || !EXCESS_RULES.includes(a.finding.rule)) continue;
        fix.uncertain.push(`${a.finding.rule} at ${formatLoc(a.finding.loc)} ${a.why}: the replacement would remove the grant it accepts; merge the fix by hand`);
      }
    }
    out.push(fix);
  }
  return out;
}

function planRole(ra: RoleAnalysis, findings: RawFinding[], diagnostics: Diagnostic[]): RoleFix {
  const mode: FixMode = ra.taskRoleOf.length > 0 ? 'add' : 'replace';
  const fix: RoleFix = { ra, findings, mode, document: null, replaced: [], kept: [], skipped: [], uncertain: [], notes: [] };
  // Without the whole grant, replacing it could drop what an unseen policy was there for.
  for (const why of ra.linked.incomplete) fix.skipped.push(`the analysis is incomplete: ${display(why)}`);
  // Nor can it be derived from the tasks whose containers are known only.
  for (const td of ra.executionOf) if (td.containersUnknown) fix.skipped.push(`what the role needs is uncertain: ${containersUnknown(td)}`);
  for (const d of diagnostics) {
    if (d.rule === 'unresolved-reference' || (UNCERTAIN_NEEDS.includes(d.rule) && d.severity !== 'note')) {
      fix.skipped.push(`what the role needs is uncertain: ${display(d.message)} (${formatLoc(d.loc)})`);
    }
  }
  if (fix.skipped.length) return fix;

  const needs = mode === 'add' ? ra.verdicts.filter((v) => (v.decision.decision === 'not-allowed' || v.decision.decision === 'denied') && !v.need.optional).map((v) => v.need) : ra.needs;
  fix.document = suggestPolicy(needs, { raw: true });
  if (!fix.document) {
    fix.skipped.push('no statement to write');
    return fix;
  }
  if (mode === 'replace') {
    for (const p of ra.linked.identity) (p.statements.some((s) => s.effect === 'Deny') ? fix.kept : fix.replaced).push(p);
    for (const p of fix.kept) {
      if (p.statements.some((s) => s.effect === 'Allow')) {
        fix.uncertain.push(`${policyLabel(p)} mixes Allow and Deny statements: its Allow statements are kept (rolefit does not split guardrails)`);
      }
    }
    const carried = new Set(fix.document.Statement.flatMap((st) => Object.values(st.Condition ?? {}).flatMap((keys) => Object.keys(keys).map((k) => k.toLowerCase()))));
    const dropped = conditionsDropped(fix.replaced, needs).filter((k) => !carried.has(k.toLowerCase()));
    if (dropped.length) fix.uncertain.push(`the replaced statements grant needed actions only under conditions the suggested policy does not carry over (${dropped.join(', ')}): merge them by hand`);
  } else {
    fix.notes.push(
      `role ${roleName(ra.linked.role)} is also the task role of ${ra.taskRoleOf.map((td) => display(td.family ?? td.id)).join(', ')}: its other permissions serve the application and are kept; the fix only adds what the agent is missing (better: give the task its own task role)`,
    );
  }
  fix.uncertain.push(...stillBlocked(ra, fix, needs));
  return fix;
}

/** Conditions on replaced Allow statements that grant a needed action: the suggestion drops them. */
function conditionsDropped(replaced: Policy[], needs: Need[]): string[] {
  const needed = new Set(needs.map((n) => n.action.toLowerCase()));
  const keys = new Set<string>();
  for (const p of replaced) {
    if (p.kind === 'aws-managed') continue;
    for (const s of p.statements) {
      if (s.effect !== 'Allow' || s.conditions.length === 0) continue;
      const grantsNeeded = (s.actions ?? []).some((a) => needed.has(a.toLowerCase()) || a.includes('*'));
      if (grantsNeeded) for (const c of s.conditions) keys.add(c.key);
    }
  }
  return [...keys].sort();
}

/**
 * The needs that even the fixed role would not be granted (a Deny that stays, the permissions
 * boundary): the fix cannot supply them, and saying so beats printing a policy that looks complete.
 */
function stillBlocked(ra: RoleAnalysis, fix: RoleFix, needs: Need[]): string[] {
  const doc = parsePolicy(fromPlain(fix.document, ra.linked.role.loc), { name: 'least-privilege', kind: 'inline' }).policy;
  const identity = fix.mode === 'replace' ? [...fix.kept, doc] : [...ra.linked.identity, doc];
  const set: PolicySet = { identity, boundary: ra.policySet.boundary };
  const out: string[] = [];
  for (const need of needs) {
    if (need.optional) continue;
    const d = decide(set, need.action, need.resource, { keys: { 'aws:PrincipalArn': [ra.linked.role.arn], ...contextOf(need) } });
    if (d.decision === 'allowed' || (d.decision === 'unknown' && !d.blockedByBoundary && !d.matches.some((m) => m.statement.effect === 'Deny'))) continue;
    const why = d.blockedByBoundary ? 'the permissions boundary does not allow it' : d.decision === 'denied' ? 'a Deny statement that stays removes it' : 'it stays ungranted';
    out.push(`${need.action} on ${display(need.resource)} cannot be fixed in the identity policy: ${why}`);
  }
  return [...new Set(out)];
}

export function policyLabel(p: Policy): string {
  if (p.kind === 'aws-managed') return `AWS managed policy ${p.name}`;
  if (p.kind === 'managed') return `managed policy ${display(p.arn ?? p.name)}`;
  return `inline policy ${display(p.name)}`;
}
