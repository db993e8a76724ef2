// `rolefit fix`: for each role whose findings a least-privilege policy answers, print the
// replacement in the syntax of the role's source; with --write, splice it into CloudFormation
// templates, after checking on copies that a new scan of the edited files reports no excess and
// no missing permission for the fixed roles. Exit 0 nothing to fix, 1 fixes printed or written,
// 2 unreadable input or usage errors.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { display, roleName, type Diagnostic, type Node } from '../model.js';
import { loadInventory, toFinding, type LoadedInventory } from '../scan.js';
import { suppress } from '../suppress/index.js';
import { configuredNeeds } from '../config/needs.js';
import type { ScanSettings } from '../config/settings.js';
import { analyze } from '../analyze.js';
import { RULES } from '../rules/index.js';
import type { RawFinding } from '../rules/rule.js';
import { parseArn } from '../iam/arn.js';
import { InputError, parseJson, parseYamlDocument } from '../sources/nodes.js';
import { formatLoc } from '../rules/util.js';
import { FIXED_RULES, planFixes, policyLabel, type Accepted, type RoleFix } from './plan.js';
import { fixCloudFormation } from './cloudformation.js';
import { dataSourceName, policyDocumentHcl } from './terraform.js';
import { TokenError } from './cfn-value.js';
import { policyFileOf, policyFileProblem, rewritePolicyFile } from './policy-file.js';

export interface FixOptions {
  paths: string[];
  write?: boolean;
  cwd?: string;
  /** The configuration and baseline: what they suppress is not fixed, and their account/Region apply. */
  settings?: ScanSettings;
  today?: string;
}

interface Out {
  write(s: string): unknown;
}

export const FIX_EXIT = { nothing: 0, fixes: 1, error: 2 } as const;

interface Pass {
  loaded: LoadedInventory;
  findings: RawFinding[];
  fixes: RoleFix[];
}

function run(paths: string[], cwd: string, o: Pick<FixOptions, 'settings' | 'today'>, readFrom?: (p: string) => string): Pass {
  const config = o.settings?.config;
  const loaded = loadInventory(paths, cwd, { readFrom, config });
  const analysis = analyze(loaded.inventory, loaded.linked, config && configuredNeeds(config));
  // What the user suppressed (inline, configuration, baseline) or turned off is not "fixed" away.
  const raw = RULES.flatMap((r) => r.check({ inventory: loaded.inventory, linked: loaded.linked, analysis }));
  const all = raw.map(toFinding);
  const stage = suppress(all, loaded.inventory, { cwd, config, baseline: o.settings?.baseline, today: o.today, readFrom });
  const kept = new Set(stage.findings.map((f) => f.fingerprint));
  const reasons = new Map(stage.suppressed.map((f) => [f.fingerprint, f.suppression?.reason]));
  const findings: RawFinding[] = [];
  // The others were accepted; their grants must survive a fix of the role's other findings.
  const accepted: Accepted[] = [];
  for (const [i, f] of raw.entries()) {
    const { fingerprint } = all[i];
    if (kept.has(fingerprint)) findings.push(f);
    else accepted.push({ finding: f, why: reasons.has(fingerprint) ? `is suppressed (${reasons.get(fingerprint)})` : 'is turned off in the configuration' });
  }
  const diagnostics: Diagnostic[] = [...loaded.inventory.diagnostics, ...loaded.linked.diagnostics, ...analysis.diagnostics];
  return { loaded, findings, fixes: planFixes(analysis, findings, diagnostics, accepted) };
}

/** One role's fix as it will be shown, and the new text of its file when it can be written. */
interface Rendered {
  fix: RoleFix;
  body: string;
  file?: string;
  uncertain: string[];
  /** Template text → new text; applied in sequence for several roles of one file. */
  edit?: (text: string) => string | undefined;
  printOnly?: string;
  /** Trust findings of the role: advice only. */
  trust: RawFinding[];
}

