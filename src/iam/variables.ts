// Request contexts and IAM policy variables (domain.md §4.4): `${aws:username}`, `${aws:PrincipalTag/team}`,
// the escapes `${*}` `${?}` `${$}` and default values `${aws:key, 'default'}`. Variables are
// substituted only in documents with "Version": "2012-10-17"; elsewhere `${…}` is literal text.

export interface RequestContext {
  /** Condition key (any case) → values. */
  keys: Record<string, string[]>;
  /** Keys not listed are absent, as in a real request; otherwise they are unknown. */
  complete?: boolean;
}

export type Lookup = { values: string[] } | { absent: true } | { unknown: true };

/** The values of a condition key, matched case-insensitively. An empty list counts as absent. */
export function lookupKey(ctx: RequestContext, key: string): Lookup {
  const lower = key.toLowerCase();
  let found: string[] | undefined;
  for (const [k, v] of Object.entries(ctx.keys)) {
    if (k.toLowerCase() === lower) found = [...(found ?? []), ...v];
  }
  if (found && found.length > 0) return { values: found };
  if (found || ctx.complete) return { absent: true };
  return { unknown: true };
}

/**
 * A piece of a substituted value. `literal` pieces came from an escape or a variable's value:
 * `*` and `?` in them are plain characters even where the rest of the value is a wildcard pattern.
 */
export interface Part {
  text: string;
  literal: boolean;
}

export type Expanded = { parts: Part[] } | { absent: true } | { unknown: string[] };

const ESCAPES: Record<string, string> = { '*': '*', '?': '?', $: '$' };
/** `key` or `key, 'default'` inside `${…}`. */
const VARIABLE = /^\s*([^\s,'{}]+)\s*(?:,\s*'([^']*)'\s*)?$/;

export function expandVariables(s: string, ctx: RequestContext, policyVersion?: string): Expanded {
  if (policyVersion !== '2012-10-17' || !s.includes('${')) return { parts: [{ text: s, literal: false }] };
  const parts: Part[] = [];
  const unknown: string[] = [];
  let absent = false;
  let i = 0;
  while (i < s.length) {
    const start = s.indexOf('${', i);
    const end = start < 0 ? -1 : s.indexOf('}', start + 2);
    if (start < 0 || end < 0) {
      parts.push({ text: s.slice(i), literal: false });
      break;
    }
    if (start > i) parts.push({ text: s.slice(i, start), literal: false });
    const inner = s.slice(start + 2, end);
    i = end + 1;
    if (inner in ESCAPES) {
      parts.push({ text: ESCAPES[inner], literal: true });
      continue;
    }
    const m = VARIABLE.exec(inner);
    if (!m) {
      // Not a variable reference: IAM leaves such text as written.
      parts.push({ text: s.slice(start, end + 1), literal: false });
      continue;
    }
    const [, key, dflt] = m;
    const found = lookupKey(ctx, key);
    if ('values' in found) {
      // A variable stands for one value; a multivalued key cannot be substituted definitely.
      if (found.values.length === 1) parts.push({ text: found.values[0], literal: true });
      else unknown.push(key);
    } else if ('absent' in found) {
      if (dflt !== undefined) parts.push({ text: dflt, literal: true });
      else absent = true;
    } else unknown.push(key);
  }
  if (absent) return { absent: true };
  if (unknown.length > 0) return { unknown: [...new Set(unknown)] };
  return { parts };
}

export function substituteVariables(
  s: string,
  ctx: RequestContext,
  policyVersion?: string,
): { value: string } | { absent: true } | { unknown: string[] } {
  const e = expandVariables(s, ctx, policyVersion);
  if ('parts' in e) return { value: e.parts.map((p) => p.text).join('') };
  return e;
}
