// trust-confused-deputy: an ECS-trusting role without aws:SourceAccount / aws:SourceArn lets ECS
// act for any account that names the role (the confused-deputy problem); for a role trusting EKS
// Fargate, AWS documents an aws:SourceArn condition on the cluster's Fargate profiles.
import { display, type Condition, type Statement } from '../model.js';
import type { RawFinding, Rule } from './rule.js';
import type { RoleAnalysis } from '../analyze.js';
import { roleLabel } from './util.js';
import { ECS_TASKS, EKS_FARGATE_PODS, SOURCE_ARN_OPS, assumeStatements, isService } from './trust.js';

// IfExists variants do not guard: a request without the key passes them.
const SOURCE_ACCOUNT_OPS = /^(StringEquals|StringLike|StringEqualsIgnoreCase)$/i;
const NEGATED_OPS = /^(StringNotEquals|StringNotLike|ArnNotEquals|ArnNotLike|StringNotEqualsIgnoreCase)(IfExists)?$/i;

function guards(c: Condition): boolean {
  const key = c.key.toLowerCase();
  if (key === 'aws:sourceaccount') return SOURCE_ACCOUNT_OPS.test(c.operator);
  if (key === 'aws:sourcearn') return SOURCE_ARN_OPS.test(c.operator);
  return false;
}

/** A Deny of sts:AssumeRole for requests from other accounts or sources guards every Allow. */
function denyGuards(s: Statement): boolean {
  return (
    s.effect === 'Deny' &&
    s.conditions.some((c) => ['aws:sourceaccount', 'aws:sourcearn'].includes(c.key.toLowerCase()) && NEGATED_OPS.test(c.operator))
  );
}

export const trustConfusedDeputy: Rule = {
  meta: {
    id: 'trust-confused-deputy',
    title: 'Trust policy without a confused-deputy condition',
    severity: 'note',
    description: `The trust policy lets ${ECS_TASKS} assume the role without an aws:SourceAccount or aws:SourceArn condition, or lets ${EKS_FARGATE_PODS} assume it without an aws:SourceArn condition, so the service acting for another account or cluster that learns the role's ARN is not excluded. AWS recommends the condition for task roles and documents it for pod execution roles; for execution roles it is hardening.`,
    help: 'ECS: add "Condition": {"StringEquals": {"aws:SourceAccount": "<account id>"}, "ArnLike": {"aws:SourceArn": "arn:aws:ecs:<region>:<account id>:*"}} to the statement (ECS does not support a SourceArn pinned to one cluster). EKS Fargate: add "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:eks:<region>:<account id>:fargateprofile/<cluster>/*"}}.',
    needsWorkload: false,
  },
  check({ analysis }) {
    const out: RawFinding[] = [];
    for (const ra of analysis.roles) {
      out.push(...fargateWithoutSourceArn(ra));
      const ecs: Statement[] = assumeStatements(ra.linked.role).filter((s) => (s.principals ?? []).some((p) => isService(p, ECS_TASKS)));
      const denied = (ra.linked.role.trust?.statements ?? []).some(denyGuards);
      for (const s of ecs) {
        const guard = s.conditions.filter(guards);
        if (guard.length === 0 && !denied) {
          out.push({
            rule: 'trust-confused-deputy',
            severity: 'note',
            message: `the trust policy of role ${roleLabel(ra)} lets ${ECS_TASKS} assume it without an aws:SourceAccount or aws:SourceArn condition`,
            role: ra,
            workloads: ra.workloads,
            actions: ['sts:AssumeRole'],
            resources: [],
            loc: s.loc,
          });
          continue;
        }
        for (const c of guard) {
          if (c.key.toLowerCase() !== 'aws:sourcearn') continue;
          // Judge the displayed form: symbolic values (`${AWS::Region}`) contain "::" themselves.
          const seg = '(?:\\$\\{[^}]*\\}|[^:])';
          const clusterArn = new RegExp(`^arn:${seg}+:ecs:${seg}*:${seg}*:cluster/[^*]+$`);
          const pinned = c.values.map(display).filter((v) => clusterArn.test(v));
          if (pinned.length === 0) continue;
          out.push({
            rule: 'trust-confused-deputy',
            severity: 'warning',
            message: `the trust policy of role ${roleLabel(ra)} pins aws:SourceArn to a cluster (${pinned.join(', ')}); ECS does not support per-cluster SourceArn, so tasks may fail to assume the role: use arn:<partition>:ecs:<region>:<account>:*`,
            role: ra,
            workloads: ra.workloads,
            actions: ['sts:AssumeRole'],
            resources: [],
            loc: c.loc,
          });
        }
      }
    }
    return out;
  },
};

/** Statements letting EKS Fargate assume the role with nothing tying it to the account's profiles. */
function fargateWithoutSourceArn(ra: RoleAnalysis): RawFinding[] {
  const trust = ra.linked.role.trust;
  const denied = (trust?.statements ?? []).some(denyGuards);
  if (denied) return [];
  return assumeStatements(ra.linked.role)
    .filter((s) => (s.principals ?? []).some((p) => isService(p, EKS_FARGATE_PODS)))
    .filter((s) => !s.conditions.some((c) => c.key.toLowerCase() === 'aws:sourcearn' && SOURCE_ARN_OPS.test(c.operator)))
    .map((s) => ({
      rule: 'trust-confused-deputy',
      severity: 'note' as const,
      message: `the trust policy of role ${roleLabel(ra)} lets ${EKS_FARGATE_PODS} assume it without an aws:SourceArn condition on the Fargate profiles of its cluster (arn:<partition>:eks:<region>:<account>:fargateprofile/<cluster>/*)`,
      role: ra,
      workloads: ra.workloads,
      actions: ['sts:AssumeRole'],
      resources: [],
      loc: s.loc,
    }));
}
