// Terraform's built-in functions that policies and container definitions are built with. A
// function rolefit does not implement, or one given unknown arguments, gives an unknown value.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { hasToken, type Loc, type Node } from '../../model.js';
import { fromPlain, InputError, parseJson, toPlain } from '../nodes.js';
import { decodeUtf8, readBounded } from '../index.js';
import { MAX_HCL_BYTES, parseHcl } from './parser.js';
import { evaluate, stringify, type Scope } from './eval.js';
import { encoded, isEncoded, isEvaluationError, isNull, isUnknown, known, scalar, seq, text } from './values.js';
import type { SyntaxNode } from './parser.js';

export interface CallContext {
  scope: Scope;
  loc: Loc;
  /** The token for this call's value. */
  unknown: () => Node;
  exprs: SyntaxNode[];
}

type Fn = (args: Node[], c: CallContext) => Node;

const str = (n: Node | undefined): string | undefined => {
  const t = text(n);
  return t === undefined || hasToken(t) ? undefined : t;
};

/** Items of a list or set; undefined when not a known list. */
const list = (n: Node | undefined): Node[] | undefined => (n?.kind === 'seq' ? n.items : undefined);

function sameValue(a: Node, b: Node): boolean {
  return JSON.stringify(toPlain(a)) === JSON.stringify(toPlain(b));
}

/**
 * Reads a file named relative to the root module (Terraform's working directory): only a regular
 * file of the project (the root module's git work tree, the root module or the scan's directory),
 * bounded and UTF-8. A scanned repository must not make rolefit print a file from elsewhere on the
 * machine in a finding (CI scans pull requests), nor hang it on a device; anything else is unknown.
 */
function readRelative(path: string, c: CallContext): { text: string; file: string } | undefined {
  const full = isAbsolute(path) ? path : join(c.scope.baseDir, path);
  try {
    const real = realpathSync(full);
    if (!statSync(real).isFile() || !inProject(real, c.scope)) return undefined;
    const file = c.scope.relPath(full);
    return { text: decodeUtf8(readBounded(real, file), file), file };
  } catch {
    return undefined;
  }
}

function inProject(real: string, scope: Scope): boolean {
  const within = (dir: string) => {
    const r = relative(dir, real);
    return r !== '' && !r.startsWith('..') && !isAbsolute(r);
  };
  const base = realpathSync(scope.baseDir);
  const rel = scope.relPath(real);
  return within(base) || within(gitRoot(base) ?? base) || !(rel.startsWith('../') || rel === '..' || isAbsolute(rel));
}

const gitRoots = new Map<string, string | undefined>();

/** The git work tree a directory is in (the nearest ancestor holding .git). */
function gitRoot(dir: string): string | undefined {
  if (gitRoots.has(dir)) return gitRoots.get(dir);
  let root: string | undefined;
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) {
      root = d;
      break;
    }
    if (dirname(d) === d) break;
  }
  gitRoots.set(dir, root);
  return root;
}

/** A string from a file, with the positions of its JSON when it is JSON (a policy or container definitions). */
function fileValue(content: string, file: string, loc: Loc): Node {
  const trimmed = content.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      const json = parseJson(content, file);
      return { ...encoded(json, loc), value: content };
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
    }
  }
  return scalar(content, loc);
}

