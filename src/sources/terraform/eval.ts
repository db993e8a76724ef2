// Evaluation of HCL expressions to positioned values: literals, collections, templates (with
// `%{if}`/`%{for}` directives), references, function calls, for expressions, conditionals,
// operators, index and splat. What the configuration does not determine becomes a token named
// after the expression (values.ts); nothing unknown ever becomes a wildcard.
import { hasToken, type Loc, type Node, type ScalarNode } from '../../model.js';
import { InputError, parseJson, toPlain } from '../nodes.js';
import { locOf, textOf, unescapeQuoted, type HclFile } from './hcl.js';
import type { SyntaxNode } from './parser.js';
import { callFunction } from './functions.js';
import { evaluationError, getKey, hash, isNull, isUnknown, scalar, seq, text, type Tokens } from './values.js';

/** One step of a traversal after its root name: `.attr`, `[index]`, or a splat with the steps it applies to each item. */
export type Step = { attr: string } | { index: Node } | { splat: Step[] };

export interface Scope {
  src: HclFile;
  tokens: Tokens;
  /** Variables bound by for expressions, dynamic-block iterators and templatefile(). */
  vars: Map<string, Node>;
  /** Resolves a reference to a named object of the configuration (`var`, `local`, resources, …). */
  reference(root: string, steps: Step[], loc: Loc, expr: string): Node;
  /** Directory that relative paths in file() and templatefile() are read from (the root module's). */
  baseDir: string;
  /** A path as locations show it (relative to the scan's working directory). */
  relPath(abs: string): string;
}

/** Nesting of expressions (and references followed) before evaluation gives up. */
const MAX_DEPTH = 200;
let depth = 0;

/**
 * The largest value an expression may have, in elements (a string counts one per 64 characters).
 * Values are shared, not copied, so `[local.a, local.a]` doubles in size for free: 40 such locals
 * are 2^40 elements, and jsonencode or a for expression over them ran out of memory.
 */
export const MAX_VALUE_SIZE = 1_000_000;
const sizes = new WeakMap<Node, number>();

function sizeOf(v: Node): number {
  if (v.kind === 'scalar') return typeof v.value === 'string' ? 1 + (v.value.length >> 6) : 1;
  let size = sizes.get(v);
  if (size === undefined) {
    size = 1;
    for (const child of v.kind === 'seq' ? v.items : v.entries.map((e) => e.value)) {
      size += sizeOf(child);
      if (size > MAX_VALUE_SIZE) break;
    }
    sizes.set(v, size);
  }
  return size;
}

/**
 * Expressions evaluated for one root module before it is refused: nested for expressions over
 * large collections are quadratic, and a hook must end. Real configurations use a few thousand.
 */
export const MAX_EVALUATIONS = 5_000_000;
let evaluations = 0;

/** Starts the evaluation budget of a root module. */
export function resetEvaluationBudget(): void {
  evaluations = 0;
}

export function evaluate(n: SyntaxNode, scope: Scope): Node {
  const loc = locOf(scope.src, n);
  if (++evaluations > MAX_EVALUATIONS) throw new InputError(`evaluating this module takes over ${MAX_EVALUATIONS.toLocaleString('en-US')} steps (here): refused`, loc);
  if (depth >= MAX_DEPTH) return scope.tokens.unknown(`TooDeep#${hash([loc.file, loc.line, loc.column])}`, loc);
  depth++;
  try {
    const v = evalNode(n, scope, loc);
    if (sizeOf(v) > MAX_VALUE_SIZE) throw new InputError(`the value of this expression has over ${MAX_VALUE_SIZE.toLocaleString('en-US')} elements: too large to evaluate`, loc);
    return v;
  } finally {
    depth--;
  }
}

function named(n: SyntaxNode): SyntaxNode[] {
  return n.children.filter((c) => c.named && c.type !== 'comment');
}

/** A token for the value of this expression (its source text names it). */
function unknownOf(n: SyntaxNode, scope: Scope, loc: Loc): Node {
  const t = textOf(scope.src, n).replace(/\s+/g, ' ');
  // The same text over other values of each, count, a for variable or an iterator is another value.
  const bound = [...scope.vars.keys()].filter((k) => new RegExp(`(^|[^\\w.])${k}\\b`).test(t));
  const salt = bound.length ? `#${hash(bound.map((k) => toPlain(scope.vars.get(k)!)))}` : '';
  return scope.tokens.unknown((t.length <= 80 ? t : `${t.slice(0, 60)}…#${hash(t)}`) + salt, loc);
}

