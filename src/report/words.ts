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
