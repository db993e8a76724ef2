// shared-role: one role serving as both task role and execution role hands the application every
// secret and parameter the agent reads, plus ECR and log rights.
import { display } from '../model.js';
import type { RawFinding, Rule } from './rule.js';
import { roleLabel } from './util.js';

export const sharedRole: Rule = {
  meta: {
    id: 'shared-role',
    title: 'Same role is task role and execution role',
    severity: 'error',
    description:
      'The execution role is used by the ECS agent; the task role by the application. When one role is both, the application can read every secret and parameter injected into the task and pull any image the agent can, and the execution role must carry whatever the application needs.',
    help: 'Create a separate task role for the application and keep the execution role to the permissions in the suggested policy.',
    needsWorkload: true,
  },
  check({ analysis }) {
    const out: RawFinding[] = [];
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