function evalNode(n: SyntaxNode, scope: Scope, loc: Loc): Node {
  switch (n.type) {
    case 'expression':
      return term(named(n), scope, loc);
    case 'variable_expr':
      return term([n], scope, loc);
    case 'literal_value':
      return evaluate(named(n)[0], scope);
    case 'numeric_lit':
      return scalar(Number(textOf(scope.src, n)), loc);
    case 'bool_lit':
      return scalar(textOf(scope.src, n) === 'true', loc);
    case 'null_lit':
      return scalar(null, loc);
    case 'string_lit':
    case 'template_expr':
    case 'quoted_template':
    case 'heredoc_template':
      return template(n.type === 'template_expr' ? named(n)[0] : n, scope, loc);
    case 'collection_value':
      return evaluate(named(n)[0], scope);
    case 'tuple': {
      const items: Node[] = [];
      for (const c of n.children) if (c.type === 'expression') items.push(evaluate(c, scope));
      return seq(items, loc);
    }
    case 'object': {
      const entries: Array<{ key: string; keyLoc: Loc; value: Node }> = [];
      for (const e of n.children) {
        if (e.type !== 'object_elem') continue;
        const [k, v] = e.children.filter((c) => c.type === 'expression');
        if (!k || !v) continue;
        const key = objectKey(k, scope);
        entries.push({ key, keyLoc: locOf(scope.src, k), value: evaluate(v, scope) });
      }
      return { kind: 'map', entries, loc };
    }
    case 'function_call':
      return call(n, scope, loc);
    case 'for_expr':
      return forExpr(named(n)[0], scope, loc);
    case 'conditional': {
      const [c, a, b] = n.children.filter((x) => x.type === 'expression');
      const cond = evaluate(c, scope);
      if (cond.kind === 'scalar' && typeof cond.value === 'boolean') return evaluate(cond.value ? a : b, scope);
      if (cond.kind === 'scalar' && (cond.value === 'true' || cond.value === 'false')) return evaluate(cond.value === 'true' ? a : b, scope);
      const [va, vb] = [evaluate(a, scope), evaluate(b, scope)];
      if (JSON.stringify(toPlain(va)) === JSON.stringify(toPlain(vb))) return va;
      return unknownOf(n, scope, loc);
    }
    case 'operation':
      return evaluate(named(n)[0], scope);
    case 'unary_operation': {
      const op = n.children[0] && !n.children[0].named ? n.children[0].type : '';
      const v = term(named(n), scope, loc);
      if (op === '!' && v.kind === 'scalar' && typeof v.value === 'boolean') return scalar(!v.value, loc);
      if (op === '-' && v.kind === 'scalar' && v.value !== null && !isUnknown(v) && !Number.isNaN(Number(v.value))) return scalar(-Number(v.value), loc);
      return unknownOf(n, scope, loc);
    }
    case 'binary_operation':
      return binary(n, scope, loc);
  }
  return unknownOf(n, scope, loc);
}

/**
 * A value with its traversals: `var.a.b[0]`, `f(x)[1]`, `(expr).k`. The grammar writes these as
 * siblings (inside an expression, or directly as the operand of an operator).
 */
function term(parts: SyntaxNode[], scope: Scope, loc: Loc): Node {
  if (parts.length === 0) return scalar(null, loc);
  const [base, ...postfix] = parts;
  const expr = () => scope.src.text.slice(parts[0].start, parts[parts.length - 1].end);
  if (base.type === 'variable_expr') {
    const root = textOf(scope.src, base);
    const steps = toSteps(postfix, scope);
    const local = scope.vars.get(root);
    if (local !== undefined) return traverse(local, steps, scope, loc, expr());
    return scope.reference(root, steps, loc, expr());
  }
  const value = evaluate(base, scope);
  return postfix.length ? traverse(value, toSteps(postfix, scope), scope, loc, expr()) : value;
}

/** An object key: a bare name is itself, anything else (`(var.x)`, `"a"`, `"${x}"`) is evaluated. */
function objectKey(k: SyntaxNode, scope: Scope): string {
  const parts = named(k);
  if (parts.length === 1 && parts[0].type === 'variable_expr') return textOf(scope.src, parts[0]);
  const v = evaluate(k, scope);
  return text(v) ?? scope.tokens.name(`key#${hash(toPlain(v))}`);
}

