// Edits to a YAML file as splices of its text: only the bytes of the changed values move, so
// comments, short-form tags (!Sub, !Ref, !GetAtt), quoting and indentation elsewhere stay as
// written. The `yaml` package locates the nodes; re-serialising the document would not keep them.
import { isMap, isScalar, isSeq, parseDocument, visit, type Document, type Node as YamlNode, type Pair } from 'yaml';
import { yamlOptions } from '../sources/nodes.js';
import { LineCounter } from 'yaml';

export type Path = Array<string | number>;

export class EditError extends Error {}

function parse(text: string): Document {
  const doc = parseDocument(text, yamlOptions(new LineCounter()));
  if (doc.errors.length) throw new EditError(`the file is not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  return doc;
}

function pairOf(map: unknown, key: string): Pair<YamlNode, YamlNode> | undefined {
  if (!isMap(map)) return undefined;
  return (map.items as Array<Pair<YamlNode, YamlNode>>).find((p) => isScalar(p.key) && String(p.key.value) === key);
}

function nodeAt(doc: Document, path: Path): YamlNode | undefined {
  let n: unknown = doc.contents;
  for (const k of path) {
    if (typeof k === 'number') n = isSeq(n) ? n.items[k] : undefined;
    else n = pairOf(n, k)?.value ?? undefined;
    if (!n) return undefined;
  }
  return n as YamlNode;
}

const lineStart = (text: string, at: number) => text.lastIndexOf('\n', at - 1) + 1;
const lineEnd = (text: string, at: number) => {
  if (at > 0 && text[at - 1] === '\n') return at;
  const nl = text.indexOf('\n', at);
  return nl < 0 ? text.length : nl + 1;
};
const column = (text: string, at: number) => at - lineStart(text, at);
/** Inserted lines end as the file's lines do. */
const withEol = (text: string, inserted: string) => (text.includes('\r\n') ? inserted.replace(/\n/g, '\r\n') : inserted);

/** Replacing or removing a node that carries an anchor would break the aliases to it. */
function checkAnchors(n: unknown, what: string): void {
  if (!n || typeof n !== 'object') return;
  const node = n as { anchor?: string; items?: unknown[]; key?: unknown; value?: unknown };
  if (node.anchor) throw new EditError(`${what} holds the YAML anchor &${node.anchor}, which aliases elsewhere may use`);
  for (const i of node.items ?? []) checkAnchors(i, what);
  if ('key' in node) checkAnchors(node.key, what);
  if ('value' in node) checkAnchors(node.value, what);
}

/** How the file indents: the step per level, and whether a block sequence sits indented under its key. */
export interface YamlStyle {
  step: number;
  indentSeq: boolean;
}

/** The file's style: the step from a resource's logical id to its keys; the first block sequence under a key. */
export function yamlStyle(text: string): YamlStyle {
  const doc = parse(text);
  const style: YamlStyle = { step: 2, indentSeq: true };
  const resources = pairOf(doc.contents, 'Resources')?.value;
  const first = isMap(resources) ? (resources.items[0] as Pair<YamlNode, YamlNode> | undefined) : undefined;
  const inner = first && isMap(first.value) ? (first.value.items[0] as Pair<YamlNode, YamlNode> | undefined) : undefined;
  if (first?.key?.range && inner?.key?.range) {
    const step = column(text, inner.key.range[0]) - column(text, first.key.range[0]);
    if (step > 0) style.step = step;
  }
  let found = false;
  visit(doc, {
    Pair(_k, pair) {
      const p = pair as Pair<YamlNode, YamlNode>;
      if (found || !isSeq(p.value) || p.value.flow || !p.key?.range || !p.value.range) return;
      found = true;
      style.indentSeq = column(text, text.lastIndexOf('-', p.value.range[0])) > column(text, p.key.range[0]);
      return visit.BREAK;
    },
  });
  return style;
}

/** Sets the value under `key` of the block map at `mapPath` to `block` (lines relative to the key, from emitYaml); adds the key when absent. */
export function setKey(text: string, mapPath: Path, key: string, block: string[], style: YamlStyle): string {
  const doc = parse(text);
  const map = nodeAt(doc, mapPath);
  if (!isMap(map) || map.flow) throw new EditError(`${mapPath.join('.')} is not a block mapping`);
  const pair = pairOf(map, key);
  const items = map.items as Array<Pair<YamlNode, YamlNode>>;
  const indent = column(text, (pair ?? items[0])?.key?.range?.[0] ?? 0);
  const body = renderValue(block, indent + (block[0]?.startsWith('- ') && !style.indentSeq ? 0 : style.step));
  if (pair?.key?.range) {
    checkAnchors(pair.value, key);
    // From after `key:` through the end of the old value's last line (an empty value: of the key's line).
    const colon = text.indexOf(':', pair.key.range[1]);
    const end = lineEnd(text, pair.value?.range ? pair.value.range[1] : colon + 1);
    return text.slice(0, colon + 1) + withEol(text, body) + text.slice(end);
  }
  const last = items.at(-1);
  if (!last?.key?.range) throw new EditError(`${mapPath.join('.')} is empty`);
  const at = lineEnd(text, (last.value ?? last.key).range![2]);
  const nl = at > 0 && text[at - 1] !== '\n' ? '\n' : '';
  return text.slice(0, at) + withEol(text, nl + ' '.repeat(indent) + key + ':' + body) + text.slice(at);
}

/** Appends `block` (the lines of one item) to the block sequence at `path`. */
export function appendItem(text: string, path: Path, block: string[]): string {
  const doc = parse(text);
  const seq = nodeAt(doc, path);
  if (!isSeq(seq) || seq.flow || seq.items.length === 0) throw new EditError(`${path.join('.')} is not a block sequence`);
  const lastItem = seq.items.at(-1) as YamlNode;
  const firstAt = (seq.items[0] as YamlNode).range![0];
  const dash = text.lastIndexOf('-', firstAt);
  const indent = column(text, dash);
  const at = lineEnd(text, lastItem.range![1]);
  const item = block.map((l, i) => ' '.repeat(i === 0 ? indent : indent + 2) + (i === 0 ? '- ' : '') + l).join('\n');
  return text.slice(0, at) + withEol(text, item + '\n') + text.slice(at);
}

/** Removes the pair `key` of the block map at `mapPath` (its lines, with trailing comments on them). */
export function removeKey(text: string, mapPath: Path, key: string): string {
  const doc = parse(text);
  const map = nodeAt(doc, mapPath);
  const pair = pairOf(map, key);
  if (!isMap(map) || map.flow || !pair?.key?.range) throw new EditError(`${[...mapPath, key].join('.')} is not a key of a block mapping`);
  checkAnchors(pair, key);
  const start = lineStart(text, pair.key.range[0]);
  if (text.slice(start, pair.key.range[0]).trim() !== '') throw new EditError(`${key} does not start its line`);
  const end = lineEnd(text, (pair.value ?? pair.key).range![2]);
  return text.slice(0, start) + text.slice(end);
}

/** Removes item `index` of the sequence at `path` (block: its lines; flow: the item and a comma). */
export function removeItem(text: string, path: Path, index: number): string {
  const doc = parse(text);
  const seq = nodeAt(doc, path);
  if (!isSeq(seq)) throw new EditError(`${path.join('.')} is not a sequence`);
  const items = seq.items as YamlNode[];
  const item = items[index];
  if (!item?.range) throw new EditError(`${path.join('.')}[${index}] does not exist`);
  checkAnchors(item, `${path.join('.')}[${index}]`);
  if (seq.flow) {
    const next = items[index + 1];
    if (next?.range) return text.slice(0, tagStart(text, item)) + text.slice(tagStart(text, next));
    const prev = items[index - 1];
    if (prev?.range) return text.slice(0, prev.range[1]) + text.slice(item.range[1]);
    return text.slice(0, tagStart(text, item)) + text.slice(item.range[1]);
  }
  const start = lineStart(text, item.range[0]);
  if (!/^\s*-\s/.test(text.slice(start, item.range[0]))) throw new EditError(`${path.join('.')}[${index}] shares its line with other items`);
  return text.slice(0, start) + text.slice(lineEnd(text, item.range[2]));
}

/** Where an item's text begins, its tag (`!Sub`) included. */
function tagStart(text: string, n: YamlNode): number {
  const s = text.lastIndexOf('!', n.range![0]);
  return n.tag && s >= 0 && !/[,[]/.test(text.slice(s, n.range![0])) ? s : n.range![0];
}

/** A value's text after `key:`: inline for one line, else a block indented under the key. */
function renderValue(block: string[], indent: number): string {
  if (block.length === 1 && !block[0].startsWith('- ') && !/^[^'"!][^:]*: /.test(block[0])) return ' ' + block[0] + '\n';
  return '\n' + block.map((l) => ' '.repeat(indent) + l).join('\n') + '\n';
}

// ------------------------------------------------------------------------------------------------ emitting

/**
 * Block YAML lines for a plain value whose strings may be `{ "Fn::Sub": s }` (written `!Sub "s"`),
 * indented as the file indents; the caller indents the whole block.
 */
export function emitYaml(v: unknown, style: YamlStyle): string[] {
  const pad = ' '.repeat(style.step);
  if (Array.isArray(v)) {
    return v.flatMap((item) => {
      const lines = emitYaml(item, style);
      // `- ` takes two columns: the item's further lines sit under its first key.
      const inner = isCollection(item) && !Array.isArray(item) ? '  ' : pad;
      return lines.map((l, i) => (i === 0 ? '- ' + l : inner + l));
    });
  }
  if (isCollection(v)) {
    return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => {
      if (!isCollection(x)) return [`${yamlScalar(k)}: ${yamlScalar(x)}`];
      return [`${yamlScalar(k)}:`, ...emitYaml(x, style).map((l) => (Array.isArray(x) && !style.indentSeq ? '' : pad) + l)];
    });
  }
  return [yamlScalar(v)];
}

function isCollection(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !isSub(v);
}

function isSub(v: unknown): v is { 'Fn::Sub': string } {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as Record<string, unknown>)['Fn::Sub'] === 'string';
}

/** Plain when YAML reads it back as the same string, double-quoted otherwise. */
function yamlScalar(v: unknown): string {
  if (isSub(v)) return '!Sub ' + JSON.stringify(v['Fn::Sub']);
  if (typeof v !== 'string') return JSON.stringify(v);
  const plain = /^[A-Za-z0-9_/][A-Za-z0-9_./:*?@+=,-]*$/.test(v) && !/^(true|false|yes|no|on|off|null|y|n|~)$/i.test(v) && !/^[-+]?[0-9.]/.test(v);
  return plain ? v : JSON.stringify(v);
}
