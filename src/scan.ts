// The pipeline: sources → Inventory → link → analyze → rules → suppress → report.
import { resolve } from 'node:path';
import { emptyInventory, mergeInventory, roleName, type Inventory, type Loc, type Severity } from './model.js';
import { discover, displayPath } from './sources/discover.js';
import { readInputFile } from './sources/index.js';
import { InputError } from './sources/nodes.js';
import { isTerraformFile, mergeTerraform, readTerraform, startTerraformParser } from './sources/terraform/index.js';
import { link, type Linked } from './link/roles.js';
import { analyze, type RoleAnalysis } from './analyze.js';
import { RULES } from './rules/index.js';
import type { RawFinding } from './rules/rule.js';
import { suggestPolicy } from './fix/suggest.js';
import { display } from './model.js';
import type { Finding, InputErrorEntry, Report, RoleReport } from './report/types.js';
import { version } from './version.js';
import { reportScope } from './scope.js';
import type { Config } from './config/load.js';
import { applyConfigToInventory } from './config/inventory.js';
import { configuredNeeds } from './config/needs.js';
import { suppress } from './suppress/index.js';
import type { Baseline } from './suppress/baseline.js';
import { fingerprint } from './fingerprint.js';

export interface ScanOptions {
  paths: string[];
  /** Base for the relative paths in locations (default: process.cwd()). */
  cwd?: string;
  /** An inventory read elsewhere (a live scan): analysed instead of reading `paths`. */
  loaded?: LoadedInventory;
  /**
   * Read for context only (src/scope.ts): files here are read and linked, but only findings and
   * input errors located in the files of `paths` are reported.
   */
  context?: string[];
  /** Called with each input error in a context-only file, which the report leaves out. */
  onContextError?: (error: InputErrorEntry) => void;
  /** The configuration (src/config/load.ts: findConfig, loadConfig); none by default. */
  config?: Config;
  /** Findings to accept (src/suppress/baseline.ts: readBaseline). */
  baseline?: Baseline;
  /** Today's date, YYYY-MM-DD, for suppression expiry (default: today in UTC). */
  today?: string;
}

export interface LoadOptions {
  /** Maps a discovered file to the path its text is read from (fix checks edits on copies). */
  readFrom?: (path: string) => string;
  /** Account, Region and partition the configuration gives for symbolic values. */
  config?: Config;
}

export const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, note: 2 };
export const MAX_ACTIONS = 1000;

export interface LoadedInventory {
  inventory: Inventory;
  linked: Linked;
  /** Input that could not be read (missing paths, invalid files). */
  errors: InputErrorEntry[];
}

/** The reading stage of a scan: discover the files under `paths`, read each, link roles and policies. */
export function loadInventory(paths: string[], cwd: string = process.cwd(), { readFrom = (p) => p, config }: LoadOptions = {}): LoadedInventory {
  const rel = (p: string) => displayPath(cwd, p);
  const inventory = emptyInventory();
  const errors: InputErrorEntry[] = [];
  const { files, missing } = discover(paths.map((p) => resolve(cwd, p)));
  for (const m of missing) errors.push({ message: 'no such file or directory', location: { file: rel(m), line: 1, column: 1 } });
  const terraform = files.filter(isTerraformFile);
  if (terraform.length) startTerraformParser(); // starts while the other files are read
  for (const path of files) {
    if (isTerraformFile(path)) continue; // read as modules, below
    const file = rel(path);
    try {
      mergeInventory(inventory, readInputFile(readFrom(path), file).inventory);
    } catch (e) {
      if (e instanceof InputError) errors.push({ message: e.message, location: e.loc });
      else if (e instanceof RangeError) errors.push({ message: `input too deeply nested or too large to process (${e.message})`, location: { file, line: 1, column: 1 } });
      else throw e;
    }
  }
  if (terraform.length) mergeTerraform(inventory, readTerraform(terraform, rel, inventory), errors);
  if (config) applyConfigToInventory(inventory, config);
  return { inventory, linked: link(inventory), errors };
}

