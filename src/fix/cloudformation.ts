// The fix of a CloudFormation role as edits to its template: the suggested policy becomes the
// role's inline policy (or the document of the AWS::IAM::Policy that only this role uses), the
// replaced inline policies, policy resources and ManagedPolicyArns entries go. The same edits are
// printed as a snippet and, with --write, spliced into the file (JSON or YAML as it is written).
import type { Inventory, Loc, Node } from '../model.js';
import { get, str, toPlain } from '../sources/nodes.js';
import { cfnValue, templateNames, TokenError, type TemplateNames } from './cfn-value.js';
import { policyLabel, type RoleFix } from './plan.js';
import { appendItem, EditError, emitYaml, yamlStyle, removeItem, removeKey, setKey, type Path } from './yaml-edit.js';
import { jsonAppend, jsonRemove, jsonSet } from './json-edit.js';

/** The name of the inline policy a fix adds when the role has none to reuse. */
export const POLICY_NAME = { replace: 'least-privilege', add: 'rolefit-missing-permissions' } as const;

type Op =
  | { op: 'set'; mapPath: Path; key: string; value: unknown }
  | { op: 'append'; path: Path; value: unknown }
  | { op: 'removeKey'; mapPath: Path; key: string; what: string }
  | { op: 'removeItem'; path: Path; index: number; what: string };

export interface CfnFix {
  /** What to change, in the template's syntax, for people to read. */
  snippet: string;
  /** The template with the fix applied; undefined when it must not be written. */
  text?: string;
  /** Why the fix must not be applied as is (adds to the plan's own reasons). */
  uncertain: string[];
}

export function fixCloudFormation(fix: RoleFix, root: Node, text: string, file: string, syntax: 'json' | 'yaml', inv: Inventory): CfnFix {
  const names = templateNames(root, file);
  const uncertain: string[] = [];
  let document: unknown;
  try {
    document = cfnValue(fix.document, names);
  } catch (e) {
    if (!(e instanceof TokenError)) throw e;
    return { snippet: '', uncertain: [`the policy cannot be written as CloudFormation: ${e.message}`] };
  }
  uncertain.push(...parameterDefaults(root, JSON.stringify(document)));
  const outputs = outputsNaming(root, fix.ra.linked.role.id);
  if (outputs.length && fix.mode === 'replace') {
    uncertain.push(`the template outputs the role (${outputs.join(', ')}): task definitions of other stacks may use it; scan them together or apply the fix by hand`);
  }
  const ops = plan(fix, root, names, document, inv, uncertain);
  const snippet = syntax === 'yaml' ? yamlSnippet(ops) : jsonSnippet(ops);
  if (uncertain.length || fix.uncertain.length) return { snippet, uncertain };
  try {
    return { snippet, text: apply(ops, text, syntax), uncertain };
  } catch (e) {
    if (!(e instanceof EditError)) throw e;
    return { snippet, uncertain: [`the template cannot be edited safely: ${e.message}`] };
  }
}

