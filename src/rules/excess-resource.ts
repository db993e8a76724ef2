// excess-resource: an action some need uses, granted on more resources than the needs name
// (`ecr:BatchGetImage` on `*` for a task that pulls one repository).
import { display, hasToken } from '../model.js';
import { parseArn, resourceCovers } from '../iam/arn.js';
import { contextOf, type RoleAnalysis } from '../analyze.js';
import type { Need } from '../model.js';
import type { Grant } from '../iam/evaluate.js';
import type { RawFinding, Rule } from './rule.js';
import { brief, groupByStatement, readsData, roleLabel, statementLabel, statementLoc, unknownNeeds } from './util.js';
import { decide, type Decision } from '../iam/evaluate.js';
import { substituteVariables } from '../iam/variables.js';
import { effectiveGrants } from './grants.js';


export const excessResource: Rule = {
  meta: {
    id: 'excess-resource',
    title: 'Needed action granted on more resources than needed',
    severity: 'warning',
    description:
      'The execution role grants an action its workloads use, but on resources beyond the ones they name: every repository instead of the one the task pulls, every secret instead of the ones it references. Broad data reads (secrets, parameters, KMS decrypt, S3 objects) are errors unless a condition narrows them; other broad grants are warnings. Only what the role really holds counts: a permissions boundary or a Deny that takes the excess away leaves nothing to report.',
    help: 'Scope the statement to the resources in the suggested policy: repository ARNs from the images, the log group of the awslogs driver, the secret and parameter ARNs the task definition references.',
    needsWorkload: true,
  },
  check({ analysis }) {
    const out: RawFinding[] = [];
    for (const ra of analysis.roles) {
      if ((ra.kind !== 'execution-role' && ra.kind !== 'pod-execution-role') || ra.alsoNodeRole) continue;
      const needsByAction = new Map<string, Need[]>();
      for (const n of ra.needs) {
        const k = n.action.toLowerCase();
        needsByAction.set(k, [...(needsByAction.get(k) ?? []), n]);
      }
      const broad: Array<Grant & { beyond: string[] }> = [];
      const meantFor = nearMisses(ra);
      for (const g of effectiveGrants(ra)) {
        const needs = needsByAction.get(g.action.full.toLowerCase());
        // An assumed need (images not known) says nothing of which resources are enough.
        if (needs?.some((n) => n.assumed)) continue;
        if (!needs || meantFor.has(`${g.action.full}\u0001${g.statement.index}\u0001${g.policy.name}`)) continue;
        const ctx = { keys: { 'aws:PrincipalArn': [ra.linked.role.arn] } };
        const effective = (r: string) => grantedIgnoringConditions(decide(ra.policySet, g.action.full, r, ctx), ra.policySet.boundary !== undefined);
        const beyond = g.notResources
          ? effective('*')
            ? g.notResources.map((r) => `every resource except ${display(r)}`)
            : []
          : (g.resources ?? [])
              .filter((r) => appliesTo(r, g.action.service) && needs.every((n) => within(resolved(r, g, n), n) === 'no') && effective(r))
              .map(display);
        if (beyond.length) broad.push({ ...g, beyond });
      }
      for (const { policy, statement, grants } of groupByStatement(broad)) {
        const actions = [...new Set(grants.map((g) => g.action.full))].sort();
        const resources = [...new Set((grants as Array<Grant & { beyond: string[] }>).flatMap((g) => g.beyond))];
        const needed = [...new Set(actions.flatMap((a) => (needsByAction.get(a.toLowerCase()) ?? []).map((n) => display(n.resource))))];
        const dataRead = actions.some(readsData);
        // A condition (kms:ViaService, aws:SourceVpce…) narrows the grant: worth a warning (M7).
        const conditional = grants.some((g) => g.conditional);
        const unknown = unknownNeeds(ra);
        out.push({
          rule: 'excess-resource',
          severity: unknown ? 'note' : dataRead && !conditional ? 'error' : 'warning',
          message:
            `role ${roleLabel(ra)} grants ${brief(actions)} on ${brief(resources, 3)}, but its workloads need ${actions.length === 1 ? 'it' : 'them'} only on ${brief(needed, 3)} ` +
            `(${statementLabel(policy, statement)})` +
            (dataRead ? '; any task using this role can read data it does not need' : '') +
            (unknown ?? ''),
          role: ra,
          workloads: ra.workloads,
          actions,
          resources,
          loc: statementLoc(ra, policy, statement),
        });
      }
    }
    return out;
  },
};

