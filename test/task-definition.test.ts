import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRoleName, isTaskDefinition, readTaskDefinitions } from '../src/sources/task-definition.js';
import { InputError, parseJson, parseYamlDocument } from '../src/sources/nodes.js';
import { token, type Inventory, type Loc, type TaskDefinition } from '../src/model.js';

const DIR = 'test/data/task-definition';
const DESCRIBE = `${DIR}/describe-output.json`;
const REGISTER = `${DIR}/register-input.json`;
const LIST = `${DIR}/list.json`;
const INVALID = `${DIR}/invalid.json`;
const EMPTY = `${DIR}/no-containers.json`;

function read(file: string): Inventory {
  const root = parseJson(readFileSync(join(import.meta.dirname, '..', file), 'utf8'), file);
  expect(isTaskDefinition(root)).toBe(true);
  return readTaskDefinitions(root, file);
}

const at = (file: string, line: number, column: number): Loc => ({ file, line, column });
const val = (value: string, file: string, line: number, column: number) => ({ value, loc: at(file, line, column) });

/** Positions dropped: what the model says, whatever file it was written in. */
function withoutLocs(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (k, x) => (k === 'loc' ? undefined : x)));
}

describe('DescribeTaskDefinition output', () => {
  const inv = read(DESCRIBE);
  const td = inv.taskDefinitions[0];

  it('reads one task definition without diagnostics', () => {
    expect(inv.diagnostics).toEqual([]);
    expect(inv.taskDefinitions).toHaveLength(1);
    expect(inv.roles).toEqual([]);
  });

  it('takes id, partition, region and account from taskDefinitionArn', () => {
    expect(td).toMatchObject({
      id: 'arn:aws:ecs:us-east-1:111122223333:task-definition/payments-api:7',
      arn: 'arn:aws:ecs:us-east-1:111122223333:task-definition/payments-api:7',
      family: 'payments-api',
      source: 'task-definition',
      loc: at(DESCRIBE, 2, 23),
      partition: 'aws',
      region: 'us-east-1',
      account: '111122223333',
      requiresCompatibilities: ['EC2'],
    });
  });

  it('keeps the role references with their Locs', () => {
    expect(td.executionRole).toEqual(val('arn:aws:iam::111122223333:role/ecsTaskExecutionRole', DESCRIBE, 105, 29));
    expect(td.taskRole).toEqual(val('arn:aws:iam::111122223333:role/payments-task', DESCRIBE, 104, 24));
  });

  it('reads the containers', () => {
    expect(td.containers.map((c) => [c.name, c.loc])).toEqual([
      ['app', at(DESCRIBE, 5, 13)],
      ['log_router', at(DESCRIBE, 52, 13)],
      ['audit-shipper', at(DESCRIBE, 79, 13)],
    ]);
    const [app, router, shipper] = td.containers;
    expect(app).toEqual({
      name: 'app',
      loc: at(DESCRIBE, 5, 13),
      image: val('111122223333.dkr.ecr.us-east-1.amazonaws.com/payments/api:1.4.2', DESCRIBE, 7, 26),
      secrets: [
        { name: 'DB_PASSWORD', valueFrom: val('arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf:password::', DESCRIBE, 34, 38) },
        { name: 'FEATURE_FLAG', valueFrom: val('/payments/feature-flag', DESCRIBE, 38, 38) },
      ],
      logDriver: val('awslogs', DESCRIBE, 42, 34),
      logOptions: {
        'awslogs-group': val('/ecs/payments-api', DESCRIBE, 44, 42),
        'awslogs-create-group': val('true', DESCRIBE, 45, 49),
        'awslogs-region': val('us-east-1', DESCRIBE, 46, 43),
        'awslogs-stream-prefix': val('api', DESCRIBE, 47, 50),
      },
      logSecretOptions: [],
      environmentFiles: [{ type: 's3', value: val('arn:aws:s3:::payments-config/api/prod.env', DESCRIBE, 25, 34) }],
    });
    expect(router.firelens).toEqual({
      type: 'fluentbit',
      options: {
        'config-file-type': val('s3', DESCRIBE, 73, 45),
        'config-file-value': val('arn:aws:s3:::payments-config/fluent-bit/extra.conf', DESCRIBE, 74, 46),
      },
    });
    expect(router.image).toEqual(val('906394416424.dkr.ecr.us-east-1.amazonaws.com/aws-for-fluent-bit:stable', DESCRIBE, 54, 26));
    expect(shipper.credentialsParameter).toEqual(val('arn:aws:secretsmanager:us-east-1:111122223333:secret:ghcr-pull-XyZ123', DESCRIBE, 83, 45));
    expect(shipper.logDriver).toEqual(val('awsfirelens', DESCRIBE, 88, 34));
    expect(shipper.logOptions).toEqual({ Name: val('splunk', DESCRIBE, 90, 33), Host: val('splunk.example.com', DESCRIBE, 91, 33) });
    expect(shipper.logSecretOptions).toEqual([
      { name: 'Splunk_Token', valueFrom: val('arn:aws:ssm:us-east-1:111122223333:parameter/payments/splunk-token', DESCRIBE, 96, 42) },
    ]);
    expect(shipper.secrets).toEqual([]);
    expect(shipper.firelens).toBeUndefined();
  });

  it('reads the network mode and the launch types ECS computed', () => {
    expect(td.networkMode).toBe('awsvpc');
    expect(td.compatibilities).toEqual(['EC2']);
  });

  it('reads FSx for Windows credentials (E25)', () => {
    expect(td.fsxCredentials).toEqual([val('arn:aws:secretsmanager:us-east-1:111122223333:secret:fsx-admin-AbCdEf', DESCRIBE, 115, 49)]);
  });
});