function toSteps(postfix: SyntaxNode[], scope: Scope): Step[] {
  const steps: Step[] = [];
  for (const p of postfix) {
    if (p.type === 'get_attr') steps.push({ attr: textOf(scope.src, named(p)[0]) });
    else if (p.type === 'index') {
      const inner = named(p)[0];
      if (inner.type === 'legacy_index') steps.push({ index: scalar(Number(textOf(scope.src, inner).replace(/^\./, '')), locOf(scope.src, inner)) });
      else steps.push({ index: evaluate(named(inner)[0], scope) });
    } else if (p.type === 'splat') {
      steps.push({ splat: toSteps(named(named(p)[0]), scope) });
    }
  }
  return steps;
}

/** Applies traversal steps to a value; an unknown or missing step gives a token named after the expression. */
function indexText(index: Node): string {
  const t = text(index);
  return t === undefined || hasToken(t) ? '?' : index.kind === 'scalar' && typeof index.value === 'number' ? t : JSON.stringify(t);
}

function stepsText(steps: Step[]): string {
  return steps.map((s) => ('splat' in s ? `[*]${stepsText(s.splat)}` : 'attr' in s ? `.${s.attr}` : `[${indexText(s.index)}]`)).join('');
}

export function traverse(value: Node, steps: Step[], scope: Scope, loc: Loc, expr: string): Node {
  let v = value;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (isUnknown(v)) return scope.tokens.part(v as ScalarNode, stepsText(steps.slice(i)), loc);
    if ('splat' in step) {
      const list = v.kind === 'seq' ? v.items : isNull(v) ? [] : [v];
      const out = seq(list.map((item) => traverse(item, step.splat, scope, loc, expr)), loc);
      return traverse(out, steps.slice(i + 1), scope, loc, expr);
    }
    // What a known value does not have is an error in Terraform (try() then takes its next argument).
    const missing = () => evaluationError(scope.tokens.unknown(expr, loc));
    if ('attr' in step) {
      const next = getKey(v, step.attr);
      if (next === undefined) return missing();
      v = next;
      continue;
    }
    const key = text(step.index);
    if (key === undefined || hasToken(key)) return scope.tokens.unknown(expr, loc);
    if (v.kind === 'seq') {
      const item = v.items[Number(key)];
      if (item === undefined) return missing();
      v = item;
    } else {
      const next = getKey(v, key);
      if (next === undefined) return missing();
      v = next;
    }
  }
  return v;
}

// ------------------------------------------------------------------------------------------------ templates

interface Piece {
  text?: string;
  node?: SyntaxNode;
  /** `~` strip markers: the blanks before (left) or after (right) the interpolation or directive go. */
  stripBefore?: boolean;
  stripAfter?: boolean;
}

/** How the literal text of one template is read from the source. */
interface Literal {
  (from: number, to: number): string;
}

function template(n: SyntaxNode, scope: Scope, loc: Loc): Node {
  const src = scope.src;
  const heredoc = n.type === 'heredoc_template';
  // The text is what lies between the interpolations and directives (tree-sitter's template_literal
  // nodes leave blanks out), from after the opening quote or heredoc line to the closing one.
  let from: number;
  let to: number;
  if (heredoc) {
    const ids = n.children.filter((c) => c.type === 'heredoc_identifier');
    from = src.text.indexOf('\n', ids[0].end) + 1;
    to = ids.length > 1 ? src.text.lastIndexOf('\n', ids[1].start - 1) + 1 : n.end;
    if (to < from) to = from;
  } else {
    from = n.children.find((c) => c.type === 'quoted_template_start')?.end ?? n.start;
    to = n.children.find((c) => c.type === 'quoted_template_end')?.start ?? n.end;
  }
  // `<<-` drops the indentation common to the template's non-blank lines, in its source text.
  let cut = 0;
  if (heredoc && textOf(src, n).startsWith('<<-')) {
    const indents = src.text.slice(from, to).split('\n').filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)![0].length);
    cut = indents.length ? Math.min(...indents) : 0;
  }
  const literal: Literal = (a, b) => {
    let raw = src.text.slice(a, b);
    if (cut) {
      const dedent = (line: string) => line.slice(Math.min(cut, /^[ \t]*/.exec(line)![0].length));
      raw = raw.split('\n').map((line, i) => (i > 0 || src.text[a - 1] === '\n' ? dedent(line) : line)).join('\n');
    }
    return heredoc ? raw.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{') : unescapeQuoted(raw);
  };
  const pieces = piecesOf(n.children, from, to, literal, scope);
  // A lone interpolation keeps its value's type (`"${var.list}"` is the list).
  const real = pieces.filter((p) => p.node || p.text);
  if (real.length === 1 && real[0].node?.type === 'template_interpolation') {
    return evaluate(real[0].node.children.find((c) => c.type === 'expression')!, scope);
  }
  const text = render(pieces, scope, loc, literal);
  return heredoc ? (heredocJson(text, src, from, to, cut, loc) ?? scalar(text, loc)) : scalar(text, loc);
}

