// Findings of a live scan are located at ARNs (file = the ARN, line 1), not in files: every format
// must name the ARN as what it is — never as a path of the repository, never as "ARN:1:1" — and stay
// valid (SARIF schema, workflow-command syntax, XML).
import { describe, expect, it } from 'vitest';
import { formatSarif } from '../src/report/sarif.js';
import { formatGithub, formatStepSummary } from '../src/report/github.js';
import { formatJunit } from '../src/report/junit.js';
import { formatGitlab } from '../src/report/gitlab.js';
import { formatText } from '../src/report/text.js';
import { colors } from '../src/report/color.js';
import type { Report, RoleReport } from '../src/report/types.js';
import { validateSarif } from './helpers/sarif-schema.js';
import { finding, report } from './helpers/report.js';

const ROLE = 'arn:aws:iam::111122223333:role/ecs/app-exec';
const TD = 'arn:aws:ecs:eu-west-1:111122223333:task-definition/app:7';
const live = (): Report =>
  report([
    finding({ location: { file: ROLE, line: 1, column: 1 } }),
    finding({ rule: 'missing-permission', severity: 'warning', location: { file: TD, line: 1, column: 1 } }),
    finding({ location: { file: 'infra/app.yaml', line: 12, column: 7 } }),
  ]);

describe('live findings (located at ARNs) in every format', () => {
  it('sarif: a logical location named by the ARN, no file URI under the source root', () => {
    const log = JSON.parse(formatSarif(live()));
    expect(validateSarif(log)).toEqual([]);
    const [role, td, file] = log.runs[0].results;
    expect(role.locations).toEqual([{ logicalLocations: [{ fullyQualifiedName: ROLE, name: 'ecs/app-exec', kind: 'resource' }] }]);
    expect(td.locations).toEqual([{ logicalLocations: [{ fullyQualifiedName: TD, name: 'app:7', kind: 'resource' }] }]);
    expect(JSON.stringify(log)).not.toContain('arn%3A');
    // A file finding keeps its physical location.
    expect(file.locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'infra/app.yaml', uriBaseId: '%SRCROOT%' });
  });

  it('github: annotations without file= (no such file in the repository), the ARN in the message; plain lines name the ARN alone', () => {
    const out = formatGithub(live());
    const commands = out.split('\n').filter((l) => /^::(error|warning|notice) /.test(l));
    expect(commands[0]).toMatch(new RegExp(`^::error title=rolefit excess-action::${ROLE}: role app-execution grants`));
    expect(commands[1]).toMatch(/^::error file=infra\/app.yaml,line=12,col=7,title=/);
    expect(commands[2]).toMatch(new RegExp(`^::warning title=rolefit missing-permission::${TD}: role app-execution`));
    expect(out).not.toContain('file=arn');
    expect(out).toContain(`\n${ROLE}: error: role app-execution grants`);
    expect(out).not.toContain(`${ROLE}:1:1`);
    expect(formatStepSummary(live())).toContain(`| ${ROLE} |`);
  });

  it('junit: the ARN names the case; no file attribute pointing at a path that does not exist', () => {
    const out = formatJunit(live());
    expect(out).toContain(`<testcase name="${ROLE} app-execution" classname="rolefit.excess-action">`);
    expect(out).toContain(`file="infra/app.yaml" line="12"`);
    expect(out).not.toContain('file="arn:');
    expect(out).not.toContain(`${ROLE}:1:1`);
  });

  it('gitlab: the ARN as the location path (GitLab requires one), line 1', () => {
    const issues = JSON.parse(formatGitlab(live()));
    expect(issues[0].location).toEqual({ path: ROLE, lines: { begin: 1 } });
  });

  it('text: findings under the ARN without a 1:1 position, and the role named by its ARN alone', () => {
    const r = live();
    const role: RoleReport = {
      id: ROLE,
      name: 'app-exec',
      arn: ROLE,
      kind: 'execution-role',
      location: { file: ROLE, line: 1, column: 1 },
      workloads: [TD],
      needs: [],
      incomplete: [],
      suggestedPolicy: { Version: '2012-10-17', Statement: [] },
    } as unknown as RoleReport;
    r.findings[0].role = { name: 'app-exec', arn: ROLE, id: ROLE };
    r.roles = [role];
    const out = formatText(r, colors(false));
    expect(out).toMatch(new RegExp(`^${ROLE}\\n {11}error {3}role app-execution grants`, 'm'));
    expect(out).toMatch(/^infra\/app.yaml\n {2}12:7 {5}error/m);
    expect(out).toContain(`Least-privilege policy for execution role app-exec (${ROLE}):`);
  });
});

describe('the summary of a partial result', () => {
  const partial = (): Report => {
    const r = report([finding({ rule: 'incomplete-scan', severity: 'warning', location: { file: 'arn:aws:eks:eu-west-1:111122223333:*', line: 1, column: 1 } })]);
    const role = (name: string, incomplete: string[]) => ({ id: `arn:aws:iam::111122223333:role/${name}`, name, incomplete }) as unknown as RoleReport;
    r.roles = [role('pod-exec', ['the images of the pods of Fargate profile web are not known']), role('web-exec', [])];
    r.summary.partial = true;
    return r;
  };

  it('says why: reads that failed, roles whose needs are not fully known (named)', () => {
    const text = formatText(partial(), colors(false));
    expect(text).toMatch(/ — partial result: 1 read of the account failed \(incomplete-scan\); the needs of 1 role are not fully known \(pod-exec\)\n/);
    expect(formatGithub(partial())).toContain('(partial result: 1 read of the account failed (incomplete-scan); the needs of 1 role are not fully known (pod-exec))');
  });

  it('names at most three roles', () => {
    const r = partial();
    r.findings = [];
    r.roles = ['a', 'b', 'c', 'd', 'e'].map((name) => ({ id: name, name, incomplete: ['x'] }) as unknown as RoleReport);
    expect(formatText(r, colors(false))).toContain(' — partial result: the needs of 5 roles are not fully known (a, b, c and 2 more)\n');
  });
});

describe('the scope of a live scan in the summary', () => {
  it('counts roles and workloads "of the account", not "in 0 files"', () => {
    const r = live();
    r.findings = r.findings.slice(0, 2);
    r.summary = { ...r.summary, files: 0, findings: 2, errors: 1, warnings: 1 };
    expect(formatText(r, colors(false))).toContain('2 findings (1 error, 1 warning, 0 notes) in 1 role, 1 workload of the account\n');
    expect(formatGithub(r)).toContain('rolefit: 2 findings (1 error, 1 warning, 0 notes) in 1 role, 1 task definition of the account\n');
    // A file scan keeps its file count, even of 0 files.
    const files = report([]);
    files.summary.files = 0;
    expect(formatText(files, colors(false))).toContain('no findings in 0 files, 1 role, 1 workload\n');
  });
});
