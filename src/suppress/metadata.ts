// Suppressions written as data in the documents themselves, found in their positioned node trees:
//   CloudFormation  Metadata: {rolefit: {ignore: [{rule, reason, expires}]}} on a resource (covers
//                   the resource) or at the template's top level (covers the whole template);
//   Kubernetes      metadata.annotations["rolefit.dev/ignore"]: "<rule> reason=… until=…" (one per
//                   line) on any object, including pod templates (covers that object).
import type { Loc, Node } from '../model.js';
import { get, str } from '../sources/nodes.js';
import { isDate } from '../config/dates.js';
import { parseDirective, type Directive } from './directive.js';

export interface PlacedDirective {
  directive: Directive;
  loc: Loc;
  /** The lines it covers (1-based, inclusive); undefined when it stands above no code. */
  range?: [number, number];
}

export const ANNOTATION = 'rolefit.dev/ignore';

/** The last line a node's text reaches (as far as the parser placed its values). */
function lastLine(node: Node): number {
  switch (node.kind) {
    case 'scalar':
      return node.loc.line;
    case 'seq':
      return node.items.reduce((m, i) => Math.max(m, lastLine(i)), node.loc.line);
    case 'map':
      return node.entries.reduce((m, e) => Math.max(m, e.keyLoc.line, lastLine(e.value)), node.loc.line);
  }
}

/** `source`: the file's text, to place each line of a block annotation (`|`) at its own line. */
export function documentDirectives(docs: Node[], known: ReadonlySet<string>, source = ''): PlacedDirective[] {
  const lines = source.split('\n');
  const out: PlacedDirective[] = [];
  for (const doc of docs) {
    const resources = get(doc, 'Resources');
    if (resources?.kind === 'map') {
      out.push(...cfnIgnores(get(get(doc, 'Metadata'), 'rolefit'), [1, Number.MAX_SAFE_INTEGER], known));
      for (const r of resources.entries) out.push(...cfnIgnores(get(get(r.value, 'Metadata'), 'rolefit'), [r.keyLoc.line, lastLine(r.value)], known));
    } else {
      annotations(doc, known, out, lines);
    }
  }
  return out;
}

/** The entries of a `rolefit` metadata map, each checked as a suppression. */
function cfnIgnores(rolefit: Node | undefined, range: [number, number], known: ReadonlySet<string>): PlacedDirective[] {
  if (!rolefit) return [];
  const list = get(rolefit, 'ignore');
  if (!list || list.kind !== 'seq') {
    return [{ directive: { ok: false, problem: 'Metadata.rolefit must be {ignore: [{rule, reason, expires}]}' }, loc: (list ?? rolefit).loc, range }];
  }
  return list.items.map((item) => ({ directive: cfnEntry(item, known), loc: item.loc, range }));
}

function cfnEntry(item: Node, known: ReadonlySet<string>): Directive {
  if (item.kind !== 'map') return { ok: false, problem: 'an ignore entry must be {rule, reason, expires}' };
  const extra = item.entries.find((e) => !['rule', 'reason', 'expires'].includes(e.key));
  if (extra) return { ok: false, problem: `unknown key "${extra.key}" (rule, reason and expires are known)` };
  const rule = str(get(item, 'rule'));
  if (!rule) return { ok: false, problem: 'it names no rule' };
  if (!known.has(rule)) return { ok: false, problem: `unknown rule id "${rule}"` };
  const reason = str(get(item, 'reason'))?.trim();
  if (!reason) return { ok: false, problem: 'it gives no reason (a suppression must say why)' };
  const expires = str(get(item, 'expires'));
  if (expires !== undefined && !isDate(expires)) return { ok: false, problem: `expires: ${expires} is not a date YYYY-MM-DD` };
  return { ok: true, rules: [rule], reason, ...(expires !== undefined ? { until: expires } : {}) };
}

/** `rolefit.dev/ignore` annotations of every object in the tree (a manifest, its pod template). */
function annotations(node: Node, known: ReadonlySet<string>, out: PlacedDirective[], source: string[]): void {
  if (node.kind === 'seq') for (const i of node.items) annotations(i, known, out, source);
  if (node.kind !== 'map') return;
  const notes = get(get(node, 'metadata'), 'annotations');
  const value = notes?.kind === 'map' ? notes.entries.find((e) => e.key === ANNOTATION)?.value : undefined;
  if (value) {
    const range: [number, number] = [node.loc.line, lastLine(node)];
    const text = str(value);
    const lines = text === undefined ? [] : text.split('\n');
    if (lines.every((l) => l.trim() === '')) out.push({ directive: { ok: false, problem: 'the annotation is empty' }, loc: value.loc, range });
    lines.forEach((line, i) => {
      if (line.trim() !== '') out.push({ directive: parseDirective(line, known), loc: blockLineLoc(value.loc, i, source), range });
    });
  }
  for (const e of node.entries) annotations(e.value, known, out, source);
}

/**
 * Where line `i` of a scalar's value is written: for a literal block (`key: |`) the (i+1)th line
 * below the indicator, at its first character; for any other scalar its start (a quoted or folded
 * value's lines are not lines of the file).
 */
function blockLineLoc(at: Loc, i: number, source: string[]): Loc {
  if (!/^\|[0-9+-]*\s*(#.*)?$/.test((source[at.line - 1] ?? '').slice(at.column - 1).trimEnd())) return at;
  const text = source[at.line + i];
  if (text === undefined) return at;
  return { file: at.file, line: at.line + 1 + i, column: text.search(/\S/) + 1 };
}
