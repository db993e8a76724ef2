// The rules whose findings are raised while reading and linking (a malformed policy, an unknown
// action, a reference the scan cannot resolve, a task definition AWS would reject). Each keeps its
// own metadata; their check hands on the diagnostics with its id.
import type { Diagnostic } from '../model.js';
import type { RawFinding, Rule, RuleContext, RuleMeta } from './rule.js';

function fromDiagnostics(meta: RuleMeta): Rule {
  return {
    meta,
    check({ inventory, linked, analysis }: RuleContext): RawFinding[] {
      const all: Diagnostic[] = [...inventory.diagnostics, ...linked.diagnostics, ...analysis.diagnostics];
      const byId = new Map(analysis.roles.map((ra) => [ra.linked.role.id, ra]));
      return all
        .filter((d) => d.rule === meta.id)
        .map((d) => ({ rule: d.rule, severity: d.severity, message: d.message, role: d.roleId ? byId.get(d.roleId) : undefined, loc: d.loc }));
    },
  };
}

export const unknownAction = fromDiagnostics({
  id: 'unknown-action',
  title: 'Action or service that AWS does not know',
  severity: 'error',
  description:
    'An Action or NotAction entry names a service prefix or action that is not in the IAM action catalog (usually a typo). IAM accepts the policy but the entry matches nothing, so the permission it was meant to grant is missing — or, in NotAction, the exclusion it was meant to make is not made.',
  help: 'Correct the spelling (the message suggests the closest known action) or remove the entry.',
  needsWorkload: false,
});

export const invalidPolicy = fromDiagnostics({
  id: 'invalid-policy',
  title: 'Policy document that IAM would reject or misread',
  severity: 'error',
  description:
    'The policy document breaks the IAM policy grammar: a missing or unknown Version, Effect other than Allow/Deny, both or neither of Action/NotAction or Resource/NotResource, a Principal in an identity policy, a duplicate Sid, a malformed Condition, characters IAM does not accept, or a document over the size quota.',
  help: 'Fix the element named in the message; see the IAM JSON policy grammar.',
  needsWorkload: false,
});

export const unresolvedReference = fromDiagnostics({
  id: 'unresolved-reference',
  title: 'Reference the scan could not resolve',
  severity: 'warning',
  description:
    'A managed policy, role, CloudFormation reference or value could not be resolved from the scanned files and the bundled AWS managed policy snapshot. The analysis of what depends on it is incomplete: rolefit reports what it cannot verify instead of guessing.',
  help: 'Scan the files that define the reference together (a directory), or check the name for a typo. Notes name values that are only known at deployment.',
  needsWorkload: false,
});

export const invalidInput = fromDiagnostics({
  id: 'invalid-input',
  title: 'Input that AWS would reject',
  severity: 'error',
  description:
    'A task definition or template value that AWS rejects or that makes the task fail to start: a malformed secret reference, an awslogs-create-group value that is not a boolean, an S3 FireLens configuration on Fargate, a missing required field.',
  help: 'Fix the value named in the message.',
  needsWorkload: false,
});

export const incompleteScan = fromDiagnostics({
  id: 'incomplete-scan',
  title: 'Part of the account could not be read',
  severity: 'warning',
  description:
    'A live scan (or the inventory it collected) could not read part of the account: a call was denied, throttled past its retries or failed (a region where the scanner has no access, a cluster deleted while it was read). The rest was scanned, and the summary says the result is partial: roles and workloads in what could not be read are neither reported nor cleared.',
  help: 'Grant the scanner the read-only policy in the README (the message names the call), or scan the regions it may read; then scan again.',
  needsWorkload: false,
});
