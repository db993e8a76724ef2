// The text of an inline suppression, as written after `rolefit:ignore` in a comment and in a
// `rolefit.dev/ignore` annotation: `<rule>[,<rule>…] reason="…" until=YYYY-MM-DD`.
import { isDate } from '../config/dates.js';

export type Directive = { ok: true; rules: string[]; reason: string; until?: string } | { ok: false; problem: string };

const PAIR = /^([A-Za-z][\w-]*)=(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s"'][^\s]*))/;

/** Parses a directive; `known` says which rule ids exist (an unknown one is a mistake, not a no-op). */
export function parseDirective(text: string, known: ReadonlySet<string>): Directive {
  let rest = text.trim();
  const head = /^([a-z][a-z0-9-]*(?:\s*,\s*[a-z][a-z0-9-]*)*)(?=\s|$)/.exec(rest);
  if (!head) return { ok: false, problem: 'it names no rule (write `rolefit:ignore <rule> reason="…"`)' };
  const rules = head[1].split(',').map((r) => r.trim());
  const unknown = rules.filter((r) => !known.has(r));
  if (unknown.length) return { ok: false, problem: `unknown rule id ${unknown.map((r) => `"${r}"`).join(', ')}` };
  rest = rest.slice(head[0].length).trim();
  const values: Record<string, string> = {};
  while (rest) {
    const m = PAIR.exec(rest);
    if (!m) return { ok: false, problem: `cannot read "${rest.slice(0, 40)}" (expected key=value, e.g. reason="…")` };
    const key = m[1];
    if (key !== 'reason' && key !== 'until') return { ok: false, problem: `unknown key "${key}" (reason and until are known)` };
    if (key in values) return { ok: false, problem: `"${key}" given twice` };
    values[key] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? m[4]);
    rest = rest.slice(m[0].length).trim();
  }
  const reason = values.reason?.trim();
  if (!reason) return { ok: false, problem: 'it gives no reason (add reason="…": a suppression must say why)' };
  if (values.until !== undefined && !isDate(values.until)) return { ok: false, problem: `until=${values.until} is not a date YYYY-MM-DD` };
  return { ok: true, rules, reason, ...(values.until !== undefined ? { until: values.until } : {}) };
}
