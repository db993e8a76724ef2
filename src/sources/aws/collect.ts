// Reads an account: IAM roles and policies, ECS task definitions and the services that run them, EKS
// clusters, Fargate profiles and node groups, region by region (domain.md §5). The result is the
// inventory document (src/sources/collected.ts) that `collect` writes and a live scan analyses. A
// call that fails is recorded as incomplete and the scan goes on; only credential errors stop it.
import { COLLECTED_VERSION, type CollectedInventory, type CollectedService, type IncompleteEntry } from '../collected.js';
import { awsManagedPolicy, isAwsManagedArn } from '../../iam/managed.js';
import { parseArn } from '../../iam/arn.js';
import { regionPartition } from '../region.js';
import { Clients, limiter } from './clients.js';
import { ReadOnlyViolation, type Service } from './guard.js';

export interface CollectOptions {
  /** Regions to read; empty: the profile's or the environment's region. */
  regions: string[];
  allRegions?: boolean;
  /** Every ACTIVE revision of each family, not only the latest. */
  allRevisions?: boolean;
  /** Read IAM only, no regional service (for explain). */
  iamOnly?: boolean;
  profile?: string;
  roleArn?: string;
  /** Progress lines (without newline); called only when progress is shown. */
  progress?: (line: string) => void;
  onOperation?: (operation: string) => void;
}

/** Regions read at the same time. */
const REGIONS_AT_ONCE = 4;

/** The credentials are missing, expired or rejected, or AWS cannot be reached at all: the scan stops (exit 2). */
export class LiveScanError extends Error {}

const CREDENTIAL_ERRORS = new Set([
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
  'AuthFailure',
  'TokenRefreshRequired',
]);

/** An AWS error's code: the SDK gives it as `Code` (from the response) or as the error's `name`. */
function errorCode(e: unknown): string | undefined {
  const err = e as { name?: string; Code?: string } | undefined;
  return err?.Code ?? err?.name;
}

function errorText(e: unknown): string {
  const err = e as { message?: string };
  const code = errorCode(e) ?? 'Error';
  const message = (err?.message ?? String(e)).replace(/\s+/g, ' ').trim();
  return message && message !== code ? `${code}: ${message}` : code;
}

/**
 * What AWS answers for any call in a region the account has not enabled (an opt-in region): the
 * same codes as for invalid credentials. Once the caller identity was read with these credentials,
 * they mean "not valid in this region", not "the credentials are bad".
 */
const REGION_REJECTIONS = new Set(['UnrecognizedClientException', 'InvalidClientTokenId', 'AuthFailure']);

/** The commercial regions enabled in every account (those launched before 20 March 2019); later ones are opt-in. */
const ENABLED_BY_DEFAULT = new Set([
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'sa-east-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-north-1',
  'ap-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-southeast-1', 'ap-southeast-2',
]);

function isCredentialError(e: unknown): boolean {
  const err = e as { name?: string; Code?: string };
  return CREDENTIAL_ERRORS.has(err?.name ?? '') || CREDENTIAL_ERRORS.has(err?.Code ?? '');
}

/** An opt-in region: commercial (`aws` partition) and launched after March 2019. */
function isOptInRegion(region: string): boolean {
  return regionPartition(region) === 'aws' && !ENABLED_BY_DEFAULT.has(region);
}

/** The fields of a task definition the analysis reads, and what identifies it: never environment values, commands or other configuration that may hold secrets. */
const TASK_DEFINITION_FIELDS = [
  'taskDefinitionArn', 'family', 'revision', 'status', 'executionRoleArn', 'taskRoleArn', 'networkMode', 'requiresCompatibilities',
  'compatibilities', 'cpu', 'memory', 'registeredAt',
];
const CONTAINER_FIELDS = ['name', 'image', 'essential', 'repositoryCredentials', 'secrets', 'logConfiguration', 'environmentFiles', 'firelensConfiguration'];
/**
 * The log driver and FireLens options the analysis reads. Other options are dropped: they carry
 * tokens in plain text (`splunk-token`, the `apikey` of a Datadog or New Relic FireLens output).
 */
const LOG_OPTION = /^awslogs-/;
const FIRELENS_OPTIONS = new Set(['config-file-type', 'config-file-value']);

/** An options map with only the keys `keep` accepts; undefined when none is left. */
function keepOptions(options: unknown, keep: (key: string) => boolean): Record<string, unknown> | undefined {
  if (!options || typeof options !== 'object') return undefined;
  const kept = Object.fromEntries(Object.entries(options).filter(([k]) => keep(k)));
  return Object.keys(kept).length ? kept : undefined;
}

