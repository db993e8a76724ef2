// E8, E9: shipping container output with the `awslogs` log driver (domain.md §1.6).
import { display, hasToken, type Container } from '../model.js';
import type { ErScope } from './er-scope.js';

/** Go's strconv.ParseBool, which both the Docker awslogs driver and Fargate use; undefined if invalid. */
export function parseGoBool(s: string): boolean | undefined {
  switch (s) {
    case '1':
    case 't':
    case 'T':
    case 'true':
    case 'True':
    case 'TRUE':
      return true;
    case '0':
    case 'f':
    case 'F':
    case 'false':
    case 'False':
    case 'FALSE':
      return false;
    default:
      return undefined;
  }
}

export function awslogsNeeds(scope: ErScope, c: Container): void {
  const driver = c.logDriver;
  if (!driver) return;
  const { td, sink } = scope;
  const who = `container "${display(c.name)}"`;
  if (hasToken(driver.value)) {
    sink.diag(
      'note',
      'unresolved-reference',
      `${who}: the log driver ${display(driver.value)} is not known, so awslogs permissions cannot be verified`,
      driver.loc,
    );
    return;
  }
  if (driver.value !== 'awslogs') return;

  const o = c.logOptions;
  const group = o['awslogs-group'];
  if (!group || group.value === '') {
    sink.diag('error', 'invalid-input', `${who} uses the awslogs log driver without awslogs-group: the container cannot start`, driver.loc);
    return;
  }
  const instance = scope.ec2Only ? { mayUseInstanceRole: true } : {};
  const prefixOption = o['awslogs-stream-prefix'];
  if (scope.fargate && (!prefixOption || prefixOption.value === '')) {
    // Reported at the options, where the prefix belongs; the needs are still derived.
    sink.diag(
      'error',
      'invalid-input',
      `${who} uses the awslogs log driver without awslogs-stream-prefix, which Fargate requires; the task definition requires FARGATE`,
      group.loc,
    );
  }
  // awslogs cannot log cross-account: the group is in the task's account.
  const region = o['awslogs-region']?.value || td.region;
  const groupArn = `arn:${td.partition}:logs:${region}:${td.account}:log-group:${group.value}`;
  const prefix = o['awslogs-stream-prefix']?.value;
  const stream = o['awslogs-stream']?.value; // Docker's fixed stream name (EC2)
  const streamPattern = prefix ? `${prefix}/${c.name}/*` : stream ? stream : '*';
  const streamArn = `${groupArn}:log-stream:${streamPattern}`;
  const reason = `${who} awslogs group ${display(group.value)} → log stream`;
  // Both actions authorize on the log-stream resource type.
  for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents']) {
    sink.add({ action, resource: streamArn, reason, loc: group.loc, ...instance });
  }

  const create = o['awslogs-create-group'];
  if (!create) return;
  const createReason = `${who} awslogs-create-group ${display(create.value)} → create log group ${display(group.value)}`;
  if (hasToken(create.value)) {
    sink.diag(
      'note',
      'unresolved-reference',
      `${who}: awslogs-create-group is ${display(create.value)}, not known, so whether logs:CreateLogGroup is needed cannot be verified`,
      create.loc,
    );
    sink.add({ action: 'logs:CreateLogGroup', resource: groupArn, reason: `${createReason} (value unknown; tolerated)`, loc: create.loc, optional: true, ...instance });
    return;
  }
  const on = parseGoBool(create.value);
  if (on === undefined) {
    sink.diag(
      'error',
      'invalid-input',
      `${who}: awslogs-create-group "${display(create.value)}" is not a boolean (true, false, 1, 0, t, f…): the container cannot start`,
      create.loc,
    );
    return;
  }
  if (on) sink.add({ action: 'logs:CreateLogGroup', resource: groupArn, reason: createReason, loc: create.loc, ...instance });
}
