// `rolefit explain` as users run it: the built bundle (node scripts/build.mjs) in a child process,
// its stdout, stderr and exit code (0 allowed, 1 otherwise, 2 errors).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';

const repo = join(import.meta.dirname, '..');
const bin = join(repo, 'bin', 'rolefit.js');

function run(args: string[], cwd = repo) {
  const env = { ...process.env };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const schema = JSON.parse(readFileSync(join(repo, 'policies', 'schema', 'explain.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

const DUMP = 'fixtures/ecs-taskdef-iam-dump';
const STREAM = 'arn:aws:logs:eu-west-1:444455556666:log-group:/ecs/payments-api:log-stream:api/api/0123';

describe('rolefit explain ROLE PATHS', () => {
  it('a missing permission: not allowed, naming the statement with file:line, exit 1', () => {
    const r = run(['explain', 'payments-api-execution', DUMP, '--action', 'logs:CreateLogStream', '--resource', STREAM]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe(`not allowed: logs:CreateLogStream on ${STREAM}`);
    expect(r.stdout).toMatch(/^fixtures\/ecs-taskdef-iam-dump\/iam-authorization-details\.json:16:\d+ {2}Allow statement "Logs" of inline policy payments-api-execution: does not apply$/m);
    expect(r.stdout).toContain('✗ resource    Resource arn:aws:logs:eu-west-1:444455556666:log-group:/ecs/payments-api does not cover the resource');
  });

  it('allowed: exit 0; a wildcard-only action needs no --resource', () => {
    const r = run(['explain', 'payments-api-execution', DUMP, '--action', 'ecr:GetAuthorizationToken']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^allowed: ecr:GetAuthorizationToken on \*$/m);
    expect(r.stdout).toContain('allowed by statement "EcrAuth" of inline policy payments-api-execution');
  });

  it('an explicit Deny: denied, exit 1; the role found by ARN', () => {
    const r = run(['explain', 'arn:aws:iam::777788889999:role/search-indexer-execution', 'fixtures/ecs-boundary-deny-dump', '--action', 'secretsmanager:GetSecretValue', '--resource', 'arn:aws:secretsmanager:us-west-2:777788889999:secret:search/admin-Tr5Vq9']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^denied: /);
    expect(r.stdout).toContain('explicitly denied by statement "NeverAdminCredentials" of inline policy search-indexer-secrets');
    expect(r.stdout).toMatch(/authorization-details\.json:\d+:\d+ {2}Deny statement "NeverAdminCredentials" of inline policy search-indexer-secrets: denies it/);
  });

  it('outside the permissions boundary: not allowed, exit 1', () => {
    const r = run(['explain', 'search-indexer-execution', 'fixtures/ecs-boundary-deny-dump', '--action', 'ssm:GetParameters', '--resource', 'arn:aws:ssm:us-west-2:777788889999:parameter/search/endpoint', '--format', 'json']);
    expect(r.code).toBe(1);
    const e = JSON.parse(r.stdout);
    expect(validate(e), JSON.stringify(validate.errors)).toBe(true);
    expect(e).toMatchObject({ decision: 'not-allowed', blockedByBoundary: true, hasBoundary: true });
  });

  it('--format json: the schema-valid explanation with statements, locations and unknown keys', () => {
    const r = run(['explain', 'payments-api-execution', DUMP, '--action', 'logs:CreateLogStream', '--resource', STREAM, '--format', 'json']);
    expect(r.code).toBe(1);
    const e = JSON.parse(r.stdout);
    expect(validate(e), JSON.stringify(validate.errors)).toBe(true);
    expect(e.decision).toBe('not-allowed');
    expect(e.unknownKeys).toEqual([]);
    expect(e.statements).toEqual([
      expect.objectContaining({ effect: 'Allow', policy: 'payments-api-execution', sid: 'Logs', location: { file: 'fixtures/ecs-taskdef-iam-dump/iam-authorization-details.json', line: 16, column: expect.any(Number) }, actionMatched: 'yes', resourceMatched: 'no', conditions: [] }),
    ]);
    expect(e.context.fromRole).toEqual(['aws:PrincipalArn', 'aws:PrincipalAccount', 'aws:username']);
  });

  it('a role whose managed policy is not resolved: depends, saying so', () => {
    const r = run(['explain', 'ExecutionRole', 'fixtures/ecs-unresolved-cfn', '--action', 'ecr:BatchGetImage', '--resource', 'arn:aws:ecr:us-east-1:111122223333:repository/inventory']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^depends: ecr:BatchGetImage/);
    expect(r.stdout).toContain('depends on policies of the role that could not be resolved');
    expect(r.stdout).toMatch(/^ {2}incomplete: .*policy arn:\$\{AWS::Partition\}:iam::\$\{AWS::AccountId\}:policy\/shared-ecr-pull /m);
  });

  it('a role not found: exit 2 with close matches', () => {
    const r = run(['explain', 'payments-api-exec', DUMP, '--action', 'ecr:GetAuthorizationToken']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^rolefit: role "payments-api-exec" not found in the scanned files \(3 roles\); did you mean payments-api-execution /);
  });

  it('unreadable inputs beside the role: the answer, the input errors with file:line, exit 2', () => {
    const r = run(['explain', 'payments-api-execution', DUMP, 'fixtures/malformed', '--action', 'ecr:GetAuthorizationToken']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^allowed: /);
    expect(r.stdout).toContain('note: 2 inputs could not be read');
    expect(r.stderr).toContain('fixtures/malformed/taskdef-missing-comma.json:5:5: input error: invalid JSON');
  });
});

describe('rolefit explain --policy', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rolefit-explain-'));
    const write = (name: string, doc: unknown) => writeFileSync(join(dir, name), typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2));
    write('app.json', {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'ReadHome', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/${aws:PrincipalTag/team}/*', Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } } },
        { Sid: 'OnlyInRegion', Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringNotEqualsIfExists: { 'aws:RequestedRegion': 'eu-west-1' } } },
        { Sid: 'Tagging', Effect: 'Allow', Action: 's3:PutObjectTagging', Resource: '*', Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env'] } } },
        { Sid: 'Kms', Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' },
      ],
    });
    write('boundary.yaml', 'Version: "2012-10-17"\nStatement:\n  - Effect: Allow\n    Action: ["s3:*"]\n    Resource: "*"\n');
    write('broken.json', '{\n  "Version": "2012-10-17",\n  "Statement": [\n    { "Effect": "Allow", "Action": "s3:GetObject" "Resource": "*" }\n  ]\n}\n');
    write('no-effect.json', { Version: '2012-10-17', Statement: [{ Action: 's3:GetObject', Resource: '*' }, { Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }] });
    write('trust.json', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const OBJ = 'arn:aws:s3:::data/blue/report.csv';

  it('condition keys not given: depends, listing them, exit 1', () => {
    const r = run(['explain', '--policy', 'app.json', '--action', 's3:GetObject', '--resource', OBJ, '--format', 'json'], dir);
    expect(r.code).toBe(1);
    const e = JSON.parse(r.stdout);
    expect(validate(e), JSON.stringify(validate.errors)).toBe(true);
    expect(e.decision).toBe('depends');
    expect([...e.unknownKeys].sort()).toEqual(['aws:PrincipalTag/team', 'aws:RequestedRegion', 'aws:SourceVpce']);
    expect(e.statements.map((s: { sid: string; location: { file: string; line: number } }) => [s.sid, s.location.file, s.location.line])).toEqual([
      ['ReadHome', 'app.json', 4],
      ['OnlyInRegion', 'app.json', 15],
    ]);
  });

  it('--context supplies them: allowed, exit 0', () => {
    const r = run(['explain', '--policy', 'app.json', '--action', 's3:GetObject', '--resource', OBJ, '--context', 'aws:PrincipalTag/team=blue', '--context', 'aws:SourceVpce=vpce-1', '--context', 'aws:RequestedRegion=eu-west-1'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^allowed: s3:GetObject on arn:aws:s3:::data\/blue\/report\.csv$/m);
    expect(r.stdout).toContain('✓ condition   StringEquals aws:SourceVpce "vpce-1" (line');
    expect(r.stdout).toContain('aws:SourceVpce is "vpce-1": holds');
    expect(r.stdout).toContain('keys not listed are unknown.');
  });

  it('--complete-context: keys not given are absent, not unknown', () => {
    const key = ['--action', 'kms:Decrypt', '--resource', 'arn:aws:kms:eu-west-1:1:key/k'];
    const open = run(['explain', '--policy', 'app.json', ...key], dir);
    expect(open.code).toBe(1);
    expect(open.stdout).toMatch(/^depends: /);
    expect(open.stdout).toContain('unknown condition keys: aws:RequestedRegion');
    // Absent, aws:RequestedRegion makes StringNotEqualsIfExists hold: the Deny applies.
    const absent = run(['explain', '--policy', 'app.json', ...key, '--complete-context'], dir);
    expect(absent.code).toBe(1);
    expect(absent.stdout).toMatch(/^denied: /);
    expect(absent.stdout).toContain('aws:RequestedRegion is absent from the request: holds (an …IfExists operator passes over an absent key)');
    expect(absent.stdout).toContain('Request context: no keys given; every key is absent.');
    const inRegion = run(['explain', '--policy', 'app.json', ...key, '--context', 'aws:RequestedRegion=eu-west-1', '--complete-context'], dir);
    expect(inRegion.code).toBe(0);
    expect(inRegion.stdout).toContain('Request context: aws:RequestedRegion=eu-west-1; keys not listed are absent.');
    const elsewhere = run(['explain', '--policy', 'app.json', '--action', 'kms:Decrypt', '--resource', 'arn:aws:kms:us-east-1:1:key/k', '--context', 'aws:RequestedRegion=us-east-1'], dir);
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stdout).toContain('explicitly denied by statement "OnlyInRegion" of policy app.json');
  });

  it('a key given twice is multivalued', () => {
    const args = ['explain', '--policy', 'app.json', '--action', 's3:PutObjectTagging', '--resource', OBJ, '--context', 'aws:RequestedRegion=eu-west-1', '--complete-context'];
    expect(run([...args, '--context', 'aws:TagKeys=team', '--context', 'aws:TagKeys=env'], dir).code).toBe(0);
    const r = run([...args, '--context', 'aws:TagKeys=team', '--context', 'aws:TagKeys=owner'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('aws:TagKeys is ["team", "owner"]: fails');
  });

  it('--boundary: within it allowed, outside it not allowed', () => {
    const ctx = ['--context', 'aws:RequestedRegion=eu-west-1'];
    expect(run(['explain', '--policy', 'app.json', '--boundary', 'boundary.yaml', '--action', 's3:PutObjectTagging', '--resource', OBJ, ...ctx, '--context', 'aws:TagKeys=team'], dir).code).toBe(0);
    const r = run(['explain', '--policy', 'app.json', '--boundary', 'boundary.yaml', '--action', 'kms:Decrypt', '--resource', 'arn:aws:kms:eu-west-1:1:key/k', ...ctx], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^not allowed: kms:Decrypt/);
    expect(r.stdout).toContain('the identity policies allow it, but the permissions boundary boundary.yaml does not');
  });

  it('an unreadable policy file: exit 2 with file:line', () => {
    const r = run(['explain', '--policy', 'broken.json', '--action', 's3:GetObject', '--resource', OBJ], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^rolefit: broken\.json:4:\d+: invalid JSON: comma expected\n$/);
    expect(run(['explain', '--policy', 'missing.json', '--action', 's3:GetObject', '--resource', OBJ], dir).stderr).toBe('rolefit: missing.json:1:1: no such file\n');
  });

  it('an invalid policy document: the answer from what could be read, the errors with file:line, exit 2', () => {
    const r = run(['explain', '--policy', 'no-effect.json', '--action', 's3:ListBucket', '--resource', 'arn:aws:s3:::data'], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^allowed: /);
    expect(r.stderr).toMatch(/^no-effect\.json:\d+:\d+: error: standalone policy no-effect\.json: statement has no Effect$/m);
  });

  it('a trust policy is not an identity policy: exit 2', () => {
    const r = run(['explain', '--policy', 'trust.json', '--action', 's3:GetObject', '--resource', OBJ], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^rolefit: trust\.json:1:1: a trust policy/);
  });
});

describe('rolefit explain: usage errors exit 2', () => {
  const base = ['explain', 'payments-api-execution', DUMP];
  const cases: Array<[string, string[], RegExp]> = [
    ['an unknown action', [...base, '--action', 'ecr:GetAuthorisationToken'], /^rolefit: --action ecr:GetAuthorisationToken: "ecr:GetAuthorisationToken" matches no ecr action \(did you mean ecr:GetAuthorizationToken\?\)\n$/],
    ['an action pattern', [...base, '--action', 'logs:*'], /one concrete action, not a pattern/],
    ['no --action', [...base], /required option '--action <action>' not specified/],
    ['no --resource for a resource-level action', [...base, '--action', 'logs:CreateLogStream'], /--resource is required: logs:CreateLogStream is authorized per resource/],
    ['a resource that is not an ARN', [...base, '--action', 'logs:CreateLogStream', '--resource', 'my-stream'], /expected an ARN/],
    ['a --context without =', [...base, '--action', 'ecr:GetAuthorizationToken', '--context', 'aws:SourceVpce'], /--context aws:SourceVpce: expected KEY=VALUE/],
    ['neither ROLE nor --policy', ['explain', '--action', 'ecr:GetAuthorizationToken'], /give a ROLE \(with the PATHS that define it\) or --policy FILE/],
    ['ROLE with --policy', [...base, '--policy', 'x.json', '--action', 'ecr:GetAuthorizationToken'], /with --policy, give no ROLE or PATHS/],
    ['--boundary without --policy', [...base, '--boundary', 'x.json', '--action', 'ecr:GetAuthorizationToken'], /--boundary goes with --policy/],
    ['an unknown format', [...base, '--action', 'ecr:GetAuthorizationToken', '--format', 'xml'], /argument 'xml' is invalid/],
  ];
  for (const [name, args, message] of cases) {
    it(name, () => {
      const r = run(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    });
  }
});
