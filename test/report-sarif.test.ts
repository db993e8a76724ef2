// SARIF: valid against the SARIF 2.1.0 JSON Schema for every golden fixture, with what GitHub code
// scanning needs (rule metadata, security-severity, relative URIs, our own fingerprint key) and
// suppressed findings and unreadable input carried the way code scanning understands them.
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { scan } from '../src/scan.js';
import { RULE_METAS } from '../src/rules/index.js';
import { FINGERPRINT_KEY, fileUri, formatSarif, SECURITY_SEVERITY } from '../src/report/sarif.js';
import type { Report } from '../src/report/types.js';
import { sarifSchema, validateSarif } from './helpers/sarif-schema.js';
import { finding, inputError, report } from './helpers/report.js';

const root = join(import.meta.dirname, '..', 'fixtures');
const fixtures = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

interface SarifRun {
  tool: { driver: { name: string; version: string; rules: Array<Record<string, any>> } };
  invocations: Array<{ executionSuccessful: boolean; toolExecutionNotifications: Array<Record<string, any>> }>;
  results: Array<Record<string, any>>;
}

function sarifOf(r: Report): { log: { version: string; runs: SarifRun[] }; run: SarifRun } {
  const log = JSON.parse(formatSarif(r));
  return { log, run: log.runs[0] };
}

