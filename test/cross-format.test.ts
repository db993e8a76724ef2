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

function normalise(report: Report) {
  const deploy = (s: string) => Object.entries(CONTEXT).reduce((acc, [k, v]) => acc.split(k).join(v), s);
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
