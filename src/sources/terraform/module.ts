// Terraform modules: a directory's .tf files as one configuration, instantiated as the root module
// or as a module call (with its input variables), with resource instances for `count` and
// `for_each` and the references between them resolved lazily.
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { display, hasToken, type Diagnostic, type Loc, type Node } from '../../model.js';
import { InputError } from '../nodes.js';
import { decodeUtf8, readBounded } from '../index.js';
import { isRegion } from '../region.js';
import { MAX_HCL_BYTES } from './parser.js';
import { readHclFile, textOf, type HclAttribute, type HclBlock, type HclBody, type HclFile } from './hcl.js';
import { collectionEntries, evaluate, traverse, type Scope, type Step } from './eval.js';
import { computedAttribute, hclAttributeSource } from './attributes.js';
import { evaluationError, isNull, isUnknown, map, scalar, seq, text, Tokens } from './values.js';

export interface ModuleConfig {
  dir: string;
  /** The .tf files, as locations show them. */
  files: string[];
  /** Terraform JSON files (.tf.json), which are not read: as locations show them. */
  jsonFiles: string[];
  variables: Map<string, HclBlock>;
  locals: Map<string, HclAttribute>;
  resources: Map<string, HclBlock>;
  data: Map<string, HclBlock>;
  modules: Map<string, HclBlock>;
  outputs: Map<string, HclBlock>;
  providers: HclBlock[];
}

/** Reads and caches module directories; a syntax error is an InputError of its file. */
export class ConfigLoader {
  private readonly cache = new Map<string, ModuleConfig>();
  constructor(readonly relPath: (abs: string) => string) {}

  load(dir: string): ModuleConfig {
    const hit = this.cache.get(dir);
    if (hit) return hit;
    const config: ModuleConfig = {
      dir,
      files: [],
      jsonFiles: [],
      variables: new Map(),
      locals: new Map(),
      resources: new Map(),
      data: new Map(),
      modules: new Map(),
      outputs: new Map(),
      providers: [],
    };
    this.cache.set(dir, config);
    let names: string[] = [];
    try {
      const all = readdirSync(dir).sort();
      names = all.filter((n) => n.endsWith('.tf'));
      config.jsonFiles = all.filter((n) => n.endsWith('.tf.json')).map((n) => this.relPath(join(dir, n)));
    } catch {
      // a missing module directory: reported by the caller
    }
    for (const name of names) {
      const path = join(dir, name);
      const file = this.relPath(path);
      config.files.push(file);
      addBody(config, readHclFile(readText(path, file), file));
    }
    return config;
  }

  private readonly manifests = new Map<string, Map<string, string>>();

  /** `terraform init`'s module manifest of a root module: call key → directory (relative to the root). */
  manifest(rootDir: string): Map<string, string> {
    let m = this.manifests.get(rootDir);
    if (!m) {
      m = new Map();
      try {
        const json = JSON.parse(readFileSync(join(rootDir, '.terraform', 'modules', 'modules.json'), 'utf8')) as { Modules?: Array<{ Key?: unknown; Dir?: unknown }> };
        for (const e of json.Modules ?? []) if (typeof e.Key === 'string' && e.Key && typeof e.Dir === 'string') m.set(e.Key, e.Dir);
      } catch {
        // not initialised, or not readable: registry modules stay unresolved
      }
      this.manifests.set(rootDir, m);
    }
    return m;
  }

  /** Whether a directory holds .tf files. */
  exists(dir: string): boolean {
    try {
      return readdirSync(dir).some((n) => n.endsWith('.tf'));
    } catch {
      return false;
    }
  }
}

