// trust-principal: an execution role must be assumable by ECS tasks and by nobody else.
import { display, hasToken } from '../model.js';
import type { RawFinding, Rule } from './rule.js';
import { roleLabel } from './util.js';
import { ECS_TASKS, assumeStatements, isService } from './trust.js';

export const trustPrincipal: Rule = {
  meta: {
    id: 'trust-principal',
    title: 'Execution role trust admits the wrong principals',
    severity: 'error',
    description:
      `An ECS task execution role is assumed by the ECS agent through the service principal ${ECS_TASKS}. A trust policy without it makes every task using the role fail; a trust policy that also admits other principals (another service, an account, "*") lets them obtain the role's credentials and read what it can read.`,
    help: `Trust only {"Service": "${ECS_TASKS}"} for sts:AssumeRole, with an aws:SourceAccount condition.`,
    needsWorkload: true,
  },
  check({ analysis }) {
    const out: RawFinding[] = [];
    for (const ra of analysis.roles) {
      if (ra.kind !== 'execution-role' && ra.kind !== 'execution-and-task-role') continue;
      const role = ra.linked.role;
      if (!role.trust) continue;
      const statements = assumeStatements(role);
      const workloads = ra.executionOf.map((td) => td.id);
      const admits = statements.some((s) => (s.principals ?? []).some((p) => isService(p, ECS_TASKS)));
      if (!admits && !statements.some((s) => (s.principals ?? []).some((p) => hasToken(p.value)))) {
        out.push({
          rule: 'trust-principal',
          severity: 'error',
          message: `role ${roleLabel(ra)} is the execution role of ${workloads.length} task definition${workloads.length === 1 ? '' : 's'} but its trust policy does not admit ${ECS_TASKS}: the tasks cannot start`,
          role: ra,
          workloads,
          actions: ['sts:AssumeRole'],
          resources: [],
          loc: role.trust.loc,
        });
      }
      for (const s of statements) {
        for (const p of [...(s.principals ?? []), ...(s.notPrincipals ?? [])]) {
          if (isService(p, ECS_TASKS) || hasToken(p.value)) continue;
          const negated = (s.notPrincipals ?? []).includes(p);
          // Any other principal can obtain the credentials: another service (ec2.amazonaws.com makes
          // them reachable from every instance profile), an account, or everyone (domain.md M8).
          out.push({
            rule: 'trust-principal',
            severity: 'error',
            message:
              `the trust policy of execution role ${roleLabel(ra)} also admits ${negated ? 'every principal except ' : ''}${p.type === '*' ? '"*"' : `${p.type} ${display(p.value)}`}` +
              `: it can obtain the role's credentials and read every secret and image the role can; only ${ECS_TASKS} should assume an execution role`,
            role: ra,
            workloads,
            actions: ['sts:AssumeRole'],
            resources: [],
            loc: p.loc,
          });
        }
      }
    }
    return out;
  },
};
