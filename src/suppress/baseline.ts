// The baseline: findings accepted when rolefit was adopted, so that a run fails only on new ones.
// A JSON file (policies/schema/baseline.schema.json, version 1) of entries keyed by rule, file,
// role and the finding's fingerprint — never by line, so edits that move lines keep it valid.
// Files are written relative to the baseline's own directory and the fingerprint is taken with
// that path, so the baseline matches whichever directory rolefit runs from.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Loc, Node } from '../model.js';
import type { Finding, Report } from '../report/types.js';
import { SUPPRESSION_RULES } from './rules.js';
import { InputError, get, parseJson, str, toPlain } from '../sources/nodes.js';
import { validateBaseline } from '../config/generated/validators.js';
import { schemaInputError } from '../config/schema-errors.js';
import { displayPath } from '../sources/discover.js';
import { fingerprint } from '../fingerprint.js';

export const BASELINE_VERSION = 1;

export interface BaselineKey {
  rule: string;
  /** Relative to the baseline file's directory. */
  file: string;
  role: string | null;
  fingerprint: string;
}

export interface BaselineEntry extends BaselineKey {
  message?: string;
  loc: Loc;
}

export interface Baseline {
  /** The file, as locations show it. */
  file: string;
  dir: string;
  entries: BaselineEntry[];
}

/** A `file:line` reference to a scanned file in a message (`… (infra/taskdef.json:30:30)`). */
const FILE_REF = /([^\s()"',;]+\.(?:json|ya?ml|template|tf|tfvars)):(?=\d)/gi;

/**
 * The finding's key in a baseline kept in `dir`. Finding paths are relative to `cwd`, and so are the
 * files a message names (the task definition of a missing permission): both are rebased to `dir`.
 */
export function baselineKey(f: Finding, dir: string, cwd: string): BaselineKey {
  const rebase = (p: string) => displayPath(dir, resolve(cwd, p));
  const file = rebase(f.location.file);
  const message = f.message.replace(FILE_REF, (_, p: string) => `${rebase(p)}:`);
  const same = file === f.location.file && message === f.message;
  const fp = same ? f.fingerprint : fingerprint({ ...f, message, location: { ...f.location, file } });
  return { rule: f.rule, file, role: f.role?.id ?? null, fingerprint: fp };
}

const keyText = (k: BaselineKey) => JSON.stringify([k.rule, k.file, k.role, k.fingerprint]);

/** Reads and checks a baseline file. Throws InputError (exit 2) with file:line. */
export function readBaseline(path: string, cwd: string = process.cwd()): Baseline {
  const abs = resolve(cwd, path);
  const file = displayPath(cwd, abs);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read baseline: ${(e as Error).message}`, { file, line: 1, column: 1 });
  }
  const root: Node = parseJson(text, file);
  if (!validateBaseline(toPlain(root))) throw schemaInputError('baseline', validateBaseline.errors, root);
  const list = get(root, 'findings');
  const entries = (list?.kind === 'seq' ? list.items : []).map((n): BaselineEntry => {
    const role = get(n, 'role');
    const message = str(get(n, 'message'));
    return {
      rule: str(get(n, 'rule'))!,
      file: str(get(n, 'file'))!,
      role: role?.kind === 'scalar' && role.value !== null ? String(role.value) : null,
      fingerprint: str(get(n, 'fingerprint'))!,
      ...(message !== undefined ? { message } : {}),
      loc: n.loc,
    };
  });
  return { file, dir: dirname(abs), entries };
}

/**
 * What a baseline written after this run records: the findings it reports and those the old
 * baseline accepted; not the suppression stage's own findings (a stale entry, an unreadable
 * suppression are to be fixed, not accepted).
 */
export function baselineFindings(report: Report): Finding[] {
  const own = new Set(SUPPRESSION_RULES.map((m) => m.id));
  return [...report.findings, ...report.suppressed.filter((f) => f.suppression?.kind === 'baseline')].filter((f) => !own.has(f.rule));
}

/** The baseline file's text for `findings`, to be written at `path`: sorted, one entry per finding. */
export function baselineText(findings: Finding[], path: string, cwd: string): string {
  const dir = dirname(resolve(cwd, path));
  const entries = findings
    .map((f) => ({ ...baselineKey(f, dir, cwd), message: f.message }))
    .sort((a, b) => cmp(a.file, b.file) || cmp(a.rule, b.rule) || cmp(a.role ?? '', b.role ?? '') || cmp(a.fingerprint, b.fingerprint) || cmp(a.message, b.message));
  const body = { version: BASELINE_VERSION, tool: 'rolefit', findings: entries };
  return JSON.stringify(body, null, 2) + '\n';
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Splits `findings` into those the baseline lists and the rest; each entry accepts one finding
 * (a finding raised twice more than recorded is new). Returns the entries that matched nothing.
 */
export function matchBaseline(findings: Finding[], baseline: Baseline, cwd: string): { matched: Map<Finding, BaselineEntry>; stale: BaselineEntry[] } {
  const open = new Map<string, BaselineEntry[]>();
  for (const e of baseline.entries) {
    const k = keyText(e);
    open.set(k, [...(open.get(k) ?? []), e]);
  }
  const matched = new Map<Finding, BaselineEntry>();
  for (const f of findings) {
    const list = open.get(keyText(baselineKey(f, baseline.dir, cwd)));
    const entry = list?.shift();
    if (entry) matched.set(f, entry);
  }
  return { matched, stale: [...open.values()].flat().sort((a, b) => a.loc.line - b.loc.line) };
}

/**
 * --write-baseline: writes the baseline of the run to `file`. Refused when input was unreadable:
 * the baseline would silently miss its findings. Returns what to tell the user.
 */
export function writeBaselineFile(report: Report, file: string, cwd: string): { ok: boolean; message: string } {
  const n = (count: number, what: string) => `${count} ${what}${count === 1 ? '' : 's'}`;
  if (report.errors.length > 0) return { ok: false, message: `baseline not written: ${n(report.errors.length, 'input error')} (the baseline would be incomplete)` };
  const accepted = baselineFindings(report);
  try {
    writeFileSync(resolve(cwd, file), baselineText(accepted, file, cwd));
  } catch (e) {
    return { ok: false, message: `cannot write baseline ${file}: ${(e as Error).message}` };
  }
  return { ok: true, message: `wrote ${n(accepted.length, 'finding')} to baseline ${file}` };
}
