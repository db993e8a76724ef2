// Edits to a JSON file through jsonc-parser's modify/applyEdits: only the changed values are
// rewritten (formatted with the file's own indentation), the rest of the text stays byte for byte.
import { applyEdits, findNodeAtLocation, modify, parseTree, type FormattingOptions, type JSONPath } from 'jsonc-parser';
import { EditError } from './yaml-edit.js';

/** The file's indentation, read from its first indented line. */
export function jsonFormatting(text: string): FormattingOptions {
  const m = /\n([ \t]+)\S/.exec(text);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  if (m && m[1][0] === '\t') return { insertSpaces: false, tabSize: 1, eol };
  return { insertSpaces: true, tabSize: m ? Math.min(m[1].length, 8) : 2, eol };
}

function exists(text: string, path: JSONPath): boolean {
  const tree = parseTree(text);
  return !!tree && findNodeAtLocation(tree, path) !== undefined;
}

/** Sets `path` to `value` (adding the key when absent). */
export function jsonSet(text: string, path: JSONPath, value: unknown): string {
  return applyEdits(text, modify(text, path, value, { formattingOptions: jsonFormatting(text) }));
}

/** Appends `value` to the array at `path`. */
export function jsonAppend(text: string, path: JSONPath, value: unknown): string {
  const tree = parseTree(text);
  const arr = tree && findNodeAtLocation(tree, path);
  if (!arr || arr.type !== 'array') throw new EditError(`${path.join('.')} is not an array`);
  return applyEdits(text, modify(text, [...path, -1], value, { formattingOptions: jsonFormatting(text), isArrayInsertion: true }));
}

/** Removes `path` (a key or an array item). */
export function jsonRemove(text: string, path: JSONPath): string {
  if (!exists(text, path)) throw new EditError(`${path.join('.')} does not exist`);
  return applyEdits(text, modify(text, path, undefined, { formattingOptions: jsonFormatting(text) }));
}