/** A directory's real path (symbolic links resolved), or the path itself when it does not exist. */
export function realPath(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

/** A .tf or .tfvars file's text: unreadable, too large (MAX_HCL_BYTES) or not UTF-8 is an input error. */
export function readText(path: string, file: string): string {
  const bytes = readBounded(path, file);
  if (bytes.length > MAX_HCL_BYTES) {
    throw new InputError(`file is ${bytes.length.toLocaleString('en-US')} bytes, over the limit of ${MAX_HCL_BYTES / 1048576} MiB for HCL; refused`, { file, line: 1, column: 1 });
  }
  return decodeUtf8(bytes, file);
}

function addBody(config: ModuleConfig, body: HclBody): void {
  for (const b of body.blocks) {
    const [a, c] = b.labels;
    switch (b.type) {
      case 'variable':
        if (a) config.variables.set(a, b);
        break;
      case 'locals':
        for (const [k, v] of b.body.attributes) config.locals.set(k, v);
        break;
      case 'resource':
        if (a && c) config.resources.set(`${a}.${c}`, b);
        break;
      case 'data':
        if (a && c) config.data.set(`${a}.${c}`, b);
        break;
      case 'module':
        if (a) config.modules.set(a, b);
        break;
      case 'output':
        if (a) config.outputs.set(a, b);
        break;
      case 'provider':
        config.providers.push(b);
        break;
    }
  }
}

/** What one root module shares with every module it calls: its tokens, provider context and diagnostics. */
export interface Deployment {
  tokens: Tokens;
  partition: string;
  account: string;
  rootDir: string;
  loader: ConfigLoader;
  diagnostics: Diagnostic[];
  relPath(abs: string): string;
}

export interface ResourceInstance {
  kind: 'resource' | 'data';
  type: string;
  name: string;
  block: HclBlock;
  address: string;
  mod: ModuleInstance;
  /** `each` and `count` of this instance. */
  vars: Map<string, Node>;
  cache: Map<string, Node>;
}

interface Instances<T> {
  /** By key (count index or for_each key); one entry `undefined` when there is neither. */
  byKey: Map<string | number | undefined, T>;
  /** count/for_each whose keys the configuration does not determine: one symbolic instance. */
  symbolic: boolean;
}

/** Attributes being evaluated, to cut reference cycles. */
const active = new Set<string>();

export class ModuleInstance {
  private readonly localCache = new Map<string, Node>();
  private readonly varCache = new Map<string, Node>();
  private readonly resourceCache = new Map<string, Instances<ResourceInstance>>();
  private readonly moduleCache = new Map<string, Instances<ModuleInstance> | undefined>();
  readonly regionCache = new Map<string, string>();

  constructor(
    readonly config: ModuleConfig,
    /** `''` for the root module, else `module.a` or `module.a["k"].module.b`. */
    readonly address: string,
    readonly dep: Deployment,
    /** Input values: tfvars for the root module, the module block's arguments for a call. */
    private readonly inputs: (name: string) => Node | undefined,
    readonly parent?: { mod: ModuleInstance; block: HclBlock },
  ) {}

  prefix(): string {
    return this.address ? this.address + '.' : '';
  }

  scope(src: HclFile, vars: Map<string, Node> = new Map()): Scope {
    return {
      src,
      tokens: this.dep.tokens.within(this.prefix()),
      vars,
      baseDir: this.dep.rootDir,
      relPath: (p) => this.dep.relPath(p),
      reference: (root, steps, loc, expr) => this.reference(root, steps, loc, expr),
    };
  }

  /** The value of an attribute of a body (evaluated in this module with the given extra variables). */
  attr(body: HclBody, name: string, vars?: Map<string, Node>): Node | undefined {
    const a = body.attributes.get(name);
    return a && evaluate(a.expr, this.scope(a.src, vars));
  }

  private unknown(expr: string, loc: Loc): Node {
    return this.dep.tokens.unknown(this.prefix() + expr, loc);
  }

  // ---------------------------------------------------------------------------------------------- references

  reference(root: string, steps: Step[], loc: Loc, expr: string): Node {
    const attrAt = (i: number) => {
      const s = steps[i];
      return s && 'attr' in s ? s.attr : undefined;
    };
    const rest = (i: number, v: Node) => traverse(v, steps.slice(i), this.scope({ file: loc.file, text: '' }), loc, expr);
    switch (root) {
      case 'var': {
        const name = attrAt(0);
        return name ? rest(1, this.variable(name, loc)) : this.unknown(expr, loc);
      }
      case 'local': {
        const name = attrAt(0);
        return name ? rest(1, this.local(name, loc)) : this.unknown(expr, loc);
      }
      case 'path': {
        const what = attrAt(0);
        const rel = relative(this.dep.rootDir, this.config.dir).split(sep).join('/') || '.';
        if (what === 'module') return scalar(rel, loc);
        if (what === 'root') return scalar('.', loc);
        if (what === 'cwd') return scalar(this.dep.rootDir, loc);
        return this.unknown(expr, loc);
      }
      case 'data': {
        const [type, name] = [attrAt(0), attrAt(1)];
        if (!type || !name) return this.unknown(expr, loc);
        return this.resourceReference('data', type, name, steps.slice(2), loc, expr);
      }
      case 'module': {
        const name = attrAt(0);
        return name ? this.moduleReference(name, steps.slice(1), loc, expr) : this.unknown(expr, loc);
      }
      case 'each':
      case 'count':
      case 'self':
      case 'terraform':
        return this.unknown(expr, loc);
    }
    const name = attrAt(0);
    if (name && this.config.resources.has(`${root}.${name}`)) return this.resourceReference('resource', root, name, steps.slice(1), loc, expr);
    return this.unknown(expr, loc);
  }

  variable(name: string, loc: Loc): Node {
    const hit = this.varCache.get(name);
    if (hit) return hit;
    const key = `${this.dep.tokens.scope}|${this.address}|var.${name}`;
    if (active.has(key)) return this.unknown(`var.${name}`, loc);
    active.add(key);
    try {
      let v = this.inputs(name);
      const decl = this.config.variables.get(name);
      if ((v === undefined || isNull(v)) && decl?.body.attributes.has('default')) v = this.attr(decl.body, 'default');
      if (v === undefined) v = this.unknown(`var.${name}`, loc);
      this.varCache.set(name, v);
      return v;
    } finally {
      active.delete(key);
    }
  }

  local(name: string, loc: Loc): Node {
    const hit = this.localCache.get(name);
    if (hit) return hit;
    const a = this.config.locals.get(name);
    if (!a) return this.unknown(`local.${name}`, loc);
    const key = `${this.dep.tokens.scope}|${this.address}|local.${name}`;
    if (active.has(key)) return this.unknown(`local.${name}`, loc);
    active.add(key);
    try {
      const v = evaluate(a.expr, this.scope(a.src));
      this.localCache.set(name, v);
      return v;
    } finally {
      active.delete(key);
    }
  }

  // ---------------------------------------------------------------------------------------------- resources

  /** The instances of a resource or data source of this module (none when it is not defined). */
  instances(kind: 'resource' | 'data', type: string, name: string): Instances<ResourceInstance> {
    const id = `${kind}.${type}.${name}`;
    const hit = this.resourceCache.get(id);
    if (hit) return hit;
    const block = (kind === 'resource' ? this.config.resources : this.config.data).get(`${type}.${name}`);
    const base = `${this.prefix()}${kind === 'data' ? 'data.' : ''}${type}.${name}`;
    const result: Instances<ResourceInstance> = { byKey: new Map(), symbolic: false };
    this.resourceCache.set(id, result);
    if (!block) return result;
    const make = (address: string, vars: Map<string, Node>): ResourceInstance => ({ kind, type, name, block, address, mod: this, vars, cache: new Map() });
    this.expand(block, base, (key, address, vars) => result.byKey.set(key, make(address, vars)), () => (result.symbolic = true));
    return result;
  }

  /** Calls `add` for each instance of a block with count or for_each (or the one instance without). */
  private expand(block: HclBlock, base: string, add: (key: string | number | undefined, address: string, vars: Map<string, Node>) => void, symbolic: () => void): void {
    const loc = block.loc;
    const count = this.attr(block.body, 'count');
    const forEach = this.attr(block.body, 'for_each');
    if (count) {
      const n = Number(text(count));
      if (isUnknown(count) || !Number.isInteger(n) || n < 0) {
        symbolic();
        add('*', `${base}[*]`, new Map([['count', map([['index', this.dep.tokens.unknown(`${base}.count.index`, loc)]], loc)]]));
        return;
      }
      for (let i = 0; i < n; i++) add(i, `${base}[${i}]`, new Map([['count', map([['index', scalar(i, loc)]], loc)]]));
      return;
    }
    if (forEach) {
      const entries = collectionEntries(forEach);
      if (!entries || entries.some(([k]) => isUnknown(k) || (forEach.kind === 'seq' && isUnknown(entries[0][1])))) {
        symbolic();
        const each = map([['key', this.dep.tokens.unknown(`${base}.each.key`, loc)], ['value', this.dep.tokens.unknown(`${base}.each.value`, loc)]], loc);
        add('*', `${base}[*]`, new Map([['each', each]]));
        return;
      }
      for (const [k, v] of entries) {
        // A set's elements are both key and value.
        const key = forEach.kind === 'seq' ? text(v) : text(k);
        if (key === undefined) continue;
        add(key, `${base}[${JSON.stringify(key)}]`, new Map([['each', map([['key', scalar(key, k.loc)], ['value', v]], loc)]]));
      }
      return;
    }
    add(undefined, base, new Map());
  }

  private resourceReference(kind: 'resource' | 'data', type: string, name: string, steps: Step[], loc: Loc, expr: string): Node {
    const { byKey, symbolic } = this.instances(kind, type, name);
    const all = [...byKey.values()];
    const rest = (i: number, v: Node) => traverse(v, steps.slice(i), this.scope({ file: loc.file, text: '' }), loc, expr);
    const single = byKey.get(undefined);
    if (single) return this.instanceTraversal(single, steps, loc, expr);
    const first = steps[0];
    if (symbolic) return this.unknown(expr, loc);
    if (first && 'index' in first) {
      const key = text(first.index);
      const inst = key === undefined ? undefined : (byKey.get(key) ?? byKey.get(Number(key)));
      if (inst) return this.instanceTraversal(inst, steps.slice(1), loc, expr);
      // An instance the known count/for_each does not create (`x[0]` with count = 0) is an error.
      return key === undefined || hasToken(key) ? this.unknown(expr, loc) : evaluationError(this.unknown(expr, loc));
    }
    if (first && 'splat' in first) {
      return rest(1, seq(all.map((inst) => this.instanceTraversal(inst, first.splat, loc, expr)), loc));
    }
    // The whole collection of instances.
    const isCount = all.length > 0 && typeof [...byKey.keys()][0] === 'number';
    const objects = all.map((inst) => this.instanceObject(inst, loc));
    if (isCount) return rest(0, seq(objects, loc));
    return rest(0, { kind: 'map', entries: [...byKey.keys()].map((k, i) => ({ key: String(k), keyLoc: loc, value: objects[i] })), loc });
  }

  private instanceTraversal(inst: ResourceInstance, steps: Step[], loc: Loc, expr: string): Node {
    const first = steps[0];
    if (!first || !('attr' in first)) return traverse(this.instanceObject(inst, loc), steps, this.scope({ file: loc.file, text: '' }), loc, expr);
    const v = this.instanceAttr(inst, first.attr, loc);
    return traverse(v, steps.slice(1), this.scope({ file: loc.file, text: '' }), loc, expr);
  }

  /** An attribute of a resource instance: what the provider computes, what the block sets, or unknown. */
  instanceAttr(inst: ResourceInstance, name: string, loc: Loc): Node {
    const hit = inst.cache.get(name);
    if (hit) return hit;
    const key = `${this.dep.tokens.scope}|${inst.address}.${name}`;
    if (active.has(key)) return this.dep.tokens.unknown(`${inst.address}.${name}`, loc);
    active.add(key);
    try {
      const v = computedAttribute(hclAttributeSource(inst), name, loc) ?? this.configured(inst, name) ?? this.dep.tokens.unknown(`${inst.address}.${name}`, loc);
      inst.cache.set(name, v);
      return v;
    } finally {
      active.delete(key);
    }
  }

  /** An argument as the block sets it (nested blocks as a list of objects). */
  configured(inst: ResourceInstance, name: string): Node | undefined {
    const a = inst.block.body.attributes.get(name);
    if (a) return evaluate(a.expr, this.scope(a.src, inst.vars));
    const blocks = this.blocks(inst.block.body, name, inst.vars);
    if (blocks.length === 0) return undefined;
    return seq(blocks.map((b) => this.blockObject(b.body, b.vars, b.loc)), inst.block.loc);
  }

  private blockObject(body: HclBody, vars: Map<string, Node>, loc: Loc): Node {
    const entries: Array<[string, Node]> = [];
    for (const [k, a] of body.attributes) entries.push([k, evaluate(a.expr, this.scope(a.src, vars))]);
    const nested = new Set(body.blocks.map((b) => (b.type === 'dynamic' ? b.labels[0] : b.type)));
    for (const t of nested) entries.push([t, seq(this.blocks(body, t, vars).map((b) => this.blockObject(b.body, b.vars, b.loc)), loc)]);
    return map(entries, loc);
  }

  private instanceObject(inst: ResourceInstance, loc: Loc): Node {
    const entries: Array<[string, Node]> = [];
    const names = new Set([...inst.block.body.attributes.keys(), 'id', 'arn', 'name']);
    for (const n of names) if (!['count', 'for_each', 'provider', 'depends_on', 'lifecycle'].includes(n)) entries.push([n, this.instanceAttr(inst, n, loc)]);
    return map(entries, loc);
  }

  /**
   * The nested blocks of a type, `dynamic` ones expanded with their iterator; a dynamic block whose
   * for_each is not determined is reported and left out.
   */
  blocks(body: HclBody, type: string, vars: Map<string, Node> = new Map()): Array<{ body: HclBody; vars: Map<string, Node>; loc: Loc }> {
    const out: Array<{ body: HclBody; vars: Map<string, Node>; loc: Loc }> = [];
    for (const b of body.blocks) {
      if (b.type === type) out.push({ body: b.body, vars, loc: b.loc });
      else if (b.type === 'dynamic' && b.labels[0] === type) {
        const content = b.body.blocks.find((x) => x.type === 'content');
        if (!content) continue;
        const forEach = this.attr(b.body, 'for_each', vars);
        const iterator = (b.body.attributes.get('iterator') && textOf(b.body.attributes.get('iterator')!.src, b.body.attributes.get('iterator')!.expr)) || type;
        const entries = forEach && collectionEntries(forEach);
        if (!entries) {
          // Leaving the blocks out would turn "may grant" into "does not grant" (a false missing
          // permission): they are read as one block whose iterator is unknown, as resources are.
          this.dep.diagnostics.push({
            rule: 'unresolved-reference',
            severity: 'note',
            message: `dynamic "${type}" blocks: for_each is not determined by the configuration; they are read as one block whose ${iterator}.key and ${iterator}.value are unknown`,
            loc: b.loc,
          });
          // Named with the block's line: two such blocks are two unknowns, never equal.
          const symbolic = map([['key', this.unknown(`${iterator}.key#L${b.loc.line}`, b.loc)], ['value', this.unknown(`${iterator}.value#L${b.loc.line}`, b.loc)]], b.loc);
          out.push({ body: content.body, vars: new Map([...vars, [iterator, symbolic]]), loc: content.loc });
          continue;
        }
        for (const [k, v] of entries) {
          const key = forEach!.kind === 'seq' && !isNull(v) && v.kind === 'scalar' ? v : k;
          out.push({ body: content.body, vars: new Map([...vars, [iterator, map([['key', key], ['value', v]], b.loc)]]), loc: content.loc });
        }
      }
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------- modules

  /** The instances of a module call; undefined when its source is not a local directory. */
  moduleInstances(name: string): Instances<ModuleInstance> | undefined {
    if (this.moduleCache.has(name)) return this.moduleCache.get(name);
    this.moduleCache.set(name, undefined);
    const block = this.config.modules.get(name);
    if (!block) return undefined;
    const source = text(this.attr(block.body, 'source'));
    const local = source !== undefined && (source.startsWith('./') || source.startsWith('../'));
    // A registry or git module is read where `terraform init` put it, when it has.
    const installed = local ? undefined : this.installedModule(name);
    if (!local && !installed) {
      this.dep.diagnostics.push({
        rule: 'unresolved-reference',
        severity: 'note',
        message: `module "${name}" comes from ${source === undefined ? 'a source that is not determined' : `"${display(source)}"`}, which is not a local directory: rolefit does not download modules (it reads them from .terraform/modules/ after terraform init), so the roles and policies it defines are not analysed and its outputs are unknown`,
        loc: block.loc,
      });
      return undefined;
    }
    const dir = installed ?? resolve(this.config.dir, source!);
    // The same directory, also through a symbolic link (`loop -> .`), is the same module.
    const real = realPath(dir);
    for (let m: ModuleInstance | undefined = this; m; m = m.parent?.mod) {
      if (realPath(m.config.dir) !== real) continue;
      this.dep.diagnostics.push({ rule: 'invalid-input', severity: 'error', message: `module "${name}" calls ${this.dep.relPath(dir) || '.'}, which is already being evaluated: a module cannot call itself (Terraform rejects the cycle)`, loc: block.loc });
      return undefined;
    }
    if (!this.dep.loader.exists(dir)) {
      this.dep.diagnostics.push({ rule: 'unresolved-reference', severity: 'warning', message: `module "${name}": no .tf files in ${this.dep.relPath(dir)}`, loc: block.loc });
      return undefined;
    }
    const config = this.dep.loader.load(dir);
    const result: Instances<ModuleInstance> = { byKey: new Map(), symbolic: false };
    this.expand(
      block,
      `${this.prefix()}module.${name}`,
      (key, address, vars) => {
        const inputs = (v: string) => (v === 'source' || v === 'version' || v === 'providers' ? undefined : this.attr(block.body, v, vars));
        result.byKey.set(key, new ModuleInstance(config, address, this.dep, inputs, { mod: this, block }));
      },
      () => (result.symbolic = true),
    );
    this.moduleCache.set(name, result);
    return result;
  }

  /**
   * Where `terraform init` installed a module call of this module (`.terraform/modules/modules.json`
   * of the root: keys are the call names from the root, joined by dots).
   */
  private installedModule(name: string): string | undefined {
    const key = [...this.address.matchAll(/module\.([^.[]+)/g)].map((m) => m[1]).concat(name).join('.');
    const manifest = this.dep.loader.manifest(this.dep.rootDir);
    const dir = manifest.get(key);
    return dir !== undefined && this.dep.loader.exists(resolve(this.dep.rootDir, dir)) ? resolve(this.dep.rootDir, dir) : undefined;
  }

  private moduleReference(name: string, steps: Step[], loc: Loc, expr: string): Node {
    const inst = this.moduleInstances(name);
    if (!inst || inst.symbolic) return this.unknown(expr, loc);
    let i = 0;
    let mod = inst.byKey.get(undefined);
    if (!mod) {
      const first = steps[0];
      const scope = this.scope({ file: loc.file, text: '' });
      const all = [...inst.byKey.values()];
      // `module.x[*].out`, and `module.x` as a whole: a list (count) or map (for_each) of instances.
      if (first && 'splat' in first) return traverse(seq(all.map((m) => traverse(m.outputsObject(loc), first.splat, scope, loc, expr)), loc), steps.slice(1), scope, loc, expr);
      if (!first || !('index' in first)) {
        const objects = all.map((m) => m.outputsObject(loc));
        const whole = typeof [...inst.byKey.keys()][0] === 'number' ? seq(objects, loc) : map([...inst.byKey.keys()].map((k, j) => [String(k), objects[j]]), loc);
        return traverse(whole, steps, scope, loc, expr);
      }
      const key = text(first.index);
      mod = key === undefined ? undefined : (inst.byKey.get(key) ?? inst.byKey.get(Number(key)));
      i = 1;
    }
    const out = steps[i];
    if (!mod || !out || !('attr' in out)) return this.unknown(expr, loc);
    return traverse(mod.output(out.attr, loc), steps.slice(i + 1), this.scope({ file: loc.file, text: '' }), loc, expr);
  }

  /** The module instance as an object: its outputs. */
  outputsObject(loc: Loc): Node {
    return map([...this.config.outputs.keys()].map((name) => [name, this.output(name, loc)]), loc);
  }

  output(name: string, loc: Loc): Node {
    const block = this.config.outputs.get(name);
    return (block && this.attr(block.body, 'value')) ?? this.unknown(`output.${name}`, loc);
  }

  /** Every module instance of the tree, this one first. */
  *walk(): Generator<ModuleInstance> {
    yield this;
    for (const name of this.config.modules.keys()) {
      const inst = this.moduleInstances(name);
      if (inst) for (const m of inst.byKey.values()) yield* m.walk();
    }
  }

  /**
   * The region of the provider a block is created with (`provider = aws.west`): its `region` when
   * the configuration determines it, else a token; a module's providers come from its caller.
   */
  region(providerRef?: string): string {
    const alias = providerRef?.replace(/^aws\.?/, '') ?? '';
    const hit = this.regionCache.get(alias);
    if (hit) return hit;
    let value: string;
    if (this.parent) {
      const map = this.parent.block.body.attributes.get('providers');
      const mapped = map && mappedProvider(map, alias);
      value = this.parent.mod.region(mapped ?? (alias ? `aws.${alias}` : undefined));
    } else {
      const block = this.config.providers.find((p) => p.labels[0] === 'aws' && (text(this.attr(p.body, 'alias')) ?? '') === alias);
      const r = block && text(this.attr(block.body, 'region'));
      value = r !== undefined && isRegion(r) ? r : this.dep.tokens.name(alias ? `aws_region.${alias}` : 'aws_region');
    }
    this.regionCache.set(alias, value);
    return value;
  }
}

/** `providers = { aws = aws.west }`: the caller's provider passed as this module's `aws` (or `aws.alias`). */
function mappedProvider(attr: HclAttribute, alias: string): string | undefined {
  const src = textOf(attr.src, attr.expr);
  const want = alias ? `aws\\.${alias}` : 'aws';
  const m = new RegExp(`(?:^|[{,\\s])"?${want}"?\\s*=\\s*(aws(?:\\.[\\w-]+)?)`).exec(src);
  return m?.[1];
}