describe('RegisterTaskDefinition input of the same task definition', () => {
  const described = read(DESCRIBE).taskDefinitions[0];
  const inv = read(REGISTER);
  const td = inv.taskDefinitions[0];

  it('gives the same model apart from id, ARN and region', () => {
    expect(inv.diagnostics).toEqual([]);
    const strip = (t: TaskDefinition) => {
      // `compatibilities` is what ECS computes on registration: only the described form has it.
      const { id: _i, arn: _a, region: _r, compatibilities: _c, ...rest } = t;
      return withoutLocs(rest);
    };
    expect(strip(td)).toEqual(strip(described));
  });

  it('has no ARN: file#family id, account and partition from the execution role ARN, region unknown', () => {
    expect(td.id).toBe(`${REGISTER}#payments-api`);
    expect(td.arn).toBeUndefined();
    expect(td.loc).toEqual(at(REGISTER, 1, 1));
    expect(td.account).toBe('111122223333');
    expect(td.partition).toBe('aws');
    expect(td.region).toBe(token(`Region@${REGISTER}`));
  });

  it('reads the network mode; no computed compatibilities in an input', () => {
    expect(td.networkMode).toBe('awsvpc');
    expect(td.compatibilities).toBeUndefined();
  });

  it('keeps Locs in its own file', () => {
    expect(td.executionRole).toEqual(val('arn:aws:iam::111122223333:role/ecsTaskExecutionRole', REGISTER, 4, 23));
    expect(td.containers[0].secrets[1].valueFrom).toEqual(val('/payments/feature-flag', REGISTER, 19, 48));
    expect(td.containers[2].logOptions.Host).toEqual(val('splunk.example.com', REGISTER, 61, 48));
    expect(td.fsxCredentials[0].loc).toEqual(at(REGISTER, 75, 35));
  });
});