/** A container definition reduced to the fields, and the options, the analysis reads. */
function redactContainer(c: Record<string, any>): Record<string, unknown> {
  const kept = pick(c, CONTAINER_FIELDS);
  if (c.logConfiguration) {
    kept.logConfiguration = pick({ ...c.logConfiguration, options: keepOptions(c.logConfiguration.options, (k) => LOG_OPTION.test(k)) }, ['logDriver', 'options', 'secretOptions']);
  }
  if (c.firelensConfiguration) {
    kept.firelensConfiguration = pick({ ...c.firelensConfiguration, options: keepOptions(c.firelensConfiguration.options, (k) => FIRELENS_OPTIONS.has(k)) }, ['type', 'options']);
  }
  return kept;
}

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (o[k] !== undefined && o[k] !== null) out[k] = o[k];
  return out;
}

/** A DescribeTaskDefinition output reduced to what the analysis needs (secrets-free). */
export function redactTaskDefinition(out: { taskDefinition?: Record<string, any>; tags?: unknown[] }): { taskDefinition: Record<string, unknown>; tags?: unknown[] } {
  const td = out.taskDefinition ?? {};
  const kept = pick(td, TASK_DEFINITION_FIELDS);
  kept.containerDefinitions = (td.containerDefinitions ?? []).map(redactContainer);
  const volumes = (td.volumes ?? []).filter((v: Record<string, any>) => v.fsxWindowsFileServerVolumeConfiguration);
  if (volumes.length) {
    kept.volumes = volumes.map((v: Record<string, any>) => ({
      name: v.name,
      fsxWindowsFileServerVolumeConfiguration: pick(v.fsxWindowsFileServerVolumeConfiguration, ['fileSystemId', 'rootDirectory', 'authorizationConfig']),
    }));
  }
  return out.tags?.length ? { taskDefinition: kept, tags: out.tags } : { taskDefinition: kept };
}

/**
 * An IAM document as the API returns it (RFC 3986 URL-encoded JSON text, which the JS SDK does not
 * decode), as JSON; left as text when it is not valid either way (the reader reports it). JSON that
 * parses as written (an emulator that does not encode) is taken as written.
 */
export function decodeDocument(doc: unknown): unknown {
  if (typeof doc !== 'string') return doc;
  const text = doc.trim();
  const attempts = /^%7B/i.test(text) ? [() => decodeURIComponent(text)] : [() => text, () => decodeURIComponent(text)];
  for (const attempt of attempts) {
    try {
      return JSON.parse(attempt());
    } catch {
      // next reading
    }
  }
  return doc;
}

/** Plain JSON (Dates as ISO strings, no `$metadata`). */
function plain<T>(v: T): T {
  return JSON.parse(JSON.stringify(v, (k, x) => (k === '$metadata' ? undefined : x)));
}

export interface CollectResult {
  document: CollectedInventory;
  stats: Clients['stats'];
}

export async function collectAccount(options: CollectOptions): Promise<CollectResult> {
  const clients = new Clients({ profile: options.profile, roleArn: options.roleArn, onOperation: options.onOperation });
  try {
    return await new Collector(clients, options).run();
  } finally {
    clients.destroy();
  }
}

class Collector {
  private readonly incomplete: IncompleteEntry[] = [];
  /** Set by the first credentials error: every later call fails with it instead of being sent. */
  private fatal?: LiveScanError;
  private readonly progress: (line: string) => void;
  /** The account read, once the caller identity is known. */
  private account = { partition: 'aws', id: '' };
  /** The region the caller identity was read in: the credentials are known to work there. */
  private home?: string;

  constructor(
    private readonly clients: Clients,
    private readonly options: CollectOptions,
  ) {
    this.progress = options.progress ?? (() => undefined);
  }

  /** Calls an operation; a failure other than a credentials error is recorded and yields undefined. */
  private async try<T = any>(
    service: Service,
    region: string | undefined,
    operation: string,
    input: Record<string, unknown>,
    missing: string,
    resource?: string,
  ): Promise<T | undefined> {
    if (this.fatal) throw this.fatal;
    try {
      return await this.clients.call<T>(service, region, operation, input);
    } catch (e) {
      if (e instanceof ReadOnlyViolation) throw e; // a bug of ours, never a partial result
      if (this.fatal) throw this.fatal;
      if (this.rejectedRegion(e, service, region)) {
        this.record(service, region, operation, missing, `${errorText(e)} (the same credentials work in ${this.home}: is ${region} enabled for the account?)`, resource);
        return undefined;
      }
      if (isCredentialError(e)) throw (this.fatal = new LiveScanError(`AWS credentials were rejected: ${errorText(e)}`));
      this.record(service, region, operation, missing, errorText(e), resource);
      return undefined;
    }
  }