/**
 * Whether the granted resource pattern stays within what the need names. A grant on the whole log
 * group (`log-group:G:*`) for a log-stream need in G is what AWS documents and CloudFormation's
 * `GetAtt LogGroup.Arn` yields, so it counts as within.
 */
function within(granted: string, need: Need): 'yes' | 'no' | 'unknown' {
  // A tolerated placeholder (an image from a parameter: repository/*) says nothing about breadth.
  if (need.optional && /[*?]/.test(need.resource)) return 'unknown';
  const direct = resourceCovers(need.resource, granted);
  if (direct !== 'no') return direct;
  const stream = need.resource.indexOf(':log-stream:');
  if (stream >= 0) return resourceCovers(need.resource.slice(0, stream) + ':*', granted);
  // AWS's recommended form for one secret is `<name>-??????` (the random suffix), not the full ARN.
  if (need.action === 'secretsmanager:GetSecretValue' && SECRET_SUFFIX.test(need.resource)) {
    return resourceCovers(need.resource.replace(SECRET_SUFFIX, '-??????'), granted);
  }
  return 'no';
}

const SECRET_SUFFIX = /-[A-Za-z0-9]{6}$/;

/**
 * Whether the role really holds the action on the whole pattern: allowed, or allowed but for
 * conditions the scan cannot evaluate (a conditional grant still counts as granted, §4.5), and
 * neither a Deny nor the boundary takes part of it away.
 */
function grantedIgnoringConditions(d: Decision, hasBoundary: boolean): boolean {
  if (d.decision === 'allowed') return true;
  if (d.decision !== 'unknown') return false;
  const allows = (boundary: boolean) =>
    d.matches.some((m) => m.statement.effect === 'Allow' && !!m.boundary === boundary && m.actionMatched && m.resourceMatched === 'yes' && m.conditions !== 'no');
  const denied = d.matches.some((m) => m.statement.effect === 'Deny' && m.resourceMatched !== 'no' && m.conditions !== 'no');
  return allows(false) && (!hasBoundary || allows(true)) && !denied;
}

/** The granted pattern with the policy variables the need's request determines substituted. */
function resolved(granted: string, g: Grant, need: Need): string {
  if (!granted.includes('${')) return granted;
  const r = substituteVariables(granted, { keys: contextOf(need) }, g.policy.version);
  return 'value' in r ? r.value : granted;
}

/** A resource ARN of another service grants the action nothing (e.g. an SSM ARN for secretsmanager:GetSecretValue). */
function appliesTo(resource: string, service: string): boolean {
  const arn = parseArn(resource);
  if (!arn || arn.service.includes('*') || arn.service.includes('?') || hasToken(arn.service)) return true;
  return arn.service.toLowerCase() === service;
}

/**
 * Statements that name a needed action but miss its resource (a log group without `:*`, a secret
 * without its suffix): missing-permission reports them at that statement, so they are not also
 * reported as too broad. Keyed by action, statement index and policy name.
 */
function nearMisses(ra: RoleAnalysis): Set<string> {
  const keys = new Set<string>();
  for (const v of ra.verdicts) {
    if (v.decision.decision === 'allowed') continue;
    for (const m of v.decision.matches) {
      if (m.statement.effect === 'Allow' && m.actionMatched && m.resourceMatched === 'no') {
        keys.add(`${v.need.action}\u0001${m.statement.index}\u0001${m.policy.name}`);
      }
    }
  }
  return keys;
}