describe('sarif', () => {
  it('validates with the SARIF 2.1.0 schema (which rejects an invalid log)', () => {
    expect(sarifSchema.title).toContain('SARIF');
    expect(validateSarif({ version: '2.1.0', runs: [{ tool: { driver: {} } }] })).not.toEqual([]);
    expect(validateSarif({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'fatal' }] }] })).not.toEqual([]);
  });

  for (const name of fixtures) {
    it(`is schema-valid and faithful for fixture ${name}`, () => {
      const r = scan({ paths: ['.'], cwd: join(root, name) });
      const { log, run } = sarifOf(r);
      expect(validateSarif(log)).toEqual([]);
      expect(log.version).toBe('2.1.0');
      const findings = run.results.filter((x) => x.ruleId !== 'input-error' && !x.suppressions);
      expect(run.results.filter((x) => x.suppressions)).toHaveLength(r.suppressed.length);
      expect(findings).toHaveLength(r.findings.length);
      r.findings.forEach((f, i) => {
        const res = findings[i];
        expect(res.ruleId).toBe(f.rule);
        expect(run.tool.driver.rules[res.ruleIndex].id).toBe(f.rule);
        expect(res.level).toBe(f.severity);
        expect(res.message.text).toBe(f.message);
        expect(res.partialFingerprints).toEqual({ [FINGERPRINT_KEY]: f.fingerprint });
        const loc = res.locations[0].physicalLocation;
        expect(loc.artifactLocation).toEqual({ uri: f.location.file, uriBaseId: '%SRCROOT%' });
        expect(loc.region).toEqual({ startLine: f.location.line, startColumn: f.location.column });
      });
      expect(run.results.filter((x) => x.ruleId === 'input-error')).toHaveLength(r.errors.length);
    });
  }

  it('describes every rule of the catalogue the way code scanning requires', () => {
    const { run } = sarifOf(report([]));
    const rules = run.tool.driver.rules;
    expect(rules.map((x) => x.id)).toEqual(RULE_METAS.map((x) => x.id));
    for (const [i, rule] of rules.entries()) {
      const meta = RULE_METAS[i];
      expect(rule.shortDescription.text).toBe(meta.title);
      expect(rule.fullDescription.text.length).toBeGreaterThan(0);
      expect(rule.fullDescription.text.length).toBeLessThanOrEqual(1024);
      expect(rule.help.text).toContain(meta.help);
      expect(rule.help.markdown).toContain(`**How to fix:** ${meta.help}`);
      expect(rule.helpUri).toMatch(new RegExp(`^https://github\\.com/[^/]+/[^/]+/blob/main/docs/rules/${meta.id}\\.md$`));
      expect(rule.defaultConfiguration.level).toBe(meta.severity);
      expect(rule.properties.tags).toContain('security');
      const score = Number(rule.properties['security-severity']);
      expect(rule.properties['security-severity']).toBe(SECURITY_SEVERITY[meta.severity]);
      expect(score).toBeGreaterThanOrEqual(0.1);
      expect(score).toBeLessThanOrEqual(10);
    }
  });

  it('never emits primaryLocationLineHash (the upload step computes it)', () => {
    const r = scan({ paths: ['.'], cwd: join(root, 'ecs-managed-policies-cfn') });
    expect(r.findings.length).toBeGreaterThan(0);
    expect(formatSarif(r)).not.toContain('primaryLocationLineHash');
  });

  it('carries suppressed findings with suppressions: inline → inSource, config and baseline → external', () => {
    const inline = finding({ rule: 'excess-resource', severity: 'warning', suppression: { kind: 'inline', reason: 'shared ECR pull', expires: '2027-03-31', location: { file: 'infra/app.yaml', line: 40, column: 3 } } });
    const config = finding({ suppression: { kind: 'config', reason: 'legacy stack, tracked in OPS-12' } });
    const baseline = finding({ suppression: { kind: 'baseline', reason: 'in baseline .rolefit-baseline.json' } });
    const live = finding();
    const r = report([live], { suppressed: [inline, config, baseline] });
    const { log, run } = sarifOf(r);
    expect(validateSarif(log)).toEqual([]);
    expect(run.results).toHaveLength(4);
    expect(run.results[0].suppressions).toBeUndefined();
    const [s1, s2, s3] = run.results.slice(1).map((x) => x.suppressions);
    expect(s1).toEqual([
      {
        kind: 'inSource',
        status: 'accepted',
        justification: 'shared ECR pull',
        location: { physicalLocation: { artifactLocation: { uri: 'infra/app.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 40, startColumn: 3 } } },
        properties: { rolefitKind: 'inline', expires: '2027-03-31' },
      },
    ]);
    expect(s2).toEqual([{ kind: 'external', status: 'accepted', justification: 'legacy stack, tracked in OPS-12', properties: { rolefitKind: 'config' } }]);
    expect(s3?.[0]).toMatchObject({ kind: 'external', justification: 'in baseline .rolefit-baseline.json' });
    expect(run.results[1].partialFingerprints[FINGERPRINT_KEY]).toBe(inline.fingerprint);
  });

  it('reports unreadable input as error results, notifications and an unsuccessful invocation', () => {
    const r = scan({ paths: ['.'], cwd: join(root, 'malformed') });
    const { log, run } = sarifOf(r);
    expect(validateSarif(log)).toEqual([]);
    expect(run.invocations[0].executionSuccessful).toBe(false);
    expect(run.invocations[0].toolExecutionNotifications).toHaveLength(r.errors.length);
    const inputErrors = run.results.filter((x) => x.ruleId === 'input-error');
    expect(inputErrors.map((x) => [x.level, x.message.text, x.locations[0].physicalLocation.artifactLocation.uri])).toEqual(
      r.errors.map((e) => ['error', e.message, e.location.file]),
    );
    const rule = run.tool.driver.rules[inputErrors[0].ruleIndex];
    expect(rule.id).toBe('input-error');
    // Not a security result: no security-severity, so code scanning files it as a problem.
    expect(rule.properties['security-severity']).toBeUndefined();
    expect(sarifOf(report([])).run.invocations[0].executionSuccessful).toBe(true);
  });

  it('describes a finding of a rule outside the catalogue instead of pointing at a wrong rule', () => {
    const r = report([finding({ rule: 'a-future-rule', severity: 'warning' })]);
    const { log, run } = sarifOf(r);
    expect(validateSarif(log)).toEqual([]);
    expect(run.tool.driver.rules[run.results[0].ruleIndex].id).toBe('a-future-rule');
    // Without metadata it is not rated as a security rule.
    expect(run.tool.driver.rules[run.results[0].ruleIndex].properties).toBeUndefined();
    expect(run.results[0].level).toBe('warning');
  });

  it('percent-encodes file paths into valid URI references', () => {
    expect(fileUri('infra/my stack #2/100%.yaml')).toBe('infra/my%20stack%20%232/100%25.yaml');
    expect(fileUri('../shared/a:b.json')).toBe('../shared/a%3Ab.json');
    const { log } = sarifOf(report([finding({ location: { file: 'infra/my stack #2/ünï.yaml', line: 1, column: 1 } })], { errors: [inputError('bad [1].json')] }));
    expect(validateSarif(log)).toEqual([]);
  });
});