function plan(fix: RoleFix, root: Node, names: TemplateNames, document: unknown, inv: Inventory, uncertain: string[]): Op[] {
  const role = fix.ra.linked.role;
  const resources = get(root, 'Resources');
  const props = get(get(resources, role.id), 'Properties');
  const rolePath: Path = ['Resources', role.id, 'Properties'];
  const ops: Op[] = [];
  const policyItems = get(props, 'Policies');
  const items = policyItems?.kind === 'seq' ? policyItems.items : [];
  const newItem = (name: string) => ({ PolicyName: name, PolicyDocument: document });

  if (fix.mode === 'add') {
    const taken = new Set(items.map((i) => str(get(i, 'PolicyName'))));
    if (taken.has(POLICY_NAME.add)) uncertain.push(`the role already has an inline policy named ${POLICY_NAME.add}`);
    ops.push(items.length ? { op: 'append', path: [...rolePath, 'Policies'], value: newItem(POLICY_NAME.add) } : { op: 'set', mapPath: rolePath, key: 'Policies', value: [newItem(POLICY_NAME.add)] });
    return ops;
  }

  // Inline policies of the role itself, matched to the Policies items by where they are written.
  const embedded = fix.replaced.filter((p) => role.inline.includes(p));
  // A policy's Loc is where its PolicyDocument is written.
  const embeddedIdx = embedded.map((p) => items.findIndex((i) => sameLoc((get(i, 'PolicyDocument') ?? i).loc, p.loc)));
  if (policyItems && policyItems.kind !== 'seq') uncertain.push(`the Policies of role ${role.id} are computed (${firstKey(policyItems)}): edit them by hand`);
  if (embeddedIdx.includes(-1)) uncertain.push(`an inline policy of role ${role.id} is produced by an intrinsic function: edit it by hand`);

  // AWS::IAM::Policy / RolePolicy resources attaching a replaced policy.
  const attached = fix.replaced.filter((p) => !role.inline.includes(p) && (p.kind === 'inline' || p.kind === 'standalone'));
  const exclusive: string[] = [];
  for (const p of attached) {
    // The policy's document is where the policy resource's PolicyDocument is written.
    const id = resources?.kind === 'map' ? resources.entries.find((e) => sameLoc(get(get(e.value, 'Properties'), 'PolicyDocument')?.loc ?? e.keyLoc, p.loc))?.key : undefined;
    const users = inv.attachments.filter((a) => a.policy === p).length;
    const resProps = id === undefined ? undefined : get(get(resources, id), 'Properties');
    if (id === undefined) uncertain.push(`${policyLabel(p)} is not defined in ${names.file}: change it by hand`);
    else if (users > 1 || get(resProps, 'Users') || get(resProps, 'Groups')) uncertain.push(`${policyLabel(p)} (resource ${id}) is also attached to other roles, users or groups: detach it from ${role.id} by hand`);
    else exclusive.push(id);
  }

  // The new policy's home: the role's own Policies, else the policy resource only this role uses.
  if (embedded.length === 0 && exclusive.length > 0) {
    ops.push({ op: 'set', mapPath: ['Resources', exclusive[0], 'Properties'], key: 'PolicyDocument', value: document });
    exclusive.shift();
  } else if (embedded.length === items.length && items.length > 0) {
    ops.push({ op: 'set', mapPath: rolePath, key: 'Policies', value: [newItem(POLICY_NAME.replace)] });
  } else {
    const stays = items.filter((_, i) => !embeddedIdx.includes(i));
    if (stays.some((i) => str(get(i, 'PolicyName')) === POLICY_NAME.replace)) uncertain.push(`role ${role.id} keeps an inline policy named ${POLICY_NAME.replace}`);
    for (const i of embeddedIdx.filter((i) => i >= 0).sort((a, b) => b - a)) {
      ops.push({ op: 'removeItem', path: [...rolePath, 'Policies'], index: i, what: `inline policy ${str(get(items[i], 'PolicyName')) ?? i}` });
    }
    ops.push(items.length ? { op: 'append', path: [...rolePath, 'Policies'], value: newItem(POLICY_NAME.replace) } : { op: 'set', mapPath: rolePath, key: 'Policies', value: [newItem(POLICY_NAME.replace)] });
  }
  for (const id of exclusive) {
    if (referenced(root, id)) uncertain.push(`resource ${id} is referenced elsewhere in the template: remove it by hand`);
    ops.push({ op: 'removeKey', mapPath: ['Resources'], key: id, what: `resource ${id}` });
  }

  // Managed policy attachments: entries of the role's ManagedPolicyArns.
  const arnsNode = get(props, 'ManagedPolicyArns');
  const arnItems = arnsNode?.kind === 'seq' ? arnsNode.items : [];
  const remove: number[] = [];
  for (const p of fix.replaced.filter((p) => p.kind === 'managed' || p.kind === 'aws-managed')) {
    for (const ref of role.managed.filter((m) => m.arn.value === p.arn)) {
      const i = arnItems.findIndex((n) => sameLoc(n.loc, ref.arn.loc));
      if (i >= 0) remove.push(i);
      else uncertain.push(`${policyLabel(p)} is attached to ${role.id} outside its ManagedPolicyArns (${ref.arn.loc.file}:${ref.arn.loc.line}): detach it by hand`);
    }
  }
  if (remove.length && remove.length === arnItems.length) ops.push({ op: 'removeKey', mapPath: rolePath, key: 'ManagedPolicyArns', what: 'ManagedPolicyArns' });
  else for (const i of [...new Set(remove)].sort((a, b) => b - a)) ops.push({ op: 'removeItem', path: [...rolePath, 'ManagedPolicyArns'], index: i, what: `ManagedPolicyArns entry ${describe(arnItems[i])}` });
  return ops;
}

function sameLoc(a: Loc, b: Loc): boolean {
  return a.file === b.file && a.line === b.line && a.column === b.column;
}

