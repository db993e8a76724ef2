// The configuration file: where it is found, how its mistakes are reported (key and file:line), and
// what each setting does to a scan — severity overrides, ignore entries, the deployment context
// that decides "cannot verify" notes, and needs and pull-through cache rules the scan cannot see.
import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findConfig, loadConfig } from '../src/config/load.js';
import { pathMatcher } from '../src/config/match.js';
import { substituteContext } from '../src/config/inventory.js';
import { display, emptyInventory, token } from '../src/model.js';
import { scanSettings } from '../src/config/settings.js';
import { RULE_METAS } from '../src/rules/index.js';
import { scan, type ScanOptions } from '../src/scan.js';
import { InputError } from '../src/sources/nodes.js';
import type { Finding } from '../src/report/types.js';
import { validateReport } from './helpers/schema.js';
import { workdir } from './helpers/workdir.js';
import { ACCOUNT, CONTEXT, serviceTemplate } from './helpers/service-template.js';

const root = join(import.meta.dirname, '..');

/** Scans `dir` with the configuration found there, as the CLI does. */
function scanWith(dir: string, extra: Partial<ScanOptions> = {}) {
  const report = scan({ paths: ['.'], cwd: dir, ...scanSettings({ cwd: dir }), ...extra });
  expect(validateReport(report)).toEqual([]);
  return report;
}

const brief = (list: Finding[]) => list.map((f) => `${f.location.file}:${f.location.line} ${f.severity} ${f.rule}`);

function configError(text: string, name = '.rolefit.yaml'): string {
  const dir = workdir({ [name]: text });
  try {
    loadConfig(join(dir, name), dir);
  } catch (e) {
    if (e instanceof InputError) return `${e.loc.file}:${e.loc.line}:${e.loc.column}: ${e.message}`;
    throw e;
  }
  return 'no error';
}

describe('finding the configuration file', () => {
  it('searches upward from the working directory to the git root', () => {
    const dir = workdir({ '.rolefit.yml': 'fail-on: warning\n', 'infra/ecs/stack.yaml': 'x: 1\n' }, { git: true });
    expect(findConfig(join(dir, 'infra', 'ecs'))).toBe(join(dir, '.rolefit.yml'));
    // The nearest one wins.
    writeFileSync(join(dir, 'infra', '.rolefit.json'), '{}');
    expect(findConfig(join(dir, 'infra', 'ecs'))).toBe(join(dir, 'infra', '.rolefit.json'));
  });

  it('stops at the git root: a file above the repository is not the project\'s', () => {
    const outer = workdir({ '.rolefit.yaml': 'fail-on: note\n' });
    mkdirSync(join(outer, 'repo', '.git'), { recursive: true });
    mkdirSync(join(outer, 'repo', 'sub'));
    expect(findConfig(join(outer, 'repo', 'sub'))).toBeUndefined();
    expect(findConfig(outer)).toBe(join(outer, '.rolefit.yaml'));
  });

  it('outside a git repository, reads only the working directory', () => {
    const outer = workdir({ '.rolefit.yaml': 'fail-on: note\n', 'sub/x.yaml': 'x: 1\n' });
    expect(findConfig(join(outer, 'sub'))).toBeUndefined();
  });

  it('refuses two configuration files in one directory', () => {
    const dir = workdir({ '.rolefit.yaml': '{}\n', '.rolefit.json': '{}' });
    expect(() => findConfig(dir)).toThrow(/more than one configuration file \(\.rolefit\.yaml, \.rolefit\.json\)/);
  });

  it('--config names a file, --no-config reads none', () => {
    const dir = workdir({ '.rolefit.yaml': 'fail-on: note\n', 'ci/strict.json': '{"fail-on": "warning"}' });
    expect(scanSettings({ cwd: dir }).config?.failOn).toBe('note');
    expect(scanSettings({ cwd: dir, config: 'ci/strict.json' }).config).toMatchObject({ failOn: 'warning', file: 'ci/strict.json' });
    expect(scanSettings({ cwd: dir, config: false }).config).toBeUndefined();
  });
});

