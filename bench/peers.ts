// Peers on the same input: checkov and cfn-lint on the corpus's CloudFormation templates, parliament
// on its policy documents and on a 5,000-role IAM dump, rolefit on each. Installs the peers (pinned)
// into bench/.venv. Reports each peer's time as a ratio to rolefit's, and what each tool says about
// the execution roles of a few corpus templates.
// Usage: tsx bench/peers.ts [--corpus ../shared/data/corpus]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { display, type Statement } from '../src/model.js';
import { loadInventory } from '../src/scan.js';
import { generateRepo } from './generate-repo.js';
import { ensureBuilt, flag, machine, ms, ratio, REPO, ROLEFIT_BIN, rolefit, table, timeCommands, writeResult, type Command } from './lib.js';

export const PEERS = { checkov: '3.3.30', 'cfn-lint': '1.58.0', parliament: '1.6.4' } as const;
const VENV = join(REPO, 'bench', '.venv');
const BIN = join(VENV, 'bin');

/** Templates whose execution roles the findings table compares (a spread of sources and styles). */
const SHOWCASE = [
  'awslabs__ecs-refarch-continuous-deployment__templates__service.yaml',
  'aws-samples__ecs-service-connect-yelb-sample-app__iac__base-infra-cfn.yaml',
  'aws-samples__amazon-ecs-mythicalmysfits-workshop__workshop-1__core.yml',
  'aws-observability__aws-otel-collector__deployment-template__ecs__aws-otel-fargate-sidecar-deployment-cfn.yaml',
  'aws__aws-cdk__packages___aws-cdk-testing__framework-integ__test__aws-ecs__test__fargate__integ.secret.js.snapshot__aws-ecs-integ-secret.template.json',
  'aws__copilot-cli__internal__pkg__deploy__cloudformation__stack__testdata__workloads__svc-prod.stack.yml',
];