export function scan(options: ScanOptions): Report {
  const cwd = options.cwd ?? process.cwd();
  const scope = reportScope(options);
  const { inventory, linked, errors: read } = options.loaded ?? loadInventory(scope?.readPaths ?? options.paths, cwd, { config: options.config });
  const errors = scope ? scope.inputErrors(read, options.onContextError) : read;
  const analysis = analyze(inventory, linked, options.config && configuredNeeds(options.config));
  const ctx = { inventory, linked, analysis };
  const raw: RawFinding[] = RULES.flatMap((r) => r.check(ctx));
  const stage = suppress(dedupe(raw.map(toFinding)), inventory, { ...options, cwd });
  // With --context, only what concerns the files named is reported (suppressed ones too): what is
  // located in them, and the missing permissions of a role or a workload they define. Other findings
  // sit at the statement responsible; a missing one sits at the need, so a commit that removes a
  // grant from a role file breaks a task whose need is located in an unchanged file.
  const definedIn = scope && definitionFiles(analysis);
  const named = (id: string | undefined) => id !== undefined && (definedIn!.get(id) ?? []).some((file) => scope!.reports(file));
  const inScope = (f: Finding) =>
    !scope || scope.reports(f.location.file) || (f.rule === 'missing-permission' && (named(f.role?.id) || f.workloads.some(named)));
  const findings = [...stage.findings, ...stage.raised.map(toFinding)].filter(inScope).sort(compareFindings);
  const roles = analysis.roles.map(roleReport).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  return {
    tool: { name: 'rolefit', version: version() },
    findings,
    suppressed: stage.suppressed.filter(inScope).sort(compareFindings),
    errors,
    roles,
    summary: {
      files: inventory.files.length,
      roles: roles.length,
      workloads: inventory.taskDefinitions.length + inventory.kubeWorkloads.length,
      findings: findings.length,
      errors: count('error'),
      warnings: count('warning'),
      notes: count('note'),
      inputErrors: errors.length,
      partial: read.length > 0 || roles.some((r) => r.incomplete.length > 0) || inventory.diagnostics.some((d) => d.rule === 'incomplete-scan'),
    },
  };
}

/** The files that define each role (itself, its policies, its boundary) and each workload, by id. */
function definitionFiles(analysis: ReturnType<typeof analyze>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const ra of analysis.roles) {
    const { role, identity, boundary } = ra.linked;
    out.set(role.id, [role.loc.file, ...identity.map((p) => p.loc.file), ...(boundary ?? []).map((p) => p.loc.file)]);
    for (const td of [...ra.executionOf, ...ra.taskRoleOf]) out.set(td.id, [td.loc.file]);
    for (const p of ra.podExecutionOf) out.set(p.id, [p.loc.file]);
  }
  return out;
}

function identity(ra: RoleAnalysis) {
  const r = ra.linked.role;
  return { name: roleName(r), arn: display(r.arn), id: r.id };
}

function loc(l: Loc) {
  return { file: l.file, line: l.line, column: l.column };
}

export function toFinding(f: RawFinding): Finding {
  const actions = [...new Set(f.actions ?? [])].sort();
  const finding = {
    rule: f.rule,
    severity: f.severity,
    // Symbolic values are shown as ${Name} wherever they reached a message or a resource.
    message: display(f.message),
    role: f.role ? identity(f.role) : null,
    workloads: f.workloads ?? [],
    actions: actions.slice(0, MAX_ACTIONS),
    actionCount: actions.length,
    resources: (f.resources ?? []).map(display),
    location: loc(f.loc),
  };
  return { ...finding, fingerprint: fingerprint(finding) };
}

function roleReport(ra: RoleAnalysis): RoleReport {
  const isExec = ra.kind === 'execution-role' || ra.kind === 'execution-and-task-role' || ra.kind === 'pod-execution-role';
  const services = [...new Set([...ra.executionOf, ...ra.taskRoleOf].flatMap((td) => td.services ?? []))].sort();
  return {
    ...identity(ra),
    kind: ra.kind,
    workloads: [...new Set([...ra.workloads, ...ra.taskRoleOf.map((td) => td.id)])],
    location: loc(ra.linked.role.loc),
    needs: uniqueNeeds(ra.needs).map((n) => ({
      action: n.action,
      resource: display(n.resource),
      reason: display(n.reason),
      location: loc(n.loc),
      ...(n.optional ? { optional: true } : {}),
    })),
    incomplete: [...ra.linked.incomplete, ...ra.unknowns],
    suggestedPolicy: isExec ? suggestPolicy(ra.needs) : null,
    ...(services.length ? { services } : {}),
  };
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    cmp(a.location.file, b.location.file) ||
    a.location.line - b.location.line ||
    a.location.column - b.location.column ||
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    cmp(a.rule, b.rule) ||
    cmp(a.message, b.message)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The same finding raised twice (a policy reached through two paths) is reported once. */
function dedupe(list: Finding[]): Finding[] {
  const seen = new Set<string>();
  return list.filter((f) => {
    const key = JSON.stringify([f.rule, f.location, f.message, f.role?.id]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A need two workloads share (the log router's outputs serve every profile) is listed once. */
function uniqueNeeds(needs: RoleAnalysis['needs']): RoleAnalysis['needs'] {
  const seen = new Set<string>();
  return needs.filter((n) => {
    const key = [n.action, n.resource, n.reason, n.loc.file, n.loc.line, n.loc.column, n.optional ?? false].join('\u0001');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