export function runFix(opts: FixOptions, stdout: Out, stderr: Out): number {
  const cwd = opts.cwd ?? process.cwd();
  const pass = run(opts.paths, cwd, opts);
  for (const e of pass.loaded.errors) stderr.write(`${formatLoc(e.location)}: input error: ${e.message}\n`);
  if (pass.loaded.errors.length) {
    stderr.write('rolefit: fix needs every input readable (a fix computed from part of the infrastructure could remove what the rest needs); nothing changed\n');
    return FIX_EXIT.error;
  }
  if (pass.fixes.length === 0) {
    stdout.write('nothing to fix: no role has excess or missing permissions\n');
    return FIX_EXIT.nothing;
  }

  const texts = new Map<string, string>();
  const rendered = pass.fixes.map((fix) => render(fix, pass, cwd, texts));
  // Edits per file, applied in order; a role whose edit fails leaves the file to the others.
  const edited = new Map<string, string>();
  const writable = new Set<Rendered>();
  if (opts.write) {
    for (const r of rendered) {
      if (!r.edit || !r.file || r.uncertain.length || r.fix.uncertain.length) continue;
      const next = r.edit(edited.get(r.file) ?? texts.get(r.file)!);
      if (next === undefined) {
        r.uncertain.push(`${r.file} could not be edited after the fixes of the other roles in it: run fix --write again`);
        continue;
      }
      edited.set(r.file, next);
      writable.add(r);
    }
    const failed = verify(opts.paths, cwd, edited, [...writable].map((r) => r.fix.ra.linked.role.id), opts);
    for (const r of writable) {
      if (failed.length) r.uncertain.push(`a scan of the edited template still reports: ${failed.join('; ')}; nothing written`);
    }
    if (failed.length) edited.clear();
  }

  for (const r of rendered) stdout.write(describe(r, opts.write === true && edited.has(r.file ?? '') && writable.has(r)) + '\n');
  for (const [file, text] of edited) writeFileSync(resolve(cwd, file), text);
  const written = [...edited.keys()];
  const fixedRoles = rendered.filter((r) => writable.has(r) && edited.has(r.file ?? '')).length;
  const summary = opts.write
    ? `${rendered.length} role${rendered.length === 1 ? '' : 's'} to fix; ${fixedRoles} fixed in ${written.length} file${written.length === 1 ? '' : 's'}${written.length ? ` (${written.join(', ')})` : ''}`
    : `${rendered.length} role${rendered.length === 1 ? '' : 's'} to fix; run with --write to apply the fixes marked writable`;
  stdout.write(summary + '\n');
  return FIX_EXIT.fixes;
}