export function peers(argv: string[]): void {
  const corpus = resolve(REPO, flag(argv, '--corpus') ?? '../shared/data/corpus');
  const cfnDir = join(corpus, 'cloudformation');
  const policyDir = join(corpus, 'policies');
  if (!existsSync(cfnDir) || !existsSync(policyDir)) {
    console.log(`peers: skipped, no corpus at ${corpus} (needs cloudformation/ and policies/); pass --corpus DIR`);
    return;
  }
  const venv = ensureVenv();
  if (!venv.ok) {
    console.log(`peers: skipped, ${venv.reason}`);
    return;
  }
  ensureBuilt();
  const templates = readdirSync(cfnDir).filter((f) => /\.(ya?ml|json|template)$/.test(f)).map((f) => join(cfnDir, f));
  const policies = readdirSync(policyDir).filter((f) => f.endsWith('.json'));
  const work = mkdtempSync(join(tmpdir(), 'rolefit-peers-'));
  try {
    const dump = generateRepo(join(work, 'repo'), { n: 0, roles: 5000, parts: ['iam-dump'] }).iamDump!;
    // Peer output goes to /dev/null like rolefit's; JSON output where the tool has it, as CI would use.
    const checkovArgs = ['--skip-download', '--quiet', '--compact', '-o', 'json'];
    const sets: Array<{ title: string; files: number; runs: number; commands: Command[] }> = [
      {
        title: `CloudFormation templates (corpus, ${templates.length} files)`,
        files: templates.length,
        runs: 3,
        commands: [
          // Three corpus templates are not valid YAML: rolefit reports them and exits 2.
          { ...rolefit('rolefit', ['scan', cfnDir, '--format', 'json', '--fail-on', 'none']), ok: [0, 2] },
          { name: 'checkov', argv: [join(BIN, 'checkov'), '-d', cfnDir, '--framework', 'cloudformation', ...checkovArgs] },
          // cfn-lint's exit code is a bit set: 2 errors, 4 warnings, 8 informational (1: it failed).
          { name: 'cfn-lint', argv: [join(BIN, 'cfn-lint'), '--format', 'json', '--', ...templates], ok: [0, 2, 4, 6, 8, 10, 12, 14] },
        ],
      },
      {
        title: `IAM policy documents (corpus, ${policies.length} files)`,
        files: policies.length,
        runs: 10,
        commands: [
          rolefit('rolefit', ['scan', policyDir, '--format', 'json', '--fail-on', 'none']),
          { name: 'parliament', argv: [join(BIN, 'parliament'), '--directory', policyDir, '--json'] },
        ],
      },
      {
        title: 'IAM dump, 5,000 execution roles (synthetic, bench/generate-repo.ts)',
        files: 1,
        runs: 3,
        commands: [
          rolefit('rolefit', ['scan', dump, '--format', 'json', '--fail-on', 'none']),
          { name: 'parliament', argv: [join(BIN, 'parliament'), '--auth-details-file', dump, '--json'] },
        ],
      },
    ];
    const speed: Array<Array<string>> = [];
    for (const set of sets) {
      console.log(`peers: ${set.title}, ${set.commands.length} tools × ${set.runs} runs`);
      const timings = timeCommands(set.commands, { runs: set.runs, warmup: 1 });
      const base = timings[0].median;
      for (const t of timings) speed.push([set.title, t.name, ms(t.median), ratio(t.median / base)]);
    }
    const findings = compareFindings(cfnDir, work);
    const md = report(speed, findings, corpus);
    const file = writeResult('peers', md);
    console.log(md);
    console.log(`\nwrote ${relative(REPO, file)}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** bench/.venv with the pinned peers; created or repaired with pip when a version differs. */
function ensureVenv(): { ok: true } | { ok: false; reason: string } {
  const installed = () => {
    const r = spawnSync(join(BIN, 'python'), ['-m', 'pip', 'list', '--format', 'json'], { encoding: 'utf8' });
    if (r.status !== 0) return false;
    const list = JSON.parse(r.stdout) as Array<{ name: string; version: string }>;
    return Object.entries(PEERS).every(([name, version]) => list.some((p) => p.name.toLowerCase() === name && p.version === version));
  };
  if (existsSync(join(BIN, 'python')) && installed()) return { ok: true };
  if (spawnSync('python3', ['--version'], { stdio: 'ignore' }).status !== 0) return { ok: false, reason: 'python3 is not installed' };
  console.log(`peers: installing ${Object.entries(PEERS).map(([n, v]) => `${n}==${v}`).join(' ')} into ${relative(REPO, VENV)}`);
  mkdirSync(VENV, { recursive: true });
  if (!existsSync(join(BIN, 'python')) && spawnSync('python3', ['-m', 'venv', VENV], { stdio: 'inherit' }).status !== 0) return { ok: false, reason: 'python3 -m venv failed' };
  const pip = spawnSync(join(BIN, 'python'), ['-m', 'pip', 'install', '--quiet', ...Object.entries(PEERS).map(([n, v]) => `${n}==${v}`)], { stdio: 'inherit' });
  if (pip.status !== 0 || !installed()) return { ok: false, reason: 'pip could not install the peers (offline?)' };
  return { ok: true };
}

interface RoleFindings {
  template: string;
  role: string;
  rolefit: string;
  checkov: string;
  cfnLint: string;
  parliament: string;
}

/** What each tool reports on the execution roles (as rolefit classifies them) of the showcase templates. */
function compareFindings(cfnDir: string, work: string): RoleFindings[] {
  const files = SHOWCASE.map((f) => join(cfnDir, f)).filter((f) => existsSync(f));
  const rows: RoleFindings[] = [];
  const policyDir = join(work, 'parliament');
  mkdirSync(policyDir, { recursive: true });
  const perFile = files.map((file) => {
    const rf = json<{ roles: Array<{ id: string; kind: string }>; findings: Array<{ rule: string; role: { id: string } | null }> }>(process.execPath, [ROLEFIT_BIN, 'scan', file, '--format', 'json', '--fail-on', 'none']);
    const ck = json<CheckovReport | CheckovReport[]>(join(BIN, 'checkov'), ['-f', file, '--framework', 'cloudformation', '--skip-download', '--quiet', '--compact', '-o', 'json']);
    const cl = json<Array<{ Rule: { Id: string }; Location: { Path: Array<string | number> } }>>(join(BIN, 'cfn-lint'), ['--format', 'json', '--', file]);
    const roles = rf.roles.filter((r) => r.kind === 'execution-role' || r.kind === 'execution-and-task-role').map((r) => r.id);
    // parliament reads policy documents, not templates: give it each role's identity policies as
    // rolefit resolved them, pseudo parameters filled in, other unknowns left as ${Name}.
    const { linked } = loadInventory([file]);
    for (const id of roles) {
      const lr = linked.roles.find((r) => r.role.id === id);
      lr?.identity.forEach((p, i) => writeFileSync(join(policyDir, `${basename(file)}__${id}__${i}.json`), JSON.stringify(document(p.statements), null, 2)));
    }
    return { file, rf, ck: ([] as CheckovReport[]).concat(ck), cl, roles };
  });
  const pa = spawnSync(join(BIN, 'parliament'), ['--directory', policyDir, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const paIssues = pa.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { issue: string; location?: { filepath?: string } });
  for (const { file, rf, ck, cl, roles } of perFile) {
    for (const role of roles) {
      const rolefitRules = count(rf.findings.filter((f) => f.role?.id === role).map((f) => f.rule));
      const checkov = count(ck.flatMap((rep) => rep.results?.failed_checks ?? []).filter((c) => c.resource.split('.').pop() === role).map((c) => `${c.check_id} (${c.check_name})`));
      // Roles get policies from AWS::IAM::Policy resources too: count cfn-lint matches on the role itself.
      const cfnLint = count(cl.filter((m) => m.Location.Path[0] === 'Resources' && m.Location.Path[1] === role).map((m) => m.Rule.Id));
      const parliament = count(paIssues.filter((i) => basename(i.location?.filepath ?? '').startsWith(`${basename(file)}__${role}__`)).map((i) => i.issue));
      rows.push({ template: basename(file), role, rolefit: rolefitRules, checkov, cfnLint, parliament });
    }
  }
  return rows;
}

interface CheckovReport {
  results?: { failed_checks?: Array<{ check_id: string; check_name: string; resource: string }> };
}

function json<T>(cmd: string, args: string[]): T {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`${basename(cmd)} ${args.join(' ')}: no JSON output (exit ${r.status}): ${r.stderr.slice(0, 500)}`);
  }
}

function count(items: string[]): string {
  if (items.length === 0) return 'nothing';
  const n = new Map<string, number>();
  for (const i of items) n.set(i, (n.get(i) ?? 0) + 1);
  return [...n].map(([k, c]) => (c > 1 ? `${k} ×${c}` : k)).join('<br>');
}

const PSEUDO: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': 'us-east-1', 'AWS::AccountId': '123456789012', 'AWS::URLSuffix': 'amazonaws.com' };

/** A policy document from parsed statements, tokens shown as ${Name} and pseudo parameters filled in. */
function document(statements: Statement[]) {
  const v = (s: string) => display(s).replace(/\$\{(AWS::[A-Za-z]+)\}/g, (m, name: string) => PSEUDO[name] ?? m);
  const list = (xs: string[] | undefined) => (xs && xs.length === 1 ? v(xs[0]) : xs?.map(v));
  return {
    Version: '2012-10-17',
    Statement: statements.map((s) => {
      const out: Record<string, unknown> = { Effect: s.effect };
      if (s.sid) out.Sid = s.sid;
      if (s.actions) out.Action = list(s.actions);
      if (s.notActions) out.NotAction = list(s.notActions);
      if (s.resources) out.Resource = list(s.resources);
      if (s.notResources) out.NotResource = list(s.notResources);
      if (s.conditions.length) {
        const cond: Record<string, Record<string, unknown>> = {};
        for (const c of s.conditions) (cond[c.operator] ??= {})[c.key] = list(c.values);
        out.Condition = cond;
      }
      return out;
    }),
  };
}

function report(speed: string[][], rows: RoleFindings[], corpus: string): string {
  return [
    '# Peers',
    '',
    `Same input for every tool: the CloudFormation templates and policy documents of the shared corpus (\`${relative(REPO, corpus)}\`, ` +
      'real public templates: AWS samples, Copilot, CDK, Solutions Constructs), and a synthetic 5,000-role IAM dump. ' +
      `Peers pinned and installed into \`bench/.venv\` by the benchmark: ${Object.entries(PEERS).map(([n, v]) => `${n} ${v}`).join(', ')}. ` +
      'Whole-process wall time, median of the runs; every tool writes JSON. checkov runs with `--skip-download` (no network) and only its CloudFormation framework.',
    '',
    table(['input', 'tool', 'median', 'time vs rolefit'], speed),
    '',
    'Goal: at least 10× faster than checkov, and faster than cfn-lint and parliament.',
    '',
    '## What each reports on the same execution roles',
    '',
    'Execution roles (as rolefit classifies them: trusted by `ecs-tasks.amazonaws.com` and named as a task definition\'s execution role) ' +
      'of a few corpus templates. checkov and cfn-lint findings are those on the role resource; parliament, which reads policy documents ' +
      'rather than templates, was given each role\'s identity policies as rolefit resolved them (pseudo parameters filled in, other unknowns ' +
      'left as `${Name}`).',
    '',
    table(
      ['template', 'role', 'rolefit', 'checkov', 'cfn-lint', 'parliament'],
      rows.map((r) => [r.template.replace(/__/g, '/ '), r.role, r.rolefit, r.checkov, r.cfnLint, r.parliament]),
    ),
    '',
    'rolefit compares each role with what its workloads need (`excess-action`, `excess-resource`, `missing-permission`); the peers judge ' +
      'each policy or resource alone: checkov for wildcard writes and escalation, cfn-lint for template validity, parliament for policy hygiene.',
    '',
    `Machine: ${machine()}.`,
    '',
    'Reproduce: `npm run bench -- peers` (or `npx tsx bench/peers.ts --corpus DIR`). Without the corpus the benchmark says so and skips.',
  ].join('\n');
}

if (import.meta.filename === process.argv[1]) peers(process.argv.slice(2));
