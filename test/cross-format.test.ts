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