describe('configuration errors name the key and the line', () => {
  const cases: Array<[string, string]> = [
    ['account: 123456789012\n', '.rolefit.yaml:1:10: invalid configuration: account: must be text (quote it: as a number it would lose leading zeros)'],
    ['rules:\n  excess-action: warning\n  excess-actoin: off\n', '.rolefit.yaml:3:3: invalid configuration: rules.excess-actoin: unknown rule id (rolefit rules lists them)'],
    ['rules:\n  shared-role: silent\n', '.rolefit.yaml:2:16: invalid configuration: rules.shared-role: must be "error", "warning", "note" or "off"'],
    ['ignore:\n  - rule: excess-action\n    paths: legacy/**\n', '.rolefit.yaml:2:5: invalid configuration: ignore[0]: missing required key "reason"'],
    ['ignore:\n  - rule: excess-action\n    reason: "  "\n', '.rolefit.yaml:3:13: invalid configuration: ignore[0].reason: must be a reason (required, not empty)'],
    ['ignore:\n  - rule: excess-action\n    reason: legacy\n    expires: 2026-02-30\n', '.rolefit.yaml:4:14: invalid configuration: ignore[0].expires: "2026-02-30" is not a date'],
    ['ignore:\n  - rule: excess-actoin\n    reason: legacy\n', '.rolefit.yaml:2:11: invalid configuration: ignore[0].rule: unknown rule id "excess-actoin" (rolefit rules lists them)'],
    ['ignore:\n  - rule: "*"\n    reason: legacy\n    role: x\n', '.rolefit.yaml:4:5: invalid configuration: ignore[0].role: unknown key'],
    ['region: us-east-1\nfail-on: always\n', '.rolefit.yaml:2:10: invalid configuration: fail-on: must be "error", "warning", "note" or "none"'],
    ['needs:\n  - role: app-execution\n    action: [ecr:BatchGetImage, ecr:PullImage]\n    resource: "*"\n    reason: agent\n', '.rolefit.yaml:3:33: invalid configuration: needs[0].action: "ecr:PullImage" is not an action of the IAM action catalog'],
    ['needs:\n  - role: app-execution\n    action: ecr:BatchGetImage\n    resource: repository/app\n    reason: agent\n', '.rolefit.yaml:4:15: invalid configuration: needs[0].resource: must be an ARN or *'],
    ['pull-through-cache:\n  - prefix: docker-hub\n', '.rolefit.yaml:2:5: invalid configuration: pull-through-cache[0]: needs "account" and "region" (here or at the top level): a cache rule belongs to one registry'],
    ['- a\n- b\n', '.rolefit.yaml:1:1: invalid configuration: (top level): must be a map of keys'],
    ['rules: {\n', '.rolefit.yaml:2:1: invalid YAML: Flow map in block collection must be sufficiently indented and end with a }'],
  ];
  for (const [text, expected] of cases) {
    it(expected.replace(/^.*?: invalid /, 'invalid '), () => expect(configError(text)).toBe(expected));
  }

  it('in JSON too', () => {
    expect(configError('{\n  "region": "us-east-1",\n  "ignore": [{ "rule": "*", "reason": "x", "expires": "soon" }]\n}\n', '.rolefit.json')).toBe(
      '.rolefit.json:3:55: invalid configuration: ignore[0].expires: must be a date YYYY-MM-DD',
    );
  });

  it('accepts every setting of the documented example', () => {
    const guide = readFileSync(join(root, 'docs', 'configuration.md'), 'utf8');
    const example = /<!-- config-example -->\n```yaml\n([\s\S]*?)```/.exec(guide)?.[1];
    expect(example).toBeDefined();
    const dir = workdir({ '.rolefit.yaml': example! });
    const config = loadConfig(join(dir, '.rolefit.yaml'), dir);
    expect(Object.keys(config.rules).length).toBeGreaterThan(0);
    expect(config.ignore.length).toBeGreaterThan(0);
    expect(config.needs.length).toBeGreaterThan(0);
    expect(config.pullThroughCache.length).toBeGreaterThan(0);
    expect(config.context).toEqual({ account: expect.any(String), region: expect.any(String), partition: 'aws' });
  });

  it('knows every rule id the report can hold, and only those', () => {
    const config = JSON.parse(readFileSync(join(root, 'policies', 'schema', 'config.schema.json'), 'utf8'));
    const report = JSON.parse(readFileSync(join(root, 'policies', 'schema', 'report.schema.json'), 'utf8'));
    const ids = config.properties.rules.propertyNames.enum;
    expect(ids).toEqual(report.definitions.finding.properties.rule.enum);
    for (const m of RULE_METAS) expect(ids).toContain(m.id);
  });
});

