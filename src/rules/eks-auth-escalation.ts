// The Kubernetes side of a pod execution role (domain.md §2.5, M26): EKS maps it into the cluster
// as a node (system:bootstrappers, system:nodes, system:node-proxier). Any other group (above all
// system:masters), a STANDARD access entry or access policies give whoever reaches the Fargate
// infrastructure's credentials cluster rights no node has. Reported by privilege-escalation.
import { display, hasToken } from '../model.js';
import type { RoleAnalysis } from '../analyze.js';
import type { RawFinding, RuleContext } from './rule.js';
import { roleLabel } from './util.js';

export const NODE_GROUPS = new Set(['system:bootstrappers', 'system:nodes', 'system:node-proxier']);

/** aws-auth ARNs carry no role path: compare role ARNs without it. */
function withoutPath(arn: string): string {
  const m = /^(arn:[^:]*:iam::[^:]*:role\/)(?:.*\/)?([^/]+)$/.exec(arn);
  return m ? m[1] + m[2] : arn;
}

export function eksAuthEscalations({ inventory, linked, analysis }: RuleContext): RawFinding[] {
  const out: RawFinding[] = [];
  const perOf = (arn: string): { ra?: RoleAnalysis; label: string } | undefined => {
    const lr = linked.findRole(arn);
    const ra = lr && analysis.roles.find((r) => r.linked === lr && r.podExecutionOf.length > 0);
    if (ra) return { ra, label: roleLabel(ra) };
    const profile = inventory.fargateProfiles.find((p) => p.podExecutionRole && !hasToken(arn) && withoutPath(p.podExecutionRole.value) === withoutPath(arn));
    return profile ? { label: display(arn) } : undefined;
  };
  for (const m of inventory.awsAuth) {
    const per = perOf(m.roleArn.value);
    const extra = m.groups.filter((g) => !NODE_GROUPS.has(g));
    if (!per || extra.length === 0) continue;
    out.push({
      rule: 'privilege-escalation',
      severity: 'error',
      message:
        `aws-auth maps pod execution role ${per.label} into ${extra.join(', ')} beyond the node groups (${[...NODE_GROUPS].join(', ')}): ` +
        `whoever obtains the Fargate infrastructure's credentials gets ${extra.includes('system:masters') ? 'cluster-admin' : 'those'} rights in the cluster`,
      ...(per.ra && { role: per.ra, workloads: per.ra.workloads }),
      loc: m.loc,
    });
  }
  for (const e of inventory.accessEntries) {
    const per = perOf(e.principalArn.value);
    if (!per) continue;
    const standard = e.type.toUpperCase() !== 'FARGATE_LINUX';
    if (!standard && e.accessPolicies.length === 0 && e.groups.length === 0) continue;
    const what = [
      ...(standard ? [`${/^[AEIOU]/i.test(e.type) ? 'an' : 'a'} ${e.type} access entry`] : []),
      ...(e.groups.length ? [`Kubernetes groups ${e.groups.join(', ')}`] : []),
      ...(e.accessPolicies.length ? [`access policies ${e.accessPolicies.map(display).join(', ')}`] : []),
    ].join(' with ');
    out.push({
      rule: 'privilege-escalation',
      severity: 'error',
      message: `pod execution role ${per.label} has ${what}; EKS gives Fargate profile roles a FARGATE_LINUX entry of its own, and anything more grants cluster rights no node has`,
      ...(per.ra && { role: per.ra, workloads: per.ra.workloads }),
      loc: e.loc,
    });
  }
  return out;
}
