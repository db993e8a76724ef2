// Token masking for parsers of structured strings (image references, ARNs). A token's name may
// contain the very separators those parsers split on (`AWS::AccountId@stack.yaml` holds `:` and
// `@`), so each token is swapped for a placeholder made only of the token delimiters and a
// number, the string is parsed, and the pieces are restored.
import { TOKEN_OPEN, TOKEN_CLOSE } from '../model.js';

const TOKEN_RE = /\uE000[^\uE001]*\uE001/g;
const PLACEHOLDER_RE = /\uE000(\d+)\uE001/g;

/** A placeholder as it appears in masked text (for building regular expressions). */
export const PLACEHOLDER_PATTERN = String.raw`\uE000\d+\uE001`;

export interface Masked {
  /** The input with every token replaced by a placeholder free of `:`, `/`, `@`, `.`. */
  text: string;
  /** The original tokens, indexed by placeholder number. */
  tokens: string[];
  /** Puts the original tokens back into a piece of masked text. */
  restore(piece: string): string;
}

export function maskTokens(s: string): Masked {
  const tokens: string[] = [];
  const text = s.replace(TOKEN_RE, (t) => {
    tokens.push(t);
    return TOKEN_OPEN + String(tokens.length - 1) + TOKEN_CLOSE;
  });
  return {
    text,
    tokens,
    restore: (piece) => (tokens.length === 0 ? piece : piece.replace(PLACEHOLDER_RE, (_m, i: string) => tokens[Number(i)])),
  };
}

