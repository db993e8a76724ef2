import { describe, expect, it } from 'vitest';
import { parsePolicy, parsePolicyText, type PolicyMeta } from '../src/iam/policy.js';
import { parseJson, parseYamlDocument } from '../src/sources/nodes.js';
import { token, type Diagnostic } from '../src/model.js';

const INLINE: PolicyMeta = { name: 'p', kind: 'inline' };
const TRUST: PolicyMeta = { name: 'trust', kind: 'trust' };

function parse(doc: unknown, meta: PolicyMeta = INLINE) {
  return parsePolicy(parseJson(JSON.stringify(doc, null, 2), 'p.json'), meta);
}

function messages(ds: Diagnostic[]): string[] {
  return ds.map((d) => `${d.rule}/${d.severity}: ${d.message}`);
}

function only(ds: Diagnostic[], re: RegExp): Diagnostic {
  const hits = ds.filter((d) => re.test(d.message));
  expect(hits, messages(ds).join('\n')).toHaveLength(1);
  return hits[0];
}

const ok = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'Pull', Effect: 'Allow', Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], Resource: 'arn:aws:ecr:us-east-1:1:repository/app' }],
};

describe('parsePolicy: building the model', () => {
  it('reads a valid policy without diagnostics, every element at its own place', () => {
    const text = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Pull",
      "Effect": "Allow",
      "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
      "Resource": "arn:aws:ecr:us-east-1:1:repository/app",
      "Condition": { "StringEquals": { "aws:SourceAccount": ["1", 2, true] } }
    },
    { "Effect": "Deny", "NotAction": "logs:*", "NotResource": ["*"] }
  ]
}`;
    const { policy, diagnostics } = parsePolicy(parseJson(text, 'p.json'), { name: 'p', kind: 'managed', arn: 'arn:aws:iam::1:policy/p' });
    expect(diagnostics).toEqual([]);
    expect(policy.name).toBe('p');
    expect(policy.kind).toBe('managed');
    expect(policy.arn).toBe('arn:aws:iam::1:policy/p');
    expect(policy.version).toBe('2012-10-17');
    expect(policy.loc).toEqual({ file: 'p.json', line: 1, column: 1 });
    const [a, d] = policy.statements;
    expect(a).toMatchObject({
      sid: 'Pull',
      effect: 'Allow',
      actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      resources: ['arn:aws:ecr:us-east-1:1:repository/app'],
      index: 0,
      loc: { line: 4, column: 5 },
    });
    expect(a.conditions).toEqual([{ operator: 'StringEquals', key: 'aws:SourceAccount', values: ['1', '2', 'true'], loc: { file: 'p.json', line: 9, column: 40 } }]);
    expect(d).toMatchObject({ effect: 'Deny', notActions: ['logs:*'], notResources: ['*'], index: 1, conditions: [] });
    expect(d.actions).toBeUndefined();
    expect(d.resources).toBeUndefined();
  });

  it('accepts a single statement object and string values', () => {
    const { policy, diagnostics } = parse({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: '*' } });
    expect(diagnostics).toEqual([]);
    expect(policy.statements).toHaveLength(1);
    expect(policy.statements[0]).toMatchObject({ actions: ['logs:PutLogEvents'], resources: ['*'] });
  });

  it('reads YAML documents the same way', () => {
    const node = parseYamlDocument(
      `Version: "2012-10-17"
Statement:
  - Effect: Allow
    Action: ecr:GetAuthorizationToken
    Resource: "*"
`,
      't.yaml',
    )!;
    const { policy, diagnostics } = parsePolicy(node, INLINE);
    expect(diagnostics).toEqual([]);
    expect(policy.statements[0]).toMatchObject({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'], loc: { file: 't.yaml', line: 3, column: 5 } });
  });

  it('reads trust policy principals', () => {
    const { policy, diagnostics } = parse(
      {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: ['ecs-tasks.amazonaws.com'], AWS: 'arn:aws:iam::1:root' }, Action: 'sts:AssumeRole' },
          { Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' },
          { Effect: 'Deny', NotPrincipal: { AWS: ['1', '2'] }, Action: 'sts:AssumeRole' },
        ],
      },
      TRUST,
    );
    expect(diagnostics).toEqual([]);
    expect(policy.statements[0].principals?.map((p) => [p.type, p.value])).toEqual([
      ['Service', 'ecs-tasks.amazonaws.com'],
      ['AWS', 'arn:aws:iam::1:root'],
    ]);
    expect(policy.statements[1].principals?.map((p) => [p.type, p.value])).toEqual([['*', '*']]);
    expect(policy.statements[2].notPrincipals?.map((p) => p.value)).toEqual(['1', '2']);
  });

  it('keeps symbolic tokens as they are, a token where a list is expected as one string', () => {
    const acct = token('AWS::AccountId@stack.yaml');
    const actions = token('ActionsParam@stack.yaml');
    const { policy, diagnostics } = parse({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: actions, Resource: `arn:aws:logs:us-east-1:${acct}:log-group:/ecs/app:*` }],
    });
    expect(diagnostics).toEqual([]);
    expect(policy.statements[0].actions).toEqual([actions]);
    expect(policy.statements[0].resources).toEqual([`arn:aws:logs:us-east-1:${acct}:log-group:/ecs/app:*`]);
  });
});

describe('parsePolicy: grammar checks (domain.md §4.1)', () => {
  const table: Array<{ name: string; doc: unknown; meta?: PolicyMeta; expect: RegExp; severity?: string; statements?: number }> = [
    { name: 'Version missing', doc: { Statement: ok.Statement }, expect: /no Version/, severity: 'warning', statements: 1 },
    { name: 'Version invalid', doc: { ...ok, Version: '2012-10-18' }, expect: /Version "2012-10-18" is not valid/, statements: 1 },
    { name: 'Version not a string', doc: { ...ok, Version: 2012 }, expect: /Version must be a string/, statements: 1 },
    { name: 'Statement missing', doc: { Version: '2012-10-17' }, expect: /no Statement/, statements: 0 },
    { name: 'Statement a string', doc: { Version: '2012-10-17', Statement: 'x' }, expect: /Statement must be an object or a list/, statements: 0 },
    { name: 'statement not an object', doc: { Version: '2012-10-17', Statement: [1, ok.Statement[0]] }, expect: /a statement must be an object/, statements: 1 },
    { name: 'Effect missing', doc: { Version: '2012-10-17', Statement: [{ Action: 's3:GetObject', Resource: '*' }] }, expect: /no Effect/, statements: 0 },
    { name: 'Effect invalid', doc: { Version: '2012-10-17', Statement: [{ Effect: 'Permit', Action: 's3:GetObject', Resource: '*' }] }, expect: /Effect "Permit" is not valid/, statements: 0 },
    { name: 'Effect wrong case (kept)', doc: { Version: '2012-10-17', Statement: [{ Effect: 'allow', Action: 's3:GetObject', Resource: '*' }] }, expect: /must be written "Allow"/, statements: 1 },
    { name: 'both Action and NotAction', doc: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', NotAction: 's3:PutObject', Resource: '*' }] }, expect: /both Action and NotAction/, statements: 0 },
    { name: 'neither Action nor NotAction', doc: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Resource: '*' }] }, expect: /neither Action nor NotAction/, statements: 0 },
    { name: 'both Resource and NotResource', doc: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', NotResource: 'x' }] }, expect: /both Resource and NotResource/, statements: 0 },
    { name: 'identity policy without Resource', doc: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject' }] }, expect: /neither Resource nor NotResource/, statements: 0 },
    { name: 'standalone policy without Resource', meta: { name: 'f.json', kind: 'standalone' }, doc: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject' }] }, expect: /neither Resource nor NotResource/, statements: 0 },
    { name: 'identity policy with Principal', doc: { Version: '2012-10-17', Statement: [{ ...ok.Statement[0], Principal: '*' }] }, expect: /identity policy must not have Principal/, statements: 1 },
    { name: 'identity policy with NotPrincipal', meta: { name: 'm', kind: 'aws-managed' }, doc: { Version: '2012-10-17', Statement: [{ ...ok.Statement[0], NotPrincipal: { AWS: '1' } }] }, expect: /identity policy must not have NotPrincipal/, statements: 1 },
    { name: 'trust policy without Principal', meta: TRUST, doc: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] }, expect: /neither Principal nor NotPrincipal/, statements: 0 },
    { name: 'trust policy with Resource', meta: TRUST, doc: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole', Resource: '*' }] }, expect: /trust policy must not have Resource/, statements: 1 },
    { name: 'unknown principal type', meta: TRUST, doc: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { User: 'x' }, Action: 'sts:AssumeRole' }] }, expect: /unknown element "User" in Principal/, statements: 1 },
    { name: 'principal neither * nor object', meta: TRUST, doc: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: 'ecs-tasks.amazonaws.com', Action: 'sts:AssumeRole' }] }, expect: /Principal must be "\*" or an object/, statements: 1 },
    { name: 'duplicate Sid', doc: { Version: '2012-10-17', Statement: [ok.Statement[0], ok.Statement[0]] }, expect: /duplicate Sid "Pull"/, statements: 2 },
    { name: 'Sid with other characters', doc: { Version: '2012-10-17', Statement: [{ ...ok.Statement[0], Sid: 'pull-images' }] }, expect: /Sid "pull-images" may contain only/, statements: 1 },
    { name: 'unknown element', doc: { Version: '2012-10-17', Statement: [{ ...ok.Statement[0], Actions: 'x' }] }, expect: /unknown element "Actions"/, statements: 1 },
    { name: 'unknown top-level element', doc: { ...ok, Statements: [] }, expect: /unknown element "Statements" in the policy/, statements: 1 },
    { name: 'element name in the wrong case (kept)', doc: { Version: '2012-10-17', Statement: [{ effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }, expect: /"effect" must be written "Effect"/, statements: 1 },
    { name: 'number in Resource', doc: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: ['*', 5] }] }, expect: /Resource must be a string or a list of strings, found a number/, statements: 1 },
    { name: 'object in Action', doc: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: { a: 1 }, Resource: '*' }] }, expect: /Action must be a string or a list of strings, found an object/, statements: 1 },
    { name: 'empty Resource list', doc: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: [] }] }, expect: /Resource is an empty list/, statements: 1 },
    { name: 'Condition not an object', doc: { Version: '2012-10-17', Statement: [{ ...ok.Statement[0], Condition: ['x'] }] }, expect: /Condition must be an object/, statements: 1 },
    { name: 'unknown condition operator', doc: { Version: '2012-10-17', Statement: [{ ...ok.Statement[0], Condition: { StringMatches: { 'aws:SourceAccount': '1' } } }] }, expect: /unknown condition operator "StringMatches"/, statements: 1 },
    { name: 'NullIfExists', doc: { Version: '2012-10-17', Statement: [{ ...ok.Statement[0], Condition: { NullIfExists: { 'aws:SourceAccount': 'true' } } }] }, expect: /unknown condition operator "NullIfExists"/, statements: 1 },
    { name: 'operator in the wrong case', doc: { Version: '2012-10-17', Statement: [{ ...ok.Statement[0], Condition: { stringequals: { 'aws:SourceAccount': '1' } } }] }, expect: /"stringequals" must be written "StringEquals"/, statements: 1 },
    { name: 'operator block not an object', doc: { Version: '2012-10-17', Statement: [{ ...ok.Statement[0], Condition: { StringEquals: 'x' } }] }, expect: /must map condition keys to values/, statements: 1 },
    { name: 'condition value an object', doc: { Version: '2012-10-17', Statement: [{ ...ok.Statement[0], Condition: { StringEquals: { 'aws:SourceAccount': { a: 1 } } } }] }, expect: /values must be strings, booleans or numbers, found an object/, statements: 1 },
    { name: 'condition value null', doc: { Version: '2012-10-17', Statement: [{ ...ok.Statement[0], Condition: { StringEquals: { 'aws:SourceAccount': null } } }] }, expect: /found null/, statements: 1 },
    { name: 'character outside U+0020–U+00FF', doc: { Version: '2012-10-17', Statement: [{ ...ok.Statement[0], Resource: 'arn:aws:s3:::b/\u2013' }] }, expect: /character U\+2013 is not allowed/, statements: 1 },
    { name: 'document not an object', doc: ['x'], expect: /must be a JSON object, found a list/, statements: 0 },
    { name: 'variables with Version 2008-10-17', doc: { Version: '2008-10-17', Statement: [{ ...ok.Statement[0], Resource: 'arn:aws:s3:::b/${aws:username}/*' }] }, expect: /only substituted with "Version": "2012-10-17"/, severity: 'warning', statements: 1 },
  ];
  for (const t of table) {
    it(t.name, () => {
      const { policy, diagnostics } = parse(t.doc, t.meta ?? INLINE);
      const d = only(diagnostics, t.expect);
      expect(d.rule).toBe('invalid-policy');
      expect(d.severity).toBe(t.severity ?? 'error');
      expect(policy.statements).toHaveLength(t.statements ?? 1);
    });
  }

  it('places a diagnostic at the offending element', () => {
    const text = `{
  "Version": "2012-10-17",
  "Statement": [
    { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*" },
    { "Sid": "a b", "Effect": "Maybe", "Action": "s3:GetObject", "Resource": "*" }
  ]
}`;
    const { diagnostics } = parsePolicy(parseJson(text, 'p.json'), INLINE);
    expect(only(diagnostics, /Sid "a b"/).loc).toEqual({ file: 'p.json', line: 5, column: 14 });
    expect(only(diagnostics, /Effect "Maybe"/).loc).toEqual({ file: 'p.json', line: 5, column: 31 });
    expect(diagnostics[0].message).toMatch(/^inline policy p: /);
  });

  it('keeps the statement index of the document when statements are skipped', () => {
    const { policy } = parse({ Version: '2012-10-17', Statement: [{ Effect: 'x', Action: 's3:GetObject', Resource: '*' }, ok.Statement[0]] });
    expect(policy.statements.map((s) => s.index)).toEqual([1]);
  });

  it('does not count token text as a bad character', () => {
    const { diagnostics } = parse({ Version: '2012-10-17', Statement: [{ ...ok.Statement[0], Resource: `arn:aws:s3:::${token('Bucket€@x')}/*` }] });
    expect(diagnostics).toEqual([]);
  });

  it('does not treat an empty Sid as duplicate', () => {
    const st = { ...ok.Statement[0], Sid: '' };
    expect(parse({ Version: '2012-10-17', Statement: [st, st] }).diagnostics).toEqual([]);
  });

  it('NotPrincipal with Allow is a warning', () => {
    const { diagnostics } = parse({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotPrincipal: { AWS: '1' }, Action: 'sts:AssumeRole' }] }, TRUST);
    expect(only(diagnostics, /NotPrincipal with "Effect": "Allow"/).severity).toBe('warning');
  });
});

describe('parsePolicy: actions', () => {
  it('reports every Action/NotAction entry the catalog rejects, at that entry', () => {
    const text = `{
  "Version": "2012-10-17",
  "Statement": [
    { "Effect": "Allow", "Action": ["ecr:BatchGetImage", "ecr:BatchGetImages", "s3*:Get*"], "Resource": "*" },
    { "Effect": "Deny", "NotAction": ["nosuchservice:Get"], "Resource": "*" }
  ]
}`;
    const { policy, diagnostics } = parsePolicy(parseJson(text, 'p.json'), INLINE);
    const unknown = diagnostics.filter((d) => d.rule === 'unknown-action');
    expect(unknown.map((d) => [d.severity, d.loc.line, d.loc.column])).toEqual([
      ['error', 4, 58],
      ['error', 4, 80],
      ['error', 5, 39],
    ]);
    expect(diagnostics.filter((d) => d.rule !== 'unknown-action')).toEqual([]);
    // The statements are still returned: an unknown action just matches nothing.
    expect(policy.statements).toHaveLength(2);
  });

  it('accepts wildcards and case-insensitive names, and tokens without checking', () => {
    const { diagnostics } = parse({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['ECR:batchget*', '*', 'logs:Put?ogEvents', token('X@y')], Resource: '*' }] });
    expect(diagnostics).toEqual([]);
  });
});

describe('parsePolicy: size quotas', () => {
  const big = (n: number) => ({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: Array.from({ length: n }, (_, i) => `arn:aws:s3:::bucket-${String(i).padStart(4, '0')}/*`) }],
  });
  const size = (doc: unknown) => JSON.stringify(doc).length;

  it('managed policies over 6,144 non-whitespace characters are errors', () => {
    const doc = big(230);
    expect(size(doc)).toBeGreaterThan(6144);
    expect(only(parse(doc, { name: 'm', kind: 'managed' }).diagnostics, /over the managed policy quota of 6,144/).severity).toBe('error');
    expect(parse(big(100), { name: 'm', kind: 'managed' }).diagnostics).toEqual([]);
  });

  it('inline policies are measured against 10,240', () => {
    expect(parse(big(230)).diagnostics).toEqual([]);
    expect(only(parse(big(400)).diagnostics, /10,240/).severity).toBe('error');
  });

  it('trust policies warn over 2,048 and fail over 4,096', () => {
    const trust = (n: number) => ({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: Array.from({ length: n }, (_, i) => `arn:aws:iam::${String(i).padStart(12, '0')}:root`) }, Action: 'sts:AssumeRole' }],
    });
    expect(parse(trust(40), TRUST).diagnostics).toEqual([]);
    expect(only(parse(trust(70), TRUST).diagnostics, /2,048/).severity).toBe('warning');
    expect(only(parse(trust(140), TRUST).diagnostics, /4,096/).severity).toBe('error');
  });

  it('whitespace does not count', () => {
    const doc = big(180);
    const pretty = JSON.stringify(doc, null, 8);
    expect(pretty.length).toBeGreaterThan(6144);
    expect(parsePolicy(parseJson(pretty, 'p.json'), { name: 'm', kind: 'managed' }).diagnostics).toEqual([]);
  });
});

describe('parsePolicyText', () => {
  const loc = { file: 'template.yaml', line: 7, column: 9 };
  const json = JSON.stringify(ok);

  it('reads a JSON string, every node at the string', () => {
    const { policy, diagnostics } = parsePolicyText(json, loc, INLINE);
    expect(diagnostics).toEqual([]);
    expect(policy?.loc).toEqual(loc);
    expect(policy?.statements[0].loc).toEqual(loc);
    expect(policy?.statements[0].actions).toEqual(ok.Statement[0].Action);
  });

  it('reads URL-encoded documents from the IAM API', () => {
    const { policy, diagnostics } = parsePolicyText(encodeURIComponent(json), loc, { name: 'm', kind: 'managed' });
    expect(diagnostics).toEqual([]);
    expect(policy?.statements[0].resources).toEqual(['arn:aws:ecr:us-east-1:1:repository/app']);
  });

  it('reads partially encoded text that is not JSON as written', () => {
    const text = json.replace(/"/g, '%22');
    const { policy, diagnostics } = parsePolicyText(text, loc, INLINE);
    expect(diagnostics).toEqual([]);
    expect(policy?.statements).toHaveLength(1);
  });

  it('does not decode JSON that merely contains %xx text', () => {
    const doc = { ...ok, Statement: [{ ...ok.Statement[0], Resource: 'arn:aws:s3:::b/a%20b' }] };
    const { policy } = parsePolicyText(JSON.stringify(doc), loc, INLINE);
    expect(policy?.statements[0].resources).toEqual(['arn:aws:s3:::b/a%20b']);
  });

  it('reports syntax errors at the string', () => {
    const { policy, diagnostics } = parsePolicyText('{"Version": ', loc, INLINE);
    expect(policy).toBeUndefined();
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ rule: 'invalid-policy', severity: 'error', loc });
    expect(diagnostics[0].message).toMatch(/not valid JSON/);
  });

  it('reports bad URL encoding', () => {
    const { policy, diagnostics } = parsePolicyText('%7B%ZZ', loc, INLINE);
    expect(policy).toBeUndefined();
    expect(diagnostics[0].message).toMatch(/URL-encoded/);
  });

  it('passes the grammar diagnostics through', () => {
    const { policy, diagnostics } = parsePolicyText('{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}', loc, INLINE);
    expect(policy?.statements).toHaveLength(1);
    expect(only(diagnostics, /no Version/).loc).toEqual(loc);
  });
});

describe('parsePolicy: AWS managed policies', () => {
  it('does not report unknown actions or size in AWS managed policies (not the user’s to fix)', () => {
    const doc = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'ecr:NoSuchAction', Resource: Array.from({ length: 400 }, (_, i) => `arn:aws:s3:::bucket-${i}/*`) }],
    };
    expect(parse(doc, { name: 'AWSX', kind: 'aws-managed' }).diagnostics).toEqual([]);
    expect(parse(doc, { name: 'm', kind: 'managed' }).diagnostics.map((d) => d.rule).sort()).toEqual(['invalid-policy', 'unknown-action']);
  });
});
