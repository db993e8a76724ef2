// What the execution-role derivations share while walking one task definition, and where the
// task may run (which decides whether the container-instance role can stand in for this one).
import { hasToken, type Inventory, type TaskDefinition } from '../model.js';
import type { NeedSink } from './need-sink.js';

export interface LaunchTypes {
  /**
   * The task can only run on the EC2 launch type, so the container-instance role may supply ECR
   * pulls and awslogs (domain.md §1.1): `requiresCompatibilities` is exactly EC2, or it is absent
   * and either ECS computed `compatibilities` with no launch type but EC2, or the network mode is
   * one Fargate does not support (Fargate requires `awsvpc`; absent means `bridge`). EXTERNAL
   * (ECS Anywhere) also runs bridge and host tasks: a definition that does not require a launch
   * type is taken to be meant for EC2, as most are.
   */
  ec2Only: boolean;
  /** FARGATE is among `requiresCompatibilities`: the definition must be valid for Fargate. */
  fargate: boolean;
  /**
   * The task may run on Fargate: FARGATE required, or nothing required and the definition not
   * EC2-only (and, when ECS computed `compatibilities`, FARGATE among them). A token in
   * `requiresCompatibilities` may be FARGATE.
   */
  mayRunOnFargate: boolean;
}

export interface ErScope extends LaunchTypes {
  td: TaskDefinition;
  inv: Inventory;
  sink: NeedSink;
}

export function launchTypes(td: Pick<TaskDefinition, 'requiresCompatibilities' | 'compatibilities' | 'networkMode'>): LaunchTypes {
  const required = td.requiresCompatibilities.map((c) => c.toUpperCase());
  if (required.length > 0) {
    const fargate = required.includes('FARGATE');
    return {
      ec2Only: required.every((c) => c === 'EC2'),
      fargate,
      mayRunOnFargate: fargate || required.some(hasToken),
    };
  }
  const computed = td.compatibilities?.map((c) => c.toUpperCase());
  // An empty computed list says nothing usable (the definition fits no launch type).
  const computedEc2Only = computed !== undefined && computed.length > 0 && computed.every((c) => c === 'EC2');
  // Without a network mode ECS uses `bridge` (`default` on Windows): Fargate takes only `awsvpc`.
  const mode = td.networkMode;
  const notFargateMode = mode === undefined || mode === '' || (!hasToken(mode) && mode.toLowerCase() !== 'awsvpc');
  const ec2Only = computedEc2Only || notFargateMode;
  return {
    ec2Only,
    fargate: false,
    mayRunOnFargate: !ec2Only && (computed === undefined || computed.length === 0 || computed.includes('FARGATE')),
  };
}