describe('rules: severity overrides and off', () => {
  const extra = `              - Effect: Allow
                Action: logs:DeleteLogGroup
                Resource: arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/ecs/app:*
`;

  it('changes the severity of a rule\'s findings, or drops them', () => {
    const dir = workdir({ 'stack.yaml': serviceTemplate({ extra }), '.rolefit.yaml': CONTEXT });
    expect(brief(scanWith(dir).findings)).toEqual(['stack.yaml:29 error excess-action']);
    writeFileSync(join(dir, '.rolefit.yaml'), CONTEXT + 'rules:\n  excess-action: warning\n');
    expect(brief(scanWith(dir).findings)).toEqual(['stack.yaml:29 warning excess-action']);
    writeFileSync(join(dir, '.rolefit.yaml'), CONTEXT + 'rules:\n  excess-action: off\n');
    const off = scanWith(dir);
    expect(off.findings).toEqual([]);
    expect(off.suppressed).toEqual([]); // a rule turned off reports nothing, not even as suppressed
  });
});

describe('ignore entries', () => {
  const extra = `              - Effect: Allow
                Action: logs:DeleteLogGroup
                Resource: arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/ecs/app:*
`;
  const files = { 'legacy/stack.yaml': serviceTemplate({ extra }).replace(/app-execution/g, 'legacy-execution'), 'services/stack.yaml': serviceTemplate({ extra }) };

  it('suppress by rule and path glob (relative to the config file), with the reason', () => {
    const dir = workdir({ ...files, '.rolefit.yaml': CONTEXT + 'ignore:\n  - rule: excess-action\n    paths: ["legacy/**"]\n    reason: legacy stack, replaced in Q3\n    expires: 2031-01-01\n' }, { git: true });
    const r = scan({ paths: ['.'], cwd: join(dir, 'services'), ...scanSettings({ cwd: join(dir, 'services') }), today: '2030-06-01' });
    // Run from a subdirectory: paths in findings are relative to it, globs to the config file.
    expect(r.findings.map((f) => f.location.file)).toEqual(['stack.yaml']);
    const all = scan({ paths: ['..'], cwd: join(dir, 'services'), ...scanSettings({ cwd: join(dir, 'services') }), today: '2030-06-01' });
    expect(brief(all.findings)).toEqual(['stack.yaml:29 error excess-action']);
    expect(all.suppressed.map((f) => [f.location.file, f.suppression])).toEqual([
      ['../legacy/stack.yaml', { kind: 'config', reason: 'legacy stack, replaced in Q3', expires: '2031-01-01', location: { file: '../.rolefit.yaml', line: 5, column: 5 } }],
    ]);
    expect(all.summary.findings).toBe(1);
  });

  it('suppress by role name, ARN glob or logical id; "*" for every rule', () => {
    for (const roles of ['*-execution', 'arn:aws:iam::*:role/*-execution', 'ExecutionRole']) {
      const dir = workdir({ ...files, '.rolefit.yaml': CONTEXT + `ignore:\n  - rule: "*"\n    roles: ["${roles}"]\n    reason: owned by the platform team\n` });
      const r = scanWith(dir);
      expect(r.findings, roles).toEqual([]);
      expect(r.suppressed.map((f) => f.rule)).toEqual(['excess-action', 'excess-action']);
    }
    const one = workdir({ ...files, '.rolefit.yaml': CONTEXT + 'ignore:\n  - rule: "*"\n    roles: legacy-*\n    reason: x\n' });
    expect(brief(scanWith(one).findings)).toEqual(['services/stack.yaml:29 error excess-action']);
  });

  it('stop suppressing when expired, and say so at the entry', () => {
    const dir = workdir({ ...files, '.rolefit.yaml': CONTEXT + 'ignore:\n  - rule: excess-action\n    reason: legacy\n    expires: 2026-03-31\n' });
    expect(scanWith(dir, { today: '2026-03-31' }).findings).toEqual([]);
    const later = scanWith(dir, { today: '2026-04-01' });
    expect(brief(later.findings)).toEqual(['.rolefit.yaml:5 warning expired-suppression', 'legacy/stack.yaml:29 error excess-action', 'services/stack.yaml:29 error excess-action']);
    expect(later.findings[0].message).toBe('ignore entry for excess-action expired on 2026-03-31 and no longer applies (reason was: legacy)');
    expect(later.suppressed).toEqual([]);
  });
});

