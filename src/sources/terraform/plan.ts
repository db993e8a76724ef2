// `terraform show -json` output: a plan (planned_values, prior_state, configuration) or a state
// (values). Resources are read with their planned values; a value known only after apply (a new
// role's ARN) is connected through the configuration's references to the resource it comes from,
// whose attribute is computed like the HCL reader computes it (attributes.ts).
import { hasToken, type Inventory, type Loc, type Node } from '../../model.js';
import { get, InputError } from '../nodes.js';
import { computedAttribute } from './attributes.js';
import { regionPartition } from '../region.js';
import { InventoryBuilder, RESOURCE_TYPES, type BlockView, type PlanInfo, type ResourceView } from './resources.js';
import { getKey, isNull, text, Tokens } from './values.js';

/** A `terraform show -json` document: format_version with planned values (plan) or values (state). */
export function isTerraformPlan(root: Node): boolean {
  if (root.kind !== 'map') return false;
  const version = get(root, 'format_version');
  if (version?.kind !== 'scalar' || typeof version.value !== 'string') return false;
  return get(root, 'planned_values') !== undefined || get(root, 'values') !== undefined || get(root, 'terraform_version') !== undefined;
}

interface PlanResource {
  address: string;
  /** The address without instance keys, as the configuration names it. */
  configAddress: string;
  /** The module instance prefix (`module.a["x"].`) its references are relative to. */
  prefix: string;
  mode: string;
  type: string;
  values: Node | undefined;
  loc: Loc;
}