describe('lists of task definitions', () => {
  const inv = read(LIST);

  it('reads every task definition, wrapped or not, and reports the item that is not one', () => {
    expect(inv.taskDefinitions.map((t) => [t.id, t.loc])).toEqual([
      ['arn:aws-us-gov:ecs:us-gov-west-1:210987654321:task-definition/batch:3', at(LIST, 3, 5)],
      [`${LIST}#batch`, at(LIST, 14, 25)],
      // A second `file#family` in one file: made unique by its position in the list.
      [`${LIST}#batch#3`, at(LIST, 22, 5)],
    ]);
    expect(inv.diagnostics).toEqual([
      {
        rule: 'invalid-input',
        severity: 'note',
        message:
          'task definition batch: executionRoleArn is documented to take a role ARN, and "batch-exec" is a role name, which ECS completes in practice (only taskRoleArn is documented to take one): ' +
          'write arn:<partition>:iam::<account>:role/batch-exec',
        loc: at(LIST, 16, 29),
      },
      { rule: 'invalid-input', severity: 'error', message: 'item 4 of the list is not an ECS task definition (no containerDefinitions)', loc: at(LIST, 28, 5) },
    ]);
  });

  it('takes the GovCloud context from the ARN', () => {
    expect(inv.taskDefinitions[0]).toMatchObject({ partition: 'aws-us-gov', region: 'us-gov-west-1', account: '210987654321', requiresCompatibilities: ['FARGATE'] });
  });

  it('uses file-scoped tokens when nothing names the account (a role name is not an ARN)', () => {
    const [, byName, noRole] = inv.taskDefinitions;
    expect(byName.executionRole).toEqual(val('batch-exec', LIST, 16, 29));
    for (const t of [byName, noRole]) {
      expect(t.region).toBe(token(`Region@${LIST}`));
      expect(t.account).toBe(token(`Account@${LIST}`));
      expect(t.partition).toBe(token(`Partition@${LIST}`));
    }
    expect(noRole.executionRole).toBeUndefined();
    expect(noRole.taskRole).toBeUndefined();
  });
});

describe('invalid task definitions', () => {
  it('reports missing and mistyped fields at their place, and still reads what it can', () => {
    const inv = read(INVALID);
    const diag = (line: number, column: number, message: string) => ({ rule: 'invalid-input', severity: 'error', message, loc: at(INVALID, line, column) });
    expect(inv.diagnostics).toEqual([
      diag(5, 5, 'task definition broken: containerDefinitions[0] has no name'),
      diag(8, 5, 'task definition broken: container no-image has no image'),
      diag(21, 18, 'task definition broken: container no-image: secrets must be a list'),
      diag(15, 35, 'task definition broken: container no-image: logConfiguration.options.awslogs-create-group must be a string, found boolean true (the ECS API rejects it; write "true")'),
      diag(18, 11, 'task definition broken: container no-image: logConfiguration.secretOptions: each secret needs both name and valueFrom'),
      diag(23, 5, 'task definition broken: containerDefinitions[2] must be an object'),
    ]);
    const [unnamed, noImage] = inv.taskDefinitions[0].containers;
    expect(inv.taskDefinitions[0].containers).toHaveLength(2);
    expect(unnamed.name).toBe('#1');
    expect(unnamed.image?.value).toBe('111122223333.dkr.ecr.us-east-1.amazonaws.com/app:1');
    expect(noImage.image).toBeUndefined();
    // The boolean is read as the text the agent would have had to be given.
    expect(noImage.logOptions['awslogs-create-group']).toEqual(val('true', INVALID, 15, 35));
    // A lone secret object is reported and still read, so its needs are not lost.
    expect(noImage.secrets).toEqual([{ name: 'X', valueFrom: val('/x', INVALID, 21, 46) }]);
    expect(noImage.logSecretOptions).toEqual([]);
  });

  it('reports a task definition without containerDefinitions (account from the task role ARN)', () => {
    const inv = read(EMPTY);
    expect(inv.diagnostics).toEqual([
      { rule: 'invalid-input', severity: 'error', message: 'task definition empty has no containerDefinitions', loc: at(EMPTY, 1, 1) },
    ]);
    expect(inv.taskDefinitions[0]).toMatchObject({ family: 'empty', containers: [], account: '111122223333', partition: 'aws' });
  });

  it('reports a missing family and non-list containerDefinitions', () => {
    const root = parseJson('{\n  "executionRoleArn": "arn:aws:iam::111122223333:role/x",\n  "containerDefinitions": {"name": "a", "image": "b"}\n}', 'td.json');
    expect(isTaskDefinition(root)).toBe(true);
    const inv = readTaskDefinitions(root, 'td.json');
    expect(inv.diagnostics.map((d) => [d.loc.line, d.loc.column, d.message])).toEqual([
      [1, 1, 'task definition has no family (RegisterTaskDefinition requires it)'],
      [3, 27, 'task definition: containerDefinitions must be a list'],
    ]);
    expect(inv.taskDefinitions[0].id).toBe('td.json#task-definition-1');
  });

  it('treats empty role ARNs as absent (generators write "" for no value)', () => {
    const root = parseJson('{"family": "f", "executionRoleArn": "", "taskRoleArn": "", "containerDefinitions": [{"name": "a", "image": "nginx"}]}', 'td.json');
    const inv = readTaskDefinitions(root, 'td.json');
    expect(inv.diagnostics).toEqual([]);
    expect(inv.taskDefinitions[0].executionRole).toBeUndefined();
    expect(inv.taskDefinitions[0].taskRole).toBeUndefined();
  });

  it('reads YAML positions too (the reader works on Nodes)', () => {
    const file = 'td.yaml';
    const root = parseYamlDocument('family: web\nexecutionRoleArn: arn:aws:iam::111122223333:role/exec\ncontainerDefinitions:\n  - name: web\n    image: nginx:1.27\n', file)!;
    const inv = readTaskDefinitions(root, file);
    expect(inv.taskDefinitions[0].containers[0].image).toEqual(val('nginx:1.27', file, 5, 12));
    expect(inv.taskDefinitions[0].executionRole).toEqual(val('arn:aws:iam::111122223333:role/exec', file, 2, 19));
  });
});

