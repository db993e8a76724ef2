// Positioned value trees from YAML and JSON text. Every reader goes through here, so that each
// value keeps the file, line and column it was written at.
import { parseDocument, parseAllDocuments, LineCounter, isMap, isSeq, isScalar, isAlias, type Document, type Tags } from 'yaml';
import { parseTree, type Node as JsonNode, type ParseError, printParseErrorCode } from 'jsonc-parser';
import type { Loc, Node, MapNode } from '../model.js';

/** Input that cannot be read: carries the place and what is wrong. Exit code 2 in the CLI. */
export class InputError extends Error {
  constructor(
    message: string,
    public readonly loc: Loc,
  ) {
    super(message);
  }
}

/** Maps offsets to 1-based line/column. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  pos(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }
}

// ------------------------------------------------------------------------------------------------ JSON

/** Parses JSON with positions. Throws InputError with file:line on syntax errors. */
export function parseJson(text: string, file: string): Node {
  const errors: ParseError[] = [];
  const index = new LineIndex(text);
  const tree = parseTree(text, errors, { allowTrailingComma: false, disallowComments: false });
  if (errors.length > 0 || !tree) {
    const e = errors[0];
    const { line, column } = index.pos(e ? e.offset : 0);
    const what = e ? printParseErrorCode(e.error) : 'EmptyDocument';
    throw new InputError(`invalid JSON: ${describeJsonError(what)}`, { file, line, column });
  }
  return fromJson(tree, file, index);
}

function describeJsonError(code: string): string {
  const words = code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words;
}

function fromJson(n: JsonNode, file: string, index: LineIndex): Node {
  const loc = { file, ...index.pos(n.offset) };
  switch (n.type) {
    case 'object': {
      const entries: MapNode['entries'] = [];
      for (const prop of n.children ?? []) {
        const [k, v] = prop.children ?? [];
        if (!k || !v) continue;
        entries.push({ key: String(k.value), keyLoc: { file, ...index.pos(k.offset) }, value: fromJson(v, file, index) });
      }
      return { kind: 'map', entries, loc };
    }
    case 'array':
      return { kind: 'seq', items: (n.children ?? []).map((c) => fromJson(c, file, index)), loc };
    default:
      return { kind: 'scalar', value: n.value as string | number | boolean | null, loc };
  }
}

// ------------------------------------------------------------------------------------------------ YAML

/** Limits that keep hostile YAML (alias bombs, deep nesting) from exhausting memory. */
const MAX_ALIAS_COUNT = 1000;
/** Values built by expanding aliases: few aliases of one large anchor are a bomb too. */
const MAX_ALIAS_VALUES = 100_000;
const MAX_DEPTH = 200;

interface Budget {
  aliases: number;
  /** Values built so far inside alias expansions, how deep in expansions the walk is, and where the outermost alias is. */
  expanded: number;
  inAlias: number;
  aliasLoc?: Loc;
}

/**
 * CloudFormation short-form tags (`!Ref x`, `!GetAtt a.b`, `!Sub …`): each becomes the long form
 * `{ "Fn::X": value }` (`Ref` and `Condition` keep their names), so one resolver serves YAML and JSON.
 */
const CFN_FUNCTIONS = [
  'Ref', 'Condition', 'Base64', 'Cidr', 'FindInMap', 'GetAtt', 'GetAZs', 'ImportValue', 'Join', 'Select',
  'Split', 'Sub', 'Transform', 'And', 'Equals', 'If', 'Not', 'Or', 'ToJsonString', 'Length', 'ForEach',
];
const cfnTags: Tags = CFN_FUNCTIONS.flatMap((fn) =>
  (['scalar', 'map', 'seq'] as const).map((collection) => ({
    tag: '!' + fn,
    collection: collection === 'scalar' ? undefined : collection,
    resolve: (value: unknown) => value,
  })),
) as unknown as Tags;

// Duplicate keys are refused by fromYaml: the library's own check compares each key with every
// earlier one, quadratic in the size of a map.
export function yamlOptions(lineCounter: LineCounter) {
  return { lineCounter, customTags: cfnTags, uniqueKeys: false, prettyErrors: false, strict: false } as const;
}

/** Parses every document of a YAML stream. Throws InputError with file:line on syntax errors. */
export function parseYaml(text: string, file: string): Node[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, yamlOptions(lineCounter));
  const list = Array.isArray(docs) ? docs : [docs];
  const out: Node[] = [];
  for (const doc of list) {
    const err = doc.errors[0];
    if (err) {
      const { line, col } = lineCounter.linePos(err.pos[0]);
      throw new InputError(`invalid YAML: ${firstLine(err.message)}`, { file, line, column: col });
    }
    if (doc.contents === null) continue;
    out.push(fromYaml(doc, doc.contents, file, lineCounter, 0, { aliases: 0, expanded: 0, inAlias: 0 }));
  }
  return out;
}

/** Parses a single-document YAML file. */
export function parseYamlDocument(text: string, file: string): Node | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, yamlOptions(lineCounter));
  const err = doc.errors[0];
  if (err) {
    const { line, col } = lineCounter.linePos(err.pos[0]);
    throw new InputError(`invalid YAML: ${firstLine(err.message)}`, { file, line, column: col });
  }
  if (doc.contents === null) return undefined;
  return fromYaml(doc, doc.contents, file, lineCounter, 0, { aliases: 0, expanded: 0, inAlias: 0 });
}

