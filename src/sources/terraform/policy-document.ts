// `data "aws_iam_policy_document"`: the IAM JSON document the provider renders from statement
// blocks, with source and override documents merged by Sid, built as a positioned Node so that a
// finding points at the statement block (and each action at its line).
import type { Loc, MapNode, Node } from '../../model.js';
import type { ResourceInstance } from './module.js';
import { getKey, isEncoded, isNull, map, scalar, seq, text } from './values.js';
import { fromPlain } from '../nodes.js';

type Entry = MapNode['entries'][number];

/** `&{aws:username}` is how the data source writes an IAM policy variable `${aws:username}`. */
function policyVariables(n: Node): Node {
  switch (n.kind) {
    case 'scalar':
      return typeof n.value === 'string' && n.value.includes('&{') ? { ...n, value: n.value.replace(/&\{/g, '${') } : n;
    case 'seq':
      return { ...n, items: n.items.map(policyVariables) };
    case 'map':
      return { ...n, entries: n.entries.map((e) => ({ ...e, value: policyVariables(e.value) })) };
  }
}

/** A string or list argument as the JSON element (a list stays a list, as the provider writes it). */
function element(v: Node | undefined): Node | undefined {
  if (!v || isNull(v)) return undefined;
  return policyVariables(v);
}

/** The rendered document; undefined when a source or override document is not determined (then all of it is not). */
export function policyDocument(inst: ResourceInstance): Node | undefined {
  const mod = inst.mod;
  const body = inst.block.body;
  const loc = inst.block.loc;
  const arg = (b: typeof body, name: string, vars = inst.vars) => mod.attr(b, name, vars);

  const statements: Node[] = [];
  for (const s of mod.blocks(body, 'statement', inst.vars)) {
    const entries: Entry[] = [];
    const put = (key: string, value: Node | undefined, at: Loc = value?.loc ?? s.loc) => {
      if (value) entries.push({ key, keyLoc: at, value });
    };
    const sid = arg(s.body, 'sid', s.vars);
    if (sid && !isNull(sid) && text(sid) !== '') put('Sid', sid);
    put('Effect', element(arg(s.body, 'effect', s.vars)) ?? scalar('Allow', s.loc));
    put('Action', element(arg(s.body, 'actions', s.vars)));
    put('NotAction', element(arg(s.body, 'not_actions', s.vars)));
    put('Resource', element(arg(s.body, 'resources', s.vars)));
    put('NotResource', element(arg(s.body, 'not_resources', s.vars)));
    for (const [block, key] of [['principals', 'Principal'], ['not_principals', 'NotPrincipal']] as const) {
      const list = mod.blocks(s.body, block, s.vars);
      if (list.length === 0) continue;
      const byType: Entry[] = [];
      let star: Node | undefined;
      for (const p of list) {
        const type = text(arg(p.body, 'type', p.vars)) ?? '';
        const ids = element(arg(p.body, 'identifiers', p.vars));
        if (!ids) continue;
        if (type === '*') star = scalar('*', p.loc);
        else {
          const existing = byType.find((e) => e.key === type);
          if (existing) existing.value = seq([...(existing.value.kind === 'seq' ? existing.value.items : [existing.value]), ...(ids.kind === 'seq' ? ids.items : [ids])], p.loc);
          else byType.push({ key: type, keyLoc: p.loc, value: ids });
        }
      }
      put(key, star ?? { kind: 'map', entries: byType, loc: list[0].loc }, list[0].loc);
    }
    const conditions = mod.blocks(s.body, 'condition', s.vars);
    if (conditions.length) {
      const ops: Entry[] = [];
      for (const c of conditions) {
        const test = text(arg(c.body, 'test', c.vars)) ?? '';
        const variable = text(arg(c.body, 'variable', c.vars)) ?? '';
        const values = element(arg(c.body, 'values', c.vars)) ?? seq([], c.loc);
        let op = ops.find((o) => o.key === test);
        if (!op) ops.push((op = { key: test, keyLoc: c.loc, value: { kind: 'map', entries: [], loc: c.loc } }));
        // The provider merges the values of two conditions on the same test and variable.
        const same = (op.value as MapNode).entries.find((e) => e.key === variable);
        if (same) same.value = seq([...(same.value.kind === 'seq' ? same.value.items : [same.value]), ...(values.kind === 'seq' ? values.items : [values])], same.value.loc);
        else (op.value as MapNode).entries.push({ key: variable, keyLoc: c.loc, value: values });
      }
      put('Condition', { kind: 'map', entries: ops, loc: conditions[0].loc }, conditions[0].loc);
    }
    statements.push({ kind: 'map', entries, loc: s.loc });
  }

  // Source documents first; this document's statements replace those with the same Sid.
  const sources = documents(arg(body, 'source_policy_documents'), arg(body, 'source_json'));
  const overrides = documents(arg(body, 'override_policy_documents'), arg(body, 'override_json'));
  if (!sources || !overrides) return undefined;
  let merged: Node[] = [];
  for (const doc of sources) merged.push(...doc);
  merged = mergeBySid(merged, statements);
  // Override documents replace statements with the same Sid, or are appended.
  for (const doc of overrides) merged = mergeBySid(merged, doc);

  const top: Array<[string, Node]> = [['Version', arg(body, 'version') ?? scalar('2012-10-17', loc)]];
  const id = arg(body, 'policy_id');
  if (id && !isNull(id)) top.push(['Id', id]);
  top.push(['Statement', seq(merged, loc)]);
  return map(top, loc);
}

/**
 * The statements of each JSON document given (as jsonencode/data-source strings or JSON text);
 * undefined when one of them, or the list, is not determined: leaving it out would read as a
 * document that grants only the rest.
 */
function documents(list: Node | undefined, single: Node | undefined): Node[][] | undefined {
  if (list && !isNull(list) && list.kind !== 'seq') return undefined;
  const docs = [...(list?.kind === 'seq' ? list.items : []), ...(single && !isNull(single) ? [single] : [])];
  const out: Node[][] = [];
  for (const d of docs) {
    if (isNull(d) || (d.kind === 'scalar' && d.value === '')) continue;
    let tree: Node | undefined;
    if (isEncoded(d)) tree = d.json;
    else if (d.kind === 'scalar' && typeof d.value === 'string') {
      try {
        tree = fromPlain(JSON.parse(d.value), d.loc);
      } catch {
        return undefined;
      }
    } else return undefined;
    const st = getKey(tree, 'Statement');
    if (st) out.push(st.kind === 'seq' ? st.items : [st]);
  }
  return out;
}

function mergeBySid(base: Node[], over: Node[]): Node[] {
  const out = [...base];
  for (const s of over) {
    const sid = text(getKey(s, 'Sid'));
    const i = sid ? out.findIndex((x) => text(getKey(x, 'Sid')) === sid) : -1;
    if (i >= 0) out[i] = s;
    else out.push(s);
  }
  return out;
}