describe('isTaskDefinition', () => {
  const is = (v: unknown) => isTaskDefinition(parseJson(JSON.stringify(v), 'x.json'));
  it.each([
    [{ family: 'f', containerDefinitions: [] }, true],
    [{ containerDefinitions: [{ name: 'a', image: 'b' }] }, true],
    [{ family: 'f', taskRoleArn: 'arn:aws:iam::1:role/r' }, true],
    [{ taskDefinition: { family: 'f', containerDefinitions: [] }, tags: [] }, true],
    [{ taskDefinitions: [{ family: 'f', containerDefinitions: [] }, { other: 1 }] }, true],
    [[{ family: 'f', containerDefinitions: [] }, { taskDefinition: { family: 'g', containerDefinitions: [] } }], true],
    [{ family: 'f' }, false],
    [{ taskDefinitions: [] }, false],
    [{ taskDefinitions: [{ other: 1 }] }, false],
    [[{ family: 'f', containerDefinitions: [] }, { other: 1 }], false],
    [[{ name: 'web', image: 'nginx' }], false],
    [[], false],
    [{ Resources: { TD: { Type: 'AWS::ECS::TaskDefinition', Properties: { ContainerDefinitions: [] } } } }, false],
    [{ RoleDetailList: [] }, false],
  ])('%j → %s', (v, expected) => {
    expect(is(v)).toBe(expected);
  });
});

// Real-world task definitions (register-task-definition JSON from public repositories), on the
// development machines only.
const CORPUS = '/work/shared/data/corpus/task-definitions';

describe.skipIf(!existsSync(CORPUS))('public task definitions', () => {
  it('recognises and reads every one that is valid JSON, without exceptions', () => {
    let read = 0;
    const diagnostics: string[] = [];
    for (const f of readdirSync(CORPUS)) {
      let root;
      try {
        root = parseJson(readFileSync(join(CORPUS, f), 'utf8'), f);
      } catch (e) {
        // A few are templates with placeholders, not JSON.
        expect(e).toBeInstanceOf(InputError);
        continue;
      }
      expect(isTaskDefinition(root), f).toBe(true);
      const inv = readTaskDefinitions(root, f);
      expect(inv.taskDefinitions.length, f).toBeGreaterThan(0);
      for (const td of inv.taskDefinitions) expect(td.containers.length, f).toBeGreaterThan(0);
      diagnostics.push(...inv.diagnostics.map((d) => `${f}:${d.loc.line} ${d.message}`));
      read++;
    }
    expect(read).toBeGreaterThan(40);
    // The one real mistake among them: a FireLens sample gives secretOptions as an object.
    expect(diagnostics).toEqual([
      'aws-samples__amazon-ecs-firelens-examples__examples__fluent-bit__signalfx__task-definition.json:31 task definition firelens-example-signalfx: container app: logConfiguration.secretOptions must be a list',
    ]);
  });
});