/**
 * A heredoc holding a JSON document (a policy written inline): the string, with the positions of
 * the JSON's values in the .tf file, so that findings point at the statement's line. Rendering
 * keeps the lines of the source when no interpolation spans lines; otherwise positions are not kept.
 */
function heredocJson(text: string, src: HclFile, from: number, to: number, cut: number, loc: Loc): Node | undefined {
  if (!/^\s*[[{]/.test(text)) return undefined;
  const lines = (s: string) => s.split('\n').length;
  if (lines(text) !== lines(src.text.slice(from, to))) return undefined;
  let tree: Node;
  try {
    tree = parseJson(text, src.file);
  } catch {
    return undefined;
  }
  const firstLine = lines(src.text.slice(0, from)) - (src.lineOffset ?? 0);
  const shift = (n: Node): Node => {
    const at = (l: Loc): Loc => ({ file: l.file, line: l.line + firstLine - 1, column: l.column + cut });
    switch (n.kind) {
      case 'scalar':
        return { ...n, loc: at(n.loc) };
      case 'seq':
        return { ...n, items: n.items.map(shift), loc: at(n.loc) };
      case 'map':
        return { ...n, entries: n.entries.map((e) => ({ key: e.key, keyLoc: at(e.keyLoc), value: shift(e.value) })), loc: at(n.loc) };
    }
  };
  return { kind: 'scalar', value: text, loc, json: shift(tree) } as Node;
}

/** The literal text and the interpolations/directives among `children`, between `from` and `to`. */
function piecesOf(children: SyntaxNode[], from: number, to: number, literal: Literal, scope: Scope): Piece[] {
  const pieces: Piece[] = [];
  let at = from;
  for (const p of children) {
    if (p.type !== 'template_interpolation' && p.type !== 'template_directive') continue;
    if (p.start > at) pieces.push({ text: literal(at, p.start) });
    // `${~ x ~}`, `%{~ if … ~}…%{~ endif ~}`: the outer markers, read from the text.
    const whole = scope.src.text.slice(p.start, p.end);
    pieces.push({ node: p, stripBefore: whole.charAt(2) === '~', stripAfter: /~\s*\}$/.test(whole) });
    at = p.end;
  }
  if (to > at) pieces.push({ text: literal(at, to) });
  return pieces;
}

/** Renders pieces; `edges` strips the blanks at the start and end (markers of an enclosing directive). */
function render(pieces: Piece[], scope: Scope, loc: Loc, literal: Literal, edges: { start?: boolean; end?: boolean } = {}): string {
  let out = '';
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i];
    if (p.text !== undefined) {
      let t = p.text;
      if (i === 0 ? edges.start : pieces[i - 1].stripAfter) t = t.replace(/^\s+/, '');
      if (i === pieces.length - 1 ? edges.end : pieces[i + 1].stripBefore) t = t.replace(/\s+$/, '');
      out += t;
    } else if (p.node!.type === 'template_interpolation') {
      out += stringify(evaluate(p.node!.children.find((c) => c.type === 'expression')!, scope), scope, loc);
    } else {
      out += directive(named(p.node!)[0], scope, loc, literal);
    }
  }
  return out;
}

/** Whether a directive marker node (`%{ else ~}`) strips on its left or right. */
const stripsLeft = (scope: Scope, m: SyntaxNode | undefined) => !!m && scope.src.text.slice(m.start, m.end).charAt(2) === '~';
const stripsRight = (scope: Scope, m: SyntaxNode | undefined) => !!m && /~\s*\}$/.test(scope.src.text.slice(m.start, m.end));

