// The read-only guard: every AWS client of a live scan carries this middleware, which refuses any
// operation that is not on the allow-list below before it is signed or sent. The list is spelled out
// (no `Get*`/`List*` patterns), so adding a call to the scanner means adding it here, to the README's
// scanner policy and to docs/live-scan.md together. Types only: the SDK itself loads lazily.
import type { MiddlewareStack } from '@smithy/types';

/** The operations a live scan may call, per service (the client's endpoint prefix). */
export const READ_OPERATIONS = {
  sts: ['GetCallerIdentity'],
  iam: ['GetAccountAuthorizationDetails', 'GetPolicy', 'GetPolicyVersion'],
  ec2: ['DescribeRegions'],
  ecs: ['ListClusters', 'ListServices', 'DescribeServices', 'ListTaskDefinitionFamilies', 'ListTaskDefinitions', 'DescribeTaskDefinition'],
  eks: ['ListClusters', 'DescribeCluster', 'ListFargateProfiles', 'DescribeFargateProfile', 'ListNodegroups', 'DescribeNodegroup'],
} as const;

export type Service = keyof typeof READ_OPERATIONS;

/** Every allowed operation as `service:Operation` (the IAM action of the same name). */
export function allowedActions(): string[] {
  return Object.entries(READ_OPERATIONS).flatMap(([service, ops]) => ops.map((op) => `${service}:${op}`));
}

/** Raised when code of ours tries an operation that is not a listed read: a bug, never sent. */
export class ReadOnlyViolation extends Error {
  constructor(readonly operation: string) {
    super(`refused to call ${operation}: a live scan only calls the read operations it lists`);
  }
}

/** Adds the guard to a client's middleware stack, first of all (before serialization and signing). */
export function addReadOnlyGuard(stack: MiddlewareStack<any, any>, service: Service, seen?: (operation: string) => void): void {
  const allowed = new Set<string>(READ_OPERATIONS[service]);
  stack.add(
    (next, context) => async (args) => {
      const op = String((context as { commandName?: string }).commandName ?? '').replace(/Command$/, '');
      seen?.(`${service}:${op}`);
      if (!allowed.has(op)) throw new ReadOnlyViolation(`${service}:${op}`);
      return next(args);
    },
    { step: 'initialize', priority: 'high', name: 'rolefitReadOnlyGuard' },
  );
}
