// Secrets Manager and SSM Parameter Store references as the ECS agent reads them (domain.md §1.7):
// `secrets[].valueFrom`, `logConfiguration.secretOptions[].valueFrom`,
// `repositoryCredentials.credentialsParameter` and FSx `credentialsParameter`.
import { display, TOKEN_OPEN, tokenNames } from '../model.js';
import { maskTokens } from './token-mask.js';

export type SecretRef =
  | {
      kind: 'secretsmanager';
      /** Secret ARN (JSON key / version fields stripped), or `…:secret:<name>-??????` when partial. */
      secretArn: string;
      /** The reference named the secret without its random 6-character suffix. */
      partial: boolean;
      jsonKey?: string;
      versionStage?: string;
      versionId?: string;
    }
  | {
      kind: 'ssm';
      /** `arn:<P>:ssm:<R>:<A>:parameter/<name without leading slash>`. */
      parameterArn: string;
      /** Parameter name as SSM knows it (hierarchical names start with `/`). */
      name: string;
      /** Version or label selector written after the name (`/app/flag:3`); not part of the ARN. */
      selector?: string;
      /** E12: for `/aws/reference/secretsmanager/<id>`, the ARN pattern of the secret it reads. */
      secretsManagerRef?: string;
    }
  /** The agent would reject the reference (the container fails to start). */
  | { kind: 'invalid'; reason: string }
  /** A token hides what kind of reference this is (e.g. `!Ref SecretArnParameter`). */
  | { kind: 'unresolved'; reason: string };

export interface SecretRefContext {
  region: string;
  account: string;
  partition: string;
}

const SSM_REFERENCE_PREFIX = '/aws/reference/secretsmanager/';
// Secrets Manager appends `-` and six random characters to the name in a secret's ARN.
const SUFFIX_RE = /-[A-Za-z0-9]{6}$/;
const PATTERN_SUFFIX = '-??????';
// GetParameters accepts `name:version` and `name:label`; IAM authorizes the parameter itself.
const SELECTOR_RE = /:([a-zA-Z0-9_.\-\uE000\uE001]+)$/;
// Naming rules (placeholders of masked tokens are let through).
const SSM_NAME_RE = /^[a-zA-Z0-9_.\-/\uE000\uE001]+$/;
const SECRET_NAME_RE = /^[a-zA-Z0-9/_+=.@\-\uE000\uE001]+$/;
// Pseudo parameters whose values never contain `:`, so a reference starting with one of them
// cannot be an ARN.
const COLON_FREE_TOKENS = new Set(['AWS::AccountId', 'AWS::Region', 'AWS::Partition', 'AWS::URLSuffix', 'AWS::StackName']);

/** The ARN (or `-??????` pattern) of a secret known by name, in the given context. */
export function secretArnForName(name: string, ctx: SecretRefContext): string {
  const suffixed = name.endsWith(PATTERN_SUFFIX) ? name : name + PATTERN_SUFFIX;
  return `arn:${ctx.partition}:secretsmanager:${ctx.region}:${ctx.account}:secret:${suffixed}`;
}

/**
 * Classifies a reference. `usage` is `credentials` for `repositoryCredentials.credentialsParameter`,
 * where a bare name is a Secrets Manager secret name (and an SSM parameter is not accepted).
 */
const PLACEHOLDER_RE = /\{\{[^{}]*\}\}|\$\{[A-Za-z_][\w.:-]*\}|<[A-Za-z_][\w -]*>/;

export function parseSecretRef(valueFrom: string, ctx: SecretRefContext, usage: 'secret' | 'credentials'): SecretRef {
  if (valueFrom === '') return { kind: 'invalid', reason: 'the reference is empty' };
  const m = maskTokens(valueFrom);
  const s = m.text;

  if (s.startsWith(TOKEN_OPEN)) {
    const first = tokenNames(valueFrom)[0].replace(/@.*$/, '');
    if (!COLON_FREE_TOKENS.has(first)) {
      return { kind: 'unresolved', reason: 'the reference is not known (it may be an ARN or a name)' };
    }
  }

  // Deployment tooling fills in placeholders ({{ssm-config}}, ${SECRET_ARN}, <secret-arn>) before
  // the task definition reaches ECS: the value is unknown, not wrong.
  if (PLACEHOLDER_RE.test(valueFrom)) {
    return { kind: 'unresolved', reason: 'the reference is a template placeholder filled in at deployment' };
  }

  if (s.startsWith('arn:')) {
    const f = s.split(':');
    const service = f[2] ?? '';
    if (service.includes(TOKEN_OPEN)) return { kind: 'unresolved', reason: 'the service of the ARN is not known' };
    if (service === 'secretsmanager') return secretsManagerArn(f, m.restore);
    if (service === 'ssm') {
      if (usage === 'credentials') {
        return { kind: 'invalid', reason: 'private registry credentials must be a Secrets Manager secret, not an SSM parameter' };
      }
      return ssmArn(f, m.restore);
    }
    return { kind: 'invalid', reason: `not a Secrets Manager secret or SSM parameter ARN (service "${display(m.restore(service))}")` };
  }

  if (usage === 'credentials') {
    if (!SECRET_NAME_RE.test(s)) return { kind: 'invalid', reason: 'not an ARN and not a valid Secrets Manager secret name' };
    return { kind: 'secretsmanager', secretArn: secretArnForName(valueFrom, ctx), partial: true };
  }
  const sel = SELECTOR_RE.exec(s);
  const name = sel ? s.slice(0, sel.index) : s;
  if (!SSM_NAME_RE.test(name)) return { kind: 'invalid', reason: 'not an ARN and not a valid SSM parameter name' };
  return ssmRef(m.restore(name), ctx, sel ? m.restore(sel[1]) : undefined);
}