describe('deployment context', () => {
  it('replaces the tokens of the account, Region and partition: "cannot verify" notes are decided', () => {
    const dir = workdir({ 'stack.yaml': serviceTemplate() });
    const before = scanWith(dir);
    expect(brief(before.findings)).toEqual(['stack.yaml:40 note missing-permission', 'stack.yaml:44 note missing-permission']);
    expect(before.findings[0].message).toMatch(/^cannot verify that role app-execution allows ecr:BatchGetImage, ecr:GetDownloadUrlForLayer .* it depends on \$\{AWS::Partition\}, \$\{AWS::Region\}, \$\{AWS::AccountId\}$/);
    writeFileSync(join(dir, '.rolefit.yaml'), CONTEXT);
    const after = scanWith(dir);
    expect(after.findings).toEqual([]);
    expect(after.roles[0].arn).toBe(`arn:aws:iam::${ACCOUNT}:role/app-execution`);
  });

  it('decides the other way when the grant is for another account', () => {
    const dir = workdir({ 'stack.yaml': serviceTemplate(), '.rolefit.yaml': 'account: "999988887777"\nregion: us-east-1\npartition: aws\n' });
    const r = scanWith(dir);
    expect(brief(r.findings)).toEqual(['stack.yaml:23 error missing-permission', 'stack.yaml:26 error missing-permission']);
    expect(r.findings[0].resources).toEqual(['arn:aws:ecr:us-east-1:999988887777:repository/app']);
  });
});

describe('needs the scan cannot see', () => {
  const guardDuty = `              - Effect: Allow
                Action: [ecr:BatchGetImage, ecr:GetDownloadUrlForLayer]
                Resource: arn:aws:ecr:us-east-1:593207742271:repository/aws-guardduty-agent-fargate
`;
  const need = (role: string) =>
    CONTEXT +
    `needs:\n  - role: ${role}\n    action: [ecr:BatchGetImage, ecr:GetDownloadUrlForLayer]\n    resource: arn:aws:ecr:us-east-1:593207742271:repository/aws-guardduty-agent-fargate\n    reason: GuardDuty runtime monitoring agent\n`;

  it('count as needs of the role: granted ones are not excess', () => {
    const dir = workdir({ 'stack.yaml': serviceTemplate({ extra: guardDuty }), '.rolefit.yaml': CONTEXT });
    expect(brief(scanWith(dir).findings)).toEqual(['stack.yaml:29 warning excess-resource']);
    writeFileSync(join(dir, '.rolefit.yaml'), need('app-execution'));
    const r = scanWith(dir);
    expect(r.findings).toEqual([]);
    expect(r.roles[0].needs.filter((n) => n.reason === 'GuardDuty runtime monitoring agent (configured)').map((n) => n.action)).toEqual(['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer']);
    expect(JSON.stringify(r.roles[0].suggestedPolicy)).toContain('aws-guardduty-agent-fargate');
  });

  it('are reported missing when not granted', () => {
    const dir = workdir({ 'stack.yaml': serviceTemplate(), '.rolefit.yaml': need('arn:aws:iam::*:role/app-*') });
    const r = scanWith(dir);
    // Located at the statement that grants the actions on another repository.
    expect(brief(r.findings)).toEqual(['stack.yaml:23 error missing-permission']);
    expect(r.findings[0].message).toContain('needed by GuardDuty runtime monitoring agent (configured)');
  });

  it('apply only to the roles named', () => {
    const dir = workdir({ 'stack.yaml': serviceTemplate(), '.rolefit.yaml': need('other-*') });
    expect(scanWith(dir).findings).toEqual([]);
  });
});

