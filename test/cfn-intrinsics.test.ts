import { describe, expect, it } from 'vitest';
import { CfnResolver } from '../src/link/cfn-intrinsics.js';
import { parseJson, parseYaml, get, toPlain } from '../src/sources/nodes.js';
import { token, type Node } from '../src/model.js';

const F = 'stack.yaml';
const T = (name: string) => token(`${name}@${F}`);
const [P, R, A, U] = [T('AWS::Partition'), T('AWS::Region'), T('AWS::AccountId'), T('AWS::URLSuffix')];

function template(yaml: string): { r: CfnResolver; root: Node } {
  const [root] = parseYaml(yaml, F);
  return { r: new CfnResolver(root, F), root };
}

/** Where `needle` is first written in `text` (1-based line and column). */
function pos(text: string, needle: string, file = F): { file: string; line: number; column: number } {
  const offset = text.indexOf(needle);
  if (offset < 0) throw new Error(`${needle} not in template`);
  const before = text.slice(0, offset).split('\n');
  return { file, line: before.length, column: before[before.length - 1].length + 1 };
}

/** Resolves `Resources.X.Properties.<prop>` of a template whose resource X holds the expressions. */
function props(yaml: string) {
  const { r, root } = template(yaml);
  const node = (prop: string) => {
    const raw = get(get(get(get(root, 'Resources'), 'X'), 'Properties'), prop);
    return raw && r.resolve(raw);
  };
  const value = (prop: string): unknown => {
    const n = node(prop);
    return n && toPlain(n);
  };
  return { r, node, value, at: (needle: string) => pos(yaml, needle) };
}

/** A template with resource X whose properties are `body`. */
function x(body: string, extra = ''): string {
  return `${extra}
Resources:
  X:
    Type: AWS::SNS::Topic
    Properties:
${body.replace(/^/gm, '      ')}
`;
}

describe('Ref', () => {
  it('gives one token per pseudo parameter, identical wherever it is used in the template', () => {
    const { r, value } = props(x(`A: !Ref AWS::AccountId\nB: !Ref AWS::AccountId\nC: !Ref AWS::Region\nD: !Ref AWS::Partition\nE: !Ref AWS::URLSuffix\nF: !Ref AWS::StackName\nG: !Ref AWS::StackId`));
    expect(value('A')).toBe(A);
    expect(value('A')).toBe(value('B'));
    expect(value('C')).toBe(R);
    expect(value('D')).toBe(P);
    expect(value('E')).toBe(U);
    expect(value('F')).toBe(T('AWS::StackName'));
    expect(value('G')).toBe(T('AWS::StackId'));
    expect([r.account, r.region, r.partition, r.urlSuffix]).toEqual([A, R, P, U]);
    expect(r.diagnostics).toEqual([]);
  });

  it('scopes tokens to the file: another template has other tokens', () => {
    const [root] = parseYaml(x('A: !Ref AWS::AccountId'), 'other.yaml');
    const r = new CfnResolver(root, 'other.yaml');
    expect(r.account).toBe(token('AWS::AccountId@other.yaml'));
    expect(r.account).not.toBe(A);
  });

  it('gives a parameter its Default, or a token when it has none', () => {
    const params = `Parameters:
  Tag: { Type: String, Default: '1.2' }
  Count: { Type: Number, Default: 3 }
  Env: { Type: String }
  Subnets: { Type: CommaDelimitedList, Default: 'subnet-a, subnet-b,subnet-c' }
  Ids: { Type: 'List<AWS::EC2::Subnet::Id>' }
  Image: { Type: 'AWS::SSM::Parameter::Value<String>', Default: /app/image }`;
    const { r, value } = props(x(`A: !Ref Tag\nB: !Ref Count\nC: !Ref Env\nD: !Ref Subnets\nE: !Ref Ids\nF: !Ref Image`, params));
    expect(value('A')).toBe('1.2');
    expect(value('B')).toBe('3');
    expect(value('C')).toBe(T('Param:Env'));
    expect(value('D')).toEqual(['subnet-a', 'subnet-b', 'subnet-c']);
    expect(value('E')).toBe(T('Param:Ids'));
    // The Default of an SSM-typed parameter is the parameter's name, not its value.
    expect(value('F')).toBe(T('Param:Image'));
    expect(r.diagnostics).toEqual([]);
  });

  it('AWS::NoValue removes the property and the list item', () => {
    const { value } = props(x(`Tags:\n  - Key: a\n    Value: !Ref AWS::NoValue\n  - !Ref AWS::NoValue\n  - b\nGone: !Ref AWS::NoValue`));
    expect(value('Tags')).toEqual([{ Key: 'a' }, 'b']);
    expect(value('Gone')).toBeUndefined();
  });

  it('reports a Ref to a name the template does not define, at the Ref', () => {
    const { r, value, at } = props(x(`A: !Ref Missing\nB: !Ref AWS::Nothing`));
    expect(value('A')).toBe(T('Missing'));
    expect(value('B')).toBe(T('AWS::Nothing'));
    // A short-form tag is placed at its argument (where the YAML parser puts the node).
    expect(r.diagnostics).toEqual([
      { rule: 'invalid-input', severity: 'error', message: 'Ref to "Missing": no parameter or resource of that name in this template', loc: at('Missing') },
      { rule: 'invalid-input', severity: 'error', message: 'Ref to "AWS::Nothing": no such pseudo parameter', loc: at('AWS::Nothing') },
    ]);
  });

  it('places a referenced value where the reference is written', () => {
    const { node, at } = props(x(`A: !Ref Env`, 'Parameters:\n  Env: { Type: String, Default: prod }'));
    expect(node('A')!.loc).toEqual(at('Env\n'));
  });
});