/** The body of a directive between two of its markers. */
function body(open: SyntaxNode, close: SyntaxNode | undefined, parent: SyntaxNode, scope: Scope, loc: Loc, literal: Literal): string {
  const end = close ? close.start : parent.end;
  const inner = parent.children.filter((c) => c.start >= open.end && c.end <= end);
  return render(piecesOf(inner, open.end, end, literal, scope), scope, loc, literal, { start: stripsRight(scope, open), end: stripsLeft(scope, close) });
}

function directive(d: SyntaxNode, scope: Scope, loc: Loc, literal: Literal): string {
  if (d.type === 'template_if') {
    const intro = d.children.find((c) => c.type === 'template_if_intro')!;
    const elseIntro = d.children.find((c) => c.type === 'template_else_intro');
    const end = d.children.find((c) => c.type === 'template_if_end');
    const cond = evaluate(intro.children.find((c) => c.type === 'expression')!, scope);
    if (!(cond.kind === 'scalar' && typeof cond.value === 'boolean')) return scope.tokens.name(`if#${hash(textOf(scope.src, d))}`);
    if (cond.value) return body(intro, elseIntro ?? end, d, scope, loc, literal);
    return elseIntro ? body(elseIntro, end, d, scope, loc, literal) : '';
  }
  if (d.type === 'template_for') {
    const start = d.children.find((c) => c.type === 'template_for_start')!;
    const end = d.children.find((c) => c.type === 'template_for_end');
    const ids = start.children.filter((c) => c.type === 'identifier').map((c) => textOf(scope.src, c));
    const entries = collectionEntries(evaluate(start.children.find((c) => c.type === 'expression')!, scope));
    if (!entries) return scope.tokens.name(`for#${hash(textOf(scope.src, d))}`);
    let out = '';
    for (const [k, v] of entries) {
      const vars = new Map(scope.vars);
      if (ids.length === 2) vars.set(ids[0], k).set(ids[1], v);
      else vars.set(ids[0], v);
      out += body(start, end, d, { ...scope, vars }, loc, literal);
    }
    return out;
  }
  return scope.tokens.name(`directive#${hash(textOf(scope.src, d))}`);
}

/** A value inside a string: primitives as text; an unknown stays its token. */
export function stringify(v: Node, scope: Scope, loc: Loc): string {
  if (v.kind === 'scalar') return v.value === null ? '' : String(v.value);
  return scope.tokens.name(`string#${hash([loc.line, loc.column, toPlain(v)])}`);
}

// ------------------------------------------------------------------------------------------------ functions, for, operators

function call(n: SyntaxNode, scope: Scope, loc: Loc): Node {
  const name = textOf(scope.src, n.children[0]);
  const argsNode = n.children.find((c) => c.type === 'function_arguments');
  const exprs = argsNode ? argsNode.children.filter((c) => c.type === 'expression') : [];
  let args = exprs.map((e) => evaluate(e, scope));
  // `f(list...)`: the last argument's items are the arguments.
  if (argsNode?.children.some((c) => c.type === 'ellipsis') && args.length) {
    const last = args[args.length - 1];
    if (last.kind !== 'seq') return unknownOf(n, scope, loc);
    args = [...args.slice(0, -1), ...last.items];
  }
  return callFunction(name.replace(/^provider::[^:]+::/, ''), args, { scope, loc, unknown: () => unknownOf(n, scope, loc), exprs });
}

/** Entries of a list (index → item), set or map (key → value); undefined when unknown. */
export function collectionEntries(v: Node): Array<[Node, Node]> | undefined {
  if (v.kind === 'seq') return v.items.map((item, i) => [scalar(i, item.loc), item]);
  // Terraform iterates maps and objects in lexical order of their keys, not as written.
  if (v.kind === 'map') return [...v.entries].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((e) => [scalar(e.key, e.keyLoc), e.value]);
  if (isNull(v)) return [];
  return undefined;
}