describe('pull-through cache rules the scan cannot see', () => {
  const template = serviceTemplate({
    extra: `              - Effect: Allow
                Action: [ecr:BatchImportUpstreamImage, ecr:CreateRepository]
                Resource: arn:aws:ecr:us-east-1:${ACCOUNT}:repository/docker-hub/*
`,
  })
    .replace('amazonaws.com/app:1', 'amazonaws.com/docker-hub/library/nginx:1.27')
    .replace('repository/app', 'repository/docker-hub/library/nginx');

  it('make the image a pull through the cache, which needs the import permissions', () => {
    const dir = workdir({ 'stack.yaml': template, '.rolefit.yaml': CONTEXT });
    const without = scanWith(dir);
    expect(brief(without.findings)).toEqual(['stack.yaml:29 error excess-action']);
    expect(without.findings[0].actions).toEqual(['ecr:BatchImportUpstreamImage', 'ecr:CreateRepository']);
    writeFileSync(join(dir, '.rolefit.yaml'), CONTEXT + 'pull-through-cache:\n  - prefix: docker-hub\n');
    // Both are needed now; the import is needed on the image's repository only (docker-hub/* is wider).
    const through = scanWith(dir);
    expect(brief(through.findings)).toEqual(['stack.yaml:29 warning excess-resource']);
    expect(through.findings[0].actions).toEqual(['ecr:BatchImportUpstreamImage']);
    expect(through.roles[0].needs.map((n) => n.action)).toContain('ecr:CreateRepository');
  });
});

describe('path globs of ignore entries', () => {
  it('match files and, like .gitignore, the directories above them', () => {
    const at = (globs: string[]) => pathMatcher(globs, '/repo', '/repo/infra');
    expect(at(['infra/legacy/**'])('legacy/a.yaml')).toBe(true);
    expect(at(['./infra/legacy/**'])('legacy/a.yaml')).toBe(true);
    expect(at(['infra/legacy'])('legacy/deep/a.yaml')).toBe(true);
    expect(at(['infra/legacy/'])('legacy/a.yaml')).toBe(true);
    expect(at(['**/*.json'])('legacy/a.yaml')).toBe(false);
    expect(at(['infra/leg'])('legacy/a.yaml')).toBe(false);
    expect(at(['legacy/**'])('legacy/a.yaml')).toBe(false); // relative to the config file, not the working directory
  });
});

describe('substituting the deployment context', () => {
  it('replaces the account, Region, partition and URL suffix tokens of any reader, nothing else', () => {
    const inv = emptyInventory();
    const loc = { file: 't.json', line: 1, column: 1 };
    inv.pullThroughCacheRules.push({ prefix: 'hub', account: token('Account@t.json'), region: token('Region@t.json'), loc });
    inv.secrets.push({ arn: `arn:${token('AWS::Partition@s.yaml')}:secretsmanager:${token('AWS::Region@s.yaml')}:${token('AWS::AccountId@s.yaml')}:secret:${token('Param:Name@s.yaml')}`, loc });
    inv.kmsKeys.push({ arn: `${token('AWS::URLSuffix@s.yaml')}`, aliases: [], loc });
    inv.diagnostics.push({ rule: 'unresolved-reference', severity: 'note', message: `depends on ${token('AWS::Region@s.yaml')}`, loc });
    substituteContext(inv, { account: '111122223333', region: 'eu-west-1', partition: 'aws-cn' });
    expect(inv.pullThroughCacheRules[0]).toMatchObject({ account: '111122223333', region: 'eu-west-1' });
    expect(display(inv.secrets[0].arn)).toBe('arn:aws-cn:secretsmanager:eu-west-1:111122223333:secret:${Param:Name}');
    expect(inv.kmsKeys[0].arn).toBe('amazonaws.com.cn');
    expect(display(inv.diagnostics[0].message)).toBe('depends on ${AWS::Region}');
  });

  it('replaces only what is configured', () => {
    const inv = emptyInventory();
    inv.kmsKeys.push({ arn: `${token('AWS::AccountId@s.yaml')}/${token('AWS::Region@s.yaml')}`, aliases: [token('AWS::Region@s.yaml')], loc: { file: 's.yaml', line: 1, column: 1 } });
    substituteContext(inv, { region: 'us-east-2' });
    expect(display(inv.kmsKeys[0].arn)).toBe('${AWS::AccountId}/us-east-2');
    expect(inv.kmsKeys[0].aliases).toEqual(['us-east-2']);
  });
});
