// ECS task definitions as the ECS API writes them (domain.md §3.1, camelCase): RegisterTaskDefinition
// input, DescribeTaskDefinition output (`{taskDefinition: {…}, tags}`), or a list of either
// (`{taskDefinitions: […]}` or a top-level array).
import {
  display,
  emptyInventory,
  hasToken,
  TOKEN_OPEN,
  token,
  tokenNames,
  type Container,
  type ContainerSecret,
  type Diagnostic,
  type Inventory,
  type Loc,
  type MapNode,
  type Node,
  type TaskDefinition,
  type Val,
} from '../model.js';
import { get } from './nodes.js';

/** Keys only a task definition has beside `family` (so `{family: …}` alone is not claimed). */
const TASK_KEYS = ['taskDefinitionArn', 'executionRoleArn', 'taskRoleArn', 'requiresCompatibilities', 'networkMode', 'cpu', 'memory', 'volumes'];

function looksLikeTaskDefinition(n: Node | undefined): n is MapNode {
  if (!n || n.kind !== 'map') return false;
  if (get(n, 'containerDefinitions')) return true;
  const family = get(n, 'family');
  return family?.kind === 'scalar' && typeof family.value === 'string' && TASK_KEYS.some((k) => get(n, k) !== undefined);
}

/** The task definitions in a document, with the document-level node they came from. */
function taskDefinitionNodes(root: Node): Node[] | undefined {
  if (root.kind === 'seq') return root.items.length > 0 && root.items.every((i) => unwrap(i) !== undefined) ? root.items : undefined;
  if (looksLikeTaskDefinition(root)) return [root];
  if (looksLikeTaskDefinition(get(root, 'taskDefinition'))) return [root];
  const list = get(root, 'taskDefinitions');
  if (list?.kind === 'seq' && list.items.some((i) => unwrap(i) !== undefined)) return list.items;
  return undefined;
}

/** A task definition node, or the one inside a DescribeTaskDefinition response. */
function unwrap(n: Node): MapNode | undefined {
  if (looksLikeTaskDefinition(n)) return n;
  const inner = get(n, 'taskDefinition');
  return looksLikeTaskDefinition(inner) ? inner : undefined;
}

export function isTaskDefinition(root: Node): boolean {
  return taskDefinitionNodes(root) !== undefined;
}

export function readTaskDefinitions(root: Node, file: string): Inventory {
  const inv = emptyInventory();
  const nodes = taskDefinitionNodes(root) ?? [];
  const ids = new Set<string>();
  nodes.forEach((n, i) => {
    const td = unwrap(n);
    if (!td) {
      inv.diagnostics.push(invalid(n.loc, `item ${i + 1} of the list is not an ECS task definition (no containerDefinitions)`));
      return;
    }
    const r = new Reader(file, inv.diagnostics);
    const model = r.taskDefinition(td, nodes.length > 1 ? i : undefined);
    // Several revisions of one family without ARNs would share `file#family`.
    if (ids.has(model.id)) model.id += `#${i + 1}`;
    ids.add(model.id);
    inv.taskDefinitions.push(model);
  });
  return inv;
}

// IAM role names: 1–64 of these characters.
const ROLE_NAME_RE = /^[\w+=,.@-]{1,64}$/;

/**
 * Whether a role reference is a role name rather than an ARN. The ECS API documents an ARN for the
 * execution role (and a name or ARN for the task role). A value that starts with a token is not
 * judged, unless it is wholly the name CloudFormation generates for a role (`!Ref Role` without
 * RoleName); nor is a value that is neither (a `{{placeholder}}` of a template).
 */
export function isRoleName(value: string): boolean {
  if (value.startsWith(TOKEN_OPEN)) {
    const names = tokenNames(value);
    return names.length === 1 && value === token(names[0]) && /\.RoleName$/.test(names[0].replace(/@.*$/, ''));
  }
  if (hasToken(value)) {
    // Literal text and tokens (`${AWS::StackName}-exec` is excluded above): a name when every
    // literal character is one a role name may hold.
    return ROLE_NAME_RE.test(value.replace(/\uE000[^\uE001]*\uE001/g, 'x'));
  }
  return ROLE_NAME_RE.test(value);
}

function invalid(loc: Loc, message: string, severity: Diagnostic['severity'] = 'error'): Diagnostic {
  return { rule: 'invalid-input', severity, message, loc };
}

const ACCOUNT_RE = /^\d{12}$/;
const PARTITION_RE = /^aws(?:-[a-z]+)*$/;
const REGION_RE = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;

class Reader {
  constructor(
    private readonly file: string,
    private readonly diagnostics: Diagnostic[],
  ) {}

  private report(loc: Loc, message: string, severity: Diagnostic['severity'] = 'error'): void {
    this.diagnostics.push(invalid(loc, message, severity));
  }

