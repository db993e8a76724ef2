// Analysis: for each role, the workloads that use it, what they need, and how its effective grant
// answers each need. Rules read this; they do not evaluate IAM themselves.
import { display, type Diagnostic, type FargateProfile, type Inventory, type Need, type TaskDefinition } from './model.js';
import type { Linked, LinkedRole } from './link/roles.js';
import { decide, grants, type Decision, type Grant, type PolicySet } from './iam/evaluate.js';
import { parseArn, resourceOverlaps } from './iam/arn.js';
import { executionRoleNeeds } from './needs/execution-role.js';
import type { RoleKind } from './report/types.js';
import { analyzeFargate } from './fargate-analysis.js';

export interface NeedVerdict {
  need: Need;
  decision: Decision;
}

export interface RoleAnalysis {
  linked: LinkedRole;
  kind: RoleKind;
  /** Task definitions using the role as execution role. */
  executionOf: TaskDefinition[];
  /** Task definitions using the role as task role. */
  taskRoleOf: TaskDefinition[];
  /** Fargate profiles using the role as pod execution role. */
  podExecutionOf: FargateProfile[];
  /** Ids of the workloads whose needs the role serves (task definitions, Fargate profiles). */
  workloads: string[];
  /** Why the needs are not fully known (beside the unresolved policies of `linked.incomplete`). */
  unknowns: string[];
  /** Also an EKS node-group (instance) role: what the nodes use is not judged as excess (shared-role says it). */
  alsoNodeRole: boolean;
  policySet: PolicySet;
  needs: Need[];
  verdicts: NeedVerdict[];
  /** Every concrete action the role's policies grant (lazily computed: NotAction expands the catalog). */
  grants(): Grant[];
}

export interface Analysis {
  roles: RoleAnalysis[];
  /** Task definitions whose execution role is not in the scan, or that have none. */
  orphanWorkloads: Array<{ td: TaskDefinition; needs: Need[]; reason: 'no-role' | 'role-not-in-scan' }>;
  diagnostics: Diagnostic[];
}

