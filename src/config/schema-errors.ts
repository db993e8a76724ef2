// A JSON Schema error as a message for people: which key (`ignore[0].reason`), what is wrong, and
// where the offending value is written, found in the positioned node tree the document was read into.
import type { Loc, Node } from '../model.js';
import { InputError } from '../sources/nodes.js';
import type { SchemaError } from './generated/validators.js';

/** What a value of this key must look like, where a pattern would say it badly. */
const EXPECTED: Record<string, string> = {
  account: 'a 12-digit AWS account id',
  region: 'an AWS Region such as us-east-1',
  partition: 'an AWS partition such as aws or aws-cn',
  expires: 'a date YYYY-MM-DD',
  reason: 'a reason (required, not empty)',
  rule: 'a rule id or *',
  action: 'a concrete IAM action such as ecr:BatchGetImage',
  resource: 'an ARN or *',
  prefix: 'an ECR repository prefix (lower case) or ROOT',
  fingerprint: 'a finding fingerprint (hexadecimal)',
};

const TYPE_NAMES: Record<string, string> = { string: 'text', array: 'a list', object: 'a map of keys', number: 'a number', integer: 'a whole number', boolean: 'true or false', null: 'null' };

/** The key path in the form people write it: `ignore[0].reason`; `(top level)` for the root. */
function keyPath(segments: string[]): string {
  let out = '';
  for (const s of segments) out += /^\d+$/.test(s) ? `[${s}]` : out ? `.${s}` : s;
  return out || '(top level)';
}

/** The node at a JSON Pointer, and the nearest node on the way when the pointer goes past the tree. */
function nodeAt(root: Node, segments: string[]): Node {
  let node = root;
  for (const s of segments) {
    const next = node.kind === 'map' ? node.entries.find((e) => e.key === s)?.value : node.kind === 'seq' ? node.items[Number(s)] : undefined;
    if (!next) break;
    node = next;
  }
  return node;
}

function keyLoc(node: Node, key: string): Loc {
  return (node.kind === 'map' && node.entries.find((e) => e.key === key)?.keyLoc) || node.loc;
}

export function describeSchemaError(e: SchemaError, root: Node): { message: string; loc: Loc } {
  const segments = e.instancePath === '' ? [] : e.instancePath.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const node = nodeAt(root, segments);
  const path = keyPath(segments);
  const last = segments.filter((s) => !/^\d+$/.test(s)).pop() ?? '';
  const p = e.params;
  if (e.propertyName !== undefined || e.keyword === 'propertyNames') {
    const key = e.propertyName ?? String(p.propertyName);
    return { message: `${keyPath([...segments, key])}: unknown ${last === 'rules' ? 'rule id (rolefit rules lists them)' : 'key'}`, loc: keyLoc(node, key) };
  }
  switch (e.keyword) {
    case 'required':
      return { message: `${path}: missing required key "${String(p.missingProperty)}"`, loc: node.loc };
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      return { message: `${keyPath([...segments, key])}: unknown key`, loc: keyLoc(node, key) };
    }
    case 'enum':
    case 'const': {
      const allowed = (p.allowedValues as unknown[] | undefined) ?? [p.allowedValue];
      return { message: `${path}: must be ${allowed.map((v) => JSON.stringify(v)).join(', ').replace(/, ([^,]*)$/, ' or $1')}`, loc: node.loc };
    }
    case 'type': {
      const quote = node.kind === 'scalar' && typeof node.value === 'number' && String(p.type).includes('string') ? ' (quote it: as a number it would lose leading zeros)' : '';
      const types = String(p.type).split(',').map((t) => TYPE_NAMES[t] ?? t);
      return { message: `${path}: must be ${types.join(' or ')}${quote}`, loc: node.loc };
    }
    case 'pattern':
      return { message: `${path}: must be ${EXPECTED[last] ?? `text matching ${String(p.pattern)}`}`, loc: node.loc };
    default:
      return { message: `${path}: ${e.message ?? e.keyword}`, loc: node.loc };
  }
}

/** The InputError for a document the schema refused: its first error in reading order. */
export function schemaInputError(what: string, errors: SchemaError[] | null | undefined, root: Node): InputError {
  const described = (errors ?? []).map((e) => describeSchemaError(e, root));
  const first = described.sort((a, b) => a.loc.line - b.loc.line || a.loc.column - b.loc.column)[0] ?? { message: 'does not match its schema', loc: root.loc };
  return new InputError(`invalid ${what}: ${first.message}`, first.loc);
}
