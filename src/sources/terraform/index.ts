// Terraform configurations: the .tf and .tfvars files of a scan, read as modules.
//
// Terraform's unit is the directory, so every directory holding a scanned .tf or .tfvars file is
// read whole (a pre-commit hook passes single files; references need the rest of the module). A
// directory that another scanned directory calls as a local module is evaluated as that call (with
// its input variables), not again on its own. The others are root modules: one deployment each,
// whose tokens (`${aws_account_id}`, `${aws_region}`, `${aws_partition}`) are shared by all the
// modules it calls.
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { hasToken, mergeInventory, type Inventory, type Node } from '../../model.js';
import { InputError, parseJson } from '../nodes.js';
import { textOf, readHclFile } from './hcl.js';
import { evaluate, resetEvaluationBudget } from './eval.js';
import { computedAttribute, contextOf, hclAttributeSource } from './attributes.js';
import { ConfigLoader, ModuleInstance, readText, realPath, type Deployment, type ResourceInstance } from './module.js';
import { InventoryBuilder, PLAN_ORIGIN, RESOURCE_TYPES, type BlockView, type PlanInfo, type ResourceView } from './resources.js';
import { withoutKeys } from './plan.js';
import { isNull, Tokens } from './values.js';
import { regionPartition } from '../region.js';
import type { HclBody } from './hcl.js';

export { startParser as startTerraformParser } from './parser.js';

export function isTerraformFile(path: string): boolean {
  return ['.tf', '.tfvars', '.tf.json', '.tfvars.json'].some((ext) => path.endsWith(ext));
}

export interface TerraformResult {
  inventory: Inventory;
  errors: Array<{ message: string; location: { file: string; line: number; column: number } }>;
  /** Resource addresses read from configurations (a plan's copy of one is dropped: see dropPlanDuplicates). */
  addresses: Set<string>;
}

/**
 * Reads the modules of the given .tf/.tfvars files (absolute paths); `relPath` gives the paths
 * locations show. `scanned` is what the scan read from other files: a plan of one of these root
 * modules gives it its variables and deployment context (account, region, partition).
 */
export function readTerraform(paths: string[], relPath: (abs: string) => string, scanned?: Inventory): TerraformResult {
  const loader = new ConfigLoader(relPath);
  const result: TerraformResult = { inventory: new InventoryBuilder().inv, errors: [], addresses: new Set() };
  const fail = (e: unknown, dir: string) => {
    if (e instanceof InputError) result.errors.push({ message: e.message, location: e.loc });
    // Hostile nesting exhausts the stack in the parser's tree or the evaluator.
    else if (e instanceof RangeError) result.errors.push({ message: `input too deeply nested or too large to process (${e.message})`, location: { file: relPath(dir), line: 1, column: 1 } });
    else throw e;
  };
  const dirs = [...new Set(paths.map((p) => dirname(p)))];
  const loaded = new Map<string, ReturnType<ConfigLoader['load']>>();
  for (const dir of dirs) {
    try {
      loaded.set(dir, loader.load(dir));
    } catch (e) {
      fail(e, dir);
    }
  }
  // Directories called as local modules by another scanned directory are read through the call.
  const called = new Set<string>();
  for (const config of loaded.values()) {
    for (const block of config.modules.values()) {
      const source = block.body.attributes.get('source');
      const literal = source && /^"(\.\.?\/[^"$]*)"$/.exec(textOf(source.src, source.expr).trim());
      if (literal && realPath(resolve(config.dir, literal[1])) !== realPath(config.dir)) called.add(realPath(resolve(config.dir, literal[1])));
    }
  }
  const builder = new InventoryBuilder();
  const files = new Set<string>();
  const plans = scanned ? plansIn(scanned) : [];
  for (const [dir, config] of loaded) {
    if (called.has(realPath(dir))) continue;
    try {
      const plan = plans.find((p) => planOf(p, config));
      const root = rootModule(dir, config, loader, relPath, files, plan);
      for (const mod of root.walk()) {
        for (const f of mod.config.files) files.add(f);
        for (const f of mod.config.jsonFiles) {
          if (files.has(f)) continue;
          files.add(f);
          // Not read: say so rather than report its module as if it were complete.
          builder.inv.diagnostics.push({ rule: 'unresolved-reference', severity: 'warning', message: `Terraform JSON configuration is not read: what ${f} defines is not analysed`, loc: { file: f, line: 1, column: 1 } });
        }
        for (const key of mod.config.resources.keys()) {
          const type = key.slice(0, key.indexOf('.'));
          if (!RESOURCE_TYPES.includes(type)) continue;
          const name = key.slice(type.length + 1);
          const instances = mod.instances('resource', type, name);
          if (instances.symbolic) {
            // As CloudFormation's undetermined conditions are: assumed, and said so.
            root.dep.diagnostics.push({
              rule: 'unresolved-reference',
              severity: 'note',
              message: `${mod.prefix()}${key}: count or for_each is not determined by the configuration; it is read as one instance whose count.index or each.key/each.value are unknown, though it may create none`,
              loc: mod.config.resources.get(key)!.loc,
            });
          }
          for (const inst of instances.byKey.values()) {
            result.addresses.add(inst.address);
            builder.add(hclView(inst));
          }
        }
      }
      builder.inv.diagnostics.push(...root.dep.diagnostics);
    } catch (e) {
      fail(e, dir);
    }
  }
  result.inventory = builder.finish();
  result.inventory.files = [...files].sort();
  return result;
}