  taskDefinition(node: MapNode, index: number | undefined): TaskDefinition {
    const where = index === undefined ? 'task definition' : `task definition ${index + 1}`;
    const family = this.val(node, 'family', where);
    const arn = this.val(node, 'taskDefinitionArn', where);
    if (!family) this.report(node.loc, `${where} has no family (RegisterTaskDefinition requires it)`);
    const executionRole = this.val(node, 'executionRoleArn', where);
    const taskRole = this.val(node, 'taskRoleArn', where);
    const label = family ? `task definition ${display(family.value)}` : where;
    if (executionRole && isRoleName(executionRole.value)) {
      // A note, not an error: an ECS maintainer says ECS completes a name to the ARN (AWS's own
      // samples rely on it), though the API reference and cfn-lint (E3008) say it takes an ARN.
      this.report(
        executionRole.loc,
        `${label}: executionRoleArn is documented to take a role ARN, and "${display(executionRole.value)}" is a role name, which ECS completes in practice ` +
          `(only taskRoleArn is documented to take one): write arn:<partition>:iam::<account>:role/${display(executionRole.value)}`,
        'note',
      );
    }

    const context = this.context(arn?.value, executionRole?.value, taskRole?.value);
    const td: TaskDefinition = {
      id: arn?.value ?? `${this.file}#${family?.value ?? `task-definition-${(index ?? 0) + 1}`}`,
      source: 'task-definition',
      loc: node.loc,
      requiresCompatibilities: this.strings(get(node, 'requiresCompatibilities'), `${label}: requiresCompatibilities`),
      ...context,
      containers: [],
      fsxCredentials: [],
    };
    if (family) td.family = family.value;
    if (arn) td.arn = arn.value;
    if (executionRole) td.executionRole = executionRole;
    if (taskRole) td.taskRole = taskRole;
    const networkMode = this.val(node, 'networkMode', label);
    if (networkMode) td.networkMode = networkMode.value;
    // Computed by ECS (DescribeTaskDefinition): the launch types the definition fits.
    const compatibilities = get(node, 'compatibilities');
    if (compatibilities && !(compatibilities.kind === 'scalar' && compatibilities.value === null)) {
      td.compatibilities = this.strings(compatibilities, `${label}: compatibilities`);
    }

    const defs = get(node, 'containerDefinitions');
    if (!defs) this.report(node.loc, `${label} has no containerDefinitions`);
    else if (defs.kind !== 'seq') this.report(defs.loc, `${label}: containerDefinitions must be a list`);
    else {
      if (defs.items.length === 0) this.report(defs.loc, `${label}: containerDefinitions is empty (at least one container is required)`);
      defs.items.forEach((c, i) => {
        const container = this.container(c, i, label);
        if (container) td.containers.push(container);
      });
    }

    for (const v of this.list(get(node, 'volumes'), `${label}: volumes`)) {
      const auth = get(get(v, 'fsxWindowsFileServerVolumeConfiguration'), 'authorizationConfig');
      const cred = this.val(auth, 'credentialsParameter', `${label}: fsxWindowsFileServerVolumeConfiguration.authorizationConfig`);
      if (cred) td.fsxCredentials.push(cred);
    }
    return td;
  }

  /**
   * The task's partition, region and account: from its own ARN; else (a RegisterTaskDefinition input)
   * account and partition from a role ARN (iam:PassRole passes only roles of the caller's own account);
   * what stays unknown is a token scoped to the file.
   */
  private context(taskArn: string | undefined, ...roleArns: Array<string | undefined>): Pick<TaskDefinition, 'region' | 'account' | 'partition'> {
    const out = {
      region: token(`Region@${this.file}`),
      account: token(`Account@${this.file}`),
      partition: token(`Partition@${this.file}`),
    };
    const t = taskArn?.split(':');
    if (t && t.length >= 6 && t[0] === 'arn' && t[2] === 'ecs' && PARTITION_RE.test(t[1]) && REGION_RE.test(t[3]) && ACCOUNT_RE.test(t[4])) {
      return { partition: t[1], region: t[3], account: t[4] };
    }
    for (const roleArn of roleArns) {
      const r = roleArn?.split(':');
      if (r && r.length >= 6 && r[0] === 'arn' && r[2] === 'iam' && PARTITION_RE.test(r[1]) && ACCOUNT_RE.test(r[4])) {
        return { ...out, partition: r[1], account: r[4] };
      }
    }
    return out;
  }

