// `rolefit:ignore` comments in the raw text of any input file: YAML and HCL `#`, HCL and JSONC `//`.
// A directive applies to the line it is written on and, when it stands on lines of its own, to the
// next line of code; and in both cases to the block that line opens: the lines indented deeper
// (YAML), or up to the bracket that closes one it leaves open (HCL, JSON, YAML flow collections).
import type { Loc } from '../model.js';

export interface CommentDirective {
  /** The text after `rolefit:ignore`. */
  text: string;
  /** Where `rolefit:ignore` is written. */
  loc: Loc;
  /** The lines it covers (1-based, inclusive); undefined when it stands above no code. */
  range?: [number, number];
}

const MARK = 'rolefit:ignore';

/**
 * Visits the characters of `line` outside strings until `visit` returns true; returns that index
 * or -1. A single quote opens a string only where a value starts (YAML's `it's` in plain text
 * does not); a double quote always does, with backslash escapes.
 */
function outsideStrings(line: string, visit: (c: string, i: number) => boolean): number {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || (c === "'" && /[\s:[{,=(]/.test(i === 0 ? ' ' : line[i - 1]))) quote = c;
    else if (visit(c, i)) return i;
  }
  return -1;
}

/** Where the line's comment starts (-1: none): `#` or `//` after a blank (not `https://`), outside strings. */
function commentStart(line: string): number {
  return outsideStrings(line, (c, i) => (c === '#' || (c === '/' && line[i + 1] === '/')) && (i === 0 || /\s/.test(line[i - 1])));
}

/** What the block scan needs of a line, computed once per line. */
interface LineInfo {
  /** The text before its comment. */
  code: string;
  /** Where its comment starts, -1 for none. */
  commentAt: number;
  /** No code (blank, or only a comment). */
  noCode: boolean;
  /** Only white space: a blank line. */
  empty: boolean;
  indent: number;
  /** Opened minus closed brackets in its code. */
  depth: number;
}

function lineInfo(line: string): LineInfo {
  const commentAt = commentStart(line);
  const code = commentAt < 0 ? line : line.slice(0, commentAt);
  let depth = 0;
  outsideStrings(code, (c) => {
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    return false;
  });
  return { code, commentAt, noCode: code.trim() === '', empty: line.trim() === '', indent: /^[ \t]*/.exec(line)![0].length, depth };
}

/** The last line (0-based) of the block that line `t` opens; `t` itself when it opens none. */
export function blockEnd(lines: string[], t: number): number {
  return blockEndOf(lines.map(lineInfo), t);
}

function blockEndOf(info: LineInfo[], t: number): number {
  let depth = info[t].depth;
  if (depth > 0) {
    for (let i = t + 1; i < info.length; i++) {
      depth += info[i].depth;
      if (depth <= 0) return i;
    }
    return info.length - 1;
  }
  // YAML: deeper-indented lines; a key with its value on the next lines also keeps a sequence
  // written at its own indentation (`Statement:` followed by `- Effect: …`).
  const base = info[t].indent;
  const opensBlock = /:\s*(?:[|>][-+0-9]*)?\s*$/.test(info[t].code);
  let end = t;
  for (let i = t + 1; i < info.length; i++) {
    if (info[i].noCode) continue;
    const n = info[i].indent;
    if (n > base || (n === base && opensBlock && /^\s*-(\s|$)/.test(info[i].code))) end = i;
    else break;
  }
  return end;
}

/** Every `rolefit:ignore` comment of the text, with the lines it covers. */
export function commentDirectives(text: string, file: string): CommentDirective[] {
  if (!text.includes(MARK)) return [];
  const lines = text.split(/\r?\n/);
  const info = lines.map(lineInfo);
  // The next line of code at or after each line, past comment lines but not past a blank line.
  const nextCode = new Array<number>(lines.length + 1).fill(-1);
  for (let i = lines.length - 1; i >= 0; i--) nextCode[i] = !info[i].noCode ? i : info[i].empty ? -1 : nextCode[i + 1];
  // Stacked directives share their block: find its end once.
  const ends = new Map<number, number>();
  const range = (t: number): [number, number] => {
    let end = ends.get(t);
    if (end === undefined) ends.set(t, (end = blockEndOf(info, t)));
    return [t + 1, end + 1];
  };
  const out: CommentDirective[] = [];
  lines.forEach((line, i) => {
    const at = info[i].commentAt;
    if (at < 0) return;
    const mark = line.indexOf(MARK, at);
    // The mark must open the comment's text: `# rolefit:ignore …`, `// rolefit:ignore …`.
    if (mark < 0 || !/^(#|\/\/)\s*$/.test(line.slice(at, mark))) return;
    const directive = { text: line.slice(mark + MARK.length), loc: { file, line: i + 1, column: mark + 1 } };
    // After code it covers its own line; on lines of its own, the next line of code.
    const t = info[i].noCode ? nextCode[i + 1] : i;
    out.push(t >= 0 ? { ...directive, range: range(t) } : directive);
  });
  return out;
}
