// The configuration file (.rolefit.yaml, .rolefit.yml or .rolefit.json): where it is, and what it
// says. Data only: it is parsed into positioned nodes, checked against
// policies/schema/config.schema.json by a validator that ajv compiled at build time, then checked
// for what a schema cannot say (known rule ids, catalog actions, real dates). Every error names the
// key and the file:line of the offending value.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Loc, Node, PullThroughCacheRule, Severity } from '../model.js';
import { InputError, get, items, parseJson, parseYamlDocument, str, toPlain } from '../sources/nodes.js';
import { displayPath } from '../sources/discover.js';
import { actionInfo } from '../iam/catalog.js';
import { validateConfig } from './generated/validators.js';
import { schemaInputError } from './schema-errors.js';
import { isDate } from './dates.js';
import { RULE_METAS } from '../rules/index.js';

export const CONFIG_NAMES = ['.rolefit.yaml', '.rolefit.yml', '.rolefit.json'];

export type FailOn = Severity | 'none';

/** A config `ignore` entry: findings of `rule` (or every rule: `*`) in `paths`, on `roles`. */
export interface IgnoreEntry {
  rule: string;
  /** Globs relative to the config file's directory; empty: every file. */
  paths: string[];
  /** Role name, ARN or id globs; empty: any role (or none). */
  roles: string[];
  reason: string;
  expires?: string;
  loc: Loc;
}

/** A permission roles need that the scan cannot see (`needs:`). */
export interface ConfiguredNeed {
  /** Role name, ARN or id globs. */
  roles: string[];
  /** Concrete actions in catalog casing. */
  actions: string[];
  resources: string[];
  reason: string;
  loc: Loc;
}

/** Values that stand for the deployment context a template leaves unknown. */
export interface DeploymentContext {
  account?: string;
  region?: string;
  partition?: string;
}

export interface Config {
  /** The file, as locations show it (relative to the working directory). */
  file: string;
  /** Its directory (absolute): `paths` globs and `baseline` are relative to it. */
  dir: string;
  failOn?: FailOn;
  /** Severity override or `off`, by rule id. */
  rules: Record<string, Severity | 'off'>;
  ignore: IgnoreEntry[];
  context: DeploymentContext;
  /** Absolute path of the baseline file, when the config names one. */
  baseline?: string;
  needs: ConfiguredNeed[];
  pullThroughCache: PullThroughCacheRule[];
}

/**
 * The configuration that applies in `cwd`: the first `.rolefit.{yaml,yml,json}` in `cwd` or a
 * directory above it, up to the root of the git repository (the directory holding `.git`). Outside
 * a git repository only `cwd` itself is searched: without a project boundary, a file further up
 * would belong to something else. Two config files in one directory are an error.
 */
export function findConfig(cwd: string): string | undefined {
  const start = resolve(cwd);
  const inRepo = gitRoot(start) !== undefined;
  for (let dir = start; ; dir = dirname(dir)) {
    const found = CONFIG_NAMES.filter((n) => isFile(join(dir, n)));
    if (found.length > 1) {
      throw new InputError(`more than one configuration file (${found.join(', ')}): keep one`, { file: displayPath(start, join(dir, found[0])), line: 1, column: 1 });
    }
    if (found.length === 1) return join(dir, found[0]);
    if (!inRepo || existsSync(join(dir, '.git')) || dirname(dir) === dir) return undefined;
  }
}

function gitRoot(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Reads and checks the configuration file at `path`. Throws InputError (exit 2) with file:line. */
export function loadConfig(path: string, cwd: string = process.cwd()): Config {
  const abs = resolve(cwd, path);
  const file = displayPath(cwd, abs);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    throw new InputError(`cannot read configuration file: ${(e as Error).message}`, { file, line: 1, column: 1 });
  }
  const root: Node = /\.json$/i.test(abs) ? parseJson(text, file) : (parseYamlDocument(text, file) ?? { kind: 'map', entries: [], loc: { file, line: 1, column: 1 } });
  // Scalars stay as the parser typed them: an unquoted account id (a number) is refused rather than
  // silently losing its leading zeros.
  if (!validateConfig(toPlain(root))) throw schemaInputError('configuration', validateConfig.errors, root);
  return interpret(root, file, dirname(abs));
}

/** The checked document as a Config, with the checks a schema cannot make. */
function interpret(root: Node, file: string, dir: string): Config {
  const fail = (message: string, node: Node): never => {
    throw new InputError(`invalid configuration: ${message}`, node.loc);
  };
  const strings = (node: Node | undefined) => items(node).map((n) => str(n)!);
  const known = new Set(RULE_METAS.map((m) => m.id));

  const rules: Config['rules'] = {};
  const rulesNode = get(root, 'rules');
  if (rulesNode?.kind === 'map') for (const e of rulesNode.entries) rules[e.key] = str(e.value) as Severity | 'off';

  const ignore = items(get(root, 'ignore')).map((n, i): IgnoreEntry => {
    const ruleNode = get(n, 'rule')!;
    const rule = str(ruleNode)!;
    if (rule !== '*' && !known.has(rule)) fail(`ignore[${i}].rule: unknown rule id "${rule}" (rolefit rules lists them)`, ruleNode);
    const expiresNode = get(n, 'expires');
    const expires = str(expiresNode);
    if (expiresNode && !isDate(expires!)) fail(`ignore[${i}].expires: "${expires}" is not a date`, expiresNode);
    return { rule, paths: strings(get(n, 'paths')), roles: strings(get(n, 'roles')), reason: str(get(n, 'reason'))!.trim(), ...(expires ? { expires } : {}), loc: n.loc };
  });

  const context: DeploymentContext = {};
  for (const key of ['account', 'region', 'partition'] as const) {
    const v = str(get(root, key));
    if (v !== undefined) context[key] = v;
  }

  const needs = items(get(root, 'needs')).map((n, i): ConfiguredNeed => {
    const actions = items(get(n, 'action')).map((a) => {
      const info = actionInfo(str(a)!);
      return info ? info.full : fail(`needs[${i}].action: "${str(a)}" is not an action of the IAM action catalog`, a);
    });
    return { roles: strings(get(n, 'role')), actions, resources: strings(get(n, 'resource')), reason: str(get(n, 'reason'))!.trim(), loc: n.loc };
  });

  const pullThroughCache = items(get(root, 'pull-through-cache')).map((n, i): PullThroughCacheRule => {
    const account = str(get(n, 'account')) ?? context.account;
    const region = str(get(n, 'region')) ?? context.region;
    if (!account || !region) fail(`pull-through-cache[${i}]: needs "account" and "region" (here or at the top level): a cache rule belongs to one registry`, n);
    return { prefix: str(get(n, 'prefix'))!, account: account!, region: region!, loc: n.loc };
  });

  const failOn = str(get(root, 'fail-on')) as FailOn | undefined;
  const baseline = str(get(root, 'baseline'));
  return {
    file,
    dir,
    ...(failOn ? { failOn } : {}),
    rules,
    ignore,
    context,
    ...(baseline ? { baseline: resolve(dir, baseline) } : {}),
    needs,
    pullThroughCache,
  };
}
