// CloudFormation intrinsic functions: a template's property values resolved to plain Nodes.
//
// Whatever the template does not determine (pseudo parameters, parameters without a default,
// generated names, imports) becomes a symbolic token inside the strings, named so that the same
// expression in the same template always gives the same token: one template is one deployment
// context, so `${AWS::AccountId}` in a role ARN and in a task definition compare equal.
//
// Positions: a value produced by an intrinsic carries the Loc of the intrinsic (where the user
// wrote it); literal values keep their own.
import { display, hasToken, token, tokenNames, TOKEN_CLOSE, TOKEN_OPEN, type Diagnostic, type Loc, type MapNode, type Node, type Severity } from '../model.js';
import { get, str, toPlain } from '../sources/nodes.js';

/** Three-valued truth: undefined when the template does not determine it. */
export type Tri = boolean | undefined;

export interface CfnResource {
  id: string;
  type: string;
  node: MapNode;
  /** Where the logical id is written. */
  keyLoc: Loc;
}

const PSEUDO = ['AWS::AccountId', 'AWS::Region', 'AWS::Partition', 'AWS::URLSuffix', 'AWS::StackName', 'AWS::StackId'];
/** Pseudo parameters whose value is a list. */
const PSEUDO_LISTS = ['AWS::NotificationARNs'];

const VALUE_FUNCTIONS = [
  'Ref', 'Fn::Base64', 'Fn::Cidr', 'Fn::FindInMap', 'Fn::GetAtt', 'Fn::GetAZs', 'Fn::If', 'Fn::ImportValue',
  'Fn::Join', 'Fn::Length', 'Fn::Select', 'Fn::Split', 'Fn::Sub', 'Fn::ToJsonString', 'Fn::Transform',
];
const CONDITION_FUNCTIONS = ['Fn::And', 'Fn::Equals', 'Fn::Not', 'Fn::Or'];

/** Resolution frames (nested values, references followed) before giving up: hostile or broken input. */
const MAX_DEPTH = 150;

/**
 * Characters a token's unknown value can contain, when the name says (so that `Fn::Split` can
 * split around it). Pseudo parameters and generated ids have documented alphabets.
 */
function tokenAlphabet(name: string): RegExp | undefined {
  const bare = name.replace(/@.*$/, '');
  switch (bare) {
    case 'AWS::AccountId':
      return /[0-9]/;
    case 'AWS::Region':
      return /[a-z0-9-]/;
    case 'AWS::Partition':
      return /[a-z-]/;
    case 'AWS::URLSuffix':
      return /[a-z.]/;
    case 'AWS::StackName':
      return /[A-Za-z0-9-]/;
  }
  if (/\.(KeyId|Revision)$/.test(bare)) return /[a-z0-9-]/;
  if (/\.RoleName$/.test(bare)) return /[\w+=,.@-]/;
  return undefined;
}