describe('Ref and Fn::GetAtt per resource type', () => {
  const resources = `
Resources:
  NamedRole:
    Type: AWS::IAM::Role
    Properties: { RoleName: exec, Path: /service/ }
  Role:
    Type: AWS::IAM::Role
    Properties: {}
  Policy:
    Type: AWS::IAM::ManagedPolicy
    Properties: { ManagedPolicyName: pull, Path: /app/ }
  UnnamedPolicy:
    Type: AWS::IAM::ManagedPolicy
    Properties: {}
  Inline:
    Type: AWS::IAM::Policy
    Properties: { PolicyName: p }
  Logs:
    Type: AWS::Logs::LogGroup
    Properties: { LogGroupName: /ecs/web }
  UnnamedLogs:
    Type: AWS::Logs::LogGroup
  Secret:
    Type: AWS::SecretsManager::Secret
    Properties: { Name: prod/db }
  UnnamedSecret:
    Type: AWS::SecretsManager::Secret
  Param:
    Type: AWS::SSM::Parameter
    Properties: { Name: /app/flag, Type: String, Value: x }
  Key:
    Type: AWS::KMS::Key
  Alias:
    Type: AWS::KMS::Alias
    Properties: { AliasName: alias/app, TargetKeyId: !Ref Key }
  Repo:
    Type: AWS::ECR::Repository
    Properties: { RepositoryName: team/web }
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties: { Family: web }
  UnnamedTask:
    Type: AWS::ECS::TaskDefinition
  Bucket:
    Type: AWS::S3::Bucket
    Properties: { BucketName: cfg }
  UnnamedBucket:
    Type: AWS::S3::Bucket
  Cluster:
    Type: AWS::EKS::Cluster
  NamedCluster:
    Type: AWS::EKS::Cluster
    Properties: { Name: shop }
  Profile:
    Type: AWS::EKS::FargateProfile
    Properties: { ClusterName: shop, FargateProfileName: apps }
  Service:
    Type: AWS::ECS::Service
`;
  const [root] = parseYaml(resources, F);
  const r = new CfnResolver(root, F);
  const at = { file: F, line: 1, column: 1 };
  const cases: Array<[string, string, string]> = [
    ['NamedRole', 'Ref', 'exec'],
    ['NamedRole', 'Arn', `arn:${P}:iam::${A}:role/service/exec`],
    ['Role', 'Ref', T('Role.RoleName')],
    ['Role', 'Arn', `arn:${P}:iam::${A}:role/${T('Role.RoleName')}`],
    ['Role', 'RoleId', T('Role.RoleId')],
    ['Policy', 'Ref', `arn:${P}:iam::${A}:policy/app/pull`],
    ['Policy', 'PolicyArn', `arn:${P}:iam::${A}:policy/app/pull`],
    ['UnnamedPolicy', 'Ref', `arn:${P}:iam::${A}:policy/${T('UnnamedPolicy.ManagedPolicyName')}`],
    ['Inline', 'Ref', T('Inline')],
    ['Logs', 'Ref', '/ecs/web'],
    ['Logs', 'Arn', `arn:${P}:logs:${R}:${A}:log-group:/ecs/web:*`],
    ['UnnamedLogs', 'Arn', `arn:${P}:logs:${R}:${A}:log-group:${T('UnnamedLogs.LogGroupName')}:*`],
    ['Secret', 'Ref', `arn:${P}:secretsmanager:${R}:${A}:secret:prod/db-??????`],
    ['Secret', 'Id', `arn:${P}:secretsmanager:${R}:${A}:secret:prod/db-??????`],
    ['UnnamedSecret', 'Ref', `arn:${P}:secretsmanager:${R}:${A}:secret:${T('UnnamedSecret.Name')}-??????`],
    ['Param', 'Ref', '/app/flag'],
    ['Param', 'Value', T('Param.Value')],
    ['Key', 'Ref', T('Key.KeyId')],
    ['Key', 'KeyId', T('Key.KeyId')],
    ['Key', 'Arn', `arn:${P}:kms:${R}:${A}:key/${T('Key.KeyId')}`],
    ['Alias', 'Ref', 'alias/app'],
    ['Repo', 'Ref', 'team/web'],
    ['Repo', 'Arn', `arn:${P}:ecr:${R}:${A}:repository/team/web`],
    ['Repo', 'RepositoryUri', `${A}.dkr.ecr.${R}.${U}/team/web`],
    ['Task', 'Ref', `arn:${P}:ecs:${R}:${A}:task-definition/web:${T('Task.Revision')}`],
    ['UnnamedTask', 'Ref', `arn:${P}:ecs:${R}:${A}:task-definition/${T('UnnamedTask.Family')}:${T('UnnamedTask.Revision')}`],
    ['Bucket', 'Ref', 'cfg'],
    ['Bucket', 'Arn', 'arn:' + P + ':s3:::cfg'],
    ['UnnamedBucket', 'Arn', `arn:${P}:s3:::${T('UnnamedBucket.BucketName')}`],
    ['Cluster', 'Ref', T('Cluster.Name')],
    ['Cluster', 'Arn', `arn:${P}:eks:${R}:${A}:cluster/${T('Cluster.Name')}`],
    ['NamedCluster', 'Ref', 'shop'],
    ['Profile', 'Ref', 'shop|apps'],
    ['Profile', 'Arn', T('Profile.Arn')],
    // A type without a model here: its Ref and attributes stay unknown.
    ['Service', 'Ref', T('Service')],
    ['Service', 'Name', T('Service.Name')],
  ];
  it.each(cases)('%s %s', (id, attribute, expected) => {
    expect(attribute === 'Ref' ? r.refText(id, at) : r.getAttText(id, attribute, at)).toBe(expected);
  });
  it('reports nothing', () => {
    expect(r.diagnostics).toEqual([]);
  });
});

