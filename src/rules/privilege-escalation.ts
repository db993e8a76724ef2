// privilege-escalation: grants that let whoever holds the credentials gain more: IAM writes
// (iam:PassRole, iam:PutRolePolicy, iam:CreatePolicyVersion, …) and sts:AssumeRole on any role.
// Applies to every role and policy file: no workload is needed to know these are dangerous. Not to
// service-linked roles, which only AWS can change.
import { display, type Policy } from '../model.js';
import { grants, type Grant } from '../iam/evaluate.js';
import type { RoleAnalysis } from '../analyze.js';
import type { RawFinding, Rule } from './rule.js';
import { eksAuthEscalations } from './eks-auth-escalation.js';
import { actionNames, brief, groupByStatement, isWriteLevel, roleLabel, statementLabel, statementLoc } from './util.js';

/** Creates only roles whose policies AWS defines: not a way to gain permissions. */
const NOT_ESCALATION = new Set(['iam:CreateServiceLinkedRole']);

/** Whether a resource pattern names many roles (a wildcard in the account or role name, or `*`). */
function anyRole(resources: string[] | undefined, notResources: string[] | undefined): boolean {
  if (notResources) return true;
  return (resources ?? []).some((r) => r === '*' || /^arn:[^:]*:iam::[^:]*[*?]/.test(r) || /:role\/.*[*?]/.test(r));
}

/**
 * Whether a grant lets its holder gain permissions: IAM writes, except iam:PassRole and
 * sts:AssumeRole, which escalate only when they reach many roles (one named role is how they are
 * meant to be used).
 */
function escalates(g: Grant): boolean {
  const a = g.action;
  if (NOT_ESCALATION.has(a.full)) return false;
  if (a.full === 'iam:PassRole' || a.full === 'sts:AssumeRole') return anyRole(g.resources, g.notResources);
  return a.service === 'iam' && isWriteLevel(a.accessLevel);
}

/**
 * A service-linked role (path /aws-service-role/): AWS defines its trust and policies and IAM
 * refuses to change them, so its grants are nothing the account can fix. A live account has dozens.
 */
function isServiceLinked(ra: RoleAnalysis): boolean {
  return /^arn:[^:]+:iam::[^:]*:role\/aws-service-role\//.test(ra.linked.role.arn);
}

export const privilegeEscalation: Rule = {
  meta: {
    id: 'privilege-escalation',
    title: 'Grant that allows privilege escalation',
    severity: 'error',
    description:
      'The policy grants IAM write or permissions-management actions (iam:PutRolePolicy, iam:AttachRolePolicy, iam:CreatePolicyVersion, iam:UpdateAssumeRolePolicy, …), or iam:PassRole / sts:AssumeRole on many roles (a wildcard in the role or account, or "*"). Whoever obtains the credentials can give themselves more permissions. Neither the ECS agent nor the EKS Fargate infrastructure ever needs them. On EKS, a pod execution role mapped (aws-auth) into Kubernetes groups beyond system:bootstrappers, system:nodes and system:node-proxier, or given a STANDARD access entry or access policies, escalates inside the cluster. A statement narrowed by a condition (iam:PassedToService, …) is a warning to review; passing or assuming one named role, and iam:CreateServiceLinkedRole, are not reported.',
    help: 'Remove these actions. If an application truly needs to pass or assume one role, grant that single action on that single role ARN, on the task role.',
    needsWorkload: false,
  },
  check(ctx) {
    const { analysis, inventory } = ctx;
    const out: RawFinding[] = eksAuthEscalations(ctx);
    const report = (ra: RoleAnalysis | undefined, list: Grant[]) => {
      for (const { policy, statement, grants: gs } of groupByStatement(list.filter(escalates))) {
        const actions = actionNames(gs);
        const whose = ra ? `role ${roleLabel(ra)}` : `policy ${display(policy.name)}`;
        // A condition (iam:PassedToService, iam:AWSServiceName, …) narrows it: a warning to review.
        const conditional = statement.conditions.length > 0;
        out.push({
          rule: 'privilege-escalation',
          severity: conditional ? 'warning' : 'error',
          message:
            `${whose} allows privilege escalation through ${brief(actions)} (${statementLabel(policy, statement)})` +
            (conditional ? `, narrowed by a condition on ${[...new Set(statement.conditions.map((c) => c.key))].join(', ')}: check that it holds only for what is intended` : ''),
          role: ra,
          workloads: ra ? ra.workloads : [],
          actions,
          resources: (statement.resources ?? statement.notResources ?? []).map(display),
          loc: statementLoc(ra, policy, statement),
        });
      }
    };
    for (const ra of analysis.roles) if (!isServiceLinked(ra)) report(ra, ra.grants());
    // Policies no role of the scan carries: standalone files, and managed policies left unattached
    // here (they may be attached elsewhere, or tomorrow).
    const attached = new Set(analysis.roles.flatMap((ra) => ra.linked.identity));
    const loose: Policy[] = [...inventory.policies, ...inventory.managedPolicies.map((m) => m.policy)];
    for (const p of loose) {
      if (p.kind === 'trust' || attached.has(p)) continue;
      report(undefined, grants({ identity: [p] }));
    }
    return out;
  },
};