function templatefile(args: Node[], c: CallContext): Node {
  const path = str(args[0]);
  const vars = args[1];
  if (path === undefined) return c.unknown();
  const read = readRelative(path, c);
  if (!read || Buffer.byteLength(read.text) > MAX_HCL_BYTES) return c.unknown();
  if (vars && vars.kind !== 'map') return c.unknown();
  // The template is parsed as the body of a heredoc, one line down (lineOffset puts it back).
  const marker = 'ROLEFIT_TEMPLATE_END';
  const text = `x = <<${marker}\n${read.text}${read.text.endsWith('\n') ? '' : '\n'}${marker}\n`;
  const root = parseHcl(text);
  const heredoc = findType(root, 'heredoc_template');
  if (!heredoc) return c.unknown();
  const scope: Scope = {
    ...c.scope,
    src: { file: read.file, text, lineOffset: 1 },
    vars: new Map((vars?.kind === 'map' ? vars.entries : []).map((e) => [e.key, e.value])),
    // A template sees only the variables it is given.
    reference: (_root, _steps, loc, expr) => c.scope.tokens.unknown(expr, loc),
  };
  const rendered = evaluate(heredoc, scope);
  if (rendered.kind !== 'scalar' || typeof rendered.value !== 'string') return rendered;
  // The newline the heredoc needed before its end marker is not the file's.
  if (!read.text.endsWith('\n') && rendered.value.endsWith('\n')) rendered.value = rendered.value.slice(0, -1);
  // A template that renders to JSON (a policy): its values are placed at the call.
  return /^\s*[[{]/.test(rendered.value) ? jsonFromText(rendered.value, c) : scalar(rendered.value, c.loc);
}

function jsonFromText(s: string, c: CallContext): Node {
  try {
    return encoded(fromPlain(JSON.parse(s), c.loc), c.loc);
  } catch {
    return scalar(s, c.loc);
  }
}

function findType(n: SyntaxNode, type: string): SyntaxNode | undefined {
  if (n.type === type) return n;
  for (const ch of n.children) {
    const f = findType(ch, type);
    if (f) return f;
  }
  return undefined;
}

const FUNCTIONS: Record<string, Fn> = {
  jsonencode: ([v], c) => (v === undefined || isUnknown(v) ? c.unknown() : encoded(v, c.loc)),
  jsondecode: ([v], c) => {
    if (isEncoded(v)) return v.json;
    const s = str(v);
    if (s === undefined) return c.unknown();
    try {
      return fromPlain(JSON.parse(s), c.loc);
    } catch {
      return c.unknown();
    }
  },
  file: ([p], c) => {
    const path = str(p);
    const read = path === undefined ? undefined : readRelative(path, c);
    return read ? fileValue(read.text, read.file, c.loc) : c.unknown();
  },
  templatefile,
  concat: (args, c) => {
    const lists = args.map(list);
    return lists.every((l) => l) ? seq(lists.flatMap((l) => l!), c.loc) : c.unknown();
  },
  merge: (args, c) => {
    const entries: Array<{ key: string; keyLoc: Loc; value: Node }> = [];
    for (const a of args) {
      if (isNull(a)) continue;
      if (a.kind !== 'map') return c.unknown();
      for (const e of a.entries) {
        const i = entries.findIndex((x) => x.key === e.key);
        if (i >= 0) entries.splice(i, 1);
        entries.push(e);
      }
    }
    return { kind: 'map', entries, loc: c.loc };
  },
  flatten: ([v], c) => {
    const out: Node[] = [];
    const walk = (n: Node): boolean => {
      if (n.kind === 'seq') return n.items.every(walk);
      if (isUnknown(n)) return false;
      out.push(n);
      return true;
    };
    return v?.kind === 'seq' && walk(v) ? seq(out, c.loc) : c.unknown();
  },
  formatlist: (args, c) => {
    // Lists are iterated together (all of one length); other arguments repeat.
    const lists = args.slice(1).map(list);
    const n = lists.find((l) => l !== undefined)?.length;
    if (args.slice(1).some((a) => isUnknown(a)) || lists.some((l) => l !== undefined && l.length !== n)) return c.unknown();
    if (n === undefined) return c.unknown();
    const items: Node[] = [];
    for (let i = 0; i < n; i++) {
      const v = FUNCTIONS.format([args[0], ...args.slice(1).map((a, j) => lists[j]?.[i] ?? a)], c);
      if (isUnknown(v)) return c.unknown();
      items.push(v);
    }
    return seq(items, c.loc);
  },
  slice: ([l, a, b], c) => {
    const items = list(l);
    const [from, to] = [Number(str(a)), Number(str(b))];
    if (!items || !Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > items.length || from > to) return c.unknown();
    return seq(items.slice(from, to), c.loc);
  },
  setunion: (args, c) => {
    const lists = args.map(list);
    if (lists.some((l) => !l || !l.every(known))) return c.unknown();
    return FUNCTIONS.distinct([seq(lists.flatMap((l) => l!), c.loc)], c);
  },
  tobool: ([v], c) => (str(v) === 'true' ? scalar(true, c.loc) : str(v) === 'false' ? scalar(false, c.loc) : c.unknown()),
  // Sensitivity only hides a value in Terraform's output.
  sensitive: ([v], c) => v ?? c.unknown(),
  nonsensitive: ([v], c) => v ?? c.unknown(),
  can: ([v], c) => (v === undefined ? c.unknown() : isEvaluationError(v) ? scalar(false, c.loc) : isUnknown(v) ? c.unknown() : scalar(true, c.loc)),
  // The AWS provider's provider::aws::arn_build(partition, service, region, account_id, resource).
  arn_build: (args, c) => {
    const parts = args.map(text);
    return args.length === 5 && parts.every((p) => p !== undefined) ? scalar(['arn', ...parts].join(':'), c.loc) : c.unknown();
  },
  format: ([f, ...rest], c) => {
    const fmt = str(f);
    if (fmt === undefined) return c.unknown();
    let i = 0;
    let ok = true;
    const out = fmt.replace(/%(%|[-+ #0]*\d*(?:\.\d+)?[svdfqtbxXoeEgG])/g, (_m, spec: string) => {
      if (spec === '%') return '%';
      const arg = rest[i++];
      if (!arg || arg.kind !== 'scalar') {
        ok = false;
        return '';
      }
      let s = stringify(arg, c.scope, c.loc);
      if (spec.endsWith('q')) return JSON.stringify(s);
      if (spec.endsWith('d')) {
        if (Number.isNaN(Number(arg.value))) ok = false;
        s = String(Math.trunc(Number(arg.value)));
      }
      // Width: `%5s`, `%-5s`, `%05d`.
      const [, flags, width] = /^([-+ #0]*)(\d*)/.exec(spec)!;
      const w = Number(width || 0);
      if (s.length >= w) return s;
      if (flags.includes('-')) return s.padEnd(w);
      return flags.includes('0') && spec.endsWith('d') ? (s.startsWith('-') ? '-' + s.slice(1).padStart(w - 1, '0') : s.padStart(w, '0')) : s.padStart(w);
    });
    return ok ? scalar(out, c.loc) : c.unknown();
  },
  replace: ([s, search, rep], c) => {
    const [a, b, r] = [text(s), str(search), text(rep)];
    if (a === undefined || b === undefined || r === undefined) return c.unknown();
    if (b.length > 2 && b.startsWith('/') && b.endsWith('/')) {
      if (hasToken(a)) return c.unknown();
      try {
        // Terraform's regex syntax (RE2) and replacement `$1` are close enough to JavaScript's for ARNs and names.
        return scalar(a.replace(new RegExp(b.slice(1, -1), 'g'), r), c.loc);
      } catch {
        return c.unknown();
      }
    }
    return scalar(a.split(b).join(r), c.loc);
  },
  lower: ([s], c) => (text(s) !== undefined && !hasToken(text(s)!) ? scalar(text(s)!.toLowerCase(), c.loc) : c.unknown()),
  upper: ([s], c) => (text(s) !== undefined && !hasToken(text(s)!) ? scalar(text(s)!.toUpperCase(), c.loc) : c.unknown()),
  toset: ([v], c) => {
    const l = list(v);
    if (!l) return v?.kind === 'map' ? c.unknown() : c.unknown();
    const out: Node[] = [];
    for (const item of l) if (!out.some((o) => sameValue(o, item))) out.push(item);
    // Sets of strings iterate in lexical order.
    if (out.every((o) => o.kind === 'scalar' && typeof o.value === 'string' && !hasToken(o.value))) {
      out.sort((a, b) => ((a as { value: string }).value < (b as { value: string }).value ? -1 : 1));
    }
    return seq(out, c.loc);
  },
  tolist: ([v], c) => (v?.kind === 'seq' ? v : c.unknown()),
  tomap: ([v], c) => (v?.kind === 'map' ? v : c.unknown()),
  tostring: ([v], c) => (v?.kind === 'scalar' && !isUnknown(v) ? scalar(v.value === null ? null : String(v.value), c.loc) : c.unknown()),
  tonumber: ([v], c) => (v?.kind === 'scalar' && !isUnknown(v) && v.value !== null && !Number.isNaN(Number(v.value)) ? scalar(Number(v.value), c.loc) : c.unknown()),
  join: ([sep, ...lists], c) => {
    const d = text(sep);
    const items = lists.map(list);
    if (d === undefined || !items.every((l) => l)) return c.unknown();
    const parts = items.flatMap((l) => l!).map(text);
    return parts.every((p) => p !== undefined) ? scalar(parts.join(d), c.loc) : c.unknown();
  },
  split: ([sep, s], c) => {
    const [d, v] = [str(sep), str(s)];
    return d === undefined || v === undefined ? c.unknown() : seq(v.split(d).map((p) => scalar(p, c.loc)), c.loc);
  },
  length: ([v], c) => {
    if (v?.kind === 'seq') return scalar(v.items.length, c.loc);
    if (v?.kind === 'map') return scalar(v.entries.length, c.loc);
    const s = str(v);
    return s === undefined ? c.unknown() : scalar([...s].length, c.loc);
  },
  keys: ([v], c) => (v?.kind === 'map' ? seq([...v.entries].sort((a, b) => (a.key < b.key ? -1 : 1)).map((e) => scalar(e.key, e.keyLoc)), c.loc) : c.unknown()),
  values: ([v], c) => (v?.kind === 'map' ? seq([...v.entries].sort((a, b) => (a.key < b.key ? -1 : 1)).map((e) => e.value), c.loc) : c.unknown()),
  lookup: ([m, k, d], c) => {
    const key = str(k);
    if (m?.kind !== 'map' || key === undefined) return c.unknown();
    const e = [...m.entries].reverse().find((x) => x.key === key);
    return e ? e.value : (d ?? c.unknown());
  },
  element: ([l, i], c) => {
    const items = list(l);
    const n = Number(str(i));
    return items && items.length && Number.isInteger(n) ? items[n % items.length] : c.unknown();
  },
  coalesce: (args, c) => {
    for (const a of args) {
      if (isUnknown(a)) return c.unknown();
      if (!isNull(a) && !(a.kind === 'scalar' && a.value === '')) return a;
    }
    return c.unknown();
  },
  compact: ([l], c) => {
    const items = list(l);
    return items ? seq(items.filter((i) => !isNull(i) && !(i.kind === 'scalar' && i.value === '')), c.loc) : c.unknown();
  },
  distinct: ([l], c) => {
    const items = list(l);
    if (!items) return c.unknown();
    const out: Node[] = [];
    for (const i of items) if (!out.some((o) => sameValue(o, i))) out.push(i);
    return seq(out, c.loc);
  },
  contains: ([l, v], c) => {
    const items = list(l);
    if (!items || !v || !known(v) || !items.every(known)) return c.unknown();
    return scalar(items.some((i) => sameValue(i, v)), c.loc);
  },
  trimprefix: ([s, p], c) => {
    const [a, b] = [text(s), str(p)];
    return a === undefined || b === undefined ? c.unknown() : scalar(a.startsWith(b) ? a.slice(b.length) : a, c.loc);
  },
  trimsuffix: ([s, p], c) => {
    const [a, b] = [text(s), str(p)];
    return a === undefined || b === undefined ? c.unknown() : scalar(a.endsWith(b) ? a.slice(0, a.length - b.length) : a, c.loc);
  },
  trimspace: ([s], c) => (str(s) === undefined ? c.unknown() : scalar(str(s)!.trim(), c.loc)),
  one: ([l], c) => {
    const items = list(l);
    if (!items || items.length > 1) return c.unknown();
    return items[0] ?? scalar(null, c.loc);
  },
  // An unknown value is not an error: try() returns it (a guess at the fallback would be a verdict).
  try: (args, c) => args.find((a) => !isEvaluationError(a)) ?? c.unknown(),
  zipmap: ([k, v], c) => {
    const [ks, vs] = [list(k), list(v)];
    if (!ks || !vs || ks.length !== vs.length) return c.unknown();
    const keys = ks.map(str);
    if (keys.some((x) => x === undefined)) return c.unknown();
    return { kind: 'map', entries: keys.map((key, i) => ({ key: key!, keyLoc: ks[i].loc, value: vs[i] })), loc: c.loc };
  },
  basename: ([p], c) => (str(p) === undefined ? c.unknown() : scalar(str(p)!.replace(/\/+$/, '').split('/').pop() ?? '', c.loc)),
  dirname: ([p], c) => {
    const s = str(p);
    if (s === undefined) return c.unknown();
    const i = s.replace(/\/+$/, '').lastIndexOf('/');
    return scalar(i < 0 ? '.' : i === 0 ? '/' : s.slice(0, i), c.loc);
  },
  startswith: ([s, p], c) => (str(s) === undefined || str(p) === undefined ? c.unknown() : scalar(str(s)!.startsWith(str(p)!), c.loc)),
  endswith: ([s, p], c) => (str(s) === undefined || str(p) === undefined ? c.unknown() : scalar(str(s)!.endsWith(str(p)!), c.loc)),
  substr: ([s, o, l], c) => {
    const [v, off, len] = [str(s), Number(str(o)), Number(str(l))];
    if (v === undefined || !Number.isInteger(off) || !Number.isInteger(len)) return c.unknown();
    const chars = [...v];
    const start = off < 0 ? chars.length + off : off;
    return scalar(chars.slice(start, len < 0 ? undefined : start + len).join(''), c.loc);
  },
  reverse: ([l], c) => (list(l) ? seq([...list(l)!].reverse(), c.loc) : c.unknown()),
  sort: ([l], c) => {
    const items = list(l);
    if (!items || !items.every((i) => str(i) !== undefined)) return c.unknown();
    return seq([...items].sort((a, b) => (str(a)! < str(b)! ? -1 : str(a)! > str(b)! ? 1 : 0)), c.loc);
  },
  coalescelist: (args, c) => {
    for (const a of args) {
      if (a.kind !== 'seq') return c.unknown();
      if (a.items.length) return a;
    }
    return c.unknown();
  },
};
FUNCTIONS.tuple = FUNCTIONS.tolist;

export function callFunction(name: string, args: Node[], c: CallContext): Node {
  const fn = FUNCTIONS[name];
  if (!fn) return c.unknown();
  // templatefile() scopes see only the variables they are given.
  return fn(args, c);
}

/** The names of the implemented functions (README and tests). */
export const FUNCTION_NAMES = Object.keys(FUNCTIONS).sort();