function firstKey(n: Node): string {
  return n.kind === 'map' ? (n.entries[0]?.key ?? 'map') : n.kind;
}

function describe(n: Node): string {
  const v = toPlain(n);
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Whether a value names resource `id` (Ref, GetAtt, DependsOn, Sub). */
function names(n: Node, id: string): boolean {
  if (n.kind === 'scalar') return typeof n.value === 'string' && (n.value === id || n.value.startsWith(id + '.') || n.value.includes('${' + id + '}') || n.value.includes('${' + id + '.'));
  if (n.kind === 'seq') return n.items.some((i) => names(i, id));
  return n.entries.some((e) => names(e.value, id));
}

/** Whether anything outside resource `id` names it. */
function referenced(root: Node, id: string): boolean {
  if (root.kind !== 'map') return false;
  return root.entries.some((sec) => {
    if (sec.key !== 'Resources' || sec.value.kind !== 'map') return names(sec.value, id);
    return sec.value.entries.some((r) => r.key !== id && names(r.value, id));
  });
}

/** The outputs that give resource `id` (its name or ARN) to other stacks. */
function outputsNaming(root: Node, id: string): string[] {
  const outputs = get(root, 'Outputs');
  return outputs?.kind === 'map' ? outputs.entries.filter((e) => names(get(e.value, 'Value') ?? e.value, id)).map((e) => `Outputs.${e.key}`) : [];
}

/**
 * Values the resolver took from a parameter's Default: written into the policy they would pin it to
 * the default, where the template meant the parameter.
 */
function parameterDefaults(root: Node, document: string): string[] {
  const params = get(root, 'Parameters');
  if (params?.kind !== 'map') return [];
  return params.entries.flatMap((e) => {
    const def = str(get(e.value, 'Default'));
    return def !== undefined && def.length >= 3 && document.includes(def)
      ? [`the policy contains ${JSON.stringify(def)}, the default of parameter ${e.key}: write \${${e.key}} where the template means the parameter`]
      : [];
  });
}

function apply(ops: Op[], text: string, syntax: 'json' | 'yaml'): string {
  const style = syntax === 'yaml' ? yamlStyle(text) : { step: 2, indentSeq: true };
  for (const o of ops) {
    if (syntax === 'json') {
      if (o.op === 'set') text = jsonSet(text, [...o.mapPath, o.key], o.value);
      else if (o.op === 'append') text = jsonAppend(text, o.path, o.value);
      else if (o.op === 'removeKey') text = jsonRemove(text, [...o.mapPath, o.key]);
      else text = jsonRemove(text, [...o.path, o.index]);
    } else {
      if (o.op === 'set') text = setKey(text, o.mapPath, o.key, emitYaml(o.value, style), style);
      else if (o.op === 'append') text = appendItem(text, o.path, emitYaml(o.value, style));
      else if (o.op === 'removeKey') text = removeKey(text, o.mapPath, o.key);
      else text = removeItem(text, o.path, o.index);
    }
  }
  return text;
}

function yamlSnippet(ops: Op[]): string {
  const out: string[] = [];
  for (const o of ops) {
    if (o.op === 'removeKey' || o.op === 'removeItem') {
      out.push(`# remove ${o.what}`);
      continue;
    }
    const [, id, ...rest] = o.op === 'set' ? [...o.mapPath, o.key] : o.path;
    const lines = [`${id}:`];
    rest.forEach((k, depth) => lines.push(`${'  '.repeat(depth + 1)}${k}:`));
    const body = emitYaml(o.op === 'set' ? o.value : [o.value], { step: 2, indentSeq: true }).map((l) => '  '.repeat(rest.length + 1) + l);
    out.push(...(o.op === 'append' ? ['# add to the list:'] : []), ...lines, ...body);
  }
  return out.join('\n');
}

function jsonSnippet(ops: Op[]): string {
  const out: string[] = [];
  for (const o of ops) {
    if (o.op === 'removeKey' || o.op === 'removeItem') {
      out.push(`remove ${o.what}`);
      continue;
    }
    const path = o.op === 'set' ? [...o.mapPath, o.key] : o.path;
    const value = path.slice(2).reduceRight<unknown>((acc, k) => ({ [k]: acc }), o.op === 'set' ? o.value : [o.value]);
    out.push(...(o.op === 'append' ? ['add to the list:'] : []), JSON.stringify({ [path[1]]: value }, null, 2));
  }
  return out.join('\n');
}

