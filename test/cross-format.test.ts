// The same infrastructure written as a CloudFormation template and as an IAM dump plus a
// DescribeTaskDefinition JSON must give the same roles, needs and findings. Only locations and
// ids differ, and the template's own deployment context (its pseudo parameters), which is
// substituted with the account and region the dump describes.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { scan } from '../src/scan.js';
import type { Report } from '../src/report/types.js';

const data = join(import.meta.dirname, 'data', 'cross-format');
const CONTEXT: Record<string, string> = { '${AWS::Partition}': 'aws', '${AWS::Region}': 'us-east-1', '${AWS::AccountId}': '111122223333' };
const EKS_CONTEXT: Record<string, string> = { ...CONTEXT, '${AWS::Region}': 'eu-west-1' };

function normalise(report: Report, context = CONTEXT) {
  const deploy = (s: string) => Object.entries(context).reduce((acc, [k, v]) => acc.split(k).join(v), s);
  return {
    roles: report.roles.map((r) => ({
      name: r.name,
      arn: deploy(r.arn),
      kind: r.kind,
      needs: r.needs.map((n) => [n.action, deploy(n.resource), n.optional ?? false]).sort(),
      suggestedPolicy: JSON.parse(deploy(JSON.stringify(r.suggestedPolicy))),
    })),
    findings: report.findings
      .map((f) => ({ rule: f.rule, severity: f.severity, role: f.role?.name, actions: f.actions, resources: f.resources.map(deploy) }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
  };
}

describe('cross-format equivalence', () => {
  const cfn = scan({ paths: ['cloudformation'], cwd: data });
  const dump = scan({ paths: ['iam-dump'], cwd: data });

  it('finds the same problems in both forms', () => {
    expect(normalise(cfn)).toEqual(normalise(dump));
  });

  it('is not trivially equal: the scenario has findings of several rules', () => {
    const rules = new Set(dump.findings.map((f) => f.rule));
    expect([...rules].sort()).toEqual(['excess-action', 'excess-resource', 'missing-permission', 'trust-confused-deputy', 'trust-principal']);
  });
});

describe('cross-format equivalence of EKS Fargate (CloudFormation vs eksctl + IAM dump, same manifests)', () => {
  const eks = join(import.meta.dirname, 'data', 'cross-format-eks');
  const cfn = scan({ paths: ['cloudformation', 'k8s'], cwd: eks });
  const eksctl = scan({ paths: ['eksctl-dump', 'k8s'], cwd: eks });

  it('finds the same problems in both forms', () => {
    expect(normalise(cfn, EKS_CONTEXT)).toEqual(normalise(eksctl, EKS_CONTEXT));
  });

  it('is not trivially equal', () => {
    const rules = new Set(eksctl.findings.map((f) => f.rule));
    expect([...rules].sort()).toEqual(['excess-action', 'excess-resource', 'missing-permission', 'privilege-escalation', 'shared-role', 'trust-confused-deputy', 'trust-principal', 'unresolved-reference']);
    expect(eksctl.roles.every((r) => r.kind === 'pod-execution-role')).toBe(true);
  });
});

// The orders-api service of fixtures/: Terraform configuration, its plan and CloudFormation. The
// configuration leaves the account and partition symbolic (data sources), the template its pseudo
// parameters, and the plan knows them all, including the secret's real ARN (the others know only
// its name, hence the pattern `-??????`). The registry module the configuration calls is reported
// as unresolved only there: the plan already holds its resources, and the template has no such call.
describe('cross-format equivalence: Terraform configuration, plan and CloudFormation', () => {
  const fixtures = join(import.meta.dirname, '..', 'fixtures');
  const TERRAFORM: Record<string, string> = { '${aws_partition}': 'aws', '${aws_account_id}': '111122223333', 'secret:orders-api/db-Qm3xZ1': 'secret:orders-api/db-??????' };
  const forms = {
    hcl: scan({ paths: ['terraform-ecs-service'], cwd: fixtures }),
    plan: scan({ paths: ['terraform-ecs-service-plan'], cwd: fixtures }),
    cfn: scan({ paths: ['terraform-ecs-service-cfn'], cwd: fixtures }),
  };
  const view = (report: Report) => {
    const n = normalise({ ...report, findings: report.findings.filter((f) => f.rule !== 'unresolved-reference') });
    const text = Object.entries(TERRAFORM).reduce((acc, [k, v]) => acc.split(k).join(v), JSON.stringify(n));
    return JSON.parse(text);
  };

  it('finds the same roles, needs and findings in the three forms', () => {
    expect(view(forms.plan)).toEqual(view(forms.hcl));
    expect(view(forms.cfn)).toEqual(view(forms.hcl));
  });

  it('is not trivially equal: the service has findings of several rules, and the configuration reports the registry module', () => {
    expect([...new Set(forms.hcl.findings.map((f) => f.rule))].sort()).toEqual(['excess-action', 'missing-permission', 'trust-confused-deputy', 'unresolved-reference']);
    expect(forms.hcl.roles.map((r) => r.needs.length)).toEqual([7]);
  });
});
