// The bundled snapshot of AWS managed policies (default versions), written by
// scripts/snapshot-managed-policies.mjs into policies/aws-managed/. Loaded lazily, one shard at a time,
// so a scan that references one managed policy parses ~100 KB instead of the whole 3.4 MB set.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOKEN_OPEN, TOKEN_CLOSE } from '../model.js';

export interface AwsManagedPolicy {
  /** The ARN asked for, in its partition (the snapshot's own ARNs are in `aws`). */
  arn: string;
  name: string;
  /** Default version id, e.g. `v1`. */
  version: string;
  /** The policy document as AWS publishes it (plain JSON). Shared: do not mutate. */
  document: unknown;
}

interface SnapshotIndex {
  format: number;
  source: string;
  generated: string;
  count: number;
  shards: number;
}

interface SnapshotEntry {
  name: string;
  version: string;
  document: unknown;
}

// `arn:<partition>:iam::aws:policy/<path/>name`. The partition may be a symbolic token (a template's
// `${AWS::Partition}`); token names contain `:`, so the segment is matched as a whole token.
const PARTITION = `(?:${TOKEN_OPEN}[^${TOKEN_CLOSE}]*${TOKEN_CLOSE}|[a-z][a-z0-9-]*)`;
const AWS_MANAGED_RE = new RegExp(`^arn:(${PARTITION}):iam::aws:policy/(.+)$`);

/** True for `arn:<P>:iam::aws:policy/…`, whatever the partition (a token included) and path. */
export function isAwsManagedArn(arn: string): boolean {
  return AWS_MANAGED_RE.test(arn);
}

/**
 * The AWS managed policy `arn` names, or undefined when the snapshot does not have it (unknown name,
 * a wrong path such as `policy/AmazonECSTaskExecutionRolePolicy` without `service-role/`, which IAM
 * rejects too, or a name that contains a token). Any partition is accepted: for a partition other
 * than `aws`, ARNs inside the document are rewritten to it, as AWS publishes the same policies there
 * with partition-local ARNs.
 */
export function awsManagedPolicy(arn: string): AwsManagedPolicy | undefined {
  const m = AWS_MANAGED_RE.exec(arn);
  if (!m) return undefined;
  const [, partition, pathAndName] = m;
  if (pathAndName.includes(TOKEN_OPEN)) return undefined;
  const name = pathAndName.slice(pathAndName.lastIndexOf('/') + 1);
  const found = lookup(name);
  if (!found || found.arn !== `arn:aws:iam::aws:policy/${pathAndName}`) return undefined;
  const { entry } = found;
  if (partition === 'aws') return { arn, name: entry.name, version: entry.version, document: entry.document };
  return { arn, name: entry.name, version: entry.version, document: inPartition(entry.document, partition) };
}

/** The policy named `name` (case-sensitive) with its canonical `aws` ARN: for "did you mean …/path/" hints. */
export function awsManagedPolicyByName(name: string): AwsManagedPolicy | undefined {
  const found = lookup(name);
  return found && { arn: found.arn, name: found.entry.name, version: found.entry.version, document: found.entry.document };
}

/** Where the snapshot came from, the date of its newest policy update, and how many policies it has. */
export function snapshotInfo(): { source: string; generated: string; count: number } {
  const { source, generated, count } = index();
  return { source, generated, count };
}

// ------------------------------------------------------------------------------------------------ loading

let snapshotDir: string | undefined;
let snapshotIndex: SnapshotIndex | undefined;
const shards = new Map<number, Map<string, { arn: string; entry: SnapshotEntry }>>();

/** policies/aws-managed/ of this package: found by walking up, so it works from src/ and from a bundle in dist/. */
function dir(): string {
  if (snapshotDir) return snapshotDir;
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(d, 'policies', 'aws-managed');
    if (existsSync(join(candidate, 'index.json'))) return (snapshotDir = candidate);
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  throw new Error('AWS managed policy snapshot not found (policies/aws-managed/index.json): reinstall rolefit or run `npm run snapshot-managed`');
}

function index(): SnapshotIndex {
  if (!snapshotIndex) {
    const parsed = JSON.parse(readFileSync(join(dir(), 'index.json'), 'utf8')) as SnapshotIndex;
    if (parsed.format !== 1) throw new Error(`AWS managed policy snapshot has format ${parsed.format}; this rolefit reads format 1`);
    snapshotIndex = parsed;
  }
  return snapshotIndex;
}

function lookup(name: string): { arn: string; entry: SnapshotEntry } | undefined {
  const n = fnv1a32(name) % index().shards;
  let shard = shards.get(n);
  if (!shard) {
    const file = join(dir(), `shard-${String(n).padStart(2, '0')}.json`);
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, SnapshotEntry>;
    shard = new Map(Object.entries(raw).map(([arn, entry]) => [entry.name, { arn, entry }]));
    shards.set(n, shard);
  }
  return shard.get(name);
}

/** FNV-1a, 32 bit: the shard function of scripts/snapshot-managed-policies.mjs. */
function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

// Rewritten copies, per snapshot document and partition: the same attachment recurs across roles.
const partitionCopies = new WeakMap<object, Map<string, unknown>>();

function inPartition(document: unknown, partition: string): unknown {
  if (document === null || typeof document !== 'object') return document;
  let copies = partitionCopies.get(document);
  if (!copies) partitionCopies.set(document, (copies = new Map()));
  if (!copies.has(partition)) copies.set(partition, rewriteArns(document, partition));
  return copies.get(partition);
}

function rewriteArns(v: unknown, partition: string): unknown {
  if (typeof v === 'string') return v.startsWith('arn:aws:') ? `arn:${partition}:${v.slice('arn:aws:'.length)}` : v;
  if (Array.isArray(v)) return v.map((x) => rewriteArns(x, partition));
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, rewriteArns(x, partition)]));
  }
  return v;
}