/** `extraNeeds`: needs of a role that the scan cannot see (the configuration's `needs:`). */
export function analyze(inv: Inventory, linked: Linked, extraNeeds?: (lr: LinkedRole) => Need[]): Analysis {
  const diagnostics: Diagnostic[] = [];
  const exec = new Map<LinkedRole, TaskDefinition[]>();
  const task = new Map<LinkedRole, TaskDefinition[]>();
  const needsOf = new Map<TaskDefinition, Need[]>();
  const orphanWorkloads: Analysis['orphanWorkloads'] = [];

  for (const td of inv.taskDefinitions) {
    const derived = executionRoleNeeds(td, inv);
    needsOf.set(td, derived.needs);
    const role = td.executionRole && linked.findRole(td.executionRole.value);
    // What the needs stage could not determine concerns the role that must grant it.
    diagnostics.push(...derived.diagnostics.map((d) => (role && !d.roleId ? { ...d, roleId: role.role.id } : d)));
    if (!td.executionRole) {
      orphanWorkloads.push({ td, needs: derived.needs, reason: 'no-role' });
    } else {
      const lr = role;
      if (lr) push(exec, lr, td);
      else {
        orphanWorkloads.push({ td, needs: derived.needs, reason: 'role-not-in-scan' });
        diagnostics.push({
          rule: 'unresolved-reference',
          severity: 'note',
          message: `execution role ${display(td.executionRole.value)} of task definition ${display(td.family ?? td.id)} is not defined in the scanned files; its permissions were not checked`,
          loc: td.executionRole.loc,
        });
      }
    }
    if (td.taskRole) {
      const lr = linked.findRole(td.taskRole.value);
      if (lr) push(task, lr, td);
    }
  }

  const fargate = analyzeFargate(inv, linked);
  diagnostics.push(...fargate.diagnostics);

  const roles = linked.roles.map((lr): RoleAnalysis => {
    const executionOf = exec.get(lr) ?? [];
    const taskRoleOf = task.get(lr) ?? [];
    const podExecutionOf = fargate.profilesOf.get(lr) ?? [];
    const kind: RoleKind =
      executionOf.length && taskRoleOf.length
        ? 'execution-and-task-role'
        : executionOf.length
          ? 'execution-role'
          : taskRoleOf.length
            ? 'task-role'
            : podExecutionOf.length
              ? 'pod-execution-role'
              : 'unused';
    const policySet: PolicySet = { identity: lr.identity, boundary: lr.boundary };
    const needs = [
      ...executionOf.flatMap((td) => needsOf.get(td) ?? []),
      ...podExecutionOf.flatMap((p) => fargate.needsOf.get(p) ?? []),
      ...(extraNeeds?.(lr) ?? []),
    ];
    const verdicts = needs.map((need) => {
      const ctx = { keys: { ...sessionContext(lr, need), ...contextOf(need) } };
      return { need, decision: oneOf(need, decide(policySet, need.action, need.resource, ctx)) };
    });
    let cached: Grant[] | undefined;
    return {
      linked: lr,
      kind,
      executionOf,
      taskRoleOf,
      podExecutionOf,
      workloads: [...executionOf.map((td) => td.id), ...podExecutionOf.map((p) => p.id)],
      unknowns: [
        ...new Set(podExecutionOf.flatMap((p) => fargate.unknownsOf.get(p) ?? [])),
        ...executionOf.filter((td) => td.containersUnknown).map((td) => `${containersUnknown(td)}, so what it needs is not known`),
      ],
      alsoNodeRole: fargate.nodeRoles.has(lr),
      policySet,
      needs,
      verdicts,
      grants: () => (cached ??= grants(policySet)),
    };
  });
  return { roles, orphanWorkloads, diagnostics };
}

/** Why a task definition's needs are not known (its container definitions are not determined). */
export function containersUnknown(td: TaskDefinition): string {
  return `the containers of task definition ${display(td.id)} are not fully determined`;
}

/**
 * What the agent's session with the role is known to carry (domain.md §4.4, §4.5): the role as
 * principal, the region the call goes to, TLS, and no IAM user name (role sessions have none).
 */
function sessionContext(lr: LinkedRole, need: Need): Record<string, string[]> {
  // The ECS agent and the Fargate infrastructure call AWS APIs over TLS only: a guardrail Deny on
  // aws:SecureTransport = false never applies to them.
  const keys: Record<string, string[]> = { 'aws:PrincipalArn': [lr.role.arn], 'aws:username': [], 'aws:SecureTransport': ['true'] };
  const account = parseArn(lr.role.arn)?.account;
  if (account) keys['aws:PrincipalAccount'] = [account];
  const region = need.resource === '*' ? undefined : parseArn(need.resource)?.region;
  if (region && !/[*?]/.test(region)) keys['aws:RequestedRegion'] = [region];
  return keys;
}

/**
 * A need that stands for one resource of unknown full name (a secret without its suffix): a grant
 * on part of the pattern may be exactly that resource, so "not allowed" is only "cannot verify".
 */
function oneOf(need: Need, d: Decision): Decision {
  if (!need.oneOf || d.decision !== 'not-allowed' || d.blockedByBoundary) return d;
  const partial = d.matches.some(
    (m) => m.statement.effect === 'Allow' && !m.boundary && m.actionMatched && m.conditions !== 'no' && (m.statement.resources ?? []).some((r) => resourceOverlaps(r, need.resource) !== 'no'),
  );
  return partial ? { ...d, decision: 'unknown' } : d;
}

/** A need's known request context in the evaluator's form (every value a list). */
export function contextOf(need: Need): Record<string, string[]> {
  const keys: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(need.context ?? {})) keys[k] = Array.isArray(v) ? v : [v];
  return keys;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
