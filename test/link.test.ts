// Linking: roles found by ARN or name, managed policies from the scan or the AWS snapshot,
// and what cannot be resolved said as such.
import { describe, expect, it } from 'vitest';
import { link } from '../src/link/roles.js';
import { emptyInventory, token, type Inventory, type Role } from '../src/model.js';

const loc = { file: 't.json', line: 1, column: 1 };
function role(name: string, arn: string, managed: string[] = []): Role {
  return { id: arn, name, arn, source: 'authorization-details', loc, inline: [], managed: managed.map((value) => ({ arn: { value, loc } })) };
}
function inventory(roles: Role[]): Inventory {
  return { ...emptyInventory(), roles };
}

describe('link', () => {
  it('finds a role by exact ARN, by name, and by ARN when its own ARN has unknown parts', () => {
    const cfnArn = `arn:${token('AWS::Partition@s.yaml')}:iam::${token('AWS::AccountId@s.yaml')}:role/app-exec`;
    const l = link(inventory([role('dump-role', 'arn:aws:iam::111122223333:role/dump-role'), role('app-exec', cfnArn)]));
    expect(l.findRole('arn:aws:iam::111122223333:role/dump-role')?.role.name).toBe('dump-role');
    expect(l.findRole('dump-role')?.role.name).toBe('dump-role');
    expect(l.findRole('arn:aws:iam::444455556666:role/app-exec')?.role.name).toBe('app-exec');
    expect(l.findRole('arn:aws:iam::111122223333:role/other')).toBeUndefined();
    // Same name, but an ARN that cannot be this role (another partition).
    expect(l.findRole('arn:aws-cn:iam::111122223333:role/dump-role')).toBeUndefined();
  });

  it('resolves AWS managed policies from the snapshot, in any partition', () => {
    const l = link(inventory([role('r', 'arn:aws:iam::1:role/r', ['arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy'])]));
    expect(l.roles[0].identity.map((p) => [p.kind, p.name])).toEqual([['aws-managed', 'AmazonECSTaskExecutionRolePolicy']]);
    expect(l.roles[0].incomplete).toEqual([]);
  });

  it('says which policy is missing and that the role is incomplete', () => {
    const l = link(inventory([role('r', 'arn:aws:iam::1:role/r', ['arn:aws:iam::1:policy/elsewhere', 'arn:aws:iam::aws:policy/AmazonECSTaskExecutionRolePolicy'])]));
    expect(l.roles[0].incomplete).toEqual([
      'managed policy arn:aws:iam::1:policy/elsewhere is not defined in the scanned files',
      'AWS managed policy arn:aws:iam::aws:policy/AmazonECSTaskExecutionRolePolicy does not exist (IAM rejects this ARN): the policy of that name is arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy',
    ]);
    expect(l.diagnostics.map((d) => [d.rule, d.severity])).toEqual([
      ['unresolved-reference', 'warning'],
      ['unresolved-reference', 'error'],
    ]);
  });

  it('attaches detached policies to the role they name, and notes those whose role is not in the scan', () => {
    const inv = inventory([role('r', 'arn:aws:iam::1:role/r')]);
    const policy = { name: 'p', kind: 'inline' as const, statements: [], loc };
    inv.attachments.push({ role: { value: 'r', loc }, policy }, { role: { value: 'ghost', loc }, policy });
    const l = link(inv);
    expect(l.roles[0].identity).toEqual([policy]);
    expect(l.diagnostics).toEqual([expect.objectContaining({ rule: 'unresolved-reference', severity: 'note', message: expect.stringContaining('ghost') })]);
  });

  it('marks an unresolved permissions boundary as unknown rather than absent', () => {
    const r = role('r', 'arn:aws:iam::1:role/r');
    r.boundary = { arn: { value: 'arn:aws:iam::1:policy/boundary', loc } };
    expect(link(inventory([r])).roles[0].boundary).toEqual([]);
  });
});