/**
 * The root module of a directory: variables from terraform.tfvars and *.auto.tfvars (as Terraform
 * loads them). Exported for tests.
 */
export function rootModule(dir: string, config: ReturnType<ConfigLoader['load']>, loader: ConfigLoader, relPath: (abs: string) => string, files = new Set<string>(), plan?: PlanInfo): ModuleInstance {
  resetEvaluationBudget();
  const scopeName = relPath(dir);
  const tokens = new Tokens(scopeName === '' ? '.' : scopeName);
  const dep: Deployment = {
    tokens,
    partition: tokens.name('aws_partition'),
    account: tokens.name('aws_account_id'),
    rootDir: dir,
    loader,
    diagnostics: [],
    relPath,
  };
  const values = new Map<string, Node>();
  // Terraform's order: terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars(.json) by name.
  const rank = (n: string) => (n === 'terraform.tfvars' ? 0 : n === 'terraform.tfvars.json' ? 1 : 2);
  const varFiles = readdirSync(dir)
    .filter((n) => rank(n) < 2 || n.endsWith('.auto.tfvars') || n.endsWith('.auto.tfvars.json'))
    .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  // A plan's variables are the values it was made with (-var, -var-file included): they come first.
  const root = new ModuleInstance(config, '', dep, (name) => plan?.variables.get(name) ?? values.get(name));
  for (const name of varFiles) {
    const path = join(dir, name);
    const file = relPath(path);
    files.add(file);
    if (name.endsWith('.json')) {
      // JSON values are literal values.
      const json = parseJson(readText(path, file), file);
      if (json.kind !== 'map') throw new InputError('a variables file in JSON must hold an object', json.loc);
      for (const e of json.entries) values.set(e.key, e.value);
      continue;
    }
    const body: HclBody = readHclFile(readText(path, file), file);
    // A variables file holds values only: any reference in it is unknown.
    for (const [k, a] of body.attributes) {
      values.set(k, evaluate(a.expr, { ...root.scope(a.src), reference: (_r, _s, loc, expr) => tokens.unknown(expr, loc) }));
    }
  }
  // The default provider's region, when the configuration (or its plan) gives it, decides the partition.
  let region = root.region();
  if (hasToken(region) && plan?.context.region) root.regionCache.set('', (region = plan.context.region));
  const partition = plan?.context.partition ?? regionPartition(region);
  if (partition) dep.partition = partition;
  if (plan?.context.account) dep.account = plan.context.account;
  return root;
}

/** A resource instance of a configuration seen as the inventory builder reads resources. */
function hclView(inst: ResourceInstance): ResourceView {
  const source = hclAttributeSource(inst);
  const view = blockView(inst.mod, inst.block.body, inst.vars, inst.block.loc);
  return {
    ...view,
    address: inst.address,
    type: inst.type,
    context: contextOf(inst),
    tokens: inst.mod.dep.tokens,
    get: (name) => present(computedAttribute(source, name, inst.block.loc) ?? inst.mod.configured(inst, name)),
  };
}

function blockView(mod: ModuleInstance, body: HclBody, vars: Map<string, Node>, loc: BlockView['loc']): BlockView {
  return {
    loc,
    get: (name) => present(mod.attr(body, name, vars)),
    blocks: (name) => mod.blocks(body, name, vars).map((b) => blockView(mod, b.body, b.vars, b.loc)),
  };
}

function present(n: Node | undefined): Node | undefined {
  return n === undefined || isNull(n) ? undefined : n;
}


/** The plans whose objects a scan holds. */
function plansIn(inv: Inventory): PlanInfo[] {
  const out = new Set<PlanInfo>();
  for (const list of Object.values(inv) as unknown[][]) {
    for (const o of list) if (typeof o === 'object' && o !== null) {
      const origin = PLAN_ORIGIN.get(o);
      if (origin) out.add(origin.plan);
    }
  }
  return [...out];
}

/** Whether a plan was made from a root module: it holds one of the module's resources or module calls. */
function planOf(plan: PlanInfo, config: ReturnType<ConfigLoader['load']>): boolean {
  for (const address of plan.addresses) {
    const top = withoutKeys(address).split('.');
    if (top[0] === 'module' ? config.modules.has(top[1]) : top[0] !== 'data' && config.resources.has(`${top[0]}.${top[1]}`)) return true;
  }
  return false;
}

/**
 * Adds what the configurations hold to the scan's inventory. A resource read both from a plan and
 * from its configuration is kept once, as the configuration gives it: its policies and containers
 * then point at the lines of the .tf files, statement by statement.
 */
export function mergeTerraform(inventory: Inventory, result: TerraformResult, errors: TerraformResult['errors']): void {
  for (const key of Object.keys(inventory) as Array<keyof Inventory>) {
    const list = inventory[key] as unknown[];
    const kept = list.filter((o) => {
      const address = typeof o === 'object' && o !== null ? PLAN_ORIGIN.get(o)?.address : undefined;
      return address === undefined || !result.addresses.has(address);
    });
    if (kept.length !== list.length) (inventory[key] as unknown[]) = kept;
  }
  mergeInventory(inventory, result.inventory);
  errors.push(...result.errors);
}