  /** Credentials refused in a regional service of one region though they worked in the home region. */
  private rejectedRegion(e: unknown, service: Service, region: string | undefined): region is string {
    return REGION_REJECTIONS.has(errorCode(e) ?? '') && service !== 'iam' && region !== undefined && this.home !== undefined && region !== this.home;
  }

  /** Records what could not be read (IAM is global: no region). */
  private record(service: Service, region: string | undefined, operation: string, missing: string, error: string, resource?: string): void {
    const entry: IncompleteEntry = { operation: `${service}:${operation}`, missing, error };
    if (region && service !== 'iam') entry.region = region;
    if (resource) entry.resource = resource;
    this.incomplete.push(entry);
  }

  /** Every page of a paginated operation; stops (with the failure recorded) at a failed page. */
  private async pages<T = any>(
    service: Service,
    region: string | undefined,
    operation: string,
    input: Record<string, unknown>,
    tokens: { in: string; out: string; more?: string },
    missing: string,
    resource?: string,
  ): Promise<T[]> {
    const out: T[] = [];
    let token: string | undefined;
    const seen = new Set<string>();
    for (;;) {
      const page = await this.try<any>(service, region, operation, token ? { ...input, [tokens.in]: token } : input, missing, resource);
      if (!page) return out;
      out.push(page);
      token = page[tokens.out];
      if (tokens.more && !page[tokens.more]) return out;
      if (!token) return out;
      // A service that hands back a token it already gave would loop forever.
      if (seen.has(token)) {
        this.record(service, region, operation, missing, 'the same page token came back twice; stopped paging', resource);
        return out;
      }
      seen.add(token);
    }
  }

