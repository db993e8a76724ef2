// The grants the excess rules judge: actions a statement can really grant. A wildcard-only action
// (no resource type, e.g. ecr:GetAuthorizationToken) is granted only by Resource "*", so `ecr:*`
// on a repository ARN does not grant it and is not reported as granting it.
import type { RoleAnalysis } from '../analyze.js';
import type { Grant } from '../iam/evaluate.js';

export function effectiveGrants(ra: RoleAnalysis): Grant[] {
  return ra.grants().filter((g) => !g.action.wildcardOnly || g.notResources !== undefined || (g.resources ?? []).includes('*'));
}
