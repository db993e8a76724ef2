// The live-account options of `rolefit scan --aws` and `rolefit collect --aws`. This module is on the
// CLI's start-up path, so it only declares options: the reading code and the AWS SDK load with
// import() when an account is actually scanned.
import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import type { LoadedInventory } from '../../scan.js';
import { incompleteText } from '../collected.js';

export interface LiveOptions {
  aws?: boolean;
  profile?: string;
  roleArn?: string;
  region?: string[];
  allRegions?: boolean;
  allRevisions?: boolean;
  quiet?: boolean;
  /** Read only IAM (explain needs the roles and policies, not the workloads). */
  iamOnly?: boolean;
}

interface Stream {
  write(s: string): unknown;
  isTTY?: boolean;
}

/** Adds the live-account options to a command. */
export function liveOptions(cmd: Command, required = false): Command {
  return cmd
    .addOption(new Option('--aws', 'read the AWS account of the current credentials instead of files').default(required ? true : undefined).hideHelp(required))
    .option('--profile <name>', 'with --aws: the shared config/credentials profile')
    .option('--role-arn <arn>', 'with --aws: assume this role first (e.g. an audit role in another account)')
    .option('--region <region>', 'with --aws: a region to read (repeatable or comma-separated; default AWS_REGION or the profile\'s)', (v: string, prev: string[] | undefined) => [
      ...(prev ?? []),
      ...v.split(',').map((r) => r.trim()).filter(Boolean),
    ])
    .option('--all-regions', 'with --aws: read every region enabled in the account')
    .option('--all-revisions', 'with --aws: every ACTIVE task definition revision, not only the latest of each family')
    .option('-q, --quiet', 'no progress on stderr');
}

/** A usage problem of the live options, or undefined. */
export function liveUsageError(opts: LiveOptions, paths: string[]): string | undefined {
  const liveOnly = (['profile', 'roleArn', 'region', 'allRegions', 'allRevisions'] as const).filter((k) => opts[k] !== undefined);
  if (!opts.aws && liveOnly.length) return `--${liveOnly[0].replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} needs --aws`;
  if (opts.aws && paths.length) return '--aws reads the account: give no paths (scan a collected inventory file without --aws)';
  if (opts.region?.length && opts.allRegions) return '--region and --all-regions exclude each other';
  return undefined;
}

function progressTo(stderr: Stream, quiet?: boolean): ((line: string) => void) | undefined {
  return stderr.isTTY && !quiet ? (line) => stderr.write(`rolefit: ${line}\n`) : undefined;
}

type LiveResult = { ok: true; loaded: LoadedInventory } | { ok: false; message: string };

/** Reads the account into an inventory; a credentials or connection failure is a message (exit 2). */
export async function loadLive(opts: LiveOptions, stderr: Stream): Promise<LiveResult> {
  const live = await import('./live.js');
  try {
    const { document } = await live.collect(collectOptions(opts, stderr));
    // explain needs the roles: without the IAM dump, "role not found" would hide why.
    const iam = opts.iamOnly && document.incomplete.find((e) => e.operation === 'iam:GetAccountAuthorizationDetails');
    if (iam) return { ok: false, message: `cannot explain a role of the account: ${incompleteText(iam, false)}` };
    return { ok: true, loaded: live.liveInventory(document) };
  } catch (e) {
    if (e instanceof live.LiveScanError) return { ok: false, message: e.message };
    throw e;
  }
}

/** `rolefit collect --aws -o FILE`: writes the inventory document; returns the exit code. */
export async function runCollect(opts: LiveOptions & { output: string }, stdout: Stream, stderr: Stream): Promise<number> {
  const live = await import('./live.js');
  let text: string;
  try {
    const { document } = await live.collect(collectOptions(opts, stderr));
    text = JSON.stringify(document, null, 2) + '\n';
    if (document.incomplete.length) {
      stderr.write(`rolefit: ${document.incomplete.length} read${document.incomplete.length === 1 ? '' : 's'} failed; the inventory is partial (a scan of it reports them as incomplete-scan)\n`);
    }
  } catch (e) {
    if (e instanceof live.LiveScanError) {
      stderr.write(`rolefit: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (opts.output === '-') stdout.write(text);
  else {
    try {
      writeFileSync(opts.output, text);
    } catch (e) {
      stderr.write(`rolefit: cannot write ${opts.output}: ${(e as Error).message}\n`);
      return 2;
    }
  }
  return 0;
}

function collectOptions(opts: LiveOptions, stderr: Stream) {
  return {
    regions: opts.region ?? [],
    allRegions: opts.allRegions,
    allRevisions: opts.allRevisions,
    profile: opts.profile,
    roleArn: opts.roleArn,
    iamOnly: opts.iamOnly,
    progress: progressTo(stderr, opts.quiet),
  };
}
