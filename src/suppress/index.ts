// The suppress stage (rules → findings → suppress → report): the configuration's severity
// overrides, then inline suppressions (comments, CloudFormation metadata, Kubernetes annotations),
// the configuration's ignore entries and the baseline. Suppressed findings move to
// Report.suppressed with what silenced them. Suppressions that cannot be read, have expired, or
// baseline entries that match nothing are raised as findings of their own (src/suppress/rules.ts).
import { readFileSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { Inventory, Loc, Severity } from '../model.js';
import type { Finding, Suppression } from '../report/types.js';
import type { RawFinding } from '../rules/rule.js';
import { RULE_METAS } from '../rules/index.js';
import { parseJson, parseYaml } from '../sources/nodes.js';
import { isTerraformFile } from '../sources/terraform/index.js';
import type { Config } from '../config/load.js';
import { isExpired, todayUtc } from '../config/dates.js';
import { pathMatcher, roleMatcher } from '../config/match.js';
import { commentDirectives } from './comments.js';
import { parseDirective } from './directive.js';
import { documentDirectives, type PlacedDirective } from './metadata.js';
import { matchBaseline, type Baseline } from './baseline.js';
import { expiredSuppression, invalidSuppression, staleBaseline } from './rules.js';

export interface SuppressOptions {
  /** Base of the relative paths in findings. */
  cwd: string;
  config?: Config;
  baseline?: Baseline;
  /** Today's date (YYYY-MM-DD) for expiry; default: today in UTC. */
  today?: string;
  /** Where a scanned file's text is read from, as for the reading stage (fix verifies edits on copies). */
  readFrom?: (path: string) => string;
}

export interface Suppressed {
  findings: Finding[];
  suppressed: Finding[];
  /** Findings of the stage's own rules, with the configured severity, to be reported. */
  raised: RawFinding[];
}

/** One active suppression: what it silences and how the report describes it. */
interface Suppressor {
  applies(f: Finding): boolean;
  suppression: Suppression;
}

/** Files whose documents may hold metadata or annotations (the others are only scanned as text). */
const DOCUMENT_EXTENSIONS = new Set(['.json', '.yaml', '.yml', '.template']);

export function suppress(all: Finding[], inventory: Inventory, o: SuppressOptions): Suppressed {
  const today = o.today ?? todayUtc();
  const rules = o.config?.rules ?? {};
  const raised: RawFinding[] = [];
  const raise = (rule: { id: string; severity: Severity }, message: string, loc: Loc) => {
    const level = rules[rule.id] ?? rule.severity;
    if (level !== 'off') raised.push({ rule: rule.id, severity: level, message, loc });
  };

  const findings = all.flatMap((f) => {
    const level = rules[f.rule];
    return level === 'off' ? [] : level ? [{ ...f, severity: level }] : [f];
  });

  // Inline suppressions by the file they are written in (they apply to no other); then the config's.
  const inline = new Map<string, Suppressor[]>();
  const fromConfig: Suppressor[] = [];
  const known = new Set(RULE_METAS.map((m) => m.id));
  // The JSON and YAML readers kept the texts that mention rolefit; Terraform files are read again.
  const texts = new Map(inventory.suppressionTexts.map((t) => [t.file, t.text]));
  for (const file of inventory.files) {
    const here: Suppressor[] = [];
    inline.set(file, here);
    const text = texts.get(file) ?? (isTerraformFile(file) ? readText(resolve(o.cwd, file), o.readFrom) : undefined);
    if (text === undefined) continue;
    for (const p of placedDirectives(text, file, known)) {
      const d = p.directive;
      if (!d.ok) {
        raise(invalidSuppression, `suppression ignored: ${d.problem}`, p.loc);
        continue;
      }
      if (d.until && isExpired(d.until, today)) {
        raise(expiredSuppression, `suppression of ${d.rules.join(', ')} expired on ${d.until} and no longer applies (reason was: ${d.reason})`, p.loc);
        continue;
      }
      if (!p.range) continue;
      const [from, to] = p.range;
      here.push({
        applies: (f) => f.location.line >= from && f.location.line <= to && d.rules.includes(f.rule),
        suppression: { kind: 'inline', reason: d.reason, ...(d.until ? { expires: d.until } : {}), location: p.loc },
      });
    }
  }
  for (const entry of o.config?.ignore ?? []) {
    if (entry.expires && isExpired(entry.expires, today)) {
      raise(expiredSuppression, `ignore entry for ${entry.rule === '*' ? 'every rule' : entry.rule} expired on ${entry.expires} and no longer applies (reason was: ${entry.reason})`, entry.loc);
      continue;
    }
    const inPaths = entry.paths.length ? pathMatcher(entry.paths, o.config!.dir, o.cwd) : () => true;
    const ofRole = entry.roles.length ? roleMatcher(entry.roles) : undefined;
    fromConfig.push({
      applies: (f) =>
        (entry.rule === '*' || entry.rule === f.rule) && inPaths(f.location.file) && (!ofRole || (f.role !== null && ofRole(f.role))),
      suppression: { kind: 'config', reason: entry.reason, ...(entry.expires ? { expires: entry.expires } : {}), location: entry.loc },
    });
  }

  const kept: Finding[] = [];
  const suppressed: Finding[] = [];
  for (const f of findings) {
    const by = inline.get(f.location.file)?.find((s) => s.applies(f)) ?? fromConfig.find((s) => s.applies(f));
    if (by) suppressed.push({ ...f, suppression: by.suppression });
    else kept.push(f);
  }

  if (!o.baseline) return { findings: kept, suppressed, raised };
  const { matched, stale } = matchBaseline(kept, o.baseline, o.cwd);
  for (const [f, entry] of matched) {
    suppressed.push({ ...f, suppression: { kind: 'baseline', reason: `accepted in baseline ${o.baseline.file}`, location: entry.loc } });
  }
  for (const e of stale) {
    const role = e.role === null ? '' : ` of role ${e.role}`;
    raise(staleBaseline, `baseline entry matches no finding: ${e.rule} in ${e.file}${role}${e.message ? ` (was: ${e.message})` : ''}`, e.loc);
  }
  return { findings: kept.filter((f) => !matched.has(f)), suppressed, raised };
}

/** A scanned file's text, read again; undefined when it cannot be (a pipe cannot be read twice). */
function readText(path: string, readFrom: (path: string) => string = (p) => p): string | undefined {
  try {
    const real = readFrom(path);
    if (!statSync(real).isFile()) return undefined;
    return readFileSync(real, 'utf8').replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  }
}

/** The suppressions written in one scanned file: comments in its text, metadata in its documents. */
function placedDirectives(text: string, file: string, known: ReadonlySet<string>): PlacedDirective[] {
  if (!text.includes('rolefit')) return [];
  const out: PlacedDirective[] = commentDirectives(text, file).map((c) => ({ directive: parseDirective(c.text, known), loc: c.loc, range: c.range }));
  if (DOCUMENT_EXTENSIONS.has(extname(file).toLowerCase()) && /rolefit\.dev\/ignore|\brolefit["']?\s*:(?!ignore)/.test(text)) {
    try {
      const trimmed = text.trimStart();
      const docs = extname(file).toLowerCase() === '.json' || trimmed.startsWith('{') || trimmed.startsWith('[') ? [parseJson(text, file)] : parseYaml(text, file);
      out.push(...documentDirectives(docs, known, text));
    } catch {
      // The reading stage parsed this file; if it changed since, its findings are stale anyway.
    }
  }
  return out;
}