// `arn:P:secretsmanager:R:A:secret:<name>` or `…:<name>:<jsonKey>:<versionStage>:<versionId>`.
function secretsManagerArn(f: string[], restore: (s: string) => string): SecretRef {
  if (f.length !== 7 && f.length !== 10) {
    return {
      kind: 'invalid',
      reason: `a Secrets Manager ARN has 7 colon-separated fields, or 10 with json-key:version-stage:version-id; this one has ${f.length}`,
    };
  }
  const [, partition, , region, account, type, name] = f;
  if (type !== 'secret') return { kind: 'invalid', reason: `the resource type must be "secret", not "${display(restore(type))}"` };
  if (!partition || !region || !account) return { kind: 'invalid', reason: 'the ARN lacks its partition, region or account' };
  if (!name) return { kind: 'invalid', reason: 'the ARN names no secret' };

  const complete = SUFFIX_RE.test(name);
  const pattern = name.endsWith(PATTERN_SUFFIX);
  const stem = f.slice(0, 6).join(':') + ':' + (complete || pattern ? name : name + PATTERN_SUFFIX);
  const ref: SecretRef = { kind: 'secretsmanager', secretArn: restore(stem), partial: !complete };
  if (f.length === 10) {
    if (f[7]) ref.jsonKey = restore(f[7]);
    if (f[8]) ref.versionStage = restore(f[8]);
    if (f[9]) ref.versionId = restore(f[9]);
  }
  return ref;
}

// `arn:P:ssm:R:A:parameter/<path>`, optionally followed by `:<version or label>`.
function ssmArn(f: string[], restore: (s: string) => string): SecretRef {
  const [, partition, , region, account] = f;
  const resource = f[5] ?? '';
  const selector = f.length === 7 && /^[a-zA-Z0-9_.\-\uE000\uE001]+$/.test(f[6]) ? f[6] : undefined;
  if ((f.length !== 6 && selector === undefined) || !resource.startsWith('parameter/')) {
    return { kind: 'invalid', reason: 'an SSM parameter ARN has the form arn:<partition>:ssm:<region>:<account>:parameter/<name>' };
  }
  if (!partition || !region || !account) return { kind: 'invalid', reason: 'the ARN lacks its partition, region or account' };
  const path = resource.slice('parameter/'.length).replace(/^\/+/, '');
  if (!path || !SSM_NAME_RE.test(path)) return { kind: 'invalid', reason: 'the ARN names no valid parameter' };
  // Hierarchical names start with `/` (which the ARN drops); top-level names have no `/` at all.
  const name = path.includes('/') ? '/' + path : path;
  const ctx = { partition: restore(partition), region: restore(region), account: restore(account) };
  return ssmRef(restore(name), ctx, selector !== undefined ? restore(selector) : undefined);
}

function ssmRef(name: string, ctx: SecretRefContext, selector: string | undefined): SecretRef {
  const parameterArn = `arn:${ctx.partition}:ssm:${ctx.region}:${ctx.account}:parameter/${name.replace(/^\//, '')}`;
  const ref: SecretRef = { kind: 'ssm', parameterArn, name };
  if (selector !== undefined) ref.selector = selector;
  if (name.startsWith(SSM_REFERENCE_PREFIX) && name.length > SSM_REFERENCE_PREFIX.length) {
    // Parameter Store reads the secret with the caller's credentials, in the parameter's region.
    ref.secretsManagerRef = secretArnForName(name.slice(SSM_REFERENCE_PREFIX.length), ctx);
  }
  return ref;
}
