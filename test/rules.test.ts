// Each rule next to the fixtures on which it must fire and those on which it must not (the
// style of ESLint's valid/invalid cases). The exact findings are in each fixture's expected.json;
// this table says which behaviour each fixture exists to pin down.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { scan } from '../src/scan.js';
import { RULES } from '../src/rules/index.js';
import type { Report } from '../src/report/types.js';

const root = join(import.meta.dirname, '..', 'fixtures');
const reports = new Map<string, Report>();
function report(name: string): Report {
  let r = reports.get(name);
  if (!r) reports.set(name, (r = scan({ paths: ['.'], cwd: join(root, name) })));
  return r;
}

const CASES: Record<string, { fires: string[]; silent: string[] }> = {
  'missing-permission': {
    fires: ['ecs-taskdef-iam-dump', 'ecs-boundary-deny-dump', 'ecs-no-execution-role', 'eks-mistakes-cfn', 'eks-eksctl-dump', 'eks-no-manifests-cfn'],
    silent: ['ecs-clean-cfn', 'ecs-managed-policies-cfn', 'ecs-shared-role-cfn', 'ecs-unresolved-cfn', 'eks-clean-cfn'],
  },
  'excess-action': {
    fires: ['ecs-managed-policies-cfn', 'eks-mistakes-cfn', 'eks-eksctl-dump'],
    // ecs-taskdef-iam-dump: ssm:GetParameter stands in for the needed GetParameters (reported as missing, not twice).
    silent: ['ecs-clean-cfn', 'ecs-boundary-deny-dump', 'ecs-shared-role-cfn', 'ecs-unresolved-cfn', 'ecs-taskdef-iam-dump', 'ecs-broad-cfn', 'eks-clean-cfn', 'eks-no-manifests-cfn'],
  },
  'excess-resource': {
    fires: ['ecs-managed-policies-cfn', 'ecs-boundary-deny-dump', 'ecs-broad-cfn', 'eks-mistakes-cfn', 'eks-eksctl-dump'],
    // eks-no-manifests-cfn: with the images unknown, no repository scope can be judged too broad.
    silent: ['ecs-clean-cfn', 'ecs-shared-role-cfn', 'ecs-unresolved-cfn', 'eks-clean-cfn', 'eks-no-manifests-cfn'],
  },
  'trust-principal': {
    fires: ['ecs-taskdef-iam-dump', 'eks-mistakes-cfn', 'eks-eksctl-dump'],
    silent: ['ecs-clean-cfn', 'ecs-managed-policies-cfn', 'ecs-boundary-deny-dump', 'eks-clean-cfn', 'eks-no-manifests-cfn'],
  },
  'trust-confused-deputy': {
    fires: ['ecs-managed-policies-cfn', 'ecs-taskdef-iam-dump', 'eks-mistakes-cfn', 'eks-eksctl-dump'],
    silent: ['ecs-clean-cfn', 'ecs-boundary-deny-dump', 'ecs-shared-role-cfn', 'eks-clean-cfn', 'eks-no-manifests-cfn'],
  },
  'shared-role': { fires: ['ecs-shared-role-cfn', 'eks-mistakes-cfn', 'eks-eksctl-dump'], silent: ['ecs-clean-cfn', 'ecs-taskdef-iam-dump', 'eks-clean-cfn'] },
  'privilege-escalation': {
    fires: ['ecs-shared-role-cfn', 'ecs-taskdef-iam-dump', 'policy-files', 'eks-mistakes-cfn', 'eks-eksctl-dump'],
    silent: ['ecs-clean-cfn', 'ecs-managed-policies-cfn', 'ecs-boundary-deny-dump', 'eks-clean-cfn', 'eks-no-manifests-cfn'],
  },
  'unknown-action': { fires: ['policy-files'], silent: ['ecs-clean-cfn', 'ecs-managed-policies-cfn'] },
  'invalid-policy': { fires: ['policy-files'], silent: ['ecs-clean-cfn', 'ecs-taskdef-iam-dump', 'ecs-managed-policies-cfn'] },
  'unresolved-reference': { fires: ['ecs-unresolved-cfn', 'eks-mistakes-cfn', 'eks-eksctl-dump'], silent: ['ecs-clean-cfn', 'ecs-taskdef-iam-dump', 'eks-clean-cfn'] },
  'invalid-input': { fires: ['ecs-invalid-task-definition', 'malformed', 'eks-mistakes-cfn'], silent: ['ecs-clean-cfn', 'ecs-taskdef-iam-dump', 'eks-clean-cfn'] },
  'incomplete-scan': { fires: ['aws-inventory-partial'], silent: ['aws-inventory', 'ecs-clean-cfn', 'malformed'] },
};

describe('rules fire where they must and nowhere else', () => {
  it('covers every rule', () => expect(Object.keys(CASES).sort()).toEqual(RULES.map((r) => r.meta.id).sort()));
  for (const [rule, { fires, silent }] of Object.entries(CASES)) {
    for (const name of fires) it(`${rule} fires on ${name}`, () => expect(report(name).findings.some((f) => f.rule === rule)).toBe(true));
    for (const name of silent) it(`${rule} is silent on ${name}`, () => expect(report(name).findings.filter((f) => f.rule === rule)).toEqual([]));
  }
});
