// Small pieces of wording the formatters share.
import type { FindingLocation } from './types.js';

/**
 * A location of a live scan: the ARN of the role, policy, task definition or profile (line 1), not
 * a file. Formats name it by the ARN alone and never hand it over as a path of the repository.
 */
export function isArnLocation(l: FindingLocation): boolean {
  return l.file.startsWith('arn:');
}

/** `file:line:column`, or the ARN alone for a live location. */
export function where(l: FindingLocation): string {
  return isArnLocation(l) ? l.file : `${l.file}:${l.line}:${l.column}`;
}

/** `1 finding`, `2 findings`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
