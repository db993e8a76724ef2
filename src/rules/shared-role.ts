// shared-role: one role serving as both task role and execution role hands the application every
// secret and parameter the agent reads, plus ECR and log rights. On EKS, the pod execution role
// must be distinct from every node role (and from ECS roles): each carries what the other must not.
import { display, hasToken, type Inventory } from '../model.js';
import type { RoleAnalysis } from '../analyze.js';
import type { Linked } from '../link/roles.js';
import type { RawFinding, Rule } from './rule.js';
import { roleLabel } from './util.js';

export const sharedRole: Rule = {
  meta: {
    id: 'shared-role',
    title: 'One role serves roles that must be distinct',
    severity: 'error',
    description:
      'The execution role is used by the ECS agent; the task role by the application. When one role is both, the application can read every secret and parameter injected into the task and pull any image the agent can, and the execution role must carry whatever the application needs. Likewise an EKS Fargate pod execution role must not also be a node-group (instance) role or an ECS role: AWS requires it to be distinct, and the node role\'s EC2, ENI and cluster permissions would reach the Fargate infrastructure.',
    help: 'Create a separate task role for the application and keep the execution role to the permissions in the suggested policy; give Fargate profiles a pod execution role of their own.',
    needsWorkload: true,
  },
  check({ analysis, inventory, linked }) {
    const out: RawFinding[] = [];
    out.push(...podExecutionRoleShared(analysis.roles, inventory, linked));
    for (const ra of analysis.roles) {
      if (ra.kind !== 'execution-and-task-role') continue;
      const tds = [...new Set([...ra.executionOf, ...ra.taskRoleOf])];
      const td = ra.taskRoleOf[0];
      out.push({
        rule: 'shared-role',
        severity: 'error',
        message: `role ${roleLabel(ra)} is both the execution role and the task role (${tds.map((t) => t.family ?? t.id).join(', ')}): the application gets the agent's access to secrets, parameters and images`,
        role: ra,
        workloads: tds.map((t) => t.id),
        actions: [],
        resources: [],
        loc: td.taskRole?.loc ?? td.loc,
      });
    }
    // The task definition alone shows it when the role is not in the scan.
    for (const { td, reason } of analysis.orphanWorkloads) {
      if (reason !== 'role-not-in-scan' || !td.taskRole || td.taskRole.value !== td.executionRole?.value) continue;
      out.push({
        rule: 'shared-role',
        severity: 'error',
        message: `task definition ${display(td.family ?? td.id)} uses ${display(td.taskRole.value)} as both its execution role and its task role: the application gets the agent's access to secrets, parameters and images`,
        workloads: [td.id],
        actions: [],
        resources: [],
        loc: td.taskRole.loc,
      });
    }
    return out;
  },
};

/** A pod execution role that is also a node role or an ECS role. */
function podExecutionRoleShared(roles: RoleAnalysis[], inventory: Inventory, linked: Linked): RawFinding[] {
  const out: RawFinding[] = [];
  // The config alone shows it when the role is not in the scan: one ARN in both places.
  for (const nr of inventory.nodeRoles) {
    if (hasToken(nr.role.value) || linked.findRole(nr.role.value)) continue;
    const profiles = inventory.fargateProfiles.filter((p) => p.podExecutionRole?.value === nr.role.value);
    if (profiles.length === 0) continue;
    out.push({
      rule: 'shared-role',
      severity: 'error',
      message: `role ${display(nr.role.value)} is the pod execution role of Fargate profile ${profiles.map((p) => display(p.name)).join(', ')} and the node role of ${nr.usedBy}: AWS requires a distinct pod execution role, and the node role's EC2, ENI and cluster permissions do not belong on it`,
      workloads: profiles.map((p) => p.id),
      actions: [],
      resources: [],
      loc: nr.loc,
    });
  }
  for (const ra of roles) {
    if (ra.podExecutionOf.length === 0) continue;
    const profiles = ra.podExecutionOf.map((p) => display(p.name)).join(', ');
    const base = { rule: 'shared-role', severity: 'error' as const, role: ra, workloads: ra.workloads, actions: [], resources: [] };
    for (const nr of inventory.nodeRoles) {
      if (linked.findRole(nr.role.value) !== ra.linked) continue;
      out.push({
        ...base,
        message: `role ${roleLabel(ra)} is the pod execution role of Fargate profile ${profiles} and the node role of ${nr.usedBy}: AWS requires a distinct pod execution role, and the node role's EC2, ENI and cluster permissions do not belong on it`,
        loc: nr.loc,
      });
    }
    const ecs = [...ra.executionOf, ...ra.taskRoleOf];
    if (ecs.length > 0) {
      out.push({
        ...base,
        workloads: [...ra.workloads, ...ra.taskRoleOf.map((td) => td.id)],
        message: `role ${roleLabel(ra)} is the pod execution role of Fargate profile ${profiles} and an ECS role of ${[...new Set(ecs.map((t) => display(t.family ?? t.id)))].join(', ')}: each use needs permissions the other must not have`,
        loc: ra.podExecutionOf[0].podExecutionRole?.loc ?? ra.podExecutionOf[0].loc,
      });
    }
  }
  return out;
}
