// What the execution-role derivations share while walking one task definition.
import type { Inventory, TaskDefinition } from '../model.js';
import type { NeedSink } from './need-sink.js';

export interface ErScope {
  td: TaskDefinition;
  inv: Inventory;
  sink: NeedSink;
  /**
   * `requiresCompatibilities` is exactly EC2: the container-instance role may supply ECR pulls and
   * awslogs (domain.md §1.1). An absent list is not EC2-only: ECS then computes the launch types
   * the definition is compatible with, which can include Fargate, where only this role works.
   */
  ec2Only: boolean;
  /** FARGATE is among `requiresCompatibilities`: the definition must be valid for Fargate. */
  fargate: boolean;
}