/** FNV-1a: a short, stable name for an expression inside a token. */
function hash(value: unknown): string {
  const s = JSON.stringify(value) ?? '';
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

function scalar(value: string | number | boolean | null, loc: Loc): Node {
  return { kind: 'scalar', value, loc };
}

/** A copy of `node` placed at `loc` (a referenced value reported where the reference is written). */
function relocate(node: Node, loc: Loc): Node {
  switch (node.kind) {
    case 'scalar':
      return { kind: 'scalar', value: node.value, loc };
    case 'seq':
      return { kind: 'seq', items: node.items.map((i) => relocate(i, loc)), loc };
    case 'map':
      return { kind: 'map', entries: node.entries.map((e) => ({ key: e.key, keyLoc: loc, value: relocate(e.value, loc) })), loc };
  }
}

function samePlain(a: Node, b: Node): boolean {
  return JSON.stringify(toPlain(a)) === JSON.stringify(toPlain(b));
}

/** Splits `s` at `delim` in its literal parts only; tokens stay whole. */
function splitAroundTokens(s: string, delim: string): string[] {
  const out: string[] = [''];
  let i = 0;
  while (i < s.length) {
    const end = s[i] === TOKEN_OPEN ? s.indexOf(TOKEN_CLOSE, i) : -1;
    if (end > i) {
      out[out.length - 1] += s.slice(i, end + 1);
      i = end + 1;
    } else if (s.startsWith(delim, i)) {
      out.push('');
      i += delim.length;
    } else {
      out[out.length - 1] += s[i];
      i++;
    }
  }
  return out;
}

export class CfnResolver {
  readonly diagnostics: Diagnostic[] = [];
  readonly resources = new Map<string, CfnResource>();
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly urlSuffix: string;

  private readonly parameters = new Map<string, Node>();
  private readonly conditions = new Map<string, Node>();
  private readonly mappings: Node | undefined;
  private readonly attrCache = new Map<string, Node | undefined>();
  private readonly propsCache = new Map<string, Node | undefined>();
  private readonly propCache = new Map<string, Node | undefined>();
  private readonly condCache = new Map<string, { value: Tri; unknowns: string[] }>();
  private readonly condActive: string[] = [];
  /** Resources whose properties are being resolved: a reference back to one of them is a cycle. */
  private readonly active: string[] = [];
  private readonly reported = new Set<string>();
  private depth = 0;

  constructor(
    root: Node,
    readonly file: string,
  ) {
    this.partition = this.tok('AWS::Partition');
    this.region = this.tok('AWS::Region');
    this.account = this.tok('AWS::AccountId');
    this.urlSuffix = this.tok('AWS::URLSuffix');
    const section = (name: string) => {
      const n = get(root, name);
      return n && n.kind === 'map' ? n.entries : [];
    };
    for (const e of section('Parameters')) this.parameters.set(e.key, e.value);
    for (const e of section('Conditions')) this.conditions.set(e.key, e.value);
    this.mappings = get(root, 'Mappings');
    for (const e of section('Resources')) {
      if (e.value.kind !== 'map') continue;
      const type = str(get(e.value, 'Type'));
      if (type === undefined) continue;
      this.resources.set(e.key, { id: e.key, type, node: e.value, keyLoc: e.keyLoc });
    }
  }

  /** A token scoped to this template. */
  tok(name: string): string {
    return token(`${name}@${this.file}`);
  }

  report(loc: Loc, message: string, severity: Severity = 'error', rule: Diagnostic['rule'] = severity === 'error' ? 'invalid-input' : 'unresolved-reference'): void {
    const key = `${loc.line}:${loc.column}:${message}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.diagnostics.push({ rule, severity, message, loc });
  }

  // ---------------------------------------------------------------------------------------------- entry points

  /**
   * The resolved form of a property value; undefined when it resolves to `AWS::NoValue` (the
   * property, or list item, is absent).
   */
  resolve(node: Node): Node | undefined {
    if (this.depth >= MAX_DEPTH) {
      this.report(node.loc, `expression nested or chained more than ${MAX_DEPTH} levels deep: not resolved`, 'warning');
      return scalar(this.tok(`Unresolved#${hash([node.loc.line, node.loc.column])}`), node.loc);
    }
    this.depth++;
    try {
      return this.resolveNode(node);
    } finally {
      this.depth--;
    }
  }

  /** The resolved Properties of a resource, resolved once; references back to it are cycles. */
  properties(id: string): Node | undefined {
    if (this.propsCache.has(id)) return this.propsCache.get(id);
    const res = this.resources.get(id);
    const props = res && get(res.node, 'Properties');
    const value = props && this.inResource(id, () => this.resolve(props));
    this.propsCache.set(id, value);
    return value;
  }

  /** Whether the resource's `Condition` holds (true when it has none). */
  resourceCondition(id: string): Tri {
    const res = this.resources.get(id);
    const cond = res && get(res.node, 'Condition');
    if (!cond) return true;
    const name = str(cond);
    if (name === undefined) {
      this.report(cond.loc, 'a resource Condition must be the name of a condition');
      return undefined;
    }
    const holds = this.condition(name, cond.loc);
    // A parameter default is only what the template proposes: a resource that a deployment with
    // other parameters would create is still scanned.
    return holds === false && this.dependsOnParameters(name, new Set()) ? undefined : holds;
  }

  /** Whether a named condition reads a template parameter, directly or through other conditions. */
  private dependsOnParameters(name: string, seen: Set<string>): boolean {
    if (seen.has(name)) return false;
    seen.add(name);
    const walk = (n: Node | undefined): boolean => {
      if (!n) return false;
      if (n.kind === 'seq') return n.items.some(walk);
      if (n.kind !== 'map') return false;
      return n.entries.some(({ key, value }) => {
        if (key === 'Ref') return this.parameters.has(str(value) ?? '');
        if (key === 'Condition') return this.dependsOnParameters(str(value) ?? '', seen);
        return walk(value);
      });
    };
    return walk(this.conditions.get(name));
  }

  /** The string `Ref` gives for a resource (token when not determined). */
  refText(id: string, at: Loc): string {
    return str(this.attr(id, 'Ref', at)) ?? this.tok(id);
  }

  /** The string `Fn::GetAtt` gives for a resource attribute. */
  getAttText(id: string, attribute: string, at: Loc): string {
    return str(this.attr(id, attribute, at)) ?? this.tok(`${id}.${attribute}`);
  }

  /**
   * The physical name of a resource whose type has one (role, managed policy, log group, secret,
   * parameter, repository, bucket, task family, KMS alias): the name property, or a token for the
   * name CloudFormation generates. Undefined for other types.
   */
  physicalName(id: string): string | undefined {
    const res = this.resources.get(id);
    const prop = res && NAME_PROPERTY[res.type];
    if (!prop) return undefined;
    return str(this.property(id, prop)) ?? this.tok(`${id}.${prop}`);
  }

  /** One resolved property of a resource (what Ref/GetAtt values are built from). */
  private property(id: string, name: string): Node | undefined {
    const key = `${id}\u0000${name}`;
    if (!this.propCache.has(key)) {
      const raw = get(get(this.resources.get(id)?.node, 'Properties'), name);
      this.propCache.set(key, raw && this.inResource(id, () => this.resolve(raw)));
    }
    return this.propCache.get(key);
  }

  // ---------------------------------------------------------------------------------------------- values

  private resolveNode(node: Node): Node | undefined {
    if (node.kind === 'scalar') return node;
    if (node.kind === 'seq') {
      const items: Node[] = [];
      for (const item of node.items) {
        const r = this.resolve(item);
        if (r) items.push(r);
      }
      return { kind: 'seq', items, loc: node.loc };
    }
    if (node.entries.length === 1) {
      const { key, keyLoc, value } = node.entries[0];
      if (key === 'Ref' || key.startsWith('Fn::')) return this.intrinsic(key, keyLoc, value, node.loc);
    }
    const entries: MapNode['entries'] = [];
    for (const e of node.entries) {
      const r = this.resolve(e.value);
      if (r) entries.push({ key: e.key, keyLoc: e.keyLoc, value: r });
    }
    return { kind: 'map', entries, loc: node.loc };
  }

  private intrinsic(fn: string, keyLoc: Loc, arg: Node, loc: Loc): Node | undefined {
    switch (fn) {
      case 'Ref': {
        const name = str(arg);
        if (name === undefined) return this.malformed(fn, arg, loc, 'a logical id or parameter name');
        return this.ref(name, loc);
      }
      case 'Fn::GetAtt':
        return this.getAtt(arg, loc);
      case 'Fn::Sub':
        return this.sub(arg, loc);
      case 'Fn::Join':
        return this.join(arg, loc);
      case 'Fn::Select':
        return this.select(arg, loc);
      case 'Fn::Split':
        return this.split(arg, loc);
      case 'Fn::If':
        return this.if(arg, loc);
      case 'Fn::FindInMap':
        return this.findInMap(arg, loc);
      case 'Fn::ImportValue': {
        const name = str(this.resolve(arg));
        if (name === undefined) return this.malformed(fn, arg, loc, 'an export name');
        return scalar(this.tok(`Import:${display(name)}`), loc);
      }
      case 'Fn::Base64': {
        const s = str(this.resolve(arg));
        if (s === undefined) return this.malformed(fn, arg, loc, 'a string');
        return scalar(hasToken(s) ? this.tok(`Base64#${hash(s)}`) : Buffer.from(s, 'utf8').toString('base64'), loc);
      }
      case 'Fn::GetAZs': {
        const region = str(this.resolve(arg)) || this.region;
        return scalar(this.tok(`GetAZs:${display(region)}`), loc);
      }
      case 'Fn::Cidr': {
        const r = this.resolve(arg);
        return scalar(this.tok(`Cidr#${hash(r && toPlain(r))}`), loc);
      }
      case 'Fn::ToJsonString': {
        const r = this.resolve(arg);
        return scalar(r ? JSON.stringify(toPlain(r)) : 'null', loc);
      }
      case 'Fn::Length': {
        const r = this.resolve(arg);
        if (r?.kind === 'seq') return scalar(r.items.length, loc);
        if (r?.kind === 'scalar' && typeof r.value === 'string' && hasToken(r.value)) return scalar(this.tok(`Length#${hash(r.value)}`), loc);
        return this.malformed(fn, arg, loc, 'a list');
      }
      case 'Fn::Transform': {
        const name = str(get(arg, 'Name')) ?? '?';
        this.report(keyLoc, `Fn::Transform (macro ${name}) is not expanded: the value it produces is unknown`, 'note');
        return scalar(this.tok(`Transform#${hash(toPlain(arg))}`), loc);
      }
    }
    if (CONDITION_FUNCTIONS.includes(fn)) {
      this.report(keyLoc, `${fn} can only be used in Conditions (or as the condition of Fn::If), not as a value`);
    } else {
      this.report(keyLoc, `unknown intrinsic function "${fn}" (known: ${VALUE_FUNCTIONS.join(', ')})`);
    }
    return scalar(this.tok(`${fn}#${hash(toPlain(arg))}`), loc);
  }

  /** Reports a function given arguments of the wrong shape; the value is unknown. */
  private malformed(fn: string, arg: Node, loc: Loc, expected: string): Node {
    this.report(arg.loc, `${fn} expects ${expected}`, 'error', 'invalid-input');
    return scalar(this.tok(`${fn}#${hash(toPlain(arg))}`), loc);
  }

  private ref(name: string, loc: Loc): Node | undefined {
    if (name === 'AWS::NoValue') return undefined;
    if (PSEUDO.includes(name) || PSEUDO_LISTS.includes(name)) return scalar(this.tok(name), loc);
    const param = this.parameters.get(name);
    if (param) return this.parameter(name, param, loc);
    if (this.resources.has(name)) return this.attr(name, 'Ref', loc);
    const what = name.startsWith('AWS::') ? 'no such pseudo parameter' : 'no parameter or resource of that name in this template';
    this.report(loc, `Ref to "${name}": ${what}`);
    return scalar(this.tok(name), loc);
  }

  private parameter(name: string, param: Node, loc: Loc): Node {
    const type = str(get(param, 'Type')) ?? 'String';
    const unknown = scalar(this.tok(`Param:${name}`), loc);
    // The Default of an SSM-typed parameter is the name of the SSM parameter, not the value.
    if (type.startsWith('AWS::SSM::Parameter::Value<')) return unknown;
    const def = str(get(param, 'Default'));
    if (def === undefined) return unknown;
    if (type === 'CommaDelimitedList' || type.startsWith('List<')) {
      return { kind: 'seq', items: def.split(',').map((s) => scalar(s.trim(), loc)), loc };
    }
    return scalar(def, loc);
  }

  private getAtt(arg: Node, loc: Loc): Node | undefined {
    let id: string | undefined;
    let attribute: string | undefined;
    const s = str(arg);
    if (s !== undefined) {
      const dot = s.indexOf('.');
      if (dot > 0) [id, attribute] = [s.slice(0, dot), s.slice(dot + 1)];
    } else if (arg.kind === 'seq' && arg.items.length === 2) {
      id = str(arg.items[0]);
      attribute = str(this.resolve(arg.items[1]));
    }
    if (!id || !attribute) return this.malformed('Fn::GetAtt', arg, loc, '"LogicalId.Attribute" or [LogicalId, Attribute]');
    return this.getAttOf(id, attribute, loc);
  }

  private getAttOf(id: string, attribute: string, loc: Loc): Node | undefined {
    if (this.resources.has(id)) return this.attr(id, attribute, loc);
    const what = this.parameters.has(id) ? 'a parameter, not a resource' : 'no resource of that name in this template';
    this.report(loc, `Fn::GetAtt ${id}.${attribute}: ${what}`);
    return scalar(this.tok(`${id}.${attribute}`), loc);
  }

  /** `Ref` (attribute 'Ref') or `Fn::GetAtt` of a resource, computed once and placed at `loc`. */
  private attr(id: string, attribute: string, loc: Loc): Node | undefined {
    const key = `${id}\u0000${attribute}`;
    if (!this.attrCache.has(key)) {
      const start = this.active.indexOf(id);
      if (start >= 0) {
        const chain = [...this.active.slice(start), id].join(' → ');
        this.report(loc, `circular reference: ${chain} (CloudFormation rejects the template)`);
        return scalar(this.tok(attribute === 'Ref' ? id : `${id}.${attribute}`), loc);
      }
      this.attrCache.set(key, this.inResource(id, () => this.computeAttr(id, attribute)));
    }
    const v = this.attrCache.get(key);
    return v && relocate(v, loc);
  }

  private inResource<T>(id: string, fn: () => T): T {
    // Already inside this resource (an attribute built from its own property): one frame is enough.
    if (this.active.at(-1) === id) return fn();
    this.active.push(id);
    try {
      return fn();
    } finally {
      this.active.pop();
    }
  }

  /** Ref and GetAtt per resource type (domain.md §3.2); a token for whatever is not determined. */
  private computeAttr(id: string, attribute: string): Node | undefined {
    const res = this.resources.get(id)!;
    const at = res.keyLoc;
    const [P, R, A] = [this.partition, this.region, this.account];
    const name = () => this.physicalName(id)!;
    const path = () => str(this.property(id, 'Path')) ?? '/';
    const value = (s: string) => scalar(s, at);
    const generic = value(this.tok(attribute === 'Ref' ? id : `${id}.${attribute}`));
    switch (res.type) {
      case 'AWS::IAM::Role':
        if (attribute === 'Ref') return value(name());
        if (attribute === 'Arn') return value(`arn:${P}:iam::${A}:role${path()}${name()}`);
        break;
      case 'AWS::IAM::ManagedPolicy':
        if (attribute === 'Ref' || attribute === 'PolicyArn') return value(`arn:${P}:iam::${A}:policy${path()}${name()}`);
        break;
      case 'AWS::Logs::LogGroup':
        if (attribute === 'Ref') return value(name());
        // GetAtt Arn ends with `:*` (unlike Terraform's `arn`): it covers the group's log streams.
        if (attribute === 'Arn') return value(`arn:${P}:logs:${R}:${A}:log-group:${name()}:*`);
        break;
      case 'AWS::SecretsManager::Secret':
        // The real ARN ends with `-` and 6 random characters; the pattern stands for them.
        if (attribute === 'Ref' || attribute === 'Id') return value(`arn:${P}:secretsmanager:${R}:${A}:secret:${name()}-??????`);
        break;
      case 'AWS::SSM::Parameter':
      case 'AWS::KMS::Alias':
      case 'AWS::S3::Bucket':
      case 'AWS::ECR::Repository':
        if (attribute === 'Ref') return value(name());
        if (attribute === 'Arn' && res.type === 'AWS::S3::Bucket') return value(`arn:${P}:s3:::${name()}`);
        if (attribute === 'Arn' && res.type === 'AWS::ECR::Repository') return value(`arn:${P}:ecr:${R}:${A}:repository/${name()}`);
        if (attribute === 'RepositoryUri' && res.type === 'AWS::ECR::Repository') {
          return value(`${A}.dkr.ecr.${R}.${this.urlSuffix}/${name()}`);
        }
        break;
      case 'AWS::EKS::Cluster':
        if (attribute === 'Ref') return value(name());
        if (attribute === 'Arn') return value(`arn:${P}:eks:${R}:${A}:cluster/${name()}`);
        break;
      case 'AWS::EKS::FargateProfile':
        // Ref is `cluster|profile`; the ARN ends with an id EKS generates.
        if (attribute === 'Ref') return value(`${str(this.property(id, 'ClusterName')) ?? this.tok(`${id}.ClusterName`)}|${name()}`);
        break;
      case 'AWS::KMS::Key': {
        const keyId = this.tok(`${id}.KeyId`);
        if (attribute === 'Ref' || attribute === 'KeyId') return value(keyId);
        if (attribute === 'Arn') return value(`arn:${P}:kms:${R}:${A}:key/${keyId}`);
        break;
      }
      case 'AWS::ECS::TaskDefinition':
        if (attribute === 'Ref' || attribute === 'TaskDefinitionArn') {
          return value(`arn:${P}:ecs:${R}:${A}:task-definition/${name()}:${this.tok(`${id}.Revision`)}`);
        }
        break;
    }
    return generic;
  }

  // ---------------------------------------------------------------------------------------------- string functions

  private sub(arg: Node, loc: Loc): Node {
    let template: string | undefined;
    let vars: Node | undefined;
    if (arg.kind === 'seq' && arg.items.length === 2) {
      template = arg.items[0].kind === 'scalar' && typeof arg.items[0].value === 'string' ? arg.items[0].value : undefined;
      vars = arg.items[1];
      if (vars.kind !== 'map') template = undefined;
    } else if (arg.kind === 'scalar' && typeof arg.value === 'string') {
      template = arg.value;
    }
    if (template === undefined) return this.malformed('Fn::Sub', arg, loc, 'a string or [string, {variables}]');
    const out = template.replace(/\$\{([^}]*)\}/g, (_m, inner: string) => {
      // `${!Literal}` is the escape for a literal `${Literal}` (IAM policy variables).
      if (inner.startsWith('!')) return '${' + inner.slice(1) + '}';
      return this.subVariable(inner.trim(), vars, loc);
    });
    return scalar(out, loc);
  }

  private subVariable(name: string, vars: Node | undefined, loc: Loc): string {
    const given = get(vars, name);
    let r: Node | undefined;
    if (given) r = this.resolve(given);
    else if (name.includes('.')) {
      const dot = name.indexOf('.');
      r = this.getAttOf(name.slice(0, dot), name.slice(dot + 1), loc);
    } else {
      r = this.ref(name, loc);
    }
    const s = str(r);
    if (s !== undefined) return s;
    this.report(loc, `Fn::Sub variable \${${name}} ${r ? 'is not a string' : 'is AWS::NoValue'}`, 'error', 'invalid-input');
    return this.tok(`Sub:${name}#${hash(r && toPlain(r))}`);
  }

  private join(arg: Node, loc: Loc): Node {
    if (arg.kind !== 'seq' || arg.items.length !== 2) return this.malformed('Fn::Join', arg, loc, '[delimiter, [values]]');
    const delim = str(this.resolve(arg.items[0]));
    const list = this.resolve(arg.items[1]);
    if (delim === undefined || !list) return this.malformed('Fn::Join', arg, loc, '[delimiter, [values]]');
    if (list.kind === 'scalar' && typeof list.value === 'string' && hasToken(list.value)) {
      // A list the template does not determine (a list parameter without default, Fn::GetAZs…).
      return scalar(this.tok(`Join#${hash([delim, list.value])}`), loc);
    }
    if (list.kind !== 'seq') return this.malformed('Fn::Join', arg.items[1], loc, 'a list of values to join');
    const parts: string[] = [];
    for (const item of list.items) {
      if (item.kind !== 'scalar') return this.malformed('Fn::Join', item, loc, 'strings to join');
      parts.push(str(item) ?? '');
    }
    return scalar(parts.join(delim), loc);
  }

  private select(arg: Node, loc: Loc): Node | undefined {
    if (arg.kind !== 'seq' || arg.items.length !== 2) return this.malformed('Fn::Select', arg, loc, '[index, [values]]');
    const index = str(this.resolve(arg.items[0]));
    const list = this.resolve(arg.items[1]);
    const unknown = () => scalar(this.tok(`Select#${hash([index, list && toPlain(list)])}`), loc);
    if (index === undefined || !list) return this.malformed('Fn::Select', arg, loc, '[index, [values]]');
    if (hasToken(index)) return unknown();
    const i = Number(index);
    if (!Number.isInteger(i) || i < 0) return this.malformed('Fn::Select', arg.items[0], loc, 'a non-negative integer index');
    if (list.kind === 'scalar' && typeof list.value === 'string' && hasToken(list.value)) return unknown();
    if (list.kind !== 'seq') return this.malformed('Fn::Select', arg.items[1], loc, 'a list');
    if (i >= list.items.length) {
      this.report(arg.items[0].loc, `Fn::Select index ${i} is out of range (the list has ${list.items.length} items)`, 'error', 'invalid-input');
      return unknown();
    }
    return list.items[i];
  }

  private split(arg: Node, loc: Loc): Node {
    if (arg.kind !== 'seq' || arg.items.length !== 2) return this.malformed('Fn::Split', arg, loc, '[delimiter, string]');
    const delim = str(this.resolve(arg.items[0]));
    const source = str(this.resolve(arg.items[1]));
    if (!delim || source === undefined) return this.malformed('Fn::Split', arg, loc, '[delimiter, string]');
    // Split around a token only when its value cannot contain the delimiter.
    const safe = tokenNames(source).every((n) => {
      const alphabet = tokenAlphabet(n);
      return alphabet !== undefined && [...delim].some((c) => !alphabet.test(c));
    });
    if (!safe) return scalar(this.tok(`Split#${hash([delim, source])}`), loc);
    return { kind: 'seq', items: splitAroundTokens(source, delim).map((s) => scalar(s, loc)), loc };
  }

  private findInMap(arg: Node, loc: Loc): Node {
    if (arg.kind !== 'seq' || arg.items.length < 3 || arg.items.length > 4) {
      return this.malformed('Fn::FindInMap', arg, loc, '[MapName, TopLevelKey, SecondLevelKey]');
    }
    const keys = arg.items.slice(0, 3).map((k) => str(this.resolve(k)));
    const fallback = arg.items[3] && get(arg.items[3], 'DefaultValue');
    if (keys.some((k) => k === undefined)) return this.malformed('Fn::FindInMap', arg, loc, 'string keys');
    const [mapName, top, second] = keys as string[];
    const unknown = () => scalar(this.tok(`FindInMap:${[mapName, top, second].map(display).join('/')}`), loc);
    const missing = (what: string) => {
      if (fallback) return this.resolve(fallback) ?? unknown();
      this.report(loc, `Fn::FindInMap: ${what}`);
      return unknown();
    };
    if (hasToken(mapName)) return unknown();
    const map = get(this.mappings, mapName);
    if (!map || map.kind !== 'map') return missing(`no mapping "${mapName}" in Mappings`);
    const lookup = (topNode: Node) => get(topNode, second);
    if (hasToken(top)) {
      // The top-level key is unknown (often AWS::Region): the value is still known when every entry agrees.
      if (hasToken(second)) return unknown();
      const values = map.entries.map((e) => lookup(e.value));
      const first = values[0];
      if (first && values.every((v) => v && samePlain(v, first))) return relocate(first, loc);
      return unknown();
    }
    const topNode = get(map, top);
    if (!topNode) return missing(`mapping "${mapName}" has no key "${top}"`);
    if (hasToken(second)) return unknown();
    const v = lookup(topNode);
    if (!v) return missing(`mapping "${mapName}" has no key "${top}"."${second}"`);
    return relocate(v, loc);
  }

  // ---------------------------------------------------------------------------------------------- conditions

  private if(arg: Node, loc: Loc): Node | undefined {
    const name = arg.kind === 'seq' && arg.items.length === 3 ? str(arg.items[0]) : undefined;
    if (arg.kind !== 'seq' || name === undefined) return this.malformed('Fn::If', arg, loc, '[ConditionName, valueIfTrue, valueIfFalse]');
    const cond = this.condition(name, arg.items[0].loc);
    if (cond === true) return this.resolve(arg.items[1]);
    if (cond === false) return this.resolve(arg.items[2]);
    const a = this.resolve(arg.items[1]);
    const b = this.resolve(arg.items[2]);
    if (!a && !b) return undefined;
    if (a && b && samePlain(a, b)) return a;
    if ((!a || a.kind === 'scalar') && (!b || b.kind === 'scalar')) {
      // The branches tell apart tokens of different Ifs on the same condition.
      return scalar(this.tok(`If:${name}#${hash([a && toPlain(a), b && toPlain(b)])}`), loc);
    }
    const unknowns = this.condCache.get(name)?.unknowns ?? [];
    const why = unknowns.length ? ` (it depends on ${unknowns.join(', ')})` : '';
    this.report(loc, `condition "${name}" is not determined by the template${why}: the true branch of this Fn::If is assumed`, 'note');
    return a;
  }

  /** Evaluates a named condition; undefined when it depends on values the template leaves open. */
  condition(name: string, loc: Loc): Tri {
    const cached = this.condCache.get(name);
    if (cached) return cached.value;
    const node = this.conditions.get(name);
    if (!node) {
      this.report(loc, `condition "${name}" is not defined in Conditions`);
      return undefined;
    }
    if (this.condActive.includes(name)) {
      this.report(loc, `circular condition: ${[...this.condActive.slice(this.condActive.indexOf(name)), name].join(' → ')}`);
      return undefined;
    }
    this.condActive.push(name);
    const unknowns = new Set<string>();
    let value: Tri;
    try {
      value = this.evalCondition(node, unknowns);
    } finally {
      this.condActive.pop();
    }
    this.condCache.set(name, { value, unknowns: [...unknowns] });
    return value;
  }

  private evalCondition(node: Node, unknowns: Set<string>): Tri {
    const entry = node.kind === 'map' && node.entries.length === 1 ? node.entries[0] : undefined;
    const args = entry?.value.kind === 'seq' ? entry.value.items : undefined;
    switch (entry?.key) {
      case 'Fn::Equals': {
        if (!args || args.length !== 2) break;
        const [a, b] = args.map((x) => this.resolve(x));
        if (!a || !b) return undefined;
        const [sa, sb] = [JSON.stringify(toPlain(a)), JSON.stringify(toPlain(b))];
        // Template values are compared as text: `!Equals [!Ref Count, 0]` with Default "0" is true.
        const [ta, tb] = [str(a) ?? sa, str(b) ?? sb];
        if (ta === tb) return true;
        if (!hasToken(ta) && !hasToken(tb)) return false;
        for (const t of [...tokenNames(ta), ...tokenNames(tb)]) unknowns.add(display(TOKEN_OPEN + t + TOKEN_CLOSE));
        return undefined;
      }
      case 'Fn::And':
      case 'Fn::Or': {
        if (!args || args.length === 0) break;
        const values = args.map((a) => this.evalCondition(a, unknowns));
        const decisive = entry.key === 'Fn::And' ? false : true;
        if (values.includes(decisive)) return decisive;
        return values.includes(undefined) ? undefined : !decisive;
      }
      case 'Fn::Not': {
        if (!args || args.length !== 1) break;
        const v = this.evalCondition(args[0], unknowns);
        return v === undefined ? undefined : !v;
      }
      case 'Condition': {
        const name = str(entry.value);
        if (name === undefined) break;
        const v = this.condition(name, entry.value.loc);
        for (const u of this.condCache.get(name)?.unknowns ?? []) unknowns.add(u);
        return v;
      }
    }
    this.report(node.loc, 'a condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or {Condition: name} with its arguments', 'error', 'invalid-input');
    return undefined;
  }
}

/** The property that holds a resource's physical name, for types where Ref or an ARN uses it. */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::SSM::Parameter': 'Name',
  'AWS::KMS::Alias': 'AliasName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::ECR::Repository': 'RepositoryName',
  'AWS::ECS::TaskDefinition': 'Family',
  'AWS::EKS::Cluster': 'Name',
  'AWS::EKS::FargateProfile': 'FargateProfileName',
};