describe('launch-type fields', () => {
  const readText = (v: unknown) => readTaskDefinitions(parseJson(JSON.stringify(v, null, 2), 'lt.json'), 'lt.json');
  const base = { family: 'f', containerDefinitions: [{ name: 'a', image: 'nginx' }] };

  it('absent: no network mode, no computed compatibilities', () => {
    const [td] = readText(base).taskDefinitions;
    expect(td.networkMode).toBeUndefined();
    expect(td.compatibilities).toBeUndefined();
    expect(td.requiresCompatibilities).toEqual([]);
  });

  it('in a DescribeTaskDefinition response', () => {
    const inv = readText({ taskDefinition: { ...base, networkMode: 'bridge', compatibilities: ['EXTERNAL', 'EC2'] } });
    expect(inv.diagnostics).toEqual([]);
    expect(inv.taskDefinitions[0]).toMatchObject({ networkMode: 'bridge', compatibilities: ['EXTERNAL', 'EC2'] });
  });

  it('an empty computed list is kept (it is known); a wrong shape is reported', () => {
    expect(readText({ ...base, compatibilities: [] }).taskDefinitions[0].compatibilities).toEqual([]);
    const inv = readText({ ...base, compatibilities: 'EC2', networkMode: 5 });
    expect(inv.diagnostics.map((d) => d.message)).toEqual([
      'task definition f: networkMode must be a string, found number 5 (the ECS API rejects it; write "5")',
      'task definition f: compatibilities must be a list of strings',
    ]);
  });
});

describe('executionRoleArn given as a role name', () => {
  const readText = (executionRoleArn: string) =>
    readTaskDefinitions(parseJson(JSON.stringify({ family: 'f', executionRoleArn, containerDefinitions: [{ name: 'a', image: 'nginx' }] }), 'r.json'), 'r.json');

  it.each(['ecsTaskExecutionRole', 'my.role+x=y,z@corp-1_2'])('%s: a warning at the value', (name) => {
    const inv = readText(name);
    expect(inv.diagnostics).toEqual([
      expect.objectContaining({ rule: 'invalid-input', severity: 'note', loc: at('r.json', 1, 34) }),
    ]);
    expect(inv.diagnostics[0].message).toContain(`"${name}" is a role name`);
    // Still read: the linker may find the role by name.
    expect(inv.taskDefinitions[0].executionRole?.value).toBe(name);
  });

  it.each(['arn:aws:iam::111122223333:role/ecsTaskExecutionRole', 'arn:aws-cn:iam::111122223333:role/path/x', '{{execution-role-arn}}', '${EXECUTION_ROLE}'])(
    '%s: not judged a name',
    (value) => expect(readText(value).diagnostics).toEqual([]),
  );

  it('the task role may be a name', () => {
    const inv = readTaskDefinitions(parseJson('{"family":"f","taskRoleArn":"app","containerDefinitions":[{"name":"a","image":"b"}]}', 'r.json'), 'r.json');
    expect(inv.diagnostics).toEqual([]);
  });

  it('isRoleName: tokens decide nothing, except the name CloudFormation generates for a role', () => {
    expect(isRoleName(token('ExecRole.RoleName@s.yaml'))).toBe(true);
    expect(isRoleName(token('Param:ExecutionRole@s.yaml'))).toBe(false);
    expect(isRoleName(token('Import:shared-exec-role@s.yaml'))).toBe(false);
    expect(isRoleName(`${token('AWS::StackName@s.yaml')}-exec`)).toBe(false);
    expect(isRoleName(`exec-${token('AWS::StackName@s.yaml')}`)).toBe(true);
    expect(isRoleName(`arn:${token('AWS::Partition@s.yaml')}:iam::${token('AWS::AccountId@s.yaml')}:role/x`)).toBe(false);
    expect(isRoleName('')).toBe(false);
    expect(isRoleName('x'.repeat(65))).toBe(false);
  });
});
