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

function code(line: string): string {
  const at = commentStart(line);
  return at < 0 ? line : line.slice(0, at);
}

const isBlank = (line: string) => code(line).trim() === '';
const indent = (line: string) => /^[ \t]*/.exec(line)![0].length;

/** Opened minus closed brackets in the code of a line, strings skipped. */
function bracketDepth(text: string): number {
  let depth = 0;
  outsideStrings(text, (c) => {
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    return false;
  });
  return depth;
}

/** The last line (0-based) of the block that line `t` opens; `t` itself when it opens none. */
export function blockEnd(lines: string[], t: number): number {
  const head = code(lines[t]);
  let depth = bracketDepth(head);
  if (depth > 0) {
    for (let i = t + 1; i < lines.length; i++) {
      depth += bracketDepth(code(lines[i]));
      if (depth <= 0) return i;
    }
    return lines.length - 1;
  }
  // YAML: deeper-indented lines; a key with its value on the next lines also keeps a sequence
  // written at its own indentation (`Statement:` followed by `- Effect: …`).
  const base = indent(lines[t]);
  const opensBlock = /:\s*(?:[|>][-+0-9]*)?\s*$/.test(head);
  let end = t;
  for (let i = t + 1; i < lines.length; i++) {
    if (isBlank(lines[i])) continue;
    const n = indent(lines[i]);
    if (n > base || (n === base && opensBlock && /^\s*-(\s|$)/.test(lines[i]))) end = i;
    else break;
  }
  return end;
}

/** Every `rolefit:ignore` comment of the text, with the lines it covers. */
export function commentDirectives(text: string, file: string): CommentDirective[] {
  if (!text.includes(MARK)) return [];
  const lines = text.split(/\r?\n/);
  const out: CommentDirective[] = [];
  lines.forEach((line, i) => {
    const at = commentStart(line);
    if (at < 0) return;
    const mark = line.indexOf(MARK, at);
    // The mark must open the comment's text: `# rolefit:ignore …`, `// rolefit:ignore …`.
    if (mark < 0 || !/^(#|\/\/)\s*$/.test(line.slice(at, mark))) return;
    const loc = { file, line: i + 1, column: mark + 1 };
    const directive = { text: line.slice(mark + MARK.length), loc };
    if (line.slice(0, at).trim() !== '') {
      out.push({ ...directive, range: [i + 1, blockEnd(lines, i) + 1] });
      return;
    }
    // On lines of its own: the next line of code, past other comment lines but not a blank line.
    let t = i + 1;
    while (t < lines.length && lines[t].trim() !== '' && isBlank(lines[t])) t++;
    if (t < lines.length && !isBlank(lines[t])) out.push({ ...directive, range: [t + 1, blockEnd(lines, t) + 1] });
    else out.push(directive);
  });
  return out;
}
