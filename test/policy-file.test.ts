import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPolicyDocument, readPolicyFile } from '../src/sources/policy-file.js';
import { parseJson, parseYamlDocument } from '../src/sources/nodes.js';
import type { Inventory, Loc, Node } from '../src/model.js';

const DIR = 'test/data/policy-file';

function parse(file: string): Node {
  const text = readFileSync(join(import.meta.dirname, '..', file), 'utf8');
  return file.endsWith('.yaml') ? parseYamlDocument(text, file)! : parseJson(text, file);
}

function read(file: string): Inventory {
  const root = parse(file);
  expect(isPolicyDocument(root)).toBe(true);
  return readPolicyFile(root, file);
}

const at = (file: string, line: number, column: number): Loc => ({ file, line, column });

describe('readPolicyFile', () => {
  it('reads an identity policy as a standalone policy named for its file', () => {
    const file = `${DIR}/execution-role-policy.json`;
    const inv = read(file);
    expect(inv.diagnostics).toEqual([]);
    expect(inv.roles).toEqual([]);
    expect(inv.policies).toHaveLength(1);
    const p = inv.policies[0];
    expect(p).toMatchObject({ name: 'execution-role-policy.json', kind: 'standalone', version: '2012-10-17', loc: at(file, 1, 1) });
    expect(p.statements.map((s) => [s.sid, s.loc, s.index])).toEqual([
      ['EcrAuth', at(file, 4, 5), 0],
      ['EcrPull', at(file, 10, 5), 1],
      ['Logs', at(file, 19, 5), 2],
      ['Kms', at(file, 25, 5), 3],
    ]);
    expect(p.statements[1]).toMatchObject({
      effect: 'Allow',
      actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      resources: ['arn:aws:ecr:us-east-1:111122223333:repository/payments/api'],
    });
    expect(p.statements[3].conditions).toEqual([
      { operator: 'StringEquals', key: 'kms:ViaService', values: ['secretsmanager.us-east-1.amazonaws.com'], loc: at(file, 32, 11) },
    ]);
  });

  it('reads a document whose statements carry Principal as a trust policy', () => {
    const file = `${DIR}/ecs-trust-policy.json`;
    const inv = read(file);
    expect(inv.diagnostics).toEqual([]);
    const p = inv.policies[0];
    expect(p).toMatchObject({ name: 'ecs-trust-policy.json', kind: 'trust', loc: at(file, 1, 1) });
    expect(p.statements).toEqual([
      {
        effect: 'Allow',
        actions: ['sts:AssumeRole'],
        principals: [{ type: 'Service', value: 'ecs-tasks.amazonaws.com', loc: at(file, 5, 31) }],
        conditions: [
          { operator: 'ArnLike', key: 'aws:SourceArn', values: ['arn:aws:ecs:us-east-1:111122223333:*'], loc: at(file, 8, 20) },
          { operator: 'StringEquals', key: 'aws:SourceAccount', values: ['111122223333'], loc: at(file, 9, 25) },
        ],
        loc: at(file, 3, 16),
        index: 0,
      },
    ]);
  });

  it('keeps a trust policy that wrongly names a Resource a trust policy, and reports the Resource', () => {
    const file = `${DIR}/trust-with-resource.json`;
    const inv = read(file);
    expect(inv.policies[0].kind).toBe('trust');
    expect(inv.diagnostics).toMatchObject([{ rule: 'invalid-policy', severity: 'error', loc: at(file, 8, 7) }]);
    expect(inv.diagnostics[0].message).toMatch(/trust policy must not have Resource/);
  });

  it('does not lint a resource-based policy as a role policy, and says so', () => {
    const file = `${DIR}/bucket-policy.json`;
    const inv = read(file);
    expect(inv.policies).toEqual([]);
    expect(inv.diagnostics).toEqual([
      {
        rule: 'invalid-input',
        severity: 'note',
        message: 'bucket-policy.json is a resource-based policy (statements with both Principal and Resource); rolefit lints identity and trust policies only',
        loc: at(file, 1, 1),
      },
    ]);
  });

  it('passes on the policy parser\'s diagnostics, at their place', () => {
    const file = `${DIR}/mistakes.json`;
    const inv = read(file);
    expect(inv.diagnostics.map((d) => [d.rule, d.severity, d.loc])).toEqual([
      ['unknown-action', 'error', at(file, 11, 17)],
      ['invalid-policy', 'error', at(file, 14, 5)],
    ]);
    expect(inv.diagnostics[0].message).toMatch(/secretsmanager:GetSecretValue/);
    // The statement without Effect has no meaning and is left out; the others stay.
    expect(inv.policies[0].statements.map((s) => s.actions)).toEqual([['ssm:GetParameter'], ['secretsmanager:GetSecretVal']]);
  });

  it('tells mixed documents apart by their actions', () => {
    const kind = (statements: unknown[]) => {
      const inv = readPolicyFile(parseJson(JSON.stringify({ Version: '2012-10-17', Statement: statements }), 'p.json'), 'p.json');
      return inv.policies[0]?.kind ?? inv.diagnostics[0]?.severity;
    };
    const assume = { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' };
    const read = { Effect: 'Allow', Action: 'logs:GetLogEvents', Resource: '*' };
    // An identity policy with one stray Principal: read as identity, the Principal reported.
    expect(kind([read, { ...assume, Resource: '*', Principal: { AWS: '*' } }])).toBe('standalone');
    // A trust policy with a statement that lost its Principal: still a trust policy.
    expect(kind([assume, { Effect: 'Allow', Action: ['sts:TagSession', 'sts:SetSourceIdentity'] }])).toBe('trust');
    // Principals everywhere, no Resource, actions IAM rejects in trust policies: a (broken) trust policy.
    expect(kind([{ ...assume, Action: 's3:GetObject' }])).toBe('trust');
    // Principals everywhere, resources named, service actions: a resource-based policy.
    expect(kind([{ ...assume, Action: 'kms:Decrypt', Resource: '*' }])).toBe('note');
    expect(kind([read])).toBe('standalone');
  });

  it('reads YAML policy documents with their positions', () => {
    const file = `${DIR}/policy.yaml`;
    const inv = read(file);
    expect(inv.diagnostics).toEqual([]);
    expect(inv.policies[0]).toMatchObject({ name: 'policy.yaml', kind: 'standalone', loc: at(file, 1, 1) });
    expect(inv.policies[0].statements[0].loc).toEqual(at(file, 3, 5));
  });
});

describe('isPolicyDocument', () => {
  const is = (v: unknown) => isPolicyDocument(parseJson(JSON.stringify(v), 'x.json'));
  it.each([
    [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }, true],
    [{ Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' } }, true],
    [{ version: '2012-10-17', statement: [{ effect: 'Allow', action: '*', resource: '*' }] }, true],
    [{ Version: '2012-10-17', Statement: [] }, true],
    [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }], Comment: 'stray element' }, true],
    [{ Statement: [] }, false],
    [{ Statement: 'Allow everything' }, false],
    [{ Statement: [{ Text: 'x' }] }, false],
    [{ PolicyDocument: { Version: '2012-10-17', Statement: [] } }, false],
    [{ family: 'f', containerDefinitions: [] }, false],
    [[{ Effect: 'Allow' }], false],
  ])('%j → %s', (v, expected) => {
    expect(is(v)).toBe(expected);
  });
});

// Real-world policy files from public repositories, on the development machines only.
const CORPUS = '/work/shared/data/corpus/policies';

describe.skipIf(!existsSync(CORPUS))('public policy files', () => {
  it('recognises every one, telling trust policies from identity policies', () => {
    const kinds: Record<string, string> = {};
    for (const f of readdirSync(CORPUS)) {
      const root = parseJson(readFileSync(join(CORPUS, f), 'utf8'), f);
      expect(isPolicyDocument(root), f).toBe(true);
      const inv = readPolicyFile(root, f);
      expect(inv.policies, f).toHaveLength(1);
      kinds[f] = inv.policies[0].kind;
    }
    const trust = Object.keys(kinds).filter((f) => kinds[f] === 'trust').sort();
    expect(trust).toEqual([
      'aws-samples__amazon-ecs-gmsa__ecs-deployments__task-trust-policy.json',
      'phillebaba__eks-fargate-workshop__3_fargate_profile__role-trust-policy.json',
    ]);
    expect(Object.values(kinds).filter((k) => k === 'standalone').length).toBe(Object.keys(kinds).length - 2);
  });
});
