// excess-action: an action the role grants that no need of its workloads uses. Only execution
// roles are judged (their needs are known from the task definitions); a role that is also a task
// role may serve the application, so shared-role reports it instead.
import { display } from '../model.js';
import type { RawFinding, Rule } from './rule.js';
import { actionNames, brief, groupByStatement, isWriteLevel, mayBeContainerNeed, readsData, roleLabel, siblingGrant, statementLabel, statementLoc, unknownNeeds, worstLevel } from './util.js';
import { effectiveGrants } from './grants.js';

const BASELINES = new Set(['AmazonECSTaskExecutionRolePolicy', 'AmazonEC2ContainerRegistryPullOnly', 'AmazonEKSFargatePodExecutionRolePolicy']);

/** Pods never act with the pod execution role: a common and harmful misconception. */
export const POD_GUIDANCE =
  'containers in the pods cannot use the pod execution role: pods get their own permissions through IRSA or EKS Pod Identity, so this only widens what the Fargate infrastructure holds';

/** Services whose permissions an execution role never uses but a task role does (FireLens outputs, ECS Exec, …). */
const TASK_ROLE_SERVICES = new Set(['ssmmessages', 'xray', 'appmesh', 'firehose', 'kinesis', 'es', 'elasticfilesystem']);

export const excessAction: Rule = {
  meta: {
    id: 'excess-action',
    title: 'Action granted that no workload uses',
    severity: 'error',
    description:
      'The execution role grants actions that none of the task definitions using it needs (for a pod execution role: that neither the image pulls of the pods its Fargate profiles select nor the log router outputs need). The ECS agent only pulls images, writes logs and reads the secrets, parameters and files the task definition names; anything else widens what a compromise of the role exposes. Unused write or permissions-management actions and unused data reads (secrets, parameters, KMS decrypt, S3 objects) are errors; other read, list and tagging actions are warnings, and so are the unused actions of AWS\'s own baseline policies (AmazonECSTaskExecutionRolePolicy, AmazonEC2ContainerRegistryPullOnly).',
    help: 'Remove the actions from the statement (or detach the policy); the suggested policy lists what the workloads need. Permissions the application uses belong on the task role; on EKS, in an IRSA or EKS Pod Identity role.',
    needsWorkload: true,
  },
  check({ analysis }) {
    const out: RawFinding[] = [];
    for (const ra of analysis.roles) {
      const pod = ra.kind === 'pod-execution-role';
      // A node role reused as pod execution role: its node permissions are in use; shared-role says it.
      if ((ra.kind !== 'execution-role' && !pod) || ra.alsoNodeRole) continue;
      const needed = new Set(ra.needs.map((n) => n.action.toLowerCase()));
      // A look-alike granted in place of a needed action (ssm:GetParameter for GetParameters) is
      // reported by missing-permission at the same statement, not twice.
      const nearMisses = new Set(ra.verdicts.filter((v) => v.decision.decision !== 'allowed').map((v) => siblingGrant(ra, v.need)));
      const excess = effectiveGrants(ra).filter((g) => !needed.has(g.action.full.toLowerCase()) && !nearMisses.has(g));
      // With a task whose containers are not determined, what a container may need is not excess
      // for certain (a note, reported apart); anything else is.
      const unknownWhy = unknownNeeds(ra);
      const uncertain = unknownWhy ? excess.filter((g) => mayBeContainerNeed(g.action.full)) : [];
      const groups: Array<ReturnType<typeof groupByStatement>[number] & { unknown?: string }> = [
        ...groupByStatement(excess.filter((g) => !uncertain.includes(g))),
        ...groupByStatement(uncertain).map((g) => ({ ...g, unknown: unknownWhy })),
      ];
      for (const { policy, statement, grants, unknown } of groups) {
        const actions = actionNames(grants);
        const level = worstLevel(grants);
        const taskRoleOnes = actions.filter((a) => TASK_ROLE_SERVICES.has(a.split(':')[0]));
        const conditional = grants.some((g) => g.conditional) ? ' (granted under a condition)' : '';
        const dataReads = actions.filter(readsData);
        // AWS's own baseline policies are what its documentation tells users to attach: their unused
        // pull and log actions are worth a warning, not a failed build (domain.md §1.3).
        const baseline = policy.kind === 'aws-managed' && BASELINES.has(policy.name);
        out.push({
          rule: 'excess-action',
          severity: unknown ? 'note' : dataReads.length > 0 || (isWriteLevel(level) && !baseline) ? 'error' : 'warning',
          message:
            `role ${roleLabel(ra)} grants ${actions.length} action${actions.length === 1 ? '' : 's'} its workloads never use${conditional}: ` +
            `${brief(actions)} (worst access level: ${level}), from ${statementLabel(policy, statement)}` +
            (dataReads.length ? `; ${brief(dataReads, 3)} read${dataReads.length === 1 ? 's' : ''} data ${pod ? 'the Fargate infrastructure never reads' : 'no task needs'}` : '') +
            (baseline ? `; ${policy.name} is AWS's baseline — replace it with the suggested policy` : '') +
            (pod
              ? `; ${POD_GUIDANCE}`
              : taskRoleOnes.length
                ? `; ${brief(taskRoleOnes, 3)} belong${taskRoleOnes.length === 1 ? 's' : ''} on the task role, not the execution role`
                : '') +
            (unknown ?? ''),
          role: ra,
          workloads: ra.workloads,
          actions,
          resources: [...(statement.resources ?? statement.notResources?.map((r) => `NotResource ${r}`) ?? [])].map(display),
          loc: statementLoc(ra, policy, statement),
        });
      }
    }
    return out;
  },
};