  async run(): Promise<CollectResult> {
    const { partition, account, region: home } = await this.identity();
    this.account = { partition, id: account };
    this.home = home;
    const regions = await this.regions(home);
    this.progress(`account ${account} (${partition}), regions ${regions.join(', ')}`);
    const taskDefinitions: unknown[] = [];
    const services: CollectedService[] = [];
    const clusters: unknown[] = [];
    const fargateProfiles: unknown[] = [];
    const nodegroups: unknown[] = [];
    // Regions a few at a time: each has its own clients and limits, but sockets and memory are ours.
    const regionSlot = limiter(REGIONS_AT_ONCE);
    // One Promise.all over IAM and the regions: when one stops the scan (credentials), the failures
    // of the others are handled too, not left as unhandled rejections that crash the process.
    const [authorizationDetails] = await Promise.all([
      this.iam(regions[0]),
      ...(this.options.iamOnly ? [] : regions).map(async (region) => {
        const [ecs, eks] = await regionSlot(() => Promise.all([this.ecs(region), this.eks(region)]));
        taskDefinitions.push(...ecs.taskDefinitions);
        services.push(...ecs.services);
        clusters.push(...eks.clusters);
        fargateProfiles.push(...eks.fargateProfiles);
        nodegroups.push(...eks.nodegroups);
      }),
    ]);
    const stats = Object.entries(this.clients.stats).sort(([a], [b]) => (a < b ? -1 : 1));
    const total = stats.reduce((n, [, s]) => n + s.requests, 0);
    this.progress(`read in ${count(total, 'API request')} (${stats.map(([service, s]) => `${service} ${s.requests}`).join(', ')})`);
    const byKey = <T>(key: (x: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
    const document: CollectedInventory = {
      rolefitInventory: COLLECTED_VERSION,
      collectedAt: new Date().toISOString(),
      partition,
      account,
      regions,
      authorizationDetails,
      taskDefinitions: taskDefinitions.sort(byKey((t: any) => t.taskDefinition.taskDefinitionArn ?? '')),
      services: services.sort(byKey((s) => s.serviceArn)),
      clusters: clusters.sort(byKey((c: any) => c.cluster.arn ?? '')),
      fargateProfiles: fargateProfiles.sort(byKey((p: any) => p.fargateProfile.fargateProfileArn ?? '')),
      nodegroups: nodegroups.sort(byKey((g: any) => g.nodegroup.nodegroupArn ?? '')),
      incomplete: this.incomplete.sort(byKey((i) => `${i.operation} ${i.region ?? ''} ${i.resource ?? ''}`)),
    };
    return { document, stats: this.clients.stats };
  }

  /** Who the credentials are: a failure here stops the scan (no credentials, expired, unreachable). */
  private async identity(): Promise<{ partition: string; account: string; region: string }> {
    const region = this.options.regions[0] ?? (await this.clients.defaultRegion());
    if (!region) throw new LiveScanError('no AWS region: pass --region, set AWS_REGION, or set a region in the profile');
    let id: { Arn?: string; Account?: string };
    try {
      id = await this.clients.call('sts', region, 'GetCallerIdentity');
    } catch (e) {
      const hint = isOptInRegion(region) && REGION_REJECTIONS.has(errorCode(e) ?? '') ? ` (read in ${region}, an opt-in region: is it enabled for the account?)` : '';
      throw new LiveScanError(
        isCredentialError(e) ? `AWS credentials: ${errorText(e)}${hint}` : `cannot read the caller identity (sts:GetCallerIdentity): ${errorText(e)}`,
      );
    }
    const arn = parseArn(id.Arn ?? '');
    if (!arn || !id.Account) throw new LiveScanError(`sts:GetCallerIdentity returned no ARN or account`);
    return { partition: arn.partition, account: id.Account, region };
  }

  private async regions(home: string): Promise<string[]> {
    if (!this.options.allRegions) return this.options.regions.length ? [...new Set(this.options.regions)] : [home];
    const out = await this.try<{ Regions?: Array<{ RegionName?: string }> }>('ec2', home, 'DescribeRegions', {}, 'the list of enabled regions (scanning only ' + home + ')');
    const names = (out?.Regions ?? []).flatMap((r) => (r.RegionName ? [r.RegionName] : [])).sort();
    return names.length ? names : [home];
  }

  // ------------------------------------------------------------------------------------------ IAM

  private async iam(region: string): Promise<CollectedInventory['authorizationDetails']> {
    const pages = await this.pages<any>(
      'iam',
      region,
      'GetAccountAuthorizationDetails',
      { Filter: ['Role', 'LocalManagedPolicy', 'AWSManagedPolicy'], MaxItems: 1000 },
      { in: 'Marker', out: 'Marker', more: 'IsTruncated' },
      'IAM roles and policies',
    );
    const roles = pages.flatMap((p) => p.RoleDetailList ?? []).map((r: any) => ({
      ...r,
      AssumeRolePolicyDocument: decodeDocument(r.AssumeRolePolicyDocument),
      RolePolicyList: (r.RolePolicyList ?? []).map((p: any) => ({ ...p, PolicyDocument: decodeDocument(p.PolicyDocument) })),
    }));
    // The managed policies the roles use (attached or as boundary), with their default version only.
    const used = new Set<string>();
    for (const r of roles) {
      for (const a of r.AttachedManagedPolicies ?? []) if (a.PolicyArn) used.add(a.PolicyArn);
      if (r.PermissionsBoundary?.PermissionsBoundaryArn) used.add(r.PermissionsBoundary.PermissionsBoundaryArn);
    }
    const policies = new Map<string, any>();
    for (const p of pages.flatMap((pg) => pg.Policies ?? [])) {
      // Customer managed policies are all kept (linted without a role too); AWS managed ones when used.
      if (isAwsManagedArn(p.Arn) && !used.has(p.Arn)) continue;
      const versions = (p.PolicyVersionList ?? []).filter((v: any) => v.IsDefaultVersion);
      // The name is the ARN's last segment (some emulators leave PolicyName out of AWS managed entries).
      const PolicyName = p.PolicyName ?? String(p.Arn).slice(String(p.Arn).lastIndexOf('/') + 1);
      policies.set(p.Arn, { ...p, PolicyName, PolicyVersionList: versions.map((v: any) => ({ ...v, Document: decodeDocument(v.Document) })) });
    }
    // AWS managed policies the dump left out (or newer than the bundled snapshot knows): GetPolicy + GetPolicyVersion.
    const missing = [...used].filter((arn) => !policies.has(arn) && isAwsManagedArn(arn) && !awsManagedPolicy(arn));
    await Promise.all(missing.map(async (arn) => policies.set(arn, await this.managedPolicy(arn, region))));
    for (const [arn, p] of policies) if (p === undefined) policies.delete(arn);
    this.progress(`IAM: ${count(roles.length, 'role')}, ${count(policies.size, 'managed policy', 'managed policies')}`);
    return { RoleDetailList: plain(roles), Policies: plain([...policies.values()].sort((a, b) => (a.Arn < b.Arn ? -1 : 1))) };
  }

  private async managedPolicy(arn: string, region: string): Promise<unknown> {
    const what = `AWS managed policy ${arn}`;
    const p = await this.try<any>('iam', region, 'GetPolicy', { PolicyArn: arn }, what, arn);
    const versionId = p?.Policy?.DefaultVersionId;
    if (!versionId) return undefined;
    const v = await this.try<any>('iam', region, 'GetPolicyVersion', { PolicyArn: arn, VersionId: versionId }, what, arn);
    if (!v?.PolicyVersion) return undefined;
    const { PolicyName, PolicyId, Arn, Path, DefaultVersionId, AttachmentCount, IsAttachable, CreateDate, UpdateDate } = p.Policy;
    return {
      ...plain({ PolicyName, PolicyId, Arn, Path, DefaultVersionId, AttachmentCount, IsAttachable, CreateDate, UpdateDate }),
      PolicyVersionList: [{ ...plain(v.PolicyVersion), Document: decodeDocument(v.PolicyVersion.Document), IsDefaultVersion: true }],
    };
  }

  // ------------------------------------------------------------------------------------------ ECS

  private async ecs(region: string): Promise<{ taskDefinitions: unknown[]; services: CollectedService[] }> {
    const describe = new Map<string, Promise<unknown>>();
    const describeOne = (ref: string) => {
      let d = describe.get(ref);
      if (!d) {
        d = this.try<any>('ecs', region, 'DescribeTaskDefinition', { taskDefinition: ref, include: ['TAGS'] }, `task definition ${ref}`, ref.startsWith('arn:') ? ref : undefined).then(
          (out) => (out?.taskDefinition ? redactTaskDefinition(plain(out)) : undefined),
        );
        describe.set(ref, d);
      }
      return d;
    };

    // The latest ACTIVE revision of each family (a bare family describes it), or every ACTIVE revision.
    let latest: string[];
    if (this.options.allRevisions) {
      const pages = await this.pages<any>('ecs', region, 'ListTaskDefinitions', { status: 'ACTIVE', maxResults: 100 }, { in: 'nextToken', out: 'nextToken' }, 'task definitions');
      latest = pages.flatMap((p) => p.taskDefinitionArns ?? []);
    } else {
      const pages = await this.pages<any>('ecs', region, 'ListTaskDefinitionFamilies', { status: 'ACTIVE', maxResults: 100 }, { in: 'nextToken', out: 'nextToken' }, 'task definition families');
      latest = pages.flatMap((p) => p.families ?? []);
    }
    const read: unknown[] = [];
    const readAll = (refs: string[]) => Promise.all(refs.map(async (ref) => read.push(await describeOne(ref))));

    // Services of every cluster, and the revisions their deployments run (read beside the definitions).
    const services: CollectedService[] = [];
    let clusterArns: string[] = [];
    const readServices = async () => {
      const clusterPages = await this.pages<any>('ecs', region, 'ListClusters', { maxResults: 100 }, { in: 'nextToken', out: 'nextToken' }, 'ECS clusters');
      clusterArns = clusterPages.flatMap((p) => p.clusterArns ?? []);
      await Promise.all(
        clusterArns.map(async (cluster) => {
          const name = cluster.slice(cluster.lastIndexOf('/') + 1);
          const listed = await this.pages<any>('ecs', region, 'ListServices', { cluster, maxResults: 100 }, { in: 'nextToken', out: 'nextToken' }, `services of ECS cluster ${name}`, cluster);
          const arns: string[] = listed.flatMap((p) => p.serviceArns ?? []);
          for (let i = 0; i < arns.length; i += 10) {
            const batch = arns.slice(i, i + 10);
            const out = await this.try<any>('ecs', region, 'DescribeServices', { cluster, services: batch }, `services of ECS cluster ${name}`, cluster);
            for (const f of out?.failures ?? []) {
              this.record('ecs', region, 'DescribeServices', `service ${f.arn ?? ''} of ECS cluster ${name}`, `${f.reason ?? 'failure'}${f.detail ? `: ${f.detail}` : ''}`, f.arn ?? cluster);
            }
            for (const s of out?.services ?? []) {
              const tds = new Set<string>();
              if (s.taskDefinition) tds.add(s.taskDefinition);
              for (const d of s.deployments ?? []) if (d.taskDefinition && (d.status === 'PRIMARY' || d.status === 'ACTIVE')) tds.add(d.taskDefinition);
              for (const t of s.taskSets ?? []) if (t.taskDefinition && t.status !== 'DRAINING') tds.add(t.taskDefinition);
              services.push({ serviceArn: s.serviceArn, clusterArn: s.clusterArn ?? cluster, taskDefinitions: [...tds].sort() });
            }
          }
        }),
      );
    };
    await Promise.all([readAll(latest), readServices()]);
    // A service may run a revision that is not the family's latest, or one that is INACTIVE.
    const described = new Set(read.map((t: any) => t?.taskDefinition?.taskDefinitionArn));
    await readAll([...new Set(services.flatMap((s) => s.taskDefinitions))].filter((arn) => !described.has(arn)));
    const taskDefinitions = dedupeBy(read.filter((t) => t !== undefined), (t: any) => t.taskDefinition.taskDefinitionArn);
    this.progress(`${region}: ECS ${count(clusterArns.length, 'cluster')}, ${count(services.length, 'service')}, ${count(taskDefinitions.length, 'task definition')}`);
    return { taskDefinitions, services };
  }

  // ------------------------------------------------------------------------------------------ EKS

  private async eks(region: string): Promise<{ clusters: unknown[]; fargateProfiles: unknown[]; nodegroups: unknown[] }> {
    const pages = await this.pages<any>('eks', region, 'ListClusters', { maxResults: 100 }, { in: 'nextToken', out: 'nextToken' }, 'EKS clusters');
    const names: string[] = pages.flatMap((p) => p.clusters ?? []);
    const clusters: unknown[] = [];
    const fargateProfiles: unknown[] = [];
    const nodegroups: unknown[] = [];
    await Promise.all(
      names.map(async (name) => {
        const clusterArn = `arn:${this.account.partition}:eks:${region}:${this.account.id}:cluster/${name}`;
        const c = await this.try<any>('eks', region, 'DescribeCluster', { name }, `EKS cluster ${name}`, clusterArn);
        if (!c?.cluster) return;
        const { arn, version, status, accessConfig } = c.cluster;
        clusters.push({ cluster: plain({ name, arn, version, status, accessConfig }) });
        const [profiles, groups] = await Promise.all([
          this.pages<any>('eks', region, 'ListFargateProfiles', { clusterName: name, maxResults: 100 }, { in: 'nextToken', out: 'nextToken' }, `Fargate profiles of EKS cluster ${name}`, arn),
          this.pages<any>('eks', region, 'ListNodegroups', { clusterName: name, maxResults: 100 }, { in: 'nextToken', out: 'nextToken' }, `node groups of EKS cluster ${name}`, arn),
        ]);
        await Promise.all([
          ...profiles.flatMap((p) => p.fargateProfileNames ?? []).map(async (fargateProfileName: string) => {
            const out = await this.try<any>('eks', region, 'DescribeFargateProfile', { clusterName: name, fargateProfileName }, `Fargate profile ${fargateProfileName} of EKS cluster ${name}`, arn);
            if (out?.fargateProfile) {
              const { fargateProfileName: n, fargateProfileArn, clusterName, podExecutionRoleArn, selectors, subnets, status, createdAt } = out.fargateProfile;
              fargateProfiles.push({ fargateProfile: plain({ fargateProfileName: n, fargateProfileArn, clusterName, podExecutionRoleArn, selectors, subnets, status, createdAt }) });
            }
          }),
          ...groups.flatMap((p) => p.nodegroups ?? []).map(async (nodegroupName: string) => {
            const out = await this.try<any>('eks', region, 'DescribeNodegroup', { clusterName: name, nodegroupName }, `node group ${nodegroupName} of EKS cluster ${name}`, arn);
            if (out?.nodegroup) {
              const { nodegroupName: n, nodegroupArn, clusterName, nodeRole, status } = out.nodegroup;
              nodegroups.push({ nodegroup: plain({ nodegroupName: n, nodegroupArn, clusterName, nodeRole, status }) });
            }
          }),
        ]);
      }),
    );
    this.progress(`${region}: EKS ${count(clusters.length, 'cluster')}, ${count(fargateProfiles.length, 'Fargate profile')}, ${count(nodegroups.length, 'node group')}`);
    return { clusters, fargateProfiles, nodegroups };
  }
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function dedupeBy<T>(list: T[], key: (x: T) => string): T[] {
  const seen = new Set<string>();
  return list.filter((x) => !seen.has(key(x)) && (seen.add(key(x)), true));
}