function forExpr(n: SyntaxNode, scope: Scope, loc: Loc): Node {
  const intro = n.children.find((c) => c.type === 'for_intro')!;
  const ids = intro.children.filter((c) => c.type === 'identifier').map((c) => textOf(scope.src, c));
  const coll = evaluate(intro.children.find((c) => c.type === 'expression')!, scope);
  const body = n.children.filter((c) => c.type === 'expression');
  const cond = n.children.find((c) => c.type === 'for_cond');
  const grouping = n.children.some((c) => c.type === 'ellipsis');
  const entries = collectionEntries(coll);
  if (!entries) return unknownOf(n, scope, loc);
  const isObject = n.type === 'for_object_expr';
  const items: Node[] = [];
  const objEntries: Array<{ key: string; keyLoc: Loc; value: Node }> = [];
  for (const [k, v] of entries) {
    const vars = new Map(scope.vars);
    if (ids.length === 2) vars.set(ids[0], k), vars.set(ids[1], v);
    else vars.set(ids[0], v);
    const inner = { ...scope, vars };
    if (cond) {
      const c = evaluate(cond.children.find((x) => x.type === 'expression')!, inner);
      if (!(c.kind === 'scalar' && typeof c.value === 'boolean')) return unknownOf(n, scope, loc);
      if (!c.value) continue;
    }
    if (isObject) {
      const key = text(evaluate(body[0], inner));
      if (key === undefined || hasToken(key)) return unknownOf(n, scope, loc);
      const value = evaluate(body[1], inner);
      if (grouping) {
        const existing = objEntries.find((e) => e.key === key);
        if (existing && existing.value.kind === 'seq') existing.value.items.push(value);
        else objEntries.push({ key, keyLoc: value.loc, value: seq([value], value.loc) });
      } else {
        objEntries.push({ key, keyLoc: value.loc, value });
      }
    } else {
      items.push(evaluate(body[0], inner));
    }
  }
  return isObject ? { kind: 'map', entries: objEntries, loc } : seq(items, loc);
}

const OPERATORS = new Set(['==', '!=', '<', '>', '<=', '>=', '+', '-', '*', '/', '%', '&&', '||']);

function binary(n: SyntaxNode, scope: Scope, loc: Loc): Node {
  const at = n.children.findIndex((c) => !c.named && OPERATORS.has(c.type));
  const op = at >= 0 ? n.children[at].type : '';
  const left = n.children.slice(0, at).filter((c) => c.named && c.type !== 'comment');
  const right = n.children.slice(at + 1).filter((c) => c.named && c.type !== 'comment');
  const a = term(left, scope, locOf(scope.src, left[0] ?? n));
  // Short-circuit logic with a known left side.
  if ((op === '&&' || op === '||') && a.kind === 'scalar' && typeof a.value === 'boolean') {
    if (op === '&&' && !a.value) return scalar(false, loc);
    if (op === '||' && a.value) return scalar(true, loc);
  }
  const b = term(right, scope, locOf(scope.src, right[0] ?? n));
  if (op === '==' || op === '!=') {
    const [pa, pb] = [JSON.stringify(toPlain(a)), JSON.stringify(toPlain(b))];
    if (hasToken(pa) || hasToken(pb)) {
      if (pa === pb) return scalar(op === '==', loc);
      return unknownOf(n, scope, loc);
    }
    return scalar((pa === pb) === (op === '=='), loc);
  }
  if (a.kind !== 'scalar' || b.kind !== 'scalar' || isUnknown(a) || isUnknown(b) || a.value === null || b.value === null) return unknownOf(n, scope, loc);
  if (op === '&&' || op === '||') {
    if (typeof b.value !== 'boolean') return unknownOf(n, scope, loc);
    return scalar(b.value, loc);
  }
  const x = Number(a.value);
  const y = Number(b.value);
  if (Number.isNaN(x) || Number.isNaN(y)) return unknownOf(n, scope, loc);
  switch (op) {
    case '+':
      return scalar(x + y, loc);
    case '-':
      return scalar(x - y, loc);
    case '*':
      return scalar(x * y, loc);
    case '/':
      return y === 0 ? unknownOf(n, scope, loc) : scalar(x / y, loc);
    case '%':
      return y === 0 ? unknownOf(n, scope, loc) : scalar(x % y, loc);
    case '<':
      return scalar(x < y, loc);
    case '>':
      return scalar(x > y, loc);
    case '<=':
      return scalar(x <= y, loc);
    case '>=':
      return scalar(x >= y, loc);
  }
  return unknownOf(n, scope, loc);
}