describe('Fn::GetAtt', () => {
  it('accepts the "A.B" form, the list form and an attribute given by Ref', () => {
    const { r, value } = props(
      x(`A: !GetAtt Logs.Arn\nB: { 'Fn::GetAtt': [Logs, Arn] }\nC: !GetAtt [Logs, !Ref Attr]`, 'Parameters:\n  Attr: { Type: String, Default: Arn }') +
        '  Logs:\n    Type: AWS::Logs::LogGroup\n    Properties: { LogGroupName: g }\n',
    );
    const arn = `arn:${P}:logs:${R}:${A}:log-group:g:*`;
    expect([value('A'), value('B'), value('C')]).toEqual([arn, arn, arn]);
    expect(r.diagnostics).toEqual([]);
  });

  it('reports a missing resource and a parameter used as a resource', () => {
    const { r, value, at } = props(x(`A: !GetAtt Nope.Arn\nB: !GetAtt Env.Arn\nC: !GetAtt NoDot`, 'Parameters:\n  Env: { Type: String }'));
    expect(value('A')).toBe(T('Nope.Arn'));
    expect(value('B')).toBe(T('Env.Arn'));
    expect(value('C')).toMatch(/Fn::GetAtt#/);
    expect(r.diagnostics.map((d) => [d.rule, d.severity, d.loc])).toEqual([
      ['invalid-input', 'error', at('Nope.Arn')],
      ['invalid-input', 'error', at('Env.Arn')],
      ['invalid-input', 'error', at('NoDot')],
    ]);
    expect(r.diagnostics[0].message).toContain('Nope.Arn: no resource of that name');
    expect(r.diagnostics[1].message).toContain('a parameter, not a resource');
  });
});

describe('Fn::Sub', () => {
  const extra = `Parameters:
  Env: { Type: String, Default: prod }
  Owner: { Type: String }`;
  const res = `  Repo:
    Type: AWS::ECR::Repository
    Properties: { RepositoryName: web }
`;
  it('substitutes pseudo parameters, parameters, Refs and GetAtts', () => {
    const { r, value } = props(x(`A: !Sub 'arn:\${AWS::Partition}:ecr:\${AWS::Region}:\${AWS::AccountId}:repository/\${Repo}'\nB: !Sub '\${Repo.Arn}/\${Env}/\${Owner}'`, extra) + res);
    expect(value('A')).toBe(`arn:${P}:ecr:${R}:${A}:repository/web`);
    expect(value('B')).toBe(`arn:${P}:ecr:${R}:${A}:repository/web/prod/${T('Param:Owner')}`);
    expect(r.diagnostics).toEqual([]);
  });

  it('takes variables from the map, which may be intrinsics, before template names', () => {
    const { value } = props(x(`A: !Sub\n  - '\${Env}-\${Name}-\${Arn}'\n  - Env: staging\n    Name: !Join ['', [a, b]]\n    Arn: !GetAtt Repo.Arn`, extra) + res);
    expect(value('A')).toBe(`staging-ab-arn:${P}:ecr:${R}:${A}:repository/web`);
  });

  it('writes ${!Literal} as the literal ${Literal} (IAM policy variables)', () => {
    const { value } = props(x(`A: !Sub 'arn:aws:s3:::bucket/\${!aws:username}/\${Env}/*'\nB: !Sub '$Env \${ Env } \${!}'`, extra));
    expect(value('A')).toBe('arn:aws:s3:::bucket/${aws:username}/prod/*');
    expect(value('B')).toBe('$Env prod ${}');
  });

  it('reports names the template does not define, at the Sub', () => {
    const { r, value, at } = props(x(`A: !Sub 'x-\${Nope}'\nB: !Sub '\${Nope.Arn}'\nC: !Sub '\${AWS::NoValue}'`));
    expect(value('A')).toBe(`x-${T('Nope')}`);
    expect(value('B')).toBe(T('Nope.Arn'));
    expect(value('C')).toMatch(/Sub:AWS::NoValue#/);
    expect(r.diagnostics.map((d) => [d.rule, d.loc])).toEqual([
      ['invalid-input', at("'x-")],
      ['invalid-input', at("'${Nope.Arn}")],
      ['invalid-input', at("'${AWS::NoValue}")],
    ]);
  });

  it('reads the JSON long form with a list of variables', () => {
    const json = '{"Resources": {"X": {"Type": "AWS::SNS::Topic", "Properties": {"A": {"Fn::Sub": ["${a}:${AWS::Region}", {"a": {"Ref": "AWS::AccountId"}}]}}}}}';
    const root = parseJson(json, 'stack.json');
    const r = new CfnResolver(root, 'stack.json');
    const n = r.resolve(get(get(get(get(root, 'Resources'), 'X'), 'Properties'), 'A')!)!;
    expect(toPlain(n)).toBe(`${token('AWS::AccountId@stack.json')}:${token('AWS::Region@stack.json')}`);
    expect(n.loc).toEqual(pos(json, '{"Fn::Sub"', 'stack.json'));
  });
});

describe('Fn::Join, Fn::Select, Fn::Split', () => {
  const extra = `Parameters:
  Subnets: { Type: CommaDelimitedList, Default: 'a,b,c' }
  Unknown: { Type: CommaDelimitedList }
  Name: { Type: String }
  Index: { Type: Number, Default: 1 }`;

  it('joins strings, tokens and list parameters', () => {
    const { value } = props(x(`A: !Join [':', [arn, !Ref AWS::Partition, s3, '', '', bucket]]\nB: !Join [',', !Ref Subnets]\nC: !Join ['', [x, 1, true]]`, extra));
    expect(value('A')).toBe(`arn:${P}:s3:::bucket`);
    expect(value('B')).toBe('a,b,c');
    expect(value('C')).toBe('x1true');
  });

  it('selects from literal lists, list parameters and splits; an unknown list gives a token', () => {
    const { value } = props(x(`A: !Select [1, !Ref Subnets]\nB: !Select [!Ref Index, [x, y]]\nC: !Select [2, !Split ['/', 'a/b/c']]\nD: !Select [0, !Ref Unknown]\nE: !Join [',', !Ref Unknown]`, extra));
    expect(value('A')).toBe('b');
    expect(value('B')).toBe('y');
    expect(value('C')).toBe('c');
    expect(value('D')).toMatch(/^\uE000Select#[0-9a-f]{8}@stack\.yaml\uE001$/);
    expect(value('E')).toContain('Join#');
  });

  it('splits around tokens whose alphabet cannot hold the delimiter, and gives up otherwise', () => {
    const res = '  Role:\n    Type: AWS::IAM::Role\n    Properties: { RoleName: exec }\n';
    const { value } = props(
      x(`A: !Select [4, !Split [':', !GetAtt Role.Arn]]\nB: !Split [':', !GetAtt Role.Arn]\nC: !Split ['-', !Sub '\${Name}-x']\nD: !Split ['.', !Ref AWS::URLSuffix]`, extra) + res,
    );
    expect(value('A')).toBe(A);
    expect(value('B')).toEqual(['arn', P, 'iam', '', A, 'role/exec']);
    // A parameter's value may contain the delimiter: the pieces are unknown.
    expect(value('C')).toContain('Split#');
    expect(value('D')).toContain('Split#');
  });

  it('reports an index out of range and malformed arguments', () => {
    const { r, value, at } = props(x(`A: !Select [5, [a, b]]\nB: !Join [',']\nC: !Select [-1, [a]]`, extra));
    expect(value('A')).toContain('Select#');
    expect(value('B')).toContain('Fn::Join#');
    expect(value('C')).toContain('Fn::Select#');
    expect(r.diagnostics.map((d) => [d.rule, d.loc])).toEqual([
      ['invalid-input', at('5,')],
      ['invalid-input', at("[',']")],
      ['invalid-input', at('-1')],
    ]);
    expect(r.diagnostics[0].message).toContain('index 5 is out of range (the list has 2 items)');
  });
});

describe('Fn::If and Conditions', () => {
  const extra = `Parameters:
  Env: { Type: String }
  Count: { Type: Number, Default: 0 }
  Stage: { Type: String, Default: prod }
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NoTasks: !Equals [!Ref Count, 0]
  StageProd: !Equals [prod, !Ref Stage]
  Both: !And [!Condition NoTasks, !Condition StageProd]
  Either: !Or [!Condition IsProd, !Condition StageProd]
  Neither: !Not [!Condition Either]
  ProdAndTasks: !And [!Condition IsProd, !Not [!Condition NoTasks]]
  UnknownOr: !Or [!Condition IsProd, !Equals [a, b]]`;

  it('evaluates Equals, And, Or, Not and Condition on known values; three-valued on tokens', () => {
    const { r } = props(x('A: 1', extra));
    const at = { file: F, line: 1, column: 1 };
    expect(r.condition('NoTasks', at)).toBe(true); // Default 0 (a number) equals "0"
    expect(r.condition('StageProd', at)).toBe(true);
    expect(r.condition('Both', at)).toBe(true);
    expect(r.condition('IsProd', at)).toBeUndefined();
    expect(r.condition('Either', at)).toBe(true); // true OR unknown
    expect(r.condition('Neither', at)).toBe(false);
    expect(r.condition('ProdAndTasks', at)).toBe(false); // unknown AND false
    expect(r.condition('UnknownOr', at)).toBeUndefined();
    expect(r.diagnostics).toEqual([]);
  });

  it('takes the branch of a known condition; NoValue removes the property', () => {
    const { value } = props(x(`A: !If [StageProd, yes, no]\nB: !If [Neither, yes, !Ref AWS::NoValue]\nC: !If [Both, [1, 2], {k: v}]`, extra));
    expect(value('A')).toBe('yes');
    expect(value('B')).toBeUndefined();
    expect(value('C')).toEqual([1, 2]);
  });

  it('gives a string-valued If on an unknown condition a token, the same for the same expression only', () => {
    const { r, value } = props(
      x(`A: !If [IsProd, arn:a, arn:b]\nB: !If [IsProd, arn:a, arn:b]\nC: !If [IsProd, arn:c, arn:b]\nD: !If [IsProd, same, same]\nE: !If [IsProd, !Ref AWS::NoValue, x]\nF: !If [IsProd, !Ref AWS::NoValue, !Ref AWS::NoValue]`, extra),
    );
    expect(value('A')).toMatch(/^\uE000If:IsProd#[0-9a-f]{8}@stack\.yaml\uE001$/);
    expect(value('B')).toBe(value('A'));
    expect(value('C')).not.toBe(value('A'));
    expect(value('D')).toBe('same');
    expect(value('E')).toMatch(/If:IsProd#/);
    expect(value('F')).toBeUndefined();
    expect(r.diagnostics).toEqual([]);
  });

  it('takes the true branch of a structured If on an unknown condition, with a note naming the unknown', () => {
    const { r, value, at } = props(x(`Statement: !If\n  - IsProd\n  - [{Effect: Allow, Action: 's3:*'}]\n  - !Ref AWS::NoValue`, extra));
    expect(value('Statement')).toEqual([{ Effect: 'Allow', Action: 's3:*' }]);
    expect(r.diagnostics).toEqual([expect.objectContaining({ rule: 'unresolved-reference', severity: 'note', loc: at('- IsProd') })]);
    expect(r.diagnostics[0].message).toBe('condition "IsProd" is not determined by the template (it depends on ${Param:Env}): the true branch of this Fn::If is assumed');
  });

  it('reports undefined and circular conditions', () => {
    const { r, value } = props(x(`A: !If [Nope, a, b]\nB: !If [Loop1, a, b]`, 'Conditions:\n  Loop1: !Not [!Condition Loop2]\n  Loop2: !Not [!Condition Loop1]'));
    expect(value('A')).toMatch(/If:Nope#/);
    expect(value('B')).toMatch(/If:Loop1#/);
    expect(r.diagnostics.map((d) => [d.severity, d.message])).toEqual([
      ['error', 'condition "Nope" is not defined in Conditions'],
      ['error', 'circular condition: Loop1 → Loop2 → Loop1'],
    ]);
  });

  it('skips nothing for a resource without Condition and evaluates one with', () => {
    const { r } = template(
      `${extra}\n  Never: !Equals [a, b]\nResources:\n  A: { Type: AWS::SNS::Topic }\n  B: { Type: AWS::SNS::Topic, Condition: Never }\n  C: { Type: AWS::SNS::Topic, Condition: IsProd }\n  D: { Type: AWS::SNS::Topic, Condition: Neither }`,
    );
    // Neither is false only under the parameter defaults: another deployment may create D.
    expect(['A', 'B', 'C', 'D'].map((id) => r.resourceCondition(id))).toEqual([true, false, undefined, undefined]);
  });
});

describe('Fn::FindInMap', () => {
  const extra = `Parameters:
  Env: { Type: String, Default: prod }
Mappings:
  Accounts:
    prod: { Id: '111122223333', Team: platform }
    dev: { Id: '444455556666', Team: platform }
  Lists:
    prod: { Subnets: [a, b] }`;

  it('looks up known keys, keys given by Ref, and list values', () => {
    const { value } = props(x(`A: !FindInMap [Accounts, !Ref Env, Id]\nB: !FindInMap [Lists, prod, Subnets]\nC: !Select [1, !FindInMap [Lists, prod, Subnets]]`, extra));
    expect(value('A')).toBe('111122223333');
    expect(value('B')).toEqual(['a', 'b']);
    expect(value('C')).toBe('b');
  });

  it('with an unknown top-level key gives the value every entry agrees on, else a token', () => {
    const { r, value } = props(x(`A: !FindInMap [Accounts, !Ref AWS::Region, Team]\nB: !FindInMap [Accounts, !Ref AWS::Region, Id]`, extra));
    expect(value('A')).toBe('platform');
    expect(value('B')).toBe(T('FindInMap:Accounts/${AWS::Region}/Id'));
    expect(r.diagnostics).toEqual([]);
  });

  it('reports missing maps and keys unless a DefaultValue is given', () => {
    const { r, value, at } = props(x(`A: !FindInMap [Accounts, test, Id]\nB: !FindInMap [Nope, a, b]\nC: !FindInMap [Accounts, test, Id, {DefaultValue: '000000000000'}]`, extra));
    expect(value('A')).toBe(T('FindInMap:Accounts/test/Id'));
    expect(value('B')).toBe(T('FindInMap:Nope/a/b'));
    expect(value('C')).toBe('000000000000');
    expect(r.diagnostics.map((d) => [d.rule, d.severity, d.loc, d.message])).toEqual([
      ['invalid-input', 'error', at('[Accounts, test, Id]'), 'Fn::FindInMap: mapping "Accounts" has no key "test"'],
      ['invalid-input', 'error', at('[Nope'), 'Fn::FindInMap: no mapping "Nope" in Mappings'],
    ]);
  });
});

describe('other functions', () => {
  it('gives ImportValue, GetAZs, Cidr and Transform tokens; computes Base64, ToJsonString and Length', () => {
    const { r, value } = props(
      x(
        `A: {'Fn::ImportValue': !Sub '\${AWS::StackName}-Vpc'}\nB: !ImportValue net-Vpc\nC: !Select [0, !GetAZs '']\nD: {'Fn::GetAZs': !Ref AWS::Region}\nE: !Cidr [10.0.0.0/16, 4, 8]\nF: !Base64 hello\nG: {'Fn::Base64': !Ref AWS::Region}\nH: !ToJsonString {a: [1, !Ref AWS::Region]}\nI: !Length [a, b, c]\nJ: {'Fn::Transform': {Name: AWS::Include, Parameters: {Location: s3://b/k}}}`,
      ),
    );
    expect(value('A')).toBe(T('Import:${AWS::StackName}-Vpc'));
    expect(value('B')).toBe(T('Import:net-Vpc'));
    expect(value('C')).toContain('Select#');
    expect(value('D')).toBe(T('GetAZs:${AWS::Region}'));
    expect(value('E')).toMatch(/Cidr#/);
    expect(value('F')).toBe('aGVsbG8=');
    expect(value('G')).toMatch(/Base64#/);
    expect(value('H')).toBe(`{"a":[1,"${R}"]}`);
    expect(value('I')).toBe(3);
    expect(value('J')).toMatch(/Transform#/);
    expect(r.diagnostics).toEqual([expect.objectContaining({ severity: 'note', message: expect.stringContaining('AWS::Include') })]);
  });

  it('reports an unknown Fn:: at its key, listing the known functions, and keeps going', () => {
    const { r, value, at } = props(x(`A:\n  Fn::Frobnicate: [a, b]\nB: {'Fn::Equals': [a, a]}\nC: {'Fn::Sub': 'ok', other: 1}`));
    expect(value('A')).toMatch(/^\uE000Fn::Frobnicate#[0-9a-f]{8}@stack\.yaml\uE001$/);
    expect(value('B')).toMatch(/Fn::Equals#/);
    // Not a single-key map: plain data.
    expect(value('C')).toEqual({ 'Fn::Sub': 'ok', other: 1 });
    expect(r.diagnostics).toHaveLength(2);
    expect(r.diagnostics[0]).toMatchObject({ rule: 'invalid-input', severity: 'error', loc: at('Fn::Frobnicate') });
    expect(r.diagnostics[0].message).toMatch(/^unknown intrinsic function "Fn::Frobnicate" \(known: Ref, Fn::Base64, .*Fn::Sub/);
    expect(r.diagnostics[1]).toMatchObject({ severity: 'error', loc: at("'Fn::Equals'") });
    expect(r.diagnostics[1].message).toContain('can only be used in Conditions');
  });
});

describe('cycles and depth', () => {
  it('reports a resource whose name refers back to itself and still gives a value', () => {
    const yaml = `Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub '\${Role.Arn}-x'`;
    const { r } = template(yaml);
    const at = { file: F, line: 1, column: 1 };
    expect(r.refText('Role', at)).toBe(`${T('Role.Arn')}-x`);
    expect(r.diagnostics).toEqual([
      { rule: 'invalid-input', severity: 'error', message: 'circular reference: Role → Role (CloudFormation rejects the template)', loc: pos(yaml, "'${Role.Arn}") },
    ]);
  });

  it('reports a cycle through several resources once', () => {
    const { r } = template(`Resources:
  A:
    Type: AWS::Logs::LogGroup
    Properties: { LogGroupName: !Sub '\${B}-a' }
  B:
    Type: AWS::Logs::LogGroup
    Properties: { LogGroupName: !Join ['-', [!GetAtt C.Arn, b]] }
  C:
    Type: AWS::Logs::LogGroup
    Properties: { LogGroupName: !Ref A }`);
    const at = { file: F, line: 1, column: 1 };
    const a = r.refText('A', at);
    expect(a).toContain(T('A'));
    r.refText('B', at);
    r.refText('C', at);
    expect(r.diagnostics.map((d) => d.message)).toEqual(['circular reference: A → B → C → A (CloudFormation rejects the template)']);
  });

  it('reports a resource whose own properties refer to it', () => {
    const { r } = template(`Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: exec
      Policies:
        - PolicyName: self
          PolicyDocument: { Statement: [{ Effect: Allow, Action: 'iam:PassRole', Resource: !GetAtt Role.Arn }] }`);
    r.properties('Role');
    expect(r.diagnostics.map((d) => [d.message, d.loc.line])).toEqual([['circular reference: Role → Role (CloudFormation rejects the template)', 8]]);
  });

  it('stops at a depth limit instead of overflowing the stack', () => {
    let json = '"x"';
    for (let i = 0; i < 400; i++) json = `{"Fn::Base64": ${json}}`;
    const root = parseJson(`{"Resources": {"X": {"Type": "AWS::SNS::Topic", "Properties": {"A": ${json}}}}}`, 'deep.json');
    const r = new CfnResolver(root, 'deep.json');
    expect(() => r.properties('X')).not.toThrow();
    expect(r.diagnostics.map((d) => d.message)).toEqual([expect.stringContaining('levels deep: not resolved')]);
  });

  it('follows a long chain of references between resources', () => {
    const n = 40;
    const lines = ['Resources:'];
    for (let i = 0; i < n; i++) {
      const name = i === n - 1 ? 'end' : `!Sub '\${G${i + 1}}'`;
      lines.push(`  G${i}:`, '    Type: AWS::Logs::LogGroup', `    Properties: { LogGroupName: ${name} }`);
    }
    const { r } = template(lines.join('\n'));
    expect(r.refText('G0', { file: F, line: 1, column: 1 })).toBe('end');
    expect(r.diagnostics).toEqual([]);
  });
});

describe('hostile text', () => {
  it('splits a literal holding a stray token opener without hanging', () => {
    const { value } = props(x("A: !Split [',', \"a,\\uE000b,c\"]"));
    expect(value('A')).toEqual(['a', '\uE000b', 'c']);
  });
});
