// A pod execution role whose trust pins aws:SourceArn to other clusters or regions than those of
// the Fargate profiles using it: EKS cannot assume it for them, so profile creation and the pods
// fail (domain.md §2.3, M25). Reported by missing-permission: the role lacks what the profile needs.
import { display, type FargateProfile, type Statement } from '../model.js';
import { resourceOverlaps } from '../iam/arn.js';
import type { RoleAnalysis } from '../analyze.js';
import type { RawFinding } from './rule.js';
import { roleLabel } from './util.js';
import { EKS_FARGATE_PODS, SOURCE_ARN_OPS, assumeStatements, isService } from './trust.js';


/** The profile's ARN, its trailing id unknown until EKS creates it. */
export function fargateProfileArnPattern(p: FargateProfile): string {
  return `arn:${p.partition}:eks:${p.region}:${p.account}:fargateprofile/${p.cluster}/${p.name}/*`;
}

/** Can the statement's SourceArn conditions hold for a request on behalf of the profile? */
function admitsProfile(s: Statement, profileArn: string): boolean {
  return s.conditions
    .filter((c) => c.key.toLowerCase() === 'aws:sourcearn' && SOURCE_ARN_OPS.test(c.operator))
    .every((c) => c.values.some((v) => (literalOperator(c.operator) && /[*?]/.test(v) ? false : resourceOverlaps(v, profileArn) !== 'no')));
}

/**
 * StringEquals compares literally: a `*` in its value is a star, and no profile ARN has one (ArnEquals,
 * like ArnLike, takes wildcards).
 */
function literalOperator(op: string): boolean {
  return /^StringEquals$/i.test(op);
}

export function sourceArnMismatches(ra: RoleAnalysis): RawFinding[] {
  const statements = assumeStatements(ra.linked.role).filter((s) => (s.principals ?? []).some((p) => isService(p, EKS_FARGATE_PODS)));
  if (statements.length === 0) return [];
  const out: RawFinding[] = [];
  for (const profile of ra.podExecutionOf) {
    const arn = fargateProfileArnPattern(profile);
    if (statements.some((s) => admitsProfile(s, arn))) continue;
    const condition = statements.flatMap((s) => s.conditions).find((c) => c.key.toLowerCase() === 'aws:sourcearn');
    const values = statements.flatMap((s) => s.conditions.filter((c) => c.key.toLowerCase() === 'aws:sourcearn').flatMap((c) => c.values)).map(display);
    out.push({
      rule: 'missing-permission',
      severity: 'error',
      message:
        `the trust policy of role ${roleLabel(ra)} admits ${EKS_FARGATE_PODS} only for aws:SourceArn ${values.join(', ')}, which cannot match Fargate profile ${display(profile.name)} ` +
        `of cluster ${display(profile.cluster)} (${display(arn)}): EKS cannot assume the role for it, so the profile and its pods fail`,
      role: ra,
      workloads: [profile.id],
      actions: ['sts:AssumeRole'],
      resources: [display(arn)],
      loc: condition?.loc ?? statements[0].loc,
    });
  }
  return out;
}