function firstLine(s: string): string {
  return s.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

function fromYaml(doc: Document, n: unknown, file: string, lc: LineCounter, depth: number, budget: Budget): Node {
  const at = (node: { range?: [number, number, number] | null } | null | undefined): Loc => {
    const { line, col } = lc.linePos(node?.range?.[0] ?? 0);
    return { file, line, column: col };
  };
  if (depth > MAX_DEPTH) throw new InputError(`document nested deeper than ${MAX_DEPTH} levels`, at(n as never));
  if (budget.inAlias > 0 && ++budget.expanded > MAX_ALIAS_VALUES) {
    throw new InputError(`YAML aliases expand to more than ${MAX_ALIAS_VALUES.toLocaleString('en-US')} values: refused (possible alias bomb)`, budget.aliasLoc!);
  }
  if (isAlias(n)) {
    if (++budget.aliases > MAX_ALIAS_COUNT) {
      throw new InputError(`more than ${MAX_ALIAS_COUNT} YAML aliases: refused (possible alias bomb)`, at(n));
    }
    const target = n.resolve(doc);
    if (budget.inAlias++ === 0) budget.aliasLoc = at(n);
    const node = fromYaml(doc, target, file, lc, depth + 1, budget);
    budget.inAlias--;
    return node;
  }
  const wrapTag = (tag: string | undefined, node: Node, loc: Loc): Node => {
    if (!tag || !tag.startsWith('!') || tag.startsWith('!!')) return node;
    const fn = tag.slice(1);
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(fn)) return node;
    // An unknown local tag (`!Concat`) becomes `Fn::Concat` too, so the CloudFormation resolver
    // reports it instead of silently reading its argument as a plain value.
    const key = fn === 'Ref' || fn === 'Condition' ? fn : 'Fn::' + fn;
    // `!GetAtt A.B` in scalar form means ["A", "B"]; the resolver accepts both forms.
    return { kind: 'map', entries: [{ key, keyLoc: loc, value: node }], loc };
  };
  if (isMap(n)) {
    const loc = at(n);
    const entries: MapNode['entries'] = [];
    const seen = new Set<string>();
    for (const pair of n.items) {
      const keyNode = pair.key as { value?: unknown; range?: [number, number, number] } | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode ?? '');
      if (isScalar(keyNode)) {
        const id = `${typeof keyNode.value}:${key}`;
        if (seen.has(id)) throw new InputError('invalid YAML: Map keys must be unique', at(keyNode));
        seen.add(id);
      }
      const value = pair.value === null ? ({ kind: 'scalar', value: null, loc: at(keyNode) } as Node) : fromYaml(doc, pair.value, file, lc, depth + 1, budget);
      entries.push({ key, keyLoc: at(keyNode), value });
    }
    return wrapTag(n.tag, { kind: 'map', entries, loc }, loc);
  }
  if (isSeq(n)) {
    const loc = at(n);
    const items = n.items.map((i) => (i === null ? ({ kind: 'scalar', value: null, loc } as Node) : fromYaml(doc, i, file, lc, depth + 1, budget)));
    return wrapTag(n.tag, { kind: 'seq', items, loc }, loc);
  }
  if (isScalar(n)) {
    const loc = at(n);
    let value = n.value as unknown;
    if (value instanceof Date) value = (n.source as string | undefined) ?? value.toISOString();
    if (typeof value === 'bigint') value = Number(value);
    if (value !== null && typeof value === 'object') value = String(value);
    return wrapTag(n.tag, { kind: 'scalar', value: value as string | number | boolean | null, loc }, loc);
  }
  return { kind: 'scalar', value: null, loc: at(n as never) };
}

// ------------------------------------------------------------------------------------------------ helpers

/** The value of `key` in a map node (exact key), or undefined. */
export function get(node: Node | undefined, key: string): Node | undefined {
  if (!node || node.kind !== 'map') return undefined;
  for (const e of node.entries) if (e.key === key) return e.value;
  return undefined;
}

/** The value of `key` matched case-insensitively (IAM policy element names). */
export function getCI(node: Node | undefined, key: string): { key: string; value: Node } | undefined {
  if (!node || node.kind !== 'map') return undefined;
  const lower = key.toLowerCase();
  for (const e of node.entries) if (e.key.toLowerCase() === lower) return e;
  return undefined;
}

/** The string value of a scalar node (numbers and booleans as text), or undefined. */
export function str(node: Node | undefined): string | undefined {
  if (!node || node.kind !== 'scalar' || node.value === null) return undefined;
  return String(node.value);
}

/** Plain JavaScript value of a node (positions dropped). */
export function toPlain(node: Node): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(toPlain);
    case 'map': {
      const o: Record<string, unknown> = {};
      for (const e of node.entries) o[e.key] = toPlain(e.value);
      return o;
    }
  }
}

/** A node tree from a plain value, every node placed at `loc` (for documents inside strings). */
export function fromPlain(value: unknown, loc: Loc): Node {
  if (Array.isArray(value)) return { kind: 'seq', items: value.map((v) => fromPlain(v, loc)), loc };
  if (value !== null && typeof value === 'object') {
    return {
      kind: 'map',
      entries: Object.entries(value as Record<string, unknown>).map(([key, v]) => ({ key, keyLoc: loc, value: fromPlain(v, loc) })),
      loc,
    };
  }
  return { kind: 'scalar', value: (value ?? null) as string | number | boolean | null, loc };
}

/** Items of a node that may be a single value or a list (IAM's string-or-array). */
export function items(node: Node | undefined): Node[] {
  if (!node) return [];
  return node.kind === 'seq' ? node.items : [node];
}
