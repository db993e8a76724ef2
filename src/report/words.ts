// Small pieces of wording the formatters share.
import type { FindingLocation } from './types.js';

/** `file:line:column`. */
export function where(l: FindingLocation): string {
  return `${l.file}:${l.line}:${l.column}`;
}

/** `1 finding`, `2 findings`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Text from the scanned files made safe to print: control characters (but tab and line feed) and
 * bidirectional overrides are shown as `\u001b`, so that a crafted name cannot drive the terminal
 * or the log viewer (clear the screen, recolor or reorder what follows).
 */
export function printable(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
