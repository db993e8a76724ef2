// missing-permission: a need of the role's workloads that its effective grant does not cover.
// The task would fail to start, so this is an error; where the verdict hangs on a value the
// input does not determine, it is a note that says what could not be verified.
import { display, tokenNames, type Need } from '../model.js';
import type { RoleAnalysis, NeedVerdict } from '../analyze.js';
import type { RawFinding, Rule } from './rule.js';
import { formatLoc, roleLabel, siblingGrant, statementLabel } from './util.js';
import { sourceArnMismatches } from './fargate-source-arn.js';

export const missingPermission: Rule = {
  meta: {
    id: 'missing-permission',
    title: 'Permission the workload needs is not granted',
    severity: 'error',
    description:
      'A task definition or Fargate profile that uses this role needs an action on a resource (an ECR image pull, a log stream, a secret, a parameter, a KMS key, an S3 environment file, a log router output) that the role does not grant, or that a Deny or the permissions boundary removes; or the trust policy of a pod execution role pins aws:SourceArn to other clusters or regions than its profiles. The task or pod fails to start.',
    help: 'Grant the action on the resource named in the finding (the suggested policy shows the least-privilege statement), or fix the resource ARN of the statement that was meant to grant it.',
    needsWorkload: true,
  },
  check({ analysis }) {
    const out: RawFinding[] = [];
    for (const ra of analysis.roles) {
      for (const group of groupVerdicts(ra.verdicts)) out.push(...judge(ra, group));
      out.push(...sourceArnMismatches(ra));
    }
    for (const { td, needs, reason } of analysis.orphanWorkloads) {
      if (reason !== 'no-role') continue;
      // Without an execution role, the EC2 launch type pulls images and ships awslogs with the
      // container instance role: that is the documented setup. Secrets and the rest still need one.
      const required = needs.filter((n) => !n.optional && !n.mayUseInstanceRole);
      if (required.length === 0) continue;
      const actions = [...new Set(required.map((n) => n.action))].sort();
      // Without requiresCompatibilities the definition may still run on EC2, where the instance
      // role pulls images and ships logs: only Fargate (or another launch type) would fail.
      const launchTypeOpen = td.requiresCompatibilities.length === 0 && required.every((n) => /^(ecr|logs):/.test(n.action));
      out.push({
        rule: 'missing-permission',
        severity: launchTypeOpen ? 'warning' : 'error',
        message:
          `task definition ${display(td.family ?? td.id)} has no execution role, but its containers need ${actions.join(', ')} ` +
          `(${[...new Set(required.map((n) => n.reason))].slice(0, 3).join('; ')}); ` +
          (launchTypeOpen
            ? 'it cannot start on Fargate (on EC2 the container instance role supplies them; set requiresCompatibilities to say which)'
            : 'the task cannot start'),
        workloads: [td.id],
        actions,
        resources: [...new Set(required.map((n) => display(n.resource)))],
        loc: td.loc,
      });
    }
    return out;
  },
};

/** Needs with the same resource, reason and outcome become one finding listing their actions. */
function groupVerdicts(verdicts: NeedVerdict[]): NeedVerdict[][] {
  const groups = new Map<string, NeedVerdict[]>();
  for (const v of verdicts) {
    if (v.need.optional || v.decision.decision === 'allowed') continue;
    const key = [v.need.resource, v.need.reason, v.decision.decision, v.need.loc.file, v.need.loc.line].join('\u0001');
    const list = groups.get(key);
    if (list) list.push(v);
    else groups.set(key, [v]);
  }
  return [...groups.values()];
}