  private container(node: Node, i: number, label: string): Container | undefined {
    const where = `${label}: containerDefinitions[${i}]`;
    if (node.kind !== 'map') {
      this.report(node.loc, `${where} must be an object`);
      return undefined;
    }
    const name = this.val(node, 'name', where);
    if (!name) this.report(node.loc, `${where} has no name`);
    const cwhere = name ? `${label}: container ${display(name.value)}` : where;
    const image = this.val(node, 'image', cwhere);
    if (!image) this.report(node.loc, `${cwhere} has no image`);

    const c: Container = {
      // ECS rejects a container without a name; keep its needs visible under a positional label.
      name: name?.value ?? `#${i + 1}`,
      loc: node.loc,
      secrets: this.secrets(get(node, 'secrets'), `${cwhere}: secrets`),
      logOptions: {},
      logSecretOptions: [],
      environmentFiles: [],
    };
    if (image) c.image = image;
    const cred = this.val(get(node, 'repositoryCredentials'), 'credentialsParameter', `${cwhere}: repositoryCredentials`);
    if (cred) c.credentialsParameter = cred;

    const log = get(node, 'logConfiguration');
    if (log) {
      const driver = this.val(log, 'logDriver', `${cwhere}: logConfiguration`);
      if (driver) c.logDriver = driver;
      else this.report(log.loc, `${cwhere}: logConfiguration has no logDriver`);
      c.logOptions = this.options(get(log, 'options'), `${cwhere}: logConfiguration.options`);
      c.logSecretOptions = this.secrets(get(log, 'secretOptions'), `${cwhere}: logConfiguration.secretOptions`);
    }

    const files = get(node, 'environmentFiles');
    for (const f of this.list(files, `${cwhere}: environmentFiles`)) {
      const value = this.val(f, 'value', `${cwhere}: environmentFiles`);
      const type = this.val(f, 'type', `${cwhere}: environmentFiles`);
      if (!value || !type) {
        this.report(f.loc, `${cwhere}: an environment file needs both value and type`);
        continue;
      }
      c.environmentFiles.push({ type: type.value, value });
    }

    const firelens = get(node, 'firelensConfiguration');
    if (firelens) {
      const type = this.val(firelens, 'type', `${cwhere}: firelensConfiguration`);
      if (!type) this.report(firelens.loc, `${cwhere}: firelensConfiguration has no type`);
      else c.firelens = { type: type.value, options: this.options(get(firelens, 'options'), `${cwhere}: firelensConfiguration.options`) };
    }
    return c;
  }

  private secrets(node: Node | undefined, where: string): ContainerSecret[] {
    const out: ContainerSecret[] = [];
    for (const s of this.list(node, where)) {
      const name = this.val(s, 'name', where);
      const valueFrom = this.val(s, 'valueFrom', where);
      if (!name || !valueFrom) {
        this.report(s.loc, `${where}: each secret needs both name and valueFrom`);
        continue;
      }
      out.push({ name: name.value, valueFrom });
    }
    return out;
  }

  /** A string→string map (log driver and FireLens options). */
  private options(node: Node | undefined, where: string): Record<string, Val> {
    const out: Record<string, Val> = {};
    if (!node) return out;
    if (node.kind !== 'map') {
      this.report(node.loc, `${where} must be an object of strings`);
      return out;
    }
    for (const e of node.entries) {
      const v = this.scalar(e.value, `${where}.${display(e.key)}`);
      if (v) out[e.key] = v;
    }
    return out;
  }

  /**
   * The object items of a list. A lone object where a list belongs is reported (ECS rejects it) and
   * read as a list of one, so what it asks for is still analysed; other items are reported and dropped.
   */
  private list(node: Node | undefined, where: string): MapNode[] {
    if (!node || (node.kind === 'scalar' && node.value === null)) return [];
    if (node.kind !== 'seq') {
      this.report(node.loc, `${where} must be a list`);
      return node.kind === 'map' ? [node] : [];
    }
    return node.items.filter((i): i is MapNode => {
      if (i.kind === 'map') return true;
      this.report(i.loc, `${where}: each item must be an object`);
      return false;
    });
  }

  private strings(node: Node | undefined, where: string): string[] {
    if (!node || (node.kind === 'scalar' && node.value === null)) return [];
    if (node.kind !== 'seq') {
      this.report(node.loc, `${where} must be a list of strings`);
      return [];
    }
    return node.items.flatMap((i) => {
      const v = this.scalar(i, where);
      return v ? [v.value] : [];
    });
  }

  /** The string at `key` of a map, with its Loc; absent, null or "" (as generators write "no value") → undefined. */
  private val(node: Node | undefined, key: string, where: string): Val | undefined {
    const v = get(node, key);
    if (!v || (v.kind === 'scalar' && v.value === '')) return undefined;
    return this.scalar(v, `${where}: ${key}`);
  }

  /**
   * A string scalar as a Val. The ECS API takes only strings here: a number or boolean is reported
   * (registration would fail) and read as its text, so what it asks for is still analysed.
   */
  private scalar(node: Node, where: string): Val | undefined {
    if (node.kind !== 'scalar') {
      this.report(node.loc, `${where} must be a string, found ${node.kind === 'map' ? 'an object' : 'a list'}`);
      return undefined;
    }
    if (node.value === null) return undefined;
    if (typeof node.value !== 'string') {
      this.report(node.loc, `${where} must be a string, found ${typeof node.value} ${String(node.value)} (the ECS API rejects it; write "${String(node.value)}")`);
    }
    return { value: String(node.value), loc: node.loc };
  }
}