function render(fix: RoleFix, pass: Pass, cwd: string, texts: Map<string, string>): Rendered {
  const role = fix.ra.linked.role;
  const trust = pass.findings.filter((f) => f.role === fix.ra && f.rule.startsWith('trust-'));
  const base: Rendered = { fix, body: '', uncertain: [], trust };
  if (fix.skipped.length || !fix.document) return base;
  const identities = pass.loaded.linked.roles.map((lr) => ({ roleId: lr.role.id, files: lr.identity.map((p) => p.loc.file) }));
  const policyFile = policyFileOf(fix, pass.loaded.inventory, identities);
  if (policyFile) {
    texts.set(policyFile, texts.get(policyFile) ?? readFileSync(resolve(cwd, policyFile), 'utf8'));
    const problem = policyFileProblem(fix.document);
    const document = fix.document;
    return { ...base, file: policyFile, body: iamJson(fix), uncertain: problem ? [problem] : [], edit: (current) => rewritePolicyFile(current, document) };
  }
  if (role.source === 'cloudformation') {
    const file = role.loc.file;
    const text = texts.get(file) ?? readFileSync(resolve(cwd, file), 'utf8');
    texts.set(file, text);
    const syntax = /^\uFEFF?\s*[{[]/.test(text) ? 'json' : 'yaml';
    const bare = text.replace(/^\uFEFF/, '');
    let root: Node | undefined;
    try {
      root = syntax === 'json' ? parseJson(bare, file) : parseYamlDocument(bare, file);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      // A stream of several YAML documents: read by the scan, but not one template to edit.
      return { ...base, body: iamJson(fix), uncertain: [`${file} cannot be edited as one template: ${e.message}`] };
    }
    // A byte-order mark stays where it was; the edits work on the text after it.
    const bom = text.length > bare.length ? '\uFEFF' : '';
    const first = fixCloudFormation(fix, root!, bare, file, syntax, pass.loaded.inventory);
    if (!first.snippet) return { ...base, body: iamJson(fix), uncertain: first.uncertain };
    return {
      ...base,
      file,
      body: first.snippet,
      uncertain: first.uncertain,
      edit: (current) => {
        const next = fixCloudFormation(fix, root!, current.slice(bom.length), file, syntax, pass.loaded.inventory).text;
        return next === undefined ? undefined : bom + next;
      },
    };
  }
  if (role.source === 'terraform') {
    try {
      const name = dataSourceName(role.id);
      const lines = [policyDocumentHcl(fix.document, name)];
      lines.push(
        fix.mode === 'add'
          ? `# attach it as another inline policy of ${role.id}: policy = data.aws_iam_policy_document.${name}.json`
          : `# use data.aws_iam_policy_document.${name}.json as the only identity policy of ${role.id}`,
      );
      return { ...base, body: lines.join('\n'), printOnly: 'Terraform configurations are not rewritten: apply it by hand' };
    } catch (e) {
      if (!(e instanceof TokenError)) throw e;
      return { ...base, body: iamJson(fix), uncertain: [e.message] };
    }
  }
  return { ...base, body: iamJson(fix), printOnly: `${sourceName(role.source)} ${role.loc.file} describes deployed roles: apply the policy in the role's real source (or with the AWS CLI); it is not rewritten` };
}

function sourceName(source: string): string {
  return source === 'authorization-details' ? 'the IAM dump' : source === 'task-definition' ? 'the task definition' : source;
}

/** The document as IAM JSON, tokens shown as ${Name}. */
function iamJson(fix: RoleFix): string {
  return JSON.stringify(fix.document, (_k, v: unknown) => (typeof v === 'string' ? display(v) : v), 2);
}

function describe(r: Rendered, written: boolean): string {
  const { fix } = r;
  const role = fix.ra.linked.role;
  const out: string[] = [];
  const counts = new Map<string, number>();
  for (const f of fix.findings) counts.set(f.rule, (counts.get(f.rule) ?? 0) + 1);
  const answered = [...counts].map(([rule, n]) => `${rule} ×${n}`).join(', ');
  out.push(`role ${roleName(role)} (${formatLoc(role.loc)}, ${fix.ra.kind}): ${answered}`);
  if (fix.skipped.length) {
    out.push('  not fixed:', ...fix.skipped.map((s) => `    - ${s}`), ...trustAdvice(r));
    return out.join('\n') + '\n';
  }
  if (fix.mode === 'replace') {
    out.push(`  replaces: ${fix.replaced.map((p) => `${policyLabel(p)}${p.kind === 'aws-managed' ? '' : ` (${p.loc.file}:${p.loc.line})`}`).join(', ')}`);
    if (fix.kept.length) out.push(`  keeps: ${fix.kept.map(policyLabel).join(', ')}`);
  } else {
    out.push('  adds the missing permissions; keeps every existing policy');
  }
  out.push('  unchanged: the trust policy' + (role.boundary ? ' and the permissions boundary' : ''));
  out.push(...r.body.split('\n').map((l) => '    ' + l));
  for (const n of fix.notes) out.push(`  note: ${n}`);
  const uncertain = [...fix.uncertain, ...r.uncertain];
  if (uncertain.length) out.push('  review before applying (not written):', ...uncertain.map((s) => `    - ${s}`));
  else if (written) out.push(`  written: ${r.file}`);
  else if (r.printOnly) out.push(`  ${r.printOnly}`);
  else if (r.file) out.push(`  writable: ${r.file} (use --write)`);
  out.push(...trustAdvice(r));
  return out.join('\n') + '\n';
}

/**
 * Trust findings are not rewritten (who may assume a role is a decision, not a derivation): they
 * are listed, with the confused-deputy condition to add where that is what is missing.
 */
function trustAdvice(r: Rendered): string[] {
  if (r.trust.length === 0) return [];
  const out = ['  trust policy (not changed by fix):', ...r.trust.map((f) => `    - ${display(f.message)} (${formatLoc(f.loc)})`)];
  if (r.trust.some((f) => f.rule === 'trust-confused-deputy')) {
    const ra = r.fix.ra;
    const account = display(parseArn(ra.linked.role.arn)?.account ?? '') || '<account id>';
    // EKS documents aws:SourceArn on the cluster's Fargate profiles for pod execution roles.
    const profiles = [...new Set(ra.podExecutionOf.map((p) => `arn:${display(p.partition)}:eks:${display(p.region)}:${display(p.account)}:fargateprofile/${display(p.cluster)}/*`))];
    out.push(
      profiles.length
        ? `    suggested: add to the statement that admits eks-fargate-pods.amazonaws.com: "Condition": {"ArnLike": {"aws:SourceArn": ${JSON.stringify(profiles.length === 1 ? profiles[0] : profiles)}}}`
        : `    suggested: add to the statement that admits the service: "Condition": {"StringEquals": {"aws:SourceAccount": "${account}"}}`,
    );
  }
  return out;
}

/**
 * Scans the inputs again with `edited` texts in place of their files (through copies) and lists the
 * excess or missing findings left on `roles`.
 */
export function verify(paths: string[], cwd: string, edited: Map<string, string>, roles: string[], o: Pick<FixOptions, 'settings' | 'today'> = {}): string[] {
  if (edited.size === 0) return [];
  const dir = mkdtempSync(join(tmpdir(), 'rolefit-fix-'));
  try {
    const copies = new Map<string, string>();
    [...edited].forEach(([file, text], i) => {
      const copy = join(dir, String(i), basename(file));
      mkdirSync(join(dir, String(i)));
      writeFileSync(copy, text);
      copies.set(resolve(cwd, file), copy);
    });
    const pass = run(paths, cwd, o, (p) => copies.get(p) ?? p);
    const problems = pass.loaded.errors.map((e) => `${formatLoc(e.location)}: ${e.message}`);
    for (const f of pass.findings) {
      if (f.role && roles.includes(f.role.linked.role.id) && f.severity !== 'note' && (FIXED_RULES as readonly string[]).includes(f.rule)) {
        problems.push(`${f.rule}: ${display(f.message)}`);
      }
    }
    return problems;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
