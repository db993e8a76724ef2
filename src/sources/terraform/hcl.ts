// An HCL file as Terraform reads it: a body of attributes and blocks, each expression kept as its
// syntax node (evaluated later, in the scope of a module instance), each with its position.
import type { Loc } from '../../model.js';
import { InputError } from '../nodes.js';
import { parseHcl, type SyntaxNode } from './parser.js';

/** One parsed file: its text (templates are sliced from it) and name (for locations). */
export interface HclFile {
  file: string;
  text: string;
  /** Lines added in front of the file's own text (a template parsed inside a heredoc). */
  lineOffset?: number;
}

export interface HclAttribute {
  name: string;
  expr: SyntaxNode;
  /** Where the attribute name is written. */
  loc: Loc;
  src: HclFile;
}

export interface HclBlock {
  type: string;
  labels: string[];
  body: HclBody;
  loc: Loc;
  src: HclFile;
}

export interface HclBody {
  attributes: Map<string, HclAttribute>;
  blocks: HclBlock[];
}

export function locOf(src: HclFile, n: SyntaxNode): Loc {
  return { file: src.file, line: n.row + 1 - (src.lineOffset ?? 0), column: n.col + 1 };
}

export function textOf(src: HclFile, n: SyntaxNode): string {
  return src.text.slice(n.start, n.end);
}

/** Parses a .tf or .tfvars file. Throws InputError at the first syntax error. */
export function readHclFile(text: string, file: string): HclBody {
  const src: HclFile = { file, text };
  const root = parseHcl(text);
  const bad = firstError(root, []);
  if (bad) syntaxError(src, bad.node, bad.ancestors);
  const body = root.children.find((c) => c.type === 'body');
  return body ? readBody(src, body) : { attributes: new Map(), blocks: [] };
}

function firstError(n: SyntaxNode, ancestors: SyntaxNode[]): { node: SyntaxNode; ancestors: SyntaxNode[] } | undefined {
  if (n.missing) return { node: n, ancestors };
  for (const c of n.children) {
    const e = firstError(c, [...ancestors, n]);
    if (e) return e;
  }
  return undefined;
}

/** Tokens the grammar names, as a user writes them. */
const TOKEN_TEXT: Record<string, string> = {
  quoted_template_end: '"',
  quoted_template_start: '"',
  block_end: '}',
  object_end: '}',
  tuple_end: ']',
  template_interpolation_end: '}',
  template_directive_end: '}',
  heredoc_identifier: 'the heredoc end marker',
};

const UNCLOSED: Record<string, string> = {
  template_interpolation_start: '"${" is not closed by "}"',
  template_if_intro: '"%{ if }" is not closed by "%{ endif }"',
  template_for_start: '"%{ for }" is not closed by "%{ endfor }"',
};

function syntaxError(src: HclFile, n: SyntaxNode, ancestors: SyntaxNode[]): never {
  if (n.type !== 'ERROR') {
    const what = TOKEN_TEXT[n.type] ?? n.type;
    const shown = what.startsWith('the ') ? what : JSON.stringify(what);
    // What the missing token closes: the nearest enclosing construct that starts before it.
    const opener = [...ancestors].reverse().find((a) => a.start < n.start) ?? ancestors[0] ?? n;
    const open = locOf(src, opener);
    // An unclosed string runs to the end of the file: point at where it starts.
    if (what === '"') throw new InputError('invalid HCL: unterminated string (no closing quote)', open);
    throw new InputError(`invalid HCL: missing ${shown} to close what starts at line ${open.line}, column ${open.column}`, locOf(src, n));
  }
  // The grammar wraps a complete `${…}` or `%{…}` in one node: an opener left bare in the error
  // is what was not closed, usually lines below where the error starts (the enclosing block).
  const opener = n.children.find((c) => UNCLOSED[c.type]);
  if (opener) throw new InputError(`invalid HCL: ${UNCLOSED[opener.type]}`, locOf(src, opener));
  const inner = n.children.find((c) => c.type === 'ERROR');
  if (inner) syntaxError(src, inner, [...ancestors, n]);
  const text = textOf(src, n).split('\n')[0].trim();
  const shown = text.length > 40 ? text.slice(0, 40) + '…' : text;
  throw new InputError(shown ? `invalid HCL: unexpected ${JSON.stringify(shown)}` : 'invalid HCL: unexpected end of file (an unclosed block, bracket or string?)', locOf(src, n));
}

function readBody(src: HclFile, body: SyntaxNode): HclBody {
  const out: HclBody = { attributes: new Map(), blocks: [] };
  for (const c of body.children) {
    if (c.type === 'attribute') {
      const [id] = c.children;
      const expr = c.children.find((x) => x.type === 'expression');
      if (!id || !expr) continue;
      const name = textOf(src, id);
      // Terraform rejects a second definition of an attribute: report the second.
      if (out.attributes.has(name)) throw new InputError(`invalid HCL: attribute "${name}" is defined twice`, locOf(src, id));
      out.attributes.set(name, { name, expr, loc: locOf(src, id), src });
    } else if (c.type === 'block') {
      const [id, ...rest] = c.children;
      const labels = rest.filter((x) => x.type === 'string_lit' || x.type === 'identifier').map((x) => (x.type === 'identifier' ? textOf(src, x) : stringLiteral(src, x)));
      const inner = c.children.find((x) => x.type === 'body');
      out.blocks.push({
        type: textOf(src, id),
        labels,
        body: inner ? readBody(src, inner) : { attributes: new Map(), blocks: [] },
        loc: locOf(src, id),
        src,
      });
    }
  }
  return out;
}

/** The value of a string literal without interpolations (a block label, a `string_lit`). */
export function stringLiteral(src: HclFile, n: SyntaxNode): string {
  const inner = n.children.filter((c) => c.type === 'template_literal');
  if (inner.length === 0) return '';
  return unescapeQuoted(src.text.slice(inner[0].start, inner[inner.length - 1].end));
}

/** HCL quoted-string escapes (`\n`, `\"`, `\uXXXX`…) and the template escapes `$${` and `%%{`. */
export function unescapeQuoted(s: string): string {
  return s
    .replace(/\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|(.))/g, (_m, u4: string | undefined, u8: string | undefined, c: string | undefined) => {
      if (u4) return String.fromCharCode(parseInt(u4, 16));
      if (u8) return String.fromCodePoint(parseInt(u8, 16));
      return ({ n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' } as Record<string, string>)[c!] ?? '\\' + c;
    })
    .replace(/\$\$\{/g, '${')
    .replace(/%%\{/g, '%{');
}