function judge(ra: RoleAnalysis, group: NeedVerdict[]): RawFinding[] {
  const first = group[0];
  const need: Need = first.need;
  const decision = first.decision.decision;
  const actions = [...new Set(group.map((v) => v.need.action))].sort();
  const workloads = [...new Set(group.map((v) => v.need.workload))];
  const resource = display(need.resource);
  const role = roleLabel(ra);
  const why = `needed by ${need.reason}`;
  const whereNeeded = ` (${formatLoc(need.loc)})`;
  const base = { rule: 'missing-permission', role: ra, workloads, actions, resources: [resource] };

  // A statement that names the action but not this resource is usually the one to fix.
  const nearMiss = first.decision.matches.find((m) => m.statement.effect === 'Allow' && !m.boundary && m.actionMatched && m.resourceMatched === 'no');
  const failedCondition = first.decision.matches.find(
    (m) => m.statement.effect === 'Allow' && !m.boundary && m.actionMatched && m.resourceMatched === 'yes' && m.conditions === 'no',
  );
  const denial = first.decision.matches.find((m) => m.statement.effect === 'Deny' && m.actionMatched && m.resourceMatched !== 'no' && m.conditions !== 'no');

  if (need.assumed) {
    // An assumed need (the images are not known): only a role that cannot do it at all is worth
    // saying, and then as a warning, since the assumption may not hold.
    if (decision !== 'not-allowed' && decision !== 'denied') return [];
    return [
      {
        ...base,
        severity: 'warning',
        message: `role ${role} does not allow ${actions.join(', ')}${need.resource === '*' ? '' : ' on any ECR repository'}, ${why}: ${need.assumed}; if any of them is a private ECR image, the pods cannot start`,
        loc: need.loc,
      },
    ];
  }

  if (decision === 'unknown' || (ra.linked.incomplete.length > 0 && decision === 'not-allowed')) {
    // Name what the verdict hangs on: unknown values in the need or in the statements that may
    // grant it, condition keys the request context does not determine, unresolved policies.
    const statementValues = first.decision.matches.flatMap((m) => [...(m.statement.actions ?? []), ...(m.statement.notActions ?? []), ...(m.statement.resources ?? []), ...(m.statement.notResources ?? [])]);
    // When nothing the scan sees could grant it, only the unresolved policies matter.
    const onlyIncomplete = decision === 'not-allowed';
    const values = onlyIncomplete
      ? []
      : [
          ...new Set([
            ...[need.resource, ...statementValues].flatMap(tokenNames).map((t) => '${' + t.replace(/@.*$/, '') + '}'),
            ...first.decision.unknownKeys.map((k) => `condition key ${k}`),
            ...(need.oneOf ? ['the full ARN of the secret (its random suffix)'] : []),
          ]),
        ];
    const reasons = [...(values.length ? [`it depends on ${values.join(', ')}`] : []), ...ra.linked.incomplete];
    return [
      {
        ...base,
        severity: 'note',
        message: `cannot verify that role ${role} allows ${actions.join(', ')} on ${resource}, ${why}: ${reasons.length ? reasons.join('; ') : 'it depends on values the input does not determine'}`,
        loc: need.loc,
      },
    ];
  }

  const instance = need.mayUseInstanceRole;
  let detail: string;
  let loc = need.loc;
  if (decision === 'denied' && denial) {
    detail = `${statementLabel(denial.policy, denial.statement)} denies it`;
    loc = denial.statement.loc;
  } else if (first.decision.blockedByBoundary) {
    detail = 'the permissions boundary does not allow it';
    if (ra.linked.role.boundary) loc = ra.linked.role.boundary.arn.loc;
  } else if (failedCondition) {
    const keys = failedCondition.statement.conditions.map((c) => c.key);
    detail = `${statementLabel(failedCondition.policy, failedCondition.statement)} grants it only under a condition the ECS agent's request does not meet (${[...new Set(keys)].join(', ')})${conditionHint(need, keys)}`;
    if (failedCondition.policy.kind !== 'aws-managed') loc = failedCondition.statement.loc;
  } else if (nearMiss) {
    const granted = (nearMiss.statement.resources ?? []).map(display);
    detail = `${statementLabel(nearMiss.policy, nearMiss.statement)} grants it only on ${granted.join(', ')}${hint(need, granted)}`;
    if (nearMiss.policy.kind !== 'aws-managed') loc = nearMiss.statement.loc;
  } else {
    const sibling = siblingGrant(ra, need);
    if (sibling) {
      detail = `${statementLabel(sibling.policy, sibling.statement)} grants ${sibling.action.full}, but ECS calls ${need.action}`;
      if (sibling.policy.kind !== 'aws-managed') loc = sibling.statement.loc;
    } else {
      detail = 'no statement grants it';
    }
  }
  return [
    {
      ...base,
      severity: instance ? 'warning' : 'error',
      message:
        `role ${role} does not allow ${actions.join(', ')} on ${resource}, ${why}${loc === need.loc ? '' : whereNeeded}: ${detail}` +
        (instance ? '; on the EC2 launch type the container instance role may supply it' : `; ${consequence(ra, need)}`),
      loc,
    },
  ];
}

/** What fails without the permission: the task, or for a Fargate profile the pods or their logs. */
function consequence(ra: RoleAnalysis, need: Need): string {
  if (!ra.podExecutionOf.some((p) => p.id === need.workload)) return 'the task will fail to start';
  return need.action.startsWith('ecr:') ? 'the pods will fail to start' : "the Fargate log router cannot ship the pods' logs";
}

/** Conditions that can never hold for the agent's call (domain.md §1.5 item 11, M17). */
function conditionHint(need: Need, keys: string[]): string {
  if (need.action === 'ecr:GetAuthorizationToken' && keys.some((k) => /^aws:sourcevpce?$/i.test(k))) {
    return ': on Fargate this call goes through an AWS-owned network interface, so it never carries aws:SourceVpce or aws:SourceVpc — do not condition ecr:GetAuthorizationToken on them';
  }
  return '';
}


/** The classic mistakes behind a near miss, named so the user recognises them. */
function hint(need: Need, granted: string[]): string {
  if (need.resource.includes(':log-stream:') && granted.some((g) => /:log-group:[^:*]+$/.test(g))) {
    return ' (a log-group ARN without ":*" does not cover its log streams)';
  }
  if (need.action === 'logs:CreateLogGroup' && granted.some((g) => g.endsWith(':*'))) {
    return ' (CreateLogGroup is authorized on the log-group ARN without ":*")';
  }
  if (need.action === 'secretsmanager:GetSecretValue' && granted.some((g) => g.split(':').length === 10)) {
    return ' (IAM authorizes the secret ARN itself: drop the JSON-key/version-stage/version-id suffix of valueFrom)';
  }
  if (need.action === 'secretsmanager:GetSecretValue' && granted.some((g) => /:secret:[^*?]+$/.test(g) && !/-[A-Za-z0-9]{6}$/.test(g))) {
    return ' (a secret ARN without its random suffix matches nothing: use "<name>-??????")';
  }
  if (need.action === 'kms:Decrypt' && granted.some((g) => g.includes(':alias/'))) {
    return ' (alias ARNs in Resource do not authorize use of the key: name the key ARN)';
  }
  return '';
}