/** Instance keys removed: `module.a["x"].aws_iam_role.r[0]` → `module.a.aws_iam_role.r`. */
export function withoutKeys(address: string): string {
  return address.replace(/\[(?:"(?:[^"\\]|\\.)*"|\d+|\*)\]/g, '');
}

export function readTerraformPlan(root: Node, file: string): Inventory {
  const version = get(root, 'format_version')!;
  const major = String((version as { value: string }).value).split('.')[0];
  if (major !== '1') {
    throw new InputError(`Terraform JSON format_version "${text(version)}" is not supported: rolefit reads format 1.x (terraform show -json of Terraform 1.x)`, version.loc);
  }
  const tokens = new Tokens(file);
  const resources = new Map<string, PlanResource>();
  const collect = (mod: Node | undefined, dataOnly = false) => {
    for (const r of items(get(mod, 'resources'))) {
      const address = text(get(r, 'address'));
      const type = text(get(r, 'type'));
      if (address === undefined || type === undefined) continue;
      const mode = text(get(r, 'mode')) ?? 'managed';
      if (dataOnly && mode !== 'data') continue;
      const local = `${mode === 'data' ? 'data.' : ''}${type}.${text(get(r, 'name')) ?? ''}`;
      const prefix = address.endsWith(local) ? address.slice(0, address.length - local.length) : address.slice(0, address.lastIndexOf(local) >= 0 ? address.lastIndexOf(local) : 0);
      resources.set(address, { address, configAddress: withoutKeys(address), prefix, mode, type, values: get(r, 'values'), loc: r.loc });
    }
    for (const child of items(get(mod, 'child_modules'))) collect(child, dataOnly);
  };
  // The data sources read while planning, then what the plan makes (a resource the plan destroys
  // is in the prior state only, and is not read).
  collect(get(get(get(root, 'prior_state'), 'values'), 'root_module'), true);
  collect(get(get(root, 'planned_values'), 'root_module') ?? get(get(root, 'values'), 'root_module'));

  // after_unknown: attributes known only after apply.
  const unknown = new Map<string, Node>();
  for (const rc of items(get(root, 'resource_changes'))) {
    const address = text(get(rc, 'address'));
    const after = get(get(rc, 'change'), 'after_unknown');
    if (address !== undefined && after) unknown.set(address, after);
  }

  // The configuration: expressions by resource address and outputs by module path (no instance keys).
  const expressions = new Map<string, Node>();
  const outputs = new Map<string, Node>();
  const calls = new Map<string, Node>();
  const configure = (mod: Node | undefined, prefix: string) => {
    for (const r of items(get(mod, 'resources'))) {
      const a = text(get(r, 'address'));
      if (a !== undefined) expressions.set(prefix + a, get(r, 'expressions') ?? { kind: 'map', entries: [], loc: r.loc });
    }
    const outs = get(mod, 'outputs');
    if (outs) outputs.set(prefix, outs);
    const mc = get(mod, 'module_calls');
    if (mc?.kind === 'map') {
      for (const e of mc.entries) {
        calls.set(`${prefix}module.${e.key}`, get(e.value, 'expressions') ?? { kind: 'map', entries: [], loc: e.value.loc });
        configure(get(e.value, 'module'), `${prefix}module.${e.key}.`);
      }
    }
  };
  configure(get(get(root, 'configuration'), 'root_module'), '');

  const variables = get(root, 'variables');
  const dataValue = (type: string, attrs: string[]): string | undefined => {
    for (const r of resources.values()) {
      if (r.mode !== 'data' || r.type !== type) continue;
      for (const a of attrs) {
        const v = text(getKey(r.values, a));
        if (v) return v;
      }
    }
    return undefined;
  };
  const providerRegion = text(get(get(get(get(get(get(root, 'configuration'), 'provider_config'), 'aws'), 'expressions'), 'region'), 'constant_value'));
  const region = dataValue('aws_region', ['name', 'region']) ?? providerRegion;
  const context = {
    partition: dataValue('aws_partition', ['partition']) ?? (region && regionPartition(region)) ?? tokens.name('aws_partition'),
    region: region ?? tokens.name('aws_region'),
    account: dataValue('aws_caller_identity', ['account_id']) ?? tokens.name('aws_account_id'),
  };

  const active = new Set<string>();
  /** The value of the first reference of an expression (`aws_iam_role.this.arn`), resolved in the module at `prefix`. */
  const fromReferences = (expr: Node | undefined, prefix: string, loc: Loc): Node | undefined => {
    for (const ref of items(get(expr, 'references'))) {
      const r = text(ref);
      if (r === undefined) continue;
      const v = resolve(r, prefix, loc);
      if (v !== undefined) return v;
    }
    const constant = get(expr, 'constant_value');
    return constant && !isNull(constant) ? constant : undefined;
  };
  const resolve = (ref: string, prefix: string, loc: Loc): Node | undefined => {
    const key = prefix + '|' + ref;
    if (active.has(key)) return undefined;
    active.add(key);
    try {
      const parts = ref.split('.');
      if (parts[0] === 'module' && parts.length >= 3) {
        const out = get(get(outputs.get(withoutKeys(prefix) + `module.${parts[1]}.`), parts[2]), 'expression');
        return fromReferences(out, `${prefix}module.${parts[1]}.`, loc);
      }
      if (parts[0] === 'var' && parts.length >= 2) {
        if (prefix === '') return get(get(variables, parts[1]), 'value');
        const call = calls.get(withoutKeys(prefix).replace(/\.$/, ''));
        const parent = prefix.replace(/module\.[^.]+(?:\[[^\]]*\])?\.$/, '');
        return fromReferences(get(call, parts[1]), parent, loc);
      }
      const isData = parts[0] === 'data';
      const [type, name, attr] = isData ? parts.slice(1) : parts;
      if (!type || !name || !attr) return undefined;
      const base = `${prefix}${isData ? 'data.' : ''}${type}.${name}`;
      const target = resources.get(base) ?? [...resources.values()].filter((r) => withoutKeys(r.address) === withoutKeys(base)).at(0);
      return target ? view(target).get(attr) : undefined;
    } finally {
      active.delete(key);
    }
  };

  const views = new Map<string, ResourceView>();
  const view = (r: PlanResource): ResourceView => {
    const hit = views.get(r.address);
    if (hit) return hit;
    const arg = (name: string) => text(getKey(r.values, name));
    const v: ResourceView = {
      ...blockView(r.values, r.loc),
      address: r.address,
      type: r.type,
      context,
      tokens,
      get: (name) => {
        const value = getKey(r.values, name);
        if (value !== undefined && !isNull(value)) return value;
        const config = expressions.get(r.configAddress);
        const resolved = fromReferences(get(config, name), r.prefix, r.loc);
        if (resolved !== undefined) return resolved;
        const computed = computedAttribute({ kind: r.mode === 'data' ? 'data' : 'resource', type: r.type, address: r.address, arg, context, tokens }, name, r.loc);
        if (computed !== undefined) return computed;
        // Unknown until apply, and set by the configuration: its value is not known. One the
        // configuration does not set (managed_policy_arns of a role whose policies are attached
        // apart) is only the provider's echo of other resources.
        const unknownAfter = getKey(unknown.get(r.address), name);
        const configured = !config || get(config, name) !== undefined;
        return configured && unknownAfter?.kind === 'scalar' && unknownAfter.value === true ? tokens.unknown(`${r.address}.${name}`, r.loc) : undefined;
      },
    };
    views.set(r.address, v);
    return v;
  };

  const info: PlanInfo = {
    file,
    addresses: new Set(resources.keys()),
    variables: new Map(variables?.kind === 'map' ? variables.entries.flatMap((e) => (get(e.value, 'value') ? [[e.key, get(e.value, 'value')!]] : [])) : []),
    context: Object.fromEntries(Object.entries(context).filter(([, v]) => !hasToken(v))),
  };
  const builder = new InventoryBuilder(info);
  for (const r of resources.values()) if (r.mode === 'managed' && RESOURCE_TYPES.includes(r.type)) builder.add(view(r));
  const inv = builder.finish();
  inv.files.push(file);
  return inv;
}

function items(n: Node | undefined): Node[] {
  return n?.kind === 'seq' ? n.items : [];
}

function blockView(values: Node | undefined, loc: Loc): BlockView {
  return {
    loc,
    get: (name) => {
      const v = getKey(values, name);
      return v === undefined || isNull(v) ? undefined : v;
    },
    blocks: (name) => items(getKey(values, name)).filter((b) => b.kind === 'map').map((b) => blockView(b, b.loc)),
  };
}
