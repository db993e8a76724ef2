// Terraform values as positioned Nodes (the model's value tree), so that policies and container
// definitions built in HCL are read by the same code as CloudFormation and JSON ones.
//
// An unknown value is a scalar string holding a symbolic token named after the expression that
// produced it (`${aws_iam_role.exec.unique_id}`), scoped to the root module: the same expression in
// the same configuration gives the same token, and a token is never a wildcard.
import { hasToken, token, type Loc, type Node, type ScalarNode } from '../../model.js';
import { str, toPlain } from '../nodes.js';

/** A string produced by jsonencode (or read by file() from JSON): keeps the encoded value's positions. */
export interface EncodedScalar extends ScalarNode {
  json: Node;
}

export function scalar(value: string | number | boolean | null, loc: Loc): ScalarNode {
  return { kind: 'scalar', value, loc };
}

export function encoded(value: Node, loc: Loc): EncodedScalar {
  return { kind: 'scalar', value: JSON.stringify(toPlain(value)), loc, json: value };
}

export function isEncoded(n: Node | undefined): n is EncodedScalar {
  return n?.kind === 'scalar' && (n as EncodedScalar).json !== undefined;
}

/** The tokens of one root module (one deployment): `scope` keeps two configurations apart. */
export class Tokens {
  constructor(
    readonly scope: string,
    /** The module instance an expression is evaluated in (`module.a.`): the same text there is another value. */
    readonly prefix = '',
  ) {}
  /** Tokens for expressions of a module instance. */
  within(prefix: string): Tokens {
    return prefix === this.prefix ? this : new Tokens(this.scope, prefix);
  }
  name(name: string): string {
    return token(`${this.prefix}${name}@${this.scope}`);
  }
  unknown(name: string, loc: Loc): ScalarNode {
    return scalar(this.name(name), loc);
  }
  /**
   * The token for a part (`.arn`, `["k"]`) of an unknown value: named after that value's token, not
   * after the expression text, so that `each.value.arn` of two resources whose for_each is unknown
   * are two values, while the same part of the same value is one.
   */
  part(of: ScalarNode, suffix: string, loc: Loc): ScalarNode {
    const inner = String(of.value).slice(1, -1);
    const at = inner.lastIndexOf('@');
    return scalar(token(at < 0 ? inner + suffix : inner.slice(0, at) + suffix + inner.slice(at)), loc);
  }
}

/**
 * Unknown values that stand for an evaluation error (an attribute, key or index a known value does
 * not have): `try()` moves past these, and only these, to its next argument.
 */
const ERRORS = new WeakSet<Node>();

export function evaluationError<T extends Node>(n: T): T {
  ERRORS.add(n);
  return n;
}

export function isEvaluationError(n: Node): boolean {
  return ERRORS.has(n);
}

/** A value wholly unknown (one token and nothing else): not a string, list or map we can look into. */
export function isUnknown(n: Node | undefined): boolean {
  return n?.kind === 'scalar' && typeof n.value === 'string' && /^\uE000[^\uE001]*\uE001$/.test(n.value);
}

export function isNull(n: Node | undefined): boolean {
  return n === undefined || (n.kind === 'scalar' && n.value === null);
}

/** The text of a primitive value (Terraform converts numbers and bools to strings where one is needed). */
export const text = str;

export function known(n: Node): boolean {
  switch (n.kind) {
    case 'scalar':
      return !(typeof n.value === 'string' && hasToken(n.value));
    case 'seq':
      return n.items.every(known);
    case 'map':
      return n.entries.every((e) => known(e.value));
  }
}

export function seq(items: Node[], loc: Loc): Node {
  return { kind: 'seq', items, loc };
}

export function map(entries: Array<[string, Node]>, loc: Loc): Node {
  return { kind: 'map', entries: entries.map(([key, value]) => ({ key, keyLoc: value.loc, value })), loc };
}

export function getKey(n: Node | undefined, key: string): Node | undefined {
  if (n?.kind !== 'map') return undefined;
  for (let i = n.entries.length - 1; i >= 0; i--) if (n.entries[i].key === key) return n.entries[i].value;
  return undefined;
}

/** FNV-1a of a value: a short, stable name for an unknown computed from it. */
export { hash } from '../../link/cfn-intrinsics.js';
