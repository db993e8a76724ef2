// excess-resource: an action some need uses, granted on more resources than the needs name
// (`ecr:BatchGetImage` on `*` for a task that pulls one repository).
import { display, hasToken } from '../model.js';
import { parseArn, resourceCovers } from '../iam/arn.js';
import type { RoleAnalysis } from '../analyze.js';
import type { Need } from '../model.js';
import type { Grant } from '../iam/evaluate.js';
import type { RawFinding, Rule } from './rule.js';
import { brief, groupByStatement, roleLabel, statementLabel, statementLoc } from './util.js';
import { effectiveGrants } from './grants.js';

/** Actions that read data (secrets, parameters, decrypted keys, objects): too broad a resource exposes it. */
const DATA_READS = new Set(['secretsmanager:getsecretvalue', 'ssm:getparameters', 'ssm:getparameter', 'kms:decrypt', 's3:getobject']);

export const excessResource: Rule = {
  meta: {
    id: 'excess-resource',
    title: 'Needed action granted on more resources than needed',
    severity: 'warning',
    description:
      'The execution role grants an action its workloads use, but on resources beyond the ones they name: every repository instead of the one the task pulls, every secret instead of the ones it references. Broad data reads (secrets, parameters, KMS decrypt, S3 objects) are errors; other broad grants are warnings.',
    help: 'Scope the statement to the resources in the suggested policy: repository ARNs from the images, the log group of the awslogs driver, the secret and parameter ARNs the task definition references.',
    needsWorkload: true,
  },
  check({ analysis }) {
    const out: RawFinding[] = [];
    for (const ra of analysis.roles) {
      if (ra.kind !== 'execution-role') continue;
      const needsByAction = new Map<string, Need[]>();
      for (const n of ra.needs) {
        const k = n.action.toLowerCase();
        needsByAction.set(k, [...(needsByAction.get(k) ?? []), n]);
      }
      const broad: Array<Grant & { beyond: string[] }> = [];
      const meantFor = nearMisses(ra);
      for (const g of effectiveGrants(ra)) {
        const needs = needsByAction.get(g.action.full.toLowerCase());
        if (!needs || meantFor.has(`${g.action.full}\u0001${g.statement.index}\u0001${g.policy.name}`)) continue;
        const beyond = g.notResources
          ? g.notResources.map((r) => `every resource except ${display(r)}`)
          : (g.resources ?? [])
              .filter((r) => appliesTo(r, g.action.service) && needs.every((n) => within(r, n) === 'no'))
              .map(display);
        if (beyond.length) broad.push({ ...g, beyond });
      }
      for (const { policy, statement, grants } of groupByStatement(broad)) {
        const actions = [...new Set(grants.map((g) => g.action.full))].sort();
        const resources = [...new Set((grants as Array<Grant & { beyond: string[] }>).flatMap((g) => g.beyond))];
        const needed = [...new Set(actions.flatMap((a) => (needsByAction.get(a.toLowerCase()) ?? []).map((n) => display(n.resource))))];
        const dataRead = actions.some((a) => DATA_READS.has(a.toLowerCase()));
        out.push({
          rule: 'excess-resource',
          severity: dataRead ? 'error' : 'warning',
          message:
            `role ${roleLabel(ra)} grants ${brief(actions)} on ${brief(resources, 3)}, but its workloads need ${actions.length === 1 ? 'it' : 'them'} only on ${brief(needed, 3)} ` +
            `(${statementLabel(policy, statement)})` +
            (dataRead ? '; any task using this role can read data it does not need' : ''),
          role: ra,
          workloads: ra.executionOf.map((td) => td.id),
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
