// Text for `rolefit explain`: the answer and what decided it, then every statement that names the
// action with `file:line` and how its action, resource and each condition fared, then the context.
import type { Colors } from './color.js';
import { policyKindLabel, type ConditionExplanation, type ExplainDecision, type Explanation, type StatementExplanation } from '../explain/explain.js';
import type { Tri } from '../iam/arn.js';
import { isArnLocation, where } from './words.js';

const DECISION_WORDS: Record<ExplainDecision, string> = {
  allowed: 'allowed',
  denied: 'denied',
  'not-allowed': 'not allowed',
  depends: 'depends',
};

export function formatExplainText(e: Explanation, c: Colors): string {
  const out: string[] = [];
  const decisionColor = { allowed: c.green, denied: c.red, 'not-allowed': c.red, depends: c.yellow }[e.decision];
  out.push(`${c.bold(decisionColor(DECISION_WORDS[e.decision]))}: ${c.bold(e.action)} on ${e.resource}`);
  // A live role is located at its ARN, shown already.
  if (e.role) out.push(`  role ${e.role.name} (${e.role.arn})${isArnLocation(e.role.location) ? '' : ` ${c.dim(`${e.role.location.file}:${e.role.location.line}`)}`}`);
  out.push(`  ${e.reason}`);
  if (e.unknownKeys.length > 0) out.push(`  unknown condition keys: ${e.unknownKeys.join(', ')} ${c.dim('(give them with --context KEY=VALUE)')}`);
  for (const i of e.incomplete) out.push(`  ${c.yellow('incomplete')}: ${i}`);
  for (const n of e.notes) out.push(`  ${c.cyan('note')}: ${n}`);
  out.push('');

  if (e.statements.length === 0) {
    const what = e.policies.length === 0 ? 'no policies' : `none of the ${e.policies.length} polic${e.policies.length === 1 ? 'y' : 'ies'}`;
    out.push(`No statement names ${e.action} (${what} evaluated).`);
    out.push('');
  }
  for (const s of e.statements) out.push(...statement(s, c), '');

  if (e.hasBoundary && !e.policies.some((p) => p.boundary)) out.push(`Permissions boundary: not resolved, so whether it allows ${e.action} is unknown.`, '');
  out.push(context(e));
  return out.join('\n') + '\n';
}

function mark(t: Tri, c: Colors): string {
  return t === 'yes' ? c.green('✓') : t === 'no' ? c.red('✗') : c.yellow('?');
}

function verdict(s: StatementExplanation): string {
  if (s.applies === 'no') return 'does not apply';
  const may = s.applies === 'unknown';
  if (s.effect === 'Deny') return may ? 'may deny it' : 'denies it';
  if (s.boundary) return may ? 'the boundary may allow it' : 'the boundary allows it';
  return may ? 'may allow it' : 'allows it';
}

function statement(s: StatementExplanation, c: Colors): string[] {
  const at = c.underline(where(s.location));
  const name = s.sid ? `"${s.sid}"` : `#${s.index + 1}`;
  const policy = s.boundary ? `permissions boundary ${s.policy}` : `${policyKindLabel(s.policyKind)} ${s.policy}`;
  const effect = s.effect === 'Deny' ? c.red('Deny') : c.green('Allow');
  const lines = [`${at}  ${effect} statement ${name} of ${policy}: ${c.bold(verdict(s))}`];
  lines.push(`    ${mark(s.actionMatched, c)} action      ${s.actionWhy}`);
  lines.push(`    ${mark(s.resourceMatched, c)} resource    ${s.resourceWhy}`);
  if (s.conditions.length === 0) lines.push(`    ${mark('yes', c)} conditions  none`);
  for (const k of s.conditions) lines.push(condition(k, c));
  return lines;
}

function condition(k: ConditionExplanation, c: Colors): string {
  const values = k.values.length === 1 ? JSON.stringify(k.values[0]) : `[${k.values.map((v) => JSON.stringify(v)).join(', ')}]`;
  return `    ${mark(k.result, c)} condition   ${k.operator} ${k.key} ${values} ${c.dim(`(line ${k.location.line})`)}: ${k.why}`;
}

function context(e: Explanation): string {
  const fromRole = new Set(e.context.fromRole);
  const parts = Object.entries(e.context.keys).map(([k, v]) => {
    const value = v.length === 0 ? `${k} absent` : v.length === 1 ? `${k}=${v[0]}` : `${k}=[${v.join(', ')}]`;
    return fromRole.has(k) ? `${value} (from the role)` : value;
  });
  if (parts.length === 0) return `Request context: no keys given; ${e.context.complete ? 'every key is absent' : 'every key is unknown'}.`;
  return `Request context: ${parts.join(', ')}; ${e.context.complete ? 'keys not listed are absent' : 'keys not listed are unknown'}.`;
}
