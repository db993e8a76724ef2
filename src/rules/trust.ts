// Reading trust policies: which principals a role's trust admits for sts:AssumeRole.
import type { Principal, Role, Statement } from '../model.js';
import { actionPatternMatches } from '../iam/actions.js';

export const ECS_TASKS = 'ecs-tasks.amazonaws.com';
export const EKS_FARGATE_PODS = 'eks-fargate-pods.amazonaws.com';

/** The ways to obtain a role's credentials: plain, through an OIDC provider, through SAML. */
const ASSUME_ACTIONS = ['sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity', 'sts:AssumeRoleWithSAML'];

/** Allow statements of the trust policy that let someone obtain the role's credentials. */
export function assumeStatements(role: Role): Statement[] {
  return (role.trust?.statements ?? []).filter(
    (s) => s.effect === 'Allow' && (s.actions ?? []).some((a) => ASSUME_ACTIONS.some((x) => actionPatternMatches(a, x))),
  );
}

export function isService(p: Principal, service: string): boolean {
  return p.type === 'Service' && (p.value === service || p.value === `${service}.cn`);
}

/** The service principals the role's uses require: ECS tasks for execution roles, EKS Fargate for pod execution roles. */
export function requiredServices(ra: { kind: string; podExecutionOf: unknown[] }): string[] {
  const out: string[] = [];
  if (ra.kind === 'execution-role' || ra.kind === 'execution-and-task-role') out.push(ECS_TASKS);
  if (ra.podExecutionOf.length > 0) out.push(EKS_FARGATE_PODS);
  return out;
}

/** Operators whose aws:SourceArn condition ties a service's request to given resources (IfExists ones do not). */
export const SOURCE_ARN_OPS = /^(ArnLike|ArnEquals|StringLike|StringEquals)$/i;
