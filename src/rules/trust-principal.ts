// trust-principal: an execution role must be assumable by ECS tasks (a pod execution role by EKS
// Fargate) and by nobody else.
import { display, hasToken } from '../model.js';
import type { RawFinding, Rule } from './rule.js';
import { roleLabel } from './util.js';
import { ECS_TASKS, EKS_FARGATE_PODS, assumeStatements, isService, requiredServices } from './trust.js';

export const trustPrincipal: Rule = {
  meta: {
    id: 'trust-principal',
    title: 'Execution role trust admits the wrong principals',
    severity: 'error',
    description:
      `An ECS task execution role is assumed by the ECS agent through the service principal ${ECS_TASKS}; an EKS Fargate pod execution role by ${EKS_FARGATE_PODS}. A trust policy without it makes every task or pod using the role fail; a trust policy that also admits other principals (another service, an account, "*") lets them obtain the role's credentials and read what it can read.`,
    help: `Trust only {"Service": "${ECS_TASKS}"} (execution roles, with an aws:SourceAccount condition) or {"Service": "${EKS_FARGATE_PODS}"} (pod execution roles, with an aws:SourceArn condition on the cluster's Fargate profiles) for sts:AssumeRole.`,
    needsWorkload: true,
  },
  check({ analysis }) {
    const out: RawFinding[] = [];
    for (const ra of analysis.roles) {
      const services = requiredServices(ra);
      const role = ra.linked.role;
      if (services.length === 0 || !role.trust) continue;
      const statements = assumeStatements(role);
      const workloads = ra.workloads;
      const kindName = services.includes(ECS_TASKS) ? 'execution role' : 'pod execution role';
      const users = [
        ...(ra.executionOf.length ? [`the execution role of ${ra.executionOf.length} task definition${ra.executionOf.length === 1 ? '' : 's'}`] : []),
        ...(ra.podExecutionOf.length ? [`the pod execution role of ${ra.podExecutionOf.length} Fargate profile${ra.podExecutionOf.length === 1 ? '' : 's'}`] : []),
      ].join(' and ');
      const unknown = statements.some((s) => (s.principals ?? []).some((p) => hasToken(p.value)));
      for (const service of services) {
        const admits = statements.some((s) => (s.principals ?? []).some((p) => isService(p, service)));
        if (admits || unknown) continue;
        out.push({
          rule: 'trust-principal',
          severity: 'error',
          message: `role ${roleLabel(ra)} is ${users} but its trust policy does not admit ${service}: ${service === ECS_TASKS ? 'the tasks' : 'the pods'} cannot start`,
          role: ra,
          workloads,
          actions: ['sts:AssumeRole'],
          resources: [],
          loc: role.trust.loc,
        });
      }
      for (const s of statements) {
        for (const p of [...(s.principals ?? []), ...(s.notPrincipals ?? [])]) {
          if (services.some((svc) => isService(p, svc)) || hasToken(p.value)) continue;
          const negated = (s.notPrincipals ?? []).includes(p);
          // Any other principal can obtain the credentials: another service (ec2.amazonaws.com makes
          // them reachable from every instance profile), an account, or everyone (domain.md M8).
          out.push({
            rule: 'trust-principal',
            severity: 'error',
            message:
              `the trust policy of ${kindName} ${roleLabel(ra)} also admits ${negated ? 'every principal except ' : ''}${p.type === '*' ? '"*"' : `${p.type} ${display(p.value)}`}` +
              `: it can obtain the role's credentials and ${kindName === 'execution role' ? 'read every secret and image the role can' : 'pull every image and write to every log destination the role can'}; only ${services.join(' and ')} should assume ${kindName === 'execution role' ? 'an execution role' : 'a pod execution role'}`,
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
