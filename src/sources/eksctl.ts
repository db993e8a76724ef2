// eksctl ClusterConfig (`eksctl.io/v1alpha5`, domain.md §2.6): the cluster's Fargate profiles with
// their pod execution roles and selectors, and the node groups' instance roles. A profile without
// a role gets the one eksctl creates for the cluster: modelled as a role with the AWS managed policy
// eksctl attaches, so that it is analysed like any other.
import { emptyInventory, hasToken, token, type FargateProfile, type FargateSelector, type Inventory, type Node, type Role, type Val } from '../model.js';
import { get, items, str } from './nodes.js';
import { regionPartition } from './region.js';

export const FARGATE_POD_EXECUTION_POLICY = 'AmazonEKSFargatePodExecutionRolePolicy';

export function isEksctlConfig(root: Node): boolean {
  return str(get(root, 'kind')) === 'ClusterConfig' && (str(get(root, 'apiVersion')) ?? '').startsWith('eksctl.io/');
}

/** `${ROLE_ARN}`: configs are often templates for envsubst; such a value is not known here. */
function placeholders(s: string): string {
  return s.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => token(`env:${name}`));
}

function val(node: Node | undefined): Val | undefined {
  const value = str(node);
  return value === undefined || value === '' ? undefined : { value: placeholders(value), loc: node!.loc };
}

export function readEksctlConfig(root: Node, file: string): Inventory {
  const inv = emptyInventory();
  inv.files.push(file);
  const metadata = get(root, 'metadata');
  const cluster = placeholders(str(get(metadata, 'name')) ?? token(`ClusterName@${file}`));
  const region = placeholders(str(get(metadata, 'region')) || token(`Region@${file}`));
  const iam = get(root, 'iam');
  const clusterRole = val(get(iam, 'fargatePodExecutionRoleARN'));
  // A pod execution role must be in the cluster's account (iam:PassRole passes only the caller's
  // roles): a role ARN written out says which account that is.
  const roleArns = [clusterRole?.value, ...items(get(root, 'fargateProfiles')).map((p) => str(get(p, 'podExecutionRoleARN')))];
  const fromRole = roleArns.map((a) => (a && !hasToken(a) ? /^arn:[^:]+:iam::(\d{12}):role\//.exec(a)?.[1] : undefined)).find((a) => a !== undefined);
  const account = fromRole ?? token(`Account@${file}`);
  const partition = regionPartition(region) ?? token(`Partition@${file}`);
  inv.clusters.push({ name: cluster, region, account, partition, loc: (metadata ?? root).loc });

  const boundary = val(get(iam, 'fargatePodExecutionRolePermissionsBoundary'));
  let created: Role | undefined;

  for (const p of items(get(root, 'fargateProfiles'))) {
    const name = placeholders(str(get(p, 'name')) ?? token(`FargateProfileName@${file}:${p.loc.line}`));
    const profile: FargateProfile = {
      id: `${cluster}/${name}`,
      name,
      cluster,
      selectors: items(get(p, 'selectors')).map(selector),
      region,
      account,
      partition,
      source: 'eksctl',
      loc: p.loc,
    };
    const role = val(get(p, 'podExecutionRoleARN')) ?? clusterRole;
    if (role) profile.podExecutionRole = role;
    else {
      created ??= createdRole(cluster, partition, account, boundary, p, file);
      profile.podExecutionRole = { value: created.arn, loc: p.loc };
      profile.createdRole = {
        managedPolicyArns: created.managed.map((m) => m.arn.value),
        ...(boundary && { boundary }),
        note: `eksctl creates the pod execution role (AWS managed policy ${FARGATE_POD_EXECUTION_POLICY}: ECR pulls from every repository)`,
      };
    }
    inv.fargateProfiles.push(profile);
  }

  for (const list of ['nodeGroups', 'managedNodeGroups']) {
    for (const ng of items(get(root, list))) {
      const role = val(get(get(ng, 'iam'), 'instanceRoleARN'));
      if (role) inv.nodeRoles.push({ role, usedBy: `node group "${str(get(ng, 'name')) ?? '?'}" of cluster "${cluster}"`, loc: role.loc });
    }
  }
  if (created) inv.roles.push(created);
  return inv;
}

function selector(s: Node): FargateSelector {
  const labels: Record<string, string> = {};
  const l = get(s, 'labels');
  if (l?.kind === 'map') for (const e of l.entries) labels[placeholders(e.key)] = placeholders(str(e.value) ?? '');
  return { namespace: placeholders(str(get(s, 'namespace')) ?? ''), labels, loc: s.loc };
}

/** The role eksctl makes when no profile names one: its name is generated, so it stays a token. */
function createdRole(cluster: string, partition: string, account: string, boundary: Val | undefined, at: Node, file: string): Role {
  const name = token(`eksctl-${cluster}-cluster-FargatePodExecutionRole@${file}`);
  const policyPartition = hasToken(partition) ? 'aws' : partition;
  return {
    id: `eksctl:${cluster}/FargatePodExecutionRole`,
    name,
    arn: `arn:${partition}:iam::${account}:role/${name}`,
    source: 'eksctl',
    loc: at.loc,
    inline: [],
    managed: [{ arn: { value: `arn:${policyPartition}:iam::aws:policy/${FARGATE_POD_EXECUTION_POLICY}`, loc: at.loc } }],
    ...(boundary && { boundary: { arn: boundary } }),
  };
}
