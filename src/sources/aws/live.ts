// `rolefit scan --aws` and `rolefit collect --aws`: read the account (collect.ts), then either write
// the inventory document or analyse it exactly as a scan of that file would, with every object
// located at its ARN (file = the ARN, line 1) instead of a place in a file.
import type { Loc, Node } from '../../model.js';
import { fromPlain } from '../nodes.js';
import { readCollected, type CollectedInventory } from '../collected.js';
import { link } from '../../link/roles.js';
import type { LoadedInventory } from '../../scan.js';
import { collectAccount, LiveScanError, type CollectOptions, type CollectResult } from './collect.js';

export { LiveScanError };
export type { CollectOptions, CollectResult };

/** Where a live object is: its ARN, line 1, column 1. */
export function liveLoc(file: string): Loc {
  return { file, line: 1, column: 1 };
}

/**
 * The place an incomplete read is reported at: the ARN of what was being read, else the ARN pattern
 * of everything of the service in the region (`arn:aws:eks:eu-west-1:111122223333:*`). Always an
 * ARN: the formats tell live locations from files by it (a path like `aws/eks` could be a file).
 */
function incompleteFile(doc: CollectedInventory, entry: CollectedInventory['incomplete'][number]): string {
  return entry.resource ?? `arn:${doc.partition}:${entry.operation.split(':')[0]}:${entry.region ?? ''}:${doc.account}:*`;
}

/** The key of each list item that names it (its ARN), for the item's location. */
const ARN_OF: Record<string, (item: any) => string | undefined> = {
  taskDefinitions: (t) => t.taskDefinition?.taskDefinitionArn,
  services: (s) => s.serviceArn,
  clusters: (c) => c.cluster?.arn,
  fargateProfiles: (p) => p.fargateProfile?.fargateProfileArn,
  nodegroups: (g) => g.nodegroup?.nodegroupArn,
  RoleDetailList: (r) => r.Arn,
  Policies: (p) => p.Arn,
};

/** The document as a node tree whose objects are located at their ARNs. */
export function liveNodes(doc: CollectedInventory): Node {
  // What has no ARN of its own is located at the account's.
  const rootLoc = liveLoc(`arn:${doc.partition}:iam::${doc.account}:root`);
  const arnOf: typeof ARN_OF = { ...ARN_OF, incomplete: (entry) => incompleteFile(doc, entry) };
  const listNode = (key: string, list: unknown[]): Node => ({
    kind: 'seq',
    loc: rootLoc,
    items: list.map((item) => fromPlain(item, liveLoc(arnOf[key]?.(item) ?? rootLoc.file))),
  });
  const entries: Array<{ key: string; value: Node }> = Object.entries(doc).map(([key, value]) => {
    if (key === 'authorizationDetails') {
      const iam = value as CollectedInventory['authorizationDetails'];
      return {
        key,
        value: { kind: 'map', loc: rootLoc, entries: Object.entries(iam).map(([k, v]) => ({ key: k, keyLoc: rootLoc, value: listNode(k, v as unknown[]) })) },
      };
    }
    return { key, value: Array.isArray(value) ? listNode(key, value) : fromPlain(value, rootLoc) };
  });
  return { kind: 'map', loc: rootLoc, entries: entries.map((e) => ({ ...e, keyLoc: rootLoc })) };
}

/** The inventory of a live scan, read and linked as a scan of the collected file would be. */
export function liveInventory(doc: CollectedInventory): LoadedInventory {
  const root = liveNodes(doc);
  const inventory = readCollected(root, root.loc.file);
  return { inventory, linked: link(inventory), errors: [] };
}

export async function collect(options: CollectOptions): Promise<CollectResult> {
  // The SDK warns on Node 20 about its future Node 22 requirement: noise in a linter's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return collectAccount(options);
}
