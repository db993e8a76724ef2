// The rule catalogue, in the order findings are reported within a location.
import type { Rule, RuleMeta } from './rule.js';
import { missingPermission } from './missing-permission.js';
import { excessAction } from './excess-action.js';
import { excessResource } from './excess-resource.js';
import { trustPrincipal } from './trust-principal.js';
import { trustConfusedDeputy } from './trust-confused-deputy.js';
import { sharedRole } from './shared-role.js';
import { privilegeEscalation } from './privilege-escalation.js';
import { unknownAction, invalidPolicy, unresolvedReference, invalidInput, incompleteScan } from './diagnostics.js';
import { SUPPRESSION_RULES } from '../suppress/rules.js';

export const RULES: Rule[] = [
  missingPermission,
  excessAction,
  excessResource,
  trustPrincipal,
  trustConfusedDeputy,
  sharedRole,
  privilegeEscalation,
  unknownAction,
  invalidPolicy,
  unresolvedReference,
  invalidInput,
  incompleteScan,
];

/** Every rule's metadata: the checks above, then the rules of the suppression stage (src/suppress/). */
export const RULE_METAS: RuleMeta[] = [...RULES.map((r) => r.meta), ...SUPPRESSION_RULES];
