// The inventory file `rolefit collect --aws` writes (docs/inventory-format.md): what a live scan read,
// in the shapes of the AWS APIs that returned it. IAM as GetAccountAuthorizationDetails output and
// task definitions as DescribeTaskDefinition output go to their own readers; Fargate profiles
// (DescribeFargateProfile), node groups (DescribeNodegroup), ECS services and the calls that failed
// are read here. A live scan reads the same document, built in memory (src/sources/aws/), so a scan
// of the file reproduces the live scan's findings.
import { emptyInventory, mergeInventory, type Diagnostic, type FargateSelector, type Inventory, type MapNode, type Node, type Val } from '../model.js';
import { readAuthorizationDetails } from './authorization-details.js';
import { readTaskDefinitions } from './task-definition.js';
import { get, items, str } from './nodes.js';
import { parseArn } from '../iam/arn.js';

/** The key and value that mark the format (a number: the format version). */
export const COLLECTED_MARKER = 'rolefitInventory';
export const COLLECTED_VERSION = 1;

/** A call that failed: what could not be read (becomes an incomplete-scan finding). */
export interface IncompleteEntry {
  /** `service:Operation`, e.g. `ecs:ListServices`. */
  operation: string;
  region?: string;
  /** ARN (or name) of what was being read, when there is one. */
  resource?: string;
  /** What is missing from the scan because of it, e.g. `services of cluster prod`. */
  missing: string;
  /** Error code and message as AWS returned them. */
  error: string;
}

/** An ECS service and the task definitions its deployments run. */
export interface CollectedService {
  serviceArn: string;
  clusterArn: string;
  taskDefinitions: string[];
}

/** The document, as written (dates as ISO strings). Plain data: no SDK types. */
export interface CollectedInventory {
  rolefitInventory: number;
  collectedAt: string;
  partition: string;
  account: string;
  regions: string[];
  /** GetAccountAuthorizationDetails output (pages merged, documents URL-decoded). */
  authorizationDetails: { RoleDetailList: unknown[]; Policies: unknown[] };
  /** DescribeTaskDefinition outputs (`{taskDefinition, tags}`), secrets-free. */
  taskDefinitions: unknown[];
  services: CollectedService[];
  /** DescribeCluster outputs (`{cluster}`), the fields rolefit uses. */
  clusters: unknown[];
  /** DescribeFargateProfile outputs (`{fargateProfile}`). */
  fargateProfiles: unknown[];
  /** DescribeNodegroup outputs (`{nodegroup}`), the fields rolefit uses. */
  nodegroups: unknown[];
  incomplete: IncompleteEntry[];
}

export function isCollected(root: Node): boolean {
  return root.kind === 'map' && get(root, COLLECTED_MARKER) !== undefined;
}

