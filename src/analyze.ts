// Analysis: for each role, the workloads that use it, what they need, and how its effective grant
// answers each need. Rules read this; they do not evaluate IAM themselves.
import { display, type Diagnostic, type Inventory, type Need, type TaskDefinition } from './model.js';
import type { Linked, LinkedRole } from './link/roles.js';
import { decide, grants, type Decision, type Grant, type PolicySet } from './iam/evaluate.js';
import { executionRoleNeeds } from './needs/execution-role.js';
import type { RoleKind } from './report/types.js';

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
  policySet: PolicySet;
  needs: Need[];
  verdicts: NeedVerdict[];
  /** Every concrete action the role's policies grant (lazily computed: NotAction expands the catalog). */
  grants(): Grant[];
  /** Why needs may be unknown: values the input does not determine. */
  unknownNeeds: string[];
}

export interface Analysis {
  roles: RoleAnalysis[];
  /** Task definitions whose execution role is not in the scan, or that have none. */
  orphanWorkloads: Array<{ td: TaskDefinition; needs: Need[]; reason: 'no-role' | 'role-not-in-scan' }>;
  diagnostics: Diagnostic[];
}

export function analyze(inv: Inventory, linked: Linked): Analysis {
  const diagnostics: Diagnostic[] = [];
  const exec = new Map<LinkedRole, TaskDefinition[]>();
  const task = new Map<LinkedRole, TaskDefinition[]>();
  const needsOf = new Map<TaskDefinition, Need[]>();
  const orphanWorkloads: Analysis['orphanWorkloads'] = [];

  for (const td of inv.taskDefinitions) {
    const derived = executionRoleNeeds(td, inv);
    diagnostics.push(...derived.diagnostics);
    needsOf.set(td, derived.needs);
    if (!td.executionRole) {
      orphanWorkloads.push({ td, needs: derived.needs, reason: 'no-role' });
    } else {
      const lr = linked.findRole(td.executionRole.value);
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

  const roles = linked.roles.map((lr): RoleAnalysis => {
    const executionOf = exec.get(lr) ?? [];
    const taskRoleOf = task.get(lr) ?? [];
    const kind: RoleKind =
      executionOf.length && taskRoleOf.length ? 'execution-and-task-role' : executionOf.length ? 'execution-role' : taskRoleOf.length ? 'task-role' : 'unused';
    const policySet: PolicySet = { identity: lr.identity, boundary: lr.boundary };
    const needs = executionOf.flatMap((td) => needsOf.get(td) ?? []);
    const verdicts = needs.map((need) => ({
      need,
      decision: decide(policySet, need.action, need.resource, { keys: contextOf(need) }),
    }));
    let cached: Grant[] | undefined;
    return {
      linked: lr,
      kind,
      executionOf,
      taskRoleOf,
      policySet,
      needs,
      verdicts,
      grants: () => (cached ??= grants(policySet)),
      unknownNeeds: [],
    };
  });
  return { roles, orphanWorkloads, diagnostics };
}

function contextOf(need: Need): Record<string, string[]> {
  const keys: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(need.context ?? {})) keys[k] = Array.isArray(v) ? v : [v];
  return keys;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