export function readCollected(root: Node, file: string): Inventory {
  const inv = emptyInventory();
  const report = (node: Node, message: string, severity: Diagnostic['severity'] = 'error') =>
    inv.diagnostics.push({ rule: 'invalid-input', severity, message, loc: node.loc });
  const marker = get(root, COLLECTED_MARKER)!;
  if (marker.kind !== 'scalar' || marker.value !== COLLECTED_VERSION) {
    report(marker, `${COLLECTED_MARKER} ${JSON.stringify(str(marker) ?? marker.kind)} is not a format this rolefit reads (${COLLECTED_VERSION}); collect the inventory again`);
    return inv;
  }
  const list = (key: string): MapNode[] => {
    const n = get(root, key);
    if (!n || (n.kind === 'scalar' && n.value === null)) return [];
    if (n.kind !== 'seq') {
      report(n, `${key} must be a list`);
      return [];
    }
    return n.items.filter((i): i is MapNode => i.kind === 'map' || (report(i, `${key}: each item must be an object`), false));
  };

  const iam = get(root, 'authorizationDetails');
  if (iam?.kind === 'map') mergeInventory(inv, readAuthorizationDetails(iam, file));
  else if (iam) report(iam, 'authorizationDetails must be an object (GetAccountAuthorizationDetails output)');

  const tds = get(root, 'taskDefinitions');
  // The task-definition reader finds the `taskDefinitions` list in the document itself.
  if (tds?.kind === 'seq') mergeInventory(inv, readTaskDefinitions(root, file));
  else if (tds) report(tds, 'taskDefinitions must be a list (DescribeTaskDefinition outputs)');

  // Which task definitions running services use: the report names the roles that serve live workloads.
  const services = new Map<string, string[]>();
  for (const s of list('services')) {
    const arn = str(get(s, 'serviceArn'));
    if (!arn) {
      report(s, 'service entry has no serviceArn');
      continue;
    }
    for (const td of items(get(s, 'taskDefinitions'))) {
      const tdArn = str(td);
      if (tdArn) services.set(tdArn, [...(services.get(tdArn) ?? []), arn]);
    }
  }
  for (const td of inv.taskDefinitions) {
    const used = td.arn && services.get(td.arn);
    if (used) td.services = [...new Set(used)].sort();
  }

  for (const c of list('clusters')) {
    const cluster = get(c, 'cluster') ?? c;
    const name = str(get(cluster, 'name'));
    const arn = arnOf(str(get(cluster, 'arn')));
    if (name && arn) inv.clusters.push({ name, region: arn.region, account: arn.account, partition: arn.partition, loc: cluster.loc });
    else report(c, 'cluster entry needs name and arn');
  }

  for (const entry of list('fargateProfiles')) {
    const p = get(entry, 'fargateProfile') ?? entry;
    const arnVal = val(p, 'fargateProfileArn');
    const arn = arnOf(arnVal?.value);
    const name = str(get(p, 'fargateProfileName'));
    const cluster = str(get(p, 'clusterName'));
    if (!arnVal || !arn || !name || !cluster) {
      report(p, 'Fargate profile entry needs fargateProfileArn, fargateProfileName and clusterName');
      continue;
    }
    const selectors: FargateSelector[] = [];
    for (const s of items(get(p, 'selectors'))) {
      const ns = str(get(s, 'namespace'));
      if (ns === undefined) {
        report(s, `Fargate profile ${name}: a selector has no namespace`);
        continue;
      }
      const labels: Record<string, string> = {};
      const l = get(s, 'labels');
      if (l?.kind === 'map') for (const e of l.entries) labels[e.key] = str(e.value) ?? '';
      selectors.push({ namespace: ns, labels, loc: s.loc });
    }
    const role = val(p, 'podExecutionRoleArn');
    inv.fargateProfiles.push({
      id: arnVal.value,
      name,
      cluster,
      ...(role ? { podExecutionRole: role } : {}),
      selectors,
      region: arn.region,
      account: arn.account,
      partition: arn.partition,
      source: 'aws-inventory',
      loc: p.loc,
    });
  }

  for (const entry of list('nodegroups')) {
    const g = get(entry, 'nodegroup') ?? entry;
    const role = val(g, 'nodeRole');
    const name = str(get(g, 'nodegroupName'));
    const cluster = str(get(g, 'clusterName'));
    if (role && name && cluster) inv.nodeRoles.push({ role, usedBy: `node group "${name}" of cluster "${cluster}"`, loc: g.loc });
    else report(g, 'node group entry needs nodegroupName, clusterName and nodeRole');
  }

  for (const e of list('incomplete')) {
    const operation = str(get(e, 'operation')) ?? 'a call';
    const region = str(get(e, 'region'));
    const missing = str(get(e, 'missing')) ?? 'part of the account';
    const error = str(get(e, 'error')) ?? 'failed';
    inv.diagnostics.push({
      rule: 'incomplete-scan',
      severity: 'warning',
      message: incompleteText({ operation, ...(region ? { region } : {}), missing, error }),
      loc: e.loc,
    });
  }
  return inv;
}

/** An error that says the caller may not make the call (the action is the operation's own name). */
const DENIED = /^(AccessDenied\w*|UnauthorizedOperation|Unauthorized\w*Exception)\b|is not authorized to perform/;

/**
 * What a failed call left unread, why, and the permission to add when it was denied; with
 * `effect`, also what that leaves unchecked in the findings.
 */
export function incompleteText(e: Omit<IncompleteEntry, 'resource'>, effect = true): string {
  const { operation, error } = e;
  const grant = DENIED.test(error) && /^[a-z0-9-]+:[A-Za-z]+$/.test(operation) ? `; the scanner needs ${operation} (the read-only policy in the README)` : '';
  // Without the roles, each workload's role is an unresolved reference: say so once, here.
  const unchecked =
    operation === 'iam:GetAccountAuthorizationDetails'
      ? '; roles not read are not analysed, and the workloads that name them report them as unresolved references'
      : '; findings that depend on it are missing';
  return `could not read ${e.missing}${e.region ? ` in ${e.region}` : ''}: ${operation} failed: ${error}${grant}${effect ? unchecked : ''}`;
}

function val(n: Node | undefined, key: string): Val | undefined {
  const v = get(n, key);
  return v?.kind === 'scalar' && typeof v.value === 'string' && v.value !== '' ? { value: v.value, loc: v.loc } : undefined;
}

const arnOf = (s: string | undefined) => (s === undefined ? undefined : parseArn(s));
